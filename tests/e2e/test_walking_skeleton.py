"""The chain on real parts: one gRPC call into registration leads to an event that review,
notification and reporting each handle over RabbitMQ; the effects land in each service's
own database, and the spans of all four processes share one trace id."""

from __future__ import annotations

import secrets

import grpc
from pymongo import MongoClient

from harness.clients import call, org_body
from harness.otlp import OtlpReceiver
from harness.wait import until
from kernel.uscc import make_uscc
from zjtx.up import Suite
from zjtx_api import registration_pb2, registration_pb2_grpc, reporting_pb2, reporting_pb2_grpc


def test_one_registration_reaches_every_service_in_one_trace(
    suite: Suite, channels: dict[str, grpc.Channel], mongo: MongoClient, otlp: OtlpReceiver
) -> None:
    trace_id = secrets.token_hex(16)
    traceparent = f"00-{trace_id}-{secrets.token_hex(8)}-01"
    stub = registration_pb2_grpc.RegistrationStub(channels["registration"])
    enterprise = call(stub.RegisterEnterprise, registration_pb2.RegisterEnterpriseRequest(
        uscc=make_uscc("9", "1", "430100", org_body("W")), name="长沙骨架验证科技有限公司", region_code="430104",
        industry="软件和信息技术服务业",
        contact=registration_pb2.Contact(person="王五", mobile="13700137000", email="wang@example.cn"),
    ), metadata=(("traceparent", traceparent),))

    until(lambda: mongo.zjtx_review.enterprises.find_one({"_id": enterprise.id}), what="review's directory entry")
    until(lambda: mongo.zjtx_notification.inbox.find_one({"recipient": f"enterprise:{enterprise.id}"}),
          what="notification's inbox message")
    until(lambda: mongo.zjtx_reporting.enterprises.find_one({"_id": enterprise.id}), what="reporting's read model")
    counted = reporting_pb2_grpc.ReportingStub(channels["reporting"]).CountEnterprises(
        reporting_pb2.CountEnterprisesRequest(region_prefix="4301"), timeout=10)
    assert counted.count >= 1

    until(lambda: {s.service for s in otlp.trace(trace_id)} >= {"registration", "review", "notification", "reporting"},
          timeout=20, what="spans of all four services in the trace")
    spans = otlp.trace(trace_id)
    names = {(s.service, s.name) for s in spans}
    assert any(service == "registration" and "publish" in name for service, name in names), names
    mongo_spans = [s for s in spans if s.attributes.get("db.system") == "mongodb"
                   or s.attributes.get("db.system.name") == "mongodb"]
    assert {s.service for s in mongo_spans} >= {"registration", "notification"}, "database operations are traced"

    def chained() -> bool:
        """Each consumer's handler span continues a span of another process (one chain, not four traces)."""
        spans = otlp.trace(trace_id)
        owner = {s.span_id: s.service for s in spans}
        return all({owner.get(s.parent_span_id) for s in spans if s.service == consumer} - {consumer, None}
                   for consumer in ("review", "notification", "reporting"))

    until(chained, timeout=20, what="each consumer's handler span under a span of another service")
