"""One isolated suite per fault test: its own MongoDB-protocol server, its own vhost,
its own platform clock, the four services as OS processes.

A fault test breaks things (kills processes, stops the database, restarts the broker),
so it must not share them with the rest of the session: the ``rig`` fixture starts a
fresh set and throws it away afterwards.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import requests
from pymongo import MongoClient

from harness import rabbit
from harness.surge import SURGE_CLOCK
from zjtx import embedded_mongo
from zjtx.clock import set_clock_file
from zjtx.up import SERVICE_ORDER, Suite

# The surge size of every fault test; `make soak` raises it.
SURGE_N = int(os.environ.get("ZJTX_SURGE_N", "60"))
PATIENCE = 240 + 2 * SURGE_N  # seconds to wait for an effect; soak runs are bigger


@dataclass
class DatabaseServer:
    """The embedded SecantusDB, restartable on the same port and data."""

    data_dir: Path
    log_path: Path
    port: int = field(default_factory=embedded_mongo.free_port)
    server: embedded_mongo.EmbeddedMongo | None = None

    @property
    def uri(self) -> str:
        return f"mongodb://127.0.0.1:{self.port}/?directConnection=true"

    def start(self) -> None:
        self.server = embedded_mongo.start(self.data_dir, self.port, log_path=self.log_path, timeout=120)

    def stop(self) -> None:
        """SIGTERM: SecantusDB flushes and exits (SIGKILL would lose acknowledged writes on
        this test server, which real MongoDB does not)."""
        if self.server is not None:
            self.server.stop()
            self.server = None

    @property
    def pid(self) -> int | None:
        return self.server.process.pid if self.server else None


@dataclass
class Rig:
    suite: Suite
    db_server: DatabaseServer
    mongo: MongoClient
    amqp_uri: str
    vhost: str
    management: str | None
    clock_file: Path
    log_dir: Path
    lines: list[str]

    @property
    def targets(self) -> dict[str, str]:
        return dict(self.suite.endpoints)

    def pids(self) -> dict[str, int]:
        return {name: process.pid for name, process in self.suite.processes.items() if process.poll() is None}

    def report(self, line: str) -> None:
        """A figure for the closing summary of the session (printed by conftest)."""
        print(line, flush=True)
        self.lines.append(line)

    def close(self) -> None:
        self.suite.stop()
        self.mongo.close()
        self.db_server.stop()
        if self.management:
            try:
                requests.delete(f"{self.management}/api/vhosts/{quote(self.vhost, safe='')}", timeout=60)
            except requests.RequestException as error:
                # a broker busy with other sessions: the next session's stale-vhost sweep removes it
                # (harness.rabbit.remove_stale_vhosts); the test's own result stands
                print(f"rig: vhost {self.vhost} not deleted now ({type(error).__name__})", flush=True)


def rig_env(amqp_uri: str, mongo_uri: str, clock_file: Path, var_dir: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("OTEL_", "ZJTX_"))}
    env.update({
        "PYTHONPATH": str(Path(__file__).resolve().parents[2] / "services"),
        "AMQP_URI": amqp_uri,
        "MONGO_URI": mongo_uri,
        "ZJTX_CLOCK": f"@{clock_file}",
        "ZJTX_VAR_DIR": str(var_dir),
        "OTEL_TRACES_EXPORTER": "none",
        "EVENT_MAX_ATTEMPTS": "4",
        "PYTHONUNBUFFERED": "1",
    })
    for service in SERVICE_ORDER:
        port = embedded_mongo.free_port()
        env[f"{service.upper()}_GRPC_PORT"] = str(port)
        env[f"{service.upper()}_TARGET"] = f"127.0.0.1:{port}"
        env[f"{service.upper()}_METRICS_PORT"] = str(embedded_mongo.free_port())
    return env


def start_rig(tmp_path: Path, lines: list[str], *, broker_host: str = rabbit.BROKER_HOST,
              management: str | None = rabbit.MANAGEMENT, services: Sequence[str] = SERVICE_ORDER,
              env: dict[str, str] | None = None, replicas: int = 1) -> Rig:
    """A fresh suite on ``broker_host``. With ``management=None`` (a private broker node of
    the test's own, without the management plugin) the node's default vhost is used. ``replicas``
    copies of each service, every client spreading its calls over them (``Suite.replicas``)."""
    db_server = DatabaseServer(tmp_path / "mongo", tmp_path / "mongo.log")
    db_server.start()
    vhost = "/"
    if management:
        vhost = f"zjtx-test-{os.getpid()}-rel{time.monotonic_ns() % 10**6:06d}"
        api = f"{management}/api"
        try:
            requests.put(f"{api}/vhosts/{quote(vhost, safe='')}", timeout=30).raise_for_status()
            requests.put(f"{api}/permissions/{quote(vhost, safe='')}/guest", timeout=30,
                         json={"configure": ".*", "write": ".*", "read": ".*"}).raise_for_status()
        except requests.RequestException:
            db_server.stop()  # a busy broker must not leave the test's database server running
            raise
    amqp_uri = f"amqp://guest:guest@{broker_host}/{quote(vhost, safe='')}"
    clock_file = tmp_path / "clock"
    set_clock_file(clock_file, SURGE_CLOCK)
    suite_env = rig_env(amqp_uri, db_server.uri, clock_file, tmp_path / "var")
    if not management:  # a private node: no management API to create the services' accounts with
        suite_env["ZJTX_BROKER_ACCOUNTS"] = "0"
    suite_env.update(env or {})
    suite = Suite(suite_env, tmp_path / "log", replicas=replicas, free_copy_ports=True)
    rig = Rig(suite, db_server, MongoClient(db_server.uri, tz_aware=True), amqp_uri, vhost, management,
              clock_file, tmp_path / "log", lines)
    try:
        suite.start(tuple(services), timeout=120 * replicas)
    except Exception:
        rig.close()
        raise
    return rig


def seconds_until(done: Callable[[], bool], timeout: float = 180.0, what: str = "recovery") -> float:
    """Seconds until ``done()`` is true (e.g. every effect arrived); fails after ``timeout``."""
    started = time.monotonic()
    deadline = started + timeout
    while not done():
        if time.monotonic() > deadline:
            raise AssertionError(f"no {what} after {timeout:.0f}s")
        time.sleep(0.25)
    return time.monotonic() - started
