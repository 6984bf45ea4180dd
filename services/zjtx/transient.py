"""Which failures are the infrastructure's (worth waiting out) and which are the code's.

A database that is restarting, a broker that went away, a peer service that is down:
the same request succeeds later, so event handlers wait and retry in place (without
spending the message's delivery limit) and gRPC entrypoints answer UNAVAILABLE so that
clients retry. Anything else (a handler bug, a refused domain rule, a duplicate key) is
not transient and keeps its normal path.

Pure decision over exception types and attributes; no I/O.
"""

from __future__ import annotations

from amqp.exceptions import ConnectionError as AmqpConnectionError
from kombu.exceptions import OperationalError as KombuOperationalError
from pymongo.errors import ConnectionFailure, OperationFailure, PyMongoError

# Server error codes that mean "this server cannot serve you right now", not "your request is wrong".
# https://github.com/mongodb/mongo/blob/master/src/mongo/base/error_codes.yml
TRANSIENT_SERVER_CODES = frozenset({
    6,      # HostUnreachable
    7,      # HostNotFound
    89,     # NetworkTimeout
    91,     # ShutdownInProgress
    112,    # WriteConflict
    189,    # PrimarySteppedDown
    262,    # ExceededTimeLimit
    9001,   # SocketException
    10107,  # NotWritablePrimary
    11600,  # InterruptedAtShutdown
    11602,  # InterruptedDueToReplStateChange
    13435,  # NotPrimaryNoSecondaryOk
    13436,  # NotPrimaryOrSecondary
})
TRANSIENT_LABELS = ("TransientTransactionError", "UnknownTransactionCommitResult", "RetryableWriteError")
# gRPC statuses of a peer that is away or overloaded (nameko-grpc's GrpcError and plain grpcio).
TRANSIENT_GRPC_CODES = frozenset({"UNAVAILABLE", "DEADLINE_EXCEEDED", "RESOURCE_EXHAUSTED"})


class InfrastructureUnavailable(RuntimeError):
    """Raised by our own code when a dependency is known to be away (e.g. the store could not connect)."""


def _grpc_code_name(error: BaseException) -> str | None:
    code = getattr(error, "code", None)
    if callable(code):  # grpc.RpcError: code() is a method
        try:
            code = code()
        except Exception:
            return None
    name = getattr(code, "name", None)
    return name if isinstance(name, str) else None


def _is_transient_itself(error: BaseException) -> bool:
    if isinstance(error, InfrastructureUnavailable | ConnectionFailure):
        return True  # AutoReconnect, NotPrimaryError, NetworkTimeout, ServerSelectionTimeoutError...
    if isinstance(error, PyMongoError):
        if any(error.has_error_label(label) for label in TRANSIENT_LABELS):
            return True
        if isinstance(error, OperationFailure) and error.code in TRANSIENT_SERVER_CODES:
            return True
        return False
    if isinstance(error, AmqpConnectionError | KombuOperationalError):
        return True
    # ConnectionRefusedError, ConnectionResetError, BrokenPipeError, socket timeouts; not e.g. FileNotFoundError
    if isinstance(error, ConnectionError | TimeoutError):
        return True
    return _grpc_code_name(error) in TRANSIENT_GRPC_CODES


def is_infrastructure_error(error: BaseException) -> bool:
    """True when ``error`` (or what it was explicitly raised from) says a dependency is away."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if _is_transient_itself(current):
            return True
        current = current.__cause__  # only explicit chaining: "raise X from infra_error"
    return False


__all__ = ["InfrastructureUnavailable", "is_infrastructure_error"]
