"""USCC validation (GB 32100-2015 check character, GB 11714 organisation code check)."""

from __future__ import annotations

import pytest

from kernel.uscc import (
    ALPHABET,
    AUTHORITIES,
    UsccError,
    is_valid_uscc,
    make_uscc,
    org_code_check_char,
    uscc_check_char,
    validate_uscc,
)

# Codes published in public material; each passes both the position-17 organisation
# code check and the position-18 check (python-stdnum 2.2 agrees on position 18).
REAL_USCCS = [
    "91350100M000100Y43",  # worked example in GB 32100-2015 (M000100Y4 + check 3)
    "91110000600037341L",  # python-stdnum's cn.uscc doctest example
    "914403001922038216",  # 华为技术有限公司
    "91440300708461136T",  # 深圳市腾讯计算机系统有限公司
    "9144030071526726XG",  # 腾讯科技（深圳）有限公司 (organisation check char X)
    "91330100799655058B",  # 阿里巴巴（中国）网络技术有限公司
    "91110108551385082Q",  # 小米科技有限责任公司
    "91430100MA4LKN0Y3R",  # 湖南有神软件科技有限公司 (MA-series body, Changsha)
]


def codes(errors: list[UsccError]) -> list[str]:
    return [error.code for error in errors]


def replace_at(value: str, position: int, char: str) -> str:
    """Replace the character at 1-based ``position``."""
    return value[: position - 1] + char + value[position:]


@pytest.mark.parametrize("value", REAL_USCCS)
def test_real_published_codes_are_valid(value: str) -> None:
    assert validate_uscc(value) == []
    assert is_valid_uscc(value)


@pytest.mark.parametrize(
    ("authority", "org_type", "division", "body"),
    [
        ("9", "1", "430400", "MA4L0001"),  # enterprise, 衡阳市
        ("9", "1", "430482", "MA4PX7Y3"),  # enterprise, 常宁市
        ("9", "2", "433101", "L1234567"),  # 个体工商户, 吉首市
        ("9", "3", "430000", "00000000"),  # 农民专业合作社, provincial office
        ("9", "1", "100000", "10001234"),  # national registration
        ("5", "1", "430100", "50123456"),  # 社会团体
        ("1", "2", "431121", "44000001"),  # 事业单位, old 祁阳县 code still in use
        ("Y", "1", "110000", "Y0000001"),
    ],
)
def test_generated_codes_are_valid(authority: str, org_type: str, division: str,
                                   body: str) -> None:
    value = make_uscc(authority, org_type, division, body)
    assert len(value) == 18
    assert value[:8] == authority + org_type + division
    assert validate_uscc(value) == []


def test_standard_worked_example_check_char() -> None:
    # GB 32100-2015: sum 1640, 1640 mod 31 = 28, 31 - 28 = 3.
    assert uscc_check_char("91350100M000100Y4") == "3"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("M000100Y", "4"),
        ("19220382", "1"),
        ("71526726", "X"),  # 11 - sum mod 11 == 10
        ("60003734", "1"),
    ],
)
def test_org_code_check_char(body: str, expected: str) -> None:
    assert org_code_check_char(body) == expected


def test_check_char_31_maps_to_zero() -> None:
    # Find a prefix whose weighted sum is a multiple of 31: C18 is then '0'.
    first17 = next(
        p for p in (make_uscc("9", "1", "430400", f"MA4L{n:04d}")[:17] for n in range(2000))
        if uscc_check_char(p) == "0"
    )
    assert validate_uscc(first17 + "0") == []


def test_check_char_rejects_bad_input() -> None:
    with pytest.raises(ValueError):
        uscc_check_char("9135010")
    with pytest.raises(ValueError):
        uscc_check_char("91350100O000100Y4")


@pytest.mark.parametrize("value", REAL_USCCS)
def test_wrong_check_character(value: str) -> None:
    wrong = next(c for c in ALPHABET if c != value[17])
    errors = validate_uscc(replace_at(value, 18, wrong))
    assert codes(errors) == ["uscc.check_char"]
    assert "第18位校验码不正确" in errors[0].message


def test_wrong_org_code_check_character() -> None:
    value = "91430100MA4LKN0Y3R"
    errors = validate_uscc(replace_at(value, 17, "4"))
    # Position 17 also feeds position 18, so both checks fail.
    assert codes(errors) == ["uscc.org_code_check", "uscc.check_char"]
    assert "第9-17位" in errors[0].message


def test_org_code_check_enforced_even_when_position_18_matches() -> None:
    first17 = replace_at("91430100MA4LKN0Y3", 17, "5")
    value = first17 + uscc_check_char(first17)
    assert codes(validate_uscc(value)) == ["uscc.org_code_check"]


@pytest.mark.parametrize(
    ("value", "length"),
    [
        ("91350100M000100Y4", 17),
        ("91350100M000100Y433", 19),
        ("9", 1),
    ],
)
def test_wrong_length(value: str, length: int) -> None:
    errors = validate_uscc(value)
    assert "uscc.length" in codes(errors)
    message = next(e.message for e in errors if e.code == "uscc.length")
    assert message == f"统一社会信用代码应为18位，当前为{length}位"


def test_empty() -> None:
    assert codes(validate_uscc("")) == ["uscc.empty"]


def test_lowercase_is_an_error_not_fixed() -> None:
    errors = validate_uscc("91350100m000100y43")
    # Upper-cased it would be valid: only the case is reported.
    assert codes(errors) == ["uscc.lowercase"]
    assert errors[0].positions == (9, 16)
    assert "请使用大写字母" in errors[0].message
    assert "第9位“m”" in errors[0].message


@pytest.mark.parametrize("letter", list("IOZSV"))
@pytest.mark.parametrize("position", [9, 12, 18])
def test_forbidden_letters(letter: str, position: int) -> None:
    value = replace_at("91430100MA4LKN0Y3R", position, letter)
    errors = validate_uscc(value)
    assert "uscc.forbidden_char" in codes(errors)
    error = next(e for e in errors if e.code == "uscc.forbidden_char")
    assert error.positions == (position,)
    assert f"第{position}位“{letter}”" in error.message
    assert "I、O、Z、S、V" in error.message


@pytest.mark.parametrize("letter", list("iozsv"))
def test_forbidden_lowercase_letter_is_both_errors(letter: str) -> None:
    errors = validate_uscc(replace_at("91430100MA4LKN0Y3R", 12, letter))
    assert codes(errors)[:2] == ["uscc.lowercase", "uscc.forbidden_char"]


@pytest.mark.parametrize(
    ("char", "shown"),
    [(" ", "（空格）"), ("-", "“-”"), ("３", "（全角字符）"), ("号", "“号”"), ("ß", "“ß”")],
)
def test_other_invalid_characters(char: str, shown: str) -> None:
    errors = validate_uscc(replace_at("91430100MA4LKN0Y3R", 11, char))
    assert "uscc.invalid_char" in codes(errors)
    error = next(e for e in errors if e.code == "uscc.invalid_char")
    assert shown in error.message


@pytest.mark.parametrize("authority", ["0", "B", "C", "X", "W"])
def test_bad_authority(authority: str) -> None:
    first17 = authority + "1430100MA4LKN0Y3"
    errors = validate_uscc(first17 + uscc_check_char(first17))
    assert codes(errors) == ["uscc.authority"]
    assert "第1位（登记管理部门代码）" in errors[0].message
    assert "企业为9" in errors[0].message


@pytest.mark.parametrize(
    ("authority", "org_type"),
    [("9", "4"), ("9", "9"), ("9", "A"), ("5", "4"), ("1", "5"), ("Y", "2")],
)
def test_bad_org_type(authority: str, org_type: str) -> None:
    first17 = authority + org_type + "430100MA4LKN0Y3"
    errors = validate_uscc(first17 + uscc_check_char(first17))
    assert codes(errors) == ["uscc.org_type"]
    assert "第2位（机构类别代码）" in errors[0].message


def test_org_type_message_lists_the_accepted_types() -> None:
    errors = validate_uscc(make_uscc("9", "1", "430400", "MA4L0001").replace("91", "94", 1))
    text = next(e.message for e in errors if e.code == "uscc.org_type")
    assert "1（企业）、2（个体工商户）、3（农民专业合作社）" in text


@pytest.mark.parametrize("authority", sorted(AUTHORITIES))
def test_every_listed_authority_and_type_is_accepted(authority: str) -> None:
    for org_type in AUTHORITIES[authority].org_types:
        assert validate_uscc(make_uscc(authority, org_type, "430400", "12345678")) == []


@pytest.mark.parametrize("division", ["000000", "990000", "4304A0", "730400"])
def test_bad_division(division: str) -> None:
    first17 = "91" + division + "MA4LKN0Y3"
    errors = validate_uscc(first17 + uscc_check_char(first17))
    assert codes(errors) == ["uscc.division"]
    assert "第3-8位" in errors[0].message


def test_old_division_codes_are_accepted() -> None:
    # 430521 邵东县 was replaced in 2019; codes issued before keep it.
    assert validate_uscc(make_uscc("9", "1", "430521", "MA4L0001")) == []


def test_every_error_is_reported_at_once() -> None:
    value = "b4990000mA4LKNOY3"  # 17 chars, lowercase, bad authority, bad division, O
    assert codes(validate_uscc(value)) == [
        "uscc.length",
        "uscc.lowercase",
        "uscc.forbidden_char",
        "uscc.authority",
        "uscc.division",
    ]


def test_every_error_is_reported_at_once_with_18_chars() -> None:
    value = "94990000MA4LKN0Y4A"  # bad type, bad division, both checks wrong
    assert codes(validate_uscc(value)) == [
        "uscc.org_type",
        "uscc.division",
        "uscc.org_code_check",
        "uscc.check_char",
    ]


def test_errors_are_frozen() -> None:
    error = validate_uscc("1")[0]
    with pytest.raises(AttributeError):
        error.code = "x"  # type: ignore[misc]


@pytest.mark.parametrize(
    "args",
    [
        ("B", "1", "430400", "MA4L0001"),
        ("9", "4", "430400", "MA4L0001"),
        ("9", "1", "43040", "MA4L0001"),
        ("9", "1", "430400", "MA4L000O"),
        ("9", "1", "430400", "MA4L001"),
    ],
)
def test_make_uscc_rejects_bad_parts(args: tuple[str, str, str, str]) -> None:
    with pytest.raises(ValueError):
        make_uscc(*args)
