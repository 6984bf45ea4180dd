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
import collections
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import raw_limit  # noqa: E402
from common import broker_pid, cpu_delta, percentile, spread, usages  # noqa: E402
from seed import seed_drafts  # noqa: E402

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

    @property
    def chain_cpu_ms_per_item(self) -> float:
        """Every process of the chain: services, database server, broker and the harness."""
        return sum(self.cpu_seconds.values()) / max(1, self.count) * 1000


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


def _pids(rig: Rig) -> dict[str, int]:
    """The suite's processes: the services and the database server."""
    pids = rig.pids()
    if rig.db_server.pid:
        pids["database"] = rig.db_server.pid
    return pids


def _chain_pids(rig: Rig) -> dict[str, int]:
    """The processes a chain's CPU is counted in: the suite's, the local broker, and this process
    (the clients submitting and the polling for effects)."""
    pids = _pids(rig)
    if broker := broker_pid():
        pids["broker"] = broker
    pids["harness"] = os.getpid()
    return pids


# Every effect of both hops of a submission: (producer's database, event type) -> the consumers'
# databases (from the handlers: deploy/rabbitmq/definitions.json).
HOPS: dict[tuple[str, str], tuple[str, ...]] = {
    ("zjtx_registration", "application.submitted"): ("zjtx_review", "zjtx_notification", "zjtx_reporting"),
    ("zjtx_review", "review.task_opened"): ("zjtx_notification", "zjtx_registration", "zjtx_reporting"),
}
DECISION_HOPS: dict[tuple[str, str], tuple[str, ...]] = {
    ("zjtx_review", "review.passed"): ("zjtx_registration", "zjtx_notification", "zjtx_reporting"),
}
UNSENT = ["pending", "sending", "retrying"]
# An inbox record is stamped before it is written: a poll looks this far behind the newest it saw.
RECORD_LOOKBACK = timedelta(seconds=5)


def _wait_applied(rig: Rig, hops: dict[tuple[str, str], tuple[str, ...]], subjects: list[str],
                  timeout: float) -> tuple[bool, dict[tuple[str, str], dict[str, str]]]:
    """Until every consumer of every hop recorded the events about ``subjects``, and notification
    sent every e-mail and SMS they caused (or timeout). Returns (complete, events per hop).

    The harness shares the database server with the suite, and what it costs the server is
    counted as the suite's: so each poll reads only what is new, through an index. The inbox
    records since the last poll (``applied_ttl`` on ``applied_at``, looking a few seconds back
    for records stamped before they were written); each event id seen there for the first time
    is looked up once, by ``_id``, in its producer's outbox for the application it is about; and
    the deliveries not yet sent (``by_state``: a handful). Never an ``$in`` over the
    applications still waiting (it cost the server 0.14 ms per element per poll, 1-4 s over a
    surge of 400, counted as the suite's)."""
    wanted = set(subjects)
    deadline = time.monotonic() + timeout
    events: dict[tuple[str, str], dict[str, str]] = {hop: {} for hop in hops}
    seen: dict[str, set[str]] = {db: set() for consumers in hops.values() for db in consumers}
    since: dict[str, Any] = dict.fromkeys(seen)  # the newest record seen, less the look-back
    looked_up: set[str] = set()  # event ids already traced to their producer's outbox
    while time.monotonic() < deadline:
        new: dict[str, set[str]] = collections.defaultdict(set)  # event type -> ids seen for the first time
        for db in seen:
            query = {} if since[db] is None else {"applied_at": {"$gte": since[db]}}
            for doc in rig.mongo[db].processed_events.find(query, {"event_id": 1, "type": 1, "applied_at": 1}):
                seen[db].add(doc["event_id"])
                if doc["event_id"] not in looked_up:
                    new[doc.get("type", "")].add(doc["event_id"])
                back = doc["applied_at"] - RECORD_LOOKBACK
                since[db] = back if since[db] is None else max(since[db], back)
        for (producer, event_type), found in events.items():
            ids = sorted(new.get(event_type, ()))
            looked_up.update(ids)
            for offset in range(0, len(ids), 1000):
                query = {"_id": {"$in": ids[offset:offset + 1000]}}
                for doc in sorted(rig.mongo[producer].outbox.find(query, {"subject": 1, "seq": 1}),
                                  key=lambda d: d["seq"]):
                    if doc.get("subject") in wanted:
                        found.setdefault(doc["subject"], doc["_id"])  # the first event of each
        if all(len(found) == len(wanted) and all(set(found.values()) <= seen[db] for db in hops[hop])
               for hop, found in events.items()):
            break
        time.sleep(1.0)
    else:
        return False, events
    caused = {e for found in events.values() for e in found.values()}
    while time.monotonic() < deadline:  # the e-mail and SMS they caused, sent (or given up)
        unsent = rig.mongo.zjtx_notification.deliveries.find({"state": {"$in": UNSENT}}, {"event_id": 1})
        if not any(doc["event_id"] in caused for doc in unsent):
            return True, events
        time.sleep(1.0)
    return False, events


def _applied_at(rig: Rig, database: str, event_ids: list[str]) -> dict[str, float]:
    """event id -> wall-clock seconds the consumer recorded it."""
    found: dict[str, float] = {}
    for offset in range(0, len(event_ids), 2000):
        for doc in rig.mongo[database].processed_events.find({"event_id": {"$in": event_ids[offset:offset + 2000]}},
                                                             {"event_id": 1, "applied_at": 1}):
            found[doc["event_id"]] = doc["applied_at"].timestamp()
    return found


def _sent_at(rig: Rig, subjects: list[str], received: Mapping[str, float]) -> dict[str, float]:
    """application id -> wall clock of the last e-mail or SMS about it that reached the loopback
    SMTP server or SMS gateway (``received``: delivery id -> arrival, each message names its
    delivery); the deliveries say which application each was about."""
    wanted, last = set(subjects), {}
    ids = list(received)
    for offset in range(0, len(ids), 1000):
        for doc in rig.mongo.zjtx_notification.deliveries.find({"_id": {"$in": ids[offset:offset + 1000]}},
                                                               {"subject": 1}):
            if doc.get("subject") in wanted:
                last[doc["subject"]] = max(last.get(doc["subject"], 0.0), received[doc["_id"]])
    return last


def _latencies(starts: dict[str, float], events: dict[str, str], applied: dict[str, float]) -> list[float]:
    return [applied[events[app]] - started for app, started in starts.items()
            if app in events and events[app] in applied]


def _completion(rig: Rig, hops: dict[tuple[str, str], tuple[str, ...]], events: dict[tuple[str, str], dict[str, str]],
                starts: dict[str, float], received: Mapping[str, float]
                ) -> tuple[dict[str, float], dict[str, dict[str, float]]]:
    """(application -> wall clock of its last effect, consumer stamps per 'db event_type')."""
    done = dict.fromkeys(starts, 0.0)
    stamps: dict[str, dict[str, float]] = {}
    for (producer, event_type), consumers in hops.items():
        ids = list(events[(producer, event_type)].values())
        for db in consumers:
            applied = _applied_at(rig, db, ids)
            stamps[f"{db} {event_type}"] = applied
            for app, event_id in events[(producer, event_type)].items():
                if app in done and event_id in applied:
                    done[app] = max(done[app], applied[event_id])
    for app, at in _sent_at(rig, list(starts), received).items():
        if app in done:
            done[app] = max(done[app], at)
    return done, stamps


def submit_paced(registration_target: str, drafts: list[surge.Draft], rate: float,
                 clients: int) -> list[surge.Submission]:
    """Submit at ``rate`` per second (an open schedule: each draft at its planned instant,
    whatever the earlier ones take), with up to ``clients * 4`` calls in flight."""
    from concurrent.futures import ThreadPoolExecutor

    from harness.clients import channel as signed_channel
    from zjtx_api import registration_pb2 as reg
    from zjtx_api.registration_pb2_grpc import RegistrationStub

    channel = signed_channel(registration_target)
    stub = RegistrationStub(channel)
    begin = time.time() + 0.5

    def one(item: tuple[int, surge.Draft]) -> surge.Submission:
        index, draft = item
        time.sleep(max(0.0, begin + index / rate - time.time()))
        submission = surge.Submission(draft, started=time.time())
        request = reg.SubmitRequest(application_id=draft.application_id)
        result, submission.attempts, submission.error = surge._retrying(
            lambda: stub.Submit(request, timeout=surge.DEADLINE), 180.0)
        if result is not None:
            submission.accepted = time.time()
        return submission

    try:
        with ThreadPoolExecutor(max_workers=max(4, clients * 4)) as pool:
            return list(pool.map(one, enumerate(drafts)))
    finally:
        channel.close()


def measure_submissions(rig: Rig, drafts: list[surge.Draft], clients: int, timeout: float,
                        rate: float | None = None, received: Mapping[str, float] | None = None) -> Phase:
    phase = Phase("submissions" if rate is None else f"submissions at {rate:.1f}/s", len(drafts))
    before = usages(_chain_pids(rig))
    if rate is None:
        submissions = surge.submit_all(rig.targets["registration"], drafts, clients=clients)
    else:
        submissions = submit_paced(rig.targets["registration"], drafts, rate, clients)
    accepted = [s for s in submissions if s.accepted is not None]
    phase.errors = [f"{s.draft.application_id}: {s.error}" for s in submissions if s.error]
    first = min(s.started for s in submissions)
    if accepted:
        phase.accepted_per_s = len(accepted) / max(1e-9, max(s.accepted for s in accepted) - first)  # type: ignore[type-var]
    subjects = [s.draft.application_id for s in accepted]
    complete, events = _wait_applied(rig, HOPS, subjects, timeout)
    after = usages(_chain_pids(rig))
    phase.cpu_seconds = cpu_delta(before, after)
    starts = {s.draft.application_id: s.started for s in accepted}
    done, stamps = _completion(rig, HOPS, events, starts, dict(received or {}))
    submitted = events[("zjtx_registration", "application.submitted")]
    phase.latencies = {
        "task opened": _latencies(starts, submitted, stamps["zjtx_review application.submitted"]),
        "acknowledged in inbox": _latencies(starts, submitted, stamps["zjtx_notification application.submitted"]),
        "every effect of both hops": [done[a] - starts[a] for a in starts if done[a]],
    }
    last = max([first, *done.values()])
    phase.seconds = last - first
    phase.completed_per_s = len(accepted) / max(1e-9, phase.seconds)
    phase.tallies = [t.line() for t in surge.tally_submissions(rig.mongo, submissions) if t.lost or t.doubled]
    if not complete:
        phase.errors.append(f"not every effect arrived within {timeout:.0f}s")
    return phase


def measure_decisions(rig: Rig, drafts: list[surge.Draft], clients: int, timeout: float,
                      received: Mapping[str, float] | None = None) -> Phase:
    task_ids = surge.open_task_ids(rig.targets["review"], drafts)
    phase = Phase("decisions", len(task_ids))
    before = usages(_chain_pids(rig))
    decisions = surge.pass_all(rig.targets["review"], drafts, task_ids, clients=clients)
    decided = [d for d in decisions if d.decided is not None]
    phase.errors = [f"{d.task_id}: {d.error}" for d in decisions if d.error]
    first = min((d.started for d in decisions), default=time.time())
    if decided:
        phase.accepted_per_s = len(decided) / max(1e-9, max(d.decided for d in decided) - first)  # type: ignore[type-var]
    complete, events = _wait_applied(rig, DECISION_HOPS, [d.draft.application_id for d in decided], timeout)
    after = usages(_chain_pids(rig))
    phase.cpu_seconds = cpu_delta(before, after)
    starts = {d.draft.application_id: d.started for d in decided}
    done, stamps = _completion(rig, DECISION_HOPS, events, starts, dict(received or {}))
    passed = events[("zjtx_review", "review.passed")]
    phase.latencies = {"seen by registration": _latencies(starts, passed, stamps["zjtx_registration review.passed"]),
                       "notice in inbox": _latencies(starts, passed, stamps["zjtx_notification review.passed"])}
    last = max([first, *done.values()])
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


def retry_writes(env: dict[str, str] | None) -> bool:
    """The suite's ``MONGO_RETRY_WRITES`` (zjtx.mongo), which the ceiling uses too: on this
    database server a retryable write scans the retry records of the last 30 minutes, so
    the two sides must write with the same setting to compare (docs/performance.md)."""
    from zjtx.mongo import retry_writes_setting

    return retry_writes_setting((env or {}).get("MONGO_RETRY_WRITES"))


def _start(folder: Path, env: dict[str, str], log: Any) -> Rig:
    """A fresh suite; tried again when the broker's management API (the vhost) answers too slowly,
    which happens on this shared machine when other runs load the broker."""
    import requests

    for attempt in range(1, 7):
        try:
            return start_rig(folder / f"suite{attempt}", [], env=env)
        except requests.RequestException as error:
            if attempt == 6:
                raise
            log(f"  the broker's management API did not answer ({type(error).__name__}); trying again")
            time.sleep(20)
    raise AssertionError("unreachable")


def run_size(scratch: Path, n: int, clients: int, prepare_clients: int, tag: str, raw: bool = True,
             env: dict[str, str] | None = None, log: Any = print, decisions: bool = True,
             rate: float | None = None, sinks: bool = True, seed: bool = True) -> SizeResult:
    """One fresh suite: ``n`` drafts submitted (as fast as possible, or at ``rate`` per second)
    beside the raw ceiling of the same path; optionally the level-1 decisions after."""
    folder = scratch / f"n{n}-{tag}{'' if rate is None else '-paced'}"
    env = dict(env or {})
    outlets = None
    if sinks:  # the e-mail and SMS go to a real SMTP server and SMS gateway on loopback
        from demo.sinks import Sinks

        outlets = Sinks(folder / "sinks")
        env.update(outlets.start())
    rig = _start(folder, env, log)
    try:
        started = time.monotonic()
        if seed:
            drafts = seed_drafts(rig.targets["registration"], rig.mongo, n + 1, tag=tag, clients=prepare_clients)
        else:
            drafts = surge.prepare_drafts(rig.targets["registration"], n + 1, clients=prepare_clients, tag=tag)
        prepare_seconds = time.monotonic() - started
        log(f"  n={n}: {n + 1} drafts {'seeded' if seed else 'prepared'} in {prepare_seconds:.0f}s")
        probe, drafts = drafts[0], drafts[1:]
        submitted = surge.submit_all(rig.targets["registration"], [probe], clients=1)
        if submitted[0].error:
            raise RuntimeError(f"the probe submission failed: {submitted[0].error}")
        payload = envelope_bytes(rig, probe.application_id)
        raw_result: dict[str, Any] = {}
        if raw:
            idle = usages(rig.pids())
            raw_result = raw_limit.measure(rig.amqp_uri, rig.db_server.uri, n, producers=clients,
                                           payload_size=payload, retry_writes=retry_writes(env),
                                           database_pid=rig.db_server.pid)
            # the suite's services wait meanwhile (their relays and timers poll the same database
            # server, so a little of the ceiling's database figure is theirs): counted, not removed
            raw_result["cpu_seconds"]["idle suite"] = sum(cpu_delta(idle, usages(rig.pids())).values())
            log(f"  n={n}: raw chain {raw_result['completed_per_s']:,.0f} applications/s")
        timeout = 120 + n * 0.5
        received = outlets.received if outlets is not None else None
        submissions = measure_submissions(rig, drafts, clients, timeout, rate, received)
        log(f"  n={n}: surge {submissions.accepted_per_s:,.1f} accepted/s, completed {submissions.completed_per_s:,.1f}/s,"
            f" all effects in {submissions.seconds:.0f}s")
        decided = Phase("decisions")
        if decisions:
            decided = measure_decisions(rig, drafts, clients, timeout, received)
            log(f"  n={n}: decisions {decided.accepted_per_s:,.1f}/s, all effects in {decided.seconds:.0f}s")
        final = usages(_pids(rig))
        database_cpu = submissions.cpu_seconds.get("database", 0.0) / max(1, n) * 1000
        return SizeResult(n, prepare_seconds, payload, raw_result, submissions, decided,
                          {name: u.peak_mib for name, u in final.items()}, database_cpu)
    finally:
        try:
            rig.close()
        except Exception as error:  # a slow broker API at the end must not lose the run's figures
            log(f"  closing the suite failed ({type(error).__name__}: {error}); its figures stand")
        if outlets is not None:
            outlets.stop()


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
            if r.raw.get("cpu_seconds"):
                lines.append(f"  {'  CPU ms per application, whole chain':<44} {ceiling_cpu_ms(r.raw):,.1f}  ("
                             + " ".join(f"{k} {v / max(1, r.n) * 1000:,.1f}" for k, v in r.raw["cpu_seconds"].items())
                             + ")")
        for phase in [p for p in (s, d) if p.count]:
            lines.append(f"  {phase.name + ' (suite)':<44} accepted {phase.accepted_per_s:>7,.1f}/s"
                         f"  completed {phase.completed_per_s:>7,.1f}/s  ({phase.count:,} in {phase.seconds:.0f}s)")
            for what, values in phase.latencies.items():
                lines.append(f"  {'  -> ' + what + ', ms':<44} {spread(values)}  (n={len(values):,})")
            per = " ".join(f"{k} {v / max(1, phase.count) * 1000:,.0f}" for k, v in phase.cpu_seconds.items())
            lines.append(f"  {'  CPU ms per item':<44} services {phase.cpu_ms_per_item:,.0f}  ({per})")
            lines.append(f"  {'  CPU ms per item, whole chain':<44} {phase.chain_cpu_ms_per_item:,.1f}"
                         f" ({phase.chain_cpu_ms_per_item * phase.completed_per_s / 1000:.2f} cores busy)")
            for problem in phase.errors[:3] + phase.tallies:
                lines.append(f"  !! {problem}")
        if r.raw:
            lines.append(f"  {'suite / ceiling (completed per second)':<44} {s.completed_per_s / r.raw['completed_per_s']:.1%}")
        lines.append("  peak MiB " + " ".join(f"{k} {v:,.0f}" for k, v in r.peak_mib.items()))
    return lines


def ceiling_cpu_ms(raw: Mapping[str, Any]) -> float:
    """The ceiling's CPU per application, every process of its chain (the idle suite's included)."""
    return sum(raw.get("cpu_seconds", {}).values()) / max(1, raw.get("applications", 1)) * 1000


def spread_of(values: list[float]) -> dict[str, float]:
    """Median, min and max of the runs' figures."""
    ordered = sorted(values)
    if not ordered:
        return {"median": float("nan"), "min": float("nan"), "max": float("nan")}
    return {"median": statistics.median(ordered), "min": ordered[0], "max": ordered[-1]}


def series(scratch: Path, n: int, clients: int, prepare_clients: int, runs: int = 3, paced: bool = True,
           decisions: bool = False, env: dict[str, str] | None = None,
           log: Any = print) -> tuple[list[SizeResult], SizeResult | None]:
    """``runs`` fresh suites at ``n``, each beside the raw ceiling; then, when ``paced``, a
    fresh suite taking ``n // 2`` submissions at half the runs' median completed rate (for the
    latencies a surge that the suite keeps up with has)."""
    results = []
    for index in range(runs):
        log(f"surge run {index + 1}/{runs} at N={n}: fresh suite")
        results.append(run_size(scratch, n, clients, prepare_clients, "ABC"[index % 3], env=env, log=log,
                                decisions=decisions and index == 0))
        for line in table(results[-1:]):  # as it goes: a later failure loses nothing measured
            log(line)
    paced_result = None
    if paced and results:
        rate = 0.5 * spread_of([r.submissions.completed_per_s for r in results])["median"]
        log(f"surge at half the top rate: {n // 2} submissions at {rate:.1f}/s")
        paced_result = run_size(scratch, max(1, n // 2), clients, prepare_clients, "D", raw=False, env=env, log=log,
                                decisions=False, rate=rate)
    return results, paced_result


def p99_ms(values: list[float]) -> float:
    return percentile(values, 0.99) * 1000 if values else float("nan")


def figures(results: list[SizeResult], paced: SizeResult | None) -> dict[str, Any]:
    """The surge's keys of out/bench/summary.json (medians over the runs, with min and max)."""
    ratios = [r.submissions.completed_per_s / r.raw["completed_per_s"] for r in results if r.raw]
    per_app = [r.submissions for r in results]
    database = [p.cpu_seconds.get("database", 0.0) / max(1, p.count) * 1000 for p in per_app]
    out: dict[str, Any] = {
        "n": results[0].n if results else 0,
        "runs": len(results),
        "ratio_completed": spread_of(ratios)["median"],
        "ratio_completed_spread": spread_of(ratios),
        "suite_completed_per_s": spread_of([p.completed_per_s for p in per_app]),
        "suite_accepted_per_s": spread_of([p.accepted_per_s for p in per_app]),
        "ceiling_completed_per_s": spread_of([r.raw["completed_per_s"] for r in results if r.raw]),
        "ceiling_retry_writes": next((r.raw.get("retry_writes") for r in results if r.raw), None),
        "service_cpu_ms_per_application": spread_of([p.cpu_ms_per_item for p in per_app])["median"],
        "service_cpu_ms_per_application_spread": spread_of([p.cpu_ms_per_item for p in per_app]),
        "database_cpu_ms_per_application": spread_of(database)["median"],
        "database_cpu_ms_per_application_spread": spread_of(database),
        "full_rate_submit_to_task_p99_ms": spread_of([p99_ms(p.latencies["task opened"]) for p in per_app]),
        "full_rate_submit_to_inbox_p99_ms": spread_of([p99_ms(p.latencies["acknowledged in inbox"]) for p in per_app]),
        # the whole machine's CPU per application on each side (services or the raw roles, the
        # database server, the broker, the harness): with both sides using every core, the ratio
        # cannot exceed ceiling / suite of these
        "chain_cpu_ms_per_application": spread_of([p.chain_cpu_ms_per_item for p in per_app]),
        "ceiling_chain_cpu_ms_per_application": spread_of([ceiling_cpu_ms(r.raw) for r in results
                                                           if r.raw.get("cpu_seconds")]),
        "problems": [f"run {i + 1}: {problem}" for i, r in enumerate(results)
                     for problem in [*r.submissions.errors[:3], *r.submissions.tallies]],
    }
    if paced is not None:
        phase = paced.submissions
        out.update({
            "half_rate_per_s": round(float(phase.name.split(" at ")[1].split("/")[0]), 2),
            "submit_to_task_p99_ms": p99_ms(phase.latencies["task opened"]),
            "submit_to_inbox_p99_ms": p99_ms(phase.latencies["acknowledged in inbox"]),
            "submit_to_every_effect_p99_ms": p99_ms(phase.latencies["every effect of both hops"]),
            "half_rate_problems": [*phase.errors[:3], *phase.tallies],
        })
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--prepare-clients", type=int, default=8)
    parser.add_argument("--no-paced", action="store_true", help="skip the run at half the top rate")
    parser.add_argument("--decisions", action="store_true", help="also pass every level-1 task (first run)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="zjtx-surge-bench-") as scratch:
        results, paced = series(Path(scratch), args.n, args.clients, args.prepare_clients, args.runs,
                                not args.no_paced, args.decisions)
    for line in table([*results, *([paced] if paced else [])]):
        print(line, flush=True)
    print(json.dumps(figures(results, paced), indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
