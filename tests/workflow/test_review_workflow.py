"""Review's use cases in process: taking registration's submissions, decisions at a
level, the 推荐汇总表 that makes a pass final, and registration applying review's events,
against the embedded database. The submissions come from registration's own use cases."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TypeVar

import pytest
from workflow_support import HUNAN, IN_WINDOW, PDF, PROVINCE_UNIT, catalogue, outbox, reviewer, submitted

from registration import review_events
from registration import storage as registration_storage
from review import storage, workflow
from zjtx.envelope import Envelope
from zjtx.errors import DomainError
from zjtx.grpc_support import Caller
from zjtx.mongo import StoreHandle, UnitOfWork
from zjtx_api import registration_pb2, review_pb2

T = TypeVar("T")
HENGYANG = "unit-430400"   # the city that reviews an enterprise of 珠晖区 (430405) at level 1
CHANGSHA = "unit-430100"
DECIDED = IN_WINDOW + timedelta(days=1)


@pytest.fixture
def registration(open_store) -> StoreHandle:
    return open_store("registration", registration_storage.INDEXES)


@pytest.fixture
def review(open_store) -> StoreHandle:
    return open_store("review", storage.INDEXES)


def ctx(caller: Caller, at: datetime = DECIDED) -> workflow.Context:
    return workflow.Context(catalogue(), caller, at)


def run(store: StoreHandle, work: Callable[[UnitOfWork], T]) -> T:
    return store.transact(work)


def task_of(review: StoreHandle, task_id: str) -> dict:
    return review.db.tasks.find_one({"_id": task_id}) or {}


def application_of(review: StoreHandle, application_id: str) -> dict:
    return review.db.applications.find_one({"_id": application_id}) or {}


def take(review: StoreHandle, event: Envelope) -> str:
    """Apply registration's application.submitted as review's handler does; the task opened."""
    payload = event.payload(registration_pb2.ApplicationSubmitted)
    run(review, lambda unit: workflow.take_submitted(unit, catalogue(), payload.application, IN_WINDOW))
    [opened] = outbox(review, "review.task_opened", event.subject)
    return opened.payload(review_pb2.TaskOpened).step.task_id


def test_a_submission_opens_the_first_level_task_at_the_enterprises_city(registration: StoreHandle,
                                                                        review: StoreHandle) -> None:
    event = submitted(registration)

    task_id = take(review, event)

    task = task_of(review, task_id)
    assert (task["unit_id"], task["level"], task["status"]) == (HENGYANG, 1, "open")
    application = application_of(review, event.subject)
    assert (application["status"], application["open_task_id"]) == ("in_review", task_id)
    [opened] = outbox(review, "review.task_opened")
    assert opened.source == "review"
    assert opened.payload(review_pb2.TaskOpened).step.programme_id == HUNAN


def test_a_submission_received_twice_opens_one_task(registration: StoreHandle, review: StoreHandle) -> None:
    event = submitted(registration)
    take(review, event)
    payload = event.payload(registration_pb2.ApplicationSubmitted)

    run(review, lambda unit: workflow.take_submitted(unit, catalogue(), payload.application, IN_WINDOW))

    assert review.db.tasks.count_documents({"application_id": event.subject}) == 1
    assert len(outbox(review, "review.task_opened")) == 1


def test_an_enterprise_outside_every_unit_is_recorded_unroutable_without_a_task(registration: StoreHandle,
                                                                               review: StoreHandle) -> None:
    event = submitted(registration)
    payload = event.payload(registration_pb2.ApplicationSubmitted)
    payload.application.enterprise.region_code = "110105"  # Beijing: no unit of the Hunan deployment covers it

    run(review, lambda unit: workflow.take_submitted(unit, catalogue(), payload.application, IN_WINDOW))

    application = application_of(review, event.subject)
    assert application["status"] == "unroutable"
    assert application["routing"]["level"] == 1
    assert outbox(review, "review.task_opened") == []


def test_a_reviewer_of_another_unit_cannot_decide_and_nothing_changes(registration: StoreHandle,
                                                                      review: StoreHandle) -> None:
    task_id = take(review, submitted(registration))

    with pytest.raises(DomainError) as refused:
        run(review, lambda unit: workflow.decide_pass(unit, ctx(reviewer(CHANGSHA)), task_id, "同意推荐"))

    assert (refused.value.kind, refused.value.code) == ("forbidden", "review.other_unit")
    assert task_of(review, task_id)["status"] == "open"
    assert outbox(review, "review.passed") == []


def test_a_pass_at_the_city_waits_for_its_summary_upload_then_recommends(registration: StoreHandle,
                                                                         review: StoreHandle) -> None:
    event = submitted(registration)
    task_id = take(review, event)
    as_city = ctx(reviewer(HENGYANG))

    before = application_of(review, event.subject)
    outcome = run(review, lambda unit: workflow.decide_pass(unit, as_city, task_id, "材料真实完整，同意推荐"))

    assert outcome.application["status"] == "passed_pending_summary"
    [passed] = outbox(review, "review.passed", event.subject)
    assert passed.payload(review_pb2.Passed).opinion == "材料真实完整，同意推荐"
    assert outbox(review, "review.recommended") == []
    # the pass and the status it leads to, one write (storage.update_application's ``defer``)
    stored = application_of(review, event.subject)
    assert stored["version"] == before["version"] + 1 and storage.UNWRITTEN not in stored
    assert (stored["passed_opinion"], stored["last_task_id"], stored["status"]) == (
        "材料真实完整，同意推荐", task_id, "passed_pending_summary")
    assert "open_task_id" not in stored and storage.UNWRITTEN not in outcome.application

    plan = workflow.plan_upload(as_city, HUNAN, HENGYANG, "summary_table")
    stored = storage.store_file(review.db, "summary-1", "衡阳市推荐汇总表.pdf", [PDF], 1 << 20,
                                lambda head, size: "application/pdf")
    run(review, lambda unit: workflow.record_upload(unit, as_city, plan, stored))

    application = application_of(review, event.subject)
    assert (application["status"], application["unit_rank"]) == ("recommended", 1)
    [recommended] = outbox(review, "review.recommended", event.subject)
    assert recommended.payload(review_pb2.Recommended).unit_rank == 1
    assert recommended.payload(review_pb2.Recommended).opinion == "材料真实完整，同意推荐"  # as stored by the pass
    [uploaded] = outbox(review, "review.summary_uploaded")
    assert list(uploaded.payload(review_pb2.SummaryUploaded).application_ids) == [event.subject]


def test_a_decision_after_the_review_deadline_is_refused(registration: StoreHandle, review: StoreHandle) -> None:
    task_id = take(review, submitted(registration))
    programme = catalogue().programme(HUNAN)
    late = programme.review_closes_at(1) + timedelta(seconds=1)

    with pytest.raises(DomainError) as refused:
        run(review, lambda unit: workflow.decide_reject(unit, ctx(reviewer(HENGYANG), late), task_id, "不符合条件"))

    assert refused.value.kind == "precondition"
    assert task_of(review, task_id)["status"] == "open"
    assert outbox(review, "review.rejected") == []


def test_a_return_reaches_registration_and_the_resubmission_opens_a_new_task(registration: StoreHandle,
                                                                             review: StoreHandle) -> None:
    """review.returned -> registration reopens the section -> application.resubmitted -> review's new task."""
    from workflow_support import SECTIONS, enterprise_caller, registration_ctx

    from registration import workflow as registration_workflow
    from zjtx_api.registration_pb2 import ResubmitRequest, SaveSectionRequest

    event = submitted(registration)
    task_id = take(review, event)
    items = [("section", "economic", "2019年营业收入与财务报表不一致")]
    run(review, lambda unit: workflow.decide_return(unit, ctx(reviewer(HENGYANG)), task_id, items))
    [returned] = outbox(review, "review.returned", event.subject)
    assert returned.payload(review_pb2.Returned).round == 1

    run(registration, lambda unit: review_events.apply(unit, returned))
    application = registration_storage.get_application(registration.db, event.subject)
    assert application["status"] == "returned"
    as_enterprise = registration_ctx(registration, enterprise_caller(application["enterprise_id"]), DECIDED)
    registration_workflow.save_section(as_enterprise, SaveSectionRequest(
        application_id=event.subject, section_id="economic", expected_version=1),
        {**SECTIONS["economic"], "operating_revenue_2019": 18500})
    registration_workflow.resubmit(as_enterprise, ResubmitRequest(application_id=event.subject))
    [resubmitted] = outbox(registration, "application.resubmitted", event.subject)

    payload = resubmitted.payload(registration_pb2.ApplicationResubmitted)
    run(review, lambda unit: workflow.take_resubmitted(unit, catalogue(), payload, DECIDED))

    opened = [e.payload(review_pb2.TaskOpened) for e in outbox(review, "review.task_opened", event.subject)]
    assert [(o.step.unit_id, o.round) for o in opened] == [(HENGYANG, 0), (HENGYANG, 1)]
    assert application_of(review, event.subject)["snapshot_version"] == 2


def test_a_withdrawal_closes_the_open_task(registration: StoreHandle, review: StoreHandle) -> None:
    event = submitted(registration)
    task_id = take(review, event)
    withdrawn = registration_pb2.ApplicationWithdrawn(application_id=event.subject, programme_id=HUNAN,
                                                      reason="企业主动撤回", withdrawn_at="2020-05-02T02:00:00Z")

    run(review, lambda unit: workflow.take_withdrawn(unit, catalogue(), withdrawn, DECIDED))

    assert task_of(review, task_id)["status"] == "withdrawn"
    assert application_of(review, event.subject)["status"] == "withdrawn"
    with pytest.raises(DomainError):
        run(review, lambda unit: workflow.decide_pass(unit, ctx(reviewer(HENGYANG)), task_id, "同意"))


def test_the_province_is_not_the_first_level(registration: StoreHandle, review: StoreHandle) -> None:
    task_id = take(review, submitted(registration))

    with pytest.raises(DomainError) as refused:
        run(review, lambda unit: workflow.decide_pass(unit, ctx(reviewer(PROVINCE_UNIT)), task_id, "同意"))

    assert refused.value.code == "review.other_unit"


def test_erasure_reaches_the_objections_against_the_applications(review: StoreHandle) -> None:
    """registration.personal_data_erased: an objector's name and contact (sealed at rest) become the
    erasure marker with the applications they objected to; the objection itself stays."""
    objection = {"_id": "objection-erasure", "programme_id": "hunan-2020-little-giant", "received_seq": 1,
                 "application_id": "application-erased", "objector": "异议人甲", "contact": "13800000000",
                 "content": "申报数据不实"}
    other = {**objection, "_id": "objection-kept", "received_seq": 2, "application_id": "application-kept"}
    review.transact(lambda unit: (storage.insert_objection(unit, objection), storage.insert_objection(unit, other)))
    assert review.db.objections.find_one({"_id": "objection-erasure"})["contact"].startswith("enc:")  # sealed
    review.transact(lambda unit: storage.erase_personal_data(unit, ["application-erased"], IN_WINDOW))
    kept = {o["_id"]: o for o in storage.objections_of(review.db, "hunan-2020-little-giant")}
    assert (kept["objection-erasure"]["objector"], kept["objection-erasure"]["contact"]) == ("〔已删除〕", "〔已删除〕")
    assert kept["objection-erasure"]["content"] == "申报数据不实"
    assert (kept["objection-kept"]["objector"], kept["objection-kept"]["contact"]) == ("异议人甲", "13800000000")


def test_changes_deferred_ride_with_the_next_write_of_the_application(registration: StoreHandle,
                                                                      review: StoreHandle) -> None:
    """``update_application(..., defer=True)``: nothing written until the next update, which carries
    both; a field set later wins over one removed earlier, and one removed later over one set earlier."""
    event = submitted(registration)
    take(review, event)
    before = application_of(review, event.subject)

    def work(unit: UnitOfWork) -> dict:
        application = storage.update_application(unit, before, {"passed_opinion": "同意", "note": "先写"},
                                                 unset=("open_task_id",), defer=True)
        assert application_of(review, event.subject)["version"] == before["version"]  # not written yet
        return storage.update_application(unit, application, {"open_task_id": "task-next", "level": 2},
                                          unset=("note",))

    fresh = run(review, work)
    stored = application_of(review, event.subject)
    assert stored["version"] == before["version"] + 1 == fresh["version"]
    assert (stored["passed_opinion"], stored["open_task_id"], stored["level"]) == ("同意", "task-next", 2)
    assert "note" not in stored and storage.UNWRITTEN not in stored and storage.UNWRITTEN not in fresh
