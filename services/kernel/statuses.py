"""Application statuses and their Chinese labels, once for every service.

Registration, review and reporting each keep the statuses they record, but a status
means the same everywhere and is shown with the same words. Rejection is 审核不通过, as
review's decisions, its history and registration already wrote it.
"""

from __future__ import annotations

DRAFT = "draft"
SUBMITTED = "submitted"
IN_REVIEW = "in_review"
RETURNED = "returned"
RESUBMITTED = "resubmitted"
PASSED = "passed"  # reporting: passed its last reviewing level, not yet recommended
PASSED_PENDING_SUMMARY = "passed_pending_summary"  # review: waits for the unit's 推荐汇总表
RECOMMENDED = "recommended"
UNROUTABLE = "unroutable"
LISTED = "listed"  # review: on the 公示 list
IN_PUBLICITY = "in_publicity"  # reporting: the same fact, as reporting names it
REMOVED = "removed"  # taken off the 公示 list after an upheld objection
RECOGNISED = "recognised"
NOT_RECOGNISED = "not_recognised"
REJECTED = "rejected"
WITHDRAWN = "withdrawn"
EXPIRED = "expired"  # concluded at publication without a decision: a draft never submitted, a task undecided
# at the review deadline, a return not resubmitted, a unit that never confirmed its 推荐汇总表
PENDING = "pending"  # reporting: known from registration, review's view not arrived yet

STATUS_LABELS: dict[str, str] = {
    DRAFT: "草稿",
    SUBMITTED: "已提交",
    IN_REVIEW: "审核中",
    RETURNED: "退回修改",
    RESUBMITTED: "已重新提交",
    PASSED: "审核通过待推荐",
    PASSED_PENDING_SUMMARY: "审核通过，待上传推荐汇总表",
    RECOMMENDED: "已推荐",
    UNROUTABLE: "无法分派审核单位",
    LISTED: "公示中",
    IN_PUBLICITY: "公示中",
    REMOVED: "公示异议成立，已移出名单",
    RECOGNISED: "已认定",
    NOT_RECOGNISED: "未认定",
    REJECTED: "审核不通过",
    WITHDRAWN: "已撤回",
    EXPIRED: "已过期",
    PENDING: "待同步",
}


def status_label(status: str) -> str:
    """The Chinese label of ``status``; an unknown status is shown as it is."""
    return STATUS_LABELS.get(status, status)
