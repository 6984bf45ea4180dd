"""Programme documents: the shipped ones load, broken ones report every error."""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
import yaml

from review.rules.programme_parser import load_programme, load_programmes, parse_programme
from review.rules.programmes import NATIONAL, Programme, ProgrammeError, read_yaml

ROOT = Path(__file__).resolve().parents[3]
PROGRAMMES = ROOT / "deploy" / "programmes"
BEIJING = timezone(timedelta(hours=8))


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def hunan_raw() -> dict:
    return read_yaml(PROGRAMMES / "hunan-2020-little-giant.yaml")


# --------------------------------------------------------------------------- shipped


def test_every_shipped_programme_loads(programmes: dict[str, Programme]) -> None:
    assert set(programmes) == {"hunan-2020-little-giant", "hengyang-2020-seed", "hunan-2022-innovative-sme",
                               "hunan-2022-specialised-sme", "hunan-2023-little-giant-review"}
    for path in PROGRAMMES.glob("*.yaml"):
        assert load_programme(path).id == path.stem


def test_hunan_document_follows_the_notice(hunan: Programme) -> None:
    assert (hunan.level, hunan.owner, hunan.target_count) == ("province", "430000", 300)
    assert [s.title for s in hunan.sections] == ["企业基础信息", "经济效益", "专业化程度", "创新能力", "其他"]
    assert [a.kind for a in hunan.attachments] == [
        "authenticity_pledge", "financial_statements", "business_licence",
        "supporting_evidence", "development_report", "photos",
    ]
    assert hunan.attachment("financial_statements").min_count == 3
    first, final = hunan.review_chain
    assert (first.unit_kind, first.checks, first.requires_summary_upload, first.final) == (
        "city_or_direct_county", ("真实性", "完整性"), True, False,
    )
    assert (final.unit_kind, final.final) == ("province", True)
    assert hunan.eligibility_gates[0].message == "申报小巨人企业必须是“上云上平台”企业"
    assert [m.field for m in hunan.priority_markers] == ["other.two_integration", "innovation.invention_patents"]
    assert len(hunan.focus_categories) == 5 and "制造强省" in hunan.focus_categories[0].text
    assert hunan.recommend_to == NATIONAL
    assert "完整性、真实性、合法性负责" in hunan.pledge.text
    assert [c.title for c in hunan.summary_table_columns][:3] == ["序号", "企业名称", "统一社会信用代码"]


def test_hengyang_document_follows_the_notice(hengyang: Programme, programmes: dict[str, Programme]) -> None:
    assert (hengyang.level, hengyang.owner, hengyang.target_count) == ("city", "430400", 50)
    first, final = hengyang.review_chain
    assert (first.unit_kind, first.requires_summary_upload, first.requires_report_upload) == (
        "county_or_park", True, True,
    )
    assert (final.unit_kind, final.final) == ("city", True)
    assert len(hengyang.attachments) == 7  # materials (1)-(7)
    assert "现代产业强市" in hengyang.focus_categories[0].text
    assert hengyang.recommend_to in programmes
    plan = hengyang.field("profile.profile_and_plan")
    assert (plan.type, plan.min_length, plan.max_length) == ("text", 600, 1500)


def test_field_lookup(hunan: Programme) -> None:
    field = hunan.field("basic.focus_category")
    assert field.type == "enum"
    assert field.option_values == tuple(c.id for c in hunan.focus_categories)
    assert hunan.has_field("other.cloud_platform") and not hunan.has_field("other.nothing")
    with pytest.raises(KeyError):
        hunan.field("other.nothing")
    assert ("economic.main_revenue_2019", hunan.field("economic.main_revenue_2019")) in list(hunan.iter_fields())


# --------------------------------------------------------------------------- windows


def test_hunan_window_closes_after_the_last_second_of_15_may(hunan: Programme) -> None:
    assert hunan.window.closes_at == datetime(2020, 5, 15, 23, 59, 59, tzinfo=BEIJING)
    assert hunan.window_state(at("2020-03-29T23:59:59+08:00")) == "not_open"
    assert hunan.window_state(at("2020-03-30T00:00:00+08:00")) == "open"
    assert hunan.window_state(at("2020-05-15T23:59:59+08:00")) == "open"
    assert hunan.window_state(at("2020-05-15T23:59:59.999999+08:00")) == "open"
    assert hunan.window_state(at("2020-05-16T00:00:00+08:00")) == "closed"
    # The same instants given in UTC.
    assert hunan.window_state(datetime(2020, 5, 15, 15, 59, 59, tzinfo=UTC)) == "open"
    assert hunan.window_state(datetime(2020, 5, 15, 16, 0, 0, tzinfo=UTC)) == "closed"


def test_hunan_city_reviews_close_with_submissions(hunan: Programme) -> None:
    assert hunan.review_open(at("2020-05-15T23:59:59+08:00"), 1)
    assert not hunan.review_open(at("2020-05-16T00:00:00+08:00"), 1)
    assert not hunan.review_open(at("2020-03-29T12:00:00+08:00"), 1)
    # The province ranks and recognises after the system closes.
    assert hunan.review_closes_at(2) is None
    assert hunan.review_open(at("2020-06-01T09:00:00+08:00"), 2)


def test_hengyang_units_review_a_week_after_enterprises_close(hengyang: Programme) -> None:
    assert hengyang.window_state(at("2020-10-09T23:59:59+08:00")) == "open"
    assert hengyang.window_state(at("2020-10-10T00:00:00+08:00")) == "closed"
    assert hengyang.review_open(at("2020-10-16T23:59:59+08:00"), 1)
    assert not hengyang.review_open(at("2020-10-17T00:00:00+08:00"), 1)


def test_naive_time_is_refused(hunan: Programme) -> None:
    with pytest.raises(ValueError):
        hunan.window_state(datetime(2020, 5, 15, 12, 0))


# --------------------------------------------------------------------------- broken documents


def test_broken_document_reports_every_error_with_its_path() -> None:
    raw = hunan_raw()
    raw["colour"] = "red"
    del raw["owner_name"]
    raw["window"]["closes_at"] = "2020-03-01T00:00:00+08:00"
    raw["window"]["review_closes_at"] = "2020-05-15T23:59:59"
    raw["review_chain"][0]["final"] = True
    raw["sections"][2]["fields"][0]["type"] = "strng"
    raw["sections"][0]["fields"][1]["id"] = "legal_representative"
    raw["sections"][3]["fields"][7].pop("options")
    raw["attachments"][1]["min_count"] = 9
    raw["eligibility_gates"][0]["field"] = "other.cloud"
    raw["priority_markers"][0]["field"] = "basic.main_product"
    raw["summary_table_columns"][4]["source"] = "application.basic.nothing"
    raw["pledge"]["required"] = False

    with pytest.raises(ProgrammeError) as caught:
        parse_programme(raw)

    errors = caught.value.errors
    expected = [
        "owner_name: required key missing",
        "colour: unknown key; accepted: id, version,",
        "window.closes_at: must be after opens_at",
        "window.review_closes_at: timezone missing",
        "sections[0].fields[1].id: duplicate field id 'legal_representative' (first at sections[0].fields[0].id)",
        "sections[2].fields[0].type: unknown type 'strng'; accepted: string, text, integer, decimal, boolean, "
        "date, enum, multi_enum",
        "sections[3].fields[7].options: a enum field needs exactly one of options, options_from",
        "review_chain: exactly one level must be final, found 2",
        "attachments[1].min_count: min_count 9 is greater than max_count 6",
        "pledge.required: the authenticity pledge must be required",
        "eligibility_gates[0].field: no field 'other.cloud' (expected section.field)",
        "priority_markers[0].field: a priority marker must be boolean or numeric, not string",
        "summary_table_columns[4].source: no field 'basic.nothing'",
    ]
    for prefix in expected:
        assert any(error.startswith(prefix) for error in errors), (prefix, errors)
    assert len(errors) == len(expected)
    assert str(caught.value).startswith(f"{len(expected)} error(s) in programme document")


def test_window_needs_order_and_beijing_offset() -> None:
    raw = hunan_raw()
    raw["window"]["review_closes_at"] = "2020-05-14T23:59:59+08:00"
    raw["window"]["opens_at"] = "2020-03-30T00:00:00Z"
    with pytest.raises(ProgrammeError) as caught:
        parse_programme(raw)
    assert caught.value.errors == [
        "window.opens_at: offset must be +08:00 (Asia/Shanghai), got 2020-03-30T00:00:00+00:00",
        "window.review_closes_at: must not be before closes_at",
    ]


def test_chain_must_end_with_the_owners_level() -> None:
    raw = hunan_raw()
    raw["review_chain"] = list(reversed(raw["review_chain"]))
    for index, level in enumerate(raw["review_chain"], start=1):
        level["level"] = index
    with pytest.raises(ProgrammeError) as caught:
        parse_programme(raw)
    assert caught.value.errors == [
        "review_chain[0].final: the final level must be the last",
        "review_chain[1].unit_kind: 'city_or_direct_county' does not sit above 'province'",
        "review_chain[1].unit_kind: the final level of a province programme must be 'province'",
    ]


def test_rubric_points_must_sum_to_the_total() -> None:
    raw = read_yaml(PROGRAMMES / "hunan-2022-innovative-sme.yaml")
    broken = copy.deepcopy(raw)
    broken["rubric"]["indicators"][3]["max_points"] = 15
    broken["rubric"]["indicators"][4]["rules"][0]["bands"][0]["equals"] = "strategic"
    with pytest.raises(ProgrammeError) as caught:
        parse_programme(broken)
    assert caught.value.errors == [
        "rubric.indicators[3].max_points: no band awards max_points (15); best is 10",
        "rubric.indicators[4].rules[0].bands[0].equals: 'strategic' is not an option of the field; "
        "options: strategic_emerging, other",
        "rubric.total: indicator max_points sum to 105, not 100",
        "rubric.groups[1].max_points: its indicators sum to 35, not 30",
    ]
    broken = copy.deepcopy(raw)
    broken["rubric"]["indicators"][3]["max_points"] = 15
    broken["rubric"]["indicators"][3]["rules"][0]["bands"][0]["points"] = 15
    with pytest.raises(ProgrammeError) as caught:
        parse_programme(broken)
    assert caught.value.errors == [
        "rubric.total: indicator max_points sum to 105, not 100",
        "rubric.groups[1].max_points: its indicators sum to 35, not 30",
    ]


def test_duplicate_yaml_keys_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "dup.yaml"
    path.write_text("id: a\nid: b\n", encoding="utf-8")
    with pytest.raises(ProgrammeError) as caught:
        load_programme(path)
    assert "duplicate key 'id'" in caught.value.errors[0]


def test_directory_checks_names_and_recommendations(tmp_path: Path) -> None:
    raw = hunan_raw()
    raw["recommend_to"] = "hunan-2021-little-giant"
    (tmp_path / "wrong-name.yaml").write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ProgrammeError) as caught:
        load_programmes(tmp_path)
    assert caught.value.errors == [
        "wrong-name.yaml: id: 'hunan-2020-little-giant' must match the file name",
        f"hunan-2020-little-giant.yaml: recommend_to: no programme 'hunan-2021-little-giant' "
        f"(nor 'national') in {tmp_path}",
    ]


# --------------------------------------------------------------------------- value checks
