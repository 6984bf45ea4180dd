"""How many database operations one application costs, by service and by command,
counted from the services' own OpenTelemetry spans (pymongo's instrumentation makes one
span per command) exported to a loopback OTLP receiver.

    PYTHONPATH=services .venv/bin/python tests/bench/db_ops.py [--n 30]

The embedded database server's CPU is the largest cost of the suite on this machine
(docs/performance.md): the number of round trips per application is what to cut.
"""

from __future__ import annotations

import argparse
import collections
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402, F401 - import paths

from harness import surge  # noqa: E402
from harness.otlp import OtlpReceiver  # noqa: E402


def counted(receiver: OtlpReceiver) -> tuple[collections.Counter[str], collections.Counter[tuple[str, str]]]:
    per_service: collections.Counter[str] = collections.Counter()
    per_command: collections.Counter[tuple[str, str]] = collections.Counter()
    with receiver._lock:
        spans = list(receiver.spans)
        receiver.spans.clear()
    for span in spans:
        if span.attributes.get("db.system") != "mongodb":
            continue
        per_service[span.service] += 1
        per_command[(span.service, span.name)] += 1
    return per_service, per_command


Counts = tuple[collections.Counter[str], collections.Counter[tuple[str, str]]]


def report(title: str, n: int, receiver: OtlpReceiver, seconds: float = 0.0,
           idle: tuple[Counts, float] | None = None) -> tuple[list[str], dict[str, float]]:
    """Operations per application in a phase. With ``idle`` (counts over an idle window and its
    length), the idle polling (outbox relays, the sender, review's clock: so many per second,
    applications or not) expected over the phase's ``seconds`` is shown apart and subtracted,
    from the operations, from the commits (review's clock commits a few transactions every
    tick) and from each service's and command's counts."""
    per_service, per_command = counted(receiver)
    total = sum(per_service.values()) / n
    commits_in_all = sum(c for (_, name), c in per_command.items() if name.endswith("commitTransaction")) / n
    polling = idle_commits = 0.0
    scale = 0.0
    if idle is not None and idle[1] > 0:
        scale = seconds / idle[1] / n  # idle counts -> expected share per application over this phase
        polling = sum(idle[0][0].values()) * scale
        idle_commits = sum(c for (_, name), c in idle[0][1].items() if name.endswith("commitTransaction")) * scale
    net = total - polling
    commits = max(0.0, commits_in_all - idle_commits)
    lines = [f"{title}: {net:.1f} database operations per application net of idle polling "
             f"({total:.1f} in all, {polling:.1f} of them the {seconds:.0f} s of polling), {commits:.1f} commits "
             f"net ({commits_in_all:.1f} in all)"]
    idle_service = idle[0][0] if idle is not None else collections.Counter()
    idle_command = idle[0][1] if idle is not None else collections.Counter()
    by_service: dict[str, float] = {}
    for service, count in per_service.most_common():
        own = count / n - idle_service.get(service, 0) * scale
        by_service[service] = round(own, 2)
        top = sorted(((name, c / n - idle_command.get((s, name), 0) * scale) for (s, name), c in per_command.items()
                      if s == service), key=lambda item: -item[1])[:8]
        lines.append(f"  {service:<13} {own:5.1f}  " + ", ".join(f"{name} {c:.1f}" for name, c in top if c >= 0.05))
    return lines, {"operations": round(net, 2), "operations_in_all": round(total, 2), "idle_polling": round(polling, 2),
                   "commits": round(commits, 2), "commits_in_all": round(commits_in_all, 2),
                   "seconds": round(seconds, 1), "by_service": by_service}


IDLE_SECONDS = 10.0


def _wait(rig: Any, hops: dict[tuple[str, str], tuple[str, ...]], subjects: list[str]) -> None:
    import surge_bench

    surge_bench._wait_applied(rig, hops, subjects, 180.0)
    time.sleep(3)  # the relays' last marks and the sender's last outcomes


def measure(n: int = 20, log: Any = print) -> tuple[list[str], dict[str, Any]]:
    """Operations and commits per application, by phase: (lines, figures)."""
    import surge_bench
    from demo.sinks import Sinks

    receiver = OtlpReceiver().start()
    env = {"OTEL_TRACES_EXPORTER": "otlp", "OTEL_EXPORTER_OTLP_ENDPOINT": receiver.endpoint,
           "OTEL_EXPORTER_OTLP_PROTOCOL": "http/protobuf", "OTEL_BSP_SCHEDULE_DELAY": "200"}
    lines: list[str] = []
    figures: dict[str, Any] = {"n": n}
    with tempfile.TemporaryDirectory(prefix="zjtx-dbops-") as scratch:
        sinks = Sinks(Path(scratch) / "sinks")  # e-mail and SMS on, as in the surge
        env.update(sinks.start())
        rig = surge_bench._start(Path(scratch), env, log)  # tried again when the broker's management API is slow
        try:
            time.sleep(3)
            counted(receiver)  # start-up is not an application's
            drafts = surge.prepare_drafts(rig.targets["registration"], n, clients=4)
            time.sleep(3)
            more, figures["prepare"] = report("prepare (register, 5 sections, 8 attachments, pledge)", n, receiver)
            lines += more
            time.sleep(IDLE_SECONDS)  # what the suite does with no application at all, per second
            idle = (counted(receiver), IDLE_SECONDS)
            figures["idle_operations_per_second"] = round(sum(idle[0][0].values()) / IDLE_SECONDS, 2)
            lines.append(f"idle: {figures['idle_operations_per_second']:.1f} database operations per second "
                         "(relays' and the sender's polls, review's clock)")
            for service, count in idle[0][0].most_common():
                top = [(name, c) for (s, name), c in idle[0][1].most_common() if s == service][:6]
                lines.append(f"  {service:<13} {count / IDLE_SECONDS:5.1f}/s  "
                             + ", ".join(f"{name} {c / IDLE_SECONDS:.1f}" for name, c in top))
            started = time.monotonic()
            submissions = surge.submit_all(rig.targets["registration"], drafts, clients=4)
            _wait(rig, surge_bench.HOPS, [s.draft.application_id for s in submissions if s.accepted])
            more, figures["submit"] = report("submit (both hops: every consumer of application.submitted and of "
                                             "review.task_opened, and the e-mail and SMS sent)", len(submissions),
                                             receiver, time.monotonic() - started, idle)
            lines += more
            tasks = surge.open_task_ids(rig.targets["review"], drafts)
            started = time.monotonic()
            decisions = surge.pass_all(rig.targets["review"], drafts, tasks, clients=4)
            _wait(rig, surge_bench.DECISION_HOPS, [d.draft.application_id for d in decisions if d.decided])
            more, figures["pass"] = report("pass at level 1 (and every consumer's handling)", len(decisions), receiver,
                                           time.monotonic() - started, idle)
            lines += more
        finally:
            rig.close()
            sinks.stop()
            receiver.stop()
    return lines, figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=30)
    args = parser.parse_args()
    lines, figures = measure(args.n, log=lambda _: None)
    print("\n".join(lines))
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
