"""Review decisions as plain rules: deadlines, opinions, return reasons and rounds, access."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import pytest

from review.rules import decisions as d
from review.rules.access import (
    check_can_act,
    check_can_view_application,
    check_can_view_unit,
    check_owner_admin,
    check_owner_view,
)
from review.rules.programmes import Programme
from review.rules.units import UnitDirectory
from zjtx.errors import DomainError

BEIJING = timezone(timedelta(hours=8))


@dataclass(frozen=True)
class Who:
    role: str
    unit: str = ""
    subject: str = "someone"
    enterprise_id: str = ""


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=BEIJING)


# ---------------------------------------------------------------- deadlines


def test_decisions_are_accepted_up_to_the_last_second_of_the_deadline(hunan: Programme) -> None:
    d.check_review_open(hunan, 1, at("2020-05-15T23:59:59.999"))
    with pytest.raises(DomainError) as error:
        d.check_review_open(hunan, 1, at("2020-05-16T00:00:00"))
    assert error.value.code == "review.closed" and error.value.kind == "precondition"
    assert "2020年5月15日 23:59:59（北京时间）" in error.value.message
    assert "市州、省财政直管县市工信部门审核" in error.value.message


def test_no_decision_before_the_programme_opens(hunan: Programme) -> None:
    with pytest.raises(DomainError) as error:
        d.check_review_open(hunan, 1, at("2020-03-29T23:59:59"))
    assert error.value.code == "review.not_open" and "2020年3月30日 00:00:00" in error.value.message


def test_the_final_level_has_no_deadline(hunan: Programme) -> None:
    d.check_review_open(hunan, 2, at("2020-12-31T12:00:00"))


def test_beijing_time_is_shown_for_utc_instants() -> None:
    assert d.beijing(datetime(2020, 5, 15, 15, 59, 59, tzinfo=timezone.utc)) == "2020年5月15日 23:59:59（北京时间）"


# ---------------------------------------------------------------- opinions and reasons


def test_an_opinion_is_required_and_trimmed() -> None:
    assert d.check_opinion("  同意推荐 \n") == "同意推荐"
    with pytest.raises(DomainError) as error:
        d.check_opinion(" \t", "reason", "不通过的理由")
    assert error.value.code == "reason.required" and "不通过的理由不能为空" in error.value.violations[0].message
    with pytest.raises(DomainError):
        d.check_opinion("意" * (d.MAX_OPINION_CHARS + 1))


def test_return_reasons_name_their_targets_with_titles(hunan: Programme) -> None:
    reasons = d.check_return_reasons(hunan, [("section", "economic", "收入与报表不一致"),
                                             ("attachment", "photos", "照片模糊"), ("pledge", "", "未盖章")])
    assert [(r.target, r.target_title) for r in reasons] == [
        ("economic", "经济效益"), ("photos", "照片"), ("pledge", "湖南省小巨人企业申报材料真实性承诺")]
    assert d.describe_reasons(reasons[:1]) == "栏目“经济效益”：收入与报表不一致"


def test_every_bad_return_reason_is_named(hunan: Programme) -> None:
    with pytest.raises(DomainError) as error:
        d.check_return_reasons(hunan, [("section", "finance", "x"), ("attachment", "photos", ""),
                                       ("form", "basic", "x"), ("attachment", "photos", "重复")])
    fields = [v.field for v in error.value.violations]
    assert fields == ["reasons[0].target", "reasons[1].reason", "reasons[2].target_kind", "reasons[3].target"]
    assert "economic（经济效益）" in error.value.violations[0].message
    with pytest.raises(DomainError) as error:
        d.check_return_reasons(hunan, [])
    assert error.value.code == "return.reasons_required"


def test_returns_are_bounded_and_need_an_open_window(hunan: Programme) -> None:
    open_ = at("2020-05-10T10:00:00")
    assert d.check_return_allowed(hunan, 0, open_) == 1
    assert d.check_return_allowed(hunan, 1, open_) == 2
    with pytest.raises(DomainError) as error:
        d.check_return_allowed(hunan, 2, open_)
    assert error.value.code == "return.rounds_exhausted" and "上限（2次）" in error.value.message


def test_no_return_after_enterprises_closed(programmes: dict[str, Programme]) -> None:
    hengyang = programmes["hengyang-2020-seed"]
    with pytest.raises(DomainError) as error:
        d.check_return_allowed(hengyang, 0, at("2020-10-10T09:00:00"))
    assert error.value.code == "return.window_closed" and "2020年10月9日 23:59:59" in error.value.message


def test_a_decided_task_cannot_be_decided_again() -> None:
    d.check_task_open(d.TASK_OPEN)
    with pytest.raises(DomainError) as error:
        d.check_task_open(d.TASK_PASSED)
    assert error.value.kind == "conflict" and "已通过" in error.value.message


def test_next_level_of_the_last_reviewing_level_is_the_final_one(hunan: Programme) -> None:
    assert d.next_level(hunan, 1).final


# ---------------------------------------------------------------- access


def test_only_the_tasks_unit_may_act(units: UnitDirectory) -> None:
    check_can_act(units, Who("reviewer", "unit-430100"), "unit-430100")
    check_can_act(units, Who("system"), "unit-430100")
    with pytest.raises(DomainError) as error:
        check_can_act(units, Who("reviewer", "unit-430400"), "unit-430100")
    assert error.value.code == "review.other_unit" and "长沙市工业和信息化局" in error.value.message
    with pytest.raises(DomainError):  # not even the province acts on a city's task
        check_can_act(units, Who("admin", "unit-430000"), "unit-430100")
    with pytest.raises(DomainError) as error:
        check_can_act(units, Who("enterprise"), "unit-430100")
    assert error.value.code == "review.forbidden"


def test_admins_see_the_units_below_them(units: UnitDirectory) -> None:
    check_can_view_unit(units, Who("admin", "unit-430400"), "park-430400-hi-tech")
    check_can_view_unit(units, Who("operations"), "unit-430100")
    with pytest.raises(DomainError):
        check_can_view_unit(units, Who("reviewer", "unit-430400"), "park-430400-hi-tech")
    with pytest.raises(DomainError):
        check_can_view_unit(units, Who("admin", "unit-430400"), "unit-430100")


def test_an_application_is_seen_by_its_enterprise_units_and_owner(units: UnitDirectory) -> None:
    where = {"enterprise_id": "e1", "unit_ids": ["unit-430405"], "owner_unit_id": "unit-430400"}
    check_can_view_application(units, Who("enterprise", enterprise_id="e1"), **where)
    check_can_view_application(units, Who("reviewer", "unit-430405"), **where)
    check_can_view_application(units, Who("reviewer", "unit-430400"), **where)
    check_can_view_application(units, Who("admin", "unit-430000"), **where)  # above both
    for who in (Who("enterprise", enterprise_id="e2"), Who("reviewer", "unit-430406"), Who("admin", "unit-430100")):
        with pytest.raises(DomainError):
            check_can_view_application(units, who, **where)


def test_final_level_belongs_to_the_owners_admins() -> None:
    check_owner_admin(Who("admin", "unit-430000"), "unit-430000", "湖南省工业和信息化厅", "确认认定名单")
    check_owner_view(Who("reviewer", "unit-430000"), "unit-430000", "湖南省工业和信息化厅", "查看推荐排序")
    with pytest.raises(DomainError) as error:
        check_owner_admin(Who("reviewer", "unit-430000"), "unit-430000", "湖南省工业和信息化厅", "确认认定名单")
    assert "只有湖南省工业和信息化厅的管理员可以确认认定名单" == error.value.message
    with pytest.raises(DomainError):
        check_owner_view(Who("admin", "unit-430100"), "unit-430000", "湖南省工业和信息化厅", "查看推荐排序")
