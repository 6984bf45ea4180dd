"""An instance's review units and programmes stay within its jurisdiction; a city instance's
units have the city as their top unit."""

from __future__ import annotations

import pytest

from kernel.divisions import load_division_table
from kernel.jurisdiction import check_serves, serves
from review.catalogue import Catalogue
from review.rules.units import UnitsError, load_units, parse_units
from zjtx.config import REPO_ROOT, ConfigError
from zjtx.errors import DomainError

PROGRAMMES = REPO_ROOT / "deploy" / "programmes"
UNITS = REPO_ROOT / "deploy" / "units"


def test_the_city_instance_serves_its_programme_and_units() -> None:
    catalogue = Catalogue(PROGRAMMES, UNITS / "hengyang.yaml", ["hengyang-2020-seed"], "430400")
    assert list(catalogue.programmes) == ["hengyang-2020-seed"]
    assert all(u.division_code.startswith("4304") for u in catalogue.units)
    # 耒阳 is one of the city's counties in the city's own instance
    assert catalogue.units.route("county_or_park", "430481").id == "unit-430481"
    assert catalogue.units.get("unit-430481").parent == "unit-430400"


def test_a_programme_or_unit_outside_the_jurisdiction_stops_the_start() -> None:
    with pytest.raises(ConfigError, match="programme hunan-2020-little-giant is owned by 430000"):
        Catalogue(PROGRAMMES, UNITS / "hengyang.yaml", ["hengyang-2020-seed", "hunan-2020-little-giant"], "430400")
    with pytest.raises(ConfigError, match="unit unit-430000 .* lies in 430000"):
        Catalogue(PROGRAMMES, UNITS / "hunan.yaml", ["hengyang-2020-seed"], "430400")
    with pytest.raises(ConfigError, match="not in .*accepted: hengyang-2020-seed"):
        Catalogue(PROGRAMMES, UNITS / "hengyang.yaml", ["no-such-programme"], "430400")


def test_an_unknown_unit_names_the_jurisdiction() -> None:
    catalogue = Catalogue(PROGRAMMES, UNITS / "hengyang.yaml", ["hengyang-2020-seed"], "430400")
    with pytest.raises(DomainError) as error:
        catalogue.unit("unit-430100")
    assert "本平台（辖区 430400）没有审核单位 unit-430100" in error.value.message


def test_one_top_unit_only() -> None:
    assert len(load_units(UNITS / "hengyang.yaml")) == 18
    two_roots = {"units": [
        {"id": "unit-430400", "name": "衡阳", "kind": "city", "division_code": "430400", "covers": ["430400"],
         "parent": None},
        {"id": "unit-430100", "name": "长沙", "kind": "city", "division_code": "430100", "covers": ["430100"],
         "parent": None}]}
    with pytest.raises(UnitsError, match="only one unit may have no parent"):
        parse_units(two_roots)


def test_registration_outside_the_jurisdiction_says_what_is_accepted() -> None:
    divisions = load_division_table(None)
    assert serves("430405", "430400") and not serves("430104", "430400") and serves("430104", None)
    with pytest.raises(DomainError) as error:
        check_serves("430104", "430400", divisions, "企业注册", "region_code")
    assert error.value.code == "jurisdiction.outside"
    assert "只受理湖南省 衡阳市辖区内的企业注册" in error.value.message and "以4304开头" in error.value.message
    assert error.value.violations[0].field == "region_code"


def test_both_shipped_units_files_load() -> None:
    for name in ("hunan.yaml", "hengyang.yaml"):
        load_units(UNITS / name)
