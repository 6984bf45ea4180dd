"""What the in-process workflow tests share: the review service's answers to other
services (from review's own catalogue of deploy/programmes and deploy/units, the data its
gRPC API serves), callers, a complete Hunan 2020 application, and the outbox reader."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from grpc import StatusCode
from nameko_grpc.errors import GrpcError

from harness.clients import org_body
from integration.registration.registration_support import ATTACHMENTS, JPEG, PDF, PNG  # noqa: F401  (re-exported)
from integration.registration.registration_support import VALID_SECTIONS as SECTIONS
from kernel.divisions import load_division_table
from kernel.uscc import make_uscc
from registration import uploads, workflow
from registration.context import Context
from registration.directory import Directory
from review.catalogue import Catalogue
from zjtx.config import REPO_ROOT
from zjtx.envelope import Envelope
from zjtx.grpc_support import Caller
from zjtx.mongo import StoreHandle
from zjtx_api import registration_pb2 as pb
from zjtx_api import review_pb2

HUNAN = "hunan-2020-little-giant"
HENGYANG_UNIT = "unit-430400"
PROVINCE_UNIT = "unit-430000"
IN_WINDOW = datetime.fromisoformat("2020-05-01T10:00:00+08:00")
AFTER_CLOSE = datetime.fromisoformat("2020-05-16T00:00:00+08:00")


_CATALOGUE: Catalogue | None = None


def catalogue() -> Catalogue:
    """Review's catalogue of this repository's programmes and Hunan units (loaded once)."""
    global _CATALOGUE
    if _CATALOGUE is None:
        _CATALOGUE = Catalogue(REPO_ROOT / "deploy" / "programmes", REPO_ROOT / "deploy" / "units" / "hunan.yaml")
    return _CATALOGUE


class ReviewAnswers:
    """Stands where other services hold a gRPC proxy of review: the answers come from
    review's catalogue (``GetProgramme`` is ``Catalogue.message``, as review serves it)."""

    def __init__(self, reviewers: dict[str, list[review_pb2.Reviewer]] | None = None) -> None:
        self.catalogue = catalogue()
        self.reviewers = reviewers or {}
        self.calls: list[str] = []

    def GetProgramme(self, request: review_pb2.GetProgrammeRequest, **_: Any) -> review_pb2.Programme:
        self.calls.append(f"GetProgramme {request.programme_id}")
        if request.programme_id not in self.catalogue.programmes:
            raise GrpcError(code=StatusCode.NOT_FOUND, message=f"培育批次 {request.programme_id} 不存在")
        return self.catalogue.message(request.programme_id)

    def ListProgrammes(self, request: review_pb2.ListProgrammesRequest, **_: Any) -> review_pb2.ListProgrammesResponse:
        return review_pb2.ListProgrammesResponse(
            programmes=[self.catalogue.message(pid) for pid in sorted(self.catalogue.programmes)])

    def GetUnit(self, request: review_pb2.GetUnitRequest, **_: Any) -> review_pb2.Unit:
        self.calls.append(f"GetUnit {request.unit_id}")
        if request.unit_id not in self.catalogue.units:
            raise GrpcError(code=StatusCode.NOT_FOUND, message=f"审核单位 {request.unit_id} 不存在")
        unit = self.catalogue.units.get(request.unit_id)
        return review_pb2.Unit(id=unit.id, name=unit.name, kind=unit.kind, division_code=unit.division_code,
                               parent=unit.parent or "", reviewers=self.reviewers.get(unit.id, []))


def enterprise_caller(enterprise_id: str) -> Caller:
    return Caller(subject=f"account-{enterprise_id[:8]}", role="enterprise", enterprise_id=enterprise_id)


def reviewer(unit_id: str, role: str = "reviewer") -> Caller:
    return Caller(subject=f"{role}-{unit_id}", role=role, unit=unit_id)


def outbox(store: StoreHandle, event_type: str | None = None, subject: str | None = None) -> list[Envelope]:
    """The events the use cases wrote, oldest first, as envelopes (what the relay would publish)."""
    query: dict[str, Any] = {}
    if event_type:
        query["type"] = event_type
    if subject:
        query["subject"] = subject
    return [Envelope.from_dict(doc["envelope"]) for doc in store.db.outbox.find(query).sort("seq", 1)]


# ---------------------------------------------------------------- registration


def registration_ctx(store: StoreHandle, caller: Caller, at: datetime = IN_WINDOW) -> Context:
    return Context(store, Directory(ReviewAnswers()), load_division_table(None), caller, at)


def register(store: StoreHandle, region: str = "430405") -> dict:
    uscc = make_uscc("9", "1", region[:4] + "00", org_body("W"))
    return workflow.register_enterprise(registration_ctx(store, Caller(role="system")), pb.RegisterEnterpriseRequest(
        uscc=uscc, name=f"衡阳{uscc[-6:]}精密机械有限公司", region_code=region, industry="专用设备制造业",
        contact=pb.Contact(person="李明", mobile="13800138000", email="liming@example.cn")))


def chunks(application_id: str, kind: str, filename: str, content: bytes) -> Iterator[pb.AttachmentChunk]:
    yield pb.AttachmentChunk(header=pb.AttachmentHeader(application_id=application_id, kind=kind, filename=filename))
    yield pb.AttachmentChunk(data=content)


def draft(store: StoreHandle, *, attachments: bool = True, pledge: bool = True,
          region: str = "430405") -> tuple[Context, dict]:
    """A registered enterprise and its Hunan 2020 application, filled in as far as asked."""
    enterprise = register(store, region)
    as_enterprise = registration_ctx(store, enterprise_caller(enterprise["_id"]))
    application, _ = workflow.create_application(as_enterprise, enterprise["_id"], HUNAN)
    for section, data in SECTIONS.items():
        workflow.save_section(as_enterprise, pb.SaveSectionRequest(application_id=application["_id"],
                                                                    section_id=section), data)
    if attachments:
        for kind, (count, content, extension) in ATTACHMENTS.items():
            for index in range(count):
                uploads.upload(as_enterprise, chunks(application["_id"], kind, f"{kind}-{index + 1}.{extension}",
                                                     content + kind.encode() + bytes([index])))
    if pledge:
        workflow.sign_pledge(as_enterprise, pb.SignPledgeRequest(application_id=application["_id"],
                                                                 signer_name="张建国", signer_title="法定代表人"))
    return as_enterprise, application




def submitted(store: StoreHandle, region: str = "430405") -> Envelope:
    """A complete Hunan 2020 application submitted through registration's use cases: its event."""
    as_enterprise, application = draft(store, region=region)
    workflow.submit(as_enterprise, pb.SubmitRequest(application_id=application["_id"]))
    [event] = outbox(store, "application.submitted", application["_id"])
    return event
