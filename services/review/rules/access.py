"""Who may see and do what in review: plain rules over the caller the gateway asserted.

Roles (``zjtx.grpc_support.Caller``): ``system`` (service-to-service and tests: anything),
``operations`` (read anything, change nothing), ``reviewer`` / ``admin`` (bound to one
review unit), ``enterprise`` (its own applications only).

- A reviewer or admin acts only on tasks of its own unit (the task's unit is the unit
  the application was routed to at that level, so this also pins the level).
- Reviewers and admins see their own unit's tasks; an admin also sees the units beneath
  it (supervision), but acts only in its own unit.
- Ranking, recognition and 公示 belong to the admins of the programme's owner unit.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from review.rules.accounts import within
from review.rules.units import UnitDirectory
from zjtx.errors import forbidden

REVIEW_ROLES = ("reviewer", "admin")
READ_ALL_ROLES = ("system", "operations")


class CallerLike(Protocol):
    """The parts of ``zjtx.grpc_support.Caller`` the rules read (no gRPC import here)."""

    subject: str
    role: str
    unit: str
    enterprise_id: str


def actor_of(caller: CallerLike) -> str:
    """The id written into history: the account, or the role for system calls."""
    return caller.subject or caller.role


def unit_name(units: UnitDirectory, unit_id: str) -> str:
    return units.get(unit_id).name if unit_id in units else unit_id or "（未指定单位）"


def check_can_act(units: UnitDirectory, caller: CallerLike, unit_id: str, what: str = "处理该审核任务") -> None:
    """A decision or upload for ``unit_id``: only that unit's reviewers and admins."""
    if caller.role == "system":
        return
    if caller.role not in REVIEW_ROLES or not caller.unit:
        raise forbidden("review.forbidden", f"只有审核单位的审核人或管理员可以{what}")
    if caller.unit != unit_id:
        raise forbidden(
            "review.other_unit",
            f"{what}须由{unit_name(units, unit_id)}的审核人或管理员办理，您属于{unit_name(units, caller.unit)}；"
            "只能处理本单位的审核事项",
        )


def check_can_view_unit(units: UnitDirectory, caller: CallerLike, unit_id: str) -> None:
    """Listing a unit's tasks or progress: the unit itself or an admin above it."""
    if caller.role in READ_ALL_ROLES:
        return
    if caller.role not in REVIEW_ROLES or not caller.unit:
        raise forbidden("review.forbidden", "只有审核单位的审核人或管理员可以查看审核任务")
    own = caller.unit == unit_id
    above = caller.role == "admin" and caller.unit in units and unit_id in units and within(units, unit_id, caller.unit)
    if not (own or above):
        raise forbidden(
            "review.other_unit",
            f"{unit_name(units, unit_id)}的审核任务只有该单位及其上级单位管理员可以查看；"
            f"您属于{unit_name(units, caller.unit)}",
        )


def check_can_view_application(
    units: UnitDirectory, caller: CallerLike, *, enterprise_id: str, unit_ids: Iterable[str], owner_unit_id: str
) -> None:
    """An application's review record: its enterprise, the units it passed through
    (and admins above them), the owner unit, operations staff."""
    if caller.role in READ_ALL_ROLES:
        return
    if caller.role == "enterprise":
        if caller.enterprise_id and caller.enterprise_id == enterprise_id:
            return
        raise forbidden("application.forbidden", "企业只能查看本企业的申请")
    if caller.role in REVIEW_ROLES and caller.unit:
        involved = [u for u in (*unit_ids, owner_unit_id) if u]
        if caller.unit in involved:
            return
        if caller.role == "admin" and caller.unit in units and any(
            u in units and within(units, u, caller.unit) for u in involved
        ):
            return
    raise forbidden("application.forbidden", "该申请不在您所在单位的审核范围内")


def check_owner_admin(caller: CallerLike, owner_unit_id: str, owner_name: str, what: str) -> None:
    """Ranking, recognition, 公示 and publishing: admins of the owner unit."""
    if caller.role == "system":
        return
    if caller.role != "admin" or caller.unit != owner_unit_id:
        raise forbidden("programme.forbidden", f"只有{owner_name}的管理员可以{what}")


def check_owner_view(caller: CallerLike, owner_unit_id: str, owner_name: str, what: str) -> None:
    """Reading the owner's lists (ranking, 公示, unroutable): its reviewers and admins."""
    if caller.role in READ_ALL_ROLES:
        return
    if caller.role not in REVIEW_ROLES or caller.unit != owner_unit_id:
        raise forbidden("programme.forbidden", f"只有{owner_name}的审核人或管理员可以{what}")
