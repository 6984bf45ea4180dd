"""Run one ZJTX Nameko service as its own OS process: ``python -m zjtx.launch <service>``.

Start-up refuses, with one line that says what is wrong and how to fix it, when the
config is malformed or lacks a variable, the broker is unreachable, or the database is
unreachable. SIGTERM and SIGINT stop the service cleanly (in-flight workers finish).
"""

from __future__ import annotations

import warnings

# eventlet warns at every import that it is in bugfix-only mode (docs/architecture.md says
# why this stack keeps it); the banner opened every service log
warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")

import eventlet  # noqa: E402
import eventlet.debug  # noqa: E402

eventlet.monkey_patch()  # noqa: E402 - must precede every other import that touches sockets
# start-up refusals are reported in one line by run(); the hub must not print them as tracebacks
eventlet.debug.hub_exceptions(False)

import argparse  # noqa: E402
import importlib  # noqa: E402
import logging  # noqa: E402
import os  # noqa: E402
import signal  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from typing import Any  # noqa: E402

from zjtx import collector, grpc_tls, grpc_wakeup  # noqa: E402
from zjtx.config import ConfigError, load_config  # noqa: E402
from zjtx.processes import METRICS_PORTS, SERVICES  # noqa: E402

log = logging.getLogger("zjtx.launch")


class QuietCleanStop(logging.Filter):
    """On a clean stop nameko kills the threads that serve and call gRPC connections (they end
    only when their socket closes) with one warning each; those are expected: logged at debug."""

    def __init__(self) -> None:
        super().__init__()
        self.stopping = False

    def filter(self, record: logging.LogRecord) -> bool:
        if self.stopping and record.levelno == logging.WARNING and record.msg in (
                "killing managed thread `%s`", "killing %s managed thread(s)"):
            record.levelno, record.levelname = logging.DEBUG, "DEBUG"
            return logging.getLogger(record.name).isEnabledFor(logging.DEBUG)
        return True


CLEAN_STOP = QuietCleanStop()
logging.getLogger("nameko.containers").addFilter(CLEAN_STOP)


class StartupError(Exception):
    pass


def fail(message: str) -> None:
    print(f"zjtx: cannot start: {message}", file=sys.stderr, flush=True)
    raise SystemExit(2)


def check_broker(uri: str, timeout: float = 30.0) -> None:
    """Fail with one line when the broker does not answer within ``timeout`` (a busy
    broker can take several seconds for one handshake, so a few attempts are made)."""
    from kombu import Connection

    from zjtx.mongo import redact

    deadline = time.monotonic() + timeout
    while True:
        try:
            with Connection(uri, connect_timeout=10) as connection:
                connection.ensure_connection(max_retries=1, timeout=10)
            return
        except Exception as exc:  # kombu raises several socket and AMQP error types
            if time.monotonic() + 2 > deadline or isinstance(exc, ConnectionRefusedError | PermissionError):
                raise StartupError(
                    f"RabbitMQ is not reachable at {redact(uri)} ({type(exc).__name__}: {exc}); "
                    "start it with `rabbitmq-server -detached`, or set AMQP_URI to a running broker"
                ) from None
            time.sleep(1)


def service_class(name: str) -> type:
    if name not in SERVICES:
        raise StartupError(f"unknown service {name!r}; accepted: {', '.join(SERVICES)}")
    module_name, class_name = SERVICES[name].split(":")
    return getattr(importlib.import_module(module_name), class_name)


def prepare(name: str, instance: str | None = None) -> tuple[type, dict[str, Any]]:
    config = load_config(name, instance)
    from zjtx.logs import setup_logging
    from zjtx.tracing import TracingError, setup_tracing

    setup_logging(name, str(config.get("LOG_LEVEL") or "INFO"))
    try:
        setup_tracing(name)
    except TracingError as exc:
        raise StartupError(str(exc)) from None
    # the service's own broker account (zjtx.broker_accounts) when one is given
    config["AMQP_URI"] = os.environ.get(f"{name.upper()}_AMQP_URI") or config["AMQP_URI"]
    check_production_secrets(name, config)
    check_broker(config["AMQP_URI"])
    from zjtx import pki
    from zjtx.mongo import StoreUnavailable, connect

    try:
        connect(config.get("MONGO_URI") or "mongodb://127.0.0.1:27017/", int(config.get("MONGO_TIMEOUT_MS", 5000))).close()
    except StoreUnavailable as exc:
        raise StartupError(str(exc)) from None

    try:  # no key material, no start: there is no default identity (zjtx.pki, zjtx.identity)
        config["PKI_DIR"] = str(pki.check_principal(config.get("PKI_DIR") or os.environ.get("ZJTX_PKI_DIR"), name))
    except pki.PkiError as exc:
        raise StartupError(str(exc)) from None
    config["PRINCIPAL"] = name
    # mutual TLS on the gRPC port: the project CA only, a client certificate required (zjtx.grpc_tls)
    config["GRPC_SSL"] = grpc_tls.ssl_config(config["PKI_DIR"], name)
    return service_class(name), config


def check_production_secrets(name: str, config: dict[str, Any]) -> None:
    """ZJTX_MODE=production: every secret must be given; none may be a development default (zjtx.secrets)."""
    from zjtx import production as secrets

    try:
        secrets.check(name, config)
    except secrets.SecretsMissing as exc:
        raise StartupError(str(exc)) from None


def run(name: str, instance: str | None = None) -> None:
    from nameko import config as nameko_config
    from nameko.runners import ServiceRunner

    grpc_wakeup.install()  # before any gRPC connection exists: no 10 ms polling per call
    grpc_tls.install()  # nameko-grpc's SslConfig made able to do mutual TLS

    try:
        cls, config = prepare(name, instance)
    except (ConfigError, StartupError) as exc:
        fail(str(exc))
        return

    # /metrics listens on nameko's web server: <SERVICE>_METRICS_PORT or the documented default, on
    # loopback unless ZJTX_METRICS_HOST says otherwise, which then needs a token (zjtx.metrics)
    from zjtx.metrics import MetricsExposure, metrics_host

    metrics_port = os.environ.get(f"{name.upper()}_METRICS_PORT") or METRICS_PORTS[name]
    try:
        host = metrics_host()
    except MetricsExposure as exc:
        fail(str(exc))
        return
    config.setdefault("WEB_SERVER_ADDRESS", f"{host}:{metrics_port}")
    nameko_config.update(config)
    runner = ServiceRunner()
    runner.add_service(cls)

    stopping = eventlet.event.Event()

    def on_signal(signum: int, frame: Any) -> None:
        if not stopping.ready():
            stopping.send(signum)

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    try:
        runner.start()
    except Exception as exc:
        from zjtx.mongo import StoreUnavailable

        if isinstance(exc, StoreUnavailable | ConfigError):
            fail(str(exc))
        raise
    collector.settle_after_start()  # what start-up made lives as long as the process
    log.info("%s started: gRPC on %s:%s", name, config.get("GRPC_BIND_HOST"), config.get("GRPC_BIND_PORT"))
    print(f"zjtx: {name} ready (gRPC {config.get('GRPC_BIND_HOST')}:{config.get('GRPC_BIND_PORT')})",
          file=sys.stderr, flush=True)

    waiter = eventlet.spawn(runner.wait)
    watcher = eventlet.spawn(stopping.wait)
    # whichever ends first: a signal, or the container dying on its own
    done = eventlet.event.Event()
    waiter.link(lambda gt: done.ready() or done.send("died"))
    watcher.link(lambda gt: done.ready() or done.send("signal"))
    reason = done.wait()
    if reason == "signal":
        log.info("%s stopping", name)
        CLEAN_STOP.stopping = True
        with eventlet.Timeout(20, False):
            runner.stop()
        runner.kill()
    from zjtx.tracing import shutdown_tracing

    shutdown_tracing()
    if reason == "died":
        try:
            waiter.wait()
        except Exception as exc:
            fail(f"{name} stopped with {type(exc).__name__}: {exc}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Run one ZJTX service")
    parser.add_argument("service", help=f"one of: {', '.join(SERVICES)}")
    parser.add_argument("--instance", help="deploy/instances/<name>.yaml overrides (or ZJTX_INSTANCE)")
    args = parser.parse_args(argv)
    run(args.service, args.instance)


if __name__ == "__main__":
    main()
