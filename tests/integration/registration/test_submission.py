"""Submission over gRPC: every reason at once, the window to the second (Asia/Shanghai,
the platform clock), the frozen snapshot with its hash, double submits, and the event
through the outbox to review (whose review.task_opened comes back)."""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path
from typing import Any

import grpc
from google.protobuf import json_format
from pymongo import MongoClient
from registration_support import (
    AFTER_CLOSE,
    IN_WINDOW,
    LAST_SECOND,
    VALID_SECTIONS,
    as_enterprise,
    clock_at,
    create,
    fields_of,
    fill,
    outbox,
    refused,
    register,
    save,
    wait_status,
)

from harness.clients import call
from harness.wait import until
from registration.rules.snapshots import canonical_json
from zjtx.clock import set_clock_file
from zjtx_api import registration_pb2 as pb
from zjtx_api.registration_pb2_grpc import RegistrationStub


def complete_application(stub: RegistrationStub, clock_file: Path, prefix: str) -> pb.Application:
    with clock_at(clock_file, IN_WINDOW):
        application = create(stub, register(stub, prefix).id)
        fill(stub, application.id)
    return application


def submit(stub: RegistrationStub, application_id: str, **kwargs: Any) -> pb.SubmitResponse:
    return call(stub.Submit, pb.SubmitRequest(application_id=application_id, **kwargs))


def test_submission_is_refused_with_every_reason_at_once(stub: RegistrationStub, clock_file: Path) -> None:
    with clock_at(clock_file, IN_WINDOW):
        application = create(stub, register(stub, "A").id)
        sections = {**VALID_SECTIONS, "other": {**VALID_SECTIONS["other"], "cloud_platform": False}}
        del sections["innovation"]
        fill(stub, application.id, sections, attachments=False, pledge=False)
    with clock_at(clock_file, AFTER_CLOSE):
        code, error = refused(stub.Submit, pb.SubmitRequest(application_id=application.id))
    assert code == grpc.StatusCode.FAILED_PRECONDITION and error.code == "application.not_submittable"
    fields = fields_of(error)
    assert fields["sections.innovation"] == "section_missing"
    assert fields["attachments.photos"] == "attachment_missing"
    assert fields["attachments.financial_statements"] == "attachment_missing"
    assert fields["pledge"] == "pledge_missing"
    assert fields["gates.cloud_platform"] == "gate"
    assert fields["window"] == "window_closed"
    messages = {v.field: v.message for v in error.violations}
    assert messages["gates.cloud_platform"] == "申报小巨人企业必须是“上云上平台”企业"
    assert "2020年5月15日23:59:59（北京时间）" in messages["window"]
    assert len(error.violations) == 1 + 6 + 1 + 1 + 1
    assert call(stub.GetApplication, pb.GetApplicationRequest(application_id=application.id)).status == "draft"


def test_a_missing_field_names_its_section_and_field(stub: RegistrationStub, clock_file: Path) -> None:
    with clock_at(clock_file, IN_WINDOW):
        application = create(stub, register(stub, "B").id)
        economic = {k: v for k, v in VALID_SECTIONS["economic"].items() if k != "tax_paid_2019"}
        fill(stub, application.id, {**VALID_SECTIONS, "economic": economic})
        code, error = refused(stub.Submit, pb.SubmitRequest(application_id=application.id))
    assert fields_of(error) == {"sections.economic.tax_paid_2019": "required"}
    assert error.violations[0].message == "请填写“2019年上缴税金”"


def test_one_second_before_the_close_is_accepted(stub: RegistrationStub, clock_file: Path, mongo: MongoClient) -> None:
    application = complete_application(stub, clock_file, "C")
    with clock_at(clock_file, LAST_SECOND):
        result = submit(stub, application.id)
    assert (result.status, result.snapshot_version, result.already_submitted) == ("submitted", 1, False)
    assert result.submitted_at == "2020-05-15T15:59:59.000Z"  # stored in UTC
    [event] = outbox(mongo, "application.submitted", application.id)
    assert event["envelope"]["data"]["application"]["content_hash"] == result.content_hash


def test_one_second_after_the_close_is_refused(stub: RegistrationStub, clock_file: Path, mongo: MongoClient) -> None:
    application = complete_application(stub, clock_file, "D")
    with clock_at(clock_file, AFTER_CLOSE):
        code, error = refused(stub.Submit, pb.SubmitRequest(application_id=application.id))
        completeness = call(stub.GetCompleteness, pb.GetCompletenessRequest(application_id=application.id))
    assert code == grpc.StatusCode.FAILED_PRECONDITION
    assert fields_of(error) == {"window": "window_closed"}
    assert completeness.complete and not completeness.submittable and completeness.window_state == "closed"
    assert completeness.window_closes_at == "2020-05-15T23:59:59+08:00"
    assert outbox(mongo, "application.submitted", application.id) == []
    with clock_at(clock_file, "2020-03-29T23:59:59+08:00"):  # and before the window opens
        code, error = refused(stub.Submit, pb.SubmitRequest(application_id=application.id))
    assert fields_of(error) == {"window": "window_not_open"}


def test_the_snapshot_is_frozen_with_its_hash(stub: RegistrationStub, clock_file: Path, mongo: MongoClient) -> None:
    application = complete_application(stub, clock_file, "E")
    with clock_at(clock_file, IN_WINDOW):
        result = submit(stub, application.id)
        snapshot = call(stub.GetSnapshot, pb.GetSnapshotRequest(application_id=application.id))
        enterprise = call(stub.GetEnterprise, pb.GetEnterpriseRequest(enterprise_id=application.enterprise_id))
        # the profile changes later: the snapshot keeps what was submitted
        call(stub.UpdateEnterpriseProfile, pb.UpdateEnterpriseProfileRequest(
            enterprise_id=enterprise.id, expected_version=1, name="改名后的公司", region_code=enterprise.region_code,
            industry=enterprise.industry, contact=enterprise.contact))
        again = call(stub.GetSnapshot, pb.GetSnapshotRequest(application_id=application.id, snapshot_version=1))
    assert snapshot == again
    assert (snapshot.enterprise.name, snapshot.enterprise.profile_version) == (enterprise.name, 1)
    assert (snapshot.programme_id, snapshot.programme_version, snapshot.snapshot_version) == (
        "hunan-2020-little-giant", 1, 1)
    assert snapshot.focus_category == "manufacturing_chain"
    assert snapshot.content_hash == result.content_hash
    assert [a.kind for a in snapshot.attachments] == ["authenticity_pledge", *["financial_statements"] * 3,
                                                      "business_licence", "supporting_evidence",
                                                      "development_report", "photos"]
    assert snapshot.pledge.signer_name == "张建国"
    assert snapshot.pledge.signed_at.startswith("2020-05-01T02:00:00")
    # anyone holding the snapshot recomputes its hash (documented canonical form)
    body = {"sections": json_format.MessageToDict(snapshot.sections),
            "attachments": [json_format.MessageToDict(a, preserving_proto_field_name=True,
                                                      always_print_fields_with_no_presence=True)
                            for a in snapshot.attachments],
            "pledge": json_format.MessageToDict(snapshot.pledge, preserving_proto_field_name=True,
                                                always_print_fields_with_no_presence=True)}
    for reference in body["attachments"]:
        reference["size"] = int(reference["size"])  # int64 is a JSON string in proto3 JSON
        if not reference["digest_alg"]:  # the SM3 beside the SHA-256 only under the 商用密码 profile
            del reference["digest_alg"], reference["digest"]
    assert hashlib.sha256(canonical_json(body).encode()).hexdigest() == snapshot.content_hash
    # after submission nothing in it can be edited
    with clock_at(clock_file, IN_WINDOW):
        code, error = refused(stub.SaveSection, pb.SaveSectionRequest(application_id=application.id,
                                                                      section_id="basic", expected_version=1))
    assert code == grpc.StatusCode.FAILED_PRECONDITION and error.code == "application.not_editable"


def test_a_second_submit_returns_the_first_result(stub: RegistrationStub, clock_file: Path, mongo: MongoClient) -> None:
    application = complete_application(stub, clock_file, "F")
    with clock_at(clock_file, IN_WINDOW):
        first = submit(stub, application.id)
    with clock_at(clock_file, "2020-05-02T10:00:00+08:00"):
        second = submit(stub, application.id)
    assert second.already_submitted and not first.already_submitted
    assert (second.snapshot_version, second.content_hash, second.submitted_at) == (
        first.snapshot_version, first.content_hash, first.submitted_at)
    assert len(outbox(mongo, "application.submitted", application.id)) == 1
    assert mongo.zjtx_registration.snapshots.count_documents({"application_id": application.id}) == 1
    assert mongo.zjtx_registration.applications.count_documents({"enterprise_id": application.enterprise_id}) == 1


def test_two_submits_at_once_make_one_submission(stub: RegistrationStub, clock_file: Path, mongo: MongoClient) -> None:
    application = complete_application(stub, clock_file, "G")
    barrier = threading.Barrier(2)
    results: list[Any] = []

    def client() -> None:
        barrier.wait()
        try:
            results.append(stub.Submit(pb.SubmitRequest(application_id=application.id), timeout=30))
        except grpc.RpcError as error:
            results.append(error)

    with clock_at(clock_file, IN_WINDOW):
        threads = [threading.Thread(target=client) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert all(isinstance(r, pb.SubmitResponse) for r in results), results
    assert {r.content_hash for r in results} == {results[0].content_hash}
    assert sorted(r.already_submitted for r in results) == [False, True]
    assert len(outbox(mongo, "application.submitted", application.id)) == 1


def test_the_submission_reaches_review_and_its_task_comes_back(stub: RegistrationStub, clock_file: Path,
                                                             mongo: MongoClient) -> None:
    application = complete_application(stub, clock_file, "H")
    set_clock_file(clock_file, IN_WINDOW)
    try:
        submit(stub, application.id, expected_version=call(
            stub.GetApplication, pb.GetApplicationRequest(application_id=application.id)).version)
        until(lambda: outbox(mongo, "application.submitted", application.id)[0]["state"] == "Published",
              what="the outbox relay to publish application.submitted")
        reviewed = wait_status(stub, application.id, "in_review")
    finally:
        set_clock_file(clock_file, "")
    assert reviewed.review_level == 1 and reviewed.review_unit_name == "衡阳市工业和信息化局"
    assert reviewed.status_label == "审核中"
    history = call(stub.ListApplicationHistory, pb.ListApplicationHistoryRequest(application_id=application.id))
    actions = [e.action for e in history.entries]
    assert actions[0] == "created" and actions[-2:] == ["submitted", "task_opened"]
    assert {"section_saved", "attachment_added", "pledge_signed"} <= set(actions)
    assert all(e.at and e.actor and e.detail for e in history.entries)


def test_a_stale_expected_version_is_refused(stub: RegistrationStub, clock_file: Path) -> None:
    application = complete_application(stub, clock_file, "J")
    with clock_at(clock_file, IN_WINDOW):
        code, error = refused(stub.Submit, pb.SubmitRequest(application_id=application.id, expected_version=1))
    assert code == grpc.StatusCode.ABORTED and error.code == "application.version_conflict"


def test_reviewers_read_submissions_of_their_jurisdiction_only(stub: RegistrationStub, clock_file: Path) -> None:
    from registration_support import as_reviewer

    application = complete_application(stub, clock_file, "K")
    with clock_at(clock_file, IN_WINDOW):
        draft = create(stub, register(stub, "K").id)
        save(stub, draft.id, "other", VALID_SECTIONS["other"])
        submit(stub, application.id)
    hengyang, changsha = as_reviewer("unit-430400"), as_reviewer("unit-430100")
    snapshot = call(stub.GetSnapshot, pb.GetSnapshotRequest(application_id=application.id), metadata=hengyang)
    assert snapshot.snapshot_version == 1
    [first, *_] = snapshot.attachments
    parts = list(stub.DownloadAttachment(pb.DownloadAttachmentRequest(application_id=application.id,
                                                                      attachment_id=first.attachment_id),
                                         timeout=15, metadata=hengyang))
    assert hashlib.sha256(b"".join(p.data for p in parts[1:])).hexdigest() == first.sha256
    for request, who in ((pb.GetSnapshotRequest(application_id=application.id), changsha),
                         (pb.GetSnapshotRequest(application_id=draft.id), hengyang)):
        code, _ = refused(stub.GetSnapshot, request, who)
        assert code == grpc.StatusCode.PERMISSION_DENIED
    code, error = refused(stub.Withdraw, pb.WithdrawRequest(application_id=application.id), hengyang)
    assert code == grpc.StatusCode.PERMISSION_DENIED and error.code == "access.read_only"
    # the reviewer sees the status, not the live contents
    seen = call(stub.GetApplication, pb.GetApplicationRequest(application_id=application.id), metadata=hengyang)
    assert seen.status in ("submitted", "in_review") and not seen.attachments
    # and the enterprise itself sees everything
    own = call(stub.GetApplication, pb.GetApplicationRequest(application_id=application.id),
               metadata=as_enterprise(application.enterprise_id))
    assert len(own.attachments) == 8


def test_find_submitted_answers_from_registrations_own_state(stub: RegistrationStub, clock_file: Path) -> None:
    """What notification asks right before a "not yet submitted" reminder (issue 21)."""
    done = complete_application(stub, clock_file, "U")
    with clock_at(clock_file, IN_WINDOW):
        submit(stub, done.id)
    drafting = complete_application(stub, clock_file, "T")
    asked = [drafting.enterprise_id, done.enterprise_id, "no-such-enterprise", done.enterprise_id]
    answer = call(stub.FindSubmitted, pb.FindSubmittedRequest(programme_id=done.programme_id, enterprise_ids=asked))
    assert list(answer.enterprise_ids) == [done.enterprise_id]
    elsewhere = call(stub.FindSubmitted, pb.FindSubmittedRequest(programme_id="hengyang-2020-seed",
                                                                 enterprise_ids=asked))
    assert list(elsewhere.enterprise_ids) == []
    code, error = refused(stub.FindSubmitted, pb.FindSubmittedRequest(programme_id=done.programme_id,
                                                                       enterprise_ids=asked),
                          as_enterprise(done.enterprise_id))
    assert (code, error.code) == (grpc.StatusCode.PERMISSION_DENIED, "access.services_only")
    code, error = refused(stub.FindSubmitted, pb.FindSubmittedRequest(
        programme_id=done.programme_id, enterprise_ids=[f"e{i}" for i in range(1001)]))
    assert (code, error.code) == (grpc.StatusCode.INVALID_ARGUMENT, "find_submitted.too_many")
    assert "一次最多查询1000家企业" in error.message
