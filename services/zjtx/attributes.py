"""The span and log attributes the project adds to OpenTelemetry's own, declared in one place.

| attribute | set on | meaning |
| --- | --- | --- |
| zjtx.application.id | gRPC spans whose request has an application_id; event handler spans (the subject) | the application |
| zjtx.programme.id | gRPC spans with a programme_id in the request | the programme (培育批次) |
| zjtx.unit.id | gRPC spans with a unit_id in the request; spans of calls made by a reviewer | the review unit |
| zjtx.enterprise.id | gRPC spans with an enterprise_id in the request | the enterprise |
| zjtx.caller.role | gRPC spans | enterprise, reviewer, admin, operations or system |
| zjtx.event.id / zjtx.event.type | event handler spans | the envelope's id and type |
| zjtx.subject | outbox publish spans | the envelope's subject |
| zjtx.error.code | spans of refused calls | the domain error code |

Log lines (JSON) carry ``trace_id``, ``span_id`` and, when the current span has one,
``application_id``.
"""

from __future__ import annotations

APPLICATION_ID = "zjtx.application.id"
PROGRAMME_ID = "zjtx.programme.id"
UNIT_ID = "zjtx.unit.id"
ENTERPRISE_ID = "zjtx.enterprise.id"
CALLER_ROLE = "zjtx.caller.role"
EVENT_ID = "zjtx.event.id"
EVENT_TYPE = "zjtx.event.type"
SUBJECT = "zjtx.subject"
ERROR_CODE = "zjtx.error.code"

# request fields copied onto the span of a gRPC call
REQUEST_FIELDS = {
    "application_id": APPLICATION_ID,
    "programme_id": PROGRAMME_ID,
    "unit_id": UNIT_ID,
    "enterprise_id": ENTERPRISE_ID,
}
