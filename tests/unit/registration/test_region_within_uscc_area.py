"""An enterprise's region lies in the city (else the province) whose office issued its USCC."""

from __future__ import annotations

from kernel.divisions import load_division_table
from kernel.enterprise_identity import region_violations, uscc_area
from kernel.uscc import make_uscc

TABLE = load_division_table()
CHANGSHA = make_uscc("9", "1", "430100", "MA4L0000")
PROVINCIAL = make_uscc("9", "1", "430000", "MA4L0001")
NATIONAL = make_uscc("9", "1", "100000", "MA4L0002")


def test_a_county_of_the_named_city_is_accepted() -> None:
    assert uscc_area(CHANGSHA, TABLE) == ("4301", "湖南省 长沙市")
    assert region_violations("430104", CHANGSHA, TABLE) == []


def test_a_county_of_another_city_is_refused_naming_the_city() -> None:
    [problem] = region_violations("430405", CHANGSHA, TABLE)
    assert (problem.field, problem.code) == ("region_code", "region.outside_uscc_area")
    assert "长沙市" in problem.message and "4301" in problem.message


def test_a_provincial_office_admits_any_county_of_the_province_only() -> None:
    assert uscc_area(PROVINCIAL, TABLE) == ("43", "湖南省")
    assert region_violations("430405", PROVINCIAL, TABLE) == []
    assert [p.code for p in region_violations("110101", PROVINCIAL, TABLE)] == ["region.outside_uscc_area"]


def test_national_registration_and_a_malformed_code_name_no_area() -> None:
    assert uscc_area(NATIONAL, TABLE) is None
    assert uscc_area("91", TABLE) is None
    assert region_violations("110101", NATIONAL, TABLE) == []


def test_the_region_rules_of_its_own_come_first() -> None:
    assert [p.code for p in region_violations("430100", CHANGSHA, TABLE)] == ["division.level"]
