"""Health probes from outside a service (plain grpcio; for processes without eventlet)."""

from __future__ import annotations

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc


def grpc_serving(target: str, timeout: float = 2.0) -> bool:
    """SERVING over mutual TLS, as the ``ops`` principal of the PKI the target belongs to (zjtx.pki)."""
    from zjtx import grpc_tls, pki

    try:
        credentials = grpc_tls.credentials(pki.directory_for(target), "ops")
    except (pki.PkiError, OSError):
        return False
    try:
        with grpc.secure_channel(target, credentials) as channel:
            response = health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(), timeout=timeout)
    except grpc.RpcError:
        return False
    return response.status == health_pb2.HealthCheckResponse.SERVING
