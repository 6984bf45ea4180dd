"""Recording notices as deliveries, sending them, and the reminder checker.

Handlers and reminders only *record* deliveries (with the inbox message). The sender, a
timer, claims a batch of due deliveries, sends them outside any transaction, and records
the outcome. A delivery due now on a channel this process sends is recorded already claimed
by this process's sender and handed to it in memory once written (``SenderQueue``): one
write fewer per e-mail or SMS than a claim; if the process stops before sending it, its
lease runs out and any sender claims it. ``notification.failed`` goes through the outbox,
and ``notification.delivered`` only for the channels a deployment lists in
``DELIVERED_EVENTS`` (nobody in the suite consumes it).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import eventlet
from nameko_grpc.errors import GrpcError
from opentelemetry import propagate, trace
from pymongo.errors import DuplicateKeyError

from kernel.divisions import region_prefix
from kernel.programme import ProgrammeModel
from notification import directory, storage
from notification.channels import ChannelError
from notification.providers import SenderQueue, Settings
from notification.rules import builders
from notification.rules.deliveries import (
    FAILED,
    PENDING,
    SENT,
    SKIPPED,
    SUBMITTED_SINCE,
    after_failure,
    initial_state,
)
from notification.rules.notices import (
    Contact,
    Notice,
    Target,
    enterprise_targets,
    unit_targets,
)
from notification.rules.preferences import effective
from notification.rules.reminders import draft_key, due_step, report_key, review_key
from notification.rules.templates import TemplateSet
from zjtx import attributes
from zjtx.clock import iso, now, parse_instant
from zjtx.crypto import field_cipher, redact
from zjtx.mongo import StoreHandle, UnitOfWork
from zjtx_api import notification_pb2, registration_pb2

log = logging.getLogger(__name__)
tracer = trace.get_tracer("zjtx.notification")


@dataclass(frozen=True)
class Deps:
    """What the service layer needs from the service's dependencies."""

    review: Any            # ServiceClient proxy of the review service
    templates: TemplateSet
    settings: Settings
    registration: Any = None  # ServiceClient proxy of registration: who has submitted, right before a reminder
    sender: SenderQueue | None = None  # this process's sender, for deliveries due now (none: left to the claim)

    def programme(self, programme_id: str) -> ProgrammeModel:
        return directory.programme(self.review, programme_id, self.settings.cache_seconds)


# -- recording -------------------------------------------------------------------------


def emit_outcome(unit: UnitOfWork, delivery: dict[str, Any], delivered: bool, attempts: int, error: str = "") -> None:
    outcome = notification_pb2.DeliveryOutcome(
        delivery_id=delivery["_id"], recipient=delivery["recipient"], channel=delivery["channel"],
        event_id=delivery["event_id"], event_type=delivery["event_type"], attempts=attempts, error=error,
        at=iso(now()))
    unit.emit_event(outcome, delivery["subject"], "notification.delivered" if delivered else "notification.failed")


def inbox_id(recipient: str, event_id: str) -> str:
    """The inbox message's id, from its natural key (one message per recipient and event)."""
    return hashlib.sha256(f"{recipient}\x00{event_id}".encode()).hexdigest()[:32]


def delivery_id(event_id: str, recipient: str, channel: str) -> str:
    """A delivery's id, from its natural key (one delivery per event, recipient and channel), so
    that a handler applying its event again after a crash writes the same delivery, not a second."""
    return hashlib.sha256(f"{event_id}\x00{recipient}\x00{channel}".encode()).hexdigest()[:32]


def delivery_of(deps: Deps, notice: Notice, target: Target,
                preferences: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """The delivery record of one target, and its inbox message when the channel is the inbox."""
    preferred = effective(preferences.get(target.recipient, {}).get("channels"))
    initial = initial_state(target.channel, target.address, preferred[target.channel])
    values = {**notice.fields, "recipient_name": target.name, "platform_name": deps.settings.platform_name}
    rendered = deps.templates.render(notice.kind, target.channel, values)
    body = f"{deps.settings.sms_signature}{rendered.body}" if target.channel == "sms" else rendered.body
    at = now()
    delivery = {
        "_id": delivery_id(notice.event_id, target.recipient, target.channel),
        "event_id": notice.event_id, "event_type": notice.event_type, "kind": notice.kind,
        "subject": notice.subject, "recipient": target.recipient, "channel": target.channel,
        "address": target.address, "name": target.name, "title": rendered.title, "body": body,
        "state": initial.state, "skip_reason": initial.skip_reason, "attempts": 0, "total_attempts": 0, "retries": 0,
        "max_attempts": deps.settings.retry.max_attempts, "created_at": at, "next_attempt_at": storage.wall_now(),
        "sent_at": at if initial.state == SENT else None, "last_error": "", "history": [],
        "trace_headers": trace_headers(),  # the sender continues the trace of the event that caused it
    }
    message = None
    if target.channel == "inbox" and initial.state == SENT:
        message = {"_id": inbox_id(target.recipient, notice.event_id), "recipient": target.recipient,
                   "event_id": notice.event_id, "event_type": notice.event_type, "subject": notice.subject,
                   "title": rendered.title, "body": rendered.body, "created_at": at, "delivery_id": delivery["_id"]}
    return delivery, message


def record_notice(deps: Deps, unit: UnitOfWork, notice: Notice) -> int:
    """Every delivery of a notice, and its inbox messages: each (recipient, channel) once, the
    recipients' channel preferences read in one look-up, the records written with one
    ``insert_many`` per collection.

    No look-up for an existing delivery or inbox message: both are keyed by their natural keys
    (the delivery's id from event, recipient and channel; the inbox message's from recipient
    and event). In a transaction (a reminder behind its unique key) a second one would abort
    it; without one (an event handler, ``handles(transaction=False)``, applying its event again
    after a crash) the ones written already are skipped, so nothing is doubled or lost."""
    targets = list({(t.recipient, t.channel): t for t in notice.targets
                    if t.channel in deps.settings.deployment_channels}.values())
    if not targets:
        return 0
    preferences = storage.preferences_of(unit.db, sorted({t.recipient for t in targets}), unit.session)
    made = [delivery_of(deps, notice, target, preferences) for target in targets]
    settings = deps.settings
    if deps.sender is not None:
        for delivery, _ in made:
            if delivery["state"] == PENDING and delivery["channel"] in settings.channels:
                delivery.update(storage.claim_fields(settings.owner, settings.lease_seconds))
    storage.add_deliveries(unit, [sealed_delivery(delivery) for delivery, _ in made],
                           handed=deps.sender.put if deps.sender is not None else None)
    messages = [message for _, message in made if message is not None]
    if messages:
        storage.add_inbox_messages(unit, messages)
    if "inbox" in deps.settings.delivered_events:  # nobody in the suite consumes these: off unless asked for
        for delivery, message in made:
            if message is not None:
                emit_outcome(unit, delivery, delivered=True, attempts=0)
    return len(made)


def stored_contact(contact: dict[str, Any] | None) -> Contact:
    """The contact storage.save_enterprise sealed, opened."""
    contact = contact or {}
    cipher = field_cipher()
    return Contact(**{k: cipher.decrypt(f"contact.{k}", contact.get(k, "")) for k in ("person", "mobile", "email")})


# A delivery's address and the name it greets are personal: sealed at rest, opened only to send.
SEALED_DELIVERY_FIELDS = ("address", "name")


def sealed_delivery(delivery: dict[str, Any]) -> dict[str, Any]:
    return field_cipher().encrypt_fields(delivery, SEALED_DELIVERY_FIELDS, "delivery.")


def opened_delivery(delivery: dict[str, Any]) -> dict[str, Any]:
    return field_cipher().decrypt_fields(delivery, SEALED_DELIVERY_FIELDS, "delivery.")


# -- sending ---------------------------------------------------------------------------


class _Partial(Exception):
    """A batch's outcomes could not all be recorded at once (a lease was lost): one by one then."""


def send_pass(store: StoreHandle, settings: Settings, registration: Any = None,
              handed: SenderQueue | None = None) -> int:
    """Send what this process's handlers handed over, a batch at a time, then what is due, at
    most a batch; a channel whose server is unreachable is left for the next pass. How many
    were sent or tried."""
    sent = 0
    # each handed delivery with at least half its lease left when its batch begins
    while handed and (batch := handed.take(settings.batch_size, storage.wall_now()
                                           + timedelta(seconds=settings.lease_seconds / 2))):
        sent += send_batch(store, settings, registration, batch)
    return sent + send_batch(store, settings, registration, storage.claim_batch(
        store.db, settings.owner, settings.lease_seconds, list(settings.channels), settings.batch_size))


def send_batch(store: StoreHandle, settings: Settings, registration: Any, batch: list[dict[str, Any]]) -> int:
    """Send a batch this sender holds.

    The sent ones are recorded at once (one write for the deliveries, in one transaction with
    their outcome events when any is wanted), so the database work per message is a fraction
    of an operation. A "not yet submitted" reminder is checked with ``registration`` once more
    right before it goes out (the e-mail or SMS may leave a moment after the reminder was
    recorded).
    """
    down: set[str] = set()
    sent: list[dict[str, Any]] = []

    def send_one(delivery: dict[str, Any]) -> None:
        if delivery["channel"] in down:  # its server is away: back to the queue, no attempt counted
            storage.release_claim(store.db, delivery["_id"], settings.owner, storage.wall_now())
            return
        with delivery_span(delivery):
            if delivery.get("kind") in STILL_DUE and not STILL_DUE[delivery["kind"]](store, settings, registration,
                                                                                    delivery):
                return
            try:
                settings.channels[delivery["channel"]].send(opened_delivery(delivery))
            except ChannelError as exc:
                if exc.unreachable:
                    down.add(delivery["channel"])
                finish_failed(store, settings, delivery, str(exc))
            except Exception as exc:  # a bug in a channel must not leave the delivery stuck in "sending"
                log.exception("delivery %s: unexpected error from %s", delivery["_id"], delivery["channel"])
                finish_failed(store, settings, delivery, f"{type(exc).__name__}: {exc}")
            else:
                sent.append(delivery)
                log.info("delivery %s sent by %s to %s", delivery["_id"], delivery["channel"], delivery["recipient"])

    # several at once: a send is mostly waiting on the mail server or the SMS gateway
    pool = eventlet.GreenPool(max(1, settings.concurrency))
    for _ in pool.imap(send_one, batch):
        pass
    if sent:
        finish_sent_all(store, settings, sent)
    return len(batch)


def finish_sent_all(store: StoreHandle, settings: Settings, sent: list[dict[str, Any]]) -> None:
    """Record sends in one write, each sent at the moment the batch is recorded (within the
    sender's pass of the send itself). With ``notification.delivered`` wanted for any of them,
    in one transaction with those events, and one by one when a lease was lost meanwhile (only
    the deliveries still held are recorded then). Without, the one conditional write is all:
    it records each delivery this sender still holds, and one whose lease another sender took
    is that sender's to record."""
    at, ids = now(), [delivery["_id"] for delivery in sent]
    if not any(delivery["channel"] in settings.delivered_events for delivery in sent):
        recorded = storage.finish_sent_batch(store.db, settings.owner, ids, at)
        if recorded < len(sent):
            log.warning("%d of %d sent deliveries were no longer held by this sender when recorded (lease over)",
                        len(sent) - recorded, len(sent))
        return

    def work(unit: UnitOfWork) -> None:
        if storage.finish_sent_batch(unit.db, settings.owner, ids, at, unit.session) < len(sent):
            raise _Partial()
        for delivery in sent:
            if delivery["channel"] in settings.delivered_events:
                emit_outcome(unit, delivery, delivered=True, attempts=delivery["attempts"] + 1)

    try:
        store.transact(work)
    except _Partial:
        for delivery in sent:
            finish_sent(store, settings, delivery)


def still_unsubmitted(store: StoreHandle, settings: Settings, registration: Any, delivery: dict[str, Any]) -> bool:
    """True when registration says the reminded enterprise has still not submitted; else the
    delivery is skipped (it has submitted) or put back for later (registration did not answer)."""
    enterprise_id = delivery["recipient"].removeprefix("enterprise:")
    return _still_due(store, settings, delivery, lambda: enterprise_id in submitted_now(
        _client(registration), delivery["subject"], [enterprise_id]))


def still_unreported(store: StoreHandle, settings: Settings, registration: Any, delivery: dict[str, Any]) -> bool:
    """The same for a 定期调度 reminder: has the enterprise filed the period since it was recorded?"""
    enterprise_id = delivery["recipient"].removeprefix("enterprise:")
    reminder = store.db.reminders.find_one({"_id": delivery["event_id"].removeprefix("reminder:")}) or {}

    def filed() -> bool:
        if not reminder.get("period"):
            return True  # no record of what it reminds of: say nothing rather than something wrong
        late = late_now(_client(registration), reminder["programme_id"], reminder["period"])
        return enterprise_id not in late
    return _still_due(store, settings, delivery, filed)


def _client(registration: Any) -> Any:
    if registration is None:
        raise RegistrationUnavailable("no registration client configured")
    return registration


def _still_due(store: StoreHandle, settings: Settings, delivery: dict[str, Any], done: Any) -> bool:
    checked = storage.wall_now()
    try:
        submitted = done()
    except RegistrationUnavailable as exc:
        storage.release_claim(store.db, delivery["_id"], settings.owner, checked + timedelta(seconds=REMINDER_DEFER))
        log.warning("reminder %s to %s deferred %ds: registration did not say whether it has submitted (%s)",
                    delivery["_id"], delivery["recipient"], REMINDER_DEFER, exc)
        return False
    if submitted:
        storage.release_claim(store.db, delivery["_id"], settings.owner, None,
                              {"state": SKIPPED, "skip_reason": SUBMITTED_SINCE, "checked_wall": checked})
        log.info("reminder %s to %s not sent: it has submitted since the reminder was recorded",
                 delivery["_id"], delivery["recipient"])
        return False
    storage.note_checked(store.db, delivery["_id"], checked)
    return True


# reminder kinds checked with registration right before they go out
STILL_DUE = {"reminder.draft": still_unsubmitted, "reminder.report": still_unreported}


def trace_headers() -> dict[str, str]:
    carrier: dict[str, str] = {}
    propagate.inject(carrier)
    return carrier


@contextmanager
def delivery_span(delivery: dict[str, Any]) -> Iterator[None]:
    """A span for one send, child of the span that recorded the delivery (same trace)."""
    parent = propagate.extract(delivery.get("trace_headers") or {})
    with tracer.start_as_current_span(f"deliver {delivery['channel']}", context=parent, kind=trace.SpanKind.CLIENT,
                                      attributes={attributes.APPLICATION_ID: delivery.get("subject", ""),
                                                  "zjtx.delivery.id": delivery["_id"],
                                                  "zjtx.delivery.channel": delivery["channel"]}):
        yield


def finish_sent(store: StoreHandle, settings: Settings, delivery: dict[str, Any]) -> None:
    at = now()

    def work(unit: UnitOfWork) -> None:
        changes = {"state": SENT, "sent_at": at, "last_error": ""}
        if (storage.finish_attempt(unit, delivery["_id"], settings.owner, changes, {"at": at, "outcome": "sent"})
                and delivery["channel"] in settings.delivered_events):
            emit_outcome(unit, delivery, delivered=True, attempts=delivery["attempts"] + 1)

    store.transact(work)


def finish_failed(store: StoreHandle, settings: Settings, delivery: dict[str, Any], error: str) -> None:
    attempts = delivery["attempts"] + 1
    error = redact(error)  # an SMTP refusal names the recipient: never into the record, the event or the log
    outcome = after_failure(attempts, settings.retry)
    at = now()
    changes: dict[str, Any] = {"state": outcome.state, "last_error": error}
    if outcome.delay is not None:
        changes["next_attempt_at"] = storage.wall_now() + timedelta(seconds=outcome.delay)

    def work(unit: UnitOfWork) -> None:
        attempt = {"at": at, "outcome": "error", "error": error}
        if storage.finish_attempt(unit, delivery["_id"], settings.owner, changes, attempt) and outcome.state == FAILED:
            emit_outcome(unit, delivery, delivered=False, attempts=attempts, error=error)

    store.transact(work)
    log.warning("delivery %s by %s attempt %d/%d failed (%s): %s", delivery["_id"], delivery["channel"], attempts,
                settings.retry.max_attempts, outcome.state, error)


# -- reminders -------------------------------------------------------------------------


# Enterprises asked about in one FindSubmitted call right before their reminders are
# recorded: small, so that little time passes between registration's answer and the
# reminders written on it (registration accepts up to 1000 per call).
SUBMITTED_BATCH = 20
ANNUAL_UPDATE_STEPS = (30, 7)  # days before the yearly update's due day (31 May): a month ahead, then a week
REMINDER_DEFER = 30  # seconds a reminder waits when registration cannot say who has submitted


class RegistrationUnavailable(Exception):
    """Registration did not answer who has submitted: the reminder waits, it is not sent blind."""


def submitted_now(registration: Any, programme_id: str, enterprise_ids: list[str]) -> set[str]:
    """Those of ``enterprise_ids`` that have submitted to the programme, by registration's own
    state (not notification's copy, which trails its events); one call (with the client's deadline)."""
    try:
        answer = registration.FindSubmitted(registration_pb2.FindSubmittedRequest(
            programme_id=programme_id, enterprise_ids=enterprise_ids))
    except (GrpcError, OSError, RuntimeError) as exc:
        raise RegistrationUnavailable(f"{type(exc).__name__}: {exc}") from exc
    return set(answer.enterprise_ids)


def late_now(registration: Any, programme_id: str, period: str) -> set[str]:
    """Who has not filed the period's 定期调度 report, by registration's own state (after a revocation
    or lapse, no longer due: not listed)."""
    try:
        answer = registration.ListLateFilers(registration_pb2.ListLateFilersRequest(programme_id=programme_id,
                                                                                   period=period))
    except (GrpcError, OSError, RuntimeError) as exc:
        raise RegistrationUnavailable(f"{type(exc).__name__}: {exc}") from exc
    return {filer.enterprise_id for filer in answer.late}


def reminder_pass(deps: Deps, store: StoreHandle) -> int:
    """Record every reminder due at the platform clock's now; each (target, deadline, step) once."""
    at = now()
    due = 0
    for programme_id in directory.programme_ids(deps.review):
        programme = directory.lookup_programme(deps.review, programme_id, deps.settings.cache_seconds)
        if programme is None:
            continue
        try:
            due += draft_reminders(deps, store, programme, at)
        except RegistrationUnavailable as exc:  # the next pass tries again
            log.warning("draft reminders of %s deferred: registration did not say who has submitted (%s)",
                        programme.id, exc)
        try:
            due += report_reminders(deps, store, programme, at)
        except RegistrationUnavailable as exc:
            log.warning("定期调度 reminders of %s deferred: registration did not say who has filed (%s)",
                        programme.id, exc)
        due += review_reminders(deps, store, programme, at)
    storage.note_reminder_pass(store.db, at, due, deps.settings.owner)
    return due


def _remind(deps: Deps, store: StoreHandle, key: str, values: dict[str, Any], notice: Notice) -> int:
    def work(unit: UnitOfWork) -> int:
        if storage.reminder_sent(unit, key):
            return 0
        storage.add_reminder(unit, key, {**values, "sent_at": now()})
        record_notice(deps, unit, notice)
        return 1

    try:
        return store.transact(work)
    except DuplicateKeyError:  # another instance recorded the same reminder first
        return 0


def draft_reminders(deps: Deps, store: StoreHandle, programme: ProgrammeModel, at: datetime) -> int:
    """Option (b) of the design: registered enterprises of the region that have not submitted."""
    step = due_step(at, programme.closes_at, deps.settings.draft_steps, programme.opens_at)
    if step is None:
        return 0
    sent = {r["target"] for r in store.db.reminders.find(
        {"kind": "draft", "programme_id": programme.id, "step": step, "deadline": programme.closes_at}, {"target": 1})}
    count = 0
    # notification's own copy of the submissions trails registration's events; it only
    # narrows the candidates: each batch is asked of registration right before its reminders
    candidates = [c for c in storage.draft_candidates(store.db, region_prefix(programme.owner), programme.id)
                  if c["_id"] not in sent]
    for start in range(0, len(candidates), SUBMITTED_BATCH):
        batch = candidates[start:start + SUBMITTED_BATCH]
        checked = storage.wall_now()
        submitted = submitted_now(deps.registration, programme.id, [c["_id"] for c in batch])
        count += sum(draft_reminder(deps, store, programme, at, step, candidate, checked)
                     for candidate in batch if candidate["_id"] not in submitted)
    return count


def draft_reminder(deps: Deps, store: StoreHandle, programme: ProgrammeModel, at: datetime, step: int,
                   candidate: dict[str, Any], checked: datetime) -> int:
    """One enterprise's reminder; ``checked``: when registration was asked (it had not submitted then)."""
    key = draft_key(programme.id, candidate["_id"], programme.closes_at, step)
    name = candidate.get("name") or "贵企业"  # an event without a name must not leave a blank
    contact = candidate.get("contact") or {}
    targets = enterprise_targets(candidate["_id"], name, stored_contact(contact))
    notice = Notice("reminder.draft", f"reminder:{key}", "reminder.draft", programme.id,
                    builders.draft_reminder(programme, name, at), targets)
    return _remind(deps, store, key, {"kind": "draft", "programme_id": programme.id, "target": candidate["_id"],
                                      "step": step, "deadline": programme.closes_at, "checked_wall": checked},
                   notice)


def review_reminders(deps: Deps, store: StoreHandle, programme: ProgrammeModel, at: datetime) -> int:
    """Every unit with open tasks of the programme, before those tasks' deadline."""
    count = 0
    for group in storage.open_tasks_by_unit(store.db, programme.id):
        deadline = group["due_at"]
        step = due_step(at, deadline, deps.settings.review_steps)
        if step is None:
            continue
        key = review_key(programme.id, group["unit_id"], deadline, step)
        if store.db.reminders.find_one({"_id": key}, {"_id": 1}):
            continue
        unit_name, accounts = directory.unit(deps.review, group["unit_id"])
        unit_name = unit_name or group["unit_name"] or group["unit_id"]
        notice = Notice("reminder.review", f"reminder:{key}", "reminder.review", programme.id,
                        builders.review_reminder(programme, unit_name, group["count"], deadline, at),
                        unit_targets(group["unit_id"], unit_name, accounts))
        count += _remind(deps, store, key, {"kind": "review", "programme_id": programme.id, "target": group["unit_id"],
                                            "step": step, "deadline": deadline}, notice)
    return count


def report_reminders(deps: Deps, store: StoreHandle, programme: ProgrammeModel, at: datetime) -> int:
    """定期调度 and the yearly data update: before the open window closes, every enterprise due that has
    not filed (registration's answer: who is due and has not filed, revoked and lapsed ones excluded)."""
    count = 0
    policy = programme.operating_reports
    if policy is not None and policy.remind_days_before:
        count += _report_reminders(deps, store, programme, at, (policy.remind_days_before,), False)
    if programme.annual_update is not None:
        count += _report_reminders(deps, store, programme, at, ANNUAL_UPDATE_STEPS, True)
    return count


def _report_reminders(deps: Deps, store: StoreHandle, programme: ProgrammeModel, at: datetime,
                      steps: tuple[int, ...], annual: bool) -> int:
    try:
        answer = _client(deps.registration).ListLateFilers(registration_pb2.ListLateFilersRequest(
            programme_id=programme.id, open_window=True, annual_update=annual))
    except (GrpcError, OSError, RuntimeError) as exc:
        raise RegistrationUnavailable(f"{type(exc).__name__}: {exc}") from exc
    if not answer.period:
        return 0
    closes = parse_instant(answer.window_closes_at)
    step = due_step(at, closes, steps)
    if step is None:
        return 0
    checked = storage.wall_now()
    count = 0
    for filer in answer.late:
        key = report_key(programme.id, filer.enterprise_id, answer.period, closes, step)
        if store.db.reminders.find_one({"_id": key}, {"_id": 1}):
            continue
        known = store.db.enterprises.find_one({"_id": filer.enterprise_id}) or {}
        name = filer.enterprise_name or known.get("name") or "贵企业"
        notice = Notice("reminder.report", f"reminder:{key}", "reminder.report", programme.id,
                        builders.report_reminder(programme, name, answer.period_label, closes, at, annual),
                        enterprise_targets(filer.enterprise_id, name, stored_contact(known.get("contact"))))
        count += _remind(deps, store, key, {"kind": "report", "programme_id": programme.id,
                                            "target": filer.enterprise_id, "period": answer.period, "step": step,
                                            "deadline": closes, "checked_wall": checked}, notice)
    return count
