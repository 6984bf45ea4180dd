"""Transactional outbox (states as in eShop: NotPublished, InProgress, Published, Failed).

An event is inserted into the producer's own ``outbox`` collection in the same transaction
as the state change that caused it, so a crash between the two loses nothing. The relay,
a green thread in every service process, publishes to RabbitMQ with publisher confirms and
marks entries Published only after the broker confirmed them, in two ways:

- right after the commit: the unit of work hands its entries to the relay, which publishes
  them without claiming them first and marks them Published with one ``update_many`` for
  the hand-overs of up to ``OUTBOX_MARK_DELAY_SECONDS`` (0.5 s; no look-up, no claim);
- as the fallback, every ``OUTBOX_POLL_SECONDS``: it claims what is due and publishes it.
  An entry handed over is due only ``OUTBOX_HANDOVER_GRACE_SECONDS`` after its commit, so
  the poll takes it only when the hand-over did not happen (the process died, the broker
  was away). An entry claimed by a relay that died is reclaimed after a lease.

Consumers are idempotent by event id, so the rare re-publish after a crash is harmless.
"""

from __future__ import annotations

import collections
import json
import logging
import os
import socket
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

import eventlet
from eventlet.event import Event
from kombu import Connection, Exchange, Producer
from opentelemetry import context as otel_context
from opentelemetry import propagate, trace
from pymongo import ASCENDING, IndexModel
from pymongo.database import Database

from zjtx import attributes
from zjtx.clock import iso, now
from zjtx.envelope import SCHEMA_VERSION, exchange_name
from zjtx.processes import process_alive
from zjtx.transient import is_infrastructure_error

log = logging.getLogger(__name__)
tracer = trace.get_tracer("zjtx.outbox")

NOT_PUBLISHED, IN_PROGRESS, PUBLISHED, FAILED = "NotPublished", "InProgress", "Published", "Failed"
PUBLISHED_RETENTION_SECONDS = 7 * 24 * 3600

OUTBOX_INDEXES = {
    "outbox": [
        IndexModel([("state", ASCENDING), ("next_attempt_at", ASCENDING), ("seq", ASCENDING)], name="pending"),
        IndexModel([("subject", ASCENDING), ("seq", ASCENDING)], name="by_subject"),
        # Published entries are kept a week for operations staff, then expire.
        IndexModel([("published_at", ASCENDING)], name="published_ttl",
                   expireAfterSeconds=PUBLISHED_RETENTION_SECONDS),
    ]
}


def _utcnow() -> datetime:
    # Outbox bookkeeping follows the wall clock, not the platform clock: leases and
    # back-off are about real elapsed time even when the platform replays 2020.
    return datetime.now(timezone.utc)


@dataclass(frozen=True)
class PendingEvent:
    """An event produced inside a unit of work, with the trace context it was produced in."""

    id: str
    type: str
    source: str
    subject: str
    time: str
    data: dict[str, Any]
    trace_headers: dict[str, str]

    @classmethod
    def create(cls, source: str, event_type: str, subject: str, data: dict[str, Any],
               event_id: str = "") -> PendingEvent:
        """``event_id``: given when the event must keep its id if produced again (a handler
        without a transaction, run again after a crash: ``zjtx.mongo.UnitOfWork.origin``)."""
        carrier: dict[str, str] = {}
        propagate.inject(carrier)
        return cls(event_id or uuid.uuid4().hex, event_type, source, subject, iso(now()), data, carrier)

    def envelope(self) -> dict[str, Any]:
        return {
            "id": self.id, "type": self.type, "source": self.source, "time": self.time,
            "subject": self.subject, "schemaversion": SCHEMA_VERSION, "data": self.data,
        }


def _before(value: datetime | None, limit: datetime) -> bool:
    """``value < limit`` for stored times, which a client without tz_aware reads naive (UTC)."""
    if value is None:
        return False
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value < limit


def entries(events: list[PendingEvent], grace_seconds: float = 0.0) -> list[dict[str, Any]]:
    """The outbox entries of ``events``; ``grace_seconds``: how long the polling relay leaves them
    to the hand-over after the commit."""
    created = _utcnow()
    due = created + timedelta(seconds=grace_seconds)
    # seq orders entries by production: wall time in ns plus the position in this batch.
    base = time.time_ns()
    return [
        {
            "_id": event.id,
            "seq": base + position,
            "type": event.type,
            "subject": event.subject,
            "envelope": event.envelope(),
            "trace_headers": event.trace_headers,
            "state": NOT_PUBLISHED,
            "attempts": 0,
            "created_at": created,
            "next_attempt_at": due,
        }
        for position, event in enumerate(events)
    ]


class OutboxRelay:
    """Publishes outbox entries of one database to the source's events exchange."""

    def __init__(self, db: Database, source: str, settings: dict[str, Any]) -> None:
        self.db = db
        self.source = source
        self.amqp_uri = settings.get("AMQP_URI") or "amqp://guest:guest@127.0.0.1:5672/"
        self.batch_size = int(settings.get("OUTBOX_BATCH_SIZE", 100))
        self.poll_seconds = float(settings.get("OUTBOX_POLL_SECONDS", 1.0))
        self.lease_seconds = float(settings.get("OUTBOX_LEASE_SECONDS", 30))
        # the relay's retry interval while the broker or database is away: short, because an
        # attempt costs one connection and every second waited delays every event after it
        self.max_backoff_seconds = float(settings.get("OUTBOX_MAX_BACKOFF_SECONDS", 5))
        # how long after its commit an entry handed over for publishing is left to the hand-over
        # before the polling relay may take it: longer than a hand-over takes under load
        self.handover_grace_seconds = float(settings.get("OUTBOX_HANDOVER_GRACE_SECONDS", 5))
        # handed-over entries confirmed by the broker are marked Published together, at most this
        # long after the first of them: one update for the hand-overs of several commits (well
        # within the grace, so the poll never takes them meanwhile)
        self.mark_delay_seconds = min(float(settings.get("OUTBOX_MARK_DELAY_SECONDS", 0.5)),
                                      self.handover_grace_seconds / 4)
        self.owner = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.exchange = Exchange(exchange_name(source), type="topic", durable=True, delivery_mode=2)
        self._wakeup = Event()
        self._running = True
        self._connection: Connection | None = None
        self._producer: Producer | None = None
        self.published_total = 0
        # confirmed by the broker, but marking them Published failed (the database went away)
        self._unmarked: list[str] = []
        self._in_flight_look_at = 0.0  # monotonic: when claim() next looks at entries in flight
        # committed entries handed over for publishing at once (hand_over), oldest first
        self._handed: collections.deque[dict[str, Any]] = collections.deque()
        # handed over, confirmed, to be marked Published by _mark_handed (due at _mark_at, monotonic)
        self._to_mark: list[str] = []
        self._mark_at: float | None = None

    # -- lifecycle ---------------------------------------------------------------------

    def wake(self) -> None:
        if not self._wakeup.ready():
            self._wakeup.send(True)

    def hand_over(self, entries: list[dict[str, Any]]) -> None:
        """Committed entries (as ``entries`` made them), to publish now rather than at the next poll."""
        self._handed.extend(entries)
        self.wake()

    def stop(self) -> None:
        try:
            self._mark_handed(force=True)
        except Exception:  # the database is away: the poll publishes them again after the grace
            log.debug("could not mark handed-over outbox entries published at stop", exc_info=True)
        self._running = False
        self.wake()
        self._close_connection()

    def run(self) -> None:
        try:
            self.release_orphans()
        except Exception as exc:  # the database may be away at start: the lease covers it then
            log.warning("outbox relay of %s could not check for orphaned claims (%s: %s)",
                        self.source, type(exc).__name__, exc)
        failures = 0
        next_poll = 0.0  # monotonic: when the polling pass is due
        # one green thread does both the hand-over and the poll: they share one AMQP channel
        while self._running:
            try:
                self._mark_handed()
                if self._handed:
                    self.publish_handed()
                    failures = 0
                    eventlet.sleep(0)  # let the workers that hand over more run between batches
                    continue
                if time.monotonic() >= next_poll:
                    published = self.relay_batch()
                    failures = 0
                    next_poll = time.monotonic() + (0 if published >= self.batch_size else self.poll_seconds)
                    if published >= self.batch_size:
                        eventlet.sleep(0)
                        continue
            except Exception as exc:  # broker or database down: back off, keep the entries
                failures += 1
                self._in_flight_look_at = 0.0  # a pass cut short may have left claims of ours
                delay = min(self.max_backoff_seconds, 0.5 * 2 ** min(failures, 6))
                log.warning("outbox relay of %s failed (%s: %s); retrying in %.1fs",
                            self.source, type(exc).__name__, exc, delay)
                self._close_connection()
                eventlet.sleep(delay)
                continue
            wake_at = next_poll if self._mark_at is None else min(next_poll, self._mark_at)
            with eventlet.Timeout(max(0.0, wake_at - time.monotonic()), False):
                self._wakeup.wait()
            self._wakeup = Event()

    def publish_handed(self) -> int:
        """Publish up to a batch of the entries handed over, then mark them Published in one update.

        Not claimed first: the polling relay leaves them alone for the grace period. What fails
        here stays NotPublished in the outbox and the poll publishes it once the grace is over;
        an entry a poll took meanwhile (the grace passed) is published twice at worst, which the
        consumers' inbox absorbs. The handed-over entries are dropped from memory either way."""
        batch = [self._handed.popleft() for _ in range(min(self.batch_size, len(self._handed)))]
        if self._unmarked:
            self._mark_published(self._unmarked)
            self._unmarked = []
        published: list[str] = []
        try:
            for entry in batch:
                self.publish(entry)
                published.append(entry["_id"])
        finally:
            if published:
                self._to_mark.extend(published)
                if self._mark_at is None:
                    self._mark_at = time.monotonic() + self.mark_delay_seconds
        self._mark_handed(force=len(self._to_mark) >= self.batch_size)
        return len(published)

    def _mark_handed(self, force: bool = False) -> None:
        """Mark the confirmed hand-overs Published in one update once the first has waited
        ``mark_delay_seconds`` (or a batch is full). Should it fail they stay listed and are
        marked on the next pass; past the grace the poll would publish them again, which the
        consumers' inbox absorbs."""
        if not self._to_mark or not (force or time.monotonic() >= (self._mark_at or 0.0)):
            return
        ids = self._to_mark[: max(self.batch_size, 1) * 10]
        self._mark_published(ids, handed=True)
        self._to_mark = self._to_mark[len(ids):]
        self._mark_at = time.monotonic() + self.mark_delay_seconds if self._to_mark else None

    def release_orphans(self) -> int:
        """Entries claimed by a relay whose process died on this host go back at once.

        A service restarted after a crash (SIGKILL, OOM) would otherwise leave the events its
        old relay had claimed for the lease (30 s) before anyone publishes them. Only claims
        that are certainly dead are released: same host, and either the same pid as ours
        (a restarted container) or a pid that no longer exists; any other waits out the lease.
        """
        host, pid = socket.gethostname(), os.getpid()
        released = 0
        for owner in self.db.outbox.distinct("claimed_by", {"state": IN_PROGRESS}):
            if not isinstance(owner, str) or owner == self.owner:
                continue
            owner_host, _, rest = owner.partition(":")
            owner_pid = rest.partition(":")[0]
            if owner_host != host or not owner_pid.isdigit():
                continue
            if int(owner_pid) != pid and process_alive(int(owner_pid)):
                continue
            result = self.db.outbox.update_many(
                {"state": IN_PROGRESS, "claimed_by": owner},
                {"$set": {"state": NOT_PUBLISHED, "next_attempt_at": _utcnow()},
                 "$unset": {"claimed_by": "", "claimed_at": ""}},
            )
            released += result.modified_count
        if released:
            log.warning("outbox relay of %s released %d entries claimed by a relay that died", self.source, released)
        return released

    # -- one pass ----------------------------------------------------------------------

    def _claimable(self, at: datetime) -> list[dict[str, Any]]:
        """The kinds of claimable entry, each a query the ``pending`` index (state first) answers.

        Not one ``$or``: a server without index unions for ``$or`` (SecantusDB, the embedded
        server) scans the whole outbox for it, Published entries included, so every relay pass
        cost more as events accumulated (docs/performance.md)."""
        return [
            {"state": {"$in": [NOT_PUBLISHED, FAILED]}, "next_attempt_at": {"$lte": at}},
            {"state": IN_PROGRESS, "claimed_at": {"$lt": at - timedelta(seconds=self.lease_seconds)}},
            # ours, left over from a pass that failed (passes run one at a time): no lease to wait
            {"state": IN_PROGRESS, "claimed_by": self.owner},
        ]

    def claim(self) -> list[dict[str, Any]]:
        at = _utcnow()
        kinds = self._claimable(at)
        due = list(self.db.outbox.find(kinds[0]).sort("seq", ASCENDING).limit(self.batch_size))
        # entries in flight are few: one look at them all, then which of them we may take. Only every
        # few seconds (a lease is 30 s) unless our own last pass failed: it was half an idle relay's work
        in_flight: list[dict[str, Any]] = []
        if time.monotonic() >= self._in_flight_look_at:
            self._in_flight_look_at = time.monotonic() + min(5.0, self.lease_seconds / 4)
            in_flight = list(self.db.outbox.find({"state": IN_PROGRESS}, {"_id": 1, "seq": 1, "state": 1,
                                                                        "claimed_at": 1, "claimed_by": 1}))
        expired = kinds[1]["claimed_at"]["$lt"]
        stale = [d for d in in_flight if d.get("claimed_by") == self.owner or _before(d.get("claimed_at"), expired)]
        chosen = sorted([*due, *stale], key=lambda d: d["seq"])[: self.batch_size]
        if not chosen:
            return []
        claim = {"$set": {"state": IN_PROGRESS, "claimed_by": self.owner, "claimed_at": at}}
        due_ids = [d["_id"] for d in chosen if d.get("state") in (NOT_PUBLISHED, FAILED)]
        stale_ids = [d["_id"] for d in chosen if d.get("state") not in (NOT_PUBLISHED, FAILED)]
        claimed = 0
        if due_ids:  # still due: another relay may have taken some since we looked
            claimed += self.db.outbox.update_many({"_id": {"$in": due_ids}, **kinds[0]}, claim).modified_count
        for kind in kinds[1:] if stale_ids else []:
            claimed += self.db.outbox.update_many({"_id": {"$in": stale_ids}, **kind}, claim).modified_count
        if claimed == len(chosen) and not stale_ids:
            # every due entry is ours and we hold its whole document already: no second read
            return [{**d, **claim["$set"]} for d in chosen]
        ids = [d["_id"] for d in chosen]
        return list(
            self.db.outbox.find({"_id": {"$in": ids}, "state": IN_PROGRESS, "claimed_by": self.owner})
            .sort("seq", ASCENDING)
        )

    def relay_batch(self) -> int:
        if self._unmarked:  # before anything else, or the next claim would publish them again
            self._mark_published(self._unmarked)
            self._unmarked = []
        entries = self.claim()
        published: list[str] = []
        try:
            for entry in entries:
                self.publish(entry)
                published.append(entry["_id"])
        except Exception as exc:
            self._release_failed(entries, published, infrastructure=is_infrastructure_error(exc))
            raise
        finally:
            if published:
                try:
                    self._mark_published(published)
                except Exception:
                    self._unmarked.extend(published)  # marked on the next pass
                    raise
        return len(published)

    def _mark_published(self, ids: list[str], handed: bool = False) -> None:
        # handed over: only while still NotPublished (a poll that took one after the grace marks its own)
        condition: dict[str, Any] = {"_id": {"$in": ids}}
        if handed:
            condition["state"] = NOT_PUBLISHED
        self.db.outbox.update_many(
            condition,
            {"$set": {"state": PUBLISHED, "published_at": _utcnow()}, "$inc": {"attempts": 1}},
        )
        self.published_total += len(ids)

    def _release_failed(self, entries: list[dict[str, Any]], published: list[str], infrastructure: bool = False) -> None:
        """Entries not confirmed go back as Failed with a back-off, never lost.

        When the broker (or database) is away the entries are not at fault: they are due again
        at once, and the relay's own back-off paces the next attempt, so they go out as soon
        as the broker is back instead of each waiting out a back-off of its own."""
        self._in_flight_look_at = 0.0  # our claims are left in flight: take them back on the next pass
        remaining = [e for e in entries if e["_id"] not in set(published)]
        for entry in remaining:
            attempts = int(entry.get("attempts", 0)) + 1
            delay = 0.0 if infrastructure else min(self.max_backoff_seconds, 0.5 * 2 ** min(attempts, 6))
            try:
                self.db.outbox.update_one(
                    {"_id": entry["_id"], "claimed_by": self.owner},
                    {"$set": {"state": FAILED, "attempts": attempts,
                              "next_attempt_at": _utcnow() + timedelta(seconds=delay)}},
                )
            except Exception:  # the lease will hand the entry back anyway
                log.debug("could not mark outbox entry %s failed", entry["_id"], exc_info=True)

    # -- AMQP ----------------------------------------------------------------------------

    def _ensure_producer(self) -> Producer:
        if self._producer is None:
            # generous: under load one AMQP handshake can take many seconds, and failing it
            # only delays the events further
            self._connection = Connection(self.amqp_uri, transport_options={"confirm_publish": True},
                                          connect_timeout=20)
            self._connection.ensure_connection(max_retries=1)
            self._producer = Producer(self._connection.channel(), exchange=self.exchange)
            self.exchange(self._producer.channel).declare()
        return self._producer

    def _close_connection(self) -> None:
        connection, self._connection, self._producer = self._connection, None, None
        if connection is not None:
            try:
                connection.release()
            except Exception:
                log.debug("error closing relay connection", exc_info=True)

    def publish(self, entry: dict[str, Any]) -> None:
        """Publish one entry and return once the broker confirmed it."""
        envelope = entry["envelope"]
        parent = propagate.extract(entry.get("trace_headers") or {})
        token = otel_context.attach(parent)
        try:
            with tracer.start_as_current_span(
                f"{envelope['type']} publish",
                kind=trace.SpanKind.PRODUCER,
                attributes={
                    "messaging.system": "rabbitmq",
                    "messaging.destination.name": exchange_name(self.source),
                    "messaging.rabbitmq.destination.routing_key": envelope["type"],
                    "messaging.message.id": envelope["id"],
                    attributes.SUBJECT: envelope["subject"],
                },
            ):
                headers: dict[str, str] = {}
                propagate.inject(headers)
                body = dict(envelope)
                if "traceparent" in headers:
                    body["traceparent"] = headers["traceparent"]
                self._ensure_producer().publish(
                    json.dumps(body, ensure_ascii=False),
                    routing_key=envelope["type"],
                    content_type="application/json",
                    content_encoding="utf-8",
                    delivery_mode=2,
                    message_id=envelope["id"],
                    type=envelope["type"],
                    headers=headers,
                    retry=False,
                )
        finally:
            otel_context.detach(token)



def outbox_backlog(db: Database) -> dict[str, int]:
    """Counts per state, for health and operations."""
    counts = {NOT_PUBLISHED: 0, IN_PROGRESS: 0, PUBLISHED: 0, FAILED: 0}
    for row in db.outbox.aggregate([{"$group": {"_id": "$state", "n": {"$sum": 1}}}]):
        counts[row["_id"]] = row["n"]
    return counts


def oldest_pending_age_seconds(db: Database) -> float:
    entry = db.outbox.find_one({"state": {"$ne": PUBLISHED}}, sort=[("seq", ASCENDING)])
    if not entry:
        return 0.0
    created = entry["created_at"]
    if created.tzinfo is None:
        created = created.replace(tzinfo=timezone.utc)
    return max(0.0, (_utcnow() - created).total_seconds())


__all__ = ["OUTBOX_INDEXES", "OutboxRelay", "PendingEvent", "entries", "outbox_backlog", "iso"]
