"""Issue 18 point 2 in process: at publication no application is left in limbo. One is
recognised; one whose task was never decided, one returned and never resubmitted, and one
whose unit never confirmed its 推荐汇总表 each end as expired with its reason, its history
entry and review.expired, which registration applies as a final state. Also the grace
period for returns near the deadline (point 2) and the target's tolerance (point 3)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

import pytest
import yaml
from workflow_support import HUNAN, IN_WINDOW, PDF, PROVINCE_UNIT, catalogue, draft, outbox, reviewer, submitted

from registration import review_events
from registration import storage as registration_storage
from registration.rules.applications import check_resubmit
from reporting import storage as reporting_storage
from reporting.rules.events import CONSUMED, normalise
from review import recognition, storage, workflow
from review.rules import decisions as d
from review.rules.programme_parser import parse_programme
from review.rules.programmes import ProgrammeError
from zjtx.config import REPO_ROOT
from zjtx.envelope import Envelope
from zjtx.errors import DomainError
from zjtx.mongo import StoreHandle
from zjtx_api import registration_pb2, review_pb2

HENGYANG, CHANGSHA = "unit-430400", "unit-430100"
DECIDED = IN_WINDOW + timedelta(days=1)
AFTER_REVIEWS = datetime.fromisoformat("2020-05-20T10:00:00+08:00")
AFTER_PUBLICITY = datetime.fromisoformat("2020-06-30T10:00:00+08:00")


@pytest.fixture
def registration(open_store) -> StoreHandle:
    return open_store("registration", registration_storage.INDEXES)


@pytest.fixture
def review(open_store) -> StoreHandle:
    return open_store("review", storage.INDEXES)


def take(review: StoreHandle, event: Envelope) -> str:
    payload = event.payload(registration_pb2.ApplicationSubmitted)
    review.transact(lambda unit: workflow.take_submitted(unit, catalogue(), payload.application, IN_WINDOW))
    return review.db.applications.find_one({"_id": event.subject})["open_task_id"]


def test_publication_concludes_every_application_with_a_final_state(registration: StoreHandle,
                                                                     review: StoreHandle, open_store) -> None:
    from zjtx.grpc_support import Caller
    at_desk = Caller(subject="reviewer-hy", role="reviewer", unit=HENGYANG, client_address="10.43.4.5")
    as_hengyang = workflow.Context(catalogue(), at_desk, DECIDED)
    as_changsha = workflow.Context(catalogue(), reviewer(CHANGSHA), DECIDED)
    recognised, undecided = submitted(registration), submitted(registration)
    returned, unconfirmed = submitted(registration, "430102"), submitted(registration, "430102")
    _, never_submitted = draft(registration, attachments=False, pledge=False)
    tasks = {e.subject: take(review, e) for e in (recognised, undecided, returned, unconfirmed)}

    review.transact(lambda u: workflow.decide_pass(u, as_hengyang, tasks[recognised.subject], "同意推荐"))
    plan = workflow.plan_upload(as_hengyang, HUNAN, HENGYANG, "summary_table")
    stored = storage.store_file(review.db, "s-1", "衡阳市推荐汇总表.pdf", [PDF], 1 << 20, lambda h, s: "application/pdf")
    review.transact(lambda u: workflow.record_upload(u, as_hengyang, plan, stored))
    review.transact(lambda u: workflow.decide_return(u, as_changsha, tasks[returned.subject],
                                                     [("section", "economic", "营业收入与报表不一致")]))
    review.transact(lambda u: workflow.decide_pass(u, as_changsha, tasks[unconfirmed.subject], "同意推荐"))

    programme = catalogue().programme(HUNAN)
    as_province = workflow.Context(catalogue(), reviewer(PROVINCE_UNIT, "admin"), AFTER_REVIEWS)
    review.transact(lambda u: recognition.recognise(u, as_province, programme, [recognised.subject]))
    at_publication = replace(as_province, now=AFTER_PUBLICITY)
    done, not_done, expired = review.transact(lambda u: recognition.publish(u, at_publication, programme))

    assert [r.application_id for r in done] == [recognised.subject] and not_done == []
    causes = {e.application_id: (e.cause, e.reason) for e in expired}
    assert causes.keys() == {undecided.subject, returned.subject, unconfirmed.subject}
    assert causes[undecided.subject][0] == "undecided" and "未作出审核决定" in causes[undecided.subject][1]
    assert causes[returned.subject][0] == "returned" and "未在重新提交期限内提交" in causes[returned.subject][1]
    assert causes[unconfirmed.subject][0] == "unconfirmed_summary" and "推荐汇总表" in causes[unconfirmed.subject][1]
    statuses = {a["_id"]: a["status"] for a in review.db.applications.find()}
    assert statuses == {recognised.subject: "recognised", undecided.subject: "expired",
                        returned.subject: "expired", unconfirmed.subject: "expired"}
    assert review.db.tasks.find_one({"_id": tasks[undecided.subject]})["status"] == d.TASK_EXPIRED
    assert review.db.tasks.count_documents({"status": d.TASK_OPEN}) == 0
    assert review.db.history.count_documents({"action": "expired"}) == 3
    # review's own records keep the client address the signed identity carried
    assert review.db.history.find_one({"action": "passed", "application_id": recognised.subject})[
        "client_address"] == "10.43.4.5"
    events = outbox(review, "review.expired")
    assert {e.subject for e in events} == causes.keys()

    # registration applies review.expired: a final state nothing changes afterwards
    [event] = [e for e in events if e.subject == undecided.subject]
    registration.transact(lambda unit: review_events.apply(unit, event))
    application = registration_storage.get_application(registration.db, undecided.subject)
    assert application["status"] == "expired"
    late = Envelope.from_dict({**event.to_dict(), "id": "late-pass", "type": "review.recognised"})
    registration.transact(lambda unit: review_events.apply(unit, late))
    assert registration_storage.get_application(registration.db, undecided.subject)["status"] == "expired"

    # the draft never submitted: registration expires it when the results are published
    [published] = outbox(review, "review.results_published")
    assert registration.transact(lambda unit: review_events.expire_drafts(unit, published)) == 1
    assert registration_storage.get_application(registration.db, never_submitted["_id"])["status"] == "expired"
    [gone] = outbox(registration, "application.expired")
    assert (gone.subject, "已过期" in gone.payload(registration_pb2.ApplicationExpired).reason) == (
        never_submitted["_id"], True)
    assert registration.transact(lambda unit: review_events.expire_drafts(unit, published)) == 0  # redelivered

    # point 3: the published list corrected by a new, audited version with a reason
    invalid = pytest.raises(DomainError)
    with invalid as refused:  # an expired application cannot be added
        review.transact(lambda u: recognition.amend_recognition(u, at_publication, programme, [],
                                                                [undecided.subject], "补入", 0))
    assert refused.value.code == "recognition.amendment_invalid" and refused.value.violations
    amended = review.transact(lambda u: recognition.amend_recognition(
        u, at_publication, programme, [recognised.subject], [], "经核查，该企业申报数据不实，撤销认定", 1))
    assert (amended.list_version, [r.application_id for r in amended.removed]) == (2, [recognised.subject])
    assert review.db.applications.find_one({"_id": recognised.subject})["status"] == "not_recognised"
    [correction] = outbox(review, "review.recognition_amended")
    assert correction.payload(review_pb2.RecognitionAmended).reason == "经核查，该企业申报数据不实，撤销认定"
    [trail] = [e for e in review.db.audit.find({"action": "recognition.amended"})]
    assert (trail["target"], trail["reason"], trail["details"]["removed"]) == (
        f"programme:{programme.id}", "经核查，该企业申报数据不实，撤销认定", [recognised.subject])
    with pytest.raises(DomainError) as stale:
        review.transact(lambda u: recognition.amend_recognition(u, at_publication, programme, [],
                                                                [recognised.subject], "恢复", 1))
    assert stale.value.code == "recognition.changed"
    registration.transact(lambda unit: review_events.apply(unit, [e for e in outbox(review, "review.recognised")][0]))
    assert registration.transact(lambda unit: review_events.apply_recognition_amendment(unit, correction)) == 1
    assert registration_storage.get_application(registration.db, recognised.subject)["status"] == "not_recognised"

    # reporting applies the correction (before or after the publication it corrects): its list and figures
    reporting = open_store("reporting", reporting_storage.INDEXES)
    events = [e for e in [*outbox(registration), *outbox(review)] if e.type in CONSUMED]
    for event in sorted(events, key=lambda e: e.type != "review.recognition_amended"):
        envelope = event.to_dict()
        reporting.transact(lambda u, e=envelope: reporting_storage.archive_and_apply(u, e, normalise(e)))
    [was_listed] = reporting.db.applications.find({"_id": recognised.subject})
    assert (was_listed["status"], was_listed["recognition_rank"]) == ("not_recognised", 0)
    assert list(reporting_storage.recognised_documents(reporting.db, programme.id)) == []
    # and one added to the list comes back as recognised
    # (a later correction: the same instant, a later id)
    back = Envelope.from_dict({**correction.to_dict(), "id": "zz-amend-3", "data": {
        **correction.to_dict()["data"], "list_version": 3, "removed": [], "added": [
            {**correction.to_dict()["data"]["removed"][0], "recognised": True, "rank": 1}]}})
    reporting.transact(lambda u: reporting_storage.archive_and_apply(u, back.to_dict(), normalise(back.to_dict())))
    assert [d["_id"] for d in reporting_storage.recognised_documents(reporting.db, programme.id)] == [
        recognised.subject]
    assert reporting_storage.programme_document(reporting.db, programme.id)["recognition_list_version"] == 3
    rebuilt = open_store("reporting_rebuilt", reporting_storage.INDEXES)
    list(reporting_storage.rebuild(reporting.db, rebuilt.db, catch_up=False))
    assert rebuilt.db.applications.find_one({"_id": recognised.subject})["status"] == "recognised"  # the latest word


def test_a_return_near_the_deadline_leaves_the_grace_period_to_resubmit() -> None:
    programme = catalogue().programme(HUNAN)
    late = datetime.fromisoformat("2020-05-15T20:00:00+08:00")  # four hours before the window closes
    graced = replace(programme, return_grace_days=3,
                     window=replace(programme.window, review_closes_at=programme.window.closes_at + timedelta(days=10)))

    assert programme.resubmit_by(late) == programme.window.closes_at  # no grace: the window's close
    assert graced.resubmit_by(late) == datetime.fromisoformat("2020-05-18T20:00:00+08:00")
    after_close = datetime.fromisoformat("2020-05-16T09:00:00+08:00")
    with pytest.raises(DomainError) as refused:
        d.check_return_allowed(programme, 0, after_close)
    assert refused.value.code == "return.window_closed"
    assert d.check_return_allowed(graced, 0, after_close) == 1  # a return is still worth making

    model = _model(graced)
    assert check_resubmit(model, "returned", 1, graced.resubmit_by(late), after_close) == []
    too_late = check_resubmit(model, "returned", 1, graced.resubmit_by(late), after_close + timedelta(days=3))
    assert [v.code for v in too_late] == ["resubmit_deadline"]


def test_the_target_tolerance_sets_the_band_the_list_should_fall_in() -> None:
    programme = catalogue().programme(HUNAN)
    assert replace(programme, target_count=300, target_tolerance=30).target_band == (270, 330)
    assert replace(programme, target_count=None, target_tolerance=0).target_band is None


def _model(programme):  # the programme as registration reads it over gRPC
    from kernel.programme import programme_from_message
    from review.catalogue import programme_message

    return programme_from_message(programme_message(programme, {}))


def test_an_escalating_programme_moves_an_undecided_task_up_at_the_deadline(registration: StoreHandle,
                                                                           review: StoreHandle) -> None:
    source = yaml.safe_load((REPO_ROOT / "deploy" / "programmes" / f"{HUNAN}.yaml").read_text(encoding="utf-8"))
    with pytest.raises(ProgrammeError) as wrong:
        parse_programme({**source, "undecided_at_review_deadline": "promote"}, rulesets=catalogue().rulesets)
    assert "undecided_at_review_deadline" in str(wrong.value) and "escalate" in str(wrong.value)
    programme = parse_programme({**source, "undecided_at_review_deadline": "escalate"}, rulesets=catalogue().rulesets)
    decided, undecided = submitted(registration), submitted(registration)
    tasks = {e.subject: take(review, e) for e in (decided, undecided)}
    before = programme.window.review_closes_at  # Hengyang may still decide until its deadline, inclusive
    assert review.transact(lambda u: workflow.escalate_overdue(u, catalogue(), programme, before)) == 0

    assert review.transact(lambda u: workflow.escalate_overdue(u, catalogue(), programme, AFTER_REVIEWS)) == 2
    old = review.db.tasks.find_one({"_id": tasks[decided.subject]})
    assert (old["status"], "移交湖南省工业和信息化厅择优认定审核" in old["reason"]) == (d.TASK_ESCALATED, True)
    [entry] = review.db.history.find({"application_id": decided.subject, "action": "escalated"})
    assert "衡阳市" in entry["detail"] and "未作出审核决定" in entry["detail"]
    assert review.db.audit.count_documents({"action": "task.escalated"}) == 2
    moved = review.db.applications.find_one({"_id": decided.subject})
    assert (moved["status"], moved["level"], moved["unit_id"]) == ("in_review", 2, PROVINCE_UNIT)
    assert {e.payload(review_pb2.TaskOpened).step.unit_id for e in outbox(review, "review.task_opened")} == {
        HENGYANG, PROVINCE_UNIT}
    # the chain's last level is not moved again; Hengyang can no longer decide; the province decides
    assert review.transact(lambda u: workflow.escalate_overdue(u, catalogue(), programme, AFTER_PUBLICITY)) == 0
    with pytest.raises(DomainError):
        review.transact(lambda u: workflow.decide_pass(u, workflow.Context(catalogue(), reviewer(HENGYANG), before),
                                                       tasks[decided.subject], "同意"))
    as_province = workflow.Context(catalogue(), reviewer(PROVINCE_UNIT), AFTER_REVIEWS)
    review.transact(lambda u: workflow.decide_pass(u, as_province, moved["open_task_id"], "省厅直接审核通过"))
    assert review.db.applications.find_one({"_id": decided.subject})[
        "status"] == "recommended" and not outbox(review, "review.recommended") == []

    # the one the province left undecided expires at publication with the reason
    as_admin = workflow.Context(catalogue(), reviewer(PROVINCE_UNIT, "admin"), AFTER_REVIEWS)
    review.transact(lambda u: recognition.recognise(u, as_admin, programme, [decided.subject]))
    _, _, expired = review.transact(lambda u: recognition.publish(u, replace(as_admin, now=AFTER_PUBLICITY),
                                                                  programme))
    assert [(e.application_id, e.cause) for e in expired] == [(undecided.subject, "undecided")]
    assert "湖南省工业和信息化厅" in expired[0].reason and "未作出审核决定" in expired[0].reason
