"""MongoDB access for a service: one database, indexes declared in code, transactions.

``Store`` is the Nameko DependencyProvider every service uses. It connects at start
(failing with one clear line when the server cannot be reached), creates the declared
indexes, runs the outbox relay, and hands each worker a ``Database`` plus ``transact``,
the unit of work in which state changes and the events they cause are written together.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from google.protobuf.message import Message
from nameko import config
from nameko.extensions import DependencyProvider
from pymongo import ASCENDING, IndexModel, MongoClient
from pymongo.client_session import ClientSession
from pymongo.database import Database
from pymongo.errors import OperationFailure, PyMongoError, ServerSelectionTimeoutError

from zjtx import audit, event_types
from zjtx.batch import KeyTaken, Write, write_all
from zjtx.envelope import payload_to_data
from zjtx.inbox import INBOX_INDEXES, AlreadyApplied, record_document
from zjtx.outbox import OUTBOX_INDEXES, OutboxRelay, PendingEvent, entries
from zjtx.transient import InfrastructureUnavailable

log = logging.getLogger(__name__)
T = TypeVar("T")

DEFAULT_MONGO_URI = "mongodb://127.0.0.1:27017/"


class StoreUnavailable(InfrastructureUnavailable):
    """The database could not be reached; the message says where and what to do."""


def retry_writes_setting(value: Any) -> bool:
    """``MONGO_RETRY_WRITES``: pymongo's retryable writes, on unless set to false/0/off.

    Worth it on a replica set (a write survives a failover); the embedded server makes every
    retryable write scan its retry records of the last 30 minutes, a cost that grows with the
    writes (docs/performance.md). Correctness never depends on it: handlers are idempotent by
    event id and natural keys, and transactions retry their commit themselves."""
    return str(value if value is not None else "true").strip().lower() not in {"false", "0", "off", "no"}


def connect(uri: str, timeout_ms: int = 5000, retry_writes: bool | None = None) -> MongoClient:
    """A client that has answered a ping, or StoreUnavailable naming the URI."""
    if retry_writes is None:
        retry_writes = retry_writes_setting(config.get("MONGO_RETRY_WRITES"))
    client: MongoClient = MongoClient(
        uri, serverSelectionTimeoutMS=timeout_ms, tz_aware=True, retryWrites=retry_writes
    )
    try:
        client.admin.command("ping")
    except ServerSelectionTimeoutError:
        client.close()
        raise StoreUnavailable(
            f"MongoDB is not reachable at {redact(uri)} (waited {timeout_ms} ms); start it, "
            "or unset MONGO_URI so that `make up` starts the embedded server"
        ) from None
    return client


def redact(uri: str) -> str:
    """The URI without its password, for logs and error lines."""
    if "@" not in uri or "://" not in uri:
        return uri
    scheme, rest = uri.split("://", 1)
    credentials, host = rest.rsplit("@", 1)
    user = credentials.split(":", 1)[0]
    return f"{scheme}://{user}:***@{host}"


INDEX_NOT_FOUND = 27  # MongoDB's IndexNotFound


def ensure_indexes(db: Database, indexes: Mapping[str, Sequence[IndexModel]],
                   retired: Mapping[str, Sequence[str]] | None = None) -> None:
    """Create the declared indexes, and drop by name those a version ``retired`` (so that a
    database made by an earlier version stops paying for them on every write)."""
    for collection, names in (retired or {}).items():
        present = {index["name"] for index in db[collection].list_indexes()} & set(names)
        for name in sorted(present):
            try:
                db[collection].drop_index(name)
            except OperationFailure as error:
                if error.code != INDEX_NOT_FOUND:  # another instance starting at once dropped it first
                    raise
    for collection, models in indexes.items():
        if models:
            db[collection].create_indexes(list(models))


@dataclass
class UnitOfWork:
    """One unit of work: writes go through ``session``; ``emit`` queues an outbox event.

    ``session`` is None for a handler that runs without a transaction (``Store.apply``): its
    writes must be idempotent by natural keys, and ``origin`` (the consumer and the event it
    applies) gives the events it emits ids that a second run after a crash gives them again.
    ``insert_later`` / ``update_later`` queue a write; the queued writes go to the database
    together at the end of the unit, with its outbox entries, in one round trip
    (``zjtx.batch``); ``flush`` writes them earlier, for a read that must see them."""

    db: Database
    session: ClientSession | None
    source: str
    events: list[PendingEvent] = field(default_factory=list)
    origin: str = ""
    writes: list[Write] = field(default_factory=list)
    written: list[Write] = field(default_factory=list)  # inserts made whose ``then`` is still to call

    def emit(self, event_type: str, subject: str, data: dict[str, Any]) -> PendingEvent:
        event_id = ""
        if self.origin:
            key = f"{self.origin}\x00{len(self.events)}"
            event_id = hashlib.sha256(key.encode()).hexdigest()[:32]
        event = PendingEvent.create(self.source, event_type, subject, data, event_id)
        self.events.append(event)
        return event

    def insert_later(self, collection: str, document: dict[str, Any],
                     then: Callable[[dict[str, Any]], None] | None = None) -> None:
        """Queue an insert; ``then(document)`` once it is in for good: after the commit, or
        after the unit's last write without a transaction (not if its key was taken)."""
        self.writes.append(Write(collection, document=document, then=then))

    def insert(self, collection: str, document: dict[str, Any]) -> None:
        """In a transaction, queued for the unit's last round trip (the transaction makes the
        order invisible); outside one, written at once, where its order may matter."""
        if self.session is not None:
            self.insert_later(collection, document)
        else:
            self.db[collection].insert_one(document)

    def update_later(self, collection: str, filter: dict[str, Any], update: dict[str, Any],
                     upsert: bool = False, many: bool = False) -> None:
        self.writes.append(Write(collection, filter=filter, update=update, upsert=upsert, many=many))

    def claim_later(self, consumer: str, event_id: str, event_type: str) -> None:
        """The handler's inbox record, in its transaction, as the unit's first write: a duplicate
        aborts the transaction when the unit finishes (AlreadyApplied)."""
        self.writes.insert(0, Write("processed_events", document=record_document(consumer, event_id, event_type)))

    def flush(self) -> None:
        """Write the queued writes now (outside a transaction, inserts whose key is taken are skipped)."""
        queued, self.writes = self.writes, []
        self._note_written(queued, write_all(self.db, self.session, queued))

    def _note_written(self, queued: list[Write], skipped: set[int]) -> None:
        self.written += [w for position, w in enumerate(queued) if w.then is not None and position not in skipped]

    def written_in(self) -> None:
        """The unit's writes are in (committed): each made insert's ``then``, once."""
        written, self.written = self.written, []
        for write in written:
            write.then(write.document)  # type: ignore[misc, arg-type]

    def finish(self, grace_seconds: float, record: tuple[str, str, str] | None = None) -> list[dict[str, Any]]:
        """The unit's last round trip: the queued writes, its outbox entries, then (a handler
        without a transaction) its inbox record ``(consumer, event id, event type)``, in order.
        Returns the outbox entries written (a run after a crash finds its own there: skipped);
        AlreadyApplied when the inbox record was there already."""
        outbox = entries(self.events, grace_seconds) if self.events else []
        queued = [*self.writes, *(Write("outbox", document=entry) for entry in outbox)]
        if record is not None:
            queued.append(Write("processed_events", document=record_document(*record)))
        self.writes = []
        try:
            skipped = write_all(self.db, self.session, queued)
        except KeyTaken as taken:
            if taken.write.collection == "processed_events":
                raise AlreadyApplied(str((taken.write.document or {}).get("_id"))) from None
            raise
        self._note_written(queued, skipped)
        if record is not None and len(queued) - 1 in skipped:
            raise AlreadyApplied(str(queued[-1].document["_id"]))  # type: ignore[index]
        first = len(queued) - len(outbox) - (record is not None)
        return [entry for position, entry in enumerate(outbox, first) if position not in skipped]

    def emit_event(self, payload: Message, subject: str, event_type: str = "") -> PendingEvent:
        """Queue ``payload`` as its event: the type comes from the registry (``zjtx.event_types``);
        name it only for a payload that two types share. It must be this service's event."""
        declared = event_types.event(event_type) if event_type else event_types.event(event_types.type_of(payload))
        if declared.source != self.source or not isinstance(payload, declared.payload):
            raise ValueError(f"{self.source} cannot emit {declared.type} with a {type(payload).__name__} payload; "
                             f"{declared.type} is {declared.source}'s event carrying {declared.payload.__name__}")
        return self.emit(declared.type, subject, payload_to_data(payload))


class StoreHandle:
    """What a worker gets: the service's database and its unit of work."""

    def __init__(self, provider: Store) -> None:
        self._provider = provider
        self.db: Database = provider.db
        self.standalone_db: Database = provider.standalone_db  # for writes outside a transaction (``apply``)

    def transact(self, work: Callable[[UnitOfWork], T], audited: bool = False) -> T:
        return self._provider.transact(work, audited)

    def apply(self, work: Callable[[UnitOfWork], T], origin: str, record: tuple[str, str, str] | None = None) -> T:
        return self._provider.apply(work, origin, record)

    @property
    def source(self) -> str:
        return self._provider.source


class Store(DependencyProvider):
    """Mongo DependencyProvider: ``store = Store(indexes={"applications": [IndexModel(...)]})``.

    Config keys: MONGO_URI, MONGO_DATABASE (default ``zjtx_<service>``), OUTBOX_* (see
    ``zjtx.outbox``). The service name is the events' ``source``.
    """

    def __init__(self, indexes: Mapping[str, Sequence[IndexModel]] | None = None, relay: bool = True,
                 retired: Mapping[str, Sequence[str]] | None = None):
        self.indexes = dict(indexes or {})
        self.retired = dict(retired or {})
        self.relay_enabled = relay
        self.client: MongoClient | None = None
        self.standalone_client: MongoClient | None = None
        self.relay: OutboxRelay | None = None

    @property
    def source(self) -> str:
        return self.container.service_name

    def setup(self) -> None:
        uri = config.get("MONGO_URI") or DEFAULT_MONGO_URI
        database = config.get("MONGO_DATABASE") or f"zjtx_{self.source}"
        timeout_ms = int(config.get("MONGO_TIMEOUT_MS", 5000))
        self.client = connect(uri, timeout_ms)
        self.db = self.client[database]
        # ``apply``'s writes stand alone and are idempotent by natural keys; a write lost in a
        # failover is redone when the event is redelivered, so they need no driver retry, which
        # costs the embedded server a scan of its retry records per write (docs/performance.md)
        if self.client.options.retry_writes:
            self.standalone_client = connect(uri, timeout_ms, retry_writes=False)
        self.standalone_db = (self.standalone_client or self.client)[database]
        self.ensure_indexes()
        if self.relay_enabled and str(config.get("OUTBOX_RELAY_ENABLED", True)).lower() not in {"false", "off", "0"}:
            self.relay = OutboxRelay(self.db, self.source, dict(config))

    def ensure_indexes(self) -> None:
        """The service's declared indexes with the outbox's and the inbox's; the retired dropped."""
        ensure_indexes(self.db, {**self.indexes, **OUTBOX_INDEXES, **INBOX_INDEXES}, self.retired)

    def start(self) -> None:
        if self.relay is not None:
            self.container.spawn_managed_thread(self.relay.run, identifier="outbox-relay")

    def stop(self) -> None:
        if self.relay is not None:
            self.relay.stop()
        for client in (self.client, self.standalone_client):
            if client is not None:
                client.close()

    def kill(self) -> None:
        self.stop()

    def transact(self, work: Callable[[UnitOfWork], T], audited: bool = False) -> T:
        """Run ``work`` in a transaction; retried whole on transient errors (write conflicts).

        ``audited``: ``work`` appends to the service's audit trail (``zjtx.audit.record``). Every
        such transaction writes the chain's next entry, so two at once conflict and the loser is
        retried whole (its work done twice, the chain's head looked up again by a scan). They
        queue in this process instead, each starting once the one before has ended, so that its
        snapshot sees the chain's last entry; copies of the service in other processes still
        conflict and are retried, as before."""
        if audited:
            with audit.trail(self.db, self.source).head_lock:
                return self.transact(work)
        assert self.client is not None
        units: list[UnitOfWork] = []

        written: list[dict[str, Any]] = []
        relay = self.relay
        grace = relay.handover_grace_seconds if relay is not None else 0.0

        def callback(session: ClientSession) -> T:
            unit = UnitOfWork(self.db, session, self.source)
            units[:] = [unit]
            result = work(unit)
            written[:] = unit.finish(grace)
            return result

        with self.client.start_session() as session:
            result = session.with_transaction(callback)
        units[0].written_in()
        if written and relay is not None:
            relay.hand_over(written)  # published right after the commit; the poll is the fallback
        return result

    def apply(self, work: Callable[[UnitOfWork], T], origin: str, record: tuple[str, str, str] | None = None) -> T:
        """Run ``work`` without a transaction: one commit fewer, and each write stands alone.

        Only for work whose every write is idempotent by a natural key (an insert keyed by the
        event, an upsert, an update guarded by the event id or a version), so that running it
        again after a crash between any two writes completes it without doubling anything.
        Events it emits get ids derived from ``origin`` and are written after its other writes,
        duplicates ignored (a second run re-emits the same ids); ``record``, the handler's inbox
        record ``(consumer, event id, event type)``, after everything (AlreadyApplied when it
        was there already)."""
        assert self.client is not None
        unit = UnitOfWork(self.standalone_db, None, self.source, origin=origin)
        result = work(unit)
        written = unit.finish(self.relay.handover_grace_seconds if self.relay else 0.0, record)
        unit.written_in()
        if written and self.relay is not None:
            self.relay.hand_over(written)
        return result

    def get_dependency(self, worker_ctx: Any) -> StoreHandle:
        return StoreHandle(self)


class StandaloneStore(Store):
    """A ``Store`` outside any Nameko container, for in-process use-case tests and tools.

    Same ``transact`` (state and outbox written in one transaction), but no relay: events
    stay in the ``outbox`` collection, where the caller can read them.
    ``StandaloneStore(client, "zjtx_review", "review", storage.INDEXES).handle()``.
    """

    def __init__(self, client: MongoClient, database: str, source: str,
                 indexes: Mapping[str, Sequence[IndexModel]] | None = None,
                 retired: Mapping[str, Sequence[str]] | None = None) -> None:
        super().__init__(indexes, relay=False, retired=retired)
        self.client = client
        self.db = self.standalone_db = client[database]
        self._source = source
        self.ensure_indexes()

    @property
    def source(self) -> str:
        return self._source

    def handle(self) -> StoreHandle:
        return StoreHandle(self)


def simple_index(*keys: str, unique: bool = False, name: str | None = None, **options: Any) -> IndexModel:
    """IndexModel over ascending keys, the common case."""
    kwargs: dict[str, Any] = {"unique": unique, **options}
    if name:
        kwargs["name"] = name
    return IndexModel([(key, ASCENDING) for key in keys], **kwargs)


__all__ = [
    "PyMongoError",
    "StandaloneStore",
    "Store",
    "StoreHandle",
    "StoreUnavailable",
    "UnitOfWork",
    "connect",
    "simple_index",
]
