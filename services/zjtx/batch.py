"""A unit of work's writes in one round trip: MongoDB 8's ``bulkWrite`` across collections.

A handler or use case queues its writes on the unit (``UnitOfWork.insert_later`` /
``update_later``); the unit writes them, its outbox entries and (for a handler without a
transaction) its inbox record last, as one ordered ``bulkWrite`` command. On the embedded
server a command costs about as much again as the documents it writes, so a handler that
wrote five documents in five commands now writes them in one (docs/performance.md).

Ordered: a write fails, the ones after it are not made, so the inbox record still comes
last, after every effect. Outside a transaction, an insert whose key is taken (a handler
applying its event again after a crash) is skipped and the rest written, as ``insert_many``
with duplicates skipped did before. A server older than 8.0 (no ``bulkWrite``) gets the
same writes one command each.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pymongo import InsertOne, UpdateMany, UpdateOne
from pymongo.client_session import ClientSession
from pymongo.database import Database
from pymongo.errors import ClientBulkWriteException, DuplicateKeyError, InvalidOperation
from pymongo.results import ClientBulkWriteResult

DUPLICATE_KEY = 11000


@dataclass(frozen=True)
class Write:
    """One queued write: an insert of ``document``, or an update of ``filter`` by ``update``
    (of every match with ``many``). ``then``: called with the inserted document once it is in
    (after the unit's commit; not for an insert skipped because its key was taken)."""

    collection: str
    document: dict[str, Any] | None = None
    filter: dict[str, Any] | None = None
    update: dict[str, Any] | None = None
    upsert: bool = False
    many: bool = False
    then: Callable[[dict[str, Any]], None] | None = field(default=None, compare=False)

    @property
    def is_insert(self) -> bool:
        return self.document is not None

    def operation(self, database: str) -> InsertOne | UpdateOne | UpdateMany:
        namespace = f"{database}.{self.collection}"
        if self.document is not None:
            return InsertOne(self.document, namespace=namespace)
        kind = UpdateMany if self.many else UpdateOne
        return kind(self.filter or {}, self.update or {}, upsert=self.upsert, namespace=namespace)

    def run_alone(self, db: Database, session: ClientSession | None) -> int:
        """The write as a command of its own; how many documents it matched (an insert: 1)."""
        if self.document is not None:
            db[self.collection].insert_one(self.document, session=session)
            return 1
        run = db[self.collection].update_many if self.many else db[self.collection].update_one
        return run(self.filter or {}, self.update or {}, upsert=self.upsert, session=session).matched_count


# clients whose server answered that it has no bulkWrite (MongoDB before 8.0), by id
_WITHOUT_BULK_WRITE: set[int] = set()


def write_all(db: Database, session: ClientSession | None, writes: list[Write]) -> set[int]:
    """Make ``writes`` in order; the positions of the inserts skipped because their key was taken.

    Only outside a transaction is a taken key skipped; inside one it aborts the transaction (the
    error is raised), as an insert of a duplicate always did."""
    skipped: set[int] = set()
    start = 0
    while start < len(writes):
        try:
            _write_from(db, session, writes, start)
            return skipped
        except _Taken as taken:
            position = taken.position
        if session is not None:
            raise KeyTaken(writes[position])
        if writes[position].is_insert:
            skipped.add(position)
        else:  # an upsert that raced another one to insert: it matches the winner now
            writes[position].run_alone(db, None)
        start = position + 1
    return skipped


def write_counted(db: Database, session: ClientSession | None, writes: list[Write]) -> list[int]:
    """Make ``writes`` in order in one round trip (one command each on a server without
    ``bulkWrite``); how many documents each matched (an insert: 1), for a caller whose next
    step depends on a conditional update. A taken key is an error here, never skipped."""
    result = _bulk_write(db, session, writes, verbose=True)
    if result is None:
        return [w.run_alone(db, session) for w in writes]
    return [1 if w.is_insert else result.update_results[i].matched_count for i, w in enumerate(writes)]


def _bulk_write(db: Database, session: ClientSession | None, writes: list[Write],
                verbose: bool = False) -> ClientBulkWriteResult | None:
    """``writes`` as one ordered ``bulkWrite``; None when the server has none (before 8.0). A
    failure of the server itself (away, say) is raised as itself, so that zjtx.transient knows
    it for an outage; the writes' own errors as ClientBulkWriteException."""
    client = db.client
    if id(client) in _WITHOUT_BULK_WRITE:
        return None
    try:
        return client.bulk_write([w.operation(db.name) for w in writes], session=session, ordered=True,
                                 verbose_results=verbose)
    except InvalidOperation as error:
        if "8.0" not in str(error):
            raise
        _WITHOUT_BULK_WRITE.add(id(client))
        return None
    except ClientBulkWriteException as error:
        if isinstance(error.error, BaseException):
            raise error.error from error
        raise


class KeyTaken(DuplicateKeyError):
    """Inside a transaction, a queued insert found its key taken: the transaction is aborted."""

    def __init__(self, write: Write) -> None:
        super().__init__(f"duplicate key in {write.collection} (a queued insert)", DUPLICATE_KEY)
        self.write = write


class _Taken(Exception):
    def __init__(self, position: int) -> None:
        super().__init__(position)
        self.position = position


def _write_from(db: Database, session: ClientSession | None, writes: list[Write], start: int) -> None:
    """Writes ``start`` onwards in one command (or one each on an older server); _Taken at the
    first taken key, any other error as raised."""
    try:
        if _bulk_write(db, session, writes[start:]) is not None:
            return
    except ClientBulkWriteException as error:
        failures = error.write_errors or []
        if error.error is None and not error.write_concern_errors and failures \
                and all(f.get("code") == DUPLICATE_KEY for f in failures):
            raise _Taken(start + int(failures[0]["idx"])) from None
        raise
    for position in range(start, len(writes)):
        try:
            writes[position].run_alone(db, session)
        except DuplicateKeyError:
            raise _Taken(position) from None
