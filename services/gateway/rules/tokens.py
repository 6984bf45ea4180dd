"""Signed bearer tokens: ``zjtx1.<payload>.<mac>``, HMAC-SHA256 over the first two parts.

The payload (base64url JSON) names the identity the gateway asserts to the services
(subject, role, unit, enterprise id), a random token id (``jti``, what sign-out revokes),
and its issue and expiry times in whole seconds of the wall clock. Expiry uses the wall
clock, not the platform clock: the platform clock may replay 2020, a token may not.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from dataclasses import asdict, dataclass

from zjtx.errors import DomainError, unauthenticated

PREFIX = "zjtx1"
MAX_TOKEN_LENGTH = 4096
MIN_KEY_BYTES = 32
ROLES = ("enterprise", "reviewer", "admin", "operations")


@dataclass(frozen=True)
class Claims:
    sub: str
    role: str
    unit: str
    enterprise_id: str
    name: str
    jti: str
    iat: int
    exp: int
    gen: int = 0  # the credential's generation: a password change makes older tokens invalid


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _mac(key: bytes, signed: str) -> str:
    return _b64(hmac.new(key, signed.encode("ascii"), hashlib.sha256).digest())


def check_key(key: bytes) -> None:
    if len(key) < MIN_KEY_BYTES:
        raise ValueError(f"the token key must be at least {MIN_KEY_BYTES} bytes (got {len(key)}); "
                         "generate one with `python -c 'import secrets; print(secrets.token_urlsafe(48))'`")


def new_claims(*, sub: str, role: str, unit: str = "", enterprise_id: str = "", name: str = "",
               now: int, ttl: int, gen: int = 0) -> Claims:
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}")
    return Claims(sub=sub, role=role, unit=unit, enterprise_id=enterprise_id, name=name,
                  jti=secrets.token_urlsafe(18), iat=now, exp=now + ttl, gen=gen)


def issue(claims: Claims, key: bytes) -> str:
    payload = _b64(json.dumps(asdict(claims), ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
    signed = f"{PREFIX}.{payload}"
    return f"{signed}.{_mac(key, signed)}"


def _invalid() -> DomainError:
    return unauthenticated("token.invalid", "登录凭证无效，请重新登录")


def verify(token: str, key: bytes, now: int) -> Claims:
    """The claims of a genuine, unexpired token; ``token.invalid`` / ``token.expired`` otherwise."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        raise _invalid()
    parts = token.split(".")
    if len(parts) != 3 or parts[0] != PREFIX:
        raise _invalid()
    # compare the MAC before looking at the payload: nothing unsigned is ever parsed
    if not hmac.compare_digest(_mac(key, f"{parts[0]}.{parts[1]}"), parts[2]):
        raise _invalid()
    try:
        raw = json.loads(_unb64(parts[1]).decode("utf-8"))
        claims = Claims(**{name: raw[name] for name in Claims.__dataclass_fields__})
    except (ValueError, KeyError, TypeError):
        raise _invalid() from None
    texts = (claims.sub, claims.role, claims.unit, claims.enterprise_id, claims.name, claims.jti)
    if claims.role not in ROLES or not all(isinstance(v, str) for v in texts) or not claims.sub \
            or not all(type(v) is int for v in (claims.exp, claims.iat, claims.gen)):
        raise _invalid()
    if now >= claims.exp:
        raise unauthenticated("token.expired", "登录已过期，请重新登录")
    return claims
