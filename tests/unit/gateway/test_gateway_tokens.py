from __future__ import annotations

import base64
import json

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from gateway.rules import tokens
from zjtx.errors import DomainError

KEY = Ed25519PrivateKey.generate()


def claims(now: int = 1000, ttl: int = 60) -> tokens.Claims:
    return tokens.new_claims(sub="acc-1", role="reviewer", unit="unit-430400", now=now, ttl=ttl)


def test_a_token_round_trips() -> None:
    issued = claims()
    assert tokens.verify(tokens.issue(issued, KEY), KEY, 1001) == issued


def test_a_token_is_a_standard_jwt_any_library_verifies_with_the_public_key() -> None:
    token = tokens.issue(claims(), KEY)
    decoded = jwt.decode(token, KEY.public_key(), algorithms=["EdDSA"], audience="zjtx-gateway",
                         options={"verify_exp": False})
    assert decoded["iss"] == "gateway" and decoded["sub"] == "acc-1" and decoded["role"] == "reviewer"
    assert jwt.get_unverified_header(token)["alg"] == "EdDSA"


def test_expired_at_exp_exactly() -> None:
    token = tokens.issue(claims(now=1000, ttl=60), KEY)
    assert tokens.verify(token, KEY, 1059).sub == "acc-1"
    with pytest.raises(DomainError) as error:
        tokens.verify(token, KEY, 1060)
    assert error.value.code == "token.expired" and error.value.kind == "unauthenticated"


def test_wrong_key_is_refused() -> None:
    token = tokens.issue(claims(), KEY)
    with pytest.raises(DomainError) as error:
        tokens.verify(token, Ed25519PrivateKey.generate(), 1001)
    assert error.value.code == "token.invalid"


def test_a_changed_payload_keeps_no_signature() -> None:
    header, payload, signature = tokens.issue(claims(), KEY).split(".")
    data = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    data["role"] = "admin"
    forged = base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()
    with pytest.raises(DomainError) as error:
        tokens.verify(f"{header}.{forged}.{signature}", KEY, 1001)
    assert error.value.code == "token.invalid"


def test_an_unsigned_or_hmac_token_is_refused() -> None:
    payload = {"iss": "gateway", "aud": "zjtx-gateway", **claims().__dict__}
    for forged in (jwt.encode(payload, None, algorithm="none"), jwt.encode(payload, "k" * 32, algorithm="HS256")):
        with pytest.raises(DomainError) as error:
            tokens.verify(forged, KEY, 1001)
        assert error.value.code == "token.invalid"


@pytest.mark.parametrize("token", ["", "abc", "zjtx1.a.b.c", "a.b.c", "x" * 5000, "e30.e30."])
def test_malformed_tokens(token: str) -> None:
    with pytest.raises(DomainError) as error:
        tokens.verify(token, KEY, 1001)
    assert error.value.code == "token.invalid"


def test_a_signed_but_ill_typed_payload_is_refused() -> None:
    payload = {"iss": "gateway", "aud": "zjtx-gateway", "sub": "a", "role": "root", "unit": "", "enterprise_id": "",
               "name": "", "jti": "j", "iat": 1, "exp": 10**10, "gen": 0}
    with pytest.raises(DomainError):
        tokens.verify(jwt.encode(payload, KEY, algorithm="EdDSA"), KEY, 1001)


def test_a_services_identity_token_is_not_a_session_token() -> None:
    payload = {"iss": "gateway", "aud": "review", **claims().__dict__}
    with pytest.raises(DomainError) as error:
        tokens.verify(jwt.encode(payload, KEY, algorithm="EdDSA"), KEY, 1001)
    assert error.value.code == "token.invalid"


def test_only_ed25519_keys_are_accepted() -> None:
    with pytest.raises(ValueError, match="Ed25519"):
        tokens.check_key(b"k" * 32)


def test_every_token_has_its_own_id() -> None:
    assert claims().jti != claims().jti
