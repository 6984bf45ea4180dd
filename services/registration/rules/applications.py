"""An application's life as the enterprise sees it: statuses, what may be edited, and the
transitions caused by the enterprise (submit, resubmit, withdraw) and by review's events.

    draft -> submitted -> in_review -> returned -> resubmitted -> in_review -> ...
          -> recommended -> recognised | not_recognised
    withdrawn (by the enterprise, before the final decision); rejected (by a review level)

Plain Python: the service layer loads the application document, asks these rules, and
writes what they decide.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from kernel.programme import ProgrammeModel
from kernel.statuses import status_label
from zjtx.clock import SHANGHAI
from zjtx.errors import DomainError, Violation, invalid, precondition

DRAFT, SUBMITTED, IN_REVIEW, RETURNED, RESUBMITTED = "draft", "submitted", "in_review", "returned", "resubmitted"
RECOMMENDED, RECOGNISED, NOT_RECOGNISED = "recommended", "recognised", "not_recognised"
WITHDRAWN, REJECTED, EXPIRED = "withdrawn", "rejected", "expired"
STATUSES = (DRAFT, SUBMITTED, IN_REVIEW, RETURNED, RESUBMITTED, RECOMMENDED, RECOGNISED, NOT_RECOGNISED,
            WITHDRAWN, REJECTED, EXPIRED)
# Decided: nothing more happens to the application.
FINAL_STATUSES = frozenset({RECOGNISED, NOT_RECOGNISED, WITHDRAWN, REJECTED, EXPIRED})
# Submitted at least once and not decided: the enterprise may still withdraw.
WITHDRAWABLE = frozenset({SUBMITTED, IN_REVIEW, RETURNED, RESUBMITTED, RECOMMENDED})
EDITABLE = frozenset({DRAFT, RETURNED})
# States after a (re)submission where the latest snapshot is the answer to a repeated request.
SUBMITTED_STATES = frozenset({SUBMITTED, IN_REVIEW, RESUBMITTED, RECOMMENDED, RECOGNISED, NOT_RECOGNISED, REJECTED})

MAX_NAME_CHARS = 30
MAX_TITLE_CHARS = 30
MAX_REASON_CHARS = 500
CONTROL = re.compile(r"[\x00-\x1f\x7f]")
MULTILINE_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # line breaks allowed


def beijing(moment: datetime) -> str:
    """'2020年5月15日23:59:59（北京时间）' for messages."""
    local = moment.astimezone(SHANGHAI)
    return f"{local.year}年{local.month}月{local.day}日{local:%H:%M:%S}（北京时间）"


# --------------------------------------------------------------------------- editing


@dataclass(frozen=True)
class Reopened:
    """What a return reopened for correction (everything, in a draft)."""

    sections: frozenset[str] = frozenset()
    attachments: frozenset[str] = frozenset()
    pledge: bool = False

    @classmethod
    def from_document(cls, document: Mapping[str, Any] | None) -> Reopened:
        document = document or {}
        return cls(frozenset(document.get("sections", ())), frozenset(document.get("attachments", ())),
                   bool(document.get("pledge", False)))

    def to_document(self) -> dict[str, Any]:
        return {"sections": sorted(self.sections), "attachments": sorted(self.attachments), "pledge": self.pledge}


def reopened_by(corrections: Sequence[Mapping[str, str]]) -> Reopened:
    """The targets a return names. The reviewer's reasons say what to correct; the rest stays frozen."""
    kinds: dict[str, set[str]] = {"section": set(), "attachment": set()}
    pledge = False
    for correction in corrections:
        kind = correction.get("target_kind", "")
        if kind == "pledge":
            pledge = True
        elif kind in kinds:
            kinds[kind].add(correction.get("target", ""))
    return Reopened(frozenset(kinds["section"]), frozenset(kinds["attachment"]), pledge)


def can_edit(status: str, reopened: Reopened, kind: str, target: str = "") -> bool:
    """May the enterprise change ``kind`` ('section', 'attachment', 'pledge') ``target`` now?"""
    if status == DRAFT:
        return True
    if status != RETURNED:
        return False
    if kind == "section":
        return target in reopened.sections
    if kind == "attachment":
        return target in reopened.attachments
    return reopened.pledge


def check_can_edit(status: str, reopened: Reopened, kind: str, target: str, title: str) -> None:
    if can_edit(status, reopened, kind, target):
        return
    what = {"section": f"栏目“{title}”", "attachment": f"附件“{title}”", "pledge": f"“{title}”"}[kind]
    if status == RETURNED:
        named = "、".join(sorted(reopened.sections | reopened.attachments)) or "（无）"
        raise precondition("application.not_reopened",
                           f"申请已退回修改，但审核意见未要求修改{what}，该项保持提交时的内容；"
                           f"可修改的栏目和附件：{named}", [Violation(kind, "not_reopened", f"{what}不在退回修改范围内")])
    raise precondition("application.not_editable",
                       f"申请当前状态为“{status_label(status)}”，不能修改{what}；只有草稿或退回修改的申请可以修改",
                       [Violation("status", "not_editable", f"当前状态：{status_label(status)}")])


# --------------------------------------------------------------------------- the pledge


def check_signer(name: str, title: str) -> tuple[str, str]:
    """The pledge is signed by a named person of the enterprise; the title is optional."""
    name, title = name.strip(), title.strip()
    problems = []
    if not name:
        problems.append(Violation("signer_name", "required", "请填写承诺人姓名（企业的法定代表人或授权负责人）"))
    elif len(name) > MAX_NAME_CHARS or CONTROL.search(name):
        problems.append(Violation("signer_name", "invalid", f"承诺人姓名最多{MAX_NAME_CHARS}个字符，且不能包含控制字符"))
    if len(title) > MAX_TITLE_CHARS or CONTROL.search(title):
        problems.append(Violation("signer_title", "invalid", f"承诺人职务最多{MAX_TITLE_CHARS}个字符，且不能包含控制字符"))
    if problems:
        raise invalid("pledge.invalid", "真实性承诺的签署信息需要修改", problems)
    return name, title


# --------------------------------------------------------------------------- creating, submitting


def check_can_apply(programme: ProgrammeModel, region_code: str, region_name: str, now: datetime) -> None:
    problems = []
    if not programme.covers_region(region_code):
        problems.append(Violation("enterprise.region_code", "outside_jurisdiction",
                                  f"“{programme.title}”只受理{programme.owner_name or programme.owner}辖区内的企业申报，"
                                  f"本企业注册地为{region_name or region_code}"))
    if programme.window_state(now) == "closed":
        problems.append(window_violation(programme, now))
    if problems:
        raise precondition("application.cannot_apply", "；".join(p.message for p in problems), problems)


def window_violation(programme: ProgrammeModel, now: datetime) -> Violation:
    state = programme.window_state(now)
    if state == "not_open":
        return Violation("window", "window_not_open",
                         f"“{programme.title}”申报窗口将于{beijing(programme.window.opens_at)}开放，现在还不能提交")
    return Violation("window", "window_closed",
                     f"“{programme.title}”申报已于{beijing(programme.window.closes_at)}截止，过期不予受理")


def refusal(problems: Sequence[Violation], resubmission: bool = False) -> DomainError:
    """Submission refused: one error carrying every problem."""
    what = "重新提交" if resubmission else "提交"
    listed = "；".join(p.message for p in problems[:3]) + ("等" if len(problems) > 3 else "")
    return precondition("application.not_submittable", f"申请暂不能{what}，共{len(problems)}处问题：{listed}",
                        list(problems))


def check_status_for_submit(status: str) -> None:
    """Submit acts on a draft; submitted states answer with the first result (caller's job)."""
    if status == RETURNED:
        raise precondition("application.returned",
                           "申请已被退回修改，请按审核意见修改后使用“重新提交”",
                           [Violation("status", "returned", f"当前状态：{status_label(RETURNED)}")])
    if status == WITHDRAWN:
        raise precondition("application.withdrawn", "申请已撤回，不能再提交",
                           [Violation("status", "withdrawn", f"当前状态：{status_label(WITHDRAWN)}")])


def check_resubmit(programme: ProgrammeModel, status: str, return_round: int, resubmit_by: datetime | None,
                   now: datetime) -> list[Violation]:
    """Why a returned application cannot be resubmitted now (empty: it can)."""
    if status != RETURNED:
        return [Violation("status", "not_returned",
                          f"申请当前状态为“{status_label(status)}”，只有退回修改的申请可以重新提交")]
    problems = []
    if return_round > programme.max_return_rounds:
        problems.append(Violation("status", "rounds_exhausted",
                                  f"已退回{return_round}次，超过本批次退回修改上限（{programme.max_return_rounds}次）"))
    graced = resubmit_by is not None and resubmit_by > programme.window.closes_at  # a return near the deadline
    if programme.window_state(now) != "open" and not (graced and programme.window_state(now) == "closed"):
        problems.append(window_violation(programme, now))
    elif resubmit_by is not None and now.replace(microsecond=0) > resubmit_by:
        problems.append(Violation("window", "resubmit_deadline",
                                  f"重新提交的期限{beijing(resubmit_by)}已过，过期不予受理"))
    return problems


def check_withdraw(status: str, reason: str) -> str:
    reason = reason.strip()
    if status not in WITHDRAWABLE:
        if status == DRAFT:
            message = "申请尚未提交，无需撤回；不提交即不会进入审核"
        else:
            message = f"申请当前状态为“{status_label(status)}”，已有最终结果，不能撤回"
        raise precondition("application.not_withdrawable", message,
                           [Violation("status", "not_withdrawable", f"当前状态：{status_label(status)}")])
    if len(reason) > MAX_REASON_CHARS or MULTILINE_CONTROL.search(reason):
        raise invalid("withdraw.reason_invalid", f"撤回原因最多{MAX_REASON_CHARS}字，且不能包含控制字符",
                      [Violation("reason", "invalid", f"最多{MAX_REASON_CHARS}字")])
    return reason


# --------------------------------------------------------------------------- review's events


@dataclass(frozen=True)
class ReviewChange:
    """What a review event does to the application: new status (None = unchanged),
    fields to set, and the history line."""

    action: str
    status: str | None
    set: dict[str, Any] = field(default_factory=dict)
    detail: str = ""
    reason: str = ""
    ignored: str = ""  # why the event changes nothing (stale, after a final decision)


def review_change(event_type: str, status: str, return_round: int, info: Mapping[str, Any]) -> ReviewChange:
    """Decide the effect of one review event on an application in ``status``.

    ``info``: level, unit_id, unit_name, round, opinion, reason, corrections, resubmit_by,
    max_rounds, rank, task_id (whatever the event carries). Events arrive at least once
    and in rough order; a stale one (e.g. a task opened before a return that came later)
    is recorded in the history but changes nothing.
    """
    action = event_type.removeprefix("review.")
    unit = info.get("unit_name") or info.get("unit_id") or ""
    level = info.get("level", 0)
    if status in FINAL_STATUSES:
        return ReviewChange(action, None, ignored=f"申请已{status_label(status)}，忽略")
    if status == DRAFT:
        return ReviewChange(action, None, ignored="申请尚未提交，忽略")
    if action == "task_opened":
        if status == RETURNED and info.get("round", 0) < return_round:
            return ReviewChange(action, None, ignored="早于退回的审核任务，忽略")
        return ReviewChange(action, IN_REVIEW, {
            "review": {"level": level, "unit_id": info.get("unit_id", ""), "unit_name": unit,
                       "task_id": info.get("task_id", "")}}, detail=f"第{level}级审核：{unit}受理")
    if action == "passed":
        if status == RETURNED:
            return ReviewChange(action, None, ignored="已退回修改，忽略较早的审核通过")
        return ReviewChange(action, None, detail=f"第{level}级审核通过（{unit}）", reason=info.get("opinion", ""))
    if action == "returned":
        corrections = list(info.get("corrections", ()))
        round_ = int(info.get("round", 0)) or return_round + 1
        if round_ <= return_round:
            return ReviewChange(action, None, ignored=f"第{round_}次退回已处理，忽略")
        summary = "；".join(f"{c.get('target_title') or c.get('target')}：{c.get('reason', '')}" for c in corrections)
        return ReviewChange(action, RETURNED, {
            "return_round": round_, "corrections": corrections, "reopened": reopened_by(corrections).to_document(),
            "resubmit_by": info.get("resubmit_by"), "returned_task_id": info.get("task_id", ""),
        }, detail=f"第{round_}次退回修改（{unit}）", reason=summary)
    if action == "rejected":
        return ReviewChange(action, REJECTED, {"decision_reason": info.get("reason", "")},
                            detail=f"第{level}级审核不通过（{unit}）", reason=info.get("reason", ""))
    if action == "recommended":
        return ReviewChange(action, RECOMMENDED, detail=f"{unit}推荐，推荐顺序第{info.get('rank', 0)}位",
                            reason=info.get("opinion", ""))
    if action == "recognised":
        return ReviewChange(action, RECOGNISED, detail=f"已认定（第{info.get('rank', 0)}名）")
    if action == "expired":
        return ReviewChange(action, EXPIRED, {"decision_reason": info.get("reason", "")},
                            detail="结果发布时未完成审核，申请过期", reason=info.get("reason", ""))
    if action == "not_recognised":
        return ReviewChange(action, NOT_RECOGNISED, {"decision_reason": info.get("reason", "")},
                            detail="未列入认定名单", reason=info.get("reason", ""))
    return ReviewChange(action, None, ignored=f"未知的审核事件 {event_type}")
