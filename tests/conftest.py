"""Session fixtures: real RabbitMQ (a throw-away vhost), the embedded MongoDB-protocol
server over TCP, an OTLP receiver, and the suite's services as separate OS processes.

The test process itself is not eventlet-patched: it talks to the services the way users
and other systems do, through gRPC (plain grpcio), AMQP (kombu) and MongoDB (pymongo).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import grpc
import pytest
from pymongo import MongoClient

from harness import clients, rabbit
from harness.otlp import OtlpReceiver
from zjtx import embedded_mongo
from zjtx.clock import set_clock_file
from zjtx.config import REPO_ROOT
from zjtx.up import GATEWAY, SERVICE_ORDER, Suite

PORT_VARIABLES = {
    "registration": "REGISTRATION_GRPC_PORT",
    "review": "REVIEW_GRPC_PORT",
    "notification": "NOTIFICATION_GRPC_PORT",
    "reporting": "REPORTING_GRPC_PORT",
}


@pytest.fixture(scope="session")
def mongo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[embedded_mongo.EmbeddedMongo]:
    directory = tmp_path_factory.mktemp("mongo")
    server = embedded_mongo.start(directory / "data", log_path=directory / "server.log", timeout=180)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def mongo(mongo_server: embedded_mongo.EmbeddedMongo) -> Iterator[MongoClient]:
    client: MongoClient = MongoClient(mongo_server.uri, tz_aware=True)
    yield client
    client.close()


@pytest.fixture(scope="session")
def vhost() -> Iterator[str]:
    try:
        rabbit.api("GET", "/overview")
    except Exception as exc:  # pragma: no cover - environment problem, said plainly
        pytest.exit(f"RabbitMQ management API not reachable at {rabbit.MANAGEMENT} ({exc}); "
                    "run `rabbitmq-plugins enable rabbitmq_management` (see .ci/run)", returncode=2)
    with rabbit.vhost() as name:
        yield name


@pytest.fixture(scope="session")
def amqp_uri(vhost: str) -> str:
    return rabbit.amqp_uri(vhost)


@pytest.fixture(scope="session")
def otlp() -> Iterator[OtlpReceiver]:
    receiver = OtlpReceiver().start()
    yield receiver
    receiver.stop()


@pytest.fixture(scope="session")
def clock_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("clock") / "clock"
    set_clock_file(path, "")
    return path


def service_env(amqp_uri: str, mongo_uri: str, otlp_endpoint: str, clock_file: Path, var_dir: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("OTEL_", "ZJTX_"))}
    env.update({
        "PYTHONPATH": str(REPO_ROOT / "services"),
        "AMQP_URI": amqp_uri,
        "MONGO_URI": mongo_uri,
        "ZJTX_CLOCK": f"@{clock_file}",
        "ZJTX_VAR_DIR": str(var_dir),
        "OTEL_TRACES_EXPORTER": "otlp",
        "OTEL_EXPORTER_OTLP_ENDPOINT": otlp_endpoint,
        "OTEL_EXPORTER_OTLP_PROTOCOL": "http/protobuf",
        "OTEL_BSP_SCHEDULE_DELAY": "200",
        "EVENT_MAX_ATTEMPTS": "4",
        "PYTHONUNBUFFERED": "1",
    })
    for service, variable in PORT_VARIABLES.items():
        port = embedded_mongo.free_port()
        env[variable] = str(port)
        env[f"{service.upper()}_TARGET"] = f"127.0.0.1:{port}"
        env[f"{service.upper()}_METRICS_PORT"] = str(embedded_mongo.free_port())
    env["GATEWAY_HTTP_PORT"] = str(embedded_mongo.free_port())
    return env


@pytest.fixture(scope="session")
def suite(amqp_uri: str, mongo_server: embedded_mongo.EmbeddedMongo, otlp: OtlpReceiver, clock_file: Path,
          tmp_path_factory: pytest.TempPathFactory) -> Iterator[Suite]:
    """The four services and the gateway, each its own process, shared by the session."""
    var_dir = tmp_path_factory.mktemp("suite")
    env = service_env(amqp_uri, mongo_server.uri, otlp.endpoint, clock_file, var_dir)
    running = Suite(env, var_dir / "log")
    # ZJTX_TEST_SERVICES=review,registration starts only those (while one service is being built)
    wanted = tuple(n for n in os.environ.get("ZJTX_TEST_SERVICES", "").split(",") if n) or (*SERVICE_ORDER, GATEWAY)
    try:
        running.start(wanted)
    except RuntimeError:
        running.stop()
        raise
    yield running
    running.stop()
    for name in wanted:
        print(f"--- {name} log tail ---\n{running.tail(name, 5)}", file=sys.stderr)


@pytest.fixture(scope="session")
def channels(suite: Suite) -> Iterator[dict[str, grpc.Channel]]:
    opened = {name: clients.channel(suite.endpoints[name], name) for name in SERVICE_ORDER if name in suite.endpoints}
    yield opened
    for channel in opened.values():
        channel.close()
