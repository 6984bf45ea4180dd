"""Operations command: one application's timeline across every service, or the suite's state.

    python -m zjtx.ops <application id>   # every event, decision and delivery, in order, with trace ids
    python -m zjtx.ops                    # health, queues and consumers, outbox backlog, dead letters, failed deliveries
    python -m zjtx.ops --data var/demo/mongo <application id>   # on the data `make demo` left behind
    python -m zjtx.ops dead-letters [--json]                # every dead letter: event, source queue, why, since when
    python -m zjtx.ops replay <queue> (--event <id> | --all)   # after a fix: back to the queue that failed it
    python -m zjtx.ops audit-verify [--service S] [--expect S=seq:hash] [--json]   # walk each audit chain
    python -m zjtx.ops audit-expire [--service S] [--days N]   # drop entries past retention (>= 180 days)

It reads what the building blocks keep in every service's database (the outbox holds each
event with the trace context it was produced in; ``processed_events`` records when each
consumer applied it), the RabbitMQ management API (``RABBIT_MANAGEMENT_URI``, default
``http://guest:guest@127.0.0.1:15672``, vhost from ``AMQP_URI``) and each service's gRPC
health. ``ZJTX_TRACE_URL`` (e.g. ``http://localhost:16686/trace/{trace_id}`` for Jaeger)
turns trace ids into links. It shows no application contents beyond event types, states
and reviewers' reasons.

Dead letters are read and replayed over AMQP (``AMQP_URI``): a handler that kept failing
left its message in ``<queue>.dead-letter`` (exchange ``zjtx.dead-letter``, routing key =
the queue's own name). ``replay`` publishes it to the default exchange with routing key =
that queue, so it reaches only the consumer that failed, not every subscriber of the
event; the dead letter is acknowledged only after the broker confirmed the copy, so a
replay that fails midway loses nothing (at worst the event is in both queues, and the
consumer applies it once).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from typing import Any
from urllib.parse import quote, unquote, urlsplit

import amqp
import requests
from kombu import Connection
from pymongo import MongoClient

from zjtx.clock import to_shanghai
from zjtx.config import load_config
from zjtx.health import grpc_serving
from zjtx.processes import SERVICES

DEFAULT_MANAGEMENT = "http://guest:guest@127.0.0.1:15672"
DEAD_LETTER_SUFFIX = ".dead-letter"  # zjtx.events.dead_letter_queue_name (not imported: it pulls in nameko)
# Broker bookkeeping that must not travel with a replayed copy: a quorum queue counts the
# copy's deliveries afresh, and a stale count would mislead the handler's attempt log.
NOT_REPLAYED_HEADERS = ("x-delivery-count",)


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


@dataclass(frozen=True)
class DeadLetter:
    """What operations staff need to decide about a dead letter, and nothing of its contents."""

    dead_letter_queue: str
    event_id: str
    type: str
    subject: str          # the application (or enterprise) the event is about
    source_queue: str     # the consumer's queue that gave up on it
    reason: str           # x-death reason: delivery_limit (kept failing), rejected (could never apply)...
    count: int            # how often it was dead-lettered from that queue (a replay that fails again adds one)
    first_death: str      # ISO time, UTC
    last_death: str
    replays: int          # how often operations replayed it


def _iso(value: Any) -> str:
    if isinstance(value, datetime):
        return _aware(value).astimezone(timezone.utc).isoformat(timespec="seconds")
    return str(value or "")


def source_queue_of(dead_letter_queue: str, headers: dict[str, Any]) -> str:
    """The queue a dead letter came from: the newest x-death entry, else the queue's name."""
    deaths = headers.get("x-death") or []
    if deaths and deaths[0].get("queue"):
        return str(deaths[0]["queue"])
    return dead_letter_queue.removesuffix(DEAD_LETTER_SUFFIX)


def dead_letter_of(dead_letter_queue: str, message: Any) -> DeadLetter:
    headers = dict(message.headers or {})
    properties = message.properties or {}
    try:
        body = json.loads(message.body)
    except (TypeError, ValueError):
        body = {}
    if not isinstance(body, dict):
        body = {}
    source = source_queue_of(dead_letter_queue, headers)
    deaths = [d for d in headers.get("x-death") or [] if d.get("queue") == source] or headers.get("x-death") or [{}]
    times = sorted(_iso(d.get("time")) for d in deaths if d.get("time"))
    return DeadLetter(
        dead_letter_queue=dead_letter_queue,
        # a malformed body has no envelope id: the AMQP message id still names it
        event_id=str(body.get("id") or properties.get("message_id") or ""),
        type=str(body.get("type") or properties.get("type") or ""),
        subject=str(body.get("subject") or ""),
        source_queue=source,
        reason=str(deaths[0].get("reason") or headers.get("x-first-death-reason") or ""),
        count=sum(int(d.get("count") or 0) for d in deaths),
        first_death=times[0] if times else "",
        last_death=times[-1] if times else "",
        replays=int(headers.get("x-zjtx-replays") or 0),
    )


class ReplayError(Exception):
    """A replay that cannot be done; the message says what was wrong and what is accepted."""


class Operations:
    def __init__(self, env: dict[str, str] | None = None) -> None:
        self.env = dict(os.environ) if env is None else env
        if not self.env.get("AMQP_URI"):
            # beside `make up`: its instance (default the province's) and that instance's vhost
            from zjtx.up import DEFAULT_INSTANCE, prepare_instance

            prepare_instance(self.env, self.env.get("ZJTX_INSTANCE") or DEFAULT_INSTANCE)
        self.configs = {name: load_config(name, env=self.env) for name in SERVICES}
        uri = self.env.get("MONGO_URI") or self.configs["registration"].get("MONGO_URI")
        self.mongo: MongoClient = MongoClient(uri, serverSelectionTimeoutMS=5000, tz_aware=True)
        self.management = self.env.get("RABBIT_MANAGEMENT_URI", DEFAULT_MANAGEMENT)
        amqp_path = urlsplit(self.env.get("AMQP_URI") or self.configs["registration"]["AMQP_URI"]).path
        self.vhost = unquote(amqp_path.lstrip("/")) or "/"
        self.amqp_uri = self.env.get("AMQP_URI") or self.configs["registration"]["AMQP_URI"]
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
        if dead:
            print("  each one: python -m zjtx.ops dead-letters; after the fix: python -m zjtx.ops replay <queue> --event <id>")
        failed = list(self.database("notification").deliveries.find({"state": "failed"}).limit(20)) \
            if "deliveries" in self.database("notification").list_collection_names() else []
        print(f"Failed deliveries: {len(failed)}")
        for delivery in failed:
            print(f"  {delivery.get('_id')} {delivery.get('channel')} to {delivery.get('recipient')}: "
                  f"{delivery.get('last_error') or delivery.get('error')}")
        return 0

    # -- dead letters --------------------------------------------------------------

    @contextmanager
    def broker(self) -> Iterator[Connection]:
        # confirms on: replay acknowledges a dead letter only once its copy is confirmed
        connection = Connection(self.amqp_uri, transport_options={"confirm_publish": True}, connect_timeout=20)
        try:
            connection.ensure_connection(max_retries=3)
            yield connection
        finally:
            connection.release()

    def dead_letter_queues(self) -> list[str]:
        return sorted(q["name"] for q in self.queues() if q["name"].endswith(DEAD_LETTER_SUFFIX))

    @staticmethod
    def depth(connection: Connection, queue: str) -> int | None:
        """Messages in ``queue`` as the broker counts them now, or None when it does not exist.

        Its own channel: a passive declare of a missing queue closes the channel it ran on."""
        channel = connection.channel()
        try:
            _, count, _ = channel.queue_declare(queue, passive=True)
            return int(count)
        except Exception as exc:  # amqp.exceptions.NotFound, but also a refused vhost
            if getattr(exc, "code", None) == 404:
                return None
            raise
        finally:
            if channel.is_open:
                channel.close()

    def dead_letters(self, queues: list[str] | None = None, limit: int = 1000) -> dict[str, tuple[int, list[DeadLetter]]]:
        """Per dead-letter queue: its depth and (up to ``limit``) its messages, left in place."""
        found: dict[str, tuple[int, list[DeadLetter]]] = {}
        with self.broker() as connection:
            for name in queues or self.dead_letter_queues():
                count = self.depth(connection, name)
                if count is None:
                    continue
                channel = connection.channel()
                letters: list[DeadLetter] = []
                try:
                    # basic.get without ack: the broker keeps each message until the channel
                    # closes, then puts it back where it was (nothing is consumed by looking)
                    for _ in range(min(count, limit)):
                        message = channel.basic_get(name, no_ack=False)
                        if message is None:
                            break
                        letters.append(dead_letter_of(name, message))
                finally:
                    channel.close()
                found[name] = (count, letters)
        return found

    def print_dead_letters(self, queues: list[str] | None = None, as_json: bool = False) -> int:
        try:
            found = self.dead_letters(queues)
        except requests.RequestException as exc:
            # the queue names come from the management API; named queues need only AMQP
            print(f"management API not reachable ({exc}): enable rabbitmq_management, or name the dead-letter "
                  "queues: python -m zjtx.ops dead-letters <queue>.dead-letter ...", file=sys.stderr)
            return 1
        if as_json:
            print(json.dumps({name: {"messages": count, "dead_letters": [asdict(letter) for letter in letters]}
                              for name, (count, letters) in found.items()}, ensure_ascii=False, indent=1))
            return 0
        total = sum(count for count, _ in found.values())
        holding = {name: value for name, value in found.items() if value[0]}
        print(f"Dead letters (vhost {self.vhost}): {total} in {len(holding)} of {len(found)} dead-letter queues")
        for name, (count, letters) in holding.items():
            print(f"{name}: {count}")
            for letter in letters:
                first = f"{to_shanghai(datetime.fromisoformat(letter.first_death)):%Y-%m-%d %H:%M:%S}" \
                    if letter.first_death else "?"
                replays = f", replayed {letter.replays}x" if letter.replays else ""
                print(f"  event {letter.event_id or '?'}  {letter.type or '?'}  subject {letter.subject or '?'}  "
                      f"from {letter.source_queue}  {letter.reason or '?'} x{letter.count}  since {first}{replays}")
            if len(letters) < count:
                print(f"  ... {count - len(letters)} more not shown")
        if holding:
            print("Replay one after the fix: python -m zjtx.ops replay <dead-letter queue> --event <event id>")
        return 0

    def replay(self, queue: str, event_id: str | None = None, replay_all: bool = False) -> list[DeadLetter]:
        """Move dead letters back to the queue that failed them: one event, or all of them."""
        if bool(event_id) == replay_all:
            raise ReplayError("say which dead letters to replay: --event <event id> or --all")
        dead_letter_queue = queue if queue.endswith(DEAD_LETTER_SUFFIX) else queue + DEAD_LETTER_SUFFIX
        replayed: list[DeadLetter] = []
        with self.broker() as connection:
            count = self.depth(connection, dead_letter_queue)
            if count is None:
                raise ReplayError(f"no queue {dead_letter_queue!r} in vhost {self.vhost!r}; accepted: a dead-letter "
                                  "queue (or its source queue) as `python -m zjtx.ops dead-letters` lists them")
            reader, publisher = connection.channel(), connection.channel()
            try:
                # only what is there now: a copy that fails again is dead-lettered to the tail
                # of this queue and must not be replayed a second time by the same run
                for _ in range(count):
                    message = reader.basic_get(dead_letter_queue, no_ack=False)
                    if message is None:
                        break
                    letter = dead_letter_of(dead_letter_queue, message)
                    if not replay_all and letter.event_id != event_id:
                        continue  # not acked: goes back in place when the channel closes
                    if self.depth(connection, letter.source_queue) is None:
                        raise ReplayError(f"event {letter.event_id}: its source queue {letter.source_queue!r} no "
                                          "longer exists (consumer removed?); the dead letter was left in place")
                    headers = {k: v for k, v in (message.headers or {}).items() if k not in NOT_REPLAYED_HEADERS}
                    headers["x-zjtx-replays"] = letter.replays + 1
                    # every property as it was (message id, type, content type...), persistent
                    copy = amqp.Message(message.body, **{**(message.properties or {}), "application_headers": headers,
                                                         "delivery_mode": 2})
                    # default exchange, routing key = the queue: only the consumer that failed
                    # gets it again; returns once the broker confirmed (raises on nack/unroutable)
                    publisher.basic_publish(copy, exchange="", routing_key=letter.source_queue, mandatory=True)
                    reader.basic_ack(message.delivery_tag)
                    replayed.append(letter)
                    if not replay_all:
                        break
            finally:
                for channel in (reader, publisher):
                    if channel.is_open:
                        channel.close()
        if event_id and not replayed:
            raise ReplayError(f"event {event_id} is not among the {count} message(s) in {dead_letter_queue}; "
                              "list them with `python -m zjtx.ops dead-letters`")
        return replayed

    def print_replay(self, queue: str, event_id: str | None, replay_all: bool) -> int:
        try:
            replayed = self.replay(queue, event_id, replay_all)
        except ReplayError as error:
            print(f"replay refused: {error}", file=sys.stderr)
            return 1
        for letter in replayed:
            print(f"replayed event {letter.event_id} ({letter.type}, subject {letter.subject}) "
                  f"from {letter.dead_letter_queue} to {letter.source_queue}")
        print(f"{len(replayed)} dead letter(s) replayed")
        return 0



def dead_letter_main(command: str, argv: list[str], env: dict[str, str]) -> int:
    parser = argparse.ArgumentParser(prog=f"python -m zjtx.ops {command}")
    if command == "dead-letters":
        parser.description = "List every dead letter: event id, type, subject, source queue, why and since when."
        parser.add_argument("queues", nargs="*", help="only these dead-letter queues")
        parser.add_argument("--json", action="store_true", help="machine-readable output")
        args = parser.parse_args(argv)
        return Operations(env).print_dead_letters(args.queues or None, as_json=args.json)
    parser.description = "Move dead letters back to the queue whose consumer failed them (after the fix)."
    parser.add_argument("queue", help="the dead-letter queue (or its source queue)")
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--event", help="the event id to replay")
    which.add_argument("--all", action="store_true", help="every message in the queue now")
    args = parser.parse_args(argv)
    return Operations(env).print_replay(args.queue, args.event, args.all)


AUDITED = ("review", "gateway", "registration", "notification", "reporting")


def audit_verify_main(argv: list[str], env: dict[str, str]) -> int:
    """Walk each service's hash-chained audit trail (zjtx.audit); exit 1 when one is broken."""
    from zjtx import audit

    parser = argparse.ArgumentParser(prog="python -m zjtx.ops audit-verify", description=(
        "Verify every service's tamper-evident audit trail: names the first edited, deleted or reordered entry, "
        "or says the chain is intact with its count and head (seq:hash: keep it outside the database)."))
    parser.add_argument("--service", action="append", choices=AUDITED, help="only this service (repeatable)")
    parser.add_argument("--expect", action="append", default=[], metavar="SERVICE=SEQ:HASH",
                        help="a head recorded earlier: the chain must still hold that entry with that hash")
    parser.add_argument("--data", help="start the embedded database on this folder (e.g. var/demo/mongo) to read it")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    args = parser.parse_args(argv)
    expected: dict[str, tuple[int, str]] = {}
    for text in args.expect:
        service, _, head = text.partition("=")
        seq, _, digest = head.partition(":")
        if service not in AUDITED or not seq.isdigit() or not digest:
            parser.error(f"--expect {text!r}: accepted form SERVICE=SEQ:HASH with SERVICE one of {', '.join(AUDITED)}")
        expected[service] = (int(seq), digest.lower())
    server = None
    if args.data:
        from pathlib import Path

        from zjtx import embedded_mongo

        server = embedded_mongo.start(Path(args.data), log_path=Path(args.data).parent / "ops-mongo.log")
        env = {**env, "MONGO_URI": server.uri}
    try:
        uri = env.get("MONGO_URI") or load_config("review", env=env).get("MONGO_URI")
        client: MongoClient = MongoClient(uri, serverSelectionTimeoutMS=5000, tz_aware=True)
        results = []
        for service in args.service or AUDITED:
            config = load_config(service, env=env)
            db = client[config.get("MONGO_DATABASE") or f"zjtx_{service}"]
            if service not in (args.service or ()) and service not in expected \
                    and db[audit.COLLECTION].find_one({}, {"_id": 1}) is None:
                continue  # a service that keeps no trail (yet) is not listed unless asked for
            results.append(audit.AuditTrail(db, service).verify(expected.get(service)))
        client.close()
    finally:
        if server is not None:
            server.stop()
    if args.json:
        print(json.dumps([{**asdict(r), "intact": r.intact} for r in results], ensure_ascii=False, indent=2))
    else:
        for result in results:
            print(result.describe())
        if not results:
            where = str(uri).split("@")[-1]  # no credentials in the output
            print(f"no audit trail in the databases at {where} (nothing audited yet, or another MONGO_URI)")
    return 0 if all(r.intact for r in results) else 1


def audit_expire_main(argv: list[str], env: dict[str, str]) -> int:
    """Expire audit entries older than the retention period (at least 180 days), leaving a checkpoint."""
    from datetime import UTC, datetime, timedelta

    from zjtx import audit

    parser = argparse.ArgumentParser(prog="python -m zjtx.ops audit-expire", description=(
        "Drop audit entries older than the retention period (ZJTX_AUDIT_RETENTION_DAYS, default and minimum "
        f"{audit.RETENTION_MINIMUM_DAYS} days) from each service's chain, after appending a checkpoint entry "
        "(audit.expired) that verification starts from. Run it daily (cron, a Kubernetes CronJob)."))
    parser.add_argument("--service", action="append", choices=AUDITED, help="only this service (repeatable)")
    parser.add_argument("--days", type=int, default=int(env.get("ZJTX_AUDIT_RETENTION_DAYS") or
                                                         audit.RETENTION_MINIMUM_DAYS))
    args = parser.parse_args(argv)
    if args.days < audit.RETENTION_MINIMUM_DAYS:
        print(f"audit-expire: {args.days} days is shorter than the legal minimum of {audit.RETENTION_MINIMUM_DAYS} "
              "(Cybersecurity Law art. 21: six months); nothing expired", file=sys.stderr)
        return 2
    before = datetime.now(UTC) - timedelta(days=args.days)
    uri = env.get("MONGO_URI") or load_config("review", env=env).get("MONGO_URI")
    client: MongoClient = MongoClient(uri, serverSelectionTimeoutMS=5000, tz_aware=True)
    try:
        for service in args.service or AUDITED:
            config = load_config(service, env=env)
            db = client[config.get("MONGO_DATABASE") or f"zjtx_{service}"]
            if db[audit.COLLECTION].find_one({}, {"_id": 1}) is None:
                continue
            gone = audit.AuditTrail(db, service).expire(before)
            print(f"{service}: {gone} entries written before {before.date().isoformat()} expired")
    finally:
        client.close()
    return 0


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] in ("dead-letters", "replay"):
        sys.exit(dead_letter_main(argv[0], argv[1:], dict(os.environ)))
    if argv and argv[0] == "audit-verify":
        sys.exit(audit_verify_main(argv[1:], dict(os.environ)))
    if argv and argv[0] == "audit-expire":
        sys.exit(audit_expire_main(argv[1:], dict(os.environ)))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     epilog="Dead letters: `python -m zjtx.ops dead-letters`, "
                                            "`python -m zjtx.ops replay <queue> (--event <id> | --all)`; "
                                            "audit trails: `python -m zjtx.ops audit-verify`.")
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
