"""Mutual TLS for nameko-grpc servers and clients, and for plain grpcio clients.

nameko-grpc 1.3.0 reads ``GRPC_SSL`` (servers) and a client's ``ssl=`` option, but its
``SslConfig`` cannot do mutual TLS as shipped:

- ``server_context()`` starts from ``ssl.create_default_context(Purpose.CLIENT_AUTH)`` and
  ignores ``verify_mode`` and ``verify_locations``: the server never asks for a client
  certificate, and would trust the system's public CAs if it did;
- ``client_context()`` ignores ``cert_chain`` and ``verify_locations``: a client can
  neither present a certificate nor trust a private CA.

``install()`` replaces both methods (only the project CA is trusted, a client certificate is
required, TLS 1.2 at least, ALPN h2) and the server's accept loop, so the handshake runs in
the connection's own green thread and a refused client is logged in one line instead of
ending the connection loop with a traceback. Processes without eventlet (the gateway, the
tests, ``zjtx.ops``) use ``credentials()`` with plain grpcio.
"""

from __future__ import annotations

import logging
import ssl
import weakref
from pathlib import Path
from typing import Any

import grpc

from zjtx import pki

log = logging.getLogger(__name__)

HANDSHAKE_SECONDS = 10.0
_installed = False


def ssl_config(directory: Path, principal: str) -> dict[str, Any]:
    """nameko-grpc's ssl config (``GRPC_SSL`` and ``ClientBase(ssl=...)``) for one principal."""
    directory = Path(directory)
    return {"verify_mode": "required", "check_hostname": True,
            "verify_locations": {"cafile": str(pki.ca_path(directory))},
            "cert_chain": {"certfile": str(pki.cert_path(directory, principal)),
                           "keyfile": str(pki.key_path(directory, principal))}}


def credentials(directory: Path, principal: str = "ops") -> grpc.ChannelCredentials:
    """grpcio channel credentials: trust the project CA, present ``principal``'s certificate."""
    directory = Path(directory)
    return grpc.ssl_channel_credentials(root_certificates=pki.ca_path(directory).read_bytes(),
                                        private_key=pki.key_path(directory, principal).read_bytes(),
                                        certificate_chain=pki.cert_path(directory, principal).read_bytes())


def _server_context(self: Any) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    if self.cert_chain:
        context.load_cert_chain(**self.cert_chain)
    if self.verify_locations:
        context.load_verify_locations(**self.verify_locations)  # the project CA only, never the system's
    context.verify_mode = self.verify_mode if self.verify_mode is not None else ssl.CERT_REQUIRED
    context.set_alpn_protocols(["h2"])
    return context


def _client_context(self: Any) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    if self.verify_locations:
        context.load_verify_locations(**self.verify_locations)
    else:
        context.load_default_certs()
    if self.cert_chain:
        context.load_cert_chain(**self.cert_chain)
    context.check_hostname = bool(self.check_hostname)
    context.verify_mode = self.verify_mode if self.verify_mode is not None else ssl.CERT_REQUIRED
    context.set_alpn_protocols(["h2"])
    return context


def _accept_loop(self: Any) -> None:
    """nameko-grpc's ServerConnectionPool.run, with the TLS handshake in the connection's thread."""
    from nameko_grpc import channel

    while self.is_accepting:
        sock, address = self.listening_socket.accept()

        def serve(sock: Any = sock, address: Any = address) -> None:
            if hasattr(sock, "do_handshake"):
                try:
                    sock.settimeout(HANDSHAKE_SECONDS)
                    sock.do_handshake()
                except (ssl.SSLError, OSError) as error:
                    log.warning("gRPC: refused a connection from %s: TLS handshake failed (%s); a client needs a "
                                "certificate issued by the project CA", address[0] if address else "?", error)
                    sock.close()
                    return
            sock.settimeout(60)
            connection = channel.ServerConnectionManager(sock, self.handle_request)
            self.connections.put(weakref.ref(connection))
            connection.run_forever()

        self.spawn_thread(target=serve, name=f"grpc server connection [{address}]")


def install() -> None:
    """Patch nameko-grpc in this process (idempotent)."""
    global _installed
    if _installed:
        return
    from nameko_grpc import channel
    from nameko_grpc.ssl import SslConfig

    SslConfig.server_context = _server_context  # type: ignore[method-assign]
    SslConfig.client_context = _client_context  # type: ignore[method-assign]
    channel.ServerConnectionPool.run = _accept_loop  # type: ignore[method-assign]
    _installed = True
