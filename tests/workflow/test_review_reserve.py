"""The 后备 pool in process: publication puts the recommended applications not chosen into
the owner's pool (review.reserve_listed in the outbox), a city's candidate enters through its
hook, the pool lists and filters, a member applying to a later programme of the owner is
marked for reviewers, and leaves the active pool once recognised."""

from __future__ import annotations

from datetime import datetime

import pytest
from workflow_support import HUNAN, PROVINCE_UNIT, catalogue, outbox, reviewer

from review import queries, recognition, reserve, storage, workflow
from review.rules import decisions as d
from zjtx.mongo import StoreHandle
from zjtx_api import review_pb2

CONFIRMED = datetime.fromisoformat("2020-05-20T10:00:00+08:00")
PUBLISHED = datetime.fromisoformat("2020-06-10T10:00:00+08:00")
LATER = "hunan-2022-specialised-sme"


@pytest.fixture
def review(open_store) -> StoreHandle:
    return open_store("review", storage.INDEXES)


def recommended(review: StoreHandle, key: str, region: str, programme_id: str = HUNAN,
                status: str = d.RECOMMENDED) -> str:
    """An application as review holds it once its last reviewing level recommended it."""
    application_id = f"app-{key}-{programme_id[-4:]}"
    review.db.applications.insert_one({
        "_id": application_id, "programme_id": programme_id, "status": status, "version": 1, "history_seq": 0,
        "enterprise": {"enterprise_id": f"ent-{key}", "uscc": f"91{region}MA{key:0>8}", "name": f"{key}科技有限公司",
                       "region_code": region, "region_name": region, "park_id": "", "industry": "C34"},
        "first_submitted_at": datetime.fromisoformat("2020-05-08T10:00:00+08:00"), "sections": {},
        "recommended_unit_name": "衡阳市工业和信息化局", "unit_ids": ["unit-430400"],
    })
    return application_id


def publish_hunan(review: StoreHandle, chosen: list[str]) -> None:
    programme = catalogue().programme(HUNAN)
    admin = reviewer(PROVINCE_UNIT, "admin")
    review.transact(lambda unit: recognition.recognise(unit, workflow.Context(catalogue(), admin, CONFIRMED),
                                                       programme, chosen))
    review.transact(lambda unit: recognition.publish(unit, workflow.Context(catalogue(), admin, PUBLISHED), programme))


def test_publication_puts_the_not_chosen_into_the_owners_pool(review: StoreHandle) -> None:
    chosen = recommended(review, "A", "430405")
    passed = recommended(review, "B", "430405")
    other_city = recommended(review, "C", "430104")
    publish_hunan(review, [chosen])

    entries = reserve.list_entries(review.db, "430000")
    assert [(e["application_id"], e["source"], e["status"], e["year"]) for e in entries] == [
        (other_city, "not_recognised", "active", 2020), (passed, "not_recognised", "active", 2020)]
    assert "未列入择优认定名单" in entries[1]["reason"]
    listed = outbox(review, "review.reserve_listed")
    assert sorted(e.subject for e in listed) == sorted([passed, other_city])
    assert listed[0].payload(review_pb2.ReserveListed).entry.enterprise.name.endswith("科技有限公司")
    # filters: a city's region prefix, the year, the source
    assert [e["application_id"] for e in reserve.list_entries(review.db, "430000", region_prefix="4304")] == [passed]
    assert reserve.list_entries(review.db, "430000", year=2021) == []
    assert reserve.list_entries(review.db, "430400") == []  # Hengyang's own pool is another pool


def test_a_city_candidate_enters_once_through_its_hook(review: StoreHandle) -> None:
    enterprise = {"enterprise_id": "ent-Z", "uscc": "914304000000000000", "name": "衡阳推荐候选有限公司",
                  "region_code": "430405", "region_name": "珠晖区"}
    for _ in range(2):
        review.transact(lambda unit: reserve.enter_candidate(
            unit, "430000", "hengyang-2020-seed", "2020年衡阳市种子企业", 2020, enterprise, "衡阳市工业和信息化局",
            "种子企业，推荐进入省小巨人后备", PUBLISHED))
    [entry] = reserve.list_entries(review.db, "430000", source="city_recommendation")
    assert entry["reason"] == "衡阳市工业和信息化局推荐：种子企业，推荐进入省小巨人后备"
    assert len(outbox(review, "review.reserve_listed")) == 1


def test_a_member_applying_next_year_is_marked_and_leaves_when_recognised(review: StoreHandle) -> None:
    recommended(review, "A", "430405")
    recommended(review, "B", "430405")
    publish_hunan(review, ["app-A-iant"])
    later = catalogue().programme(LATER)
    again = recommended(review, "B", "430405", programme_id=LATER)

    [row] = [r for r in queries.ranking(review.db, later).ranked if r.application_id == again]
    assert row.reserve_note.startswith("2020年后备企业（通过审核未获认定：2020年湖南省")
    assert reserve.notes_for(review.db, catalogue().programme(HUNAN), ["ent-B"]) == {}  # not in its own year

    review.transact(lambda unit: reserve.leave_when_recognised(unit, later, "ent-B"))
    [entry] = reserve.list_entries(review.db, "430000")
    assert (entry["status"], entry["recognised_in"]) == ("recognised", LATER)
    assert reserve.notes_for(review.db, later, ["ent-B"]) == {}
