"""gRPC clients as users and other systems hold them, plus error decoding."""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

import grpc
from google.rpc import status_pb2

from zjtx import grpc_tls, identity, pki
from zjtx.errors import DomainError
from zjtx.grpc_channel import Metadata, Signing
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


def test_signer(directory: Path, audience: str) -> Any:
    """The tests stand where the gateway and the operators' tools stand: a claimed identity
    (``Caller(...).metadata()``, unsigned) becomes a token signed with the session's gateway
    key; a call that claims nobody carries the ``ops`` principal's own token (role system).
    A call that brings its own ``authorization`` is sent as it is (the refusal tests)."""
    gateway = identity.Keyring.from_directory(directory, "gateway")
    ops = identity.Keyring.from_directory(directory, "ops")

    def sign(metadata: Metadata) -> list[tuple[str, Any]]:
        if any(key == identity.METADATA_KEY for key, _ in metadata):
            return list(metadata)
        claimed = [value for key, value in metadata if key == "x-zjtx-caller"]
        rest = [(key, value) for key, value in metadata if key != "x-zjtx-caller"]
        data = json.loads(claimed[0]) if claimed else {}
        if not data or data.get("role", "system") == "system":
            return [*rest, identity.bearer(ops.service_token(audience))]
        return [*rest, identity.bearer(gateway.person_token(
            audience, subject=data.get("subject", ""), role=data["role"], unit=data.get("unit", ""),
            enterprise_id=data.get("enterprise_id", ""), client_address=data.get("client_address", "")))]

    return sign


def channel(target: str, service: str = "", options: list[tuple[str, Any]] | None = None) -> grpc.Channel:
    """A test client's channel to a suite's service: mutual TLS as ``ops``, every call signed."""
    copies = [t.strip() for t in target.split(",") if t.strip()]
    directory = pki.directory_for(copies[0])
    service = service or pki.service_at(copies[0])
    options = list(options or [])
    if len(copies) > 1:  # several copies of the service: calls spread round-robin, as the gateway does
        target = "ipv4:" + ",".join(copies)
        options += [("grpc.lb_policy_name", "round_robin"), ("grpc.ssl_target_name_override", service),
                    ("grpc.default_authority", service)]
    secure = grpc.secure_channel(target, grpc_tls.credentials(directory, "ops"), options=options)
    return grpc.intercept_channel(secure, Signing(test_signer(directory, service)))


def call(method: Any, request: Any, metadata: tuple[tuple[str, str], ...] = ()) -> Any:
    return method(request, timeout=DEADLINE, metadata=metadata)


def org_body(prefix: str = "T") -> str:
    """A fresh 8-character organisation-code body (letters of the USCC alphabet and digits)."""
    number = next(_serial)
    return f"{prefix}{number:07d}"[-8:] if len(prefix) == 1 else f"{prefix}{number:06d}"[-8:]
