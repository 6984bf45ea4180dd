"""nameko-opentelemetry's entrypoint adapters for a process whose spans are not exported.

Each worker still gets its span: its context names the trace in log lines and travels on in
AMQP headers, gRPC metadata and the outbox. What goes is the span's attributes and status,
which only an exporter would read: computing them (``inspect.getcallargs`` over the handler,
the AMQP consumer's settings, the gRPC method's description) per worker was up to a third of
a service's CPU in the surge (docs/performance.md). Used by ``zjtx.tracing`` when
``OTEL_TRACES_EXPORTER`` names no exporter.
"""

from __future__ import annotations

from typing import Any

from nameko_grpc_opentelemetry import GrpcEntrypointAdapter
from nameko_opentelemetry.events import EventHandlerEntrypointAdapter
from nameko_opentelemetry.timer import TimerEntrypointAdapter


class _WithoutAttributes:
    def start_span(self, span: Any, worker_ctx: Any) -> None:
        """No attributes: the span goes nowhere."""

    def end_span(self, span: Any, worker_ctx: Any, result: Any, exc_info: Any) -> None:
        """No result attributes or status: the span goes nowhere (errors are logged by the handlers)."""


class UnexportedGrpcAdapter(_WithoutAttributes, GrpcEntrypointAdapter):
    pass


class UnexportedEventHandlerAdapter(_WithoutAttributes, EventHandlerEntrypointAdapter):
    pass


class UnexportedTimerAdapter(_WithoutAttributes, TimerEntrypointAdapter):
    pass
