"""registration.rules.enterprises: a valid enterprise profile; every problem named at once."""

from __future__ import annotations

from dataclasses import replace

import pytest

from kernel.divisions import load_division_table
from kernel.uscc import make_uscc
from registration.rules.enterprises import EnterpriseProfile, check_profile, duplicate_uscc, profile_violations
from zjtx.errors import DomainError

DIVISIONS = load_division_table(None)
GOOD = EnterpriseProfile(
    uscc=make_uscc("9", "1", "430400", "MA4L0001"), name="衡阳珠晖精密机械有限公司", region_code="430405",
    industry="专用设备制造业", park_id="", contact_person="李明", contact_mobile="13800138000",
    contact_email="liming@example.cn")


def fields(profile: EnterpriseProfile) -> dict[str, str]:
    return {v.field: v.code for v in profile_violations(profile, DIVISIONS)}


def test_a_complete_profile_passes() -> None:
    assert profile_violations(GOOD, DIVISIONS) == []
    check_profile(GOOD, DIVISIONS)


def test_every_problem_is_reported_at_once_by_field() -> None:
    bad = replace(GOOD, uscc="91430400MA4L00010X", name=" ", region_code="999999", industry="",
                  contact_person="", contact_mobile="12345", contact_email="not-an-address")
    found = fields(bad)
    assert set(found) == {"uscc", "name", "region_code", "industry", "contact.person", "contact.mobile",
                          "contact.email"}
    assert (found["name"], found["contact.mobile"], found["contact.email"]) == ("required", "mobile", "email")
    with pytest.raises(DomainError) as error:
        check_profile(bad, DIVISIONS)
    # the USCC fails twice (organisation-code check and check character): 8 problems in 7 fields
    assert error.value.code == "enterprise.invalid" and error.value.message == "企业信息有8处需要修改"
    assert [v.code for v in error.value.violations if v.field == "uscc"] == ["uscc.org_code_check", "uscc.check_char"]


@pytest.mark.parametrize("change, field, code", [
    ({"name": "长" * 101}, "name", "too_long"),
    ({"name": "衡阳\x07精密"}, "name", "control_char"),
    ({"industry": "行" * 51}, "industry", "too_long"),
    ({"park_id": "p" * 65}, "park_id", "too_long"),
    ({"contact_person": "人" * 31}, "contact.person", "too_long"),
    ({"contact_email": "a" * 95 + "@b.com"}, "contact.email", "email"),
])
def test_limits_and_control_characters(change: dict, field: str, code: str) -> None:
    assert fields(replace(GOOD, **change)) == {field: code}


def test_the_park_is_optional() -> None:
    assert fields(replace(GOOD, park_id="hengyang-hi-tech")) == {}


def test_messages_say_what_is_accepted_and_never_echo_a_personal_value() -> None:
    # a rejected mobile or e-mail would reach the log and the span's exception event (PIPL)
    [mobile] = profile_violations(replace(GOOD, contact_mobile="0734-8123456"), DIVISIONS)
    assert "0734-8123456" not in mobile.message and "11位中国大陆手机号" in mobile.message
    [email] = profile_violations(replace(GOOD, contact_email="li.si@example"), DIVISIONS)
    assert "li.si" not in email.message and "name@example.com" in email.message
    too_long = profile_violations(replace(GOOD, name="长" * 101), DIVISIONS)[0]
    assert too_long.message == "企业名称最多100个字符，当前101个"


def test_a_duplicate_uscc_is_already_exists_and_names_it() -> None:
    error = duplicate_uscc(GOOD.uscc)
    assert (error.code, error.kind) == ("enterprise.uscc_registered", "already_exists")
    assert GOOD.uscc in error.message
