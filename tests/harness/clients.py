"""gRPC clients as users and other systems hold them, plus error decoding."""

from __future__ import annotations

import itertools
from typing import Any

import grpc
from google.rpc import status_pb2

from zjtx.errors import DomainError
from zjtx.grpc_support import from_status

DEADLINE = 15.0
_serial = itertools.count(1)


def domain_error(error: grpc.RpcError) -> DomainError:
    """The DomainError a service raised, rebuilt from the gRPC status details."""
    status = None
    for key, value in error.trailing_metadata() or ():
        if key == "grpc-status-details-bin":
            status = status_pb2.Status.FromString(value)
    return from_status(error.code().name, error.details() or "", status)


def call(method: Any, request: Any, metadata: tuple[tuple[str, str], ...] = ()) -> Any:
    return method(request, timeout=DEADLINE, metadata=metadata)


def org_body(prefix: str = "T") -> str:
    """A fresh 8-character organisation-code body (letters of the USCC alphabet and digits)."""
    number = next(_serial)
    return f"{prefix}{number:07d}"[-8:] if len(prefix) == 1 else f"{prefix}{number:06d}"[-8:]
