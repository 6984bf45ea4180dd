"""Review decisions: what a reviewer may decide, when, and with which words.

An application in review has one open task at one level. The unit decides:

- pass, with an opinion (审核意见): the next reviewing level's task opens, or after the
  last reviewing level the application waits for the unit's 推荐汇总表 (when the level
  requires one) and is then recommended;
- return for correction, naming each section or attachment to fix with its reason;
  bounded by the programme's ``max_return_rounds``; only while the enterprise can still
  resubmit (the application window is open);
- reject, with a reason.

No decision is accepted outside the level's review period (``Programme.review_open``);
the refusal names the deadline in Beijing time. Messages are Chinese: reviewers read them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from kernel.windows import whole_second
from review.rules.programmes import ChainLevel, Programme
from zjtx.clock import to_shanghai
from zjtx.errors import Violation, conflict, invalid, precondition

MAX_OPINION_CHARS = 2000

# Application statuses in review's own records.
IN_REVIEW = "in_review"
RETURNED = "returned"
PASSED_PENDING_SUMMARY = "passed_pending_summary"
RECOMMENDED = "recommended"
REJECTED = "rejected"
WITHDRAWN = "withdrawn"
UNROUTABLE = "unroutable"
LISTED = "listed"  # on the 公示 list
REMOVED = "removed"  # taken off the 公示 list after an upheld objection
RECOGNISED = "recognised"
NOT_RECOGNISED = "not_recognised"
EXPIRED = "expired"  # concluded at publication without a decision (see expiry_reason)

# Statuses after which nothing in review changes the application any more.
FINAL_STATUSES = (REJECTED, WITHDRAWN, RECOGNISED, NOT_RECOGNISED, EXPIRED)

# Task statuses.
TASK_OPEN = "open"
TASK_PASSED = "passed"
TASK_RETURNED = "returned"
TASK_REJECTED = "rejected"
TASK_WITHDRAWN = "withdrawn"
TASK_EXPIRED = "expired"
TASK_ESCALATED = "escalated"
TASK_LABELS = {
    TASK_EXPIRED: "逾期未审核，已过期",
    TASK_ESCALATED: "逾期未审核，已移交上级审核",
    TASK_OPEN: "待审核",
    TASK_PASSED: "已通过",
    TASK_RETURNED: "已退回修改",
    TASK_REJECTED: "已作不通过处理",
    TASK_WITHDRAWN: "企业已撤回",
}

TARGET_KINDS = {"section": "栏目", "attachment": "附件", "pledge": "真实性承诺"}


def beijing(moment: datetime) -> str:
    """``2020年5月15日 23:59:59（北京时间）``: how deadlines are written to people."""
    local = to_shanghai(moment)
    return f"{local.year}年{local.month}月{local.day}日 {local:%H:%M:%S}（北京时间）"


def check_review_open(programme: Programme, level: int, now: datetime, what: str = "审核意见") -> None:
    """Refuse any decision outside the level's review period, naming the period."""
    if programme.review_open(now, level):
        return
    spec = programme.level_spec(level)
    if now.replace(microsecond=0) < programme.window.opens_at:
        raise precondition("review.not_open",
                           f"{programme.title}于{beijing(programme.window.opens_at)}开始受理，"
                           f"此前不受理{spec.title}的{what}")
    closes = programme.review_closes_at(level)
    assert closes is not None  # review_open is only False after a deadline that exists
    raise precondition("review.closed",
                       f"{spec.title}的截止时间为{beijing(closes)}，现已截止，过期不予受理；"
                       f"本次{what}未被接受")


def check_task_open(task_status: str) -> None:
    if task_status != TASK_OPEN:
        raise conflict("task.decided",
                       f"该审核任务{TASK_LABELS.get(task_status, task_status)}，不能再次处理；请刷新任务列表")


def check_opinion(text: str, field: str = "opinion", what: str = "审核意见") -> str:
    """A required free text (opinion, rejection reason, resolution), trimmed."""
    value = text.strip()
    if not value:
        raise invalid(f"{field}.required", f"请填写{what}；{what}不能为空",
                      [Violation(field, "required", f"{what}不能为空")])
    if len(value) > MAX_OPINION_CHARS:
        raise invalid(f"{field}.too_long", f"{what}最多{MAX_OPINION_CHARS}字（当前{len(value)}字）",
                      [Violation(field, "too_long", f"最多{MAX_OPINION_CHARS}字")])
    return value


@dataclass(frozen=True)
class ReturnReason:
    target_kind: str  # section | attachment | pledge
    target: str  # section id or attachment kind ("pledge" for the pledge)
    target_title: str
    reason: str


def _target_title(programme: Programme, kind: str, target: str) -> str | None:
    if kind == "section":
        return next((s.title for s in programme.sections if s.id == target), None)
    if kind == "attachment":
        return next((a.title for a in programme.attachments if a.kind == target), None)
    if kind == "pledge":
        return programme.pledge.title
    return None


def _accepted_targets(programme: Programme, kind: str) -> str:
    if kind == "section":
        return "、".join(f"{s.id}（{s.title}）" for s in programme.sections)
    if kind == "attachment":
        return "、".join(f"{a.kind}（{a.title}）" for a in programme.attachments)
    return "pledge"


def check_return_reasons(programme: Programme, items: Sequence[tuple[str, str, str]]) -> list[ReturnReason]:
    """Validate ``(target_kind, target, reason)`` items; every problem is named."""
    if not items:
        raise invalid("return.reasons_required", "退回修改须至少指明一个需要修改的栏目或附件，并说明原因",
                      [Violation("reasons", "required", "至少填写一项退回原因")])
    problems: list[Violation] = []
    resolved: list[ReturnReason] = []
    seen: set[tuple[str, str]] = set()
    for index, (kind, target, reason) in enumerate(items):
        path = f"reasons[{index}]"
        kind, target, reason = kind.strip(), target.strip(), reason.strip()
        if kind == "pledge":
            target = "pledge"  # there is one pledge: its target needs no name
        if kind not in TARGET_KINDS:
            problems.append(Violation(f"{path}.target_kind", "target_kind",
                                      f"修改对象类型“{kind}”无效，可选：section（栏目）、attachment（附件）、pledge（真实性承诺）"))
            continue
        title = _target_title(programme, kind, target)
        if title is None:
            problems.append(Violation(f"{path}.target", "target",
                                      f"本批次没有{TARGET_KINDS[kind]}“{target}”；可选：{_accepted_targets(programme, kind)}"))
        if not reason:
            problems.append(Violation(f"{path}.reason", "required",
                                      f"请说明{TARGET_KINDS[kind]}“{title or target}”需要修改的原因"))
        elif len(reason) > MAX_OPINION_CHARS:
            problems.append(Violation(f"{path}.reason", "too_long", f"退回原因最多{MAX_OPINION_CHARS}字"))
        if (kind, target) in seen:
            problems.append(Violation(f"{path}.target", "duplicate", f"{TARGET_KINDS[kind]}“{title or target}”重复，请合并原因"))
        seen.add((kind, target))
        if title is not None:
            resolved.append(ReturnReason(kind, target, title, reason))
    if problems:
        raise invalid("return.invalid", f"退回原因有{len(problems)}处需要修改", problems)
    return resolved


def check_return_allowed(programme: Programme, returns_so_far: int, now: datetime) -> int:
    """The round this return would be (1 for the first); refused when the rounds are
    used up or the enterprise could no longer resubmit."""
    limit = programme.max_return_rounds
    if returns_so_far >= limit:
        raise precondition("return.rounds_exhausted",
                           f"该申请已退回修改{returns_so_far}次，已达到本批次退回上限（{limit}次）；"
                           "请作出审核通过或不通过的决定")
    if programme.resubmit_by(now) < now.replace(microsecond=0):  # no grace period reaches past the window
        raise precondition("return.window_closed",
                           f"企业申报已于{beijing(programme.window.closes_at)}截止，退回后企业无法重新提交；"
                           "请作出审核通过或不通过的决定")
    return returns_so_far + 1


def next_level(programme: Programme, level: int) -> ChainLevel:
    """The chain level after ``level`` (the final, recognising level at the end)."""
    return programme.level_spec(level + 1)


def describe_reasons(reasons: Sequence[ReturnReason]) -> str:
    """One line for history and notices: ``栏目“经济效益”：…；附件“财务报表”：…``."""
    return "；".join(f"{TARGET_KINDS[r.target_kind]}“{r.target_title}”：{r.reason}" for r in reasons)


# History actions and how people read them.
ACTION_LABELS = {
    "submitted": "企业提交申请",
    "resubmitted": "企业修改后重新提交",
    "withdrawn": "企业撤回申请",
    "unroutable": "无法分派审核单位",
    "task_opened": "审核任务开启",
    "passed": "审核通过",
    "returned": "退回修改",
    "rejected": "审核不通过",
    "summary_uploaded": "审核单位上传推荐材料",
    "recommended": "推荐生效",
    "listed": "列入认定公示名单",
    "objection_recorded": "收到公示异议",
    "objection_resolved": "公示异议处理完毕",
    "removed": "移出公示名单",
    "recognised": "认定",
    "not_recognised": "未认定",
    "expired": "逾期未完成，申请过期",
    "escalated": "逾期未审核，移交上级审核",
    "recognition_amended": "认定名单更正",
}


def escalation_reason(programme: Programme, level: int, unit_name: str, next_title: str) -> str:
    """Why a task left its level undecided (Chinese: the enterprise and the next level read it)."""
    closes = programme.review_closes_at(level)
    deadline = f"审核截止时间{beijing(closes)}" if closes else "审核截止时间"
    return f"{unit_name or '审核单位'}在{deadline}前未作出审核决定，按本批次规定移交{next_title}审核"


def escalation_due(programme: Programme, level: int, now: datetime) -> bool:
    """An open task at ``level`` moves up now: the programme escalates, the level's review deadline
    has passed, and a level follows (a task at the chain's last level expires at publication instead)."""
    closes = programme.review_closes_at(level)
    return (programme.undecided_at_review_deadline == "escalate" and closes is not None
            and whole_second(now) > closes and not programme.level_spec(level).final)


def expiry_reason(programme: Programme, application: dict, unit_name: str, task_level: int | None) -> str:
    """Why an application still open at publication ends as expired (Chinese: the enterprise reads it).

    An undecided task follows the programme's ``undecided_at_review_deadline`` (expire); a returned
    application was not resubmitted in time; a recommendation waited for a 推荐汇总表 its unit never
    confirmed; an unroutable application was never given a unit."""
    status = application["status"]
    if status == RETURNED:
        return "退回修改后未在重新提交期限内提交，申请过期"
    if status == PASSED_PENDING_SUMMARY:
        return f"{unit_name or '审核单位'}未在截止时间前确认推荐汇总表，推荐未生效，申请过期"
    if status == UNROUTABLE:
        return "未能分派审核单位，截至结果发布仍未处理，申请过期"
    if task_level is not None:
        closes = programme.review_closes_at(task_level)
        deadline = f"审核截止时间{beijing(closes)}" if closes else "结果发布"
        return f"{unit_name or '审核单位'}在{deadline}前未作出审核决定，按本批次规定申请过期"
    return "截至结果发布未完成审核，申请过期"
