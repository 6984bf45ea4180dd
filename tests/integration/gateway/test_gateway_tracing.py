"""One HTTP request is one trace: the gateway's server span, its gRPC client span and the
service's spans share the trace id the gateway returns in X-Trace-Id."""

from __future__ import annotations

from gwclient import Api

from harness.otlp import OtlpReceiver, ReceivedSpan
from harness.wait import until


def test_a_registration_through_the_gateway_is_one_trace(api: Api, otlp: OtlpReceiver) -> None:
    enterprise, token = api.register_enterprise()
    answer = api.get("/api/v1/enterprise", token=token)
    assert answer.status == 200 and answer.body["id"] == enterprise["id"], answer.body
    trace_id = answer.headers["X-Trace-Id"]
    def complete() -> list[ReceivedSpan] | None:
        spans = otlp.trace(trace_id)
        kinds = {(s.service, s.kind) for s in spans}
        served = any(s.service == "registration" and "GetEnterprise" in s.name for s in spans)
        return spans if {("gateway", 2), ("gateway", 3)} <= kinds and served else None

    spans = until(complete, timeout=30, what="gateway server and client spans and registration's span in one trace")
    gateway_spans = [s for s in spans if s.service == "gateway"]
    server = next(s for s in gateway_spans if s.kind == 2)  # SERVER
    client = next(s for s in gateway_spans if s.kind == 3 and "GetEnterprise" in s.name)  # CLIENT
    assert client.parent_span_id == server.span_id
    handled = [s for s in spans if s.service == "registration" and "GetEnterprise" in s.name]
    assert handled and handled[0].parent_span_id == client.span_id
    assert {s.trace_id for s in spans} == {trace_id}
