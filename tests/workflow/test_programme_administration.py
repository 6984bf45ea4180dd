"""Issue 18 point 1 in process: programme documents are review's data with versions. The YAML
seeds them at first start; the owner's admin creates a year's programme from last year's and
changes anything before it opens; once open only an extension (with a reason) or the target;
every version keeps who, when, from where and why, the old ones stay readable, and window
checks read the current version."""

from __future__ import annotations

import json
from datetime import datetime

import pytest
from workflow_support import HUNAN, outbox, submitted

from kernel.programme import programme_from_message
from registration import storage as registration_storage
from review import administration, routing, storage, workflow
from review.catalogue import Catalogue
from review.rules import decisions as d
from review.workflow import Context
from zjtx.config import REPO_ROOT
from zjtx.errors import DomainError
from zjtx.grpc_support import Caller
from zjtx.mongo import StoreHandle
from zjtx_api import registration_pb2, review_pb2

BEFORE_OPENING = datetime.fromisoformat("2020-03-01T10:00:00+08:00")
OPEN = datetime.fromisoformat("2020-05-10T10:00:00+08:00")
AFTER_OLD_CLOSE = datetime.fromisoformat("2020-05-20T10:00:00+08:00")
PROVINCE_ADMIN = Caller(subject="admin-hn", role="admin", unit="unit-430000", client_address="10.1.2.3")
EXTENSION = {"window": {"closes_at": "2020-05-31T23:59:59+08:00", "review_closes_at": "2020-06-10T23:59:59+08:00"}}


@pytest.fixture
def review(open_store) -> StoreHandle:
    return open_store("review", storage.INDEXES)


@pytest.fixture
def catalogue(review: StoreHandle) -> Catalogue:
    catalogue = Catalogue(REPO_ROOT / "deploy" / "programmes", REPO_ROOT / "deploy" / "units" / "hunan.yaml")
    catalogue.attach(review.db, BEFORE_OPENING)
    return catalogue


def amend(review: StoreHandle, catalogue: Catalogue, at: datetime, patch: dict, reason: str = "依据补充通知",
          caller: Caller = PROVINCE_ADMIN, expected: int = 0) -> int:
    ctx = Context(catalogue, caller, at)
    programme = review.transact(lambda unit: administration.amend_programme(
        unit, ctx, HUNAN, expected, json.dumps(patch, ensure_ascii=False), reason))
    catalogue.refresh(force=True)
    return programme.version


def refused(work) -> DomainError:
    with pytest.raises(DomainError) as error:
        work()
    return error.value


def test_the_yaml_seeds_once_and_an_extension_is_a_new_version_every_check_reads(review: StoreHandle,
                                                                               catalogue: Catalogue) -> None:
    first = catalogue.programme(HUNAN)
    assert [(v["version"], v["kind"]) for v in catalogue.versions(HUNAN)] == [(first.version, "seeded")]
    catalogue.attach(review.db, OPEN)  # a second start (or replica) seeds nothing again
    assert len(catalogue.versions(HUNAN)) == 1

    # after opening: the form is locked, a deadline cannot come earlier, a reason is required
    locked = refused(lambda: amend(review, catalogue, OPEN, {"max_return_rounds": 5}))
    assert (locked.code, [v.field for v in locked.violations]) == ("programme.opened", ["changes_json.max_return_rounds"])
    earlier = refused(lambda: amend(review, catalogue, OPEN, {"window": {"closes_at": "2020-05-10T23:59:59+08:00"}}))
    assert earlier.code == "programme.deadline_earlier"
    assert refused(lambda: amend(review, catalogue, OPEN, EXTENSION, reason="  ")).code == "reason.required"
    city_admin = Caller(subject="admin-hy", role="admin", unit="unit-430400")
    assert refused(lambda: amend(review, catalogue, OPEN, EXTENSION, caller=city_admin)).kind == "forbidden"
    assert catalogue.programme(HUNAN).version == first.version  # nothing of that was stored

    before = Context(catalogue, PROVINCE_ADMIN, AFTER_OLD_CLOSE)
    assert refused(lambda: d.check_review_open(catalogue.programme(HUNAN), 1, before.now)).code == "review.closed"
    version = amend(review, catalogue, OPEN, EXTENSION, reason="受疫情影响，申报截止时间延长至5月31日")

    assert version == first.version + 1
    current = catalogue.programme(HUNAN)
    assert current.window.closes_at == datetime.fromisoformat("2020-05-31T23:59:59+08:00")
    d.check_review_open(current, 1, AFTER_OLD_CLOSE)  # review's window check reads the new version
    model = programme_from_message(catalogue.message(HUNAN))  # as registration reads it
    assert model.window_state(AFTER_OLD_CLOSE) == "open" and model.version == version
    old = programme_from_message(catalogue.message(HUNAN, first.version))  # the version applications kept
    assert old.window_state(AFTER_OLD_CLOSE) == "closed"

    [event] = outbox(review, "programme.amended")
    amended = event.payload(review_pb2.ProgrammeAmended)
    assert (amended.extended, amended.previous_version, amended.version) == (True, first.version, version)
    assert list(amended.changes) == ["window.closes_at", "window.review_closes_at"]
    assert amended.previous_closes_at.startswith("2020-05-15T23:59:59")
    latest = catalogue.versions(HUNAN)[-1]
    assert (latest["changed_by"], latest["client_address"], latest["reason"], latest["extended"]) == (
        "admin-hn", "10.1.2.3", "受疫情影响，申报截止时间延长至5月31日", True)
    [entry] = review.db.audit.find({"action": "programme.amended"})  # review's hash-chained trail
    assert (entry["subject"], entry["client_address"], entry["details"]["changes"]) == (
        "admin-hn", "10.1.2.3", ["window.closes_at", "window.review_closes_at"])

    # the target ("300左右") may change after opening; a stale version is a conflict
    assert amend(review, catalogue, OPEN, {"target_count": 320, "target_tolerance": 30}, expected=version) == version + 1
    assert catalogue.programme(HUNAN).target_band == (290, 350)
    stale = refused(lambda: amend(review, catalogue, OPEN, {"target_count": 300}, expected=version))
    assert stale.code == "programme.changed"


def test_a_years_programme_from_last_years_is_editable_until_it_opens(review: StoreHandle,
                                                                     catalogue: Catalogue) -> None:
    ctx = Context(catalogue, PROVINCE_ADMIN, BEFORE_OPENING)
    request = review_pb2.CreateProgrammeRequest(
        programme_id="hunan-2021-little-giant", from_programme_id=HUNAN, year=2021,
        title="2021年湖南省“专精特新”小巨人企业培育认定", opens_at="2021-04-01T00:00:00+08:00",
        closes_at="2021-05-15T23:59:59+08:00", review_closes_at="2021-05-31T23:59:59+08:00", reason="2021年度申报")
    created = review.transact(lambda unit: administration.create_programme(unit, ctx, request))
    catalogue.refresh(force=True)

    assert (created.id, created.version, created.year) == ("hunan-2021-little-giant", 1, 2021)
    assert catalogue.programme(created.id).sections == catalogue.programme(HUNAN).sections
    [record] = catalogue.versions(created.id)
    assert (record["kind"], record["changes"]) == ("created", [f"from:{HUNAN}@{catalogue.programme(HUNAN).version}"])
    assert review.db.audit.find_one({"action": "programme.created"})["target"] == f"programme:{created.id}"
    again = refused(lambda: review.transact(lambda unit: administration.create_programme(unit, ctx, request)))
    assert again.code == "programme.exists"
    bad = review_pb2.CreateProgrammeRequest(**{**{f.name: v for f, v in request.ListFields()},
                                               "programme_id": "hunan-2021-b", "closes_at": "2021-03-01T00:00:00+08:00"})
    invalid = refused(lambda: review.transact(lambda unit: administration.create_programme(unit, ctx, bad)))
    assert invalid.code == "programme.invalid" and "window.closes_at" in [v.field for v in invalid.violations]

    # before it opens, anything but the id, owner and level: here the return rounds and a section's title
    sections = catalogue.documents[created.id]["sections"]
    sections[0] = {**sections[0], "title": "企业基本情况（2021年版）"}
    patch = {"max_return_rounds": 2, "sections": sections}
    ctx2 = Context(catalogue, PROVINCE_ADMIN, BEFORE_OPENING)
    review.transact(lambda unit: administration.amend_programme(unit, ctx2, created.id, 1, json.dumps(patch), "调整表单"))
    catalogue.refresh(force=True)
    assert catalogue.programme(created.id).max_return_rounds == 2
    assert catalogue.programme(created.id).sections[0].title == "企业基本情况（2021年版）"
    fixed = refused(lambda: review.transact(lambda unit: administration.amend_programme(
        unit, ctx2, created.id, 2, json.dumps({"owner": "430400"}), "改归属")))
    assert fixed.code == "programme.fixed"


LIUYANG = {"id": "unit-430181", "name": "浏阳市工信部门", "kind": "direct_county", "division_code": "430181",
           "division_name": "浏阳市", "covers": ["430181"], "parent": "unit-430000"}


def test_a_unit_added_to_the_direct_county_list_routes_new_applications_and_in_flight_ones_keep_their_route(
        review: StoreHandle, catalogue: Catalogue, open_store) -> None:
    registration = open_store("registration", registration_storage.INDEXES)
    ctx = Context(catalogue, PROVINCE_ADMIN, OPEN)

    def amend_units(changes: list, reason: str = "依据省财政直管县市名单调整", caller: Caller = PROVINCE_ADMIN,
                    expected: int = 0) -> list[str]:
        changed = review.transact(lambda unit: administration.amend_units(
            unit, Context(catalogue, caller, OPEN), expected, json.dumps(changes, ensure_ascii=False), reason))
        catalogue.refresh(force=True)
        return changed

    def take(region: str) -> dict:
        event = submitted(registration, region)
        snapshot = event.payload(registration_pb2.ApplicationSubmitted).application
        review.transact(lambda unit: workflow.take_submitted(unit, catalogue, snapshot, OPEN))
        return review.db.applications.find_one({"_id": event.subject})

    assert [(v["version"], v["kind"]) for v in storage.unit_versions(review.db)] == [(1, "seeded")]
    in_flight = take("430181")
    assert in_flight["unit_id"] == "unit-430100"  # 浏阳 is reviewed by 长沙 today

    # refused, nothing stored: the carve-out (the city must exclude it), a city admin, outside the jurisdiction
    carve_out = refused(lambda: amend_units([LIUYANG]))
    assert carve_out.code == "units.invalid" and any(
        v.field == "units.unit-430100" and "省财政直管县市" in v.message for v in carve_out.violations), carve_out
    city_admin = Caller(subject="admin-cs", role="admin", unit="unit-430100")
    assert refused(lambda: amend_units([LIUYANG], caller=city_admin)).kind == "forbidden"
    catalogue.jurisdiction = "430000"
    outside = {**LIUYANG, "id": "unit-440181", "division_code": "440181", "covers": ["440181"]}
    assert refused(lambda: amend_units([outside])).code in ("units.invalid", "units.jurisdiction")
    bad_kind = refused(lambda: amend_units([{"id": "unit-430100", "kind": "prefecture"}]))
    assert [v.field for v in bad_kind.violations] == ["units[0].kind"] and "direct_county" in bad_kind.violations[0].message
    assert storage.units_head(review.db) == 1

    changed = amend_units([LIUYANG, {"id": "unit-430100", "excludes": ["430181"]}], expected=1)
    assert changed == ["added:unit-430181", "unit-430100.excludes"]
    latest = storage.unit_versions(review.db)[-1]
    assert (latest["version"], latest["changed_by"], latest["client_address"], latest["reason"]) == (
        2, "admin-hn", "10.1.2.3", "依据省财政直管县市名单调整")
    assert review.db.audit.find_one({"action": "units.amended"})["details"]["changes"] == changed
    assert refused(lambda: amend_units([{"id": "unit-430181", "name": "浏阳"}], expected=1)).code == "units.changed"

    # a new application routes by the new list; the one in flight keeps its route, also after a return
    assert take("430181")["unit_id"] == "unit-430181"
    as_changsha = Context(catalogue, Caller(subject="r-cs", role="reviewer", unit="unit-430100"), OPEN)
    review.transact(lambda unit: workflow.decide_return(unit, as_changsha, in_flight["open_task_id"],
                                                        [("section", "economic", "请补充营业收入")]))
    fresh = review.db.applications.find_one({"_id": in_flight["_id"]})
    review.transact(lambda unit: routing.open_task(unit, catalogue, catalogue.programme(HUNAN), fresh, 1, OPEN))
    assert review.db.applications.find_one({"_id": in_flight["_id"]})["unit_id"] == "unit-430100"
    # another copy (a fresh catalogue on the same database) routes by the new version too
    other = Catalogue(REPO_ROOT / "deploy" / "programmes", REPO_ROOT / "deploy" / "units" / "hunan.yaml")
    other.attach(review.db, OPEN)
    assert (other.units_version, other.units.get("unit-430181").kind) == (2, "direct_county")
    assert ctx.catalogue.unit("unit-430181").parent == "unit-430000"
