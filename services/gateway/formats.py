"""The enterprise profile as the OpenAPI document states it, from the shared kernel's rules (the ones
registration applies), so what the document allows is what registration accepts:

- format ``uscc``: a 统一社会信用代码 valid under GB 32100-2015, both check characters
  included (``kernel.uscc.validate_uscc``, ``is_uscc`` here);
- format ``gb2260-county``: a current county-level GB/T 2260 code of the shipped division
  table (``DivisionTable.validate_region_code``, ``is_county`` here);
- the mobile and e-mail patterns of ``kernel.contacts``; the text lengths of ``registration.rules.enterprises``.

Registration checks the formats itself (its answers keep their own codes, e.g.
``uscc.check_char``, ``division.unknown``); the gateway validates only the rest of the schema.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from kernel.contacts import EMAIL, MOBILE
from kernel.divisions import DivisionTable, load_division_table
from kernel.patterns import END, WHITESPACE
from kernel.uscc import validate_uscc


@lru_cache(maxsize=1)
def divisions() -> DivisionTable:
    return load_division_table()


def is_uscc(value: object) -> bool:
    """As the gateway passes it on: ASCII lowercase letters read as uppercase."""
    return not isinstance(value, str) or not validate_uscc("".join(c.upper() if "a" <= c <= "z" else c for c in value))


def is_county(value: object) -> bool:
    return not isinstance(value, str) or not divisions().validate_region_code(value)


def county_codes() -> list[str]:
    """Every code ``gb2260-county`` accepts (for generated clients and tests)."""
    table = divisions()
    return [d.code for d in table if not table.validate_region_code(d.code)]


# text that must not be blank (after Python's str.strip) nor hold control characters, and text that may be blank
_CONTROL = "\\x00-\\x1f\\x7f"
NON_BLANK = f"^[^{_CONTROL}]*[^{WHITESPACE}{_CONTROL}][^{_CONTROL}]*{END}"
NO_CONTROL = f"^[^{_CONTROL}]*{END}"


def non_blank(max_length: int, accepted: str) -> dict[str, Any]:
    return {"type": "string", "minLength": 1, "maxLength": max_length, "pattern": NON_BLANK,
            "x-message": f"{accepted}：不能为空白，不能含控制字符，最多{max_length}个字符"}


def optional_text(max_length: int) -> dict[str, Any]:
    return {"type": "string", "maxLength": max_length, "pattern": NO_CONTROL,
            "x-message": f"不能含控制字符，最多{max_length}个字符"}


# x-personal: a refusal never echoes the value (PIPL; it would reach logs and spans)
MOBILE_SCHEMA: dict[str, Any] = {"type": "string", "maxLength": 11, "pattern": MOBILE.pattern, "x-personal": True,
                                 "x-message": "11位中国大陆手机号，例如 13800138000"}
EMAIL_SCHEMA: dict[str, Any] = {"type": "string", "maxLength": 100, "pattern": EMAIL.pattern, "x-personal": True,
                                "x-message": "形如 name@example.com 的电子邮箱，最多100个字符"}
REGION_SCHEMA: dict[str, Any] = {
    "type": "string", "format": "gb2260-county",
    "description": "a current county-level GB/T 2260 code (deploy/divisions/gbt2260.csv; GET /api/v1/divisions lists "
                   "them); it must lie within the city (or province) whose registration office issued the USCC "
                   "(positions 3-8 of the USCC), unless that office is national (100000)",
    "x-message": "所属地区为现行县级行政区划代码（GB/T 2260），如 430405",
}

# an enterprise's profile as registration.rules.enterprises.profile_violations accepts it
PROFILE_FIELDS: dict[str, Any] = {
    "name": non_blank(100, "企业名称"),
    "region_code": REGION_SCHEMA,
    "industry": non_blank(50, "所属行业"),
    "park_id": optional_text(64),
    "contact": {"type": "object", "additionalProperties": False, "required": ["person", "mobile", "email"],
                "properties": {"person": non_blank(30, "联系人"), "mobile": MOBILE_SCHEMA, "email": EMAIL_SCHEMA}},
}

