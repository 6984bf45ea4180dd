"""``make up``: the whole suite as local OS processes, in the foreground.

Starts the embedded MongoDB-protocol server unless MONGO_URI is set, checks RabbitMQ,
starts each service (and the gateway) as its own process, waits until every one reports
healthy, prints where each listens, and stops them all cleanly on Ctrl-C or SIGTERM.
``python -m zjtx.up --down`` (``make down``) stops a running set.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import signal
import subprocess
import sys
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit, urlunsplit

from zjtx import embedded_mongo, pki
from zjtx.config import REPO_ROOT, ConfigError, instance_document, load_config
from zjtx.health import grpc_serving
from zjtx.processes import GATEWAY_HTTP_PORT, GRPC_PORTS, METRICS_PORTS

# eventlet's deprecation banner, printed when the broker helpers pull Nameko in: noise for
# whoever runs `make up` or the demo (the services' own logs filter it in zjtx.launch)
warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")

SERVICE_ORDER = ("review", "registration", "notification", "reporting")
GATEWAY = "gateway"


def var_dir() -> Path:
    return Path(os.environ.get("ZJTX_VAR_DIR") or REPO_ROOT / "var")


def state_file() -> Path:
    return var_dir() / "run" / "up.json"


class StartInterrupted(RuntimeError):
    """A stop was asked for (SIGTERM, Ctrl-C, `make down`) before every process was healthy."""


@dataclass
class Suite:
    """A running set of processes; also used by the demo, the tests and the benchmarks."""

    env: dict[str, str]
    log_dir: Path
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    mongo: embedded_mongo.EmbeddedMongo | None = None
    endpoints: dict[str, str] = field(default_factory=dict)
    interrupted: Callable[[], bool] = lambda: False  # `make down` during start-up: stop waiting
    broker_users: list[str] = field(default_factory=list)
    # copies of each service (make up REPLICAS=2): copy k > 1 is "<service>-<k>" on ports of its own
    replicas: int = 1
    # the ports of copies beyond the first: free ones (tests), else the first's + 100 per copy
    free_copy_ports: bool = False
    copy_ports: dict[str, dict[str, str]] = field(default_factory=dict)
    policy_set: bool = False

    def start_mongo(self, data_dir: Path, port: int | None = None) -> None:
        if self.env.get("MONGO_URI"):
            return
        self.mongo = embedded_mongo.start(data_dir, port, log_path=self.log_dir / "mongo.log")
        self.env["MONGO_URI"] = self.mongo.uri

    def start_service(self, name: str) -> None:
        """Start ``name``: a service, the gateway, or a copy of a service (``review-2``)."""
        service = service_of(name)
        command = [sys.executable, "-m", "zjtx.launch", service]
        if service == GATEWAY:
            command = [sys.executable, "-m", "gateway"]
        log = open(self.log_dir / f"{name}.log", "ab")
        self.processes[name] = subprocess.Popen(
            command, env=self.copy_env(name), stdout=log, stderr=subprocess.STDOUT, cwd=REPO_ROOT,
            start_new_session=True
        )

    def copy_env(self, name: str) -> dict[str, str]:
        """The environment of one process: a copy beyond the first gets its own gRPC and metrics ports."""
        env = dict(self.env)
        env.update(self.copy_ports.get(name, {}))
        return env

    def plan_copy(self, service: str, copy: int) -> str:
        """Ports for copy ``copy`` (2, 3 ...) of ``service``; returns its name (``review-2``)."""
        from zjtx.processes import METRICS_PORTS

        name = f"{service}-{copy}"
        prefix = service.upper()
        if self.free_copy_ports:
            grpc_port, metrics_port = embedded_mongo.free_port(), embedded_mongo.free_port()
        else:
            grpc_port = int(load_config(service, env=self.env)["GRPC_BIND_PORT"]) + 100 * (copy - 1)
            metrics_port = int(self.env.get(f"{prefix}_METRICS_PORT") or METRICS_PORTS[service]) + 100 * (copy - 1)
        self.copy_ports[name] = {f"{prefix}_GRPC_PORT": str(grpc_port), f"{prefix}_METRICS_PORT": str(metrics_port)}
        return name

    def endpoint(self, name: str) -> str:
        config = load_config(service_of(name), env=self.copy_env(name))
        if name == GATEWAY:
            return f"http://127.0.0.1:{config['HTTP_PORT']}"
        return f"127.0.0.1:{config['GRPC_BIND_PORT']}"

    def copies(self, service: str) -> list[str]:
        """The process names of every copy of ``service`` in this suite."""
        return [name for name in self.endpoints if service_of(name) == service]

    def healthy(self, name: str) -> bool:
        target = self.endpoints[name]
        if name == GATEWAY:
            import urllib.request

            try:
                with urllib.request.urlopen(f"{target}/readyz", timeout=2) as response:
                    return response.status == 200
            except OSError:
                return False
        return grpc_serving(target)

    def wait_healthy(self, names: list[str], timeout: float = 90.0) -> None:
        deadline = time.monotonic() + timeout
        pending = list(names)
        while pending and time.monotonic() < deadline:
            if self.interrupted():
                raise StartInterrupted(f"start-up interrupted while waiting for {', '.join(pending)}")
            for name in list(pending):
                process = self.processes[name]
                if process.poll() is not None:
                    raise RuntimeError(f"{name} exited with code {process.returncode} during start-up:\n"
                                       + self.tail(name))
                if self.healthy(name):
                    pending.remove(name)
            time.sleep(0.2)
        if pending:
            raise RuntimeError(f"not healthy after {timeout:.0f}s: {', '.join(pending)}\n"
                               + "\n".join(self.tail(n) for n in pending))

    def tail(self, name: str, lines: int = 15) -> str:
        path = self.log_dir / f"{name}.log"
        text = path.read_text(encoding="utf-8", errors="replace").splitlines() if path.exists() else []
        return "\n".join(f"  {name}| {line}" for line in text[-lines:])

    @property
    def pki_dir(self) -> Path:
        """The suite's key material: ZJTX_PKI_DIR, or a set generated beside its logs (make up, demo, tests)."""
        if not self.env.get("ZJTX_PKI_DIR"):
            self.env["ZJTX_PKI_DIR"] = str(pki.ensure(self.log_dir.parent / "pki"))
        return Path(self.env["ZJTX_PKI_DIR"])

    def provision_broker_accounts(self) -> None:
        """One RabbitMQ account per service in the suite's vhost (zjtx.broker_accounts), once.
        ZJTX_BROKER_ACCOUNTS=0, or a broker without the management API (the fault tests'
        private nodes), leaves every process on AMQP_URI's account, with a warning."""
        if self.broker_users or self.env.get("REGISTRATION_AMQP_URI"):
            return
        if self.env.get("ZJTX_BROKER_ACCOUNTS", "1").strip().lower() in {"0", "false", "no", "off"}:
            return
        from zjtx import broker_accounts

        try:
            broker_accounts.remove_stale(self.env)
            self.broker_users = broker_accounts.provision(self.env)
        except Exception as exc:  # the management API is an aid here, not a requirement
            print(f"zjtx: no per-service broker accounts ({type(exc).__name__}: {exc}); every service uses "
                  "AMQP_URI's account", file=sys.stderr)

    def provision_broker_policy(self) -> None:
        """The delivery limit as a policy on the suite's vhost (zjtx.broker_policies), once; a broker
        without the management API (the fault tests' private nodes) keeps queues without a limit."""
        if self.policy_set or self.env.get("ZJTX_BROKER_POLICY", "1") in {"0", "off", "no"}:
            return
        from zjtx import broker_policies

        try:
            broker_policies.apply(self.env)
            self.policy_set = True
        except Exception as exc:
            print(f"zjtx: delivery-limit policy not set ({type(exc).__name__}: {exc}); failing events are retried "
                  "without a limit on this broker", file=sys.stderr)

    def start(self, names: tuple[str, ...] = (*SERVICE_ORDER, GATEWAY), timeout: float = 90.0) -> None:
        self.log_dir.mkdir(parents=True, exist_ok=True)
        directory = self.pki_dir
        self.provision_broker_accounts()
        self.provision_broker_policy()
        planned: list[str] = []
        for name in names:
            planned.append(name)
            if name != GATEWAY and self.replicas > 1:
                planned.extend(self.plan_copy(name, copy) for copy in range(2, self.replicas + 1))
        for name in planned:
            self.endpoints[name] = self.endpoint(name)
            if name != GATEWAY:
                pki.remember(self.endpoints[name], directory, service_of(name))
        if self.replicas > 1:
            # every client (services and gateway) spreads its calls over all copies (zjtx.grpc_client)
            for service in {service_of(n) for n in planned} - {GATEWAY}:
                self.env[f"{service.upper()}_TARGET"] = ",".join(self.endpoints[n] for n in self.copies(service))
        for name in planned:
            self.start_service(name)
        self.wait_healthy(planned, timeout)

    def stop_service(self, name: str, timeout: float = 25.0) -> None:
        process = self.processes.pop(name, None)
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def kill_service(self, name: str) -> None:
        process = self.processes.pop(name, None)
        if process is not None and process.poll() is None:
            process.kill()
            process.wait()

    def stop(self) -> None:
        for name in reversed(list(self.processes)):
            self.stop_service(name)
        if self.mongo is not None:
            self.mongo.stop()
            self.mongo = None
        if self.broker_users:
            from zjtx import broker_accounts

            broker_accounts.remove(self.env, self.broker_users)
            self.broker_users = []
            for service in SERVICE_ORDER:
                self.env.pop(f"{service.upper()}_AMQP_URI", None)


def service_of(name: str) -> str:
    """The service a process name runs: ``review-2`` -> ``review``."""
    base, _, copy = name.rpartition("-")
    return base if base and copy.isdigit() else name


ADMIN_PASSWORD_FILE = "bootstrap-admin-password"


def _generated_password(path: Path) -> str:
    """A password generated once into ``path`` (mode 0600), then read from it."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        password = f"Zjtx-{secrets.token_urlsafe(12)}-{secrets.randbelow(90) + 10}"  # letters and digits
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(password + "\n")
    return path.read_text().strip()


def bootstrap_admin(env: dict[str, str]) -> str:
    """The first administrator's sign-in, as one line; in this development set, without
    ``ZJTX_BOOTSTRAP_ADMIN_PASSWORD``, a password is generated once into var/ (mode 0600)."""
    username = env.setdefault("ZJTX_BOOTSTRAP_ADMIN_USERNAME", "admin")
    try:  # the instance's top unit (its file's gateway section), unless the variable says otherwise
        unit = str(load_config(GATEWAY, env=env).get("BOOTSTRAP_ADMIN_UNIT") or "unit-430000")
    except ConfigError:
        unit = env.get("ZJTX_BOOTSTRAP_ADMIN_UNIT") or "unit-430000"
    # 三员分立: the security (secadmin) and audit (auditadmin) administrators beside the system administrator
    for variable, name in (("ZJTX_BOOTSTRAP_SECURITY_PASSWORD", "bootstrap-security-password"),
                           ("ZJTX_BOOTSTRAP_AUDIT_PASSWORD", "bootstrap-audit-password")):
        if not env.get(variable):
            env[variable] = _generated_password(var_dir() / name)
    if env.get("ZJTX_BOOTSTRAP_ADMIN_PASSWORD"):
        return f"{username} ({unit}) with the password in ZJTX_BOOTSTRAP_ADMIN_PASSWORD"
    path = var_dir() / ADMIN_PASSWORD_FILE
    env["ZJTX_BOOTSTRAP_ADMIN_PASSWORD"] = _generated_password(path)
    return (f"{username} ({unit}) with the password in {path} "
            "(created at the first start; change it later through the API)")


def broker_problem(env: dict[str, str]) -> str | None:
    from kombu import Connection

    uri = env.get("AMQP_URI") or "amqp://guest:guest@127.0.0.1:5672/"
    try:
        with Connection(uri, connect_timeout=3) as connection:
            connection.ensure_connection(max_retries=1, timeout=3)
    except Exception as exc:
        return (f"RabbitMQ is not reachable at {uri} ({type(exc).__name__}). Start it with "
                "`rabbitmq-server -detached` (or `sudo systemctl start rabbitmq-server`), "
                "or set AMQP_URI to a running broker, then run `make up` again.")
    return None


DEFAULT_INSTANCE = "hunan-province"
# what a port offset moves (an instance file's port_offset: two instances side by side on one host)
OFFSET_PORTS = {**{f"{s.upper()}_GRPC_PORT": p for s, p in GRPC_PORTS.items()},
                **{f"{s.upper()}_METRICS_PORT": p for s, p in METRICS_PORTS.items()},
                "GATEWAY_HTTP_PORT": GATEWAY_HTTP_PORT, "ZJTX_MONGO_PORT": 27017}


def with_vhost(amqp_uri: str, vhost: str) -> str:
    parts = urlsplit(amqp_uri)
    return urlunsplit((parts.scheme, parts.netloc, "/" + quote(vhost, safe=""), parts.query, parts.fragment))


def prepare_instance(env: dict[str, str], instance: str) -> dict[str, object]:
    """The environment of ``instance`` (deploy/instances/<instance>.yaml): ZJTX_INSTANCE, AMQP_URI
    in its vhost (unless AMQP_URI names one), its ports moved by its port_offset (unless set
    explicitly). Returns the file's keys."""
    env["ZJTX_INSTANCE"] = instance
    document = instance_document(instance, env)
    vhost = str(document.get("vhost") or "/")
    given = env.get("AMQP_URI") or "amqp://guest:guest@127.0.0.1:5672/"
    # an AMQP_URI naming a vhost of its own wins (a test's throw-away vhost, an operator's choice)
    env["AMQP_URI"] = given if urlsplit(given).path not in ("", "/") else with_vhost(given, vhost)
    offset = int(document.get("port_offset") or 0)
    for variable, port in OFFSET_PORTS.items():
        env.setdefault(variable, str(port + offset))
    for service in GRPC_PORTS:
        env.setdefault(f"{service.upper()}_TARGET", f"127.0.0.1:{env[f'{service.upper()}_GRPC_PORT']}")
    return document


def ensure_vhost(env: dict[str, str]) -> str | None:
    """Create the instance's vhost (and the connecting user's rights in it) through the management
    API when it is missing; a problem as one sentence, or None."""
    from zjtx.broker_accounts import DEFAULT_MANAGEMENT, Management, vhost_of

    uri = env["AMQP_URI"]
    vhost = vhost_of(uri)
    if vhost == "/":
        return None
    user = unquote(urlsplit(uri).username or "guest")
    try:
        api = Management(env.get("RABBIT_MANAGEMENT_URI") or DEFAULT_MANAGEMENT)
        api.call("PUT", f"/vhosts/{quote(vhost, safe='')}")
        api.call("PUT", f"/permissions/{quote(vhost, safe='')}/{quote(user, safe='')}",
                 json={"configure": ".*", "write": ".*", "read": ".*"})
        return None
    except Exception as exc:
        if broker_problem(env) is None:
            return None  # made earlier (or by the operator): nothing to do
        return (f"the instance's vhost {vhost!r} could not be created through the management API ({exc}); "
                "enable it (`rabbitmq-plugins enable rabbitmq_management`) or create the vhost yourself: "
                f"`rabbitmqctl add_vhost {vhost} && rabbitmqctl set_permissions -p {vhost} {user} '.*' '.*' '.*'`")


def link_upstream(env: dict[str, str], document: dict[str, object]) -> str:
    """A city instance's shovel to its upstream instance (zjtx.upstream): on the same broker,
    in the upstream's vhost, unless ZJTX_UPSTREAM_AMQP_URI names another. One line saying what
    was linked, or why not."""
    upstream_of = document.get("upstream")
    if not isinstance(upstream_of, dict):
        return ""
    from zjtx import upstream
    from zjtx.broker_accounts import DEFAULT_MANAGEMENT

    target = str(upstream_of["instance"])
    events = list(upstream_of.get("events") or ["review.recognised"])
    target_vhost = str(instance_document(target, env).get("vhost") or "/")
    destination = env.get("ZJTX_UPSTREAM_AMQP_URI") or with_vhost(env["AMQP_URI"], target_vhost)
    try:
        ensure_vhost({**env, "AMQP_URI": destination})
        name = upstream.link(env.get("RABBIT_MANAGEMENT_URI") or DEFAULT_MANAGEMENT, str(document.get("vhost") or "/"),
                             env["AMQP_URI"], destination, target, events)
    except Exception as exc:
        return (f"not linked to {target} ({type(exc).__name__}: {str(exc)[:160]}); the shovel needs "
                "`rabbitmq-plugins enable rabbitmq_shovel rabbitmq_shovel_management` (docs/instances.md)")
    return f"{', '.join(events)} -> {target} (vhost {target_vhost}) through the shovel {name}"


def up(instance: str = DEFAULT_INSTANCE, replicas: int = 1) -> int:
    env = dict(os.environ)
    env.setdefault("PYTHONPATH", str(REPO_ROOT / "services"))
    try:
        document = prepare_instance(env, instance)
    except ConfigError as exc:
        print(f"zjtx up: {exc}", file=sys.stderr)
        return 2
    problem = broker_problem(env)
    if problem and broker_problem({**env, "AMQP_URI": with_vhost(env["AMQP_URI"], "/")}) is None:
        problem = ensure_vhost(env) or broker_problem(env)  # the broker answers: the vhost was missing
    if problem:
        print(f"zjtx up: {problem}", file=sys.stderr)
        return 2
    run_dir = var_dir() / "run"
    run_dir.mkdir(parents=True, exist_ok=True)
    if state_file().exists():
        previous = json.loads(state_file().read_text())
        if _alive(previous.get("pid", 0)):
            print(f"zjtx up: already running (pid {previous['pid']}); `make down` stops it", file=sys.stderr)
            return 2
    stopping = False
    from zjtx.broker_accounts import vhost_of

    suite = Suite(env, var_dir() / "log", interrupted=lambda: stopping, replicas=replicas)
    admin = bootstrap_admin(env)
    print(f"zjtx up: instance {instance} ({document.get('title', '')}, jurisdiction {document.get('jurisdiction', '-')}), "
          f"vhost {vhost_of(env['AMQP_URI'])}, {replicas} cop{'y' if replicas == 1 else 'ies'} of each service",
          flush=True)

    def on_signal(signum: int, frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    started = time.monotonic()
    # written before anything starts, so that `make down` during start-up finds this process
    state_file().write_text(json.dumps({"pid": os.getpid(), "starting": True}))
    try:
        suite.log_dir.mkdir(parents=True, exist_ok=True)
        suite.start_mongo(var_dir() / "mongo", int(env.get("ZJTX_MONGO_PORT", "27017")))
        if stopping:
            raise StartInterrupted("start-up interrupted after the database started")
        suite.start()
    except StartInterrupted as exc:
        print(f"zjtx up: {exc}; stopping what was started", flush=True)
        suite.stop()
        state_file().unlink(missing_ok=True)
        print("zjtx up: stopped", flush=True)
        return 0
    except (RuntimeError, ConfigError) as exc:
        print(f"zjtx up: {exc}", file=sys.stderr)
        suite.stop()
        state_file().unlink(missing_ok=True)
        return 1
    link = link_upstream(env, document)
    # mongo_uri: `make backup` / `make restore` beside a running make up find the embedded server here
    state_file().write_text(json.dumps({"pid": os.getpid(), "endpoints": suite.endpoints,
                                        "mongo_uri": suite.env.get("MONGO_URI", "")}))
    print(f"zjtx up: healthy in {time.monotonic() - started:.1f}s")
    print(f"  {'mongodb':14} {suite.env['MONGO_URI']}{' (embedded)' if suite.mongo else ''}")
    for name, target in suite.endpoints.items():
        print(f"  {name:14} {target}")
    print(f"  sign in        {admin}: POST {suite.endpoints.get(GATEWAY, '')}/api/v1/sessions/staff")
    if GATEWAY in suite.endpoints:  # the web front on the gateway's origin (make web builds it)
        print(f"  {'web front':14} {suite.endpoints[GATEWAY]}/")
    if link:
        print(f"  {'upstream':14} {link}")
    print(f"  logs           {suite.log_dir}/<service>.log    stop: Ctrl-C or `make down`", flush=True)
    try:
        while not stopping:
            for name, process in suite.processes.items():
                if process.poll() is not None:
                    print(f"zjtx up: {name} exited with code {process.returncode}; stopping the rest\n"
                          + suite.tail(name), file=sys.stderr)
                    stopping = True
                    break
            time.sleep(0.5)
    finally:
        print("zjtx up: stopping", flush=True)
        suite.stop()
        state_file().unlink(missing_ok=True)
        print("zjtx up: stopped", flush=True)
    return 0


def _alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    return True


def down() -> int:
    if not state_file().exists():
        print("zjtx down: nothing is running")
        return 0
    state = json.loads(state_file().read_text())
    pid = state.get("pid", 0)
    if not _alive(pid):
        state_file().unlink(missing_ok=True)
        print("zjtx down: nothing is running (stale state removed)")
        return 0
    if state.get("starting"):
        print(f"zjtx down: the set (pid {pid}) is still starting; stopping it")
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + 60
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.2)
    if _alive(pid):
        print(f"zjtx down: {pid} did not stop within 60s", file=sys.stderr)
        return 1
    print("zjtx down: stopped")
    return 0


def main() -> None:
    parser = argparse.ArgumentParser(description="Start (or stop) every ZJTX process locally")
    parser.add_argument("--down", action="store_true", help="stop a running set")
    parser.add_argument("--instance", default=os.environ.get("ZJTX_INSTANCE") or DEFAULT_INSTANCE,
                        help=f"deploy/instances/<name>.yaml (default {DEFAULT_INSTANCE})")
    parser.add_argument("--replicas", type=int, default=1, help="copies of each service (default 1)")
    args = parser.parse_args()
    if args.replicas < 1:
        parser.error(f"--replicas {args.replicas}: accepted 1 or more")
    if args.instance != DEFAULT_INSTANCE and not os.environ.get("ZJTX_VAR_DIR"):
        # another instance on this host keeps its data, logs and run state apart from the province's
        os.environ["ZJTX_VAR_DIR"] = str(REPO_ROOT / "var" / "instances" / Path(args.instance).stem)
    raise SystemExit(down() if args.down else up(args.instance, args.replicas))


if __name__ == "__main__":
    main()
