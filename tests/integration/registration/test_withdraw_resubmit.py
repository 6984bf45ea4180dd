"""After submission: review's events (as review publishes them on ``review.events``)
keep the enterprise-facing status; a return reopens what the reviewer named for
correction and resubmission; withdrawal before the final decision."""

from __future__ import annotations

from pathlib import Path

import grpc
import pytest
from pymongo import MongoClient
from registration_support import (
    AFTER_CLOSE,
    IN_WINDOW,
    PNG,
    VALID_SECTIONS,
    as_reviewer,
    create,
    fields_of,
    fill,
    outbox,
    publish_returned,
    publish_review,
    refused,
    register,
    save,
    step,
    upload,
    wait_status,
)

from harness import rabbit
from harness.clients import call
from harness.wait import until
from zjtx.clock import set_clock_file
from zjtx_api import registration_pb2 as pb
from zjtx_api import review_pb2
from zjtx_api.registration_pb2_grpc import RegistrationStub

pytestmark = pytest.mark.usefixtures("in_window")

RETURN_REASONS = [
    ("section", "economic", "经济效益", "2019年主营业务收入与财务报表不一致，请核对"),
    ("attachment", "photos", "照片", "照片不清晰，请重新上传主要产品照片"),
]


def in_review(stub: RegistrationStub, prefix: str) -> pb.Application:
    """A complete Hunan application, submitted, with review's first task opened."""
    application = create(stub, register(stub, prefix).id)
    fill(stub, application.id)
    call(stub.Submit, pb.SubmitRequest(application_id=application.id))
    return wait_status(stub, application.id, "in_review")


def returned(stub: RegistrationStub, amqp_uri: str, prefix: str) -> pb.Application:
    application = in_review(stub, prefix)
    publish_returned(amqp_uri, application.id, RETURN_REASONS)
    return wait_status(stub, application.id, "returned")


def test_a_return_reopens_what_the_reviewer_named(stub: RegistrationStub, amqp_uri: str) -> None:
    application = returned(stub, amqp_uri, "A")
    assert application.return_round == 1 and application.max_return_rounds == 2
    assert [(c.target, c.reason) for c in application.corrections] == [(t, r) for _, t, _, r in RETURN_REASONS]
    assert {s.id: s.editable for s in application.sections} == {
        "basic": False, "economic": True, "specialisation": False, "innovation": False, "other": False}
    assert list(application.editable_attachment_kinds) == ["photos"] and not application.pledge_editable
    assert application.resubmit_by == "2020-05-15T15:59:59.000Z"
    # what was not named stays as submitted
    code, error = refused(stub.SaveSection, pb.SaveSectionRequest(application_id=application.id, section_id="basic",
                                                                  expected_version=1))
    assert code == grpc.StatusCode.FAILED_PRECONDITION and error.code == "application.not_reopened"
    code, _ = refused(stub.SignPledge, pb.SignPledgeRequest(application_id=application.id, signer_name="张建国"))
    assert code == grpc.StatusCode.FAILED_PRECONDITION
    # the named section and attachment can be corrected
    [economic] = [s for s in application.sections if s.id == "economic"]
    save(stub, application.id, "economic", {**VALID_SECTIONS["economic"], "main_revenue_2019": 18200},
         expected=economic.version)
    [photo] = [a for a in application.attachments if a.kind == "photos"]
    call(stub.RemoveAttachment, pb.RemoveAttachmentRequest(application_id=application.id, attachment_id=photo.id))
    clear = upload(stub, application.id, "photos", "主要产品（清晰）.png", PNG + b"clear")
    # the reviewers see what was submitted and is still there: not the removed photo, not the one
    # uploaded since (until it is resubmitted)
    listed = call(stub.ListAttachments, pb.ListAttachmentsRequest(application_id=application.id),
                  metadata=as_reviewer("unit-430400"))
    assert {a.id for a in listed.attachments} == {a.id for a in application.attachments} - {photo.id}
    assert clear.id not in {a.id for a in listed.attachments}


def test_resubmission_after_a_return(stub: RegistrationStub, amqp_uri: str, mongo: MongoClient) -> None:
    application = returned(stub, amqp_uri, "B")
    first = call(stub.GetSnapshot, pb.GetSnapshotRequest(application_id=application.id))
    [photo] = [a for a in application.attachments if a.kind == "photos"]
    call(stub.RemoveAttachment, pb.RemoveAttachmentRequest(application_id=application.id, attachment_id=photo.id))
    # an incomplete correction cannot be resubmitted: every reason at once
    code, error = refused(stub.Resubmit, pb.ResubmitRequest(application_id=application.id))
    assert code == grpc.StatusCode.FAILED_PRECONDITION and fields_of(error) == {"attachments.photos":
                                                                               "attachment_missing"}
    upload(stub, application.id, "photos", "主要产品.png", PNG + b"new")
    save(stub, application.id, "economic", {**VALID_SECTIONS["economic"], "main_revenue_2019": 18200}, expected=1)
    result = call(stub.Resubmit, pb.ResubmitRequest(application_id=application.id))
    assert (result.status, result.snapshot_version, result.round, result.already_submitted) == ("resubmitted", 2, 1,
                                                                                                 False)
    second = call(stub.GetSnapshot, pb.GetSnapshotRequest(application_id=application.id))
    assert second.snapshot_version == 2 and second.content_hash != first.content_hash
    assert second.first_submitted_at == first.submitted_at
    # the first snapshot is unchanged, and its removed photo can still be downloaded by review
    assert call(stub.GetSnapshot, pb.GetSnapshotRequest(application_id=application.id, snapshot_version=1)) == first
    old_photo = [a for a in first.attachments if a.kind == "photos"][0]
    parts = list(stub.DownloadAttachment(pb.DownloadAttachmentRequest(
        application_id=application.id, attachment_id=old_photo.attachment_id), timeout=15))
    assert len(b"".join(p.data for p in parts[1:])) == old_photo.size
    [event] = outbox(mongo, "application.resubmitted", application.id)
    data = event["envelope"]["data"]
    assert data["round"] == 1 and data["application"]["snapshot_version"] == 2 and data["returned_task_id"]
    # a repeated resubmit returns the same result
    again = call(stub.Resubmit, pb.ResubmitRequest(application_id=application.id))
    assert again.already_submitted and again.content_hash == result.content_hash
    assert len(outbox(mongo, "application.resubmitted", application.id)) == 1
    # nothing is editable any more
    code, _ = refused(stub.SaveSection, pb.SaveSectionRequest(application_id=application.id, section_id="economic",
                                                              expected_version=2))
    assert code == grpc.StatusCode.FAILED_PRECONDITION


def test_no_resubmission_after_the_window_closes(stub: RegistrationStub, amqp_uri: str, clock_file: Path) -> None:
    application = returned(stub, amqp_uri, "C")
    try:
        set_clock_file(clock_file, AFTER_CLOSE)
        code, error = refused(stub.Resubmit, pb.ResubmitRequest(application_id=application.id))
    finally:
        set_clock_file(clock_file, IN_WINDOW)
    assert code == grpc.StatusCode.FAILED_PRECONDITION and fields_of(error) == {"window": "window_closed"}
    assert "过期不予受理" in error.violations[0].message


def test_submit_on_a_returned_application_points_to_resubmit(stub: RegistrationStub, amqp_uri: str) -> None:
    application = returned(stub, amqp_uri, "D")
    code, error = refused(stub.Submit, pb.SubmitRequest(application_id=application.id))
    assert code == grpc.StatusCode.FAILED_PRECONDITION and "重新提交" in error.message


def test_withdraw_before_the_final_decision(stub: RegistrationStub, mongo: MongoClient) -> None:
    application = in_review(stub, "E")
    withdrawn = call(stub.Withdraw, pb.WithdrawRequest(application_id=application.id, reason="企业经营调整，暂不申报"))
    assert withdrawn.status == "withdrawn" and withdrawn.status_label == "已撤回"
    [event] = outbox(mongo, "application.withdrawn", application.id)
    assert event["envelope"]["data"]["reason"] == "企业经营调整，暂不申报"
    assert event["envelope"]["data"]["status_before"] == "in_review"
    # again: the same answer, no second event
    assert call(stub.Withdraw, pb.WithdrawRequest(application_id=application.id)).status == "withdrawn"
    assert len(outbox(mongo, "application.withdrawn", application.id)) == 1
    code, error = refused(stub.Submit, pb.SubmitRequest(application_id=application.id))
    assert code == grpc.StatusCode.FAILED_PRECONDITION and error.code == "application.withdrawn"
    history = call(stub.ListApplicationHistory, pb.ListApplicationHistoryRequest(application_id=application.id))
    [entry] = [e for e in history.entries if e.action == "withdrawn"]
    assert entry.reason == "企业经营调整，暂不申报" and entry.role == "system"


def test_a_draft_has_nothing_to_withdraw(stub: RegistrationStub) -> None:
    application = create(stub, register(stub, "F").id)
    code, error = refused(stub.Withdraw, pb.WithdrawRequest(application_id=application.id))
    assert code == grpc.StatusCode.FAILED_PRECONDITION and error.code == "application.not_withdrawable"
    assert "尚未提交" in error.message


def test_a_returned_application_may_be_withdrawn(stub: RegistrationStub, amqp_uri: str) -> None:
    application = returned(stub, amqp_uri, "G")
    assert call(stub.Withdraw, pb.WithdrawRequest(application_id=application.id)).status == "withdrawn"


def test_review_decisions_reach_the_enterprise(stub: RegistrationStub, amqp_uri: str) -> None:
    rejected = in_review(stub, "H")
    publish_review(amqp_uri, "review.rejected", rejected.id,
                   review_pb2.Rejected(step=step(rejected.id, reviewer="reviewer-1"), reason="不符合申报条件"))
    after = wait_status(stub, rejected.id, "rejected")
    assert after.decision_reason == "不符合申报条件"
    code, error = refused(stub.Withdraw, pb.WithdrawRequest(application_id=rejected.id))
    assert code == grpc.StatusCode.FAILED_PRECONDITION and "最终结果" in error.message

    chosen = in_review(stub, "J")
    publish_review(amqp_uri, "review.passed", chosen.id, review_pb2.Passed(step=step(chosen.id), opinion="同意推荐"))
    publish_review(amqp_uri, "review.recommended", chosen.id,
                   review_pb2.Recommended(step=step(chosen.id), opinion="同意推荐", unit_rank=1))
    wait_status(stub, chosen.id, "recommended")
    publish_review(amqp_uri, "review.recognised", chosen.id, review_pb2.Recognition(
        application_id=chosen.id, programme_id="hunan-2020-little-giant", enterprise_id=chosen.enterprise_id,
        recognised=True, rank=7))
    wait_status(stub, chosen.id, "recognised")
    # a late event after the final decision is recorded but changes nothing
    publish_review(amqp_uri, "review.not_recognised", chosen.id, review_pb2.Recognition(
        application_id=chosen.id, programme_id="hunan-2020-little-giant", reason="迟到的事件"))
    history = until(lambda: [e for e in call(stub.ListApplicationHistory, pb.ListApplicationHistoryRequest(
        application_id=chosen.id)).entries if e.action == "not_recognised"], what="the late event in the history")
    assert "忽略" in history[0].detail
    assert call(stub.GetApplication, pb.GetApplicationRequest(application_id=chosen.id)).status == "recognised"


def test_a_duplicated_return_is_applied_once(stub: RegistrationStub, amqp_uri: str) -> None:
    application = in_review(stub, "K")
    body = publish_returned(amqp_uri, application.id, RETURN_REASONS)
    wait_status(stub, application.id, "returned")
    rabbit.publish(amqp_uri, "review.events", "review.returned", body)  # the same event delivered again
    publish_returned(amqp_uri, application.id, RETURN_REASONS)  # a new event id for the same round
    entries = until(lambda: (h := call(stub.ListApplicationHistory, pb.ListApplicationHistoryRequest(
        application_id=application.id)).entries) and len([e for e in h if e.action == "returned"]) == 2 and h,
        what="the second return event in the history")
    returns = [e for e in entries if e.action == "returned"]
    assert "忽略" in returns[1].detail
    assert call(stub.GetApplication, pb.GetApplicationRequest(application_id=application.id)).return_round == 1
