"""When registration cannot say who has submitted, a "not yet submitted" reminder waits
(issue 21): it is neither recorded nor sent blind. Against the session's database server;
registration is a stand-in that fails as an unreachable or slow peer does."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace
from typing import Any

import pytest
from grpc import StatusCode
from nameko_grpc.errors import GrpcError
from pymongo import MongoClient
from pymongo.database import Database

from kernel.programme import ProgrammeModel, Window
from notification import dispatch
from notification.providers import load_settings
from zjtx_api import registration_pb2

CLOSES = datetime(2020, 5, 15, 15, 59, 59, tzinfo=timezone.utc)
PROGRAMME = ProgrammeModel(id="hunan-2020-little-giant", version=1, title="湖南小巨人", level="province", owner="430000",
                           owner_name="湖南省工信厅", window=Window(opens_at=datetime(2020, 3, 29, 16, tzinfo=timezone.utc),
                                                             closes_at=CLOSES, review_closes_at=CLOSES))
AT = CLOSES - timedelta(hours=4)  # the 1-day reminder is due


class Registration:
    """Answers FindSubmitted from ``submitted``, or fails with ``error``."""

    def __init__(self, submitted: set[str] | None = None, error: Exception | None = None) -> None:
        self.submitted, self.error = submitted or set(), error
        self.asked: list[list[str]] = []

    def FindSubmitted(self, request: registration_pb2.FindSubmittedRequest) -> Any:  # noqa: N802 - gRPC's name
        self.asked.append(list(request.enterprise_ids))
        if self.error is not None:
            raise self.error
        return registration_pb2.FindSubmittedResponse(
            enterprise_ids=[i for i in request.enterprise_ids if i in self.submitted])


@pytest.fixture
def db(mongo: MongoClient) -> Iterator[Database]:
    name = f"test_reminders_{uuid.uuid4().hex[:8]}"
    database = mongo[name]
    database.enterprises.insert_many([
        {"_id": f"ent-{i}", "name": f"企业{i}", "region_code": "430104", "contact": {}} for i in range(3)])
    yield database
    mongo.drop_database(name)


def deps(registration: Registration) -> dispatch.Deps:
    return dispatch.Deps(review=None, templates=None, settings=load_settings({"REMINDER_DAYS_BEFORE_CLOSE": "7,3,1"}),
                         registration=registration)


@pytest.mark.parametrize("error", [
    GrpcError(StatusCode.UNAVAILABLE, "failed to connect to all addresses"),
    GrpcError(StatusCode.DEADLINE_EXCEEDED, "Deadline Exceeded"),
    ConnectionRefusedError(111, "Connection refused"),
])
def test_no_answer_from_registration_defers_the_reminders(db: Database, error: Exception) -> None:
    registration = Registration(error=error)
    with pytest.raises(dispatch.RegistrationUnavailable):
        dispatch.draft_reminders(deps(registration), SimpleNamespace(db=db), PROGRAMME, AT)  # type: ignore[arg-type]
    assert registration.asked == [["ent-0", "ent-1", "ent-2"]]  # one batched question for the programme
    assert db.reminders.count_documents({}) == 0 and db.deliveries.count_documents({}) == 0


def test_a_reminder_due_to_go_out_waits_when_registration_does_not_answer(db: Database) -> None:
    settings = load_settings({})
    now = datetime.now(timezone.utc)
    db.deliveries.insert_one({"_id": "d1", "kind": "reminder.draft", "recipient": "enterprise:ent-0",
                              "subject": PROGRAMME.id, "channel": "email", "state": "sending",
                              "claimed_by": settings.owner, "lease_until": now + timedelta(seconds=60),
                              "next_attempt_at": now, "attempts": 0})
    store = SimpleNamespace(db=db)
    failing = Registration(error=GrpcError(StatusCode.UNAVAILABLE, "failed to connect"))
    assert dispatch.still_unsubmitted(store, settings, failing, db.deliveries.find_one({"_id": "d1"})) is False  # type: ignore[arg-type]
    waiting = db.deliveries.find_one({"_id": "d1"})
    assert waiting["state"] == "pending" and waiting["attempts"] == 0 and "claimed_by" not in waiting
    assert waiting["next_attempt_at"].replace(tzinfo=timezone.utc) > now + timedelta(seconds=20)

    db.deliveries.update_one({"_id": "d1"}, {"$set": {"state": "sending", "claimed_by": settings.owner}})
    answered = Registration(submitted={"ent-0"})
    assert dispatch.still_unsubmitted(store, settings, answered, db.deliveries.find_one({"_id": "d1"})) is False  # type: ignore[arg-type]
    skipped = db.deliveries.find_one({"_id": "d1"})
    assert skipped["state"] == "skipped" and skipped["skip_reason"] == "submitted"
