"""Reporting service entrypoints (gRPC and events); rules in ``rules/``, storage in ``storage``."""

from __future__ import annotations

import re
from typing import Any

from reporting import storage
from zjtx.envelope import Envelope
from zjtx.events import handles
from zjtx.grpc_support import GrpcOperations, api
from zjtx.mongo import Store, UnitOfWork
from zjtx_api import registration_pb2
from zjtx_api import reporting_pb2 as pb
from zjtx_api.reporting_pb2_grpc import ReportingStub


class ReportingService(GrpcOperations):
    name = "reporting"
    grpc_service_names = ("zjtx.reporting.v1.Reporting",)

    store = Store(indexes=storage.INDEXES)

    @api(ReportingStub)
    def CountEnterprises(self, request: pb.CountEnterprisesRequest, context: Any) -> pb.CountEnterprisesResponse:
        prefix = re.sub(r"[^0-9]", "", request.region_prefix)
        query = {"region_code": {"$regex": f"^{prefix}"}} if prefix else {}
        return pb.CountEnterprisesResponse(count=self.store.db.enterprises.count_documents(query))

    @handles("registration", "enterprise.registered")
    def on_enterprise_registered(self, unit: UnitOfWork, event: Envelope) -> None:
        unit.db.event_archive.insert_one({"_id": event.id, "seq": event.time, **event.to_dict()}, session=unit.session)
        payload = event.payload(registration_pb2.EnterpriseRegistered)
        unit.db.enterprises.replace_one(
            {"_id": payload.enterprise_id},
            {"_id": payload.enterprise_id, "name": payload.name, "uscc": payload.uscc,
             "region_code": payload.region_code, "industry": payload.industry},
            upsert=True, session=unit.session,
        )
