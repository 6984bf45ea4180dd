"""Who may see which report. Roles as the gateway asserts them (zjtx.grpc_support.Caller):
enterprise | reviewer | admin | operations | system.

- system and operations: everything (operations also rebuilds the read models);
- the owner unit's admins and reviewers (``unit-<owner code>``): the whole programme;
- another unit's admins and reviewers: their own unit's 推荐汇总表, statistics of the
  applications their unit handled, the paper copy of those applications;
- an enterprise: the paper copy of its own applications;
- everyone: the published 公示 / recognition list (it is public).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from zjtx.errors import DomainError, forbidden, invalid

ROLES = ("enterprise", "reviewer", "admin", "operations", "system")
STAFF = ("reviewer", "admin")
ALL_SEEING = ("operations", "system")


@dataclass(frozen=True)
class Requester:
    role: str = "system"
    unit: str = ""
    enterprise_id: str = ""
    subject: str = ""

    @property
    def label(self) -> str:
        return self.subject or self.role


def check_role(requester: Requester) -> None:
    if requester.role not in ROLES:
        raise forbidden("access.role", f"未知的调用者角色“{requester.role}”；可接受：{'、'.join(ROLES)}")


def sees_programme(requester: Requester, owner_unit: str) -> bool:
    return requester.role in ALL_SEEING or (requester.role in STAFF and requester.unit == owner_unit)


def check_summary_table(requester: Requester, owner_unit: str, unit_id: str) -> None:
    check_role(requester)
    if sees_programme(requester, owner_unit):
        return
    if requester.role in STAFF and unit_id and requester.unit == unit_id:
        return
    if requester.role in STAFF and not unit_id:
        raise forbidden("access.summary_table",
                        f"全批次推荐汇总表只供培育批次的主管单位（{owner_unit}）查看；"
                        f"本单位（{requester.unit}）可查看本单位的推荐汇总表")
    raise forbidden("access.summary_table", f"无权查看审核单位 {unit_id or owner_unit} 的推荐汇总表；"
                    "审核人员和管理员只能查看本单位的推荐汇总表")


def statistics_scope(requester: Requester, owner_unit: str) -> str:
    """'programme' for the whole programme, else the unit whose applications may be counted."""
    check_role(requester)
    if sees_programme(requester, owner_unit):
        return "programme"
    if requester.role in STAFF and requester.unit:
        return requester.unit
    raise forbidden("access.statistics", "企业无权查看培育批次的统计数据；统计数据供审核单位和主管部门查看")


def check_application(requester: Requester, owner_unit: str, enterprise_id: str, unit_ids: Sequence[str]) -> None:
    check_role(requester)
    if sees_programme(requester, owner_unit):
        return
    if requester.role == "enterprise" and requester.enterprise_id and requester.enterprise_id == enterprise_id:
        return
    if requester.role in STAFF and requester.unit in unit_ids:
        return
    raise forbidden("access.application", "无权查看该申报书：企业只能查看本企业的申报书，审核人员只能查看本单位审核的申报书")


def check_rebuild(requester: Requester) -> None:
    if requester.role not in ALL_SEEING:
        raise forbidden("access.rebuild", "只有运维人员可以重建统计数据（读模型）")


def check_archive(requester: Requester) -> None:
    if requester.role not in ALL_SEEING:
        raise forbidden("access.archive", "只有运维人员和系统调用可以读取事件存档（用于为外部订阅系统补发历史事件）")


def check_output_dir(requester: Requester, output_dir: str) -> None:
    if output_dir and requester.role not in ALL_SEEING:
        raise forbidden("access.output_dir", "只有运维人员和系统调用可以把报表写入服务器目录；请改用下载")


def check_programme_id(programme_id: str) -> None:
    if not programme_id.strip():
        raise invalid("request.programme_id", "请填写培育批次编号（programme_id），例如 hunan-2020-little-giant")


def denied(error: DomainError) -> bool:
    return error.kind == "forbidden"
