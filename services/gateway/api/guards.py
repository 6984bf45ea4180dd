"""Resource checks at the gateway (the services check again with the same caller).

- a unit's tasks, progress and uploads: acting only in one's own unit (the unit pins the
  review level); viewing also for admins of a unit above;
- a programme's final level (ranking, recognition, 公示, publishing): admins of the unit
  whose division owns the programme;
- an application: its own enterprise; staff of a unit it passed through, of a unit above
  (admins), or of the owner unit. Operations staff never reach application contents.
"""

from __future__ import annotations

from typing import Any

from gateway.api.common import rpc
from gateway.routes import Context
from gateway.rules.access import check_own_enterprise, check_programme_owner, units_within
from zjtx.errors import forbidden
from zjtx_api import review_pb2


def can_view_unit(ctx: Context, unit_id: str) -> bool:
    who = ctx.who
    if who.role not in ("reviewer", "admin") or not who.unit:
        return False
    if who.unit == unit_id:
        return True
    return who.role == "admin" and bool(unit_id) and units_within(unit_id, who.unit, ctx.gw.directory.parents(unit_id))


def view_unit(ctx: Context, unit_id: str) -> None:
    ctx.gw.directory.unit(unit_id)  # an unknown unit is a 404, not a 403
    if not can_view_unit(ctx, unit_id):
        raise forbidden("forbidden.other_unit", "只能查看本单位（管理员：本单位及下级单位）的审核工作")


def act_in_unit(ctx: Context, unit_id: str, what: str) -> None:
    who = ctx.who
    if who.role not in ("reviewer", "admin") or who.unit != unit_id:
        raise forbidden("forbidden.other_unit", f"只能{what}本单位的审核任务；该任务不属于您所在的单位")


def is_owner_staff(ctx: Context, programme: review_pb2.Programme, roles: tuple[str, ...] = ("admin",)) -> bool:
    who = ctx.who
    return who.role in roles and bool(who.unit) and ctx.gw.directory.unit_division(who) == programme.owner


def owner_admin(ctx: Context, programme_id: str) -> review_pb2.Programme:
    programme = ctx.gw.directory.programme(programme_id)
    check_programme_owner(ctx.who, programme.owner, ctx.gw.directory.unit_division(ctx.who), programme.title)
    return programme


def owner_staff(ctx: Context, programme_id: str) -> review_pb2.Programme:
    programme = ctx.gw.directory.programme(programme_id)
    if not is_owner_staff(ctx, programme, ("reviewer", "admin")):
        raise forbidden("forbidden.other_programme", f"只有“{programme.title}”主管部门的审核人或管理员可以查看")
    return programme


def application_reach(ctx: Context, application_id: str) -> review_pb2.ReviewApplication:
    """The application's review record, if the caller may see it."""
    application = rpc(ctx, "review", "GetApplication", review_pb2.GetApplicationRequest(application_id=application_id))
    who = ctx.who
    if who.role == "enterprise":
        check_own_enterprise(who, application.enterprise.enterprise_id)
        return application
    if who.role not in ("reviewer", "admin"):
        raise forbidden("forbidden.role", "无权查看申请内容")
    if can_view_unit(ctx, application.unit_id):
        return application
    programme = ctx.gw.directory.programme(application.programme_id)
    if is_owner_staff(ctx, programme, ("reviewer", "admin")):
        return application
    history = rpc(ctx, "review", "ListHistory", review_pb2.ListHistoryRequest(application_id=application_id))
    if any(entry.unit_id and can_view_unit(ctx, entry.unit_id) for entry in history.entries):
        return application
    raise forbidden("forbidden.other_unit", "该申请不在您所在单位的审核范围内")


def task_reach(ctx: Context, task_id: str, act: str = "") -> Any:
    """The task, if the caller may see it (``act``: may decide on it: own unit only)."""
    task = rpc(ctx, "review", "GetTask", review_pb2.GetTaskRequest(task_id=task_id))
    if act:
        act_in_unit(ctx, task.unit_id, act)
    elif not can_view_unit(ctx, task.unit_id):
        raise forbidden("forbidden.other_unit", "只能查看本单位（管理员：本单位及下级单位）的审核任务")
    return task
