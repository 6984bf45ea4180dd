"""An enterprise's Hunan 2020 application end to end, on the real services: registration
takes it section by section with its attachments and pledge, submits it through the
outbox, review routes it to 衡阳市工业和信息化局, the reviewer returns it naming what to
correct (review's own API), registration reopens exactly that, the enterprise corrects
and resubmits, and review opens the next round on the new snapshot."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import grpc
import pytest
from google.protobuf import struct_pb2

from harness import surge
from harness.clients import call, org_body
from harness.wait import until
from kernel.uscc import make_uscc
from zjtx.clock import set_clock_file
from zjtx.grpc_support import Caller
from zjtx_api import registration_pb2 as pb
from zjtx_api import review_pb2
from zjtx_api.registration_pb2_grpc import RegistrationStub
from zjtx_api.review_pb2_grpc import ReviewStub

PDF = b"%PDF-1.4\n%e2e\n1 0 obj<</Type/Catalog>>endobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 32
# the surge's complete application, filed by an enterprise of 衡阳
SECTIONS: dict[str, dict[str, Any]] = {**surge.SECTIONS, "basic": {
    **surge.SECTIONS["basic"], "address": "湖南省衡阳市蒸湘区华新大道8号", "contact_phone": "0734-8899001"}}
FILES = surge.ATTACHMENTS
REVIEWER = (Caller(subject="reviewer-e2e", role="reviewer", unit="unit-430400").metadata(),)


@pytest.fixture(scope="module")
def stubs(channels: dict[str, grpc.Channel], clock_file: Path) -> Iterator[tuple[RegistrationStub, ReviewStub]]:
    set_clock_file(clock_file, "2020-05-06T09:30:00+08:00")
    yield RegistrationStub(channels["registration"]), ReviewStub(channels["review"])
    set_clock_file(clock_file, "")


def struct(data: dict[str, Any]) -> struct_pb2.Struct:
    message = struct_pb2.Struct()
    message.update(data)
    return message


def upload(stub: RegistrationStub, application_id: str, kind: str, name: str, content: bytes) -> pb.Attachment:
    parts = [pb.AttachmentChunk(header=pb.AttachmentHeader(application_id=application_id, kind=kind, filename=name)),
             pb.AttachmentChunk(data=content)]
    return stub.UploadAttachment(iter(parts), timeout=15)


def application(stub: RegistrationStub, application_id: str) -> pb.Application:
    return call(stub.GetApplication, pb.GetApplicationRequest(application_id=application_id))


def in_review(review: ReviewStub, application_id: str) -> review_pb2.ReviewApplication | None:
    """Review's record of the application; None until review has received it."""
    try:
        return call(review.GetApplication, review_pb2.GetApplicationRequest(application_id=application_id))
    except grpc.RpcError as error:
        if error.code() == grpc.StatusCode.NOT_FOUND:
            return None
        raise


def in_review_round(stub: RegistrationStub, review: ReviewStub, application_id: str,
                    snapshot_version: int) -> review_pb2.ReviewApplication:
    """Review holds the given snapshot with an open task, and registration shows 审核中."""
    reviewed = until(lambda: (a := in_review(review, application_id)) is not None
                     and a.snapshot_version == snapshot_version and a.open_task_id and a,
                     timeout=30, what=f"review's task on snapshot {snapshot_version}")
    until(lambda: application(stub, application_id).status == "in_review", timeout=30, what="registration: in_review")
    return reviewed


def test_apply_return_correct_resubmit(stubs: tuple[RegistrationStub, ReviewStub]) -> None:
    stub, review = stubs
    enterprise = call(stub.RegisterEnterprise, pb.RegisterEnterpriseRequest(
        uscc=make_uscc("9", "1", "430400", org_body("E")), name="衡阳端到端齿轮有限公司", region_code="430408",
        industry="通用设备制造业", contact=pb.Contact(person="周敏", mobile="13807340001", email="zhoumin@example.cn")))
    draft = call(stub.CreateApplication, pb.CreateApplicationRequest(enterprise_id=enterprise.id,
                                                                     programme_id="hunan-2020-little-giant"))
    for section, data in SECTIONS.items():
        call(stub.SaveSection, pb.SaveSectionRequest(application_id=draft.id, section_id=section, data=struct(data)))
    for kind, count in FILES.items():
        for index in range(count):
            content, extension = (PNG, "png") if kind == "photos" else (PDF, "pdf")
            upload(stub, draft.id, kind, f"{kind}-{index}.{extension}", content + kind.encode() + bytes([index]))
    call(stub.SignPledge, pb.SignPledgeRequest(application_id=draft.id, signer_name="周建华", signer_title="法定代表人"))
    submitted = call(stub.Submit, pb.SubmitRequest(application_id=draft.id))
    assert submitted.snapshot_version == 1

    first = in_review_round(stub, review, draft.id, 1)
    assert (first.unit_id, first.content_hash) == ("unit-430400", submitted.content_hash)
    assert application(stub, draft.id).review_unit_name == "衡阳市工业和信息化局"

    call(review.ReturnTask, review_pb2.ReturnTaskRequest(task_id=first.open_task_id, reasons=[
        review_pb2.ReturnReason(target_kind="section", target="economic", reason="2019年主营业务收入与审计报告不一致"),
        review_pb2.ReturnReason(target_kind="attachment", target="photos", reason="请补充主要设备照片"),
    ]), metadata=REVIEWER)
    returned = until(lambda: (a := application(stub, draft.id)).status == "returned" and a, timeout=30,
                     what="registration: returned")
    assert {s.id for s in returned.sections if s.editable} == {"economic"}
    assert list(returned.editable_attachment_kinds) == ["photos"]
    assert [c.target_title for c in returned.corrections] == ["经济效益", "照片"]

    [economic] = [s for s in returned.sections if s.id == "economic"]
    call(stub.SaveSection, pb.SaveSectionRequest(
        application_id=draft.id, section_id="economic", expected_version=economic.version,
        data=struct({**SECTIONS["economic"], "main_revenue_2019": 12650})))
    upload(stub, draft.id, "photos", "主要设备.png", PNG + b"equipment")
    resubmitted = call(stub.Resubmit, pb.ResubmitRequest(application_id=draft.id))
    assert (resubmitted.snapshot_version, resubmitted.round) == (2, 1)

    second = in_review_round(stub, review, draft.id, 2)
    assert second.returns == 1 and second.content_hash == resubmitted.content_hash
    assert second.open_task_id != first.open_task_id
    snapshot = call(stub.GetSnapshot, pb.GetSnapshotRequest(application_id=draft.id), metadata=REVIEWER)
    assert dict(snapshot.sections)["economic"]["main_revenue_2019"] == 12650
    assert [a.kind for a in snapshot.attachments].count("photos") == 2

    call(stub.Withdraw, pb.WithdrawRequest(application_id=draft.id, reason="企业决定明年再申报"))
    until(lambda: in_review(review, draft.id).status == "withdrawn", timeout=30,  # type: ignore[union-attr]
          what="review: withdrawn")
    actions = [e.action for e in call(stub.ListApplicationHistory, pb.ListApplicationHistoryRequest(
        application_id=draft.id)).entries]
    assert actions.index("submitted") < actions.index("returned") < actions.index("resubmitted") < actions.index(
        "withdrawn")
