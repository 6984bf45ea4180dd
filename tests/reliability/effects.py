"""Counting what each consumer did with the events a fault test sent, beyond ``surge``'s tallies.

- ``applied_once``: every event, for every consumer subscribed to its type (read from the
  services' own handler declarations), has its ``processed_events`` record;
- ``effects_once``: the effects that no unique index guards by construction (registration's
  application history per review event) or that must not double although one does (inbox
  messages, e-mail/SMS deliveries, reporting's archive), counted per key (review's tasks
  are ``surge.tally_submissions``');
- ``skipped_duplicates``: the consumers' own "already applied" log lines, the proof that
  a duplicate reached them;
- ``dead_letters``: what waits in the dead-letter queues, through the operations command's
  own code.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pymongo import MongoClient

from harness.surge import Tally, tally
from zjtx.ops import DeadLetter, Operations
from zjtx.processes import SERVICES


@functools.cache
def subscribers() -> dict[tuple[str, str], list[tuple[str, str]]]:
    """(source, event type) -> [(consumer service, inbox consumer name)] from the handlers in the code."""
    from zjtx.broker_definitions import handlers

    found: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for service, method, source, event_type in handlers():
        class_name = SERVICES[service].split(":")[1]
        found.setdefault((source, event_type), []).append((service, f"{class_name}.{method}"))
    return found


def events_about(mongo: MongoClient, subjects: Iterable[str]) -> list[dict[str, Any]]:
    """Every outbox entry of every service about these subjects (applications or enterprises)."""
    wanted = {"$in": list(subjects)}
    return [entry for service in SERVICES
            for entry in mongo[f"zjtx_{service}"].outbox.find({"subject": wanted}, {"envelope.data": 0})]


def consumed(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The events some service of the suite consumes."""
    return [e for e in events if subscribers().get((e["envelope"]["source"], e["type"]))]


def applied_once(mongo: MongoClient, events: list[dict[str, Any]]) -> list[Tally]:
    """Per consumer service: each (consumer, event) it subscribes to was applied exactly once."""
    expected: dict[str, list[tuple[str, str]]] = {}
    for entry in events:
        source = entry["envelope"]["source"]
        for service, consumer in subscribers().get((source, entry["type"]), []):
            expected.setdefault(service, []).append((consumer, entry["_id"]))
    tallies = []
    for service, pairs in sorted(expected.items()):
        counts: Counter = Counter()
        ids = sorted({event_id for _, event_id in pairs})
        for record in mongo[f"zjtx_{service}"].processed_events.find({"event_id": {"$in": ids}},
                                                                     {"consumer": 1, "event_id": 1}):
            counts[(record["consumer"], record["event_id"])] += 1
        tallies.append(tally(f"{service} events applied (processed_events)", pairs, counts))
    return tallies


# Event types of a surge that notify someone: each leaves at least one inbox message, and
# those addressed to the enterprise also deliveries (its inbox; e-mail and SMS when a
# provider is configured).
INBOX_TYPES = ("enterprise.registered", "application.submitted", "review.task_opened", "review.passed")
DELIVERY_TYPES = ("enterprise.registered", "application.submitted", "review.passed")


def _worst(counts: Counter) -> Counter:
    """Per event: the largest count over its keys (event id first in each key)."""
    worst: Counter = Counter()
    for key, count in counts.items():
        worst[key[0]] = max(worst[key[0]], count)
    return worst


def effects_once(mongo: MongoClient, events: list[dict[str, Any]]) -> list[Tally]:
    """Effects per event: each exists, and none twice."""
    def of_types(*types: str) -> list[str]:
        return [e["_id"] for e in events if e["type"] in types]

    review_events = of_types("review.task_opened", "review.passed")
    history = Counter(h["data"]["event_id"] for h in mongo.zjtx_registration.application_history.find(
        {"data.event_id": {"$in": review_events}}, {"data.event_id": 1}))
    inbox = Counter((m["event_id"], m["recipient"]) for m in mongo.zjtx_notification.inbox.find(
        {"event_id": {"$in": of_types(*INBOX_TYPES)}}, {"event_id": 1, "recipient": 1}))
    deliveries = Counter((d["event_id"], d["recipient"], d["channel"]) for d in mongo.zjtx_notification.deliveries.find(
        {"event_id": {"$in": of_types(*DELIVERY_TYPES)}}, {"event_id": 1, "recipient": 1, "channel": 1}))
    archived = [e["_id"] for e in events
                if any(s == "reporting" for s, _ in subscribers().get((e["envelope"]["source"], e["type"]), []))]
    archive = Counter(a["_id"] for a in mongo.zjtx_reporting.event_archive.find({"_id": {"$in": archived}},
                                                                                 {"_id": 1}))
    return [
        tally("registration history entries per review event", review_events, history),
        tally("notification inbox messages per event and recipient", of_types(*INBOX_TYPES), _worst(inbox)),
        tally("notification deliveries per event, recipient and channel", of_types(*DELIVERY_TYPES),
              _worst(deliveries)),
        tally("reporting archived events", archived, archive),
    ]


def skipped_duplicates(log_dir: Path) -> Counter:
    """Per service: how often a consumer found an event applied already and skipped it."""
    counts: Counter = Counter()
    for service in SERVICES:
        path = log_dir / f"{service}.log"
        if path.exists():
            counts[service] = sum(1 for line in path.read_text(errors="replace").splitlines()
                                  if "already applied by" in line)
    return counts


def dead_letters(env: dict[str, str]) -> dict[str, tuple[int, list[DeadLetter]]]:
    return {name: found for name, found in Operations(env).dead_letters().items() if found[0]}
