"""Who may do what in registration (defence in depth: the gateway checks first).

- ``system`` (another service, proven by its own signed token; see zjtx.identity) may do everything;
- an ``enterprise`` reaches only its own enterprise and applications, and is the only
  role (with system) that changes anything;
- a ``reviewer`` or ``admin`` reads what was submitted (snapshots, attachments, history,
  the application's status) from inside its unit's jurisdiction, never drafts;
- ``operations`` reads statuses and histories (tracing an application), not contents.

The caller is any object with ``role``, ``enterprise_id`` and ``unit`` attributes
(``zjtx.grpc_support.Caller``). A reviewer's jurisdiction is its unit's division code,
resolved by the service (review's GetUnit) and passed in.
"""

from __future__ import annotations

from typing import Any, Literal

from kernel.divisions import division_within
from zjtx.errors import forbidden

Read = Literal["profile", "application", "snapshot", "history"]
REVIEWING_ROLES = ("reviewer", "admin")


def check_write(caller: Any, enterprise_id: str) -> None:
    """Changing an enterprise or its applications: the enterprise itself, or a service."""
    if caller.role == "system":
        return
    if caller.role == "enterprise":
        if caller.enterprise_id and caller.enterprise_id == enterprise_id:
            return
        raise forbidden("access.other_enterprise", "只能查看和修改本企业的信息和申请")
    raise forbidden("access.read_only", f"角色“{caller.role}”只能查看已提交的申请，不能修改企业的信息和申请")


def check_register(caller: Any) -> None:
    """Self-registration (through the gateway), a service, or an admin registering on behalf."""
    if caller.role in ("system", "admin") or (caller.role == "enterprise" and not caller.enterprise_id):
        return
    if caller.role == "enterprise":
        raise forbidden("access.already_registered", "本账号已关联一家企业，不能再注册其他企业")
    raise forbidden("access.cannot_register", f"角色“{caller.role}”不能注册企业")


def needs_jurisdiction(caller: Any) -> bool:
    """True if the check needs the caller's unit division (reviewers and admins)."""
    return caller.role in REVIEWING_ROLES


def check_read(caller: Any, what: Read, enterprise_id: str, *, submitted: bool = True, region_code: str = "",
               unit_division: str | None = None) -> None:
    """Reading ``what`` of an enterprise (``submitted``: the application was submitted at
    least once; ``region_code``: the enterprise's region in the submission)."""
    if caller.role == "system":
        return
    if caller.role == "enterprise":
        check_write(caller, enterprise_id)
        return
    if caller.role == "operations":
        if what in ("application", "history", "profile"):
            return
        raise forbidden("access.operations_content", "运维人员可以查看申请的状态和记录，不能查看申请内容和附件")
    if caller.role in REVIEWING_ROLES:
        if what == "profile":
            return
        if not submitted:
            raise forbidden("access.draft", "申请尚未提交，审核人员不能查看草稿")
        if unit_division and region_code and division_within(region_code, unit_division):
            return
        raise forbidden("access.outside_jurisdiction", "该申请不属于本审核单位的辖区，不能查看")
    raise forbidden("access.unknown_role", f"未知角色“{caller.role}”，不能访问")


def list_scope(caller: Any, enterprise_id: str) -> str:
    """The enterprise whose applications a caller may list ("" = any, for services and operations)."""
    if caller.role in ("system", "operations"):
        return enterprise_id
    if caller.role == "enterprise":
        check_write(caller, enterprise_id or caller.enterprise_id)
        return caller.enterprise_id
    raise forbidden("access.list", "审核人员请在审核任务中查看本单位的申请")


def check_services_only(caller: Any, what: str) -> None:
    """Questions across every enterprise (e.g. who has submitted): services and operations only."""
    if caller.role in ("system", "operations"):
        return
    raise forbidden("access.services_only", f"“{what}”仅供平台服务和运维人员使用，角色“{caller.role}”不能调用")


def check_erase(caller: Any) -> None:
    """Erasing personal data after the archive period: the system administrator (role ``admin``;
    三员分立: the system administrator keeps accounts and programmes; the audit administrator
    reads the record of it) or a service (a timer)."""
    if caller.role in ("system", "admin"):
        return
    raise forbidden("access.erase", f"只有系统管理员可以删除企业的个人信息，角色“{caller.role}”不能删除")
