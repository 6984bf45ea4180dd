"""Who may do what at the gateway (the services check again).

Roles: ``enterprise`` (its own enterprise and applications), ``reviewer`` (its unit's
tasks; the unit pins the level), ``admin`` (its unit's accounts and tasks, and the
programmes its unit owns), ``operations`` (health, queues, deliveries, dead letters; no
application contents). A route names the roles it admits; the handler checks the
resource.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from kernel.units import unit_within
from zjtx.errors import forbidden

ROLE_ZH = {"enterprise": "企业", "reviewer": "审核人", "admin": "管理员", "operations": "运维人员",
           "security_admin": "安全管理员", "audit_admin": "审计管理员", "anonymous": "未登录用户"}


@dataclass(frozen=True)
class Identity:
    """The signed-in person, from a verified token."""

    subject: str
    role: str
    unit: str = ""
    enterprise_id: str = ""
    name: str = ""
    token_id: str = ""
    expires_at: int = 0
    must_change_password: bool = False  # a password set by someone else: only its change is allowed


def require_role(identity: Identity, roles: Iterable[str], what: str) -> None:
    allowed = tuple(roles)
    if identity.role not in allowed:
        names = "、".join(ROLE_ZH[r] for r in allowed)
        raise forbidden("forbidden.role", f"{ROLE_ZH.get(identity.role, identity.role)}无权{what}；只有{names}可以")


def check_own_enterprise(identity: Identity, enterprise_id: str) -> None:
    if identity.role == "enterprise" and identity.enterprise_id != enterprise_id:
        raise forbidden("forbidden.other_enterprise", "只能查看和修改本企业的信息和申请")


def check_own_unit(identity: Identity, unit_id: str, what: str) -> None:
    """Reviewers and admins act only in their own unit (the unit pins the review level)."""
    if identity.unit != unit_id:
        raise forbidden("forbidden.other_unit", f"只能{what}本单位的审核任务；该任务不属于您所在的单位")


def check_programme_owner(identity: Identity, programme_owner: str, unit_division: str, title: str) -> None:
    """An admin manages only programmes owned by its unit's jurisdiction."""
    if identity.role != "admin" or not unit_division or programme_owner != unit_division:
        raise forbidden("forbidden.other_programme", f"只有“{title}”主管部门的管理员可以进行此操作")


def units_within(unit_id: str, ancestor_id: str, parents: dict[str, str]) -> bool:
    """True when ``unit_id`` is ``ancestor_id`` or lies beneath it (``parents``: unit -> parent)."""
    return unit_within(unit_id, ancestor_id, parents.get)
