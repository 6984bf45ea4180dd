"""Review's events, applied to the enterprise-facing application.

``apply`` (the review events of an application's course) runs without a transaction, its
writes idempotent (see there); the others run inside the idempotent-consumer transaction
(``zjtx.events.handles``).
An event about an application this registration does not hold (another deployment's,
or a test's made-up one) is logged and skipped: replaying it could never succeed.
"""

from __future__ import annotations

import logging
from typing import Any

from registration import storage
from registration.rules.applications import DRAFT, EXPIRED, NOT_RECOGNISED, RECOGNISED, review_change
from zjtx import event_types
from zjtx.clock import iso, now
from zjtx.envelope import Envelope
from zjtx.events import PermanentEventError
from zjtx.mongo import UnitOfWork
from zjtx_api import registration_pb2, review_pb2

log = logging.getLogger(__name__)

# The review events registration applies, declared once: the service's handlers are made
# from it and each payload's class comes from the event registry (zjtx.event_types).
CONSUMED = ("review.task_opened", "review.passed", "review.returned", "review.rejected", "review.recommended",
            "review.recognised", "review.not_recognised", "review.expired")


def event_info(event: Envelope) -> tuple[str, dict[str, Any]]:
    """(application id, what the rules need) from one review event."""
    if event.type not in CONSUMED:
        raise PermanentEventError(f"{event.type} is not a review event registration handles")
    message_type = event_types.payload_of(event.type)
    payload: Any = event.payload(message_type)
    if message_type is review_pb2.Recognition:
        return payload.application_id, {"rank": payload.rank, "reason": payload.reason, "actor": "",
                                        "unit_name": ""}
    step = payload.step
    info: dict[str, Any] = {"level": step.level, "unit_id": step.unit_id, "unit_name": step.unit_name,
                            "task_id": step.task_id, "actor": step.reviewer}
    if event.type == "review.task_opened":
        info["round"] = payload.round
    elif event.type == "review.passed":
        info["opinion"] = payload.opinion
    elif event.type == "review.returned":
        info.update(round=payload.round, max_rounds=payload.max_rounds, resubmit_by=payload.resubmit_by,
                    corrections=[{"target_kind": r.target_kind, "target": r.target, "target_title": r.target_title,
                                  "reason": r.reason} for r in payload.reasons])
    elif event.type == "review.rejected":
        info["reason"] = payload.reason
    elif event.type == "review.recommended":
        info.update(opinion=payload.opinion, rank=payload.unit_rank)
    return step.application_id, info


# Review events applied to an application, by id: the guard that makes applying one again
# after a crash (its inbox record is written last, outside any transaction) change nothing.
APPLIED = "review_events"
ATTEMPTS = 5  # an application changed meanwhile (by the enterprise, another event): read it again


def apply(unit: UnitOfWork, event: Envelope) -> None:
    """One review event on the application, without a transaction (``handles(transaction=False)``).

    Writes, each idempotent, in one round trip and in this order: (1) the history entry under the
    event's natural key (written again, not doubled), (2) the status change, conditional on the
    version read and adding the event id to ``review_events`` in the same update. A crash after
    (1) leaves the application unchanged: the redelivery computes the same change and writes
    both. A crash after (2) leaves the event id on the application: the redelivery finds it and
    writes nothing. A change made meanwhile by someone else fails the version condition: read
    and apply again."""
    application_id, info = event_info(event)
    if not application_id or application_id != event.subject:
        raise PermanentEventError(f"{event.type} {event.id}: application id {application_id!r} "
                                  f"does not match the subject {event.subject!r}")
    for _ in range(ATTEMPTS if unit.session is None else 1):
        application = storage.application_course(unit.db, application_id, unit.session)
        if application is None:
            log.warning("%s %s for unknown application %s skipped", event.type, event.id, application_id)
            return
        if event.id in application.get(APPLIED, ()):
            return  # applied before a crash cut the handler short; its history entry was written first
        change = review_change(event.type, application["status"], application.get("return_round", 0), info)
        at = now()
        changed = change.status is not None or bool(change.set)
        entry = {
            "application_id": application_id, "at": at,
            "actor": info.get("actor") or (f"review:{info['unit_name']}" if info.get("unit_name") else "review"),
            "role": "reviewer" if info.get("actor") else "system", "action": change.action,
            "detail": change.ignored or change.detail, "reason": change.reason,
            "version": application["version"] + (1 if changed else 0),
            "data": {"event_id": event.id, "event_type": event.type, "ignored": bool(change.ignored),
                     **{k: v for k, v in info.items() if k in ("level", "unit_id", "task_id", "round", "rank")}},
        }
        if not changed:
            storage.put_history(unit, f"review-event:{event.id}", entry)
            return
        updates = {**change.set, **({"status": change.status} if change.status else {})}
        if storage.change_with_history(unit, f"review-event:{event.id}", entry, application_id,
                                       {"version": application["version"]}, updates, at, push={APPLIED: event.id}):
            return
    # changed under us each time: let the event be redelivered
    raise RuntimeError(f"application {application_id} changed while applying {event.type}")


def expire_drafts(unit: UnitOfWork, event: Envelope) -> int:
    """review.results_published: a draft never submitted is concluded as expired, with its history entry and
    application.expired (notification tells the enterprise). Redelivery finds no draft left."""
    payload = event.payload(review_pb2.ResultsPublished)
    if not payload.programme_id:
        raise PermanentEventError(f"{event.type} {event.id}: no programme_id")
    at = now()
    reason = f"{payload.title or payload.programme_id}认定结果已发布，申请未在截止时间前提交，已过期"
    expired = 0
    for draft in storage.drafts_of(unit, payload.programme_id):
        application = storage.change_application(unit, draft["_id"], {"status": DRAFT, "version": draft["version"]},
                                                 {"status": EXPIRED, "expired_at": at, "decision_reason": reason}, at)
        if application is None:
            continue  # submitted meanwhile: its own path concludes it
        storage.append_history(unit, {
            "application_id": draft["_id"], "at": at, "actor": "review", "role": "system", "action": "expired",
            "detail": "草稿未提交，申请过期", "reason": reason, "version": application["version"],
            "data": {"event_id": event.id, "event_type": event.type}})
        unit.emit_event(registration_pb2.ApplicationExpired(
            application_id=draft["_id"], programme_id=payload.programme_id, enterprise_id=draft["enterprise_id"],
            reason=reason, expired_at=iso(at)), draft["_id"])
        expired += 1
    log.info("%d draft(s) of %s expired at publication", expired, payload.programme_id)
    return expired


def apply_recognition_amendment(unit: UnitOfWork, event: Envelope) -> int:
    """review.recognition_amended: the corrected outcome replaces the published one (the only change a final
    state takes), with a history entry naming the list version and the reason. Idempotent by event id."""
    payload = event.payload(review_pb2.RecognitionAmended)
    changed, at = 0, now()
    for outcome, status in [*((r, NOT_RECOGNISED) for r in payload.removed), *((r, RECOGNISED) for r in payload.added)]:
        application = storage.get_application(unit.db, outcome.application_id, unit.session)
        if application is None:
            continue
        if application["status"] != status:
            updated = storage.change_application(unit, application["_id"], {"version": application["version"]},
                                                 {"status": status, "decision_reason": outcome.reason}, at)
            if updated is None:
                raise RuntimeError(f"application {application['_id']} changed while applying {event.type}")
            application, changed = updated, changed + 1
        storage.append_history(unit, {
            "application_id": application["_id"], "at": at, "actor": "review", "role": "system",
            "action": "recognition_amended", "reason": payload.reason, "version": application["version"],
            "detail": f"认定名单第{payload.list_version}版更正：{'补入认定名单' if status == RECOGNISED else '移出认定名单'}",
            "data": {"event_id": event.id, "event_type": event.type}})
    return changed


ENDED = {"review.recognition_revoked": "revoked", "review.recognition_lapsed": "lapsed"}


def end_recognition(unit: UnitOfWork, event: Envelope) -> bool:
    """review.recognition_revoked / review.recognition_lapsed: the application keeps its outcome (recognised)
    and records that the recognition ended, so the enterprise is no longer due 定期调度 reports (nor the
    yearly update) and no longer reminded. Idempotent: a redelivery finds it recorded."""
    if event.type not in ENDED:
        raise PermanentEventError(f"{event.type} does not end a recognition")
    payload = event.payload(review_pb2.RecognitionChanged)
    record = payload.recognition
    application = storage.get_application(unit.db, record.application_id, unit.session) if record.application_id \
        else None
    if application is None:
        log.warning("%s %s for unknown application %r skipped", event.type, event.id, record.application_id)
        return False
    ended = ENDED[event.type]
    if application.get("recognition_status") == ended:
        return False
    at = now()
    reason = payload.reason or payload.notice or ("认定已撤销" if ended == "revoked" else "认定有效期届满未复核，已失效")
    updated = storage.change_application(unit, application["_id"], {"version": application["version"]},
                                         {"recognition_status": ended, "recognition_ended_at": at,
                                          "recognition_ended_reason": reason}, at)
    if updated is None:
        raise RuntimeError(f"application {application['_id']} changed while applying {event.type}")
    storage.append_history(unit, {
        "application_id": application["_id"], "at": at, "actor": "review", "role": "system",
        "action": f"recognition_{ended}", "reason": reason, "version": updated["version"],
        "detail": "认定已撤销，不再报送定期调度报告" if ended == "revoked" else "认定已失效，不再报送定期调度报告",
        "data": {"event_id": event.id, "event_type": event.type, "recognition_id": record.id}})
    return True
