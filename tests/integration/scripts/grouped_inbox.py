"""Run under eventlet: inbox records from many green threads at once (``zjtx.inbox.GroupRecorder``).
Prints one JSON line of findings (read by the test)."""

from __future__ import annotations

import eventlet

eventlet.monkey_patch()

import json  # noqa: E402
import sys  # noqa: E402
from typing import Any  # noqa: E402

from pymongo import MongoClient, monitoring  # noqa: E402

from zjtx.inbox import AlreadyApplied, GroupRecorder, record  # noqa: E402


class Inserts(monitoring.CommandListener):
    def __init__(self) -> None:
        self.count = 0

    def started(self, event: Any) -> None:
        if event.command_name == "insert" and event.command.get("insert") == "processed_events":
            self.count += 1

    def succeeded(self, event: Any) -> None:
        pass

    def failed(self, event: Any) -> None:
        pass


def run_all(recorder: GroupRecorder, events: list[str]) -> dict[str, str]:
    outcome: dict[str, str] = {}

    def one(event_id: str) -> None:
        try:
            recorder.record("Check.on_event", event_id, "check.event")
            outcome[event_id] = "written"
        except AlreadyApplied:
            outcome[event_id] = "already applied"
        except Exception as error:  # noqa: BLE001 - reported to the test
            outcome[event_id] = type(error).__name__

    pool = eventlet.GreenPool(len(events))
    for event_id in events:
        pool.spawn(one, event_id)
    pool.waitall()
    return outcome


inserts = Inserts()
client: MongoClient = MongoClient(sys.argv[1], event_listeners=[inserts], retryWrites=False)
db = client.zjtx_grouped_inbox_check
db.processed_events.drop()
for n in range(5):  # applied before: the group must report these, and write the others
    record(db, "Check.on_event", f"event-{n}", "check.event")
inserts.count = 0
outcome = run_all(GroupRecorder(db), [f"event-{n}" for n in range(40)])
stored = db.processed_events.count_documents({})
down = MongoClient("mongodb://127.0.0.1:9/", serverSelectionTimeoutMS=300, retryWrites=False)
unreachable = run_all(GroupRecorder(down.zjtx_grouped_inbox_check), [f"event-{n}" for n in range(6)])
print(json.dumps({"outcome": outcome, "inserts": inserts.count, "stored": stored, "unreachable": unreachable}))
