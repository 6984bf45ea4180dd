"""A unit of work's writes in one round trip (``zjtx.batch``), on the embedded database server:
in order, with the inbox record last; a taken key skipped outside a transaction and fatal
inside one; the same outcome, one command each, on a server without ``bulkWrite``."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from pymongo import MongoClient, monitoring
from pymongo.database import Database
from pymongo.errors import DuplicateKeyError

from zjtx import batch
from zjtx.inbox import AlreadyApplied
from zjtx.mongo import StandaloneStore, UnitOfWork


class Commands(monitoring.CommandListener):
    def __init__(self) -> None:
        self.names: list[str] = []

    def started(self, event: Any) -> None:
        self.names.append(event.command_name)

    def succeeded(self, event: Any) -> None:
        pass

    def failed(self, event: Any) -> None:
        pass


@pytest.fixture()
def counted(mongo: MongoClient) -> Iterator[tuple[Database, Commands]]:
    commands = Commands()
    client: MongoClient = MongoClient(mongo.address[0], mongo.address[1], event_listeners=[commands],
                                      retryWrites=False, tz_aware=True)
    db = client[f"uow_{uuid.uuid4().hex[:8]}"]
    yield db, commands
    client.drop_database(db.name)
    client.close()


def handler_unit(db: Database, event_id: str) -> UnitOfWork:
    unit = UnitOfWork(db, None, "notification", origin=f"Check.on_event:{event_id}")
    unit.insert_later("deliveries", {"_id": f"{event_id}-email", "channel": "email"})
    unit.insert_later("inbox", {"_id": f"{event_id}-inbox"})
    unit.update_later("applications", {"_id": "app-1"}, {"$set": {"state": "submitted"}}, upsert=True)
    unit.emit("notification.delivered", "app-1", {"event_id": event_id})
    return unit


def test_a_handlers_writes_events_and_inbox_record_are_one_command(counted: tuple[Database, Commands]) -> None:
    db, commands = counted
    written = handler_unit(db, "e1").finish(0.0, record=("Check.on_event", "e1", "check.event"))
    assert commands.names == ["bulkWrite"]
    assert [entry["type"] for entry in written] == ["notification.delivered"]
    assert db.deliveries.count_documents({}) == 1 and db.inbox.count_documents({}) == 1
    assert db.applications.find_one({"_id": "app-1"})["state"] == "submitted"
    assert db.outbox.count_documents({}) == 1 and db.processed_events.count_documents({}) == 1


def test_a_run_after_a_crash_completes_what_is_missing_and_a_duplicate_changes_nothing(
        counted: tuple[Database, Commands]) -> None:
    db, _ = counted
    cut_short = handler_unit(db, "e2")
    cut_short.flush()  # the first run's writes reached the database, then it died before its events
    written = handler_unit(db, "e2").finish(0.0, record=("Check.on_event", "e2", "check.event"))
    assert len(written) == 1  # the event the first run never wrote is written (and handed over) now
    assert db.deliveries.count_documents({}) == 1 and db.inbox.count_documents({}) == 1
    with pytest.raises(AlreadyApplied):
        handler_unit(db, "e2").finish(0.0, record=("Check.on_event", "e2", "check.event"))
    assert db.outbox.count_documents({}) == 1 and db.processed_events.count_documents({}) == 1


def test_inside_a_transaction_a_taken_key_aborts_every_write(counted: tuple[Database, Commands]) -> None:
    db, _ = counted
    db.inbox.insert_one({"_id": "e3-inbox"})

    def work(session: Any) -> None:
        unit = UnitOfWork(db, session, "notification")
        unit.insert_later("deliveries", {"_id": "e3-email"})
        unit.insert_later("inbox", {"_id": "e3-inbox"})
        unit.finish(0.0)

    with db.client.start_session() as session, pytest.raises(DuplicateKeyError, match="duplicate key in inbox"):
        session.with_transaction(work)
    assert db.deliveries.count_documents({}) == 0


def test_a_failed_write_stops_the_ones_after_it_so_the_record_never_precedes_an_effect(
        counted: tuple[Database, Commands]) -> None:
    db, _ = counted
    unit = UnitOfWork(db, None, "notification")
    unit.insert_later("deliveries", {"_id": "e4-email"})
    unit.update_later("applications", {"_id": "app-4"}, {"$inc": {"state": 1}, "$set": {"state": "x"}}, upsert=True)
    with pytest.raises(Exception, match="(?i)conflict"):
        unit.finish(0.0, record=("Check.on_event", "e4", "check.event"))
    assert db.deliveries.count_documents({}) == 1 and db.processed_events.count_documents({}) == 0


def test_a_server_without_bulk_write_gets_the_same_writes_one_command_each(
        counted: tuple[Database, Commands]) -> None:
    db, commands = counted
    batch._WITHOUT_BULK_WRITE.add(id(db.client))
    try:
        handler_unit(db, "e5").finish(0.0, record=("Check.on_event", "e5", "check.event"))
        handler_unit(db, "e6").flush()
        written = handler_unit(db, "e6").finish(0.0, record=("Check.on_event", "e6", "check.event"))
    finally:
        batch._WITHOUT_BULK_WRITE.discard(id(db.client))
    assert "bulkWrite" not in commands.names and commands.names.count("insert") >= 5
    assert len(written) == 1
    assert db.deliveries.count_documents({}) == 2 and db.processed_events.count_documents({}) == 2


def test_an_inserts_follow_up_runs_once_it_is_committed_and_not_for_a_taken_key(mongo: MongoClient) -> None:
    """``insert_later(..., then=)``: what notification hands its sender must be in the database,
    and must be the run's own (a redelivery that finds its deliveries written hands none)."""
    store = StandaloneStore(mongo, f"uow_{uuid.uuid4().hex[:8]}", "notification").handle()
    seen: list[tuple[str, bool]] = []

    def follow_up(document: dict[str, Any]) -> None:  # committed: visible outside the transaction
        seen.append((document["_id"], store.db.deliveries.find_one({"_id": document["_id"]}) is not None))

    def insert(*ids: str) -> Callable[[UnitOfWork], None]:
        def work(unit: UnitOfWork) -> None:
            for delivery_id in ids:
                unit.insert_later("deliveries", {"_id": delivery_id}, then=follow_up)
        return work

    def aborted(unit: UnitOfWork) -> None:
        insert("d1")(unit)
        unit.flush()
        raise RuntimeError("the handler failed after its write")

    try:
        with pytest.raises(RuntimeError):
            store.transact(aborted)
        assert seen == [] and store.db.deliveries.count_documents({}) == 0

        store.transact(insert("d1"))
        assert seen == [("d1", True)]
        store.apply(insert("d1", "d2"), origin="Check.on_event:e1")  # d1 taken: skipped, no follow-up
        assert seen == [("d1", True), ("d2", True)]
    finally:
        mongo.drop_database(store.db.name)


@pytest.mark.parametrize("bulk_write", [True, False], ids=["bulkWrite", "one command each"])
def test_writes_counted_say_what_each_matched_in_one_round_trip(counted: tuple[Database, Commands],
                                                                bulk_write: bool) -> None:
    """``write_counted``: registration's history entry and conditional change in one round trip,
    the change's match telling whether the application had moved on meanwhile."""
    db, commands = counted
    db.applications.insert_one({"_id": "app-1", "version": 2})
    if not bulk_write:
        batch._WITHOUT_BULK_WRITE.add(id(db.client))
    try:
        counts = [batch.write_counted(db, None, [
            batch.Write("history", filter={"_id": "h1"}, update={"$set": {"at": 1}}, upsert=True),
            batch.Write("applications", filter={"_id": "app-1", "version": version}, update={"$inc": {"version": 1}}),
        ]) for version in (2, 2)]  # the second finds version 3: no match
    finally:
        batch._WITHOUT_BULK_WRITE.discard(id(db.client))
    assert [count for _, count in counts] == [1, 0]  # (an upsert's own count differs between servers)
    assert commands.names.count("bulkWrite") == (2 if bulk_write else 0)
    assert db.applications.find_one({"_id": "app-1"})["version"] == 3 and db.history.count_documents({}) == 1
