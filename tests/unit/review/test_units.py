"""Review units: the shipped directory and routing an application to its reviewer."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from review.rules.programmes import Programme, read_yaml
from review.rules.units import RoutingError, UnitDirectory, UnitsError, parse_units

ROOT = Path(__file__).resolve().parents[3]
UNITS = ROOT / "deploy" / "units" / "hunan.yaml"


def ids(units: list) -> list[str]:
    return [unit.id for unit in units]


def test_shipped_directory(units: UnitDirectory) -> None:
    assert units.get("unit-430000").name == "湖南省工业和信息化厅"
    cities = units.of_kind("city")
    assert len(cities) == 14
    assert {c.division_code for c in cities} >= {"430100", "430400", "433100"}
    assert units.get("unit-430400").name == "衡阳市工业和信息化局"
    hengyang_counties = {u.division_code for u in units.children("unit-430400") if u.kind == "county"}
    assert hengyang_counties == {
        "430405", "430406", "430407", "430408", "430412", "430421",
        "430422", "430423", "430424", "430426", "430482",
    }
    assert units.get("unit-430481").kind == "direct_county"  # 耒阳: also Hengyang's county unit
    assert len(units.parks_in("430422")) == 5


def test_a_city_covers_its_counties_except_its_direct_counties(units: UnitDirectory) -> None:
    city = units.get("unit-430400")
    assert city.covers_region("430400") and city.covers_region("430422")
    assert not city.covers_region("430481")  # 耒阳市, 省财政直管
    assert not city.covers_region("430121")
    assert units.get("unit-430481").covers_region("430481")


def test_hunan_routes_a_changsha_county_enterprise_to_changsha(units: UnitDirectory, hunan: Programme) -> None:
    assert ids(units.route_chain(hunan.review_chain, "430121")) == ["unit-430100", "unit-430000"]  # 长沙县
    assert ids(units.route_chain(hunan.review_chain, "430181")) == ["unit-430100", "unit-430000"]  # 浏阳市


def test_hunan_routes_a_direct_county_enterprise_to_that_county(units: UnitDirectory, hunan: Programme) -> None:
    assert ids(units.route_chain(hunan.review_chain, "430481")) == ["unit-430481", "unit-430000"]
    # A declared park does not matter at the 市州 level.
    assert ids(units.route_chain(hunan.review_chain, "430422", "park-430400-hi-tech")) == [
        "unit-430400", "unit-430000",
    ]


def test_hengyang_routes_a_county_enterprise_to_its_county(units: UnitDirectory, hengyang: Programme) -> None:
    assert ids(units.route_chain(hengyang.review_chain, "430422")) == ["unit-430422", "unit-430400"]
    # 耒阳 reports to the province in province programmes, but to 衡阳 in the city's own.
    assert ids(units.route_chain(hengyang.review_chain, "430481")) == ["unit-430481", "unit-430400"]


def test_hengyang_routes_a_park_enterprise_to_its_park(units: UnitDirectory, hengyang: Programme) -> None:
    chain = units.route_chain(hengyang.review_chain, "430408", "park-430400-hi-tech")
    assert ids(chain) == ["park-430400-hi-tech", "unit-430400"]
    assert chain[0].name == "衡阳高新技术产业开发区管理委员会"


def test_the_final_level_routes_to_the_owner(units: UnitDirectory, programmes: dict[str, Programme]) -> None:
    for programme, region in ((programmes["hunan-2020-little-giant"], "431381"),
                              (programmes["hengyang-2020-seed"], "430426"),
                              (programmes["hunan-2022-innovative-sme"], "433101")):
        assert units.route(programme.final_level, region) == units.for_division(programme.owner)


def test_routing_errors_are_clear(units: UnitDirectory) -> None:
    with pytest.raises(RoutingError) as caught:
        units.route("county_or_park", "430400")
    assert caught.value.message == "没有负责地区 430400 的县市区审核单位，请填写企业所在县市区或选择所在园区"
    with pytest.raises(RoutingError) as caught:
        units.route("county_or_park", "430121", "park-430400-songmu")
    assert caught.value.message == "衡阳松木经济开发区管理委员会不在企业所在地区（430121）所属的市州，请重新选择园区"
    with pytest.raises(RoutingError) as caught:
        units.route("county_or_park", "430405", "park-unknown")
    assert caught.value.message == "没有园区审核单位“park-unknown”"
    with pytest.raises(RoutingError) as caught:
        units.route("city_or_direct_county", "440305")
    assert (caught.value.unit_kind, caught.value.region_code) == ("city_or_direct_county", "440305")
    with pytest.raises(RoutingError):
        units.route("province", "43040")
    with pytest.raises(ValueError):
        units.route("nation", "430405")


def test_broken_units_report_every_error() -> None:
    raw = read_yaml(UNITS)
    broken = copy.deepcopy(raw)
    by_id = {unit["id"]: unit for unit in broken["units"]}
    by_id["unit-430200"]["excludes"] = []            # forgets 醴陵市
    by_id["unit-430405"]["parent"] = "unit-439900"   # no such unit
    by_id["unit-430406"]["covers"] = ["430405"]      # another county's code
    by_id["unit-430407"]["kind"] = "district"
    broken["units"].append(dict(by_id["unit-430100"]))
    with pytest.raises(UnitsError) as caught:
        parse_units(broken)
    assert caught.value.errors == [
        "units[21].covers: 430405 lies outside the unit's own division 430406",
        "units[22].kind: unknown kind 'district'; accepted: province, city, direct_county, county, park",
        "units[36].id: duplicate unit id 'unit-430100' (first at units[1])",
        "units[20].parent: no unit 'unit-439900'",
        "units[2].excludes: must list 430281, a direct_county unit in the city",
        "units[21].covers: 430405 is also covered by unit-430405",
        "units[15].covers: 430281 is also covered by unit-430200",
    ]
