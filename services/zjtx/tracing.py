"""OpenTelemetry set-up from the standard OTEL_* variables, for every ZJTX process.

``OTEL_TRACES_EXPORTER``: comma list of ``otlp``, ``console``, ``none`` (default ``none``).
``OTEL_EXPORTER_OTLP_PROTOCOL``: ``http/protobuf`` (the default; service processes run
under eventlet, where the grpc exporter's channel cannot be driven, so ``grpc`` is
accepted only for the gateway and falls back to http/protobuf elsewhere with a warning).
``OTEL_EXPORTER_OTLP_ENDPOINT`` / ``OTEL_EXPORTER_OTLP_TRACES_ENDPOINT``, ``OTEL_SERVICE_NAME``,
``OTEL_RESOURCE_ATTRIBUTES`` and the ``OTEL_BSP_*`` batch settings are read by the SDK.

With no exporter the spans are the ``ContextOnlyTracer``'s: they carry the trace's context
and record nothing.

W3C trace context travels in the AMQP header ``traceparent`` (events, outbox relay) and
in gRPC metadata (nameko-grpc and grpcio instrumentations), so spans of different
processes join one trace.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from opentelemetry import trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import Event, ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, ConsoleSpanExporter, SpanExporter, SpanExportResult
from opentelemetry.sdk.trace.id_generator import RandomIdGenerator
from opentelemetry.trace import NonRecordingSpan, SpanContext, TraceFlags, TraceState
from opentelemetry.trace.status import Status

from zjtx.crypto import redact

log = logging.getLogger(__name__)

ACCEPTED_EXPORTERS = ("otlp", "console", "none")
_configured = False


class TracingError(ValueError):
    pass


def exporters_from_env(env: dict[str, str] | os._Environ[str] | None = None) -> list[SpanExporter]:
    env = os.environ if env is None else env
    names = [n.strip() for n in env.get("OTEL_TRACES_EXPORTER", "none").split(",") if n.strip()]
    unknown = [n for n in names if n not in ACCEPTED_EXPORTERS]
    if unknown:
        raise TracingError(
            f"OTEL_TRACES_EXPORTER has unknown exporter(s) {unknown}; accepted: {', '.join(ACCEPTED_EXPORTERS)}"
        )
    exporters: list[SpanExporter] = []
    for name in names:
        if name == "console":
            exporters.append(ConsoleSpanExporter())
        elif name == "otlp":
            protocol = env.get("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL") or env.get("OTEL_EXPORTER_OTLP_PROTOCOL") or "http/protobuf"
            if protocol not in ("http/protobuf", "grpc"):
                raise TracingError(f"OTEL_EXPORTER_OTLP_PROTOCOL={protocol!r}; accepted: http/protobuf, grpc")
            if protocol == "grpc":
                log.warning("OTLP over grpc is not usable under eventlet; exporting over http/protobuf")
            from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

            exporters.append(OTLPSpanExporter())
    return exporters


def _redacted(value: Any) -> Any:
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, (list, tuple)):
        return type(value)(_redacted(v) for v in value)
    return value


def _redacted_attributes(attributes: Any) -> dict[str, Any]:
    return {key: _redacted(value) for key, value in (attributes or {}).items()}


class RedactingExporter(SpanExporter):
    """Masks mobile numbers and e-mail addresses in every exported span (PIPL: traces carry no personal
    value). Instrumentations record call arguments and exception texts the code does not choose, so the
    last line of defence is here, before anything leaves the process."""

    def __init__(self, inner: SpanExporter) -> None:
        self.inner = inner

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        return self.inner.export([self._clean(span) for span in spans])

    @staticmethod
    def _clean(span: ReadableSpan) -> ReadableSpan:
        status = span.status
        if status.description and redact(status.description) != status.description:
            status = Status(status.status_code, redact(status.description))
        return ReadableSpan(
            name=span.name, context=span.context, parent=span.parent, resource=span.resource,
            attributes=_redacted_attributes(span.attributes),
            events=[Event(e.name, _redacted_attributes(e.attributes), e.timestamp) for e in span.events],
            links=span.links, kind=span.kind, status=status, start_time=span.start_time, end_time=span.end_time,
            instrumentation_scope=span.instrumentation_scope)

    def shutdown(self) -> None:
        self.inner.shutdown()

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        return self.inner.force_flush(timeout_millis)


# The entrypoint adapters the services use, as nameko-opentelemetry's ``entrypoint_adapters``. With
# no exporter the spans are ContextOnlyTracer's, not recording: the adapters then compute nothing.
ENTRYPOINT_ADAPTERS = {
    "nameko_grpc.entrypoint.Grpc": "nameko_grpc_opentelemetry.GrpcEntrypointAdapter",
    "zjtx.events.ReliableEventHandler": "nameko_opentelemetry.events.EventHandlerEntrypointAdapter",
    "zjtx.timers.ConfiguredTimer": "nameko_opentelemetry.timer.TimerEntrypointAdapter",
}


class ContextOnlyTracer(trace.Tracer):
    """The tracer of a process whose spans go nowhere: each span carries its trace's context (the
    trace id in log lines, the ``traceparent`` of the events, outbox entries and calls it makes)
    and records nothing. The SDK's span, even unexported, holds attributes, events and links each
    behind a lock (a green one under eventlet): 5% of notification's CPU in the surge (issue 16).
    Sampling as the SDK's default (``ParentBased(ALWAYS_ON)``): a trace begun here is sampled, a
    span under a remote parent keeps its flags, so a downstream process that exports records it."""

    _ids = RandomIdGenerator()

    def start_span(self, name: str, context: Any = None, kind: Any = trace.SpanKind.INTERNAL, attributes: Any = None,
                   links: Any = None, start_time: Any = None, record_exception: bool = True,
                   set_status_on_exception: bool = True) -> trace.Span:
        parent = trace.get_current_span(context).get_span_context()
        if parent.is_valid:
            trace_id, flags, state = parent.trace_id, parent.trace_flags, parent.trace_state
        else:
            trace_id, flags, state = self._ids.generate_trace_id(), TraceFlags(TraceFlags.SAMPLED), TraceState()
        return NonRecordingSpan(SpanContext(trace_id, self._ids.generate_span_id(), is_remote=False,
                                            trace_flags=flags, trace_state=state))

    @contextmanager
    def start_as_current_span(self, name: str, context: Any = None, kind: Any = trace.SpanKind.INTERNAL,
                              attributes: Any = None, links: Any = None, start_time: Any = None,
                              record_exception: bool = True, set_status_on_exception: bool = True,
                              end_on_exit: bool = True) -> Iterator[trace.Span]:
        span = self.start_span(name, context)
        with trace.use_span(span, end_on_exit=end_on_exit, record_exception=False, set_status_on_exception=False):
            yield span


class ContextOnlyTracerProvider(trace.TracerProvider):
    _tracer = ContextOnlyTracer()

    def get_tracer(self, instrumenting_module_name: str, instrumenting_library_version: str | None = None,
                   schema_url: str | None = None, attributes: Any = None) -> trace.Tracer:
        return self._tracer


def setup_tracing(service_name: str, instrument_nameko: bool = True) -> TracerProvider | None:
    """Install the tracer provider and the instrumentations (once per process)."""
    global _configured
    if _configured:
        return None
    _configured = True
    exporters = exporters_from_env()
    provider: TracerProvider | None = None
    if exporters:
        resource = Resource.create({"service.name": os.environ.get("OTEL_SERVICE_NAME") or service_name,
                                    "service.namespace": "zjtx"})
        provider = TracerProvider(resource=resource)
        for exporter in exporters:
            provider.add_span_processor(BatchSpanProcessor(RedactingExporter(exporter)))
        trace.set_tracer_provider(provider)
        # A span per database command is only worth its cost when spans leave the process:
        # unexported, they were a visible share of each service's CPU (docs/performance.md).
        # The entrypoint spans stay (log lines carry their trace ids; the outbox carries the
        # trace context to the next service).
        from opentelemetry.instrumentation.pymongo import PymongoInstrumentor

        PymongoInstrumentor().instrument(capture_statement=False)
    else:
        trace.set_tracer_provider(ContextOnlyTracerProvider())
    if instrument_nameko:
        from nameko_grpc_opentelemetry import NamekoGrpcInstrumentor
        from nameko_opentelemetry import NamekoInstrumentor

        NamekoInstrumentor().instrument(entrypoint_adapters=ENTRYPOINT_ADAPTERS)
        NamekoGrpcInstrumentor().instrument()
        if not exporters:
            # Its wrapper of a streamed result tees the stream for the span's result attributes and
            # keeps the copy until the call ends: a whole workbook or attachment held in memory for
            # a span that goes nowhere. Trace context still travels (handle_request, the client).
            import nameko_grpc.entrypoint
            from opentelemetry.instrumentation.utils import unwrap

            unwrap(nameko_grpc.entrypoint.Grpc, "handle_result")
    return provider


def shutdown_tracing() -> None:
    provider: Any = trace.get_tracer_provider()
    if hasattr(provider, "shutdown"):
        provider.shutdown()


def current_trace_id() -> str | None:
    context = trace.get_current_span().get_span_context()
    return format(context.trace_id, "032x") if context.is_valid else None
