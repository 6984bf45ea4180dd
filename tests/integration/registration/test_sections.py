"""Applications and their sections over gRPC: one per enterprise and programme, the
programme's field schema (every error named by field), completeness at any time,
operator look-alikes stored as plain data, and two clients saving one section at once."""

from __future__ import annotations

import threading
from typing import Any

import grpc
import pytest
from pymongo import MongoClient
from registration_support import (
    HENGYANG,
    HUNAN,
    VALID_SECTIONS,
    as_enterprise,
    create,
    fields_of,
    refused,
    register,
    save,
    struct,
)

from harness.clients import call
from kernel.personal import is_sealed, open_section
from zjtx.crypto import field_cipher
from zjtx_api import registration_pb2 as pb
from zjtx_api.registration_pb2_grpc import RegistrationStub

pytestmark = pytest.mark.usefixtures("in_window")

@pytest.fixture(scope="module")
def draft(stub: RegistrationStub) -> pb.Application:
    """One Hunan draft shared by the module's section tests (each saves its own section)."""
    return create(stub, register(stub, "K").id)


def test_one_application_per_enterprise_and_programme(stub: RegistrationStub) -> None:
    enterprise = register(stub, "A")
    application = create(stub, enterprise.id)
    assert (application.status, application.version, application.programme_id) == ("draft", 1, HUNAN)
    assert [s.id for s in application.sections] == ["basic", "economic", "specialisation", "innovation", "other"]
    assert [s.title for s in application.sections] == ["企业基础信息", "经济效益", "专业化程度", "创新能力", "其他"]
    assert application.pledge_text.endswith("相关后果由申报企业自行承担。")
    code, error = refused(stub.CreateApplication, pb.CreateApplicationRequest(enterprise_id=enterprise.id,
                                                                             programme_id=HUNAN))
    assert code == grpc.StatusCode.ALREADY_EXISTS and application.id in error.message
    # the enterprise may apply to another programme of its city
    assert create(stub, enterprise.id, HENGYANG).programme_id == HENGYANG


def test_the_programme_decides_who_may_apply(stub: RegistrationStub) -> None:
    changsha = register(stub, "B", region="430104")
    code, error = refused(stub.CreateApplication, pb.CreateApplicationRequest(enterprise_id=changsha.id,
                                                                             programme_id=HENGYANG))
    assert code == grpc.StatusCode.FAILED_PRECONDITION
    assert fields_of(error) == {"enterprise.region_code": "outside_jurisdiction"}
    code, error = refused(stub.CreateApplication, pb.CreateApplicationRequest(enterprise_id=changsha.id,
                                                                             programme_id="no-such-programme"))
    assert code == grpc.StatusCode.NOT_FOUND and "hunan-2020-little-giant" in error.message


def test_a_valid_section_is_saved_as_a_draft(stub: RegistrationStub, draft: pb.Application) -> None:
    saved = save(stub, draft.id, "economic", VALID_SECTIONS["economic"])
    assert saved.section.version == 1 and saved.missing == []
    assert dict(saved.section.data)["main_revenue_2019"] == 18000.5
    application = call(stub.GetApplication, pb.GetApplicationRequest(application_id=draft.id))
    [economic] = [s for s in application.sections if s.id == "economic"]
    assert economic.version == 1 and economic.editable
    assert application.version > draft.version


def test_a_draft_may_be_incomplete_and_says_what_is_missing(stub: RegistrationStub, draft: pb.Application) -> None:
    partial = {k: v for k, v in VALID_SECTIONS["innovation"].items() if k not in ("rnd_staff", "rnd_institution")}
    saved = save(stub, draft.id, "innovation", partial)
    assert {(p.field, p.code) for p in saved.missing} == {("sections.innovation.rnd_staff", "required"),
                                                          ("sections.innovation.rnd_institution", "required")}
    assert all(p.message.startswith("请填写“") for p in saved.missing)


# (section, the values that are wrong, {field: violation code}); every field error is named
FIELD_ERRORS = [
    ("basic", {"established_on": "2008/06/18", "registration_type": "public", "employees": 12.5,
               "contact_phone": "call me", "legal_representative": "张" * 51, "registered_capital": -1,
               "focus_category": "tourism", "contact_email": "not-an-address"},
     {"established_on": "date", "registration_type": "option", "employees": "integer", "contact_phone": "pattern",
      "legal_representative": "max_length", "registered_capital": "min", "focus_category": "option",
      "contact_email": "pattern"}),
    ("economic", {"main_revenue_2019": "一万八", "debt_ratio_2019": 1000.5, "tax_paid_2019": True,
                  "net_profit_2019": {"amount": 1}},
     {"main_revenue_2019": "type", "debt_ratio_2019": "max", "tax_paid_2019": "type", "net_profit_2019": "type"}),
    ("specialisation", {"market_share": 101, "supplies_large_enterprises": "yes", "market_rank": 0,
                        "years_in_segment": 1.5, "specialisation_note": "说明\x00"},
     {"market_share": "max", "supplies_large_enterprises": "type", "market_rank": "min",
      "years_in_segment": "integer", "specialisation_note": "control_char"}),
    ("innovation", {"rnd_institution": "county", "invention_patents": -1, "rnd_staff": 3.5,
                    "high_tech_enterprise": 1, "new_product_output_ratio": 100.01},
     {"rnd_institution": "option", "invention_patents": "min", "rnd_staff": "integer",
      "high_tech_enterprise": "type", "new_product_output_ratio": "max"}),
    ("other", {"cloud_platform": "是", "capital_market": "nasdaq", "remarks": "字" * 1001,
               "financing_need": -5, "brand": ["名牌"]},
     {"cloud_platform": "type", "capital_market": "option", "remarks": "max_length", "financing_need": "min",
      "brand": "type"}),
]


@pytest.mark.parametrize(("section", "values", "expected"), FIELD_ERRORS, ids=[row[0] for row in FIELD_ERRORS])
def test_each_sections_field_errors(stub: RegistrationStub, section: str, values: dict[str, Any],
                                    expected: dict[str, str]) -> None:
    application = create(stub, register(stub, "E").id)
    data = {**VALID_SECTIONS[section], **values}
    code, error = refused(stub.SaveSection, pb.SaveSectionRequest(application_id=application.id, section_id=section,
                                                                  data=struct(data)))
    assert code == grpc.StatusCode.INVALID_ARGUMENT and error.code == "section.invalid"
    assert fields_of(error) == {f"sections.{section}.{field}": c for field, c in expected.items()}
    assert all(v.message and "“" in v.message for v in error.violations), error.violations
    # nothing was stored
    after = call(stub.GetApplication, pb.GetApplicationRequest(application_id=application.id))
    assert [s.version for s in after.sections if s.id == section] == [0]


def test_messages_say_what_is_accepted(stub: RegistrationStub, draft: pb.Application) -> None:
    code, error = refused(stub.SaveSection, pb.SaveSectionRequest(
        application_id=draft.id, section_id="innovation",
        data=struct({**VALID_SECTIONS["innovation"], "rnd_institution": "county", "rnd_expense_ratio_2019": 101})))
    messages = {v.field: v.message for v in error.violations}
    assert "国家级（national）" in messages["sections.innovation.rnd_institution"]
    assert messages["sections.innovation.rnd_expense_ratio_2019"] == "“2019年研发投入占主营业务收入比重”不能大于100%"


def test_unknown_sections_and_fields_are_errors(stub: RegistrationStub, draft: pb.Application) -> None:
    code, error = refused(stub.SaveSection, pb.SaveSectionRequest(application_id=draft.id, section_id="finance",
                                                                  data=struct({})))
    assert code == grpc.StatusCode.INVALID_ARGUMENT and "经济效益" in error.message
    code, error = refused(stub.SaveSection, pb.SaveSectionRequest(
        application_id=draft.id, section_id="other",
        data=struct({**VALID_SECTIONS["other"], "$set": {"status": "recognised"}, "status.x": 1, "founder": "x"})))
    assert fields_of(error) == {"sections.other.$set": "unknown_field", "sections.other.status.x": "unknown_field",
                                "sections.other.founder": "unknown_field"}


def test_operator_lookalikes_are_stored_as_plain_data(stub: RegistrationStub, mongo: MongoClient) -> None:
    application = create(stub, register(stub, "F").id)
    values = {"main_product": '{"$gt": ""}', "address": "$where: function() { sleep(1000) }",
              "legal_representative": "$ne", "contact_name": "{$regex: '.*'}"}
    saved = save(stub, application.id, "basic", {**VALID_SECTIONS["basic"], **values})
    assert {k: dict(saved.section.data)[k] for k in values} == values
    stored = mongo.zjtx_registration.applications.find_one({"_id": application.id})
    # the form's personal fields (legal_representative, contact_name) are sealed at rest: opened, the same text
    assert is_sealed(stored["sections"]["basic"]["data"]["contact_name"])
    opened = open_section(field_cipher(), "basic", stored["sections"]["basic"]["data"])
    assert {k: opened[k] for k in values} == values
    # a lookalike id never matches anything
    for lookalike in ('{"$ne": null}', "$ne", ".*"):
        code, _ = refused(stub.GetApplication, pb.GetApplicationRequest(application_id=lookalike))
        assert code == grpc.StatusCode.NOT_FOUND
    # an operator object where a value belongs is a type error, never a query
    code, error = refused(stub.SaveSection, pb.SaveSectionRequest(
        application_id=application.id, section_id="basic", expected_version=1,
        data=struct({**VALID_SECTIONS["basic"], "employees": {"$gt": 0}, "main_product": {"$ne": None}})))
    assert fields_of(error) == {"sections.basic.employees": "type", "sections.basic.main_product": "type"}


def test_completeness_at_any_time(stub: RegistrationStub) -> None:
    application = create(stub, register(stub, "G").id)
    empty = call(stub.GetCompleteness, pb.GetCompletenessRequest(application_id=application.id))
    fields = {p.field: p.code for p in empty.problems}
    assert not empty.complete and not empty.submittable
    for section in VALID_SECTIONS:
        assert fields[f"sections.{section}"] == "section_missing"
    for kind in ("authenticity_pledge", "financial_statements", "business_licence", "supporting_evidence",
                 "development_report", "photos"):
        assert fields[f"attachments.{kind}"] == "attachment_missing"
    assert fields["pledge"] == "pledge_missing"
    assert fields["gates.cloud_platform"] == "gate"
    save(stub, application.id, "other", {"cloud_platform": True})
    later = call(stub.GetCompleteness, pb.GetCompletenessRequest(application_id=application.id))
    fields = {p.field: p.code for p in later.problems}
    assert "sections.other" not in fields and "gates.cloud_platform" not in fields
    assert fields["sections.other.two_integration"] == "required"
    assert fields["sections.other.epidemic_supplies"] == "required"
    messages = {p.field: p.message for p in later.problems}
    assert messages["attachments.financial_statements"] == "“财务报表”至少需上传3个文件（已上传0个）"


def test_two_clients_saving_one_section_at_once(stub: RegistrationStub, mongo: MongoClient) -> None:
    application = create(stub, register(stub, "H").id)
    save(stub, application.id, "specialisation", VALID_SECTIONS["specialisation"])
    versions = {"A": 20, "B": 30}
    barrier = threading.Barrier(len(versions))
    outcomes: dict[str, Any] = {}

    def client(name: str) -> None:
        request = pb.SaveSectionRequest(application_id=application.id, section_id="specialisation", expected_version=1,
                                        data=struct({**VALID_SECTIONS["specialisation"],
                                                     "years_in_segment": versions[name]}))
        barrier.wait()
        try:
            outcomes[name] = stub.SaveSection(request, timeout=15)
        except grpc.RpcError as error:
            outcomes[name] = error

    threads = [threading.Thread(target=client, args=(name,)) for name in versions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    winners = [n for n, o in outcomes.items() if isinstance(o, pb.SaveSectionResponse)]
    losers = [o for o in outcomes.values() if isinstance(o, grpc.RpcError)]
    assert len(winners) == 1 and len(losers) == 1, outcomes
    assert losers[0].code() == grpc.StatusCode.ABORTED
    assert "未保存" in losers[0].details()
    stored = mongo.zjtx_registration.applications.find_one({"_id": application.id})["sections"]["specialisation"]
    assert stored["version"] == 2 and stored["data"]["years_in_segment"] == versions[winners[0]]
    # the loser's retry on the version it read is refused too: nothing is silently overwritten
    code, error = refused(stub.SaveSection, pb.SaveSectionRequest(
        application_id=application.id, section_id="specialisation", expected_version=1,
        data=struct(VALID_SECTIONS["specialisation"])))
    assert code == grpc.StatusCode.ABORTED and error.code == "section.version_conflict"
    # saving on the current version works
    assert save(stub, application.id, "specialisation", VALID_SECTIONS["specialisation"], expected=2).section.version == 3


def test_an_enterprise_edits_only_its_own_drafts(stub: RegistrationStub, draft: pb.Application) -> None:
    stranger = register(stub, "J")
    request = pb.SaveSectionRequest(application_id=draft.id, section_id="other", data=struct(VALID_SECTIONS["other"]))
    code, error = refused(stub.SaveSection, request, as_enterprise(stranger.id))
    assert code == grpc.StatusCode.PERMISSION_DENIED
    code, _ = refused(stub.GetApplication, pb.GetApplicationRequest(application_id=draft.id), as_enterprise(stranger.id))
    assert code == grpc.StatusCode.PERMISSION_DENIED
    code, _ = refused(stub.CreateApplication, pb.CreateApplicationRequest(enterprise_id=draft.enterprise_id,
                                                                         programme_id=HENGYANG),
                      as_enterprise(stranger.id))
    assert code == grpc.StatusCode.PERMISSION_DENIED
    # its own: fine
    own = call(stub.SaveSection, request, metadata=as_enterprise(draft.enterprise_id))
    assert own.section.saved_by.startswith("account-")
    listed = call(stub.ListApplications, pb.ListApplicationsRequest(), metadata=as_enterprise(draft.enterprise_id))
    assert [a.id for a in listed.applications] == [draft.id]
