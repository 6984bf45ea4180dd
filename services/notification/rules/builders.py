"""The field values of each kind of notice, from the event payload and the programme.

One function per kind; each returns exactly the fields ``catalogue.FIELDS`` declares
(``checked_fields`` enforces it), as text ready for the templates.
"""

from __future__ import annotations

from datetime import datetime

from kernel.programme import ProgrammeModel
from notification.rules.notices import (
    checked_fields,
    days_left,
    fmt_time,
    format_reasons,
    next_step_text,
    or_default,
    programme_fields,
    round_text,
)
from zjtx_api import registration_pb2, review_pb2

# what a message says when an event left a name out: never a blank
ENTERPRISE = "贵企业"
UNIT = "审核单位"


def registered(payload: registration_pb2.EnterpriseRegistered) -> dict[str, str]:
    return checked_fields("enterprise.registered", {"enterprise_name": or_default(payload.name, ENTERPRISE),
                                                    "uscc": or_default(payload.uscc, "（未提供）")})


def _application(programme: ProgrammeModel, application_id: str, enterprise_name: str) -> dict[str, object]:
    return {**programme_fields(programme), "application_id": application_id,
            "enterprise_name": or_default(enterprise_name, ENTERPRISE)}


def submitted(snapshot: registration_pb2.ApplicationSnapshot, programme: ProgrammeModel) -> dict[str, str]:
    return checked_fields("application.submitted", {
        **_application(programme, snapshot.application_id, snapshot.enterprise.name),
        "submitted_at": fmt_time(snapshot.submitted_at), "closes_at": fmt_time(programme.closes_at),
        "content_hash": or_default(snapshot.content_hash, "（无）"),
    })


def resubmitted(payload: registration_pb2.ApplicationResubmitted, programme: ProgrammeModel) -> dict[str, str]:
    snapshot = payload.application
    return checked_fields("application.resubmitted", {
        **_application(programme, snapshot.application_id, snapshot.enterprise.name),
        "submitted_at": fmt_time(snapshot.submitted_at), "closes_at": fmt_time(programme.closes_at),
        "content_hash": or_default(snapshot.content_hash, "（无）"), "round": payload.round,
    })


def withdrawn(payload: registration_pb2.ApplicationWithdrawn, programme: ProgrammeModel,
              enterprise_name: str) -> dict[str, str]:
    return checked_fields("application.withdrawn", {
        **_application(programme, payload.application_id, enterprise_name),
        "withdrawn_at": fmt_time(payload.withdrawn_at), "reason": or_default(payload.reason, "未说明"),
    })


def task_opened(payload: review_pb2.TaskOpened, programme: ProgrammeModel) -> dict[str, str]:
    step = payload.step
    return checked_fields("review.task_opened", {
        "unit_name": or_default(step.unit_name, UNIT), "enterprise_name": or_default(step.enterprise_name, "（企业名称未提供）"),
        "programme_title": programme.title,
        "application_id": step.application_id, "level": step.level, "level_title": programme.level_title(step.level),
        "due_at": fmt_time(payload.due_at or programme.review_closes_at), "round_text": round_text(payload.round),
    })


def _step(step: review_pb2.ReviewStep, programme: ProgrammeModel) -> dict[str, object]:
    return {**_application(programme, step.application_id, step.enterprise_name),
            "unit_name": or_default(step.unit_name, UNIT)}


def passed(payload: review_pb2.Passed, programme: ProgrammeModel) -> dict[str, str]:
    step = payload.step
    return checked_fields("review.passed", {
        **_step(step, programme), "level": step.level, "level_title": programme.level_title(step.level),
        "opinion": or_default(payload.opinion, "无"), "next_step": next_step_text(programme, payload.next_level),
    })


def returned(payload: review_pb2.Returned, programme: ProgrammeModel) -> dict[str, str]:
    step = payload.step
    reasons = [(r.target_kind, r.target, r.target_title, r.reason) for r in payload.reasons]
    return checked_fields("review.returned", {
        **_step(step, programme), "level_title": programme.level_title(step.level),
        "reasons": format_reasons(reasons), "reason_count": len({(r[0], r[1]) for r in reasons}) or 1,
        "round": payload.round or 1, "max_rounds": payload.max_rounds or programme.max_return_rounds,
        "resubmit_by": fmt_time(payload.resubmit_by or programme.closes_at),
    })


def rejected(payload: review_pb2.Rejected, programme: ProgrammeModel) -> dict[str, str]:
    step = payload.step
    return checked_fields("review.rejected", {
        **_step(step, programme), "level_title": programme.level_title(step.level),
        "reason": or_default(payload.reason, "（审核单位未填写理由，请联系审核单位）"),
    })


def recommended(payload: review_pb2.Recommended, programme: ProgrammeModel) -> dict[str, str]:
    return checked_fields("review.recommended", {
        **_step(payload.step, programme), "unit_rank": payload.unit_rank or "—",
        "opinion": or_default(payload.opinion, "无"),
    })


def summary_uploaded(payload: review_pb2.SummaryUploaded, programme: ProgrammeModel) -> dict[str, str]:
    return checked_fields("review.summary_uploaded", {
        **programme_fields(programme), "unit_name": or_default(payload.unit_name, UNIT), "level": payload.level,
        "recommended_count": len(payload.application_ids), "uploaded_at": fmt_time(payload.at),
    })


def recommendations_complete(payload: review_pb2.RecommendationsComplete, programme: ProgrammeModel) -> dict[str, str]:
    return checked_fields("review.recommendations_complete", {
        **programme_fields(programme), "recommended": payload.recommended, "unit_count": len(payload.unit_ids),
        "completed_at": fmt_time(payload.at),
    })


def publicity_opened(payload: review_pb2.PublicityOpened, programme: ProgrammeModel, application_id: str,
                     enterprise_name: str) -> dict[str, str]:
    return checked_fields("review.publicity_opened", {
        **_application(programme, application_id, enterprise_name),
        "opens_at": fmt_time(payload.opens_at), "closes_at": fmt_time(payload.closes_at),
    })


def recognition(payload: review_pb2.Recognition, programme: ProgrammeModel, kind: str = "") -> dict[str, str]:
    base = {**_application(programme, payload.application_id, payload.enterprise_name),
            "published_at": fmt_time(payload.published_at)}
    if kind == "review.expired":
        return checked_fields("review.expired", {**base, "reason": or_default(payload.reason, "结果发布时未完成审核")})
    if payload.recognised:
        return checked_fields("review.recognised", {**base, "rank": payload.rank or "—"})
    return checked_fields("review.not_recognised", {**base, "reason": or_default(payload.reason, "未进入择优认定名单")})


def draft_reminder(programme: ProgrammeModel, enterprise_name: str, now: datetime) -> dict[str, str]:
    return checked_fields("reminder.draft", {
        **programme_fields(programme), "enterprise_name": enterprise_name, "closes_at": fmt_time(programme.closes_at),
        "days_left": days_left(now, programme.closes_at),
    })


def report_reminder(programme: ProgrammeModel, enterprise_name: str, period_label: str, closes_at: datetime,
                    now: datetime, annual: bool = False) -> dict[str, str]:
    return checked_fields("reminder.report", {
        **programme_fields(programme), "enterprise_name": or_default(enterprise_name, ENTERPRISE),
        "report_title": period_label if annual else f"{period_label}定期调度报告",
        "closes_at": fmt_time(closes_at), "days_left": days_left(now, closes_at),
    })


def review_reminder(programme: ProgrammeModel, unit_name: str, open_tasks: int, due_at: datetime,
                    now: datetime) -> dict[str, str]:
    return checked_fields("reminder.review", {
        "unit_name": unit_name, "programme_title": programme.title, "open_tasks": open_tasks,
        "due_at": fmt_time(due_at), "days_left": days_left(now, due_at),
    })


def programme_extended(payload: review_pb2.ProgrammeAmended, programme: ProgrammeModel,
                       enterprise_name: str) -> dict[str, str]:
    return checked_fields("programme.extended", {
        **programme_fields(programme), "enterprise_name": or_default(enterprise_name, ENTERPRISE),
        "closes_at": fmt_time(payload.closes_at), "previous_closes_at": fmt_time(payload.previous_closes_at),
        "reason": or_default(payload.reason, "（未说明）"),
    })


def programme_review_extended(payload: review_pb2.ProgrammeAmended, programme: ProgrammeModel,
                              unit_name: str) -> dict[str, str]:
    return checked_fields("programme.review_extended", {
        **programme_fields(programme), "unit_name": unit_name, "closes_at": fmt_time(payload.closes_at),
        "review_closes_at": fmt_time(payload.review_closes_at),
        "previous_review_closes_at": fmt_time(payload.previous_review_closes_at),
        "reason": or_default(payload.reason, "（未说明）"),
    })


def draft_expired(payload: registration_pb2.ApplicationExpired, programme: ProgrammeModel,
                  enterprise_name: str) -> dict[str, str]:
    return checked_fields("application.expired", {
        **_application(programme, payload.application_id, enterprise_name), "expired_at": fmt_time(payload.expired_at),
        "reason": or_default(payload.reason, "草稿未在截止时间前提交"),
    })


def account_code(code: str, expires_at: str, name: str) -> dict[str, str]:
    return checked_fields("account.reset_code", {"recipient_label": or_default(name, "用户"), "code": code,
                                                 "expires_at": fmt_time(expires_at)})


def recognition_amended(payload: review_pb2.RecognitionAmended, outcome: review_pb2.Recognition,
                        programme: ProgrammeModel, enterprise_name: str) -> dict[str, str]:
    return checked_fields("review.recognition_amended", {
        **_application(programme, outcome.application_id, enterprise_name),
        "outcome": f"已认定（第{outcome.rank}名）" if outcome.recognised else "未认定",
        "list_version": payload.list_version, "reason": or_default(payload.reason, "（未说明）"),
        "amended_at": fmt_time(payload.at),
    })
