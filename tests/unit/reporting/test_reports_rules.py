"""Summary rows, statistics, access: the rules behind the reports."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from harness.reporting_events import applicants, programme_from_yaml
from kernel.programme import programme_from_message as from_message
from reporting.rules import access
from reporting.rules.divisions import load_regions
from reporting.rules.events import normalise
from reporting.rules.projections import fold
from reporting.rules.statistics import compute
from reporting.rules.summary import display, rows, table_spec
from zjtx.config import REPO_ROOT
from zjtx.errors import DomainError

HUNAN = from_message(programme_from_yaml(REPO_ROOT / "deploy" / "programmes" / "hunan-2020-little-giant.yaml"))
T0 = datetime(2020, 5, 10, 2, 0, tzinfo=timezone.utc)
TODAY = datetime(2020, 5, 15, 23, 0, tzinfo=timezone(timedelta(hours=8)))


def recommended_doc(index: int, rank: int) -> dict:
    a = applicants(index + 1, HUNAN.id)[index]
    events = [normalise(e) for e in (a.submitted(T0), a.passed(T0, "t"), a.recommended(T0, "t", rank))]
    return fold("applications", a.application_id, events)


def test_unit_table_has_the_programme_columns_and_typed_cells() -> None:
    spec = table_spec(HUNAN, "unit-430100", "长沙市工业和信息化局", TODAY)
    assert spec.headers == [title for title, _ in HUNAN.columns]
    assert spec.headers[:3] == ["序号", "企业名称", "统一社会信用代码"] and spec.headers[-2:] == ["审核意见", "推荐顺序"]
    assert spec.unit_line == "推荐单位（盖章）：长沙市工业和信息化局" and spec.date_line == "日期：2020年5月15日"
    doc = recommended_doc(3, rank=2)
    (app_id, cells), = list(rows([doc], spec, HUNAN, lambda u: u))
    by_title = dict(zip(spec.headers, cells, strict=True))
    assert by_title["序号"] == 1 and by_title["推荐顺序"] == 2
    assert by_title["所属行业"] == "化学原料和化学制品制造业"  # enum label, not the code C26
    assert by_title["培育重点方向"] == "传统产业知名品牌转型升级"  # focus id as its title
    assert by_title["上云上平台"] == "是" and by_title["两化融合贯标"] == "是"
    assert isinstance(by_title["2019年主营业务收入（万元）"], float) and by_title["发明专利数"] == 3
    assert by_title["审核意见"] == "材料真实完整，同意推荐" and app_id == doc["_id"]


def test_programme_wide_table_names_the_recommending_unit() -> None:
    spec = table_spec(HUNAN, "", "", TODAY)
    assert spec.headers[:2] == ["序号", "推荐单位"] and spec.unit_line == "汇总单位：湖南省工业和信息化厅"
    assert table_spec(HUNAN, "", "", TODAY, draft=True).title.endswith("推荐汇总表（草表）")


@pytest.mark.parametrize(("value", "text"), [(None, ""), (12.5, "12.5"), (3, "3"), (10000.0, "10000"), ("是", "是")])
def test_display_text(value, text: str) -> None:
    assert display(value) == text


def test_statistics_roll_up_and_publicity() -> None:
    regions = load_regions()
    groups = [
        {"status": "recommended", "region_code": "430104", "industry": "专用设备制造业", "focus_category": "new_infrastructure",
         "level": 2, "submitted_day": "2020-05-13", "n": 3},
        {"status": "recognised", "region_code": "430121", "industry": "专用设备制造业", "focus_category": "new_infrastructure",
         "level": 2, "submitted_day": "2020-05-15", "n": 2},
        {"status": "withdrawn", "region_code": "430481", "industry": "医药制造业", "focus_category": "",
         "level": 1, "submitted_day": "2020-05-15", "n": 1},
    ]
    listed = [{**groups[0], "n": 2}]
    stats = compute(groups, listed, HUNAN, regions, "2020-05-16T00:00:00.000Z")
    assert stats.applications == 6
    assert {b.key: b.count for b in stats.by_status} == {"recommended": 1, "in_publicity": 2, "recognised": 2, "withdrawn": 1}
    assert [(b.key, b.label, b.count) for b in stats.by_city] == [("430100", "长沙市", 5), ("430400", "衡阳市", 1)]
    assert [d.count for d in stats.submissions_per_day] == [3, 0, 3] and stats.submissions_per_day[-1].cumulative == 6
    changsha = next(r for r in stats.recognition_by_city if r.region_code == "430100")
    assert (changsha.applications, changsha.recommended, changsha.recognised, changsha.rate_text) == (5, 5, 2, "40.0%")
    hengyang = next(r for r in stats.recognition_by_city if r.region_code == "430400")
    assert hengyang.applications == 0 and hengyang.rate == 0
    assert [b.label for b in stats.by_level] == ["市州、省财政直管县市工信部门审核", "湖南省工业和信息化厅择优认定"]
    assert stats.by_focus_category[0].label == "“新基建”" and stats.by_focus_category[-1].label == "未选择"


def test_access_rules() -> None:
    owner = HUNAN.owner_unit_id
    city = access.Requester(role="reviewer", unit="unit-430100")
    access.check_summary_table(city, owner, "unit-430100")
    with pytest.raises(DomainError) as other_unit:
        access.check_summary_table(city, owner, "unit-430400")
    assert other_unit.value.kind == "forbidden" and "本单位" in other_unit.value.message
    with pytest.raises(DomainError):
        access.check_summary_table(city, owner, "")
    access.check_summary_table(access.Requester(role="admin", unit=owner), owner, "")
    assert access.statistics_scope(city, owner) == "unit-430100"
    assert access.statistics_scope(access.Requester(role="operations"), owner) == "programme"
    enterprise = access.Requester(role="enterprise", enterprise_id="e1")
    access.check_application(enterprise, owner, "e1", [])
    with pytest.raises(DomainError):
        access.check_application(enterprise, owner, "e2", [])
    with pytest.raises(DomainError):
        access.statistics_scope(enterprise, owner)
    with pytest.raises(DomainError):
        access.check_rebuild(access.Requester(role="admin", unit=owner))
    with pytest.raises(DomainError):
        access.check_role(access.Requester(role="guest"))
