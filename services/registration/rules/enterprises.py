"""Enterprise registration rules: what a valid enterprise profile is.

Plain Python; every problem is reported at once, named by field, in Chinese.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kernel.contacts import EMAIL, MOBILE
from kernel.divisions import DivisionTable
from kernel.enterprise_identity import region_violations, uscc_violations
from zjtx.errors import DomainError, Violation, invalid

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


def profile_violations(profile: EnterpriseProfile, divisions: DivisionTable) -> list[Violation]:
    problems = uscc_violations(profile.uscc)
    problems += _text("name", "企业名称", profile.name, 100)
    problems += region_violations(profile.region_code, profile.uscc, divisions)
    problems += _text("industry", "所属行业", profile.industry, 50)
    problems += _text("park_id", "所在园区", profile.park_id, 64, required=False)
    problems += _text("contact.person", "联系人", profile.contact_person, 30)
    if not MOBILE.match(profile.contact_mobile):
        problems.append(Violation("contact.mobile", "mobile", "联系人手机号无效，"
                                                              "请填写以1开头的11位中国大陆手机号"))
    if not EMAIL.match(profile.contact_email) or len(profile.contact_email) > 100:
        problems.append(Violation("contact.email", "email",
                                  "联系人电子邮箱无效，请填写形如 name@example.com 的地址"))
    return problems


def check_profile(profile: EnterpriseProfile, divisions: DivisionTable) -> None:
    problems = profile_violations(profile, divisions)
    if problems:
        raise invalid("enterprise.invalid", f"企业信息有{len(problems)}处需要修改", problems)


def duplicate_uscc(uscc: str) -> DomainError:
    return DomainError("enterprise.uscc_registered",
                       f"统一社会信用代码 {uscc} 已注册，请直接登录；如忘记密码请联系所在地工信部门", [],
                       "already_exists")
