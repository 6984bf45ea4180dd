"""Enterprises over gRPC against the running registration service: USCC and region
checks, duplicates, versioned profile changes, and user data that looks like a query."""

from __future__ import annotations

import grpc
import pytest
from pymongo import MongoClient
from registration_support import as_enterprise, outbox, refused, register

from harness.clients import call, org_body
from kernel.uscc import make_uscc, uscc_check_char
from zjtx_api import registration_pb2 as pb
from zjtx_api.registration_pb2_grpc import RegistrationStub


def request(uscc: str, region: str = "430405", name: str = "衡阳表格测试机械有限公司") -> pb.RegisterEnterpriseRequest:
    return pb.RegisterEnterpriseRequest(
        uscc=uscc, name=name, region_code=region, industry="专用设备制造业",
        contact=pb.Contact(person="王芳", mobile="13912345678", email="wangfang@example.cn"))


def fresh(prefix: str, division: str = "430400", authority: str = "9", org_type: str = "1") -> str:
    return make_uscc(authority, org_type, division, org_body(prefix))


def with_char(uscc: str, position: int, char: str, fix_check: bool = False) -> str:
    """``uscc`` with the 1-based ``position`` replaced (and the check character recomputed)."""
    changed = uscc[: position - 1] + char + uscc[position:]
    if fix_check and all(c in "0123456789ABCDEFGHJKLMNPQRTUWXY" for c in changed[:17]):
        changed = changed[:17] + uscc_check_char(changed[:17])
    return changed


def wrong_check(uscc: str) -> str:
    return uscc[:17] + ("1" if uscc[17] != "1" else "2")


# (case, build the code, the violation codes expected; [] = accepted)
USCC_TABLE = [
    ("enterprise in Hengyang", lambda: fresh("A"), []),
    ("enterprise, provincial office", lambda: fresh("B", "430000"), []),
    ("farmers' cooperative", lambda: fresh("C", org_type="3"), []),
    ("social organisation (民政)", lambda: fresh("D", authority="5"), []),
    ("national registration", lambda: fresh("E", "100000"), []),
    ("wrong check character", lambda: wrong_check(fresh("F")), ["uscc.check_char"]),
    ("17 characters", lambda: fresh("G")[:17], ["uscc.length"]),
    ("19 characters", lambda: fresh("H") + "1", ["uscc.length"]),
    ("empty", lambda: "", ["uscc.empty"]),
    ("lowercase letter", lambda: fresh("J").replace("J", "j"), ["uscc.lowercase"]),
    ("letter I in the body", lambda: with_char(fresh("K"), 10, "I"), ["uscc.forbidden_char"]),
    ("letter O in the body", lambda: with_char(fresh("L"), 11, "O"), ["uscc.forbidden_char"]),
    ("letter Z in the body", lambda: with_char(fresh("M"), 12, "Z"), ["uscc.forbidden_char"]),
    ("letter S in the body", lambda: with_char(fresh("N"), 13, "S"), ["uscc.forbidden_char"]),
    ("letter V as check character", lambda: fresh("P")[:17] + "V", ["uscc.forbidden_char"]),
    ("unknown registration authority", lambda: with_char(fresh("Q"), 1, "B", fix_check=True), ["uscc.authority"]),
    ("organisation type not of the authority", lambda: with_char(fresh("R"), 2, "5", fix_check=True),
     ["uscc.org_type"]),
    ("division not a province", lambda: with_char(fresh("T"), 3, "9", fix_check=True), ["uscc.division"]),
    ("full-width digit", lambda: "９" + fresh("U")[1:], ["uscc.invalid_char"]),
]


@pytest.mark.parametrize(("case", "build", "expected"), USCC_TABLE, ids=[row[0] for row in USCC_TABLE])
def test_uscc_table(stub: RegistrationStub, case: str, build: object, expected: list[str]) -> None:
    uscc = build()  # type: ignore[operator]
    if not expected:
        enterprise = call(stub.RegisterEnterprise, request(uscc))
        assert enterprise.uscc == uscc and enterprise.version == 1
        return
    code, error = refused(stub.RegisterEnterprise, request(uscc))
    assert code == grpc.StatusCode.INVALID_ARGUMENT
    uscc_codes = {v.code for v in error.violations if v.field == "uscc"}
    assert set(expected) <= uscc_codes, (case, error.violations)
    assert all(v.message for v in error.violations)


def test_every_problem_is_reported_at_once(stub: RegistrationStub) -> None:
    bad = pb.RegisterEnterpriseRequest(uscc="9143040", name="", region_code="439999", industry="",
                                       contact=pb.Contact(person="", mobile="12345", email="not-mail"))
    code, error = refused(stub.RegisterEnterprise, bad)
    assert code == grpc.StatusCode.INVALID_ARGUMENT
    fields = {v.field for v in error.violations}
    assert {"uscc", "name", "region_code", "industry", "contact.person", "contact.mobile", "contact.email"} <= fields


@pytest.mark.parametrize(("region", "code"), [("439999", "division.unknown"), ("43040", "division.format"),
                                              ("43040A", "division.format")])
def test_unknown_region_is_refused(stub: RegistrationStub, region: str, code: str) -> None:
    status, error = refused(stub.RegisterEnterprise, request(fresh("U"), region=region))
    assert status == grpc.StatusCode.INVALID_ARGUMENT
    assert [v.code for v in error.violations if v.field == "region_code"] == [code]
    assert "行政区划" in error.violations[0].message


def test_every_hunan_county_is_accepted(stub: RegistrationStub) -> None:
    # a city district, a county-level city carved out as 省直管, an autonomous county; each with a USCC of its city
    for region in ("430104", "430481", "433124"):
        enterprise = call(stub.RegisterEnterprise, request(fresh("W", division=region[:4] + "00"), region=region))
        assert enterprise.region_name.startswith("湖南省")
    # a provincial registration office: any county of the province
    assert call(stub.RegisterEnterprise, request(fresh("W", division="430000"), region="433124")).region_code == "433124"


def test_a_region_outside_the_city_the_uscc_names_is_refused(stub: RegistrationStub) -> None:
    status, error = refused(stub.RegisterEnterprise, request(fresh("R", division="430400"), region="430104"))
    assert status == grpc.StatusCode.INVALID_ARGUMENT
    [problem] = [v for v in error.violations if v.field == "region_code"]
    assert problem.code == "region.outside_uscc_area" and "衡阳市" in problem.message


def test_a_registered_uscc_is_refused_with_the_reason(stub: RegistrationStub) -> None:
    uscc = fresh("X")
    call(stub.RegisterEnterprise, request(uscc))
    code, error = refused(stub.RegisterEnterprise, request(uscc, name="另一家公司"))
    assert code == grpc.StatusCode.ALREADY_EXISTS
    assert error.code == "enterprise.uscc_registered" and uscc in error.message


def test_profile_changes_are_versioned(stub: RegistrationStub, mongo: MongoClient) -> None:
    enterprise = register(stub, "Y")
    change = pb.UpdateEnterpriseProfileRequest(
        enterprise_id=enterprise.id, expected_version=1, name="衡阳更名后精密机械有限公司", region_code="430406",
        industry="通用设备制造业", contact=pb.Contact(person="赵六", mobile="13700137000", email="zhao@example.cn"))
    updated = call(stub.UpdateEnterpriseProfile, change, metadata=as_enterprise(enterprise.id))
    assert (updated.version, updated.name, updated.uscc) == (2, "衡阳更名后精密机械有限公司", enterprise.uscc)
    assert updated.region_name == "湖南省 衡阳市 雁峰区"
    # the first version is still there
    first = call(stub.GetEnterprise, pb.GetEnterpriseRequest(enterprise_id=enterprise.id, version=1))
    assert (first.name, first.version) == (enterprise.name, 1)
    assert call(stub.GetEnterprise, pb.GetEnterpriseRequest(uscc=enterprise.uscc)).version == 2
    # a change made on the old version is refused, nothing overwritten
    code, error = refused(stub.UpdateEnterpriseProfile, change)
    assert code == grpc.StatusCode.ABORTED and error.code == "enterprise.version_conflict"
    assert call(stub.GetEnterprise, pb.GetEnterpriseRequest(enterprise_id=enterprise.id)).version == 2
    [event] = outbox(mongo, "enterprise.profile_changed", enterprise.id)
    assert event["envelope"]["data"]["version"] == 2


def test_an_enterprise_reaches_only_its_own_profile(stub: RegistrationStub) -> None:
    mine, other = register(stub, "T"), register(stub, "T")
    change = pb.UpdateEnterpriseProfileRequest(enterprise_id=other.id, expected_version=1, name="冒名",
                                               region_code="430405", industry="x",
                                               contact=pb.Contact(person="a", mobile="13800138000", email="a@b.cn"))
    code, error = refused(stub.UpdateEnterpriseProfile, change, as_enterprise(mine.id))
    assert code == grpc.StatusCode.PERMISSION_DENIED and error.code == "access.other_enterprise"


def test_operator_lookalikes_are_plain_data(stub: RegistrationStub, mongo: MongoClient) -> None:
    name = '{"$gt": ""} $where sleep(1000)'
    enterprise = call(stub.RegisterEnterprise, request(fresh("Q"), name=name))
    stored = mongo.zjtx_registration.enterprises.find_one({"_id": enterprise.id})
    assert stored["profile"]["name"] == name and enterprise.name == name
    for lookalike in ('{"$ne": null}', "$ne", ".*"):
        code, _ = refused(stub.GetEnterprise, pb.GetEnterpriseRequest(enterprise_id=lookalike))
        assert code == grpc.StatusCode.NOT_FOUND
        code, _ = refused(stub.GetEnterprise, pb.GetEnterpriseRequest(uscc=lookalike))
        assert code == grpc.StatusCode.NOT_FOUND
