"""``make bench``: every benchmark in one process tree on this machine, one table at the end.

    make bench [N=2000] [SIZES=1000,10000,100000] [CLIENTS=4]
    PYTHONPATH=services .venv/bin/python tests/bench/bench.py --n 2000 --sizes 1000,10000,100000

Against the local RabbitMQ (a throw-away vhost per suite) and the embedded
MongoDB-protocol server (SecantusDB, a fresh server per suite):

- transport: gRPC calls into a nameko-grpc service with nameko-grpc's own polling loop
  and with ``zjtx.grpc_wakeup`` (grpc_bench.py);
- surge at N/4, N/2 and N (surge_bench.py): the raw ceiling of the same path (raw_limit.py)
  and the suite's submissions and decisions: rates, latencies (p50 / p95 / p99 / max),
  CPU per application from the OS's accounting, peak memory of every process;
- reporting (reporting_bench.py): the programme-wide projection and 推荐汇总表 at SIZES;
- gateway (gateway_bench.py): requests/s, p50/p99 and the gateway's CPU per request for
  sign-in, the programme list, the 公示 list, an enterprise's applications and a city
  reviewer's tasks at 8 and 64 connections, beside a bare WSGI handler on the same server;
- front (front_bench.py): the application form page in headless Chromium: JavaScript
  gzipped on first load, time to interactive, per-keystroke latency in the largest section.

Progress goes to stderr while it runs; the table is printed to stdout at the end (and
written to out/bench/bench-<time>.txt; the front's figures also to out/bench/summary.json). No
figure is asserted.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import front_bench  # noqa: E402
import gateway_bench  # noqa: E402
import grpc_bench  # noqa: E402
import reporting_bench  # noqa: E402
import surge_bench  # noqa: E402
from common import ROOT, machine, spread  # noqa: E402


def progress(text: str) -> None:
    print(f"[{datetime.now().strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)


def row(section: str, measure: str, cells: list[str], width: int = 26) -> str:
    return f"{section:<10} {measure:<40} " + " ".join(f"{c:>{width}}" for c in cells)


def surge_rows(results: list[surge_bench.SizeResult]) -> list[str]:
    def cells(get: Any) -> list[str]:
        out = []
        for r in results:
            try:
                out.append(get(r))
            except (KeyError, ZeroDivisionError, ValueError):
                out.append("-")
        return out

    rows = [row("", "applications (N/4, N/2, N)", [f"{r.n:,}" for r in results])]
    rows.append(row("prepare", "complete drafts, seconds (not counted)", cells(lambda r: f"{r.prepare_seconds:,.0f}")))
    rows.append(row("ceiling", "raw chain completed /s", cells(lambda r: f"{r.raw['completed_per_s']:,.1f}")))
    rows.append(row("ceiling", "raw start->review ms p50/95/99/max", cells(lambda r: spread(r.raw["to_review"]))))
    rows.append(row("ceiling", "raw start->inbox ms p50/95/99/max", cells(lambda r: spread(r.raw["to_inbox"]))))
    rows.append(row("surge", "submissions accepted /s", cells(lambda r: f"{r.submissions.accepted_per_s:,.1f}")))
    rows.append(row("surge", "completed /s (every effect in)", cells(lambda r: f"{r.submissions.completed_per_s:,.1f}")))
    rows.append(row("surge", "suite / ceiling (completed /s)",
                    cells(lambda r: f"{r.submissions.completed_per_s / r.raw['completed_per_s']:.1%}")))
    rows.append(row("surge", "submit->task open ms p50/95/99/max",
                    cells(lambda r: spread(r.submissions.latencies["task opened"]))))
    rows.append(row("surge", "submit->inbox ack ms p50/95/99/max",
                    cells(lambda r: spread(r.submissions.latencies["acknowledged in inbox"]))))
    rows.append(row("decide", "decisions accepted /s", cells(lambda r: f"{r.decisions.accepted_per_s:,.1f}")))
    rows.append(row("decide", "completed /s (every effect in)", cells(lambda r: f"{r.decisions.completed_per_s:,.1f}")))
    rows.append(row("decide", "decide->registration ms p50/95/99/max",
                    cells(lambda r: spread(r.decisions.latencies["seen by registration"]))))
    rows.append(row("decide", "decide->inbox notice ms p50/95/99/max",
                    cells(lambda r: spread(r.decisions.latencies["notice in inbox"]))))
    for phase in ("submissions", "decisions"):
        rows.append(row("cpu", f"{phase}: ms per application, services",
                        cells(lambda r, p=phase: f"{getattr(r, p).cpu_ms_per_item:,.0f}")))
        for service in (*surge_bench.SERVICES, "database"):
            rows.append(row("cpu", f"  {service}",
                            cells(lambda r, p=phase, s=service:
                                  f"{getattr(r, p).cpu_seconds[s] / max(1, getattr(r, p).count) * 1000:,.0f}")))
    for name in (*surge_bench.SERVICES, "database"):
        rows.append(row("memory", f"peak RSS MiB, {name}", cells(lambda r, n=name: f"{r.peak_mib[n]:,.0f}")))
    problems = [f"N={r.n}: {p}" for r in results for p in
                [*r.submissions.errors[:3], *r.submissions.tallies, *r.decisions.errors[:3], *r.decisions.tallies]]
    rows.extend(row("!!", problem, []) for problem in problems)
    return rows


def transport_rows(results: list[dict[str, Any]]) -> list[str]:
    stock = next(r for r in results if r["mode"] == "stock")
    fixed = next(r for r in results if r["mode"] == "wakeup")
    rows = [row("", "gRPC into a nameko-grpc service", ["nameko-grpc loop", "zjtx.grpc_wakeup"])]
    for key, name in (("plain_1", "plain client, 1 caller: calls/s"), ("plain_4", "plain client, 4 callers: calls/s"),
                      ("nameko_1", "nameko-grpc client, 1 caller: calls/s")):
        rows.append(row("transport", name, [f"{stock[key][0]:,.0f} ({stock[key][1]:.1f} ms)",
                                             f"{fixed[key][0]:,.0f} ({fixed[key][1]:.1f} ms)"]))
    for connections in stock["idle_cpu_pct"]:
        rows.append(row("transport", f"idle CPU, {connections} open connections",
                        [f"{stock['idle_cpu_pct'][connections]:.1f}% of a core",
                         f"{fixed['idle_cpu_pct'][connections]:.1f}% of a core"]))
    return rows


def reporting_rows(results: list[dict[str, Any]]) -> list[str]:
    sizes = sorted({r["size"] for r in results if r["size"]})
    rows = [row("", "reporting: applications", [f"{s:,}" for s in sizes])]
    for phase, what in (("project", "rebuild read models from the archive"),
                        ("workbook", "programme-wide 推荐汇总表 (.xlsx)")):
        cells = []
        for size in sizes:
            found = next((r for r in results if r["size"] == size and r["phase"] == phase), None)
            cells.append(f"{found['seconds']:,.1f} s, {found['peak_mib']:,.0f} MiB" if found else "-")
        rows.append(row("reporting", what, cells))
    raw = [next((r for r in results if r["size"] == s and r["phase"] == "raw"), None) for s in sizes]
    rows.append(row("reporting", "raw pymongo insert_many docs/s", [f"{r['rate']:,.0f}" if r else "-" for r in raw]))
    baseline = next((r for r in results if r["phase"] == "baseline"), None)
    if baseline:
        rows.append(row("reporting", "a bare python + pymongo process, MiB", [f"{baseline['peak_mib']:,.0f}"]))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2000, help="the surge's largest size (also run at N/4 and N/2)")
    parser.add_argument("--sizes", default="1000,10000,100000", help="reporting sizes, comma-separated")
    parser.add_argument("--clients", type=int, default=4, help="concurrent submitting clients (and raw producers)")
    parser.add_argument("--prepare-clients", type=int, default=8)
    parser.add_argument("--skip", default="", help="comma list of sections to skip: transport,surge,reporting,gateway,front")
    args = parser.parse_args()
    skip = {s for s in args.skip.split(",") if s}
    started = time.monotonic()
    facts = machine()
    stamp = datetime.now(timezone.utc)
    lines = [f"ZJTX make bench, {stamp:%Y-%m-%d %H:%M} UTC: {facts['cpus']} CPUs ({facts['model']}), {facts['memory']}, "
             f"Python {facts['python']}, RabbitMQ {facts['rabbitmq']}, SecantusDB {facts['secantusdb']}, "
             f"nameko {facts['nameko']}, nameko-grpc {facts['nameko-grpc']}, kombu {facts['kombu']}, "
             f"pymongo {facts['pymongo']}; load average at start {facts['load']}",
             f"command: make bench N={args.n} SIZES={args.sizes} CLIENTS={args.clients}"]
    timings: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="zjtx-bench-") as scratch:
        if "transport" not in skip:
            progress("transport: gRPC into a nameko-grpc service, stock loop then zjtx.grpc_wakeup")
            t = time.monotonic()
            lines += ["", *transport_rows(grpc_bench.run(3.0))]
            timings["transport"] = time.monotonic() - t
        if "surge" not in skip:
            sizes = [max(1, args.n // 4), max(1, args.n // 2), args.n]
            results = []
            t = time.monotonic()
            for index, n in enumerate(sizes):
                progress(f"surge at N={n}: fresh suite, preparing {n + 1} drafts")
                results.append(surge_bench.run_size(Path(scratch), n, args.clients, args.prepare_clients,
                                                    "ABC"[index], log=progress))
            lines += ["", *surge_rows(results)]
            timings["surge"] = time.monotonic() - t
        if "reporting" not in skip:
            progress(f"reporting at {args.sizes}")
            t = time.monotonic()
            report = reporting_bench.measure([int(s) for s in args.sizes.split(",") if s],
                                             log=lambda text: progress(f"reporting {text.strip()}"))
            lines += ["", *reporting_rows(report)]
            timings["reporting"] = time.monotonic() - t
        gateway: list[dict[str, Any]] = []
        if "gateway" not in skip:
            progress("gateway: HTTP load at 8 and 64 connections beside a bare WSGI handler")
            t = time.monotonic()
            runs = gateway_bench.measure(log=progress)
            lines += ["", *gateway_bench.table(runs)]
            gateway = [run.summary() for run in runs]
            timings["gateway"] = time.monotonic() - t
        front: dict[str, Any] = {}
        if "front" not in skip:
            progress("front: the application form page in headless Chromium")
            t = time.monotonic()
            try:
                front = front_bench.measure(log=progress)
            except Exception as exc:  # a benchmark that cannot run says why and leaves the others' figures
                front = {"error": f"{type(exc).__name__}: {exc}"[:300]}
            lines += ["", *front_bench.rows(front, row)]
            timings["front"] = time.monotonic() - t
    total = time.monotonic() - started
    lines += ["", "wall time: " + ", ".join(f"{k} {v / 60:.1f} min" for k, v in timings.items())
              + f"; total {total / 60:.1f} min; load average at the end {machine()['load']}"]
    out = ROOT / "out" / "bench"
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"bench-{stamp:%Y%m%dT%H%M%SZ}.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    if front or gateway:
        summary_path = out / "summary.json"
        try:
            summary = json.loads(summary_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            summary = {}
        if front:
            summary["front"] = {**front, "measured_at": stamp.isoformat()}
        if gateway:
            summary["gateway"] = {"runs": gateway, "measured_at": stamp.isoformat()}
        summary_path.write_text(json.dumps(summary, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print("\n".join(lines), flush=True)
    progress(f"table written to {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
