"""Services trust nobody: a direct gRPC call without proof of identity, with a forged one,
or without a certificate from the project CA is refused (issue 22).

The refusals seen are printed (``pytest -s``) so they can be quoted.
"""

from __future__ import annotations

from pathlib import Path

import grpc
import jwt
import pytest

from harness.clients import DEADLINE, domain_error
from zjtx import grpc_tls, identity, pki
from zjtx.config import load_config
from zjtx.grpc_support import Caller
from zjtx.up import Suite
from zjtx_api import notification_pb2, registration_pb2, reporting_pb2, review_pb2
from zjtx_api.notification_pb2_grpc import NotificationStub
from zjtx_api.registration_pb2_grpc import RegistrationStub
from zjtx_api.reporting_pb2_grpc import ReportingStub
from zjtx_api.review_pb2_grpc import ReviewStub


@pytest.fixture(scope="module")
def directory(suite: Suite) -> Path:
    return suite.pki_dir


@pytest.fixture(scope="module")
def stranger(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A complete set of the same principals' names, from a CA that is not the project's."""
    return pki.generate(tmp_path_factory.mktemp("stranger-pki"))


def raw(suite: Suite, directory: Path, service: str) -> grpc.Channel:
    """Mutual TLS as ops, but no token added: each test sends what it wants."""
    return grpc.secure_channel(suite.endpoints[service], grpc_tls.credentials(directory, "ops"))


def refusal(call: object, *args: object, **kwargs: object) -> tuple[str, str, str]:
    try:
        call(*args, timeout=DEADLINE, **kwargs)  # type: ignore[operator]
    except grpc.RpcError as error:
        code = error.code().name
        reason = domain_error(error).code if code == "UNAUTHENTICATED" else ""
        print(f"refused: {code} {reason} {error.details()!r}")
        return code, reason, error.details() or ""
    raise AssertionError("the call was accepted")


def bearer(token: str) -> tuple[tuple[str, str]]:
    return (identity.bearer(token),)


LIST = registration_pb2.ListApplicationsRequest()


def test_a_call_without_a_token_is_unauthenticated(suite: Suite, directory: Path) -> None:
    with raw(suite, directory, "registration") as channel:
        code, reason, message = refusal(RegistrationStub(channel).ListApplications, LIST)
    assert (code, reason) == ("UNAUTHENTICATED", "identity.missing") and "authorization" in message
    with raw(suite, directory, "review") as channel:
        code, reason, _ = refusal(ReviewStub(channel).ListTasks, review_pb2.ListTasksRequest(unit_id="unit-430100"))
    assert (code, reason) == ("UNAUTHENTICATED", "identity.missing")
    with raw(suite, directory, "notification") as channel:
        code, reason, _ = refusal(NotificationStub(channel).ListInbox, notification_pb2.ListInboxRequest())
    assert (code, reason) == ("UNAUTHENTICATED", "identity.missing")
    with raw(suite, directory, "reporting") as channel:
        code, reason, _ = refusal(ReportingStub(channel).CountEnterprises, reporting_pb2.CountEnterprisesRequest())
    assert (code, reason) == ("UNAUTHENTICATED", "identity.missing")


def test_the_old_plain_json_claim_proves_nothing(suite: Suite, directory: Path) -> None:
    forged_admin = (Caller(subject="intruder", role="admin", unit="unit-430000").metadata(),)
    with raw(suite, directory, "review") as channel:
        code, reason, _ = refusal(ReviewStub(channel).CreateReviewer, review_pb2.CreateReviewerRequest(
            unit_id="unit-430100", name="冒名者", email="intruder@example.cn", role="admin"), metadata=forged_admin)
    assert (code, reason) == ("UNAUTHENTICATED", "identity.missing")


def test_a_token_signed_by_another_key_is_unauthenticated(suite: Suite, directory: Path, stranger: Path) -> None:
    forged = identity.Keyring.from_directory(stranger, "gateway").person_token("review", subject="intruder",
                                                                                role="admin", unit="unit-430000")
    with raw(suite, directory, "review") as channel:
        code, reason, message = refusal(ReviewStub(channel).CreateReviewer, review_pb2.CreateReviewerRequest(
            unit_id="unit-430100", name="冒名者", email="intruder@example.cn", role="admin"), metadata=bearer(forged))
    assert (code, reason) == ("UNAUTHENTICATED", "identity.forged") and "签名" in message


def test_unsigned_symmetric_expired_and_misdirected_tokens_are_unauthenticated(suite: Suite, directory: Path) -> None:
    claims = {"iss": "gateway", "aud": "registration", "sub": "x", "role": "admin", "iat": 1, "exp": 2**40}
    gateway = identity.Keyring.from_directory(directory, "gateway")
    expired = identity.Keyring("gateway", gateway.private_key, {}, clock=lambda: 1_000_000.0)
    tokens = {
        "identity.invalid": [jwt.encode(claims, None, algorithm="none"), jwt.encode(claims, "k" * 32, algorithm="HS256"),
                             "not-a-jwt"],
        "identity.expired": [expired.person_token("registration", subject="x", role="admin")],
        "identity.audience": [gateway.person_token("review", subject="x", role="admin")],
        # a service may only be itself: notification cannot pass for the province's admin
        "identity.invalid ": [identity.Keyring.from_directory(directory, "notification").sign(
            {"aud": "registration", "sub": "x", "role": "admin"}, 60)],
        # and the gateway may vouch for people, never pass for a service
        "identity.invalid  ": [gateway.sign({"aud": "registration", "sub": "review", "role": "system"}, 60)],
    }
    with raw(suite, directory, "registration") as channel:
        for expected, listed in tokens.items():
            for token in listed:
                code, reason, _ = refusal(RegistrationStub(channel).ListApplications, LIST, metadata=bearer(token))
                assert (code, reason) == ("UNAUTHENTICATED", expected.strip())


def test_a_proven_caller_is_served(suite: Suite, directory: Path) -> None:
    token = identity.Keyring.from_directory(directory, "ops").service_token("registration")
    with raw(suite, directory, "registration") as channel:
        RegistrationStub(channel).ListApplications(LIST, timeout=DEADLINE, metadata=bearer(token))


def unreachable(target: str, credentials: grpc.ChannelCredentials | None) -> str:
    channel = grpc.insecure_channel(target) if credentials is None else grpc.secure_channel(target, credentials)
    with channel:
        try:
            RegistrationStub(channel).ListApplications(LIST, timeout=5)
        except grpc.RpcError as error:
            print(f"refused: {error.code().name} {error.details()!r}")
            return error.code().name
    raise AssertionError("a connection without a certificate from the project CA was served")


def test_a_client_without_a_project_certificate_cannot_connect(suite: Suite, directory: Path, stranger: Path) -> None:
    target = suite.endpoints["registration"]
    no_certificate = grpc.ssl_channel_credentials(root_certificates=pki.ca_path(directory).read_bytes())
    assert unreachable(target, None) == "UNAVAILABLE"  # plaintext HTTP/2
    assert unreachable(target, no_certificate) == "UNAVAILABLE"  # TLS, no client certificate
    assert unreachable(target, grpc.ssl_channel_credentials(  # a certificate, from another CA
        root_certificates=pki.ca_path(directory).read_bytes(),
        private_key=pki.key_path(stranger, "ops").read_bytes(),
        certificate_chain=pki.cert_path(stranger, "ops").read_bytes())) == "UNAVAILABLE"
    # and the refused connections cost the service nothing: it still serves a proven caller
    test_a_proven_caller_is_served(suite, directory)


def test_grpc_ports_listen_on_loopback_by_default() -> None:
    for service in ("registration", "review", "notification", "reporting"):
        assert load_config(service, env={})["GRPC_BIND_HOST"] == "127.0.0.1"
