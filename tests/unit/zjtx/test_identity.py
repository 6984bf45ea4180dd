"""Identity tokens between processes (zjtx.identity) and the key material they rest on (zjtx.pki)."""

from __future__ import annotations

from pathlib import Path

import jwt
import pytest

from zjtx import identity, pki
from zjtx.grpc_support import Caller


@pytest.fixture(scope="module")
def directory(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return pki.generate(tmp_path_factory.mktemp("pki"))


def ring(directory: Path, principal: str) -> identity.Keyring:
    return identity.Keyring.from_directory(directory, principal)


def test_make_certs_writes_a_full_set_with_private_keys_0600(directory: Path) -> None:
    assert pki.complete(directory)
    assert (directory / "review.key").stat().st_mode & 0o777 == 0o600
    assert (directory / "review.jwt.key").stat().st_mode & 0o777 == 0o600
    assert pki.check_principal(directory, "review") == directory


def test_a_process_without_key_material_is_told_what_to_provide(tmp_path: Path) -> None:
    with pytest.raises(pki.PkiError, match="ZJTX_PKI_DIR is not set"):
        pki.check_principal("", "review")
    with pytest.raises(pki.PkiError, match="lacks ca.crt"):
        pki.check_principal(tmp_path, "review")


def test_the_gateway_vouches_for_a_person_and_the_service_sees_exactly_that(directory: Path) -> None:
    token = ring(directory, "gateway").person_token("review", subject="acc-7", role="reviewer", unit="unit-430400",
                                                      client_address="10.0.0.9")
    caller = Caller.from_metadata([identity.bearer(token)], ring(directory, "review"))
    assert caller == Caller(subject="acc-7", role="reviewer", unit="unit-430400", client_address="10.0.0.9",
                            service="gateway")


def test_a_service_calls_as_itself(directory: Path) -> None:
    token = ring(directory, "registration").service_token("review")
    caller = Caller.from_metadata([identity.bearer(token)], ring(directory, "review"))
    assert caller.role == "system" and caller.service == "registration"


def refused(directory: Path, metadata: list[tuple[str, str]], audience: str = "review") -> str:
    from nameko_grpc.errors import GrpcError

    with pytest.raises(GrpcError) as error:
        Caller.from_metadata(metadata, ring(directory, audience))
    assert error.value.code.name == "UNAUTHENTICATED"
    return str(error.value.message)


def test_no_token_is_refused(directory: Path) -> None:
    assert "缺少身份证明" in refused(directory, [])
    assert "缺少身份证明" in refused(directory, [Caller(role="admin").metadata()])  # the old plain JSON claim


def test_a_forged_token_is_refused(directory: Path) -> None:
    other = pki.generate(directory.parent / "other")  # a key pair of the same names, not this project's
    forged = ring(other, "gateway").person_token("review", subject="x", role="admin")
    assert "签名" in refused(directory, [identity.bearer(forged)])


def test_a_token_for_another_service_is_refused(directory: Path) -> None:
    token = ring(directory, "gateway").person_token("registration", subject="x", role="admin")
    assert "不是签发给 review 的" in refused(directory, [identity.bearer(token)])


def test_a_service_cannot_claim_a_person_nor_another_service(directory: Path) -> None:
    notification = ring(directory, "notification")
    as_admin = notification.sign({"aud": "review", "sub": "acc-1", "role": "admin"}, 60)
    assert "人员角色只能由网关声明" in refused(directory, [identity.bearer(as_admin)])
    as_review = notification.sign({"aud": "review", "sub": "review", "role": "system"}, 60)
    assert "只有服务本身可以声明 system" in refused(directory, [identity.bearer(as_review)])


def test_an_expired_token_is_refused(directory: Path) -> None:
    old = ring(directory, "gateway")
    old.clock = lambda: 1_000_000.0
    token = old.person_token("review", subject="x", role="admin")
    assert "已过期" in refused(directory, [identity.bearer(token)])


def test_unsigned_and_symmetric_tokens_are_refused(directory: Path) -> None:
    claims = {"iss": "gateway", "aud": "review", "sub": "x", "role": "admin", "iat": 1, "exp": 2**40}
    for token in (jwt.encode(claims, None, algorithm="none"), jwt.encode(claims, "k" * 32, algorithm="HS256")):
        assert "EdDSA" in refused(directory, [identity.bearer(token)])


def test_an_unknown_issuer_is_refused(directory: Path) -> None:
    stranger = identity.Keyring("billing", ring(directory, "ops").private_key, {})
    token = stranger.sign({"aud": "review", "sub": "billing", "role": "system"}, 60)
    assert "不受信任" in refused(directory, [identity.bearer(token)])


def test_an_anonymous_applicant_is_a_person_without_a_subject(directory: Path) -> None:
    token = ring(directory, "gateway").person_token("registration", subject="", role="enterprise",
                                                      client_address="10.0.0.9")
    caller = Caller.from_metadata([identity.bearer(token)], ring(directory, "registration"))
    assert (caller.subject, caller.role, caller.service) == ("", "enterprise", "gateway")


def counting_decodes(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    real = jwt.decode

    def decode(*args: object, **kwargs: object) -> object:
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(identity.jwt, "decode", decode)
    return calls


def test_a_services_token_is_checked_once_while_it_lives(directory: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    review = ring(directory, "review")
    token = ring(directory, "registration").service_token("review")
    decodes = counting_decodes(monkeypatch)
    first = review.verify(token)
    checked = len(decodes)
    assert checked > 0
    assert review.verify(token) == first and len(decodes) == checked  # remembered
    with pytest.raises(identity.IdentityError) as refused:  # remembered for its audience only
        review.verify(token, audience="notification")
    assert refused.value.code == "identity.audience"


def test_a_persons_token_is_checked_on_every_call(directory: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    review = ring(directory, "review")
    token = ring(directory, "gateway").person_token("review", subject="acc-7", role="reviewer", unit="unit-430400")
    decodes = counting_decodes(monkeypatch)
    review.verify(token)
    checked = len(decodes)
    review.verify(token)
    assert len(decodes) == 2 * checked


def test_a_remembered_token_still_expires_and_loses_a_withdrawn_trust(directory: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    import time

    monkeypatch.setattr(identity, "LEEWAY", 0)
    registration = ring(directory, "registration")
    token = registration.sign({"aud": "review", "sub": "registration", "role": "system"}, ttl=1)
    review = ring(directory, "review")
    review.verify(token)
    time.sleep(1.1)
    with pytest.raises(identity.IdentityError) as expired:
        review.verify(token)
    assert expired.value.code == "identity.expired"

    token = registration.service_token("review")
    review.verify(token)
    del review.trusted["registration"]
    with pytest.raises(identity.IdentityError) as untrusted:
        review.verify(token)
    assert untrusted.value.code == "identity.untrusted"
