"""Benchmark: gRPC call rates into a nameko-grpc service, with nameko-grpc's own 10 ms
polling connection loop (``ZJTX_GRPC_WAKEUP=0``) and with ``zjtx.grpc_wakeup`` (default).

    PYTHONPATH=services .venv/bin/python tests/bench/grpc_bench.py [--seconds 3]

For each mode a fresh registration service (its own database server and vhost) answers
``grpc.health.v1.Health/Check``, the cheapest call it serves, so the figures are the
transport's cost:

- plain grpcio client -> nameko-grpc server, one call at a time, and from 4 threads;
- nameko-grpc client (an eventlet process, as a service calls another) -> nameko-grpc server;
- the server's CPU while idle, with no client and with 32 open client connections
  (percent of one core).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import ROOT, usage  # noqa: E402

from harness.clients import channel as signed_channel  # noqa: E402


def plain_rate(target: str, seconds: float, threads: int) -> tuple[float, float]:
    """(calls per second, mean milliseconds per call) with ``threads`` sequential callers."""
    from grpc_health.v1 import health_pb2, health_pb2_grpc

    channel = signed_channel(target)
    stub = health_pb2_grpc.HealthStub(channel)
    stub.Check(health_pb2.HealthCheckRequest(), timeout=10)
    counts = [0] * threads
    stop = time.monotonic() + seconds

    def caller(index: int) -> None:
        while time.monotonic() < stop:
            stub.Check(health_pb2.HealthCheckRequest(), timeout=10)
            counts[index] += 1

    started = time.monotonic()
    workers = [threading.Thread(target=caller, args=(i,)) for i in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    elapsed = time.monotonic() - started
    channel.close()
    total = sum(counts)
    return total / elapsed, elapsed * threads / max(1, total) * 1000


def nameko_client_child(target: str, seconds: float) -> None:
    """Runs in its own eventlet process: nameko-grpc's client, as services use it."""
    import eventlet

    eventlet.monkey_patch()
    from grpc_health.v1 import health_pb2, health_pb2_grpc
    from nameko_grpc.client import Client

    from zjtx import grpc_tls, grpc_wakeup, pki

    grpc_wakeup.install()  # honours ZJTX_GRPC_WAKEUP like a service process does
    grpc_tls.install()  # mutual TLS as services do, with the ops certificate of the rig's PKI (ZJTX_PKI_DIR)
    ssl = grpc_tls.ssl_config(pki.directory_for(target), "ops")
    with Client(f"grpc://{target}", health_pb2_grpc.HealthStub, ssl=ssl) as client:
        client.Check(health_pb2.HealthCheckRequest(), timeout=10)
        count, started = 0, time.monotonic()
        while time.monotonic() - started < seconds:
            client.Check(health_pb2.HealthCheckRequest(), timeout=10)
            count += 1
        elapsed = time.monotonic() - started
    print(json.dumps({"rate": count / elapsed, "ms": elapsed / max(1, count) * 1000}), flush=True)


def nameko_rate(target: str, seconds: float, env: dict[str, str]) -> tuple[float, float]:
    done = subprocess.run([sys.executable, __file__, "--nameko-client", target, "--seconds", str(seconds)],
                          env=env, capture_output=True, text=True, timeout=120, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"nameko-grpc client failed:\n{done.stderr[-2000:]}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    return result["rate"], result["ms"]


def idle_cpu(pid: int, target: str, seconds: float, connections: int) -> float:
    """Percent of one core the server burns while ``connections`` clients sit idle."""
    from grpc_health.v1 import health_pb2, health_pb2_grpc

    channels = [signed_channel(target, options=[("grpc.use_local_subchannel_pool", 1)])
                for _ in range(connections)]
    for channel in channels:
        health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(), timeout=10)
    time.sleep(1.0)
    before = usage(pid).cpu_seconds
    time.sleep(seconds)
    spent = usage(pid).cpu_seconds - before
    for channel in channels:
        channel.close()
    return spent / seconds * 100


def measure(mode: str, seconds: float, scratch: Path) -> dict[str, Any]:
    import os

    from reliability.rig import start_rig

    wakeup = "1" if mode == "wakeup" else "0"
    rig = start_rig(scratch / mode, [], services=("registration",), env={"ZJTX_GRPC_WAKEUP": wakeup})
    try:
        target = rig.targets["registration"]
        pid = rig.pids()["registration"]
        env = {**os.environ, "PYTHONPATH": str(ROOT / "services"), "ZJTX_GRPC_WAKEUP": wakeup,
               "ZJTX_PKI_DIR": str(rig.suite.pki_dir)}
        result: dict[str, Any] = {"mode": mode}
        result["plain_1"] = plain_rate(target, seconds, 1)
        result["plain_4"] = plain_rate(target, seconds, 4)
        result["nameko_1"] = nameko_rate(target, seconds, env)
        # the calls above left their deadlines (10 s) as hub timers: let them fire first, so
        # the idle figures are the loops' own cost
        time.sleep(11)
        result["idle_cpu_pct"] = {n: idle_cpu(pid, target, max(seconds, 5.0), n) for n in (0, 32)}
        return result
    finally:
        rig.close()


def run(seconds: float = 3.0) -> list[dict[str, Any]]:
    with tempfile.TemporaryDirectory(prefix="zjtx-grpc-bench-") as scratch:
        return [measure(mode, seconds, Path(scratch)) for mode in ("stock", "wakeup")]


def table(results: list[dict[str, Any]]) -> list[str]:
    lines = [f"{'gRPC into a nameko-grpc service':<44} {'calls/s':>9} {'ms/call':>8}"]
    names = {"plain_1": "plain grpcio client, 1 caller", "plain_4": "plain grpcio client, 4 callers",
             "nameko_1": "nameko-grpc client, 1 caller"}
    for result in results:
        label = "nameko-grpc 1.3.0 loop (10 ms select)" if result["mode"] == "stock" else "zjtx.grpc_wakeup"
        for key, name in names.items():
            rate, ms = result[key]
            lines.append(f"  {label[:20]:<20} {name:<21} {rate:>9,.0f} {ms:>8.1f}")
        for connections, percent in result["idle_cpu_pct"].items():
            lines.append(f"  {label[:20]:<20} {f'idle, {connections} connections':<21} {percent:>8.1f}% of a core")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--nameko-client")
    args = parser.parse_args()
    if args.nameko_client:
        nameko_client_child(args.nameko_client, args.seconds)
        return
    for line in table(run(args.seconds)):
        print(line, flush=True)


if __name__ == "__main__":
    main()
