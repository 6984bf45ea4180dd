"""The gateway under HTTP load, beside a bare WSGI handler on the same server in the same run.

A fresh suite (tests/reliability/rig.py) with the gateway at its production settings
(argon2id 64 MiB, t=3, p=4; 8 threads), prepared with an enterprise that has submitted an
application and a city reviewer with that task. Then, for each target at 8 and 64
keep-alive connections from a Python load generator on loopback (one thread per
connection, each run bounded by ``seconds`` and ``max_requests``):

- ceiling: a bare WSGI handler (a constant small JSON answer) on the same server as the
  gateway (waitress with the gateway's edge, gateway/edge.py, 8 threads), its own process;
- sign-in (POST /api/v1/sessions/enterprise), the programme list, the 公示 list, an
  enterprise's application list, a city reviewer's task list.

Per run: requests/s, p50/p99 latency, non-2xx answers, and the server process's CPU per
request (utime + stime from /proc, before and after). The load generator shares the two
cores with everything it measures; its own CPU is reported too.

    PYTHONPATH=services .venv/bin/python tests/bench/gateway_bench.py [--seconds 4]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import ROOT, percentile, usage  # noqa: E402

sys.path.insert(0, str(ROOT / "tests" / "integration" / "gateway"))
sys.path.insert(0, str(ROOT / "tests" / "reliability"))

CONNECTIONS = (8, 64)
BARE_APP = """
import json, logging, signal, sys
from gateway import edge
logging.getLogger("waitress.queue").setLevel(logging.ERROR)  # as the gateway: no "task queue depth" chatter
BODY = json.dumps({"status": "ok", "items": []}).encode()
def app(environ, start_response):
    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(BODY)))])
    return [BODY]
server = edge.create(app, host="127.0.0.1", port=int(sys.argv[1]), threads=8, limit_of=lambda m, p: 65536,
                     limits=edge.EdgeLimits(), ident="bare")
signal.signal(signal.SIGTERM, lambda *a: server.stop())
print("ready", flush=True)
try:
    server.run()
finally:
    server.close()
"""


@dataclass
class Target:
    name: str
    method: str
    path: str
    headers: dict[str, str]
    body: bytes = b""


@dataclass
class Run:
    target: str
    connections: int
    requests: int
    seconds: float
    latencies: list[float]
    failures: int
    server_cpu_seconds: float
    client_cpu_seconds: float

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def cpu_ms_per_request(self) -> float:
        return self.server_cpu_seconds / max(1, self.requests) * 1000

    def summary(self) -> dict[str, Any]:
        return {"target": self.target, "connections": self.connections, "requests": self.requests,
                "requests_per_s": round(self.rate, 1), "p50_ms": round(percentile(self.latencies, 0.5) * 1000, 1),
                "p99_ms": round(percentile(self.latencies, 0.99) * 1000, 1), "non_2xx": self.failures,
                "server_cpu_ms_per_request": round(self.cpu_ms_per_request, 2)}

    def cells(self) -> list[str]:
        return [f"{self.rate:,.1f}" if self.rate < 100 else f"{self.rate:,.0f}", f"{percentile(self.latencies, 0.5) * 1000:,.1f}",
                f"{percentile(self.latencies, 0.99) * 1000:,.1f}", f"{self.cpu_ms_per_request:,.2f}",
                f"{self.failures}", f"{self.client_cpu_seconds / max(1, self.requests) * 1000:,.2f}"]


def drive(host: str, port: int, target: Target, connections: int, seconds: float, max_requests: int,
          server_pid: int) -> Run:
    """``connections`` keep-alive connections, each sending ``target`` back to back until the time or count is up."""
    latencies: list[list[float]] = [[] for _ in range(connections)]
    failures = [0] * connections
    lock = threading.Lock()
    sent = [0]
    start_gate = threading.Event()
    deadline = [0.0]

    def worker(index: int) -> None:
        connection = http.client.HTTPConnection(host, port, timeout=60)
        start_gate.wait()
        mine = latencies[index]
        while time.monotonic() < deadline[0]:
            with lock:
                if sent[0] >= max_requests:
                    break
                sent[0] += 1
            began = time.perf_counter()
            try:
                connection.request(target.method, target.path, body=target.body or None, headers=target.headers)
                response = connection.getresponse()
                response.read()
                ok = 200 <= response.status < 300
                if response.getheader("Connection", "").lower() == "close":
                    connection.close()
                    connection = http.client.HTTPConnection(host, port, timeout=60)
            except (OSError, http.client.HTTPException):
                ok = False
                connection.close()
                connection = http.client.HTTPConnection(host, port, timeout=60)
            mine.append(time.perf_counter() - began)
            if not ok:
                failures[index] += 1
        connection.close()

    threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(connections)]
    for thread in threads:
        thread.start()
    server_before, client_before = usage(server_pid).cpu_seconds, usage(os.getpid()).cpu_seconds
    began = time.monotonic()
    deadline[0] = began + seconds
    start_gate.set()
    for thread in threads:
        thread.join(timeout=seconds + 120)
    elapsed = time.monotonic() - began
    server_cpu = usage(server_pid).cpu_seconds - server_before
    client_cpu = usage(os.getpid()).cpu_seconds - client_before
    flat = [value for values in latencies for value in values]
    return Run(target.name, connections, len(flat), elapsed, flat, sum(failures), server_cpu, client_cpu)


def start_bare(scratch: Path) -> tuple[subprocess.Popen[str], int]:
    from zjtx import embedded_mongo

    port = embedded_mongo.free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT / "services")}
    process = subprocess.Popen([sys.executable, "-c", BARE_APP, str(port)], env=env, stdout=subprocess.PIPE, text=True,
                               cwd=scratch)
    assert process.stdout is not None
    if process.stdout.readline().strip() != "ready":
        process.kill()
        raise RuntimeError("the bare WSGI server did not start")
    return process, port


def prepare(base: str) -> dict[str, Target]:
    """An enterprise with a submitted application, a city reviewer with its task; the targets."""
    from gwclient import ADMIN_PASSWORD, PASSWORD, Api

    api = Api(base)
    enterprise, token = api.register_enterprise(region="430405", city="430400")
    api.apply(token)
    admin = api.sign_in_staff("hn-admin", ADMIN_PASSWORD)
    _, reviewer = api.create_staff(admin, "unit-430400", "reviewer")
    tasks = api.get("/api/v1/tasks", token=reviewer)
    applications = api.get("/api/v1/applications", token=token)
    public = api.get("/api/v1/programmes/hunan-2020-little-giant/publicity/list", token="")
    for answer, what in ((tasks, "tasks"), (applications, "applications"), (public, "公示 list")):
        if answer.status != 200:
            raise RuntimeError(f"{what}: {answer.status} {answer.body}")
    sign_in = json.dumps({"uscc": enterprise["uscc"], "password": PASSWORD}).encode()
    json_type = {"Content-Type": "application/json"}
    return {
        "sign-in (argon2id 64 MiB)": Target("sign-in", "POST", "/api/v1/sessions/enterprise", json_type, sign_in),
        "programme list": Target("programmes", "GET", "/api/v1/programmes", {}),
        "公示 list": Target("publicity", "GET", "/api/v1/programmes/hunan-2020-little-giant/publicity/list", {}),
        "enterprise's applications": Target("applications", "GET", "/api/v1/applications",
                                             {"Authorization": f"Bearer {token}"}),
        "city reviewer's tasks": Target("tasks", "GET", "/api/v1/tasks", {"Authorization": f"Bearer {reviewer}"}),
    }


def measure(seconds: float = 4.0, max_requests: int = 20000, log: Callable[[str], None] = print) -> list[Run]:
    from gwclient import ADMIN_PASSWORD
    from rig import start_rig

    from zjtx import embedded_mongo
    from zjtx.up import GATEWAY, SERVICE_ORDER

    runs: list[Run] = []
    with tempfile.TemporaryDirectory(prefix="zjtx-gateway-bench-") as scratch:
        bare, bare_port = start_bare(Path(scratch))
        try:
            for connections in CONNECTIONS:
                runs.append(drive("127.0.0.1", bare_port, Target("bare", "GET", "/", {}), connections, seconds,
                                  max_requests, bare.pid))
                runs[-1].target = "ceiling: bare WSGI handler"
                log(f"  bare WSGI at {connections}: {runs[-1].rate:,.0f}/s")
        finally:
            bare.terminate()
            bare.wait(timeout=30)
        env = {"GATEWAY_HTTP_PORT": str(embedded_mongo.free_port()),
               "ZJTX_BOOTSTRAP_ADMIN_USERNAME": "hn-admin", "ZJTX_BOOTSTRAP_ADMIN_PASSWORD": ADMIN_PASSWORD,
               "ZJTX_BOOTSTRAP_ADMIN_UNIT": "unit-430000", "LOG_LEVEL": "WARNING"}
        try:
            rig = start_rig(Path(scratch) / "suite", [], services=(*SERVICE_ORDER, GATEWAY), env=env)
        except RuntimeError as exc:  # a busy machine: the broker or database slow to answer once
            log(f"  suite did not start ({str(exc).splitlines()[0]}); once more")
            time.sleep(5)
            rig = start_rig(Path(scratch) / "suite-2", [], services=(*SERVICE_ORDER, GATEWAY), env=env)
        try:
            base = rig.suite.endpoints[GATEWAY]
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:  # the bootstrap admin is created in the background
                try:
                    targets = prepare(base)
                    break
                except AssertionError:
                    time.sleep(1)
            else:
                targets = prepare(base)
            port = int(base.rsplit(":", 1)[1])
            pid = rig.suite.processes[GATEWAY].pid
            for label, target in targets.items():
                for connections in CONNECTIONS:
                    run = drive("127.0.0.1", port, target, connections, seconds, max_requests, pid)
                    run.target = label
                    runs.append(run)
                    log(f"  {label} at {connections}: {run.rate:,.1f}/s, p99 {percentile(run.latencies, 0.99) * 1000:,.0f} ms")
        finally:
            rig.close()
    return runs


HEADER = ["requests/s", "p50 ms", "p99 ms", "server CPU ms/req", "non-2xx", "generator CPU ms/req"]


def table(runs: list[Run]) -> list[str]:
    lines = [f"{'gateway':<10} {'target':<34} {'conn':>5} " + " ".join(f"{h:>20}" for h in HEADER)]
    for run in runs:
        lines.append(f"{'gateway':<10} {run.target:<34} {run.connections:>5} "
                     + " ".join(f"{c:>20}" for c in run.cells()))
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=4.0, help="each run's duration")
    parser.add_argument("--max-requests", type=int, default=20000, help="each run's largest request count")
    args = parser.parse_args()
    runs = measure(args.seconds, args.max_requests, log=lambda text: print(text, file=sys.stderr, flush=True))
    print("\n".join(table(runs)))


if __name__ == "__main__":
    main()
