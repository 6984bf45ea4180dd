"""Structured JSON log lines carrying the trace id, span id and application id."""

from __future__ import annotations

import json
import logging
import sys
from datetime import datetime, timezone

from opentelemetry import trace

from zjtx.attributes import APPLICATION_ID
from zjtx.crypto import redact


class JsonFormatter(logging.Formatter):
    def __init__(self, service: str) -> None:
        super().__init__()
        self.service = service

    def format(self, record: logging.LogRecord) -> str:
        context = trace.get_current_span().get_span_context()
        line = {
            "time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "service": self.service,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if context.is_valid:
            line["trace_id"] = format(context.trace_id, "032x")
            line["span_id"] = format(context.span_id, "016x")
        span_attributes = getattr(trace.get_current_span(), "attributes", None) or {}
        application_id = getattr(record, "application_id", None) or span_attributes.get(APPLICATION_ID)
        if application_id:
            line["application_id"] = application_id
        if record.exc_info:
            line["error"] = self.formatException(record.exc_info)
        # no mobile number or e-mail address in a log line, whoever wrote it (PIPL; docs/personal-data.md)
        return redact(json.dumps(line, ensure_ascii=False))


def setup_logging(service: str, level: str = "INFO") -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter(service))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for noisy in ("amqp", "kombu", "nameko", "pymongo", "h2", "hpack", "urllib3"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
