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
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402, F401 - import paths

from harness import surge  # noqa: E402
from harness.otlp import OtlpReceiver  # noqa: E402
from reliability.rig import start_rig  # noqa: E402


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


def report(title: str, n: int, receiver: OtlpReceiver) -> list[str]:
    per_service, per_command = counted(receiver)
    lines = [f"{title}: {sum(per_service.values()) / n:.1f} database operations per application"]
    for service, count in per_service.most_common():
        top = [(name, c) for (s, name), c in per_command.most_common() if s == service][:8]
        lines.append(f"  {service:<13} {count / n:5.1f}  " + ", ".join(f"{name} {c / n:.1f}" for name, c in top))
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=30)
    args = parser.parse_args()
    receiver = OtlpReceiver().start()
    env = {"OTEL_TRACES_EXPORTER": "otlp", "OTEL_EXPORTER_OTLP_ENDPOINT": receiver.endpoint,
           "OTEL_EXPORTER_OTLP_PROTOCOL": "http/protobuf", "OTEL_BSP_SCHEDULE_DELAY": "200"}
    lines: list[str] = []
    with tempfile.TemporaryDirectory(prefix="zjtx-dbops-") as scratch:
        rig = start_rig(Path(scratch), [], env=env)
        try:
            time.sleep(3)
            counted(receiver)  # start-up and idle polling are not an application's
            drafts = surge.prepare_drafts(rig.targets["registration"], args.n, clients=4)
            time.sleep(3)
            lines += report("prepare (register, 5 sections, 8 attachments, pledge)", args.n, receiver)
            submissions = surge.submit_all(rig.targets["registration"], drafts, clients=4)
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline and any(
                    rig.mongo[db].processed_events.count_documents({"type": "application.submitted"}) < args.n
                    for db in ("zjtx_review", "zjtx_notification", "zjtx_reporting")):
                time.sleep(0.5)
            time.sleep(3)
            lines += report("submit (and every consumer's handling)", len(submissions), receiver)
            tasks = surge.open_task_ids(rig.targets["review"], drafts)
            decisions = surge.pass_all(rig.targets["review"], drafts, tasks, clients=4)
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline and any(
                    rig.mongo[db].processed_events.count_documents({"type": "review.passed"}) < len(decisions)
                    for db in ("zjtx_registration", "zjtx_notification")):
                time.sleep(0.5)
            time.sleep(3)
            lines += report("pass at level 1 (and every consumer's handling)", len(decisions), receiver)
        finally:
            rig.close()
            receiver.stop()
    print("\n".join(lines))


if __name__ == "__main__":
    main()
