"""``python -m gateway``: serve the gateway over HTTP with waitress (threaded, production-grade).

Start-up refuses with one line when the config is malformed, the token key is missing in
production mode (or too short), or the database cannot be reached.
"""

from __future__ import annotations

import signal
import sys
import warnings
from typing import Any

# nameko (for its config) imports eventlet, whose deprecation banner opened the gateway's log
warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")

from zjtx.config import ConfigError, load_config  # noqa: E402


def fail(message: str) -> None:
    print(f"zjtx: cannot start: {message}", file=sys.stderr, flush=True)
    raise SystemExit(2)


def start_tracing() -> None:
    """One HTTP request = one trace: client spans on every gRPC call (instrumented before any
    channel exists), a server span per request (the WSGI middleware)."""
    from opentelemetry.instrumentation.grpc import GrpcInstrumentorClient

    from zjtx.tracing import TracingError, setup_tracing

    try:
        setup_tracing("gateway", instrument_nameko=False)
    except TracingError as exc:
        fail(str(exc))
    GrpcInstrumentorClient().instrument()


def main() -> None:
    try:
        config = load_config("gateway")
    except ConfigError as exc:
        fail(str(exc))
        return
    from gateway import wiring

    wiring.setup_logging(str(config.get("LOG_LEVEL") or "INFO"))
    start_tracing()
    try:
        gateway = wiring.build(config)
    except wiring.StartupError as exc:
        fail(str(exc))
        return
    gateway.bootstrap.run_in_background()
    from opentelemetry.instrumentation.wsgi import OpenTelemetryMiddleware

    instrumented = OpenTelemetryMiddleware(gateway)

    from gateway import edge

    proxy: dict[str, Any] = {}
    if config.get("TRUSTED_PROXY"):  # X-Forwarded-For only from the configured proxy
        # X-Forwarded-Proto too: behind a TLS-terminating proxy the session cookies are then Secure (COOKIE_SECURE=auto)
        proxy = {"trusted_proxy": str(config["TRUSTED_PROXY"]),
                 "trusted_proxy_headers": {"x-forwarded-for", "x-forwarded-proto"}}
    # waitress with the edge's limits: read timeouts in seconds, header caps, each route's body limit, JSON refusals
    server = edge.create(
        instrumented, host=str(config["HTTP_HOST"]), port=int(config["HTTP_PORT"]), threads=int(config["HTTP_THREADS"]),
        limit_of=gateway.limits.for_request, limits=edge.EdgeLimits.from_config(config),
        ident="zjtx-gateway", clear_untrusted_proxy_headers=True, **proxy,
    )

    def stop(signum: int, frame: Any) -> None:
        server.stop()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    print(f"zjtx: gateway ready (HTTP {config['HTTP_HOST']}:{server.effective_port})", file=sys.stderr, flush=True)
    try:
        server.run()
    finally:
        server.close()
        from zjtx.tracing import shutdown_tracing

        gateway.upstreams.close()
        shutdown_tracing()


if __name__ == "__main__":
    main()
