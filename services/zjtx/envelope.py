"""The one envelope every integration event travels in.

On the wire the body is this envelope as JSON (keys: id, type, source, time, subject,
schemaversion, data, plus traceparent/tracestate when a trace was active), published to
the exchange ``<source>.events`` with routing key = type. ``data`` is the protobuf JSON
mapping of the event's payload message declared in ``proto/zjtx_api/<source>.proto``;
consumers parse it ignoring unknown fields, so payloads may only grow compatibly.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from google.protobuf.message import Message

from zjtx import payload_json
from zjtx.clock import iso, now

SCHEMA_VERSION = "1"
ENVELOPE_KEYS = ("id", "type", "source", "time", "subject", "schemaversion", "data")


class EnvelopeError(ValueError):
    pass


@dataclass(frozen=True)
class Envelope:
    type: str
    source: str
    subject: str
    data: dict[str, Any]
    id: str = field(default_factory=lambda: uuid.uuid4().hex)
    time: str = field(default_factory=lambda: iso(now()))
    schemaversion: str = SCHEMA_VERSION
    traceparent: str | None = None
    tracestate: str | None = None

    def to_dict(self) -> dict[str, Any]:
        body = {key: getattr(self, key) for key in ENVELOPE_KEYS}
        if self.traceparent:
            body["traceparent"] = self.traceparent
        if self.tracestate:
            body["tracestate"] = self.tracestate
        return body

    @classmethod
    def from_dict(cls, body: Any) -> Envelope:
        if not isinstance(body, dict):
            raise EnvelopeError(f"event body must be a JSON object, got {type(body).__name__}")
        missing = [key for key in ENVELOPE_KEYS if key not in body]
        if missing:
            raise EnvelopeError(f"event envelope lacks {missing}; an envelope has {list(ENVELOPE_KEYS)}")
        if not isinstance(body["data"], dict):
            raise EnvelopeError("event envelope 'data' must be a JSON object")
        return cls(
            type=str(body["type"]),
            source=str(body["source"]),
            subject=str(body["subject"]),
            data=body["data"],
            id=str(body["id"]),
            time=str(body["time"]),
            schemaversion=str(body["schemaversion"]),
            traceparent=body.get("traceparent"),
            tracestate=body.get("tracestate"),
        )

    def payload(self, message_type: type[Message]) -> Message:
        """Parse ``data`` into the payload message, tolerating fields added later (json_format's
        rules and errors, ``payload_json``)."""
        return payload_json.parse(self.data, message_type)

    @property
    def occurred_at(self) -> datetime:
        return datetime.fromisoformat(self.time.replace("Z", "+00:00"))


def payload_to_data(message: Message) -> dict[str, Any]:
    """The JSON form of a payload message: proto field names, defaults included."""
    return payload_json.to_data(message)


def exchange_name(source: str) -> str:
    """Nameko's event exchange for a source service."""
    return f"{source}.events"
