"""Benchmark (run by hand or by ``make bench``; not collected by pytest): reporting's
rebuild and the programme-wide 推荐汇总表 at 1,000, 10,000 and 100,000 applications.

    PYTHONPATH=services .venv/bin/python tests/bench/reporting_bench.py [--sizes 1000,10000,100000]

For each size, on the embedded MongoDB-protocol server (SecantusDB, started here):

1. seeding, up to ``--rebuild-max`` (10,000): ``archive`` writes the synthetic events of N
   recommended applications (submitted, task opened, passed, recommended: 4 per
   application) to ``event_archive`` as the service archives them (bulk inserts; the harness's
   events are not validated against their proto messages again), and the
   programme's table plan (as after a first request); ``project`` rebuilds the read models
   and the table's rows from the archive (``storage.rebuild``, the code behind the gRPC
   Rebuild and ``python -m reporting.rebuild``), timed.
   Above it: ``seed`` folds each application's events in this process (not validated again)
   and bulk-writes the read-model documents and the table's rows as a rebuild would
   (``insert_many``, each row bucket written once). It skips the event archive (so no rebuild is measured at that
   size), the broker, the handlers' per-event transactions and the documents' secondary
   indexes (the served table reads only its rows; they would cost ~0.1 ms each per document
   on this server): the table's state as the projector would have left it, written fast.
2. ``workbook``: the programme-wide 推荐汇总表 through the service's own use case
   (``workflow.summary_table``: the stored rows read in table order, the package written,
   stored in GridFS with its report record and ``report.ready`` in the outbox), timed.
3. ``documents`` (up to ``--rebuild-max``): the former way, for comparison: the full
   read-model documents through a cursor into openpyxl's write-only mode.

Each phase runs in its own process so that its peak resident memory (ru_maxrss) is its
own; ``baseline`` is the same process doing nothing but its imports. For scale, the raw
pymongo insert rate of the read-model documents is measured on the same server in the
same run (STACK.md: report the suite's rate as a ratio to raw pymongo).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "services"))
sys.path.insert(0, str(ROOT / "tests"))  # harness.reporting_events: the synthetic events

PROGRAMME = "hunan-2020-little-giant"
SEEDING = ("up to 10,000 (--rebuild-max): events bulk-inserted into the archive, then a timed rebuild; above: "
           "read-model documents and table rows bulk-written directly, skipping the archive (no rebuild measured "
           "there), the broker, the handlers' per-event transactions and the documents' secondary indexes "
           "(the served table reads only its rows); the harness's synthetic events are not validated against "
           "their proto messages when seeded (they are valid by construction)")
PROGRAMME_FILE = ROOT / "deploy" / "programmes" / f"{PROGRAMME}.yaml"


def client(uri: str) -> Any:
    """A client as the service's writes use one: without retryable writes (the handlers' and the
    rebuild's writes are idempotent; on SecantusDB each retryable write scans the server's retry
    records), the same for every phase and for the raw rate it is compared with."""
    from pymongo import MongoClient

    return MongoClient(uri, tz_aware=True, retryWrites=False)


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def phase_baseline(uri: str, database: str, size: int) -> dict[str, Any]:
    import pymongo  # noqa: F401 - an interpreter with the driver: what every phase has at least
    return {}


def phase_archive(uri: str, database: str, size: int) -> dict[str, Any]:
    from harness.reporting_events import programme_events
    from reporting import storage
    from reporting.rules.events import normalise
    from zjtx.mongo import ensure_indexes

    db = client(uri)[database]
    ensure_indexes(db, storage.INDEXES)
    store_plan(db)
    batch: list[dict[str, Any]] = []
    events = 0
    for envelope in programme_events(size, PROGRAMME):  # the harness's events: valid, not checked again
        batch.append(storage.archive_document(envelope, normalise(envelope, trusted=True)))
        if len(batch) == 2000:
            db.event_archive.insert_many(batch, ordered=False)
            events += len(batch)
            batch = []
    if batch:
        db.event_archive.insert_many(batch, ordered=False)
        events += len(batch)
    return {"events": events}


def phase_project(uri: str, database: str, size: int) -> dict[str, Any]:
    from reporting import storage

    db = client(uri)[database]
    last: dict[str, Any] = {}
    started = time.perf_counter()  # the rebuild, not the check after it
    for progress in storage.rebuild(db, db, catch_up=False):
        last = progress
    seconds = time.perf_counter() - started
    return {"events": last["done"], "documents": sum(last["counts"].values()), "seconds": seconds,
            "applications": db.applications.count_documents({"in_table": True})}


def programme_model() -> Any:
    from harness.reporting_events import programme_from_yaml
    from kernel.programme import programme_from_message

    return programme_from_message(programme_from_yaml(PROGRAMME_FILE))


def store_plan(db: Any) -> dict[str, Any]:
    """The programme's table plan, as the first request for its table stores it."""
    from reporting.rules import table

    plan = table.plan_of(programme_model())
    assert plan is not None
    db.summary_plans.replace_one({"_id": plan["_id"]}, {**plan, "ready": True}, upsert=True)
    return plan


def phase_seed(uri: str, database: str, size: int) -> dict[str, Any]:
    """The read model and the table's rows written directly (no archive, no broker, no handler,
    no secondary index on the documents: the served table reads only its rows), each batch
    written by a worker while the next is folded."""
    from concurrent.futures import ThreadPoolExecutor
    from itertools import groupby

    from harness.reporting_events import programme_events
    from reporting import storage, table_store
    from reporting.documents import stored
    from reporting.rules.events import normalise
    from reporting.rules.projections import fold
    from zjtx.mongo import ensure_indexes

    db = client(uri)[database]
    ensure_indexes(db, {name: models for name, models in storage.INDEXES.items() if name != "applications"})
    plans = {PROGRAMME: store_plan(db)}

    buckets: dict[str, tuple[dict[str, Any], list[Any]]] = {}

    def write(batch: list[dict[str, Any]]) -> None:
        db.applications.insert_many([stored(d) for d in batch], ordered=False)  # as the service stores them
        for bucket, (fields, rows) in table_store.bucket_rows(batch, plans).items():  # whole buckets, at the end
            buckets.setdefault(bucket, (fields, []))[1].extend(rows)

    batch: list[dict[str, Any]] = []
    documents = 0
    events = (normalise(envelope, trusted=True) for envelope in programme_events(size, PROGRAMME))
    with ThreadPoolExecutor(max_workers=1) as writer:
        pending: list[Any] = []
        for key, changes in groupby(events, key=lambda e: e.key):  # an application's events come together
            batch.append(fold("applications", key, list(changes)))
            if len(batch) == 1000:
                if len(pending) >= 2:
                    pending.pop(0).result()
                pending.append(writer.submit(write, batch))
                documents += len(batch)
                batch = []
        if batch:
            pending.append(writer.submit(write, batch))
            documents += len(batch)
        for future in pending:
            future.result()
    documents_of_rows = [table_store.bucket_document(bucket, fields, rows) for bucket, (fields, rows) in buckets.items()]
    for offset in range(0, len(documents_of_rows), 50):
        db.summary_rows.insert_many(documents_of_rows[offset:offset + 50], ordered=False)
    return {"documents": documents, "row_documents": db.summary_rows.count_documents({})}


def phase_workbook(uri: str, database: str, size: int) -> dict[str, Any]:
    """The service's use case: stored rows to a stored report."""
    from datetime import datetime, timezone

    from reporting import storage, workflow
    from reporting.rules import access
    from reporting.rules.divisions import load_regions
    from zjtx.mongo import StandaloneStore

    mongo = client(uri)
    # the read model's indexes are the seeding's business (the seed above 10,000 leaves them out)
    indexes = {name: models for name, models in storage.INDEXES.items() if name != "applications"}
    handle = StandaloneStore(mongo, database, "reporting", indexes).handle()
    programme = programme_model()
    with tempfile.TemporaryDirectory() as scratch:
        ctx = workflow.Context(db=handle.db, transact=handle.transact, now=lambda: datetime.now(timezone.utc),
                               requester=access.Requester(role="admin", unit=programme.owner_unit_id, subject="bench"),
                               regions=load_regions(""), unit_names=lambda unit_id: unit_id, reports_root=Path(scratch))
        last: dict[str, Any] = {}
        started = time.perf_counter()  # the request, not the imports and index checks before it
        for progress in workflow.summary_table(ctx, programme, "", False):
            last = progress
        seconds = time.perf_counter() - started
    [report] = last["reports"]
    return {"rows": report["rows"], "file_mib": round(report["size"] / 2**20, 2), "seconds": seconds}


def phase_documents(uri: str, database: str, size: int) -> dict[str, Any]:
    """Before issue 16: the full documents through a cursor into openpyxl's write-only mode."""
    from datetime import datetime, timezone

    from harness.reporting_events import programme_from_yaml
    from kernel.programme import programme_from_message as from_message
    from reporting import storage
    from reporting.rules import summary
    from reporting.rules.xlsx import Layout, TableWriter

    db = client(uri)[database]
    programme = from_message(programme_from_yaml(PROGRAMME_FILE))
    spec = summary.table_spec(programme, "", "", datetime.now(timezone.utc))
    docs = storage.summary_documents(db, PROGRAMME, "", False)
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "summary.xlsx"
        writer = TableWriter(path, Layout("推荐汇总表", spec.title, spec.unit_line, spec.date_line, spec.headers,
                                          summary.column_widths(spec), "单位负责人（签字）："))
        for _ in writer.write(cells for _, cells in summary.rows(docs, spec, programme, lambda unit: unit)):
            pass
        return {"rows": writer.rows, "file_mib": round(path.stat().st_size / 2**20, 1)}


def phase_raw(uri: str, database: str, size: int) -> dict[str, Any]:
    """Raw pymongo: insert_many of copies of the projected documents into a scratch collection."""
    db = client(uri)[database]
    sample = list(db.applications.find({}, limit=100))
    count = min(size, 20000)
    started = time.perf_counter()
    for offset in range(0, count, 1000):
        db.raw_copy.insert_many([{**sample[(offset + i) % len(sample)], "_id": f"r{offset + i}"}
                                 for i in range(min(1000, count - offset))], ordered=False)
    elapsed = time.perf_counter() - started
    db.raw_copy.drop()
    return {"documents": count, "rate": count / elapsed}


PHASES = {"baseline": phase_baseline, "archive": phase_archive, "project": phase_project, "seed": phase_seed,
          "workbook": phase_workbook, "documents": phase_documents, "raw": phase_raw}


def child(phase: str, uri: str, database: str, size: int) -> None:
    started = time.perf_counter()
    result = PHASES[phase](uri, database, size)
    result.setdefault("seconds", time.perf_counter() - started)  # a phase may time its own part only
    result.update(peak_mib=peak_mib())
    print(json.dumps(result), flush=True)


def run_phase(phase: str, uri: str, database: str, size: int) -> dict[str, Any]:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "services")}
    done = subprocess.run([sys.executable, __file__, "--child", phase, "--uri", uri, "--database", database,
                           "--size", str(size)], env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"phase {phase} at {size} failed (database server log: {tempfile.gettempdir()}/zjtx-bench-mongo-*.log):"
                         f"\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def measure(sizes: list[int], log: Any = print, rebuild_max: int = 10000) -> list[dict[str, Any]]:
    """Every phase at every size on one fresh embedded server; one dict per (size, phase)."""
    from zjtx import embedded_mongo

    results: list[dict[str, Any]] = []
    log_path = Path(tempfile.gettempdir()) / f"zjtx-bench-mongo-{os.getpid()}.log"  # kept: read it if a phase fails
    with tempfile.TemporaryDirectory(prefix="zjtx-bench-") as scratch:
        server = embedded_mongo.start(Path(scratch) / "data", log_path=log_path)
        try:
            baseline = run_phase("baseline", server.uri, "bench_baseline", 0)
            results.append({"size": 0, "phase": "baseline", **baseline})
            for size in sizes:
                database = f"bench_reporting_{size}"
                phases = ("archive", "project", "workbook", "documents", "raw") if size <= rebuild_max \
                    else ("seed", "workbook", "raw")
                for phase in phases:
                    result = run_phase(phase, server.uri, database, size)
                    units = {"archive": result.get("events"), "project": result.get("events"),
                             "seed": result.get("documents"), "workbook": result.get("rows"),
                             "documents": result.get("rows"), "raw": result.get("documents")}[phase] or 0
                    result["per_second"] = result["rate"] if phase == "raw" else units / result["seconds"]
                    results.append({"size": size, "phase": phase, **result})
                    log(line(results[-1]))
                with __import__("pymongo").MongoClient(server.uri) as client:
                    client.drop_database(database)
        finally:
            server.stop()
    return results


def line(result: dict[str, Any]) -> str:
    detail = {k: v for k, v in result.items() if k not in ("seconds", "peak_mib", "rate", "per_second", "size", "phase")}
    return (f"{result['size']:>12,} {result['phase']:>9} {result['seconds']:>8.1f} {result['per_second']:>11,.0f} "
            f"{result['peak_mib']:>9.0f}  {json.dumps(detail, ensure_ascii=False)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--rebuild-max", type=int, default=10000,
                        help="largest size seeded through the archive and a timed rebuild; above it the read "
                        "model is written directly")
    parser.add_argument("--child")
    parser.add_argument("--uri")
    parser.add_argument("--database")
    parser.add_argument("--size", type=int)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.uri, args.database, args.size)
        return
    print(f"{'applications':>12} {'phase':>9} {'seconds':>8} {'per second':>11} {'peak MiB':>9}  detail", flush=True)
    results = measure([int(s) for s in args.sizes.split(",") if s], log=lambda text: print(text, flush=True),
                      rebuild_max=args.rebuild_max)
    print(f"a bare process (python + pymongo): {results[0]['peak_mib']:.0f} MiB peak RSS")


if __name__ == "__main__":
    main()
