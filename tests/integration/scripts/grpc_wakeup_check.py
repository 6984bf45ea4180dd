"""Run under eventlet (as a service does): a nameko-grpc server and client in one process
with ``zjtx.grpc_wakeup`` installed; prints what happened as one JSON line.

Used by tests/integration/test_grpc_wakeup.py.
"""

from __future__ import annotations

import eventlet

eventlet.monkey_patch()  # noqa: E402

import json  # noqa: E402
import select as select_module  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from typing import Any  # noqa: E402

from grpc_health.v1 import health_pb2, health_pb2_grpc  # noqa: E402

from zjtx import grpc_wakeup  # noqa: E402

installed = grpc_wakeup.install()

from nameko import config  # noqa: E402
from nameko.containers import ServiceContainer  # noqa: E402
from nameko_grpc.client import Client  # noqa: E402
from nameko_grpc.entrypoint import Grpc  # noqa: E402
from nameko_grpc.errors import GrpcError  # noqa: E402

health = Grpc.implementing(health_pb2_grpc.HealthStub)


class Probe:
    name = "probe"

    @health
    def Check(self, request: Any, context: Any) -> Any:
        if request.service == "slow":
            eventlet.sleep(3)  # longer than the caller's deadline
        return health_pb2.HealthCheckResponse(status=health_pb2.HealthCheckResponse.SERVING)

    @health
    def Watch(self, request: Any, context: Any) -> Any:
        for _ in range(3):
            eventlet.sleep(0.05)
            yield health_pb2.HealthCheckResponse(status=health_pb2.HealthCheckResponse.SERVING)


class CountingSelect:
    """Counts the connection loops' turns (the module's ``select.select``)."""

    def __init__(self) -> None:
        self.turns = 0

    def select(self, *args: Any) -> Any:
        self.turns += 1
        return select_module.select(*args)


def main() -> None:
    port = int(sys.argv[1])
    counter = CountingSelect()
    grpc_wakeup.select = counter  # type: ignore[attr-defined, assignment]
    config.update({"GRPC_BIND_PORT": port, "GRPC_BIND_HOST": "127.0.0.1",
                   "AMQP_URI": "amqp://guest:guest@127.0.0.1:5672/"})
    container = ServiceContainer(Probe)
    container.start()
    findings: dict[str, Any] = {"installed": installed}
    try:
        with Client(f"grpc://127.0.0.1:{port}", health_pb2_grpc.HealthStub) as client:
            ok = 0
            for _ in range(50):
                ok += client.Check(health_pb2.HealthCheckRequest(), timeout=10).status == 1
            findings["sequential_ok"] = ok

            pile = eventlet.GreenPile(20)
            for _ in range(20):
                pile.spawn(lambda: client.Check(health_pb2.HealthCheckRequest(), timeout=10).status)
            findings["concurrent_ok"] = sum(1 for status in pile if status == 1)

            findings["streamed"] = len(list(client.Watch(health_pb2.HealthCheckRequest(), timeout=10)))

            try:
                client.Check(health_pb2.HealthCheckRequest(service="slow"), timeout=0.3)
                findings["deadline"] = "answered"
            except GrpcError as error:
                findings["deadline"] = error.code.name
            findings["after_deadline_ok"] = client.Check(health_pb2.HealthCheckRequest(), timeout=10).status == 1

            # idle: both loops (client and server end) sleep until there is work
            counter.turns = 0
            idle_started = time.monotonic()
            eventlet.sleep(2.0)
            findings["idle_seconds"] = time.monotonic() - idle_started
            findings["idle_turns"] = counter.turns
            findings["after_idle_ok"] = client.Check(health_pb2.HealthCheckRequest(), timeout=10).status == 1
        findings["client_stopped"] = True
    finally:
        container.stop()
    print(json.dumps(findings), flush=True)


if __name__ == "__main__":
    main()
