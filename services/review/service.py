"""Review service entrypoints (gRPC and events); rules in ``rules/``, storage in ``storage``."""

from __future__ import annotations

from typing import Any

from review import storage
from review.catalogue import Catalogue, CatalogueProvider
from zjtx.envelope import Envelope
from zjtx.events import handles
from zjtx.grpc_support import GrpcOperations, api
from zjtx.mongo import Store, UnitOfWork
from zjtx_api import registration_pb2
from zjtx_api import review_pb2 as pb
from zjtx_api.review_pb2_grpc import ReviewStub


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
