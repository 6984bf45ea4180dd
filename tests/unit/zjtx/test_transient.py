"""Which failures an event handler waits out in place, and which count as the handler's fault."""

from __future__ import annotations

import grpc
import pytest
from amqp.exceptions import RecoverableConnectionError
from kombu.exceptions import OperationalError
from nameko_grpc.errors import GrpcError
from pymongo.errors import (
    AutoReconnect,
    DuplicateKeyError,
    NetworkTimeout,
    NotPrimaryError,
    OperationFailure,
    PyMongoError,
    ServerSelectionTimeoutError,
    WriteError,
)

from zjtx.envelope import EnvelopeError
from zjtx.errors import invalid
from zjtx.events import INFRASTRUCTURE_MAX_BACKOFF_SECONDS, PermanentEventError, infrastructure_backoff
from zjtx.mongo import StoreUnavailable
from zjtx.transient import is_infrastructure_error


class FakeRpcError(grpc.RpcError):
    """grpcio's client error: code() is a method."""

    def __init__(self, code: grpc.StatusCode) -> None:
        self._code = code

    def code(self) -> grpc.StatusCode:
        return self._code


def labelled(label: str) -> PyMongoError:
    error = OperationFailure("transaction aborted", code=251)
    error._add_error_label(label)
    return error


@pytest.mark.parametrize("error", [
    AutoReconnect("connection closed"),
    NetworkTimeout("timed out"),
    NotPrimaryError("not primary"),
    ServerSelectionTimeoutError("no servers"),
    OperationFailure("shutting down", code=91),
    OperationFailure("interrupted at shutdown", code=11600),
    OperationFailure("write conflict", code=112),
    labelled("TransientTransactionError"),
    labelled("UnknownTransactionCommitResult"),
    StoreUnavailable("MongoDB is not reachable"),
    ConnectionRefusedError(111, "refused"),
    ConnectionResetError(104, "reset"),
    BrokenPipeError(32, "broken pipe"),
    TimeoutError("timed out"),
    RecoverableConnectionError("connection lost"),
    OperationalError("broker unreachable"),
    GrpcError(grpc.StatusCode.UNAVAILABLE, "review is down"),
    GrpcError(grpc.StatusCode.DEADLINE_EXCEEDED, "too slow"),
    FakeRpcError(grpc.StatusCode.UNAVAILABLE),
], ids=lambda e: type(e).__name__ + (f"-{e.code}" if isinstance(getattr(e, "code", None), int) else ""))
def test_infrastructure_errors_are_waited_out(error: BaseException) -> None:
    assert is_infrastructure_error(error)


@pytest.mark.parametrize("error", [
    ValueError("bad value"),
    KeyError("missing"),
    AttributeError("handler bug"),
    DuplicateKeyError("E11000 duplicate key", code=11000),
    WriteError("document failed validation", code=121),
    OperationFailure("bad query", code=2),
    OperationFailure("no code"),
    PermanentEventError("payload lacks enterprise_id"),
    EnvelopeError("not an envelope"),
    invalid("enterprise.invalid", "统一社会信用代码有误"),
    FileNotFoundError(2, "no such file"),
    GrpcError(grpc.StatusCode.NOT_FOUND, "no such unit"),
    GrpcError(grpc.StatusCode.INVALID_ARGUMENT, "bad request"),
    FakeRpcError(grpc.StatusCode.PERMISSION_DENIED),
], ids=lambda e: type(e).__name__)
def test_handler_faults_are_not(error: BaseException) -> None:
    assert not is_infrastructure_error(error)


def test_explicit_cause_is_followed_but_not_implicit_context() -> None:
    try:
        try:
            raise AutoReconnect("db gone")
        except AutoReconnect as inner:
            raise RuntimeError("could not load the programme") from inner
    except RuntimeError as wrapped:
        assert is_infrastructure_error(wrapped)

    try:
        try:
            raise AutoReconnect("db gone")
        except AutoReconnect:
            raise KeyError("a bug while handling it")  # noqa: B904 - the point of the test
    except KeyError as bug:
        assert not is_infrastructure_error(bug)


def test_backoff_doubles_and_is_capped() -> None:
    delays = [infrastructure_backoff(n) for n in range(1, 10)]
    assert delays[:3] == [0.5, 1.0, 2.0]
    assert delays == sorted(delays)
    assert max(delays) == INFRASTRUCTURE_MAX_BACKOFF_SECONDS


class _Context:
    from zjtx.grpc_support import Caller

    _zjtx_caller = Caller(service="ops")  # already proven (tests/unit/zjtx/test_identity.py covers the proof)

    def invocation_metadata(self) -> tuple[tuple[str, str], ...]:
        return ()


def _entrypoint(error: BaseException):  # type: ignore[no-untyped-def]
    from zjtx.grpc_support import api
    from zjtx_api.registration_pb2 import SubmitRequest
    from zjtx_api.registration_pb2_grpc import RegistrationStub

    def Submit(self: object, request: SubmitRequest, context: object) -> None:  # noqa: N802 - the gRPC name
        raise error

    return api(RegistrationStub)(Submit), SubmitRequest(application_id="app-1")


def test_grpc_entrypoint_answers_unavailable_in_chinese_when_the_database_is_away() -> None:
    method, request = _entrypoint(AutoReconnect("127.0.0.1:27017: connection refused"))
    with pytest.raises(GrpcError) as raised:
        method(object(), request, _Context())
    assert raised.value.code == grpc.StatusCode.UNAVAILABLE
    assert "请稍后重试" in raised.value.message and "27017" not in raised.value.message


def test_grpc_entrypoint_lets_a_bug_through_as_it_is() -> None:
    method, request = _entrypoint(KeyError("status"))
    with pytest.raises(KeyError):
        method(object(), request, _Context())
