"""A relay starting after a crash takes back at once what the dead relay had claimed (not after the lease)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import uuid
from collections.abc import Iterator
from datetime import datetime, timezone

import pytest
from pymongo import MongoClient
from pymongo.database import Database

from zjtx.outbox import FAILED, IN_PROGRESS, NOT_PUBLISHED, PUBLISHED, OutboxRelay
from zjtx.transient import is_infrastructure_error


@pytest.fixture
def db(mongo: MongoClient) -> Iterator[Database]:
    name = f"zjtx_test_orphans_{uuid.uuid4().hex[:8]}"
    yield mongo[name]
    mongo.drop_database(name)


def dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def claimed(db: Database, entry_id: str, owner: str) -> None:
    now = datetime.now(timezone.utc)
    envelope = {"id": entry_id, "type": "t", "subject": "s"}
    db.outbox.insert_one({"_id": entry_id, "seq": 1, "type": "t", "subject": "s", "envelope": envelope,
                          "state": IN_PROGRESS, "attempts": 0, "created_at": now, "next_attempt_at": now,
                          "claimed_by": owner, "claimed_at": now})


def test_claims_of_a_dead_local_relay_are_released_and_no_others(db: Database) -> None:
    host = socket.gethostname()
    claimed(db, "dead-local", f"{host}:{dead_pid()}:0badc0de")
    claimed(db, "live-local", f"{host}:{os.getppid()}:5ca1ab1e")      # a process that is running
    claimed(db, "other-host", f"elsewhere.example:{dead_pid()}:feedf00d")  # cannot tell: the lease decides
    relay = OutboxRelay(db, "test", {"AMQP_URI": "amqp://guest:guest@127.0.0.1:1/"})
    claimed(db, "own", relay.owner)

    assert relay.release_orphans() == 1

    states = {e["_id"]: (e["state"], e.get("claimed_by")) for e in db.outbox.find()}
    assert states["dead-local"] == (NOT_PUBLISHED, None)
    assert states["live-local"][0] == IN_PROGRESS
    assert states["other-host"][0] == IN_PROGRESS
    assert states["own"][0] == IN_PROGRESS
    # the released entry is claimable again right away (and this relay's own, see below)
    assert sorted(e["_id"] for e in relay.claim()) == ["dead-local", "own"]


def test_a_relay_takes_back_its_own_claims_left_by_a_failed_pass(db: Database) -> None:
    """A pass cut by a database outage leaves its claims IN_PROGRESS: the same relay must not
    wait out its own lease for them, and what the broker had confirmed is marked, not re-sent."""
    relay = OutboxRelay(db, "test", {"AMQP_URI": "amqp://guest:guest@127.0.0.1:1/"})
    claimed(db, "confirmed-not-marked", relay.owner)
    claimed(db, "not-published", relay.owner)
    claimed(db, "another-live-relay", f"{socket.gethostname()}:{os.getppid()}:5ca1ab1e")
    relay._unmarked = ["confirmed-not-marked"]  # as relay_batch leaves it when marking failed

    with pytest.raises(Exception) as raised:  # noqa: B017 - whatever kombu raises for a refused connection
        relay.relay_batch()  # marks first, then claims "not-published" at once and fails to reach the broker
    assert is_infrastructure_error(raised.value)

    states = {e["_id"]: e for e in db.outbox.find()}
    assert states["confirmed-not-marked"]["state"] == PUBLISHED and relay._unmarked == []
    # not the entry's fault: due again at once (the relay's own back-off paces the retry)
    assert states["not-published"]["state"] == FAILED
    assert states["not-published"]["next_attempt_at"] <= datetime.now(timezone.utc)
    assert states["another-live-relay"]["state"] == IN_PROGRESS
