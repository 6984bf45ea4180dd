"""Review service entrypoints (gRPC and events); rules in ``rules/``, storage in ``storage``."""

from __future__ import annotations

import uuid
from typing import Any

from review import storage
from review.catalogue import Catalogue, CatalogueProvider
from review.rules.accounts import check_account, check_can_manage
from zjtx.clock import now
from zjtx.envelope import Envelope
from zjtx.errors import not_found
from zjtx.events import handles
from zjtx.grpc_support import GrpcOperations, api, caller_of
from zjtx.mongo import Store, UnitOfWork
from zjtx_api import registration_pb2
from zjtx_api import review_pb2 as pb
from zjtx_api.review_pb2_grpc import ReviewStub


def reviewer_message(document: dict[str, Any]) -> pb.Reviewer:
    return pb.Reviewer(account_id=document["_id"], name=document["name"], email=document["email"],
                       mobile=document.get("mobile", ""), unit_id=document["unit_id"], role=document["role"])


class ReviewService(GrpcOperations):
    name = "review"
    grpc_service_names = ("zjtx.review.v1.Review",)

    store = Store(indexes=storage.INDEXES)
    catalogue: Catalogue = CatalogueProvider()

    @api(ReviewStub)
    def ListProgrammes(self, request: pb.ListProgrammesRequest, context: Any) -> pb.ListProgrammesResponse:
        return pb.ListProgrammesResponse(programmes=[
            pb.ProgrammeSummary(id=p.id, version=p.version, title=p.title, year=p.year, level=p.level, owner=p.owner)
            for p in sorted(self.catalogue.programmes.values(), key=lambda p: p.id)
        ])

    @api(ReviewStub)
    def GetProgramme(self, request: pb.GetProgrammeRequest, context: Any) -> pb.Programme:
        return self.catalogue.message(request.programme_id)

    @api(ReviewStub)
    def GetUnit(self, request: pb.GetUnitRequest, context: Any) -> pb.Unit:
        if request.unit_id not in self.catalogue.units:
            raise not_found("unit.not_found", f"审核单位 {request.unit_id} 不存在")
        unit = self.catalogue.units.get(request.unit_id)
        reviewers = self.store.db.reviewers.find({"unit_id": unit.id}).sort("created_at", 1)
        return pb.Unit(id=unit.id, name=unit.name, kind=unit.kind, division_code=unit.division_code,
                       parent=unit.parent or "", reviewers=[reviewer_message(r) for r in reviewers])

    @api(ReviewStub)
    def CreateReviewer(self, request: pb.CreateReviewerRequest, context: Any) -> pb.Reviewer:
        caller = caller_of(context)
        check_account(self.catalogue.units, request.unit_id, request.name, request.email, request.mobile, request.role)
        check_can_manage(self.catalogue.units, caller.role, caller.unit, request.unit_id)
        document = {"_id": uuid.uuid4().hex, "unit_id": request.unit_id, "name": request.name.strip(),
                    "email": request.email.strip(), "mobile": request.mobile.strip(), "role": request.role,
                    "created_at": now(), "created_by": caller.subject or caller.role}
        self.store.transact(lambda unit: unit.db.reviewers.insert_one(document, session=unit.session))
        return reviewer_message(document)

    @handles("registration", "enterprise.registered")
    def on_enterprise_registered(self, unit: UnitOfWork, event: Envelope) -> None:
        """Keep a directory of enterprises: reviewers see names, routing needs regions."""
        payload = event.payload(registration_pb2.EnterpriseRegistered)
        unit.db.enterprises.replace_one(
            {"_id": payload.enterprise_id},
            {"_id": payload.enterprise_id, "uscc": payload.uscc, "name": payload.name,
             "region_code": payload.region_code, "park_id": payload.park_id, "industry": payload.industry},
            upsert=True, session=unit.session,
        )
