"""Operations command: one application's timeline across every service, or the suite's state.

    python -m zjtx.ops <application id>   # every event, decision and delivery, in order, with trace ids
    python -m zjtx.ops                    # health, queues and consumers, outbox backlog, dead letters, failed deliveries
    python -m zjtx.ops --data var/demo/mongo <application id>   # on the data `make demo` left behind

It reads what the building blocks keep in every service's database (the outbox holds each
event with the trace context it was produced in; ``processed_events`` records when each
consumer applied it), the RabbitMQ management API (``RABBIT_MANAGEMENT_URI``, default
``http://guest:guest@127.0.0.1:15672``, vhost from ``AMQP_URI``) and each service's gRPC
health. ``ZJTX_TRACE_URL`` (e.g. ``http://localhost:16686/trace/{trace_id}`` for Jaeger)
turns trace ids into links. It shows no application contents beyond event types, states
and reviewers' reasons.
"""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any
from urllib.parse import quote, unquote, urlsplit

import requests
from pymongo import MongoClient

from zjtx.clock import to_shanghai
from zjtx.config import load_config
from zjtx.health import grpc_serving
from zjtx.processes import SERVICES

DEFAULT_MANAGEMENT = "http://guest:guest@127.0.0.1:15672"


@dataclass(frozen=True)
class TimelineRow:
    at: datetime              # wall clock, when the event was recorded
    platform_time: str        # the platform clock's time in the envelope
    service: str
    what: str
    detail: str
    trace_id: str


def trace_id_of(headers: dict[str, str] | None) -> str:
    parts = (headers or {}).get("traceparent", "").split("-")
    return parts[1] if len(parts) == 4 else ""


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def describe(event_type: str, data: dict[str, Any]) -> str:
    """A one-line summary without application contents."""
    step = data.get("step") or {}
    parts = []
    if step.get("unit_name") or step.get("unit_id"):
        parts.append(f"unit {step.get('unit_name') or step.get('unit_id')} level {step.get('level')}")
    if event_type == "review.returned":
        parts.append("reasons: " + "; ".join(f"{r.get('target_title') or r.get('target')}: {r.get('reason')}"
                                            for r in data.get("reasons", [])))
    if event_type == "review.rejected" and data.get("reason"):
        parts.append(f"reason: {data['reason']}")
    if event_type.startswith("notification."):
        parts.append(f"{data.get('channel')} to {data.get('recipient')} after {data.get('attempts')} attempt(s)"
                     + (f": {data.get('error')}" if data.get("error") else ""))
    application = data.get("application") or {}
    if application.get("snapshot_version"):
        parts.append(f"snapshot v{application['snapshot_version']} {application.get('content_hash', '')[:12]}")
    return ", ".join(p for p in parts if p)


class Operations:
    def __init__(self, env: dict[str, str] | None = None) -> None:
        self.env = dict(os.environ) if env is None else env
        self.configs = {name: load_config(name, env=self.env) for name in SERVICES}
        uri = self.env.get("MONGO_URI") or self.configs["registration"].get("MONGO_URI")
        self.mongo: MongoClient = MongoClient(uri, serverSelectionTimeoutMS=5000, tz_aware=True)
        self.management = self.env.get("RABBIT_MANAGEMENT_URI", DEFAULT_MANAGEMENT)
        amqp_path = urlsplit(self.env.get("AMQP_URI") or self.configs["registration"]["AMQP_URI"]).path
        self.vhost = unquote(amqp_path.lstrip("/")) or "/"
        self.trace_url = self.env.get("ZJTX_TRACE_URL", "")

    def database(self, service: str) -> Any:
        return self.mongo[self.configs[service].get("MONGO_DATABASE") or f"zjtx_{service}"]

    # -- timeline ------------------------------------------------------------------

    def timeline(self, application_id: str) -> list[TimelineRow]:
        rows: list[TimelineRow] = []
        produced: dict[str, tuple[str, str]] = {}
        for service in SERVICES:
            for entry in self.database(service).outbox.find({"subject": application_id}):
                envelope = entry["envelope"]
                trace_id = trace_id_of(entry.get("trace_headers"))
                produced[entry["_id"]] = (envelope["type"], trace_id)
                state = entry["state"] + (f" {to_shanghai(entry['published_at']):%H:%M:%S}"
                                          if entry.get("published_at") else "")
                detail = ", ".join(p for p in (describe(envelope["type"], envelope.get("data") or {}),
                                               f"outbox {state}") if p)
                rows.append(TimelineRow(_aware(entry["created_at"]), envelope["time"], service,
                                        envelope["type"], detail, trace_id))
        for service in SERVICES:
            for record in self.database(service).processed_events.find({"event_id": {"$in": list(produced)}}):
                event_type, trace_id = produced[record["event_id"]]
                rows.append(TimelineRow(_aware(record["applied_at"]), "", service, f"  handled {event_type}",
                                        f"by {record['consumer']}", trace_id))
        return sorted(rows, key=lambda row: row.at)

    def print_timeline(self, application_id: str) -> int:
        rows = self.timeline(application_id)
        if not rows:
            print(f"no events recorded for application {application_id}")
            return 1
        print(f"Timeline of application {application_id} (times in Asia/Shanghai)")
        for row in rows:
            link = self.trace_url.format(trace_id=row.trace_id) if self.trace_url and row.trace_id else row.trace_id
            platform = f" [platform {row.platform_time}]" if row.platform_time else ""
            print(f"{to_shanghai(row.at):%Y-%m-%d %H:%M:%S.%f}"[:-3] + f"  {row.service:<12} {row.what:<34} "
                  f"{row.detail}{platform}  trace {link}")
        traces = sorted({row.trace_id for row in rows if row.trace_id})
        print(f"{len(rows)} entries, {len(traces)} trace(s): {' '.join(traces)}")
        return 0

    # -- state of the suite --------------------------------------------------------

    def queues(self) -> list[dict[str, Any]]:
        response = requests.get(f"{self.management}/api/queues/{quote(self.vhost, safe='')}", timeout=10)
        response.raise_for_status()
        return response.json()

    def print_state(self) -> int:
        print("Services")
        for service, config in self.configs.items():
            target = f"127.0.0.1:{config['GRPC_BIND_PORT']}"
            print(f"  {service:<13} {target:<17} {'SERVING' if grpc_serving(target) else 'NOT SERVING'}")
        print("Outbox backlog (not yet published)")
        for service in SERVICES:
            outbox = self.database(service).outbox
            pending = outbox.count_documents({"state": {"$ne": "Published"}})
            failed = outbox.count_documents({"state": "Failed"})
            print(f"  {service:<13} {pending} pending, {failed} failed")
        print(f"Queues (vhost {self.vhost})")
        try:
            queues = self.queues()
        except requests.RequestException as exc:
            print(f"  management API not reachable ({exc}); enable rabbitmq_management")
            queues = []
        for queue in sorted(queues, key=lambda q: q["name"]):
            if queue["name"].endswith(".dead-letter"):
                continue
            print(f"  {queue['name']:<90} ready {queue.get('messages_ready', 0):>6}  "
                  f"unacked {queue.get('messages_unacknowledged', 0):>5}  consumers {queue.get('consumers', 0)}")
        dead = [q for q in queues if q["name"].endswith(".dead-letter") and q.get("messages", 0)]
        print(f"Dead letters: {sum(q.get('messages', 0) for q in dead)}")
        for queue in dead:
            print(f"  {queue['name']}: {queue['messages']}")
        failed = list(self.database("notification").deliveries.find({"state": "failed"}).limit(20)) \
            if "deliveries" in self.database("notification").list_collection_names() else []
        print(f"Failed deliveries: {len(failed)}")
        for delivery in failed:
            print(f"  {delivery.get('_id')} {delivery.get('channel')} to {delivery.get('recipient')}: "
                  f"{delivery.get('last_error') or delivery.get('error')}")
        return 0


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("application_id", nargs="?", help="print this application's timeline")
    parser.add_argument("--data", help="start the embedded database on this folder (e.g. var/demo/mongo) to read it")
    args = parser.parse_args(argv)
    env = dict(os.environ)
    server = None
    if args.data:
        from pathlib import Path

        from zjtx import embedded_mongo

        server = embedded_mongo.start(Path(args.data), log_path=Path(args.data).parent / "ops-mongo.log")
        env["MONGO_URI"] = server.uri
    try:
        operations = Operations(env)
        status = operations.print_timeline(args.application_id) if args.application_id else operations.print_state()
    finally:
        if server is not None:
            server.stop()
    sys.exit(status)


if __name__ == "__main__":
    main()
