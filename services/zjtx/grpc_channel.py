"""Plain grpcio channels to a service for processes without eventlet (operators' tools, the
demo's exporter, the tests): mutual TLS as a principal of the project PKI, and that
principal's own signed identity token on every call (zjtx.identity).
"""

from __future__ import annotations

import collections
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import grpc

from zjtx import grpc_tls, identity, pki

Metadata = Sequence[tuple[str, Any]]


class _Details(collections.namedtuple("_Details", ("method", "timeout", "metadata", "credentials",
                                                    "wait_for_ready", "compression")), grpc.ClientCallDetails):
    pass


class Signing(grpc.UnaryUnaryClientInterceptor, grpc.UnaryStreamClientInterceptor,
              grpc.StreamUnaryClientInterceptor, grpc.StreamStreamClientInterceptor):
    """Adds ``authorization: Bearer <JWT>`` to every call: ``sign(metadata)`` gives the pairs to send."""

    def __init__(self, sign: Callable[[Metadata], list[tuple[str, Any]]]) -> None:
        self.sign = sign

    def _details(self, details: grpc.ClientCallDetails) -> grpc.ClientCallDetails:
        return _Details(details.method, details.timeout, self.sign(list(details.metadata or ())),
                        details.credentials, getattr(details, "wait_for_ready", None),
                        getattr(details, "compression", None))

    def intercept_unary_unary(self, continuation: Any, details: Any, request: Any) -> Any:
        return continuation(self._details(details), request)

    def intercept_unary_stream(self, continuation: Any, details: Any, request: Any) -> Any:
        return continuation(self._details(details), request)

    def intercept_stream_unary(self, continuation: Any, details: Any, requests: Any) -> Any:
        return continuation(self._details(details), requests)

    def intercept_stream_stream(self, continuation: Any, details: Any, requests: Any) -> Any:
        return continuation(self._details(details), requests)


def service_signer(keyring: identity.Keyring, audience: str) -> Callable[[Metadata], list[tuple[str, Any]]]:
    def sign(metadata: Metadata) -> list[tuple[str, Any]]:
        if any(key == identity.METADATA_KEY for key, _ in metadata):
            return list(metadata)  # the caller brought its own token
        return [*metadata, identity.bearer(keyring.service_token(audience))]

    return sign


def open_channel(target: str, service: str = "", principal: str = "ops", directory: Path | None = None,
                 options: list[tuple[str, Any]] | None = None) -> grpc.Channel:
    """A channel to ``service`` at ``target`` as ``principal`` (default ``ops``)."""
    directory = Path(directory) if directory else pki.directory_for(target)
    service = service or pki.service_at(target)
    if not service:
        raise pki.PkiError(f"which service listens at {target} is not known; pass service=")
    secure = grpc.secure_channel(target, grpc_tls.credentials(directory, principal), options=options or [])
    keyring = identity.Keyring.from_directory(directory, principal)
    return grpc.intercept_channel(secure, Signing(service_signer(keyring, service)))
