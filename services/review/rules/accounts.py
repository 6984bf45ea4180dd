"""Who may create reviewer accounts, and what a valid account is."""

from __future__ import annotations

from kernel.contacts import EMAIL, MOBILE
from kernel.units import unit_within
from review.rules.units import UnitDirectory
from zjtx.errors import Violation, forbidden, invalid

ROLES = ("reviewer", "admin")


def within(units: UnitDirectory, unit_id: str, ancestor_id: str) -> bool:
    """True if ``unit_id`` is ``ancestor_id`` or lies beneath it."""
    return unit_within(unit_id, ancestor_id, lambda current: units.get(current).parent)


def check_can_manage(units: UnitDirectory, caller_role: str, caller_unit: str, unit_id: str) -> None:
    if caller_role == "system":
        return
    if caller_role == "security_admin":  # 三员分立: administrators are created by the security administrator alone
        return
    if caller_role != "admin" or not caller_unit or not within(units, unit_id, caller_unit):
        raise forbidden("reviewer.forbidden", "只有本单位或上级单位的管理员可以为该单位创建审核账号")


def check_account(units: UnitDirectory, unit_id: str, name: str, email: str, mobile: str, role: str) -> None:
    problems: list[Violation] = []
    if unit_id not in units:
        problems.append(Violation("unit_id", "unit.unknown", f"审核单位 {unit_id} 不存在"))
    if not name.strip() or len(name) > 30:
        problems.append(Violation("name", "name", "姓名不能为空，最多30个字符"))
    if not EMAIL.match(email):
        problems.append(Violation("email", "email", "电子邮箱无效，请填写形如 name@example.com 的地址"))
    if mobile and not MOBILE.match(mobile):
        problems.append(Violation("mobile", "mobile", "手机号无效，请填写11位中国大陆手机号"))
    if role not in ROLES:
        problems.append(Violation("role", "role", f"角色“{role}”无效，可选：reviewer（审核人）、admin（管理员）"))
    if problems:
        raise invalid("reviewer.invalid", f"审核账号信息有{len(problems)}处需要修改", problems)
