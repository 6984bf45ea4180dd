from __future__ import annotations

import base64
import json

import pytest

from gateway.rules import tokens
from zjtx.errors import DomainError

KEY = b"k" * 32


def claims(now: int = 1000, ttl: int = 60) -> tokens.Claims:
    return tokens.new_claims(sub="acc-1", role="reviewer", unit="unit-430400", now=now, ttl=ttl)


def test_a_token_round_trips() -> None:
    issued = claims()
    assert tokens.verify(tokens.issue(issued, KEY), KEY, 1001) == issued


def test_expired_at_exp_exactly() -> None:
    token = tokens.issue(claims(now=1000, ttl=60), KEY)
    assert tokens.verify(token, KEY, 1059).sub == "acc-1"
    with pytest.raises(DomainError) as error:
        tokens.verify(token, KEY, 1060)
    assert error.value.code == "token.expired" and error.value.kind == "unauthenticated"


def test_wrong_key_is_refused() -> None:
    token = tokens.issue(claims(), KEY)
    with pytest.raises(DomainError) as error:
        tokens.verify(token, b"x" * 32, 1001)
    assert error.value.code == "token.invalid"


def test_a_changed_payload_keeps_no_signature() -> None:
    prefix, payload, mac = tokens.issue(claims(), KEY).split(".")
    data = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    data["role"] = "admin"
    forged = base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()
    with pytest.raises(DomainError) as error:
        tokens.verify(f"{prefix}.{forged}.{mac}", KEY, 1001)
    assert error.value.code == "token.invalid"


@pytest.mark.parametrize("token", ["", "abc", "zjtx1.a.b.c", "zjtx0.e30.x", "zjtx1..", "x" * 5000, "zjtx1.e30."])
def test_malformed_tokens(token: str) -> None:
    with pytest.raises(DomainError) as error:
        tokens.verify(token, KEY, 1001)
    assert error.value.code == "token.invalid"


def test_a_signed_but_ill_typed_payload_is_refused() -> None:
    payload = base64.urlsafe_b64encode(json.dumps({
        "sub": "a", "role": "root", "unit": "", "enterprise_id": "", "name": "", "jti": "j", "iat": 1, "exp": 10**10,
        "gen": 0}).encode()).rstrip(b"=").decode()
    signed = f"zjtx1.{payload}"
    with pytest.raises(DomainError):
        tokens.verify(f"{signed}.{tokens._mac(KEY, signed)}", KEY, 1001)


def test_keys_shorter_than_32_bytes_are_refused() -> None:
    with pytest.raises(ValueError, match="at least 32 bytes"):
        tokens.check_key(b"short")


def test_every_token_has_its_own_id() -> None:
    assert claims().jti != claims().jti
