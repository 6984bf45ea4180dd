"""Idempotent consumption: ``processed_events`` (the consumer-side inbox) records which event ids a handler has applied.

Two ways (``zjtx.events.handles``):

- in a transaction (``claim``): the record is written first, in the same transaction as the
  handler's effects, so a redelivered event (at-least-once delivery, a relay re-publish after
  a crash) finds its id and changes nothing, while a handler that failed left no record and
  is tried again. For handlers whose state change and outbox entry must be atomic;
- without one (``record``, or ``GroupRecorder`` for a running service): the handler's writes
  are idempotent by natural keys, and the record is written last, on its own, once every
  effect is in. A crash before it leaves the
  event unacknowledged; the redelivery runs the writes again (each finds its key taken or its
  guard applied) and then writes the record. The record thus still means "every effect of
  this event is in", which the benchmarks and the fault tests read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone

from eventlet.event import Event
from pymongo import ASCENDING, IndexModel
from pymongo.client_session import ClientSession
from pymongo.database import Database
from pymongo.errors import BulkWriteError, DuplicateKeyError, OperationFailure

DUPLICATE_KEY = 11000

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


def _document(consumer: str, event_id: str, event_type: str) -> dict[str, object]:
    return {"_id": inbox_key(consumer, event_id), "event_id": event_id, "consumer": consumer, "type": event_type,
            "applied_at": datetime.now(timezone.utc)}


def record(db: Database, consumer: str, event_id: str, event_type: str) -> None:
    """Record the event for this consumer after its idempotent writes, outside any transaction."""
    try:
        db.processed_events.insert_one(_document(consumer, event_id, event_type))
    except DuplicateKeyError:
        raise AlreadyApplied(inbox_key(consumer, event_id)) from None


@dataclass
class _Waiting:
    document: dict[str, object]
    done: Event = field(default_factory=Event)
    error: BaseException | None = None
    lead: bool = False


class GroupRecorder:
    """``record`` for many green threads at once: the records of handlers that finish while a
    write is on its way go together in the next ``insert_many`` (group commit).

    Each caller still returns only once its own record is written (or raises AlreadyApplied /
    the write's error), so a handler acknowledges its event only after "every effect is in"
    as before; alone, a record is one ``insert_one``-sized write with no wait added. Under a
    surge the records of several events share one round trip, which on the embedded
    database is most of a write's cost (docs/performance.md). No thread of its own: the first
    caller to find no write under way writes, and hands the turn to the next waiting caller."""

    def __init__(self, db: Database, batch_size: int = 256) -> None:
        self._db = db
        self._batch_size = batch_size
        self._waiting: list[_Waiting] = []
        self._writing = False

    def record(self, consumer: str, event_id: str, event_type: str) -> None:
        me = _Waiting(_document(consumer, event_id, event_type))
        self._waiting.append(me)
        if self._writing:
            me.done.wait()
            if me.lead:  # handed the turn: this caller's own record is first in the next batch
                self._write(me)
        else:
            self._writing = True
            self._write(me)
        if me.error is not None:
            raise me.error

    def _write(self, leader: _Waiting) -> None:
        batch, self._waiting = self._waiting[:self._batch_size], self._waiting[self._batch_size:]
        try:
            for index, error in enumerate(_insert_all(self._db, [w.document for w in batch])):
                batch[index].error = error
        except BaseException as error:  # the database away, the thread killed: each caller fails on its own
            for waiting in batch:
                waiting.error = error if isinstance(error, Exception) else RuntimeError(f"inbox write ended: {error!r}")
            if not isinstance(error, Exception):
                raise
        finally:
            for waiting in batch:
                if waiting is not leader:
                    waiting.done.send()
            if self._waiting:
                following = self._waiting[0]
                following.lead = True
                following.done.send()
            else:
                self._writing = False


def _insert_all(db: Database, documents: list[dict[str, object]]) -> list[BaseException | None]:
    """One unordered ``insert_many``; per document, None or why it was not written (a taken key:
    AlreadyApplied)."""
    outcome: list[BaseException | None] = [None] * len(documents)
    try:
        db.processed_events.insert_many(documents, ordered=False)
    except BulkWriteError as error:
        for failure in error.details.get("writeErrors", []):
            index = failure["index"]
            key = str(documents[index]["_id"])
            outcome[index] = (AlreadyApplied(key) if failure.get("code") == DUPLICATE_KEY
                              else OperationFailure(failure.get("errmsg", "write failed"), failure.get("code")))
    return outcome


def claim(db: Database, session: ClientSession, consumer: str, event_id: str, event_type: str) -> None:
    """Record the event for this consumer inside the handler's transaction."""
    try:
        db.processed_events.insert_one(_document(consumer, event_id, event_type), session=session)
    except DuplicateKeyError:
        raise AlreadyApplied(inbox_key(consumer, event_id)) from None
