"""Enterprise password reset by a one-time code: the rules, without storage or transport.

- A code is 6 digits, valid for ``CODE_TTL`` seconds and once; it is kept only as an HMAC
  (a key derived from the gateway's signing key), never in clear at the gateway.
- Throttled per login: a new code at most every ``RESEND_AFTER`` seconds and ``MAX_PER_HOUR``
  an hour; beyond that the request is answered as always but nothing is sent. A code
  survives ``MAX_ATTEMPTS`` wrong tries, then it is void.
- Not enumerable: asking for a code answers the same whether the USCC is registered or not,
  and a wrong code reads the same as an unknown login. Per client address, a request rate
  beyond ``ADDRESS_LIMIT`` in ``ADDRESS_WINDOW`` seconds is refused (429), for every login alike.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

CODE_TTL = 600
RESEND_AFTER = 60
MAX_PER_HOUR = 5
MAX_ATTEMPTS = 5
ADDRESS_LIMIT = 20
ADDRESS_WINDOW = 600
_LABEL = b"zjtx-password-reset-v1"
REQUEST_ANSWER = "如该统一社会信用代码已注册，验证码已发送至登记的联系人手机或邮箱，10分钟内有效"
INVALID_CODE = "验证码错误或已失效，请重新获取"


def derive_key(signing_key: bytes) -> bytes:
    return hmac.new(signing_key, _LABEL, hashlib.sha256).digest()


def new_code() -> str:
    return f"{secrets.randbelow(10**6):06d}"


def digest(key: bytes, login: str, code: str) -> str:
    return hmac.new(key, f"{login}\n{code}".encode(), hashlib.sha256).hexdigest()


def may_send(sent_at: Sequence[float], now: float) -> bool:
    """A new code for this login now? (``sent_at``: when earlier codes were sent)"""
    recent = [t for t in sent_at if now - t < 3600]
    return len(recent) < MAX_PER_HOUR and all(now - t >= RESEND_AFTER for t in recent)


def address_allowed(requests_at: Sequence[float], now: float) -> bool:
    return sum(1 for t in requests_at if now - t < ADDRESS_WINDOW) < ADDRESS_LIMIT


@dataclass(frozen=True)
class Pending:
    digest: str
    expires_at: float
    attempts: int
    used: bool


def code_matches(pending: Pending | None, offered: str, now: float) -> bool:
    """True once for the right code before it expires and before its tries are used up."""
    if pending is None or pending.used or now > pending.expires_at or pending.attempts >= MAX_ATTEMPTS:
        return False
    return hmac.compare_digest(pending.digest, offered)
