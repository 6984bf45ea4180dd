"""The enterprise profile the document states is the one registration accepts: the same
patterns, and formats checked with registration's own functions."""

from __future__ import annotations

import pytest
from jsonschema import Draft202012Validator

from gateway.formats import PROFILE_FIELDS, county_codes, is_county, is_uscc
from kernel.divisions import load_division_table
from kernel.uscc import make_uscc
from registration.rules.enterprises import EnterpriseProfile, profile_violations

USCC = make_uscc("9", "1", "100000", "G0000001")


def profile(**changes: str) -> EnterpriseProfile:
    values = {"uscc": USCC, "name": "衡阳精密制造有限公司", "region_code": "430405", "industry": "通用设备制造业",
              "park_id": "", "contact_person": "李四", "contact_mobile": "13800138000", "contact_email": "li@example.cn"}
    return EnterpriseProfile(**{**values, **changes})


def document_accepts(p: EnterpriseProfile) -> bool:
    """In Python's regex engine (the gateway) and Rust's (schemathesis's jsonschema_rs) alike."""
    import jsonschema_rs

    schema = {"type": "object", "properties": PROFILE_FIELDS, "required": list(PROFILE_FIELDS)}
    body = {"name": p.name, "region_code": p.region_code, "industry": p.industry, "park_id": p.park_id,
            "contact": {"person": p.contact_person, "mobile": p.contact_mobile, "email": p.contact_email}}
    python = Draft202012Validator(schema).is_valid(body)
    assert jsonschema_rs.Draft202012Validator(schema).is_valid(body) == python
    return python and is_county(p.region_code) and is_uscc(p.uscc)


@pytest.mark.parametrize("changes", [
    {}, {"name": "   "}, {"name": "a\x07b"}, {"name": "\u3000"}, {"name": "x" * 101}, {"industry": "y" * 51},
    {"park_id": " "}, {"park_id": "p\x1f"}, {"contact_person": ""}, {"contact_mobile": "12800138000"},
    {"contact_mobile": "1380013800"}, {"contact_email": "a@b"}, {"contact_email": "a b@c.d"},
    {"contact_email": "a@" + "b" * 96 + ".cn"}, {"region_code": "430400"}, {"region_code": "999999"},
    {"region_code": "43040"}, {"uscc": USCC[:17] + ("0" if USCC[17] != "0" else "1")}, {"uscc": USCC.lower()},
    {"contact_email": "a\x1f@b.cn"}, {"contact_email": "a\ufeff@b.cn"}, {"contact_email": "a\x85@b.cn"},
    {"contact_mobile": "1380013800\u0663"}, {"contact_mobile": "13800138000\n"}, {"name": "abc\n"},
    {"contact_email": "a@b.cn\n"}, {"park_id": "p\n"}, {"name": "\x85"}, {"name": "\ufeff"}, {"industry": "\u2028x"},
])
def test_the_document_and_registration_agree(changes: dict[str, str]) -> None:
    p = profile(**changes)
    registration = profile_violations(EnterpriseProfile(**{**p.__dict__, "uscc": p.uscc.upper()}),
                                      load_division_table())
    assert document_accepts(p) == (registration == []), registration


def test_every_county_code_is_accepted() -> None:
    codes = county_codes()
    assert len(codes) > 2000 and "430405" in codes and "430400" not in codes
