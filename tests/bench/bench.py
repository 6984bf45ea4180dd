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
import db_ops  # noqa: E402
import front_bench  # noqa: E402
import gateway_bench  # noqa: E402
import grpc_bench  # noqa: E402
import reporting_bench  # noqa: E402
import surge_bench  # noqa: E402
from common import ROOT, machine, percentile  # noqa: E402


def progress(text: str) -> None:
    print(f"[{datetime.now().strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)


def row(section: str, measure: str, cells: list[str], width: int = 26) -> str:
    return f"{section:<10} {measure:<40} " + " ".join(f"{c:>{width}}" for c in cells)


def _med(values: list[float], fmt: str = "{:,.1f}") -> str:
    spread_ = surge_bench.spread_of(values)
    return f"{fmt.format(spread_['median'])} ({fmt.format(spread_['min'])}-{fmt.format(spread_['max'])})"


def surge_rows(results: list[surge_bench.SizeResult], paced: surge_bench.SizeResult | None) -> list[str]:
    """The surge at N: median (min-max) of the runs; the run at half the top rate beside it."""
    n = results[0].n
    subs = [r.submissions for r in results]
    head = [f"{len(results)} runs at N={n:,}: median (min-max)"]
    if paced is not None:
        head.append(f"N={paced.n:,} at {paced.submissions.name.split(' at ')[1]}")
    rows = [row("", "surge", head, width=34)]

    def add(section: str, what: str, cells: list[str]) -> None:
        rows.append(row(section, what, cells, width=34))

    def p(values: list[float], q: float) -> float:
        return percentile(values, q) * 1000 if values else float("nan")

    add("seed", "drafts: a few via the API, the rest cloned, s", [_med([r.prepare_seconds for r in results], "{:,.0f}")])
    add("ceiling", "raw chain completed /s (retryWrites "
        f"{'on' if results[0].raw.get('retry_writes') else 'off'})",
        [_med([r.raw["completed_per_s"] for r in results])])
    add("ceiling", "raw start->inbox ms p99", [_med([p(r.raw["to_inbox"], 0.99) for r in results], "{:,.0f}")])
    add("surge", "submissions accepted /s", [_med([s.accepted_per_s for s in subs])]
        + ([f"{paced.submissions.accepted_per_s:,.1f}"] if paced else []))
    add("surge", "completed /s (every effect, both hops)", [_med([s.completed_per_s for s in subs])]
        + ([f"{paced.submissions.completed_per_s:,.1f}"] if paced else []))
    add("surge", "ratio_completed (suite / ceiling)",
        [_med([s.completed_per_s / r.raw["completed_per_s"] for s, r in zip(subs, results, strict=True)], "{:.1%}")])
    for key, what in (("task opened", "submit->task open ms p50 / p99"),
                      ("acknowledged in inbox", "submit->inbox ack ms p50 / p99"),
                      ("every effect of both hops", "submit->every effect ms p50 / p99")):
        cells = [_med([p(s.latencies[key], 0.5) for s in subs], "{:,.0f}") + " / "
                 + _med([p(s.latencies[key], 0.99) for s in subs], "{:,.0f}")]
        if paced:
            values = paced.submissions.latencies[key]
            cells.append(f"{p(values, 0.5):,.0f} / {p(values, 0.99):,.0f}")
        add("surge", what, cells)
    add("cpu", "services ms per application", [_med([s.cpu_ms_per_item for s in subs], "{:,.0f}")])
    for name in (*surge_bench.SERVICES, "database", "broker", "harness"):
        add("cpu", f"  {name}", [_med([s.cpu_seconds.get(name, 0.0) / max(1, s.count) * 1000 for s in subs],
                                      "{:,.0f}")])
    add("cpu", "whole chain ms per application", [_med([s.chain_cpu_ms_per_item for s in subs], "{:,.0f}")])
    add("cpu", "  the ceiling's whole chain", [_med([surge_bench.ceiling_cpu_ms(r.raw) for r in results
                                                      if r.raw.get("cpu_seconds")], "{:,.1f}")])
    for name in (*surge_bench.SERVICES, "database"):
        add("memory", f"peak RSS MiB, {name}", [_med([r.peak_mib.get(name, 0.0) for r in results], "{:,.0f}")])
    problems = [f"run {i + 1}: {problem}" for i, r in enumerate(results)
                for problem in [*r.submissions.errors[:3], *r.submissions.tallies]]
    if paced:
        problems += [f"half rate: {problem}" for problem in [*paced.submissions.errors[:3], *paced.submissions.tallies]]
    rows.extend(row("!!", problem, []) for problem in problems)
    return rows


def dbops_rows(figures: dict[str, Any]) -> list[str]:
    rows = [row("", f"database work per application (db_ops.py, n={figures['n']})", ["operations", "commits"])]
    for phase, what in (("submit", "submit, both hops, e-mail and SMS sent"), ("pass", "pass at level 1, its consumers")):
        found = figures.get(phase) or {}
        rows.append(row("dbops", what + ", net of idle polling", [f"{found.get('operations', float('nan')):.1f}",
                                                                   f"{found.get('commits', float('nan')):.1f}"]))
        rows.append(row("dbops", "  in all, idle polling included", [f"{found.get('operations_in_all', 0):.1f}", ""]))
        for service, count in sorted((found.get("by_service") or {}).items()):
            rows.append(row("dbops", f"    {service}", [f"{count:.1f}", ""]))
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
    for phase, what in (("archive", "seed: events into the archive (bulk)"),
                        ("seed", "seed: read model and rows written directly (no archive)"),
                        ("project", "rebuild read models (and table rows) from the archive"),
                        ("workbook", "programme-wide 推荐汇总表 from the kept rows (.xlsx)"),
                        ("documents", "the same from the documents, openpyxl (before)")):
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
    parser.add_argument("--n", type=int, default=400, help="the surge's size (--runs fresh suites, then N/2 at half rate)")
    parser.add_argument("--runs", type=int, default=3, help="surge runs at N (median, min and max are printed)")
    parser.add_argument("--sizes", default="1000,10000,100000", help="reporting sizes, comma-separated")
    parser.add_argument("--clients", type=int, default=4, help="concurrent submitting clients (and raw producers)")
    parser.add_argument("--prepare-clients", type=int, default=8)
    parser.add_argument("--skip", default="", help="comma list of sections to skip: "
                        "transport,surge,dbops,reporting,gateway,front")
    args = parser.parse_args()
    skip = {s for s in args.skip.split(",") if s}
    started = time.monotonic()
    facts = machine()
    stamp = datetime.now(timezone.utc)
    lines = [f"ZJTX make bench, {stamp:%Y-%m-%d %H:%M} UTC: {facts['cpus']} CPUs ({facts['model']}), {facts['memory']}, "
             f"Python {facts['python']}, RabbitMQ {facts['rabbitmq']}, SecantusDB {facts['secantusdb']}, "
             f"nameko {facts['nameko']}, nameko-grpc {facts['nameko-grpc']}, kombu {facts['kombu']}, "
             f"pymongo {facts['pymongo']}; load average at start {facts['load']}",
             f"command: make bench N={args.n} RUNS={args.runs} SIZES={args.sizes} CLIENTS={args.clients}"
             + (f" SKIP={args.skip}" if args.skip else "")]
    timings: dict[str, float] = {}
    summary: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="zjtx-bench-") as scratch:
        if "transport" not in skip:
            progress("transport: gRPC into a nameko-grpc service, stock loop then zjtx.grpc_wakeup")
            t = time.monotonic()
            lines += ["", *transport_rows(grpc_bench.run(3.0))]
            timings["transport"] = time.monotonic() - t
        if "surge" not in skip:
            t = time.monotonic()
            results, paced = surge_bench.series(Path(scratch), args.n, args.clients, args.prepare_clients, args.runs,
                                                paced=True, log=progress)
            lines += ["", *surge_rows(results, paced)]
            summary.update(surge_bench.figures(results, paced))
            timings["surge"] = time.monotonic() - t
        if "dbops" not in skip:
            progress("database operations per application (OTLP spans of a small surge)")
            t = time.monotonic()
            _, counts = db_ops.measure(20, log=progress)
            lines += ["", *dbops_rows(counts)]
            summary["db_ops_per_application"] = counts["submit"]["operations"]
            summary["commits_per_application"] = counts["submit"]["commits"]
            summary["db_ops"] = counts
            timings["dbops"] = time.monotonic() - t
        if "reporting" not in skip:
            progress(f"reporting at {args.sizes}")
            t = time.monotonic()
            report = reporting_bench.measure([int(s) for s in args.sizes.split(",") if s],
                                             log=lambda text: progress(f"reporting {text.strip()}"))
            lines += ["", *reporting_rows(report)]
            summary["summary_table_seconds"] = {str(r["size"]): round(r["seconds"], 2) for r in report
                                                if r["phase"] == "workbook"}
            summary["rebuild_seconds"] = {str(r["size"]): round(r["seconds"], 2) for r in report
                                          if r["phase"] == "project"}
            summary["summary_table_peak_mib"] = {str(r["size"]): round(r["peak_mib"]) for r in report
                                                 if r["phase"] == "workbook"}
            summary["rebuild_peak_mib"] = {str(r["size"]): round(r["peak_mib"]) for r in report
                                           if r["phase"] == "project"}
            summary["summary_table_documents_seconds"] = {str(r["size"]): round(r["seconds"], 2) for r in report
                                                          if r["phase"] == "documents"}
            summary["reporting_seeding"] = reporting_bench.SEEDING
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
    summary_path = out / "summary.json"
    try:
        previous = json.loads(summary_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        previous = {}
    if front:
        summary["front"] = {**front, "measured_at": stamp.isoformat()}
    if gateway:
        summary["gateway"] = {"runs": gateway, "measured_at": stamp.isoformat()}
    # a section skipped this time keeps its last figures; every key says when it was measured
    summary = {**previous, **summary, "measured_at": stamp.isoformat(), "command": lines[1],
               "load_average": {"start": facts["load"], "end": machine()["load"]},
               "wall_minutes": round(total / 60, 1)}
    summary_path.write_text(json.dumps(summary, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print("\n".join(lines), flush=True)
    progress(f"table written to {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
