"""Health probes from outside a service (plain grpcio; for processes without eventlet).

``python -m zjtx.health <service>`` is the probe Kubernetes runs inside a service's pod
(deploy/k8s, docs/deployment.md): kubelet's native gRPC probe cannot present a client
certificate, and every gRPC port speaks mutual TLS only, so the pod checks itself over
loopback with its own certificate. Exit 0: SERVING (``--live``: the server answered at all);
exit 1 otherwise, with one line saying why.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc


class ProbeError(Exception):
    """The server could not be asked (no key material, no connection, a refused handshake)."""


def check(target: str, directory: Path, principal: str, timeout: float = 2.0) -> str:
    """The status name the health service at ``target`` answers (SERVING, NOT_SERVING...), asked
    over mutual TLS as ``principal`` of the PKI in ``directory``; ProbeError when it cannot be asked."""
    from zjtx import grpc_tls

    try:
        credentials = grpc_tls.credentials(directory, principal)
    except OSError as exc:
        raise ProbeError(f"no key material for {principal} in {directory}: {exc}") from None
    try:
        with grpc.secure_channel(target, credentials) as channel:
            response = health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(), timeout=timeout)
    except grpc.RpcError as exc:
        code = exc.code() if hasattr(exc, "code") else None
        raise ProbeError(f"{target}: {code.name if code else 'error'}: {exc.details() if hasattr(exc, 'details') else exc}"
                         ) from None
    return health_pb2.HealthCheckResponse.ServingStatus.Name(response.status)


def grpc_serving(target: str, timeout: float = 2.0) -> bool:
    """SERVING over mutual TLS, as the ``ops`` principal of the PKI the target belongs to (zjtx.pki)."""
    from zjtx import pki

    try:
        return check(target, pki.directory_for(target), "ops", timeout) == "SERVING"
    except (pki.PkiError, ProbeError):
        return False


def main(argv: list[str] | None = None) -> int:
    from zjtx.processes import GRPC_PORTS

    parser = argparse.ArgumentParser(description="Ask a service's gRPC health service over mutual TLS (a probe)")
    parser.add_argument("service", choices=sorted(GRPC_PORTS))
    parser.add_argument("--target", help="host:port (default 127.0.0.1:<SERVICE>_GRPC_PORT or the default port)")
    parser.add_argument("--principal", help="whose certificate to present (default: the service's own)")
    parser.add_argument("--pki", help="key material directory (default: ZJTX_PKI_DIR)")
    parser.add_argument("--live", action="store_true", help="liveness: any answer will do, NOT_SERVING included")
    parser.add_argument("--timeout", type=float, default=3.0)
    args = parser.parse_args(argv)
    port = os.environ.get(f"{args.service.upper()}_GRPC_PORT") or GRPC_PORTS[args.service]
    target = args.target or f"127.0.0.1:{port}"
    directory = args.pki or os.environ.get("ZJTX_PKI_DIR")
    if not directory:
        print("zjtx health: ZJTX_PKI_DIR is not set (or pass --pki)", file=sys.stderr)
        return 1
    try:
        status = check(target, Path(directory), args.principal or args.service, args.timeout)
    except ProbeError as exc:
        print(f"zjtx health: {args.service} not answering: {exc}", file=sys.stderr)
        return 1
    healthy = args.live or status == "SERVING"
    print(f"zjtx health: {args.service} at {target}: {status}", file=sys.stderr if not healthy else sys.stdout)
    return 0 if healthy else 1


if __name__ == "__main__":
    raise SystemExit(main())
