from __future__ import annotations

import grpc
import pytest

from harness.clients import call, domain_error
from zjtx.grpc_support import Caller
from zjtx_api import review_pb2, review_pb2_grpc


def test_admin_creates_a_reviewer_for_a_city_under_the_province(channels: dict[str, grpc.Channel]) -> None:
    stub = review_pb2_grpc.ReviewStub(channels["review"])
    admin = Caller(subject="admin-hn", role="admin", unit="unit-430000")
    created = call(stub.CreateReviewer, review_pb2.CreateReviewerRequest(
        unit_id="unit-430400", name="赵六", email="zhao@hy.gov.cn", mobile="13600136000", role="reviewer"),
        metadata=(admin.metadata(),))
    unit = call(stub.GetUnit, review_pb2.GetUnitRequest(unit_id="unit-430400"))
    assert unit.name == "衡阳市工业和信息化局"
    assert created.account_id in {r.account_id for r in unit.reviewers}


def test_a_city_admin_cannot_create_accounts_for_another_city(channels: dict[str, grpc.Channel]) -> None:
    stub = review_pb2_grpc.ReviewStub(channels["review"])
    admin = Caller(subject="admin-cs", role="admin", unit="unit-430100")
    with pytest.raises(grpc.RpcError) as error:
        call(stub.CreateReviewer, review_pb2.CreateReviewerRequest(
            unit_id="unit-430400", name="钱七", email="qian@hy.gov.cn", role="reviewer"), metadata=(admin.metadata(),))
    assert error.value.code() == grpc.StatusCode.PERMISSION_DENIED
    assert domain_error(error.value).code == "reviewer.forbidden"


def test_invalid_account_names_every_problem(channels: dict[str, grpc.Channel]) -> None:
    stub = review_pb2_grpc.ReviewStub(channels["review"])
    with pytest.raises(grpc.RpcError) as error:
        call(stub.CreateReviewer, review_pb2.CreateReviewerRequest(unit_id="unit-999999", name="", email="x",
                                                                   mobile="12", role="boss"))
    assert {v.field for v in domain_error(error.value).violations} == {"unit_id", "name", "email", "mobile", "role"}
