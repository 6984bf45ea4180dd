"""Registration keeps serving when review (the programmes' owner) is down: what it has
cached is used; what it has never read is refused as UNAVAILABLE, in Chinese, and
nothing is written; when review is back, registration reconnects by itself (and did not
die meanwhile)."""

from __future__ import annotations

import uuid

import grpc
import pytest
from pymongo import MongoClient
from registration_support import create, refused, register, save

from harness.clients import call
from zjtx.up import Suite
from zjtx_api import registration_pb2 as pb
from zjtx_api.registration_pb2_grpc import RegistrationStub

pytestmark = pytest.mark.usefixtures("in_window")


def test_drafts_go_on_while_review_is_down(stub: RegistrationStub, suite: Suite, mongo: MongoClient) -> None:
    application = create(stub, register(stub, "R", region="430104").id)  # the Hunan programme is now cached
    enterprise_id = application.enterprise_id
    suite.kill_service("review")  # as if it crashed
    try:
        saved = save(stub, application.id, "other", {"cloud_platform": True})
        assert saved.section.version == 1
        assert call(stub.GetApplication, pb.GetApplicationRequest(application_id=application.id)).status == "draft"
        # a programme this process never read cannot be checked: refused, nothing created (an id no
        # other test can have made registration read: the session's suite is shared)
        unread = f"never-read-{uuid.uuid4().hex[:8]}"
        code, error = refused(stub.CreateApplication, pb.CreateApplicationRequest(
            enterprise_id=enterprise_id, programme_id=unread))
        assert code == grpc.StatusCode.UNAVAILABLE and "审核服务" in error.message
        assert mongo.zjtx_registration.applications.count_documents(
            {"enterprise_id": enterprise_id, "programme_id": unread}) == 0
    finally:
        suite.start(("review",))
    # review is back: registration reconnects by itself
    again = create(stub, enterprise_id, "hunan-2022-innovative-sme")
    assert again.programme_id == "hunan-2022-innovative-sme" and again.status == "draft"
