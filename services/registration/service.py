"""Registration service entrypoints (gRPC and events); rules in ``rules/``, storage in ``storage``."""

from __future__ import annotations

import uuid
from typing import Any

from nameko import config

from registration import storage
from registration.rules.divisions import DivisionTable, load_division_table
from registration.rules.enterprises import EnterpriseProfile, check_profile, duplicate_uscc
from zjtx.clock import iso, now
from zjtx.envelope import payload_to_data
from zjtx.grpc_support import GrpcOperations, api, caller_of
from zjtx.mongo import Store, UnitOfWork
from zjtx_api import registration_pb2 as pb
from zjtx_api.registration_pb2_grpc import RegistrationStub


def enterprise_message(document: dict[str, Any]) -> pb.Enterprise:
    profile = document["profile"]
    return pb.Enterprise(
        id=document["_id"], uscc=document["uscc"], name=profile["name"], region_code=profile["region_code"],
        region_name=profile.get("region_name", ""), industry=profile["industry"], park_id=profile["park_id"],
        contact=pb.Contact(person=profile["contact_person"], mobile=profile["contact_mobile"],
                           email=profile["contact_email"]),
        version=document["version"], registered_at=iso(document["registered_at"]),
    )


class RegistrationService(GrpcOperations):
    name = "registration"
    grpc_service_names = ("zjtx.registration.v1.Registration",)

    store = Store(indexes=storage.INDEXES)

    @property
    def divisions(self) -> DivisionTable:
        return load_division_table(config.get("DIVISIONS_FILE") or None)  # cached per path

    @api(RegistrationStub)
    def RegisterEnterprise(self, request: pb.RegisterEnterpriseRequest, context: Any) -> pb.Enterprise:
        profile = EnterpriseProfile(
            uscc=request.uscc, name=request.name.strip(), region_code=request.region_code,
            industry=request.industry.strip(), park_id=request.park_id.strip(),
            contact_person=request.contact.person.strip(), contact_mobile=request.contact.mobile.strip(),
            contact_email=request.contact.email.strip(),
        )
        check_profile(profile, self.divisions)
        caller = caller_of(context)
        at = now()
        document = {
            "_id": uuid.uuid4().hex,
            "uscc": profile.uscc,
            "profile": {**profile.__dict__, "region_name": self.divisions.name_path(profile.region_code)},
            "version": 1,
            "registered_at": at,
            "registered_by": caller.subject or "self-registration",
        }

        def register(unit: UnitOfWork) -> None:
            if not storage.insert_enterprise(unit, document):
                raise duplicate_uscc(profile.uscc)
            message = enterprise_message(document)
            unit.emit("enterprise.registered", document["_id"], payload_to_data(pb.EnterpriseRegistered(
                enterprise_id=message.id, uscc=message.uscc, name=message.name, region_code=message.region_code,
                industry=message.industry, park_id=message.park_id, contact=message.contact,
            )))

        self.store.transact(register)
        return enterprise_message(document)

    @api(RegistrationStub)
    def GetEnterprise(self, request: pb.GetEnterpriseRequest, context: Any) -> pb.Enterprise:
        from zjtx.errors import not_found

        document = self.store.db.enterprises.find_one({"_id": request.enterprise_id})
        if document is None:
            raise not_found("enterprise.not_found", f"企业 {request.enterprise_id} 不存在")
        return enterprise_message(document)
