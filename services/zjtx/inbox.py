"""Idempotent consumption: ``processed_events`` (the consumer-side inbox) records which event ids a handler has applied.

Two ways (``zjtx.events.handles``), the record written with the unit of work's last round
trip (``zjtx.mongo.UnitOfWork.finish``):

- in a transaction (``UnitOfWork.claim_later``): the record is the unit's first queued write,
  in the same transaction as the handler's effects, so a redelivered event (at-least-once
  delivery, a relay re-publish after a crash) finds its id taken and changes nothing, while a
  handler that failed left no record and is tried again. For handlers whose state change and
  outbox entry must be atomic;
- without one (``Store.apply(..., record=...)``): the handler's writes are idempotent by
  natural keys, and the record is written last, once every effect is in. A crash before it
  leaves the event unacknowledged; the redelivery runs the writes again (each finds its key
  taken or its guard applied) and then writes the record. The record thus still means "every
  effect of this event is in", which the benchmarks and the fault tests read.

``claim`` writes a record at once inside a transaction, for tools and tests.
"""

from __future__ import annotations

from datetime import datetime, timezone

from pymongo import ASCENDING, IndexModel
from pymongo.client_session import ClientSession
from pymongo.database import Database
from pymongo.errors import DuplicateKeyError

INBOX_RETENTION_SECONDS = 90 * 24 * 3600

INBOX_INDEXES = {
    "processed_events": [
        IndexModel([("event_id", ASCENDING)], name="by_event"),
        IndexModel([("applied_at", ASCENDING)], name="applied_ttl", expireAfterSeconds=INBOX_RETENTION_SECONDS),
    ]
}


def inbox_key(consumer: str, event_id: str) -> str:
    return f"{consumer}:{event_id}"


class AlreadyApplied(Exception):
    """The event id is recorded for this consumer already.

    Raised (not returned) because a duplicate-key error aborts the MongoDB transaction:
    the unit of work must end, not go on to commit.
    """


def applied(db: Database, consumer: str, event_id: str) -> bool:
    return db.processed_events.find_one({"_id": inbox_key(consumer, event_id)}, {"_id": 1}) is not None


def record_document(consumer: str, event_id: str, event_type: str) -> dict[str, object]:
    return {"_id": inbox_key(consumer, event_id), "event_id": event_id, "consumer": consumer, "type": event_type,
            "applied_at": datetime.now(timezone.utc)}


def claim(db: Database, session: ClientSession, consumer: str, event_id: str, event_type: str) -> None:
    """Record the event for this consumer inside the handler's transaction."""
    try:
        db.processed_events.insert_one(record_document(consumer, event_id, event_type), session=session)
    except DuplicateKeyError:
        raise AlreadyApplied(inbox_key(consumer, event_id)) from None
