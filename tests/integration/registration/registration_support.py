"""Helpers for registration's integration tests: enterprises, complete Hunan 2020
applications, uploads, review events as review publishes them, and the platform clock."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import grpc
from google.protobuf import struct_pb2

from harness import rabbit
from harness.clients import DEADLINE, call, domain_error, org_body
from harness.wait import until
from kernel.uscc import make_uscc
from zjtx.clock import iso, now, set_clock_file
from zjtx.envelope import payload_to_data
from zjtx.errors import DomainError
from zjtx.grpc_support import Caller
from zjtx_api import registration_pb2 as pb
from zjtx_api import review_pb2
from zjtx_api.registration_pb2_grpc import RegistrationStub

HUNAN = "hunan-2020-little-giant"
HENGYANG = "hengyang-2020-seed"
IN_WINDOW = "2020-05-01T10:00:00+08:00"
LAST_SECOND = "2020-05-15T23:59:59+08:00"
AFTER_CLOSE = "2020-05-16T00:00:00+08:00"

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64 + b"\xff\xd9"

VALID_SECTIONS: dict[str, dict[str, Any]] = {
    "basic": {
        "legal_representative": "张建国", "established_on": "2008-06-18", "registered_capital": 5000,
        "registration_type": "private", "industry": "C35", "main_product": "数控机床电主轴",
        "focus_category": "manufacturing_chain", "employees": 320, "address": "湖南省衡阳市珠晖区东风路18号",
        "contact_name": "李明", "contact_phone": "0734-8123456", "contact_email": "liming@example.cn",
    },
    "economic": {
        "main_revenue_2017": 12000, "main_revenue_2018": 15000, "main_revenue_2019": 18000.5,
        "operating_revenue_2019": 19000, "net_profit_2017": 800, "net_profit_2018": 950, "net_profit_2019": 1200,
        "tax_paid_2019": 600, "total_assets_2019": 25000, "debt_ratio_2019": 45.5,
    },
    "specialisation": {
        "years_in_segment": 12, "main_product_revenue_2019": 15000, "main_product_share": 83.3,
        "market_share": 12.5, "supplies_large_enterprises": True,
    },
    "innovation": {
        "rnd_expense_2019": 900, "rnd_expense_ratio_2019": 5, "rnd_staff": 45, "invention_patents": 6,
        "rnd_institution": "provincial", "high_tech_enterprise": True,
    },
    "other": {"cloud_platform": True, "two_integration": True, "epidemic_supplies": False},
}
# kind -> (how many, content, extension) for a complete Hunan application
ATTACHMENTS = {
    "authenticity_pledge": (1, PDF, "pdf"), "financial_statements": (3, PDF, "pdf"),
    "business_licence": (1, JPEG, "jpg"), "supporting_evidence": (1, PDF, "pdf"),
    "development_report": (1, PDF, "pdf"), "photos": (1, PNG, "png"),
}


def struct(data: dict[str, Any]) -> struct_pb2.Struct:
    message = struct_pb2.Struct()
    message.update(data)
    return message


def as_enterprise(enterprise_id: str) -> tuple[tuple[str, str], ...]:
    return (Caller(subject=f"account-{enterprise_id[:8]}", role="enterprise", enterprise_id=enterprise_id).metadata(),)


def as_reviewer(unit_id: str, role: str = "reviewer") -> tuple[tuple[str, str], ...]:
    return (Caller(subject=f"{role}-{unit_id}", role=role, unit=unit_id).metadata(),)


def refused(method: Any, request: Any, metadata: tuple[tuple[str, str], ...] = ()) -> tuple[grpc.StatusCode,
                                                                                                DomainError]:
    """Call expecting a refusal: (status code, the decoded DomainError)."""
    try:
        method(request, timeout=DEADLINE, metadata=metadata)
    except grpc.RpcError as error:
        return error.code(), domain_error(error)
    raise AssertionError(f"{request!r} was accepted")


def fields_of(error: DomainError) -> dict[str, str]:
    """violation field -> code."""
    return {v.field: v.code for v in error.violations}


@contextlib.contextmanager
def clock_at(clock_file: Path, setting: str) -> Iterator[None]:
    set_clock_file(clock_file, setting)
    try:
        yield
    finally:
        set_clock_file(clock_file, "")


def register(stub: RegistrationStub, prefix: str = "R", region: str = "430405", name: str | None = None) -> pb.Enterprise:
    uscc = make_uscc("9", "1", region[:4] + "00", org_body(prefix))
    return call(stub.RegisterEnterprise, pb.RegisterEnterpriseRequest(
        uscc=uscc, name=name or f"衡阳{uscc[-6:]}精密机械有限公司", region_code=region, industry="专用设备制造业",
        contact=pb.Contact(person="李明", mobile="13800138000", email="liming@example.cn")))


def create(stub: RegistrationStub, enterprise_id: str, programme: str = HUNAN) -> pb.Application:
    return call(stub.CreateApplication, pb.CreateApplicationRequest(enterprise_id=enterprise_id, programme_id=programme))


def save(stub: RegistrationStub, application_id: str, section: str, data: dict[str, Any],
         expected: int = 0) -> pb.SaveSectionResponse:
    return call(stub.SaveSection, pb.SaveSectionRequest(application_id=application_id, section_id=section,
                                                        data=struct(data), expected_version=expected))


def chunks(application_id: str, kind: str, filename: str, content: bytes,
           size: int = 64 * 1024) -> Iterator[pb.AttachmentChunk]:
    yield pb.AttachmentChunk(header=pb.AttachmentHeader(application_id=application_id, kind=kind, filename=filename))
    for start in range(0, len(content), size):
        yield pb.AttachmentChunk(data=content[start:start + size])


def upload(stub: RegistrationStub, application_id: str, kind: str, filename: str, content: bytes,
           metadata: tuple[tuple[str, str], ...] = ()) -> pb.Attachment:
    return stub.UploadAttachment(chunks(application_id, kind, filename, content), timeout=DEADLINE, metadata=metadata)


def fill(stub: RegistrationStub, application_id: str, sections: dict[str, dict[str, Any]] | None = None,
         attachments: bool = True, pledge: bool = True) -> None:
    """Save every section, upload every attachment and sign the pledge (a complete application)."""
    for section, data in (sections or VALID_SECTIONS).items():
        save(stub, application_id, section, data)
    if attachments:
        for kind, (count, content, extension) in ATTACHMENTS.items():
            for index in range(count):
                upload(stub, application_id, kind, f"{kind}-{index + 1}.{extension}", content + kind.encode())
    if pledge:
        call(stub.SignPledge, pb.SignPledgeRequest(application_id=application_id, signer_name="张建国",
                                                   signer_title="法定代表人"))


def status_of(stub: RegistrationStub, application_id: str) -> str:
    return call(stub.GetApplication, pb.GetApplicationRequest(application_id=application_id)).status


def wait_status(stub: RegistrationStub, application_id: str, status: str, timeout: float = 20) -> pb.Application:
    return until(lambda: (a := call(stub.GetApplication, pb.GetApplicationRequest(application_id=application_id)))
                 .status == status and a, timeout=timeout, what=f"application {application_id} {status}")


def review_envelope(event_type: str, application_id: str, payload: Any) -> dict[str, Any]:
    return {"id": uuid.uuid4().hex, "type": event_type, "source": "review", "time": iso(now()),
            "subject": application_id, "schemaversion": "1", "data": payload_to_data(payload)}


def step(application_id: str, level: int = 1, unit: str = "unit-430400", unit_name: str = "衡阳市工业和信息化局",
         reviewer: str = "") -> review_pb2.ReviewStep:
    return review_pb2.ReviewStep(task_id=uuid.uuid4().hex, application_id=application_id, programme_id=HUNAN,
                                 level=level, unit_id=unit, unit_name=unit_name, reviewer=reviewer, at=iso(now()))


def publish_review(amqp_uri: str, event_type: str, application_id: str, payload: Any) -> dict[str, Any]:
    """Publish a review event the way review's outbox relay does."""
    body = review_envelope(event_type, application_id, payload)
    rabbit.publish(amqp_uri, "review.events", event_type, body)
    return body


def publish_returned(amqp_uri: str, application_id: str, reasons: list[tuple[str, str, str, str]],
                     round_: int = 1) -> dict[str, Any]:
    return publish_review(amqp_uri, "review.returned", application_id, review_pb2.Returned(
        step=step(application_id, reviewer="reviewer-430400"), round=round_, max_rounds=2,
        resubmit_by="2020-05-15T15:59:59.000Z",
        reasons=[review_pb2.ReturnReason(target_kind=k, target=t, target_title=title, reason=r)
                 for k, t, title, r in reasons]))


def outbox(mongo: Any, event_type: str, subject: str) -> list[dict[str, Any]]:
    return list(mongo.zjtx_registration.outbox.find({"type": event_type, "subject": subject}))
