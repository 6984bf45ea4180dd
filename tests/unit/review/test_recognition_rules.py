"""Rules of the final level and of a programme's progress: intake routing, 推荐汇总表
uploads, recognition up to the target, 公示 period, objections, publishing, window
announcements and completed recommendations."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest

from review.rules import decisions as d
from review.rules.intake import rubric_record
from review.rules.programmes import Programme
from review.rules.progress import CLOSED, OPENED, announcement, recommendations_complete
from review.rules.publicity import (
    Eligibility,
    check_objection_window,
    check_publish,
    check_recognition_open,
    check_selection,
    publicity_period,
    reviews_closed,
)
from review.rules.routing import route_application, route_level
from review.rules.summaries import (
    RECOMMENDATION_REPORT,
    SUMMARY_TABLE,
    check_can_finalise,
    check_kind,
    check_scan,
    detect_media_type,
    missing_kinds,
    required_kinds,
    upload_level,
)
from review.rules.units import RoutingError, UnitDirectory
from zjtx.errors import DomainError

BEIJING = timezone(timedelta(hours=8))


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=BEIJING)


RECOMMENDED = Eligibility(d.RECOMMENDED, "已推荐")

# ---------------------------------------------------------------- intake


def test_first_level_routing_follows_the_programme_chain(programmes: dict[str, Programme], units: UnitDirectory) -> None:
    hunan, hengyang = programmes["hunan-2020-little-giant"], programmes["hengyang-2020-seed"]
    assert route_level(units, hunan, 1, "430481", "").unit.id == "unit-430481"  # 省直管 耒阳
    assert route_level(units, hunan, 1, "430422", "").unit.id == "unit-430400"
    assert route_level(units, hengyang, 1, "430408", "park-430400-songmu").unit.id == "park-430400-songmu"
    assert route_level(units, hengyang, 1, "430422", "").unit.id == "unit-430422"
    assert route_level(units, hengyang, 2, "430481", "").unit.id == "unit-430400"  # the city recognises 耒阳 too


def test_an_application_keeps_the_unit_a_level_was_routed_to(programmes: dict[str, Programme],
                                                             units: UnitDirectory) -> None:
    hunan = programmes["hunan-2020-little-giant"]
    enterprise = {"region_code": "430422", "park_id": ""}
    assert route_application(units, hunan, {"enterprise": enterprise}, 1).unit.id == "unit-430400"
    # routed to 耒阳 before the units were corrected: a resubmission goes back there
    pinned = {"enterprise": enterprise, "routes": {"1": "unit-430481"}}
    assert route_application(units, hunan, pinned, 1).unit.id == "unit-430481"
    # a unit no longer in the directory: the level routes by the current units
    gone = {"enterprise": enterprise, "routes": {"1": "unit-gone"}}
    assert route_application(units, hunan, gone, 1).unit.id == "unit-430400"


def test_an_enterprise_outside_the_owners_area_cannot_be_routed(programmes: dict[str, Programme],
                                                                units: UnitDirectory) -> None:
    with pytest.raises(RoutingError) as error:
        route_level(units, programmes["hengyang-2020-seed"], 1, "430104", "")
    assert "430104" in error.value.message and "衡阳市工业和信息化局" in error.value.message


def test_rubric_record_explains_the_score(programmes: dict[str, Programme]) -> None:
    assert rubric_record(programmes["hunan-2020-little-giant"], {}) is None
    record = rubric_record(programmes["hunan-2022-innovative-sme"], {"direct": {"science_award": True}})
    assert record is not None and record["total"] == 0 and record["passed"]
    assert record["note"].startswith("总分0分（及格线60分）；创新能力0分，低于最低要求20分")
    assert record["note"].endswith("符合直通条件：近三年内获得过国家级、省级科技奖励")


# ---------------------------------------------------------------- uploads


def test_media_type_comes_from_the_bytes() -> None:
    assert detect_media_type(b"%PDF-1.7\n...") == "application/pdf"
    assert detect_media_type(b"\xff\xd8\xff\xe0\x00\x10JFIF") == "image/jpeg"
    assert detect_media_type(b"\x89PNG\r\n\x1a\n\x00") == "image/png"
    assert detect_media_type(b"GIF89a") is None and detect_media_type(b"") is None


def test_scans_are_refused_empty_too_large_or_of_another_type() -> None:
    assert check_scan(SUMMARY_TABLE, "application/pdf", 10, 100) == "application/pdf"
    for media, size, code in ((None, 0, "summary.empty"), ("image/png", 101, "summary.too_large"),
                              (None, 10, "summary.media_type")):
        with pytest.raises(DomainError) as error:
            check_scan(SUMMARY_TABLE, media, size, 100)
        assert error.value.code == code and "推荐汇总表" in error.value.message


def test_what_each_level_must_upload(programmes: dict[str, Programme], units: UnitDirectory) -> None:
    hunan, hengyang = programmes["hunan-2020-little-giant"], programmes["hengyang-2020-seed"]
    assert required_kinds(hunan.level_spec(1)) == (SUMMARY_TABLE,)
    assert required_kinds(hengyang.level_spec(1)) == (SUMMARY_TABLE, RECOMMENDATION_REPORT)
    assert check_kind(hunan.level_spec(1), "") == SUMMARY_TABLE
    with pytest.raises(DomainError) as error:
        check_kind(hunan.level_spec(1), RECOMMENDATION_REPORT)
    assert error.value.code == "summary.not_required"
    assert upload_level(hengyang, units.get("park-430400-hi-tech")).level == 1
    with pytest.raises(DomainError):
        upload_level(hunan, units.get("unit-430000"))  # the province recognises; it uploads nothing


def test_a_unit_finalises_only_with_its_documents() -> None:
    assert missing_kinds((SUMMARY_TABLE, RECOMMENDATION_REPORT), {SUMMARY_TABLE: "f1"}) == ["推荐报告"]
    check_can_finalise("长沙市工业和信息化局", 0, ["推荐汇总表"], 0)  # nothing passed: nothing to cover
    with pytest.raises(DomainError) as error:
        check_can_finalise("长沙市工业和信息化局", 2, ["推荐汇总表"], 0)
    assert error.value.code == "summary.missing" and "尚未上传推荐汇总表" in error.value.message
    with pytest.raises(DomainError) as error:
        check_can_finalise("长沙市工业和信息化局", 0, [], 1)
    assert error.value.code == "summary.open_tasks"


# ---------------------------------------------------------------- recognition and 公示


def test_recognition_waits_for_the_reviews(programmes: dict[str, Programme]) -> None:
    hunan = programmes["hunan-2020-little-giant"]
    assert not reviews_closed(hunan, at("2020-05-15T23:59:59")) and reviews_closed(hunan, at("2020-05-16T00:00:00"))
    with pytest.raises(DomainError) as error:
        check_recognition_open(hunan, at("2020-05-15T12:00:00"), complete=False)
    assert "2020年5月15日 23:59:59" in error.value.message
    check_recognition_open(hunan, at("2020-05-15T12:00:00"), complete=True)  # every unit done early


def test_selection_is_capped_by_the_target_and_names_each_problem(programmes: dict[str, Programme]) -> None:
    hunan = programmes["hunan-2020-little-giant"]
    small = replace(hunan, target_count=2)
    candidates = {"a": RECOMMENDED, "b": RECOMMENDED, "c": RECOMMENDED,
                  "r": Eligibility(d.REJECTED, "审核不通过"),
                  "s": Eligibility(d.RECOMMENDED, "已推荐", rubric_passed=False, rubric_note="总分40分（及格线60分）")}
    assert check_selection(small, ["b", "a"], candidates, d.RECOMMENDED) == ["b", "a"]
    with pytest.raises(DomainError) as error:
        check_selection(small, ["a", "b", "c"], candidates, d.RECOMMENDED)
    assert error.value.code == "recognition.over_target" and "认定目标为2家，名单有3家" in error.value.message
    with pytest.raises(DomainError) as error:
        check_selection(hunan, ["a", "a", "r", "s", "zz"], candidates, d.RECOMMENDED)
    assert [(v.field, v.code) for v in error.value.violations] == [
        ("application_ids[1]", "duplicate"), ("application_ids[2]", "not_recommended"),
        ("application_ids[3]", "rubric"), ("application_ids[4]", "unknown")]
    with pytest.raises(DomainError):
        check_selection(hunan, [], candidates, d.RECOMMENDED)


def test_publicity_runs_whole_calendar_days_in_beijing_time() -> None:
    opens, closes = publicity_period(at("2020-05-20T18:30:00"), 7)
    assert closes == at("2020-05-27T23:59:59") and opens == at("2020-05-20T18:30:00")
    # late in the evening UTC is already the next day in Beijing
    _, closes = publicity_period(datetime(2020, 5, 20, 17, 0, tzinfo=timezone.utc), 7)
    assert closes == at("2020-05-28T23:59:59")


def test_objections_only_during_publicity_and_publishing_after_it() -> None:
    opens, closes = at("2020-05-20T10:00:00"), at("2020-05-27T23:59:59")
    check_objection_window(opens, closes, at("2020-05-27T23:59:59.5"))
    with pytest.raises(DomainError) as error:
        check_objection_window(opens, closes, at("2020-05-28T00:00:00"))
    assert error.value.code == "objection.outside_publicity"
    with pytest.raises(DomainError) as error:
        check_publish(closes, at("2020-05-27T23:59:59"), 0)
    assert error.value.code == "publish.publicity_running"
    with pytest.raises(DomainError) as error:
        check_publish(closes, at("2020-05-28T00:00:00"), 2)
    assert error.value.code == "publish.open_objections" and "2条" in error.value.message
    check_publish(closes, at("2020-05-28T00:00:00"), 0)


# ---------------------------------------------------------------- programme transitions


def test_window_changes_are_announced_once_each() -> None:
    assert announcement(None, "not_open") is None
    assert announcement(None, "open") == OPENED
    assert announcement(None, "closed") == CLOSED  # started after the window: still say it is over
    assert announcement("open", "open") is None
    assert announcement("not_open", "open") == OPENED
    assert announcement("open", "closed") == CLOSED
    assert announcement("closed", "open") == OPENED  # reopened (a new version extends the window)
    assert announcement("open", "not_open") is None


def test_recommendations_complete_when_units_are_done_or_time_is_up(programmes: dict[str, Programme]) -> None:
    hengyang = programmes["hengyang-2020-seed"]
    during_reviews, after = at("2020-10-12T10:00:00"), at("2020-10-17T00:00:00")
    assert not recommendations_complete(hengyang, at("2020-10-01T10:00:00"), applications=3, open_tasks=0,
                                        pending_summary=0), "enterprises may still apply"
    assert recommendations_complete(hengyang, during_reviews, applications=3, open_tasks=0, pending_summary=0)
    assert not recommendations_complete(hengyang, during_reviews, applications=3, open_tasks=1, pending_summary=0)
    assert not recommendations_complete(hengyang, during_reviews, applications=3, open_tasks=0, pending_summary=1)
    assert recommendations_complete(hengyang, after, applications=3, open_tasks=1, pending_summary=1)
    assert not recommendations_complete(hengyang, after, applications=0, open_tasks=0, pending_summary=0)
