"""Recording notices as deliveries, sending them, and the reminder checker.

Handlers and reminders only *record* deliveries, inside their transaction (with the
inbox message and its ``notification.delivered``). The sender, a timer, takes due
deliveries one at a time, sends them outside any transaction, and records the outcome
with ``notification.delivered`` / ``notification.failed`` through the outbox.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from opentelemetry import propagate, trace
from pymongo.errors import DuplicateKeyError

from kernel.divisions import region_prefix
from kernel.programme import ProgrammeModel
from notification import directory, storage
from notification.channels import ChannelError
from notification.providers import Settings
from notification.rules import builders
from notification.rules.deliveries import FAILED, SENT, after_failure, initial_state
from notification.rules.notices import (
    Contact,
    Notice,
    Target,
    enterprise_targets,
    unit_targets,
)
from notification.rules.preferences import effective
from notification.rules.reminders import draft_key, due_step, review_key
from notification.rules.templates import TemplateSet
from zjtx import attributes
from zjtx.clock import iso, now
from zjtx.mongo import StoreHandle, UnitOfWork
from zjtx_api import notification_pb2

log = logging.getLogger(__name__)
tracer = trace.get_tracer("zjtx.notification")


@dataclass(frozen=True)
class Deps:
    """What the service layer needs from the service's dependencies."""

    review: Any            # ServiceClient proxy of the review service
    templates: TemplateSet
    settings: Settings

    def programme(self, programme_id: str) -> ProgrammeModel:
        return directory.programme(self.review, programme_id, self.settings.cache_seconds)


# -- recording -------------------------------------------------------------------------


def emit_outcome(unit: UnitOfWork, delivery: dict[str, Any], delivered: bool, attempts: int, error: str = "") -> None:
    outcome = notification_pb2.DeliveryOutcome(
        delivery_id=delivery["_id"], recipient=delivery["recipient"], channel=delivery["channel"],
        event_id=delivery["event_id"], event_type=delivery["event_type"], attempts=attempts, error=error,
        at=iso(now()))
    unit.emit_event(outcome, delivery["subject"], "notification.delivered" if delivered else "notification.failed")


def record_target(deps: Deps, unit: UnitOfWork, notice: Notice, target: Target) -> bool:
    """One delivery of a notice; False when it exists already (a redelivered event) or is not used."""
    if target.channel not in deps.settings.deployment_channels:
        return False
    if storage.delivery_exists(unit, notice.event_id, target.recipient, target.channel):
        return False
    preferred = effective(storage.preferences(unit.db, target.recipient, unit.session).get("channels"))
    initial = initial_state(target.channel, target.address, preferred[target.channel])
    values = {**notice.fields, "recipient_name": target.name, "platform_name": deps.settings.platform_name}
    rendered = deps.templates.render(notice.kind, target.channel, values)
    body = f"{deps.settings.sms_signature}{rendered.body}" if target.channel == "sms" else rendered.body
    at = now()
    delivery = {
        "_id": uuid.uuid4().hex, "event_id": notice.event_id, "event_type": notice.event_type, "kind": notice.kind,
        "subject": notice.subject, "recipient": target.recipient, "channel": target.channel,
        "address": target.address, "name": target.name, "title": rendered.title, "body": body,
        "state": initial.state, "skip_reason": initial.skip_reason, "attempts": 0, "total_attempts": 0, "retries": 0,
        "max_attempts": deps.settings.retry.max_attempts, "created_at": at, "next_attempt_at": storage.wall_now(),
        "sent_at": at if initial.state == SENT else None, "last_error": "", "history": [],
        "trace_headers": trace_headers(),  # the sender continues the trace of the event that caused it
    }
    storage.add_delivery(unit, delivery)
    if target.channel == "inbox" and initial.state == SENT:
        if not storage.inbox_has(unit, target.recipient, notice.event_id):
            storage.add_inbox(unit, {"_id": uuid.uuid4().hex, "recipient": target.recipient,
                                     "event_id": notice.event_id, "event_type": notice.event_type,
                                     "subject": notice.subject, "title": rendered.title, "body": rendered.body,
                                     "created_at": at, "delivery_id": delivery["_id"]})
        emit_outcome(unit, delivery, delivered=True, attempts=0)
    return True


def record_notice(deps: Deps, unit: UnitOfWork, notice: Notice) -> int:
    return sum(record_target(deps, unit, notice, target) for target in notice.targets)


def stored_contact(contact: dict[str, Any] | None) -> Contact:
    contact = contact or {}
    return Contact(person=contact.get("person", ""), mobile=contact.get("mobile", ""), email=contact.get("email", ""))


# -- sending ---------------------------------------------------------------------------


def send_pass(store: StoreHandle, settings: Settings) -> int:
    """Send what is due, at most a batch; a channel whose server is unreachable is left for the next pass."""
    down: set[str] = set()
    handled = 0
    while handled < settings.batch_size:
        usable = [name for name in settings.channels if name not in down]
        delivery = storage.claim_due(store.db, settings.owner, settings.lease_seconds, usable) if usable else None
        if delivery is None:
            break
        handled += 1
        with delivery_span(delivery):
            try:
                settings.channels[delivery["channel"]].send(delivery)
            except ChannelError as exc:
                if exc.unreachable:
                    down.add(delivery["channel"])
                finish_failed(store, settings, delivery, str(exc))
            except Exception as exc:  # a bug in a channel must not leave the delivery stuck in "sending"
                log.exception("delivery %s: unexpected error from %s", delivery["_id"], delivery["channel"])
                finish_failed(store, settings, delivery, f"{type(exc).__name__}: {exc}")
            else:
                finish_sent(store, settings, delivery)
    return handled


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
        if storage.finish_attempt(unit, delivery["_id"], settings.owner, changes, {"at": at, "outcome": "sent"}):
            emit_outcome(unit, delivery, delivered=True, attempts=delivery["attempts"] + 1)

    store.transact(work)
    log.info("delivery %s sent by %s to %s", delivery["_id"], delivery["channel"], delivery["recipient"])


def finish_failed(store: StoreHandle, settings: Settings, delivery: dict[str, Any], error: str) -> None:
    attempts = delivery["attempts"] + 1
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


def reminder_pass(deps: Deps, store: StoreHandle) -> int:
    """Record every reminder due at the platform clock's now; each (target, deadline, step) once."""
    at = now()
    due = 0
    for programme_id in directory.programme_ids(deps.review):
        programme = directory.lookup_programme(deps.review, programme_id, deps.settings.cache_seconds)
        if programme is None:
            continue
        due += draft_reminders(deps, store, programme, at)
        due += review_reminders(deps, store, programme, at)
    storage.note_reminder_pass(store.db, at, due)
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
    for candidate in storage.draft_candidates(store.db, region_prefix(programme.owner), programme.id):
        if candidate["_id"] in sent:
            continue
        key = draft_key(programme.id, candidate["_id"], programme.closes_at, step)
        name = candidate.get("name") or "贵企业"  # an event without a name must not leave a blank
        contact = candidate.get("contact") or {}
        targets = enterprise_targets(candidate["_id"], name, stored_contact(contact))
        notice = Notice("reminder.draft", f"reminder:{key}", "reminder.draft", programme.id,
                        builders.draft_reminder(programme, name, at), targets)
        count += _remind(deps, store, key, {"kind": "draft", "programme_id": programme.id, "target": candidate["_id"],
                                            "step": step, "deadline": programme.closes_at}, notice)
    return count


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
