"""Enterprise registration rules: what a valid enterprise profile is.

Plain Python; every problem is reported at once, named by field, in Chinese.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from registration.rules.divisions import DivisionTable
from registration.rules.uscc import validate_uscc
from registration.rules.values import echo
from zjtx.errors import DomainError, Violation, invalid
from zjtx.patterns import END, WHITESPACE

# published in the gateway's OpenAPI document as they are: engine-independent spellings (zjtx/patterns.py)
MOBILE = re.compile(f"^1[3-9][0-9]{{9}}{END}")
EMAIL = re.compile(f"^[^@{WHITESPACE}]+@[^@{WHITESPACE}]+\\.[^@{WHITESPACE}]+{END}")
CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class EnterpriseProfile:
    uscc: str
    name: str
    region_code: str
    industry: str
    park_id: str
    contact_person: str
    contact_mobile: str
    contact_email: str


def _text(field: str, label: str, value: str, maximum: int, required: bool = True) -> list[Violation]:
    if not value.strip():
        return [Violation(field, "required", f"{label}不能为空")] if required else []
    if len(value) > maximum:
        return [Violation(field, "too_long", f"{label}最多{maximum}个字符，当前{len(value)}个")]
    if CONTROL.search(value):
        return [Violation(field, "control_char", f"{label}不能包含控制字符")]
    return []


def uscc_violations(uscc: str) -> list[Violation]:
    """The USCC's problems (GB 32100-2015), as at sign-up; the gateway's public check runs this same function."""
    return [Violation("uscc", e.code, e.message) for e in validate_uscc(uscc)]


def uscc_area(uscc: str, divisions: DivisionTable) -> tuple[str, str] | None:
    """(code prefix, name) of the city named by positions 3-8 of a USCC, or of its province when the
    registering office is a province's or not a city's (省直辖县, a code since replaced); None for national
    registration (100000) or a code too malformed to tell."""
    code = "".join(c.upper() if "a" <= c <= "z" else c for c in uscc)[2:8]
    if len(code) != 6 or not code.isascii() or not code.isdigit() or code == "100000":
        return None
    city = divisions.get(code[:4] + "00")
    if city is not None and city.level == "city":
        return code[:4], divisions.name_path(city.code)
    province = divisions.get(code[:2] + "0000")
    if province is not None and province.level == "province":
        return code[:2], province.name
    return None


def region_violations(region_code: str, uscc: str, divisions: DivisionTable) -> list[Violation]:
    """The region's problems: a current county-level GB/T 2260 code, within the city (or, failing that, the
    province) whose registration office issued the USCC. Also run by the gateway's public check."""
    problems = [Violation("region_code", e.code, e.message) for e in divisions.validate_region_code(region_code)]
    area = uscc_area(uscc, divisions)
    if problems or area is None or region_code.startswith(area[0]):
        return problems
    return [Violation("region_code", "region.outside_uscc_area",
                      f"所属地区 {region_code}（{divisions.name_path(region_code)}）不在统一社会信用代码第3-8位所示登记机关"
                      f"所在的{area[1]}；请选择{area[1]}下辖的区县（代码以 {area[0]} 开头），或核对统一社会信用代码")]


def profile_violations(profile: EnterpriseProfile, divisions: DivisionTable) -> list[Violation]:
    problems = uscc_violations(profile.uscc)
    problems += _text("name", "企业名称", profile.name, 100)
    problems += region_violations(profile.region_code, profile.uscc, divisions)
    problems += _text("industry", "所属行业", profile.industry, 50)
    problems += _text("park_id", "所在园区", profile.park_id, 64, required=False)
    problems += _text("contact.person", "联系人", profile.contact_person, 30)
    if not MOBILE.match(profile.contact_mobile):
        problems.append(Violation("contact.mobile", "mobile", f"联系人手机号“{echo(profile.contact_mobile)}”无效，"
                                                              "请填写11位中国大陆手机号，例如 13800138000"))
    if not EMAIL.match(profile.contact_email) or len(profile.contact_email) > 100:
        problems.append(Violation("contact.email", "email",
                                  f"联系人电子邮箱“{echo(profile.contact_email)}”无效，请填写形如 name@example.com 的地址"))
    return problems


def check_profile(profile: EnterpriseProfile, divisions: DivisionTable) -> None:
    problems = profile_violations(profile, divisions)
    if problems:
        raise invalid("enterprise.invalid", f"企业信息有{len(problems)}处需要修改", problems)


def duplicate_uscc(uscc: str) -> DomainError:
    return DomainError("enterprise.uscc_registered",
                       f"统一社会信用代码 {uscc} 已注册，请直接登录；如忘记密码请联系所在地工信部门", [],
                       "already_exists")
