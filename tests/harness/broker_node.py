"""A private RabbitMQ node for tests that stop and start the broker.

The machine's shared broker (127.0.0.1:5672) serves every other test session running at
the same time: stopping it would break them. ``start_node`` starts a node of the test's
own from the same RabbitMQ installation, with its own name (``zjtx-rel-<pid>-<n>@localhost``),
AMQP and distribution ports, data, logs, config and Erlang cookie, all under one
directory; ``rabbitmqctl -n <node>`` (``BrokerNode.ctl``) controls it. No plugins
(management is not needed: depths are read over AMQP), which keeps start-up short.

Nodes of test sessions that died without cleaning up are stopped at the next start
(``reap_stale_nodes``): each node leaves a record naming the pytest process that owns it.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from kombu import Connection

from zjtx.embedded_mongo import free_port
from zjtx.processes import process_alive

RABBITMQ_BIN = Path(os.environ.get("RABBITMQ_BIN", "/usr/lib/rabbitmq/bin"))
# Records of live private nodes (one JSON file per node), so a later session can reap leftovers.
REGISTRY = Path(os.environ.get("ZJTX_BROKER_NODES", "/tmp/zjtx-broker-nodes"))


class BrokerNodeError(RuntimeError):
    """The private node could not be started or controlled; the message says what it did."""


@dataclass
class BrokerNode:
    name: str           # Erlang node name, e.g. zjtx-rel-1234-ab12cd@localhost
    base: Path          # everything of the node lives under here
    amqp_port: int
    dist_port: int
    process: subprocess.Popen[bytes]
    management_port: int = 0  # 0: no management plugin on this node

    @property
    def management_uri(self) -> str:
        if not self.management_port:
            raise BrokerNodeError(f"node {self.name} was started without the management plugin")
        return f"http://guest:guest@127.0.0.1:{self.management_port}"

    def add_vhost(self, vhost: str) -> None:
        """A vhost with every right for guest (the node's own account)."""
        self.ctl("add_vhost", vhost)
        self.ctl("set_permissions", "-p", vhost, "guest", ".*", ".*", ".*")

    @property
    def host(self) -> str:
        return f"127.0.0.1:{self.amqp_port}"

    def amqp_uri(self, vhost: str = "/") -> str:
        from urllib.parse import quote

        return f"amqp://guest:guest@{self.host}/{quote(vhost, safe='')}"

    @property
    def env(self) -> dict[str, str]:
        return node_env(self.base, self.name, self.amqp_port, self.dist_port)

    @property
    def log_path(self) -> Path:
        return self.base / "log" / f"{self.name}.log"

    # -- control ---------------------------------------------------------------------

    def ctl(self, *args: str, timeout: float = 120.0, check: bool = True) -> subprocess.CompletedProcess[str]:
        """``rabbitmqctl -n <node> <args>`` with this node's cookie (HOME) and settings."""
        command = [str(RABBITMQ_BIN / "rabbitmqctl"), "-n", self.name, *args]
        result = subprocess.run(command, env=self.env, cwd=self.base, capture_output=True, text=True,
                                timeout=timeout)
        if check and result.returncode != 0:
            raise BrokerNodeError(f"`rabbitmqctl -n {self.name} {' '.join(args)}` exited {result.returncode}: "
                                  f"{(result.stderr or result.stdout).strip()[-800:]}")
        return result

    def stop_app(self) -> None:
        """Stop the RabbitMQ application (connections drop, queues stay on disk); the Erlang VM stays up."""
        self.ctl("stop_app")

    def start_app(self, timeout: float = 120.0) -> None:
        """Start the application again and return once AMQP answers."""
        self.ctl("start_app", timeout=timeout)
        self.wait_amqp(timeout)

    def wait_amqp(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        last: Exception | None = None
        while time.monotonic() < deadline:
            try:
                with Connection(self.amqp_uri(), connect_timeout=3) as connection:
                    connection.ensure_connection(max_retries=1, timeout=3)
                return
            except Exception as error:  # not listening yet
                last = error
                time.sleep(0.3)
        raise BrokerNodeError(f"node {self.name} did not accept AMQP on {self.host} within {timeout:.0f}s ({last})")

    def queue_depth(self, queue: str, vhost: str = "/") -> int:
        """Ready messages in ``queue``, asked of the broker over AMQP (passive declare)."""
        with Connection(self.amqp_uri(vhost), connect_timeout=10) as connection:
            _, count, _ = connection.channel().queue_declare(queue, passive=True)
            return int(count)

    def queues(self, vhost: str = "/") -> dict[str, tuple[int, int, str]]:
        """name -> (messages ready+unacked, consumers, type), from rabbitmqctl."""
        result = self.ctl("list_queues", "-p", vhost, "--formatter", "json", "name", "messages", "consumers",
                          "type", timeout=60)
        rows = json.loads(result.stdout or "[]")
        return {row["name"]: (int(row.get("messages") or 0), int(row.get("consumers") or 0), str(row.get("type")))
                for row in rows}

    def close(self) -> None:
        """Stop the node (its VM too) and delete its data."""
        try:
            if self.process.poll() is None:
                self.ctl("shutdown", timeout=60, check=False)
        except subprocess.TimeoutExpired:
            pass
        _kill_group(self.process)
        (REGISTRY / f"{self.name}.json").unlink(missing_ok=True)
        shutil.rmtree(self.base, ignore_errors=True)


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    """The node runs in its own session: end every process of it (beam, erl_child_setup...)."""
    if process.poll() is None:
        try:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(20)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            pass
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    if process.poll() is None:
        process.wait(10)


def node_env(base: Path, name: str, amqp_port: int, dist_port: int) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("RABBITMQ_", "ERL_"))}
    env.update({
        # the cookie is created in (and read from) HOME: the node's own, shared with its rabbitmqctl
        "HOME": str(base),
        "RABBITMQ_NODENAME": name,
        "RABBITMQ_NODE_IP_ADDRESS": "127.0.0.1",
        "RABBITMQ_NODE_PORT": str(amqp_port),
        "RABBITMQ_DIST_PORT": str(dist_port),
        "RABBITMQ_MNESIA_BASE": str(base / "mnesia"),
        "RABBITMQ_LOG_BASE": str(base / "log"),
        "RABBITMQ_PID_FILE": str(base / "node.pid"),
        "RABBITMQ_CONFIG_FILE": str(base / "rabbitmq.conf"),
        "RABBITMQ_ADVANCED_CONFIG_FILE": str(base / "advanced.config"),
        # not /etc/rabbitmq/rabbitmq-env.conf: that one names the shared node
        "RABBITMQ_CONF_ENV_FILE": str(base / "rabbitmq-env.conf"),
        "RABBITMQ_ENABLED_PLUGINS_FILE": str(base / "enabled_plugins"),
        "RABBITMQ_PLUGINS_EXPAND_DIR": str(base / "plugins-expand"),
        "RABBITMQ_FEATURE_FLAGS_FILE": str(base / "feature_flags"),
        "RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS": "-kernel inet_dist_use_interface {127,0,0,1}",
        "ERL_EPMD_ADDRESS": "127.0.0.1",
    })
    return env


def reap_stale_nodes() -> list[str]:
    """Stop private nodes whose owning test process is gone."""
    reaped = []
    for record in REGISTRY.glob("*.json") if REGISTRY.exists() else []:
        try:
            data = json.loads(record.read_text())
        except (OSError, ValueError):
            record.unlink(missing_ok=True)
            continue
        if process_alive(int(data.get("owner", 0))):
            continue
        pid = int(data.get("pgid", 0))
        if pid > 0:
            try:
                os.killpg(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        shutil.rmtree(data.get("base", ""), ignore_errors=True)
        record.unlink(missing_ok=True)
        reaped.append(str(data.get("name")))
    return reaped


def start_node(base: Path, timeout: float = 120.0, plugins: tuple[str, ...] = ()) -> BrokerNode:
    """Start a private node under ``base`` (created; removed by ``close``) and wait until AMQP answers.
    ``plugins`` are enabled offline before it starts (e.g. rabbitmq_shovel, rabbitmq_shovel_management;
    rabbitmq_management listens on a free port of its own)."""
    if not (RABBITMQ_BIN / "rabbitmq-server").exists():
        raise BrokerNodeError(f"{RABBITMQ_BIN}/rabbitmq-server not found; install rabbitmq-server "
                              "or set RABBITMQ_BIN to the directory of its scripts")
    reap_stale_nodes()
    base.mkdir(parents=True, exist_ok=True)
    name = f"zjtx-rel-{os.getpid()}-{uuid.uuid4().hex[:6]}@localhost"
    amqp_port, dist_port = free_port(), free_port()
    management_port = free_port() if any(p.endswith("management") for p in plugins) else 0
    management = (f"management.tcp.port = {management_port}\nmanagement.tcp.ip = 127.0.0.1\n"
                  if management_port else "")
    (base / "rabbitmq.conf").write_text(
        management +
        f"listeners.tcp.1 = 127.0.0.1:{amqp_port}\n"
        # the shared node's limits would not fit a private one on a busy machine
        "disk_free_limit.absolute = 50MB\n"
        "log.console = false\n"
        "log.file.level = info\n",
        encoding="utf-8",
    )
    (base / "advanced.config").write_text("[].\n", encoding="utf-8")
    (base / "rabbitmq-env.conf").write_text("", encoding="utf-8")
    (base / "enabled_plugins").write_text(f"[{','.join(plugins)}].\n", encoding="utf-8")
    env = node_env(base, name, amqp_port, dist_port)
    output = open(base / "server.out", "ab")
    process = subprocess.Popen([str(RABBITMQ_BIN / "rabbitmq-server")], env=env, cwd=base, stdout=output,
                               stderr=subprocess.STDOUT, start_new_session=True)
    REGISTRY.mkdir(parents=True, exist_ok=True)
    (REGISTRY / f"{name}.json").write_text(json.dumps(
        {"name": name, "owner": os.getpid(), "pgid": process.pid, "base": str(base)}))
    node = BrokerNode(name, base, amqp_port, dist_port, process, management_port)
    try:
        waited = node.ctl("wait", "--timeout", str(int(timeout)), str(base / "node.pid"), timeout=timeout + 10,
                          check=False)
        if waited.returncode != 0 or process.poll() is not None:
            tail = (base / "server.out").read_text(errors="replace")[-1500:]
            raise BrokerNodeError(f"private RabbitMQ node {name} did not start (rabbitmqctl wait exited "
                                  f"{waited.returncode}): {waited.stderr.strip()[-300:]}\n{tail}")
        node.wait_amqp(timeout)
    except BaseException:
        node.close()
        raise
    return node
