"""``zjtx.tracing.setup_tracing`` by exporter: with none, spans that record nothing (so the
entrypoint adapters compute no attributes) and no tee of streamed gRPC results; with one, the
SDK's tracer provider. Each case in a process of its own (the instrumentation is installed once
per process)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

SERVICES = Path(__file__).resolve().parents[3] / "services"
PROBE = """
import eventlet; eventlet.monkey_patch()
import json
import nameko_grpc.entrypoint
from nameko_opentelemetry.entrypoints import adapter_types
from zjtx.events import ReliableEventHandler
from opentelemetry import trace
from zjtx.tracing import setup_tracing
setup_tracing("probe")
print(json.dumps({"tee": hasattr(nameko_grpc.entrypoint.Grpc.handle_result, "__wrapped__"),
                  "context": hasattr(nameko_grpc.entrypoint.GrpcServer.handle_request, "__wrapped__"),
                  "events": adapter_types[ReliableEventHandler].__name__,
                  "grpc": adapter_types[nameko_grpc.entrypoint.Grpc].__name__,
                  "provider": type(trace.get_tracer_provider()).__name__}))
"""


@pytest.mark.parametrize(("exporter", "expected"), [
    ("none", {"tee": False, "context": True, "events": "EventHandlerEntrypointAdapter",
              "grpc": "GrpcEntrypointAdapter", "provider": "ContextOnlyTracerProvider"}),
    ("otlp", {"tee": True, "context": True, "events": "EventHandlerEntrypointAdapter",
              "grpc": "GrpcEntrypointAdapter", "provider": "TracerProvider"}),
])
def test_what_is_instrumented_follows_the_exporter(exporter: str, expected: dict[str, object]) -> None:
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("OTEL_")}, "PYTHONPATH": str(SERVICES),
           "OTEL_TRACES_EXPORTER": exporter, "OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:9"}
    done = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr[-2000:]
    assert json.loads(done.stdout.strip().splitlines()[-1]) == expected


def test_without_an_exporter_spans_carry_the_trace_and_record_nothing() -> None:
    from opentelemetry import trace
    from opentelemetry.trace import NonRecordingSpan, SpanContext, TraceFlags

    from zjtx.tracing import ContextOnlyTracerProvider

    tracer = ContextOnlyTracerProvider().get_tracer("probe")
    root = tracer.start_span("submit")
    root_context = root.get_span_context()
    assert not root.is_recording() and root_context.is_valid and root_context.trace_flags.sampled
    with tracer.start_as_current_span("handler", context=trace.set_span_in_context(root)) as child:
        assert trace.get_current_span() is child
        assert child.get_span_context().trace_id == root_context.trace_id
        assert child.get_span_context().span_id != root_context.span_id
    # a remote parent's flags are kept: one not sampled upstream is not sampled here either
    remote = NonRecordingSpan(SpanContext(0x1234, 0x99, is_remote=True, trace_flags=TraceFlags(0)))
    under = tracer.start_span("relay", context=trace.set_span_in_context(remote)).get_span_context()
    assert (under.trace_id, under.trace_flags.sampled, under.is_remote) == (0x1234, False, False)
    assert tracer.start_span("another").get_span_context().trace_id != root_context.trace_id
