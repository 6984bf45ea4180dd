"""The deadline surge, measured: N enterprises submit complete Hunan 2020 applications
through registration's gRPC API on the last evening of the window, then the city
reviewers pass every task; and, in the same run, the raw ceiling of the same path.

    PYTHONPATH=services .venv/bin/python tests/bench/surge_bench.py [--n 200] [--clients 4]

One size = one fresh suite (tests/reliability/rig.py: its own SecantusDB, vhost and
clock, the four services as OS processes):

1. preparation (not measured as the surge): N enterprises register and fill complete
   drafts (tests/harness/surge.py, 16 gRPC calls each, many clients);
2. one probe application is submitted to learn the size of a real
   ``application.submitted`` envelope;
3. the raw ceiling (raw_limit.py) runs N chains on the same broker vhost and the same
   database server, with as many producers as the surge has clients;
4. the surge: every draft submitted by ``clients`` threads as fast as registration
   accepts; then we wait until review opened every task and notification put every
   acknowledgement in an inbox. Latencies come from the services' own wall-clock stamps:
   review's and notification's ``processed_events.applied_at`` (stamped when the handler's
   transaction records the event, which is the transaction that opens the task or writes
   the inbox message) against the client's ``time.time()`` before it called Submit;
5. the decisions: each city reviewer passes every level-1 task (PassTask), and we wait
   until registration shows the decision to the enterprise and notification delivered it
   to the inbox (same kind of stamps);
6. the OS's accounting of every service process (utime + stime across each phase, VmHWM
   at the end) and of the database server.

Every figure is printed; none is asserted.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import raw_limit  # noqa: E402
from common import Usage, spread, usages  # noqa: E402

from harness import surge  # noqa: E402
from reliability.rig import Rig, start_rig  # noqa: E402

SERVICES = ("registration", "review", "notification", "reporting")


@dataclass
class Phase:
    """One measured phase: its rate, its latencies, what it cost each process."""

    name: str
    count: int = 0
    accepted_per_s: float = 0.0
    completed_per_s: float = 0.0
    seconds: float = 0.0
    latencies: dict[str, list[float]] = field(default_factory=dict)
    cpu_seconds: dict[str, float] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    tallies: list[str] = field(default_factory=list)

    @property
    def cpu_ms_per_item(self) -> float:
        services = sum(v for k, v in self.cpu_seconds.items() if k in SERVICES)
        return services / max(1, self.count) * 1000


@dataclass
class SizeResult:
    n: int
    prepare_seconds: float
    payload_bytes: int
    raw: dict[str, Any]
    submissions: Phase
    decisions: Phase
    peak_mib: dict[str, float]
    database_cpu_ms_per_app: float


def _cpu_delta(before: dict[str, Usage], after: dict[str, Usage]) -> dict[str, float]:
    return {name: after[name].cpu_seconds - before[name].cpu_seconds for name in after if name in before}


def _pids(rig: Rig) -> dict[str, int]:
    pids = rig.pids()
    if rig.db_server.pid:
        pids["database"] = rig.db_server.pid
    return pids


def _wait_applied(rig: Rig, producer: str, event_type: str, subjects: list[str], consumers: dict[str, str],
                  timeout: float) -> bool:
    """Until every consumer's database recorded the events about ``subjects`` (or timeout).

    Polls by event id through the ``by_event`` index, and only for what is still missing:
    a count over ``processed_events`` would scan it every time, and on this database
    server a scan under the surge is a cost the suite itself does not have."""
    wanted = set(subjects)
    deadline = time.monotonic() + timeout
    events: list[str] = []
    while time.monotonic() < deadline:
        if len(events) < len(wanted):
            events = list(_event_of(rig, producer, event_type, subjects).values())
        if len(events) == len(wanted):
            break
        time.sleep(1.0)
    pending = {db: set(events) for db in consumers.values()}
    while time.monotonic() < deadline:
        for db, missing in pending.items():
            if missing:
                seen = rig.mongo[db].processed_events.find({"event_id": {"$in": list(missing)[:2000]}}, {"event_id": 1})
                missing.difference_update(doc["event_id"] for doc in seen)
        if len(events) == len(wanted) and not any(pending.values()):
            return True
        time.sleep(1.0)
    return False


def _applied_at(rig: Rig, database: str, event_type: str) -> dict[str, float]:
    """event id -> wall-clock seconds the consumer recorded it."""
    return {doc["event_id"]: doc["applied_at"].timestamp()
            for doc in rig.mongo[database].processed_events.find({"type": event_type}, {"event_id": 1, "applied_at": 1})}


def _event_of(rig: Rig, database: str, event_type: str, subjects: list[str]) -> dict[str, str]:
    """subject (application id) -> event id, from the producer's outbox (first event each;
    looked up by subject, which the outbox indexes)."""
    found: dict[str, str] = {}
    for offset in range(0, len(subjects), 1000):
        query = {"subject": {"$in": subjects[offset:offset + 1000]}, "type": event_type}
        for doc in sorted(rig.mongo[database].outbox.find(query, {"subject": 1, "seq": 1}), key=lambda d: d["seq"]):
            found.setdefault(doc["subject"], doc["_id"])
    return found


def _latencies(starts: dict[str, float], events: dict[str, str], applied: dict[str, float]) -> list[float]:
    return [applied[events[app]] - started for app, started in starts.items()
            if app in events and events[app] in applied]


def measure_submissions(rig: Rig, drafts: list[surge.Draft], clients: int, timeout: float) -> Phase:
    phase = Phase("submissions", len(drafts))
    before = usages(_pids(rig))
    submissions = surge.submit_all(rig.targets["registration"], drafts, clients=clients)
    accepted = [s for s in submissions if s.accepted is not None]
    phase.errors = [f"{s.draft.application_id}: {s.error}" for s in submissions if s.error]
    first = min(s.started for s in submissions)
    if accepted:
        phase.accepted_per_s = len(accepted) / max(1e-9, max(s.accepted for s in accepted) - first)  # type: ignore[type-var]
    consumers = {"review": "zjtx_review", "notification": "zjtx_notification", "reporting": "zjtx_reporting"}
    complete = _wait_applied(rig, "zjtx_registration", "application.submitted",
                             [s.draft.application_id for s in accepted], consumers, timeout)
    after = usages(_pids(rig))
    phase.cpu_seconds = _cpu_delta(before, after)
    starts = {s.draft.application_id: s.started for s in accepted}
    events = _event_of(rig, "zjtx_registration", "application.submitted", list(starts))
    review = _applied_at(rig, "zjtx_review", "application.submitted")
    inbox = _applied_at(rig, "zjtx_notification", "application.submitted")
    phase.latencies = {"task opened": _latencies(starts, events, review),
                       "acknowledged in inbox": _latencies(starts, events, inbox)}
    last = max((review.get(events.get(a, ""), 0.0) for a in starts), default=first)
    last = max(last, max((inbox.get(events.get(a, ""), 0.0) for a in starts), default=first))
    phase.seconds = last - first
    phase.completed_per_s = len(accepted) / max(1e-9, phase.seconds)
    phase.tallies = [t.line() for t in surge.tally_submissions(rig.mongo, submissions) if t.lost or t.doubled]
    if not complete:
        phase.errors.append(f"not every effect arrived within {timeout:.0f}s")
    return phase


def measure_decisions(rig: Rig, drafts: list[surge.Draft], clients: int, timeout: float) -> Phase:
    task_ids = surge.open_task_ids(rig.targets["review"], drafts)
    phase = Phase("decisions", len(task_ids))
    before = usages(_pids(rig))
    decisions = surge.pass_all(rig.targets["review"], drafts, task_ids, clients=clients)
    decided = [d for d in decisions if d.decided is not None]
    phase.errors = [f"{d.task_id}: {d.error}" for d in decisions if d.error]
    first = min((d.started for d in decisions), default=time.time())
    if decided:
        phase.accepted_per_s = len(decided) / max(1e-9, max(d.decided for d in decided) - first)  # type: ignore[type-var]
    consumers = {"registration": "zjtx_registration", "notification": "zjtx_notification"}
    complete = _wait_applied(rig, "zjtx_review", "review.passed", [d.draft.application_id for d in decided],
                             consumers, timeout)
    after = usages(_pids(rig))
    phase.cpu_seconds = _cpu_delta(before, after)
    starts = {d.draft.application_id: d.started for d in decided}
    events = _event_of(rig, "zjtx_review", "review.passed", list(starts))
    seen = _applied_at(rig, "zjtx_registration", "review.passed")
    inbox = _applied_at(rig, "zjtx_notification", "review.passed")
    phase.latencies = {"seen by registration": _latencies(starts, events, seen),
                       "notice in inbox": _latencies(starts, events, inbox)}
    last = max([first, *(seen.get(events.get(a, ""), 0.0) for a in starts),
                *(inbox.get(events.get(a, ""), 0.0) for a in starts)])
    phase.seconds = last - first
    phase.completed_per_s = len(decided) / max(1e-9, phase.seconds)
    phase.tallies = [t.line() for t in surge.tally_decisions(rig.mongo, decisions) if t.lost or t.doubled]
    if not complete:
        phase.errors.append(f"not every effect arrived within {timeout:.0f}s")
    return phase


def envelope_bytes(rig: Rig, application_id: str) -> int:
    doc = rig.mongo.zjtx_registration.outbox.find_one({"type": "application.submitted", "subject": application_id})
    if doc is None:
        return 2000
    return len(json.dumps(doc["envelope"], ensure_ascii=False).encode())


def run_size(scratch: Path, n: int, clients: int, prepare_clients: int, tag: str, raw: bool = True,
             env: dict[str, str] | None = None, log: Any = print) -> SizeResult:
    rig = start_rig(scratch / f"n{n}", [], env=env)
    try:
        started = time.monotonic()
        drafts = surge.prepare_drafts(rig.targets["registration"], n + 1, clients=prepare_clients, tag=tag)
        prepare_seconds = time.monotonic() - started
        log(f"  n={n}: {n + 1} drafts prepared in {prepare_seconds:.0f}s")
        probe, drafts = drafts[0], drafts[1:]
        submitted = surge.submit_all(rig.targets["registration"], [probe], clients=1)
        if submitted[0].error:
            raise RuntimeError(f"the probe submission failed: {submitted[0].error}")
        payload = envelope_bytes(rig, probe.application_id)
        raw_result: dict[str, Any] = {}
        if raw:
            raw_result = raw_limit.measure(rig.amqp_uri, rig.db_server.uri, n, producers=clients,
                                           payload_size=payload)
            log(f"  n={n}: raw chain {raw_result['completed_per_s']:,.0f} applications/s")
        timeout = 120 + n * 0.5
        submissions = measure_submissions(rig, drafts, clients, timeout)
        log(f"  n={n}: surge {submissions.accepted_per_s:,.1f} accepted/s, all effects in {submissions.seconds:.0f}s")
        decisions = measure_decisions(rig, drafts, clients, timeout)
        log(f"  n={n}: decisions {decisions.accepted_per_s:,.1f}/s, all effects in {decisions.seconds:.0f}s")
        final = usages(_pids(rig))
        database_cpu = submissions.cpu_seconds.get("database", 0.0) / max(1, n) * 1000
        return SizeResult(n, prepare_seconds, payload, raw_result, submissions, decisions,
                          {name: u.peak_mib for name, u in final.items()}, database_cpu)
    finally:
        rig.close()


def table(results: list[SizeResult]) -> list[str]:
    lines = []
    for r in results:
        s, d = r.submissions, r.decisions
        lines.append(f"N = {r.n:,} (drafts prepared in {r.prepare_seconds:.0f}s, not counted; "
                     f"envelope {r.payload_bytes:,} B)")
        if r.raw:
            lines.append(f"  {'raw ceiling (kombu + pymongo, same path)':<44} accepted {r.raw['accepted_per_s']:>7,.1f}/s"
                         f"  completed {r.raw['completed_per_s']:>7,.1f}/s")
            lines.append(f"  {'  start -> review insert, ms':<44} {spread(r.raw['to_review'])}")
            lines.append(f"  {'  start -> inbox insert, ms':<44} {spread(r.raw['to_inbox'])}")
        for phase in (s, d):
            lines.append(f"  {phase.name + ' (suite)':<44} accepted {phase.accepted_per_s:>7,.1f}/s"
                         f"  completed {phase.completed_per_s:>7,.1f}/s  ({phase.count:,} in {phase.seconds:.0f}s)")
            for what, values in phase.latencies.items():
                lines.append(f"  {'  -> ' + what + ', ms':<44} {spread(values)}  (n={len(values):,})")
            per = " ".join(f"{k} {v / max(1, phase.count) * 1000:,.0f}" for k, v in phase.cpu_seconds.items())
            lines.append(f"  {'  CPU ms per item':<44} services {phase.cpu_ms_per_item:,.0f}  ({per})")
            for problem in phase.errors[:3] + phase.tallies:
                lines.append(f"  !! {problem}")
        if r.raw:
            lines.append(f"  {'suite / ceiling (completed per second)':<44} {s.completed_per_s / r.raw['completed_per_s']:.1%}")
        lines.append("  peak MiB " + " ".join(f"{k} {v:,.0f}" for k, v in r.peak_mib.items()))
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", default="200", help="sizes, comma-separated")
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--prepare-clients", type=int, default=8)
    parser.add_argument("--no-raw", action="store_true")
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory(prefix="zjtx-surge-bench-") as scratch:
        for index, n in enumerate(int(x) for x in args.n.split(",")):
            results.append(run_size(Path(scratch), n, args.clients, args.prepare_clients, "ABC"[index % 3],
                                    raw=not args.no_raw))
    for line in table(results):
        print(line, flush=True)


if __name__ == "__main__":
    main()
