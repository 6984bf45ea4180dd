"""The events reporting consumes, normalised for the projections.

Every consumed event changes exactly one read-model document, named by ``collection``
and ``key`` (an application, an enterprise or a programme). The payload is parsed with
its proto message (unknown fields ignored, defaults filled in), so projections read a
complete dict whatever the producer left out. A payload that cannot be parsed, or that
names no document, raises ``ProjectionError``: it can never succeed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from google.protobuf import json_format
from google.protobuf.descriptor import Descriptor
from google.protobuf.message import Message

from kernel.personal import DROPPED_KEYS, without_contacts
from zjtx import event_types, payload_json
from zjtx.clock import iso

APPLICATIONS, ENTERPRISES, PROGRAMMES = "applications", "enterprises", "programmes"
READ_MODELS = (APPLICATIONS, ENTERPRISES, PROGRAMMES)
# ids become Mongo keys and file names: no dots, dollars, slashes or spaces
SAFE_ID = re.compile(r"^[A-Za-z0-9_\-:]{1,128}$")


class ProjectionError(ValueError):
    """An event reporting can never apply (malformed payload, no document named)."""


@dataclass(frozen=True)
class Consumed:
    """Which read-model document an event changes; its source and payload come from the
    event registry (``zjtx.event_types``, derived from proto/)."""

    collection: str
    key: Callable[[dict[str, Any]], str]

    def source(self, event_type: str) -> str:
        return event_types.source_of(event_type)

    def payload(self, event_type: str) -> type[Message]:
        return event_types.payload_of(event_type)


def _step_application(data: dict[str, Any]) -> str:
    return str(data.get("step", {}).get("application_id", ""))


def _field(name: str) -> Callable[[dict[str, Any]], str]:
    return lambda data: data[name]


def _application(data: dict[str, Any]) -> str:
    return data["application"]["application_id"]


# The events reporting consumes, declared once: the service's handlers are made from it.
CONSUMED: dict[str, Consumed] = {
    "enterprise.registered": Consumed(ENTERPRISES, _field("enterprise_id")),
    "enterprise.profile_changed": Consumed(ENTERPRISES, _field("enterprise_id")),
    "application.submitted": Consumed(APPLICATIONS, _application),
    "application.resubmitted": Consumed(APPLICATIONS, _application),
    "application.withdrawn": Consumed(APPLICATIONS, _field("application_id")),
    "programme.opened": Consumed(PROGRAMMES, _field("programme_id")),
    "programme.closed": Consumed(PROGRAMMES, _field("programme_id")),
    "review.task_opened": Consumed(APPLICATIONS, _step_application),
    "review.passed": Consumed(APPLICATIONS, _step_application),
    "review.returned": Consumed(APPLICATIONS, _step_application),
    "review.rejected": Consumed(APPLICATIONS, _step_application),
    "review.recommended": Consumed(APPLICATIONS, _step_application),
    "review.summary_uploaded": Consumed(PROGRAMMES, _field("programme_id")),
    "review.recommendations_complete": Consumed(PROGRAMMES, _field("programme_id")),
    "review.publicity_opened": Consumed(PROGRAMMES, _field("programme_id")),
    "review.recognised": Consumed(APPLICATIONS, _field("application_id")),
    "review.not_recognised": Consumed(APPLICATIONS, _field("application_id")),
    "review.expired": Consumed(APPLICATIONS, _field("application_id")),
    # a corrected list: archived under its programme, then fanned out to each application it moves
    "review.recognition_amended": Consumed(PROGRAMMES, _field("programme_id")),
}


@dataclass(frozen=True)
class ProjectionEvent:
    """One consumed event, ready for ``projections.apply``."""

    id: str
    type: str
    source: str
    time: str          # ISO 8601 UTC with Z (normalised)
    at: datetime       # the same instant, for sorting
    subject: str
    data: dict[str, Any]
    collection: str
    key: str

    @property
    def order(self) -> list[str]:
        """Replay order and tie-break of competing facts: event time, then event id."""
        return [self.time, self.id]


# what ``iso`` writes (every producer's envelope time): such a text is its own canonical form
_CANONICAL_INSTANT = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")


def canonical_instant(text: str, at: datetime | None = None) -> str:
    """``text`` (an ISO 8601 instant, any offset) as UTC ISO with Z and milliseconds, so that
    instants compare as text; ``at``: the instant already parsed. A text in that form already is
    returned as it is, once parsed (a rebuild formats 40,000 instants otherwise, issue 16)."""
    at = at or parse_time(text)  # refuses what is no instant, also in the canonical form
    return text if _CANONICAL_INSTANT.fullmatch(text) else iso(at)


def parse_time(text: str) -> datetime:
    try:
        value = datetime.fromisoformat(str(text).strip().replace("Z", "+00:00"))
    except ValueError:
        raise ProjectionError(f"event time {text!r} is not ISO 8601") from None
    if value.tzinfo is None:
        raise ProjectionError(f"event time {text!r} has no UTC offset")
    return value.astimezone(timezone.utc)


def validate_payload(message_type: type[Message], data: Mapping[str, Any]) -> None:
    """Refuse a payload its proto message cannot hold (wrong types); unknown fields are fine."""
    try:
        payload_json.parse(dict(data), message_type)
    except (json_format.ParseError, TypeError, ValueError) as exc:
        raise ProjectionError(f"payload is not a valid {message_type.DESCRIPTOR.name}: {exc}") from None


# how with_defaults fills a field: a Struct copied, a message (or a list of them) filled in
# turn, a list of scalars copied, a scalar or its default
_STRUCT, _MESSAGE, _MESSAGES, _LIST, _SCALAR = range(5)
_FieldPlan = tuple[str, str, int, Any, Any]  # (name, JSON name, how, message descriptor, default)
_PLANS: dict[str, tuple[_FieldPlan, ...]] = {}


def _plan(descriptor: Descriptor) -> tuple[_FieldPlan, ...]:
    """A message's fields as with_defaults walks them, read from the descriptor once: reading a
    descriptor's attributes is most of the cost when a rebuild fills 40,000 payloads (issue 16).
    Without the contact and personal fields (``DROPPED_KEYS``): reporting keeps none, so a
    payload stripped when it was archived is not filled with them again."""
    plan = _PLANS.get(descriptor.full_name)
    if plan is None:
        fields = []
        for field in descriptor.fields:
            if field.name in DROPPED_KEYS:
                continue
            kind = field.message_type
            how = (_STRUCT if kind is not None and kind.full_name == "google.protobuf.Struct"
                   else (_MESSAGES if field.is_repeated else _MESSAGE) if kind is not None
                   else _LIST if field.is_repeated else _SCALAR)
            fields.append((field.name, field.json_name, how, kind, None if how != _SCALAR else field.default_value))
        plan = _PLANS[descriptor.full_name] = tuple(fields)
    return plan


def with_defaults(descriptor: Descriptor, data: Any) -> dict[str, Any]:
    """The payload with every field of its message present under its proto name (JSON
    camelCase names accepted), defaults filled in, unknown fields and the fields reporting
    keeps no value of (contacts, personal data) dropped. Values keep
    their JSON form (a Struct stays the dict it was). Much cheaper than a round trip
    through the message, which matters when a rebuild replays the whole archive."""
    source = data if isinstance(data, dict) or isinstance(data, Mapping) else {}  # dict first: no ABC check
    out: dict[str, Any] = {}
    for name, json_name, how, kind, default in _plan(descriptor):
        raw = source.get(name)
        if raw is None and json_name != name:
            raw = source.get(json_name)
        if how == _SCALAR:
            out[name] = default if raw is None else raw
        elif how == _STRUCT:
            out[name] = dict(raw) if isinstance(raw, dict) or isinstance(raw, Mapping) else {}
        elif how == _MESSAGE:
            out[name] = with_defaults(kind, raw)
        elif how == _MESSAGES:
            out[name] = [with_defaults(kind, item) for item in raw or []]
        else:
            out[name] = list(raw or [])
    return out


def normalise(envelope: Mapping[str, Any], trusted: bool = False, stripped: bool = False) -> ProjectionEvent:
    """An archived or received envelope (the wire JSON) as a ProjectionEvent.

    ``trusted``: the envelope comes from reporting's own archive, where only envelopes
    that passed this function were stored; the payload's types are not checked again.
    ``stripped``: its payload had every contact and personal value removed when it was
    archived (``documents.unpacked``); it is not walked again (a rebuild of 10,000
    applications walks 1.6 million values, issue 16)."""
    event_type = str(envelope.get("type", ""))
    consumed = CONSUMED.get(event_type)
    if consumed is None:
        raise ProjectionError(f"reporting does not consume {event_type!r}; accepted: {', '.join(sorted(CONSUMED))}")
    source = str(envelope.get("source", ""))
    if source != consumed.source(event_type):
        raise ProjectionError(f"{event_type} must come from {consumed.source(event_type)}, not {source!r}")
    event_id = str(envelope.get("id", ""))
    if not SAFE_ID.match(event_id):
        raise ProjectionError(f"event id {event_id!r} is not a plain id")
    data = envelope.get("data")
    if not isinstance(data, Mapping):
        raise ProjectionError("event data must be a JSON object")
    if not trusted:
        validate_payload(consumed.payload(event_type), data)
    payload = with_defaults(consumed.payload(event_type).DESCRIPTOR, data)
    subject = str(envelope.get("subject", ""))
    key = str(consumed.key(payload) or subject)
    if not SAFE_ID.match(key):
        raise ProjectionError(f"{event_type} names no valid {consumed.collection[:-1]} id (got {key!r})")
    text = str(envelope.get("time", ""))
    at = parse_time(text)
    return ProjectionEvent(id=event_id, type=event_type, source=source, time=canonical_instant(text, at), at=at,
                           subject=subject, data=payload if stripped else without_contacts(payload),
                           collection=consumed.collection, key=key)


FANNED_OUT = ["review.recognition_amended"]


def fan_out(event: ProjectionEvent) -> list[ProjectionEvent]:
    """The per-application changes of an event that names several applications (today only
    review.recognition_amended: each application it removes from or adds to the list). They
    carry the event's id, time and order, so applying them is idempotent and order-insensitive
    like any other event; they are derived from the archived event, never archived themselves."""
    if event.type not in FANNED_OUT:
        return []
    changes = []
    for entry in [*event.data.get("removed", []), *event.data.get("added", [])]:
        key = str(entry.get("application_id", ""))
        if not SAFE_ID.match(key):
            raise ProjectionError(f"{event.type} names no valid application id (got {key!r})")
        data = {**entry, "list_version": event.data.get("list_version", 0), "amendment_reason": event.data["reason"]}
        changes.append(ProjectionEvent(id=event.id, type=event.type, source=event.source, time=event.time,
                                       at=event.at, subject=event.subject, data=data, collection=APPLICATIONS,
                                       key=key))
    return changes
