"""What each consumed event teaches the service, and which notices it records.

Each function runs inside the event handler's transaction (``unit``). A payload that
lacks what every notice needs raises ``PermanentEventError`` (dead-lettered at once,
operations staff can replay it); a review service that cannot be reached raises an
ordinary error, so the event is retried.
"""

from __future__ import annotations

from typing import Any

from kernel.divisions import region_prefix
from kernel.personal import CONTACT_FIELDS, open_contact
from notification import directory, storage
from notification.dispatch import Deps, record_notice, stored_contact
from notification.rules import builders
from notification.rules.access import check_recipient
from notification.rules.notices import Contact, Notice, Target, admin_targets, enterprise_targets, parse_time, unit_targets
from zjtx.clock import now
from zjtx.crypto import field_cipher
from zjtx.envelope import Envelope
from zjtx.errors import Violation, invalid
from zjtx.events import PermanentEventError
from zjtx.mongo import UnitOfWork
from zjtx_api import registration_pb2, review_pb2

DECISIONS = {"review.passed": "passed", "review.returned": "returned", "review.rejected": "rejected"}


def require(event: Envelope, **values: str) -> None:
    missing = [name for name, value in values.items() if not value]
    if missing:
        raise PermanentEventError(f"{event.type} {event.id}: payload lacks {', '.join(missing)}")


def contact_of(holder: Any) -> Contact:
    """The contact of an enterprise event or snapshot: ``sealed_contact`` (sealed with the instance's
    field key, opened here), else the deprecated clear ``contact`` of events published before."""
    if holder.HasField("sealed_contact"):
        opened = open_contact(field_cipher(), {k: getattr(holder.sealed_contact, k) for k in CONTACT_FIELDS})
        return Contact(**{k: v.strip() for k, v in opened.items()})
    message = holder.contact
    return Contact(person=message.person.strip(), mobile=message.mobile.strip(), email=message.email.strip())


def notice(kind: str, event: Envelope, fields: dict[str, str], targets: tuple[Target, ...]) -> Notice:
    return Notice(kind, event.id, event.type, event.subject, fields, targets)


def learn_enterprise(unit: UnitOfWork, enterprise_id: str, name: str, uscc: str, region_code: str,
                     contact: Contact) -> None:
    storage.save_enterprise(unit, enterprise_id, {
        "name": name, "uscc": uscc, "region_code": region_code,
        "contact": {"person": contact.person, "mobile": contact.mobile, "email": contact.email},
    }, now())


def enterprise_audience(unit: UnitOfWork, event: Envelope, enterprise_id: str, application_id: str,
                        fallback_name: str) -> tuple[str, tuple[Target, ...]]:
    """The enterprise's name and targets, from what registration's events told us."""
    enterprise_id = enterprise_id or storage.application(unit, application_id).get("enterprise_id", "")
    require(event, enterprise_id=enterprise_id)
    known = storage.enterprise(unit, enterprise_id)
    name = known.get("name") or fallback_name or "贵企业"  # never a blank in a message
    return name, enterprise_targets(enterprise_id, name, stored_contact(known.get("contact")))


# -- registration ----------------------------------------------------------------------


def enterprise_registered(deps: Deps, unit: UnitOfWork, event: Envelope) -> None:
    payload = event.payload(registration_pb2.EnterpriseRegistered)
    require(event, enterprise_id=payload.enterprise_id)
    contact = contact_of(payload)
    learn_enterprise(unit, payload.enterprise_id, payload.name, payload.uscc, payload.region_code, contact)
    record_notice(deps, unit, notice("enterprise.registered", event, builders.registered(payload),
                                     enterprise_targets(payload.enterprise_id, payload.name, contact)))


def enterprise_profile_changed(deps: Deps, unit: UnitOfWork, event: Envelope) -> None:
    payload = event.payload(registration_pb2.EnterpriseProfileChanged)
    require(event, enterprise_id=payload.enterprise_id)
    learn_enterprise(unit, payload.enterprise_id, payload.name, "", payload.region_code, contact_of(payload))


def _snapshot(deps: Deps, unit: UnitOfWork, event: Envelope, snapshot: registration_pb2.ApplicationSnapshot,
              state: str) -> tuple[Any, tuple[Target, ...]]:
    enterprise = snapshot.enterprise
    require(event, application_id=snapshot.application_id, programme_id=snapshot.programme_id,
            enterprise_id=enterprise.enterprise_id)
    programme = deps.programme(snapshot.programme_id)
    contact = contact_of(enterprise)
    learn_enterprise(unit, enterprise.enterprise_id, enterprise.name, enterprise.uscc, enterprise.region_code, contact)
    storage.save_application(unit, snapshot.application_id, {
        "programme_id": snapshot.programme_id, "enterprise_id": enterprise.enterprise_id,
        "enterprise_name": enterprise.name, "state": state}, now())
    # the snapshot's contact is the one the enterprise gave when it submitted; only when it
    # lacks something is what earlier events taught us read back (just merged into it above)
    if enterprise.name and contact.person and contact.email and contact.mobile:
        return programme, enterprise_targets(enterprise.enterprise_id, enterprise.name, contact)
    _, targets = enterprise_audience(unit, event, enterprise.enterprise_id, snapshot.application_id, enterprise.name)
    return programme, targets


def application_submitted(deps: Deps, unit: UnitOfWork, event: Envelope) -> None:
    payload = event.payload(registration_pb2.ApplicationSubmitted)
    programme, targets = _snapshot(deps, unit, event, payload.application, "submitted")
    record_notice(deps, unit, notice("application.submitted", event, builders.submitted(payload.application, programme),
                                     targets))


def application_resubmitted(deps: Deps, unit: UnitOfWork, event: Envelope) -> None:
    payload = event.payload(registration_pb2.ApplicationResubmitted)
    programme, targets = _snapshot(deps, unit, event, payload.application, "resubmitted")
    record_notice(deps, unit, notice("application.resubmitted", event, builders.resubmitted(payload, programme),
                                     targets))


def application_withdrawn(deps: Deps, unit: UnitOfWork, event: Envelope) -> None:
    payload = event.payload(registration_pb2.ApplicationWithdrawn)
    require(event, application_id=payload.application_id)
    known = storage.application(unit, payload.application_id)
    programme = deps.programme(payload.programme_id or known.get("programme_id", ""))
    storage.save_application(unit, payload.application_id, {
        "programme_id": programme.id, "enterprise_id": payload.enterprise_id, "state": "withdrawn"}, now())
    storage.close_tasks_of(unit, payload.application_id, "withdrawn", now())
    name, targets = enterprise_audience(unit, event, payload.enterprise_id, payload.application_id,
                                        known.get("enterprise_name", ""))
    record_notice(deps, unit, notice("application.withdrawn", event, builders.withdrawn(payload, programme, name),
                                     targets))


# -- review: tasks and decisions -------------------------------------------------------


def task_opened(deps: Deps, unit: UnitOfWork, event: Envelope) -> None:
    payload = event.payload(review_pb2.TaskOpened)
    step = payload.step
    require(event, task_id=step.task_id, programme_id=step.programme_id, unit_id=step.unit_id)
    programme = deps.programme(step.programme_id)
    due_at = parse_time(payload.due_at) or programme.review_deadline(step.level)
    # the unit's reviewers first: if review cannot say, nothing is written (no transaction here)
    unit_name, accounts = directory.unit(deps.review, step.unit_id)
    storage.open_task(unit, step.task_id, {
        "application_id": step.application_id, "programme_id": step.programme_id, "unit_id": step.unit_id,
        "unit_name": step.unit_name, "level": step.level, "due_at": due_at, "opened_at": now()})
    storage.save_application(unit, step.application_id, {
        "programme_id": step.programme_id, "enterprise_id": step.enterprise_id,
        "enterprise_name": step.enterprise_name}, now())
    targets = unit_targets(step.unit_id, step.unit_name or unit_name, accounts)
    record_notice(deps, unit, notice("review.task_opened", event, builders.task_opened(payload, programme), targets))


def _decision(deps: Deps, unit: UnitOfWork, event: Envelope, step: review_pb2.ReviewStep) -> tuple[Any, tuple]:
    require(event, programme_id=step.programme_id, application_id=step.application_id)
    programme = deps.programme(step.programme_id)
    if step.task_id and event.type in DECISIONS:
        storage.close_task(unit, step.task_id, DECISIONS[event.type], now())
    _, targets = enterprise_audience(unit, event, step.enterprise_id, step.application_id, step.enterprise_name)
    return programme, targets


def passed(deps: Deps, unit: UnitOfWork, event: Envelope) -> None:
    payload = event.payload(review_pb2.Passed)
    programme, targets = _decision(deps, unit, event, payload.step)
    record_notice(deps, unit, notice("review.passed", event, builders.passed(payload, programme), targets))


def returned(deps: Deps, unit: UnitOfWork, event: Envelope) -> None:
    payload = event.payload(review_pb2.Returned)
    programme, targets = _decision(deps, unit, event, payload.step)
    record_notice(deps, unit, notice("review.returned", event, builders.returned(payload, programme), targets))


def rejected(deps: Deps, unit: UnitOfWork, event: Envelope) -> None:
    payload = event.payload(review_pb2.Rejected)
    programme, targets = _decision(deps, unit, event, payload.step)
    record_notice(deps, unit, notice("review.rejected", event, builders.rejected(payload, programme), targets))


def recommended(deps: Deps, unit: UnitOfWork, event: Envelope) -> None:
    payload = event.payload(review_pb2.Recommended)
    programme, targets = _decision(deps, unit, event, payload.step)
    record_notice(deps, unit, notice("review.recommended", event, builders.recommended(payload, programme), targets))


# -- review: the programme's admins ------------------------------------------------------


def _admins(deps: Deps, programme: Any) -> tuple[Target, ...]:
    _, accounts = directory.unit(deps.review, programme.owner_unit_id)
    return admin_targets(programme, accounts)


def summary_uploaded(deps: Deps, unit: UnitOfWork, event: Envelope) -> None:
    payload = event.payload(review_pb2.SummaryUploaded)
    require(event, programme_id=payload.programme_id)
    programme = deps.programme(payload.programme_id)
    record_notice(deps, unit, notice("review.summary_uploaded", event, builders.summary_uploaded(payload, programme),
                                     _admins(deps, programme)))


def recommendations_complete(deps: Deps, unit: UnitOfWork, event: Envelope) -> None:
    payload = event.payload(review_pb2.RecommendationsComplete)
    require(event, programme_id=payload.programme_id)
    programme = deps.programme(payload.programme_id)
    record_notice(deps, unit, notice("review.recommendations_complete", event,
                                     builders.recommendations_complete(payload, programme), _admins(deps, programme)))


# -- review: 公示 and recognition --------------------------------------------------------


def publicity_opened(deps: Deps, unit: UnitOfWork, event: Envelope) -> None:
    """Every enterprise on the 公示 list hears that it is published and until when."""
    payload = event.payload(review_pb2.PublicityOpened)
    require(event, programme_id=payload.programme_id)
    programme = deps.programme(payload.programme_id)
    for application_id in payload.application_ids:
        known = storage.application(unit, application_id)
        if not known.get("enterprise_id"):
            continue  # an application we never heard of has no one to address
        name, targets = enterprise_audience(unit, event, known["enterprise_id"], application_id,
                                            known.get("enterprise_name", ""))
        fields = builders.publicity_opened(payload, programme, application_id, name)
        record_notice(deps, unit, notice("review.publicity_opened", event, fields, targets))


def recognition(deps: Deps, unit: UnitOfWork, event: Envelope) -> None:
    payload = event.payload(review_pb2.Recognition)
    require(event, programme_id=payload.programme_id, application_id=payload.application_id)
    programme = deps.programme(payload.programme_id)
    _, targets = enterprise_audience(unit, event, payload.enterprise_id, payload.application_id,
                                     payload.enterprise_name)
    if event.type == "review.recognised":  # the event type decides, whatever the flag says
        payload.recognised = True
    elif event.type == "review.not_recognised":
        payload.recognised = False
    kind = "review.recognised" if payload.recognised else "review.not_recognised"
    if event.type == "review.expired":
        kind = "review.expired"
        payload.recognised = False
    record_notice(deps, unit, notice(kind, event, builders.recognition(payload, programme, kind), targets))


def programme_changed(deps: Deps, unit: UnitOfWork, event: Envelope) -> None:
    """A programme opened or closed: its dates may have changed, so reminders re-read it."""
    payload = event.payload(review_pb2.ProgrammeWindowChanged)
    directory.forget_programme(payload.programme_id or event.subject)


def programme_amended(deps: Deps, unit: UnitOfWork, event: Envelope) -> None:
    """A new version: every copy of the programme is re-read; an extension reaches everyone it affects:
    when the submission deadline moved, the enterprises that applied and those of the region without a
    submission (the draft reminders' audience); always, every unit reviewing the programme."""
    payload = event.payload(review_pb2.ProgrammeAmended)
    require(event, programme_id=payload.programme_id)
    directory.forget_programme(payload.programme_id)
    if not payload.extended:
        return
    programme = deps.programme(payload.programme_id)
    submissions_extended = payload.closes_at != payload.previous_closes_at  # a review-only extension is the units'
    audience = storage.extension_audience(unit.db, region_prefix(programme.owner), programme.id) \
        if submissions_extended else []
    for enterprise in audience:
        name = enterprise.get("name") or "贵企业"
        targets = enterprise_targets(enterprise["_id"], name, stored_contact(enterprise.get("contact")))
        record_notice(deps, unit, notice("programme.extended", event,
                                         builders.programme_extended(payload, programme, name), targets))
    for unit_id, fallback in storage.reviewing_units(unit.db, programme.id):
        unit_name, accounts = directory.unit(deps.review, unit_id)
        unit_name = unit_name or fallback or unit_id
        record_notice(deps, unit, notice("programme.review_extended", event,
                                         builders.programme_review_extended(payload, programme, unit_name),
                                         unit_targets(unit_id, unit_name, accounts)))


def draft_expired(deps: Deps, unit: UnitOfWork, event: Envelope) -> None:
    """A draft never submitted, concluded at publication (registration's application.expired)."""
    payload = event.payload(registration_pb2.ApplicationExpired)
    require(event, programme_id=payload.programme_id, enterprise_id=payload.enterprise_id)
    programme = deps.programme(payload.programme_id)
    name, targets = enterprise_audience(unit, event, payload.enterprise_id, payload.application_id, "")
    record_notice(deps, unit, notice("application.expired", event,
                                     builders.draft_expired(payload, programme, name), targets))


def account_code_notice(request: Any) -> Notice:
    """A password-reset code to the one channel the enterprise chose (never its inbox: it cannot sign in)."""
    recipient = check_recipient(request.recipient)
    if request.channel not in ("sms", "email") or not request.address.strip():
        raise invalid("channel.invalid", "验证码只能通过短信（sms）或电子邮件（email）发送到登记的地址",
                      [Violation("channel", "channel", "可选：sms、email")])
    if not request.code.isdigit() or not request.request_id:
        raise invalid("code.invalid", "验证码应为数字，且须带请求编号", [Violation("code", "code", "数字验证码")])
    fields = builders.account_code(request.code, request.expires_at, request.name)
    return Notice("account.reset_code", f"account-code:{request.request_id}", "account.reset_code", recipient, fields,
                  (Target(recipient, request.channel, request.address.strip(), request.name or "用户"),))


def recognition_amended(deps: Deps, unit: UnitOfWork, event: Envelope) -> None:
    """Each enterprise whose outcome a correction of the published list changed hears it, with the reason."""
    payload = event.payload(review_pb2.RecognitionAmended)
    require(event, programme_id=payload.programme_id)
    programme = deps.programme(payload.programme_id)
    for outcome in [*payload.removed, *payload.added]:
        name, targets = enterprise_audience(unit, event, outcome.enterprise_id, outcome.application_id,
                                            outcome.enterprise_name)
        record_notice(deps, unit, Notice("review.recognition_amended", f"{event.id}:{outcome.application_id}",
                                         event.type, outcome.application_id,
                                         builders.recognition_amended(payload, outcome, programme, name), targets))
