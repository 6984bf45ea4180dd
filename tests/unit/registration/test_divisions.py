"""The shipped GB/T 2260 table and the division lookups and checks built on it."""

from __future__ import annotations

from pathlib import Path

import pytest

from kernel.divisions import (
    ENV_VAR,
    Division,
    DivisionTable,
    default_table_path,
    load_division_table,
    read_divisions_csv,
)

HUNAN_CITIES = [
    ("430100", "长沙市"),
    ("430200", "株洲市"),
    ("430300", "湘潭市"),
    ("430400", "衡阳市"),
    ("430500", "邵阳市"),
    ("430600", "岳阳市"),
    ("430700", "常德市"),
    ("430800", "张家界市"),
    ("430900", "益阳市"),
    ("431000", "郴州市"),
    ("431100", "永州市"),
    ("431200", "怀化市"),
    ("431300", "娄底市"),
    ("433100", "湘西土家族苗族自治州"),
]

HENGYANG_COUNTIES = [
    ("430405", "珠晖区"),
    ("430406", "雁峰区"),
    ("430407", "石鼓区"),
    ("430408", "蒸湘区"),
    ("430412", "南岳区"),
    ("430421", "衡阳县"),
    ("430422", "衡南县"),
    ("430423", "衡山县"),
    ("430424", "衡东县"),
    ("430426", "祁东县"),
    ("430481", "耒阳市"),
    ("430482", "常宁市"),
]


@pytest.fixture(scope="module")
def table() -> DivisionTable:
    return load_division_table()


def test_default_path_is_the_shipped_table() -> None:
    path = default_table_path()
    assert path.parts[-3:] == ("deploy", "divisions", "gbt2260.csv")
    assert path.is_file()


def test_env_var_overrides_the_path(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    small = tmp_path / "small.csv"
    small.write_text(
        "code,name,level,parent_code\n"
        "430000,湖南省,province,\n"
        "430400,衡阳市,city,430000\n"
        "430481,耒阳市,county,430400\n",
        encoding="utf-8",
    )
    monkeypatch.setenv(ENV_VAR, str(small))
    assert default_table_path() == small
    loaded = load_division_table()
    assert len(loaded) == 3
    assert loaded.name_path("430481") == "湖南省 衡阳市 耒阳市"


def test_whole_country_is_covered(table: DivisionTable) -> None:
    by_level: dict[str, int] = {}
    for division in table:
        if division.current:
            by_level[division.level] = by_level.get(division.level, 0) + 1
    assert by_level["province"] == 34
    assert by_level["city"] == 333
    assert by_level["county"] > 2800


def test_all_hunan_cities_present(table: DivisionTable) -> None:
    children = table.children("430000")
    assert [(d.code, d.name) for d in children] == HUNAN_CITIES
    assert all(d.level == "city" and d.current for d in children)


@pytest.mark.parametrize(("code", "name"), HUNAN_CITIES)
def test_hunan_city(table: DivisionTable, code: str, name: str) -> None:
    assert table.get(code) == Division(code, name, "city", "430000")
    assert table.is_known(code)


def test_hunan_has_122_current_counties(table: DivisionTable) -> None:
    counties = [
        d for city, _ in HUNAN_CITIES for d in table.children(city)
    ]
    assert len(counties) == 122
    assert all(d.level == "county" for d in counties)


def test_hengyang_counties(table: DivisionTable) -> None:
    assert [(d.code, d.name) for d in table.children("430400")] == HENGYANG_COUNTIES


@pytest.mark.parametrize(
    ("code", "path"),
    [
        ("430481", "湖南省 衡阳市 耒阳市"),
        ("430482", "湖南省 衡阳市 常宁市"),
        ("430412", "湖南省 衡阳市 南岳区"),
        ("433101", "湖南省 湘西土家族苗族自治州 吉首市"),
        ("430582", "湖南省 邵阳市 邵东市"),
        ("430400", "湖南省 衡阳市"),
        ("430000", "湖南省"),
        ("110105", "北京市 朝阳区"),
        ("429004", "湖北省 仙桃市"),
    ],
)
def test_name_path(table: DivisionTable, code: str, path: str) -> None:
    assert table.name_path(code) == path


def test_parent_chain_goes_county_city_province(table: DivisionTable) -> None:
    chain = table.parent_chain("430481")
    assert [(d.code, d.level) for d in chain] == [
        ("430481", "county"),
        ("430400", "city"),
        ("430000", "province"),
    ]


def test_county_directly_under_province(table: DivisionTable) -> None:
    assert [d.code for d in table.parent_chain("429004")] == ["429004", "420000"]


def test_xiangxi_prefecture(table: DivisionTable) -> None:
    xiangxi = table.get("433100")
    assert xiangxi is not None
    assert xiangxi.name == "湘西土家族苗族自治州"
    assert len(table.children("433100")) == 8


def test_shaodong_became_a_city_in_2019(table: DivisionTable) -> None:
    assert table.get("430582") == Division("430582", "邵东市", "county", "430500")
    assert table.get("430521") is None


def test_qiyang_2020_code_kept_as_historical(table: DivisionTable) -> None:
    old = table.get("431121")
    assert old == Division("431121", "祁阳县", "county", "431100", current=False)
    assert not table.is_known("431121")
    assert table.is_known("431121", include_historical=True)
    assert table.is_known("431181")
    assert "431121" not in [d.code for d in table.children("431100")]
    assert "431121" in [
        d.code for d in table.children("431100", include_historical=True)
    ]
    assert table.name_path("431121") == "湖南省 永州市 祁阳县"


def test_unknown_code_lookups(table: DivisionTable) -> None:
    assert table.get("430499") is None
    assert not table.is_known("430499")
    for call in (table.name_path, table.parent_chain, table.children):
        with pytest.raises(KeyError):
            call("430499")


def test_unknown_code_message(table: DivisionTable) -> None:
    errors = table.validate_region_code("430499")
    assert [e.code for e in errors] == ["division.unknown"]
    assert errors[0].message == (
        "所属地区代码 430499 不在行政区划表中，请填写6位县级行政区划代码，例如 430482"
    )


@pytest.mark.parametrize("code", ["430481", "430482", "430412", "433101", "441900"])
def test_valid_region_codes(table: DivisionTable, code: str) -> None:
    # 441900 东莞市 has no counties, so it stands at county level too.
    assert table.validate_region_code(code) == []


@pytest.mark.parametrize(
    ("code", "error", "fragment"),
    [
        ("43048", "division.format", "应为6位数字"),
        ("4304８1", "division.format", "应为6位数字"),
        ("999999", "division.unknown", "例如 433130"),
        ("430400", "division.level", "是衡阳市（市级）的代码"),
        ("430000", "division.level", "是湖南省（省级）的代码"),
        ("431121", "division.historical", "431121（祁阳县）已不是现行行政区划代码"),
    ],
)
def test_bad_region_codes(table: DivisionTable, code: str, error: str,
                          fragment: str) -> None:
    errors = table.validate_region_code(code)
    assert [e.code for e in errors] == [error]
    assert fragment in errors[0].message


def test_a_city_code_names_the_county_codes_accepted_under_it(table: DivisionTable) -> None:
    """The USCC carries the registering authority's (often the city's) code; the region must be a county's."""
    message = table.validate_region_code("430100")[0].message
    assert "长沙市下可填写：430102 芙蓉区、430103 天心区、430104 岳麓区、430105 开福区、430111 雨花区等" in message
    assert "统一社会信用代码第3-8位" in message and "deploy/divisions/gbt2260.csv" in message and "以 4301 开头" in message
    counties = table.accepted_below("430100")
    assert counties and all(d.code.startswith("4301") and d.current for d in counties)
    assert f"等{len(counties)}个" in message


def test_historical_code_suggests_its_successor(table: DivisionTable) -> None:
    message = table.validate_region_code("431121")[0].message
    assert message.endswith("例如 431181")


def test_historical_code_allowed_on_request(table: DivisionTable) -> None:
    assert table.validate_region_code("431121", allow_historical=True) == []


def test_review_unit_levels(table: DivisionTable) -> None:
    levels = ("county", "city", "province")
    for code in ("430000", "430400", "430482"):
        assert table.validate_region_code(code, levels=levels) == []
    errors = table.validate_region_code("430481", levels=("city",))
    assert "请填写6位市级行政区划代码，例如 430400" in errors[0].message


def test_malformed_table_is_rejected(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("code,name,level,parent_code\n43000,湖南省,province,\n", encoding="utf-8")
    with pytest.raises(ValueError, match="bad code"):
        read_divisions_csv(bad)
    orphan = tmp_path / "orphan.csv"
    orphan.write_text("code,name,level,parent_code\n430400,衡阳市,city,430000\n",
                      encoding="utf-8")
    with pytest.raises(ValueError, match="unknown parent"):
        DivisionTable.from_csv(orphan)
