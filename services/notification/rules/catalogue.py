"""Every kind of notice the service sends, who it is for, and the fields it provides.

A kind is named after the event that causes it (``review.returned``) or, for reminders,
``reminder.draft`` / ``reminder.review`` / ``reminder.report``. Templates may use exactly the fields listed
here plus the common ones; anything else is refused at start-up.
"""

from __future__ import annotations

from types import MappingProxyType

CHANNELS = ("inbox", "email", "sms")

# available in every template
COMMON_FIELDS = ("recipient_name", "platform_name")

_ENTERPRISE_APPLICATION = ("enterprise_name", "programme_title", "owner_name", "application_id")

FIELDS: MappingProxyType[str, tuple[str, ...]] = MappingProxyType({
    "enterprise.registered": ("enterprise_name", "uscc"),
    "application.submitted": (*_ENTERPRISE_APPLICATION, "submitted_at", "closes_at", "content_hash"),
    "application.resubmitted": (*_ENTERPRISE_APPLICATION, "submitted_at", "closes_at", "content_hash", "round"),
    "application.withdrawn": (*_ENTERPRISE_APPLICATION, "withdrawn_at", "reason"),
    "application.expired": (*_ENTERPRISE_APPLICATION, "expired_at", "reason"),
    "review.task_opened": ("unit_name", "enterprise_name", "programme_title", "application_id", "level",
                           "level_title", "due_at", "round_text"),
    "review.passed": (*_ENTERPRISE_APPLICATION, "unit_name", "level", "level_title", "opinion", "next_step"),
    "review.returned": (*_ENTERPRISE_APPLICATION, "unit_name", "level_title", "reasons", "reason_count", "round",
                        "max_rounds", "resubmit_by"),
    "review.rejected": (*_ENTERPRISE_APPLICATION, "unit_name", "level_title", "reason"),
    "review.recommended": (*_ENTERPRISE_APPLICATION, "unit_name", "unit_rank", "opinion"),
    "review.summary_uploaded": ("programme_title", "owner_name", "unit_name", "level", "recommended_count",
                                "uploaded_at"),
    "review.recommendations_complete": ("programme_title", "owner_name", "recommended", "unit_count",
                                        "completed_at"),
    "review.publicity_opened": (*_ENTERPRISE_APPLICATION, "opens_at", "closes_at"),
    "review.recognised": (*_ENTERPRISE_APPLICATION, "rank", "published_at"),
    "review.not_recognised": (*_ENTERPRISE_APPLICATION, "reason", "published_at"),
    "review.expired": (*_ENTERPRISE_APPLICATION, "reason", "published_at"),
    "review.recognition_amended": (*_ENTERPRISE_APPLICATION, "outcome", "list_version", "reason", "amended_at"),
    "reminder.draft": ("enterprise_name", "programme_title", "owner_name", "closes_at", "days_left"),
    "reminder.review": ("unit_name", "programme_title", "open_tasks", "due_at", "days_left"),
    # 定期调度 (or the yearly data update): an enterprise due that has not yet filed the open window's report
    "reminder.report": ("enterprise_name", "programme_title", "owner_name", "report_title", "closes_at", "days_left"),
    # a one-time code asked for at the gateway (password reset): SMS or e-mail only
    "account.reset_code": ("recipient_label", "code", "expires_at"),
    # programme.amended that moves a deadline later: enterprises, and the reviewing units
    "programme.extended": ("enterprise_name", "programme_title", "owner_name", "closes_at", "previous_closes_at",
                           "reason"),
    "programme.review_extended": ("unit_name", "programme_title", "owner_name", "review_closes_at",
                                  "previous_review_closes_at", "closes_at", "reason"),
})

# who each kind is addressed to (documentation and tests; the builders in ``notices`` decide)
AUDIENCE: MappingProxyType[str, str] = MappingProxyType({
    kind: ("unit" if kind in {"review.task_opened", "reminder.review", "programme.review_extended"}
           else "admins" if kind in {"review.summary_uploaded", "review.recommendations_complete"}
           else "enterprise")
    for kind in FIELDS
})


def provided_fields(kind: str) -> tuple[str, ...]:
    """Every field a template of ``kind`` may use."""
    return (*COMMON_FIELDS, *FIELDS[kind])
