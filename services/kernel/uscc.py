"""统一社会信用代码 (unified social credit code, USCC) checks per GB 32100-2015.

Layout of the 18 characters:

    1      registration authority (登记管理部门代码)
    2      organisation type, valid per authority (机构类别代码)
    3-8    division code of the registering office (登记管理机关行政区划码, GB/T 2260)
    9-17   organisation code (主体标识码, GB 11714: 8 characters + its own check at 17)
    18     check character over 1-17 (GB 32100-2015, modulus 31)

Alphabet: 0-9 and A-H J-N P-R T-U W-Y (31 characters; no I, O, Z, S, V).

Authority and organisation-type table (``AUTHORITIES``). GB 32100-2015's text gives
1 机构编制, 5 民政 and 9 工商 as the examples and lets other registration departments
use further digits or letters. The full assignment below is the one published with
the national code rules and repeated in public descriptions of the code (the
standard's own table was not at hand when this was written; re-check against it).
All twelve authorities are accepted, not only 1/5/9/Y, because real organisations
outside those four hold codes (law firms 31..., trade unions 81..., collectives N...):

    1 机构编制   1 机关, 2 事业单位, 3 中央编办直接管理机构编制的群众团体, 9 其他
    2 外交       1 外国常驻新闻机构, 9 其他
    3 司法行政   1 律师执业机构, 2 公证处, 3 基层法律服务所, 4 司法鉴定机构,
                 5 仲裁委员会, 9 其他
    4 文化       1 外国在华文化中心, 9 其他
    5 民政       1 社会团体, 2 民办非企业单位, 3 基金会, 9 其他
    6 旅游       1 外国旅游部门常驻代表机构, 2 港澳台地区旅游部门常驻内地（大陆）代表机构,
                 9 其他
    7 宗教       1 宗教活动场所, 2 宗教院校, 9 其他
    8 工会       1 基层工会, 9 其他
    9 工商 (now 市场监管)  1 企业, 2 个体工商户, 3 农民专业合作社
    A 中央军委改革和编制办公室  1 军队事业单位, 9 其他
    N 农业       1 组级集体经济组织, 2 村级集体经济组织, 3 乡镇级集体经济组织, 9 其他
    Y 其他       1 (no further split)

Positions 3-8 are only checked for shape (6 digits, a real province prefix, or
100000 for national registration): codes keep the division of the office that issued
them even after that division is renamed or merged, so the current table cannot be
required.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

USCC_LENGTH = 18

# GB 32100-2015 table 1: the 31 code characters in value order (0..30).
ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_VALUES = {char: value for value, char in enumerate(ALPHABET)}
FORBIDDEN_LETTERS = "IOZSV"

# W_i = 3^(i-1) mod 31, as listed in GB 32100-2015 table 3.
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)

# GB 11714 organisation code: 8 body characters weighted, modulus 11.
ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)

# Positions 3-8: national registration uses 100000; otherwise a GB/T 2260 province.
NATIONAL_DIVISION = "100000"
PROVINCE_PREFIXES = frozenset({
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34",
    "35", "36", "37", "41", "42", "43", "44", "45", "46", "50", "51", "52",
    "53", "54", "61", "62", "63", "64", "65", "71", "81", "82",
})


@dataclass(frozen=True)
class Authority:
    """A registration authority (position 1) and its organisation types (position 2)."""

    code: str
    name: str
    org_types: dict[str, str]


AUTHORITIES: dict[str, Authority] = {
    a.code: a
    for a in (
        Authority("1", "机构编制", {
            "1": "机关", "2": "事业单位",
            "3": "中央编办直接管理机构编制的群众团体", "9": "其他",
        }),
        Authority("2", "外交", {"1": "外国常驻新闻机构", "9": "其他"}),
        Authority("3", "司法行政", {
            "1": "律师执业机构", "2": "公证处", "3": "基层法律服务所",
            "4": "司法鉴定机构", "5": "仲裁委员会", "9": "其他",
        }),
        Authority("4", "文化", {"1": "外国在华文化中心", "9": "其他"}),
        Authority("5", "民政", {
            "1": "社会团体", "2": "民办非企业单位", "3": "基金会", "9": "其他",
        }),
        Authority("6", "旅游", {
            "1": "外国旅游部门常驻代表机构",
            "2": "港澳台地区旅游部门常驻内地（大陆）代表机构", "9": "其他",
        }),
        Authority("7", "宗教", {"1": "宗教活动场所", "2": "宗教院校", "9": "其他"}),
        Authority("8", "工会", {"1": "基层工会", "9": "其他"}),
        Authority("9", "工商/市场监管", {
            "1": "企业", "2": "个体工商户", "3": "农民专业合作社",
        }),
        Authority("A", "中央军委改革和编制办公室", {"1": "军队事业单位", "9": "其他"}),
        Authority("N", "农业", {
            "1": "组级集体经济组织", "2": "村级集体经济组织",
            "3": "乡镇级集体经济组织", "9": "其他",
        }),
        Authority("Y", "其他", {"1": "其他"}),
    )
}


@dataclass(frozen=True)
class UsccError:
    """One problem with a USCC: a stable ``code`` and a Chinese message for enterprises."""

    code: str
    message: str
    positions: tuple[int, ...] = ()  # 1-based positions concerned, if any


# --- check characters -------------------------------------------------------------


def org_code_check_char(body8: str) -> str:
    """GB 11714 check character of an 8-character organisation code body."""
    if len(body8) != 8 or not all(_is_org_char(c) for c in body8):
        raise ValueError(f"organisation code body must be 8 of 0-9/A-Z, got {body8!r}")
    total = sum(_org_value(c) * w for c, w in zip(body8, ORG_CODE_WEIGHTS, strict=True))
    check = 11 - total % 11
    if check == 10:
        return "X"
    return "0" if check == 11 else str(check)


def uscc_check_char(first17: str) -> str:
    """GB 32100-2015 check character (position 18) for the first 17 characters."""
    if len(first17) != USCC_LENGTH - 1 or not all(c in _VALUES for c in first17):
        raise ValueError(f"need 17 characters of the USCC alphabet, got {first17!r}")
    total = sum(_VALUES[c] * w for c, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]  # 31 -> '0'


def make_uscc(authority: str, org_type: str, division: str, org_body8: str) -> str:
    """Build a USCC with both check characters computed (for tests and demo data)."""
    registered = AUTHORITIES.get(authority)
    if registered is None:
        raise ValueError(f"unknown registration authority {authority!r}")
    if org_type not in registered.org_types:
        raise ValueError(f"organisation type {org_type!r} not valid for {authority!r}")
    if not _division_looks_valid(division):
        raise ValueError(f"division {division!r} is not a 6-digit division code")
    if not all(c in _VALUES for c in org_body8):
        raise ValueError(f"organisation code body {org_body8!r} uses forbidden characters")
    first17 = authority + org_type + division + org_body8 + org_code_check_char(org_body8)
    return first17 + uscc_check_char(first17)


# --- validation -------------------------------------------------------------------


def validate_uscc(value: str) -> list[UsccError]:
    """Every problem found in ``value``; an empty list means the code is valid.

    Nothing is normalised: lowercase letters and spaces are reported, not fixed. The
    remaining checks run on the upper-cased text so one typo does not hide another.
    """
    if value == "":
        return [UsccError("uscc.empty", "请填写统一社会信用代码（18位数字或大写字母）")]
    # ASCII only: str.upper() can change the length ('ß' -> 'SS') and shift positions.
    upper = "".join(c.upper() if "a" <= c <= "z" else c for c in value)
    errors = _check_length(value)
    errors += _check_characters(value)
    errors += _check_authority(upper)
    errors += _check_division(upper)
    if len(upper) == USCC_LENGTH and all(c in _VALUES for c in upper):
        errors += _check_org_code(upper)
        errors += _check_check_char(upper)
    return errors


def is_valid_uscc(value: str) -> bool:
    return not validate_uscc(value)


def _check_length(value: str) -> list[UsccError]:
    if len(value) == USCC_LENGTH:
        return []
    return [UsccError(
        "uscc.length",
        f"统一社会信用代码应为18位，当前为{len(value)}位",
    )]


def _check_characters(value: str) -> list[UsccError]:
    lowercase: list[int] = []
    forbidden: list[int] = []
    invalid: list[int] = []
    for position, char in enumerate(value, start=1):
        is_lower = "a" <= char <= "z"
        if is_lower:
            lowercase.append(position)
        # A lowercase i/o/z/s/v is both lowercase and forbidden.
        if char.isascii() and char.upper() in FORBIDDEN_LETTERS:
            forbidden.append(position)
        elif not is_lower and char not in _VALUES:
            invalid.append(position)
    errors: list[UsccError] = []
    if lowercase:
        errors.append(UsccError(
            "uscc.lowercase",
            f"统一社会信用代码中的字母应为大写，{_describe(value, lowercase)}是小写字母，"
            "请使用大写字母",
            tuple(lowercase),
        ))
    if forbidden:
        errors.append(UsccError(
            "uscc.forbidden_char",
            f"统一社会信用代码不使用字母 I、O、Z、S、V，{_describe(value, forbidden)}"
            "不是有效字符，请核对（常见的是把数字0、1、2、5写成了字母）",
            tuple(forbidden),
        ))
    if invalid:
        errors.append(UsccError(
            "uscc.invalid_char",
            f"{_describe(value, invalid)}不是有效字符，统一社会信用代码只能由数字0-9和"
            "大写字母（不含I、O、Z、S、V）组成，请使用半角字符且不要包含空格或符号",
            tuple(invalid),
        ))
    return errors


def _check_authority(upper: str) -> list[UsccError]:
    authority = AUTHORITIES.get(upper[0])
    if authority is None:
        accepted = "、".join(f"{a.code}（{a.name}）" for a in AUTHORITIES.values())
        return [UsccError(
            "uscc.authority",
            f"统一社会信用代码第1位（登记管理部门代码）{_show(upper[0])}无效，"
            f"应为以下之一：{accepted}；企业为9",
            (1,),
        )]
    if len(upper) < 2 or upper[1] in authority.org_types:
        return []
    accepted = "、".join(f"{code}（{name}）" for code, name in authority.org_types.items())
    return [UsccError(
        "uscc.org_type",
        f"统一社会信用代码第2位（机构类别代码）{_show(upper[1])}与第1位登记管理部门"
        f"“{authority.code}”（{authority.name}）不匹配，应为以下之一：{accepted}",
        (2,),
    )]


def _check_division(upper: str) -> list[UsccError]:
    if len(upper) < 8:
        return []  # too short to tell; the length error says enough
    division = upper[2:8]
    if _division_looks_valid(division):
        return []
    return [UsccError(
        "uscc.division",
        f"统一社会信用代码第3-8位（登记管理机关行政区划码）“{division}”无效，"
        "应为6位数字的行政区划代码，例如 430400",
        tuple(range(3, 9)),
    )]


def _check_org_code(upper: str) -> list[UsccError]:
    # Letters outside 0-9/A-Z cannot occur here: the caller checked the alphabet.
    if org_code_check_char(upper[8:16]) == upper[16]:
        return []
    return [UsccError(
        "uscc.org_code_check",
        "统一社会信用代码第9-17位（组织机构代码）校验不通过，"
        "请对照营业执照核对第9-17位是否有录入错误",
        tuple(range(9, 18)),
    )]


def _check_check_char(upper: str) -> list[UsccError]:
    if uscc_check_char(upper[:17]) == upper[17]:
        return []
    return [UsccError(
        "uscc.check_char",
        "统一社会信用代码第18位校验码不正确，请对照营业执照核对18位代码是否有录入错误",
        (18,),
    )]


# --- helpers ----------------------------------------------------------------------


def _division_looks_valid(division: str) -> bool:
    if len(division) != 6 or not all("0" <= c <= "9" for c in division):
        return False
    return division == NATIONAL_DIVISION or division[:2] in PROVINCE_PREFIXES


def _is_org_char(char: str) -> bool:
    return "0" <= char <= "9" or "A" <= char <= "Z"


def _org_value(char: str) -> int:
    # GB 11714 values: digits as such, letters A=10 ... Z=35 (full Latin alphabet).
    return int(char) if char.isdigit() else ord(char) - ord("A") + 10


def _describe(value: str, positions: list[int]) -> str:
    """'第3位“a”、第5位“空格”' for the given 1-based positions."""
    return "、".join(f"第{p}位{_show(value[p - 1])}" for p in positions)


def _show(char: str) -> str:
    if char.isspace():
        return "（空格）"
    if unicodedata.east_asian_width(char) in {"F", "W"}:
        return f"“{char}”（全角字符）"
    return f"“{char}”"
