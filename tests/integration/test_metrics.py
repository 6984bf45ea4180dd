"""Every service exposes Prometheus text at /metrics: handler counts and latencies, outbox
lag, and (notification) delivery outcomes."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import grpc
import requests
from prometheus_client.parser import text_string_to_metric_families
from pymongo import MongoClient

from harness.clients import call, org_body
from harness.wait import until
from kernel.uscc import make_uscc
from zjtx.outbox import FAILED
from zjtx.up import SERVICE_ORDER, Suite
from zjtx_api import registration_pb2, registration_pb2_grpc


def scrape(suite: Suite, service: str) -> dict:
    port = suite.env[f"{service.upper()}_METRICS_PORT"]
    response = requests.get(f"http://127.0.0.1:{port}/metrics", timeout=10)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/plain")
    return {family.name: family for family in text_string_to_metric_families(response.text)}


def test_metrics_parse_as_prometheus_text(suite: Suite, channels: dict[str, grpc.Channel], mongo: MongoClient) -> None:
    stub = registration_pb2_grpc.RegistrationStub(channels["registration"])
    enterprise = call(stub.RegisterEnterprise, registration_pb2.RegisterEnterpriseRequest(
        uscc=make_uscc("9", "1", "430600", org_body("M")), name="岳阳度量可见科技有限公司", region_code="430602",
        industry="通用设备制造业",
        contact=registration_pb2.Contact(person="周九", mobile="13300133000", email="zhou@example.cn")))
    until(lambda: mongo.zjtx_notification.deliveries.find_one({"subject": enterprise.id}),
          what="a delivery for the registration")
    for service in SERVICE_ORDER:
        families = scrape(suite, service)
        assert {"zjtx_handled", "zjtx_handler_seconds", "zjtx_outbox_entries",
                "zjtx_outbox_oldest_pending_seconds"} <= set(families), service
        lag = [s for s in families["zjtx_outbox_oldest_pending_seconds"].samples if s.labels["service"] == service]
        assert len(lag) == 1, service
    handled = [s for s in scrape(suite, "registration")["zjtx_handled"].samples
               if s.labels.get("entrypoint") == "RegisterEnterprise" and s.name.endswith("_total")]
    assert handled and handled[0].value >= 1
    outcomes = [s for s in scrape(suite, "notification")["zjtx_service_value"].samples
                if s.labels["name"] == "deliveries"]
    assert outcomes and all("channel=" in s.labels["labels"] and "state=" in s.labels["labels"] for s in outcomes)


def test_outbox_lag_is_the_age_of_the_oldest_unpublished_entry(suite: Suite, mongo: MongoClient) -> None:
    """An entry the relay gave up on an hour ago (never retried before 2100) is the lag, whatever else is pending."""
    planted = uuid.uuid4().hex
    created = datetime.now(UTC) - timedelta(hours=1)
    mongo.zjtx_reporting.outbox.insert_one({
        "_id": planted, "seq": 0, "type": "report.ready", "subject": "metrics-test", "state": FAILED, "attempts": 9,
        "envelope": {"id": planted, "type": "report.ready", "source": "reporting", "subject": "metrics-test"},
        "trace_headers": {}, "created_at": created, "next_attempt_at": datetime(2100, 1, 1, tzinfo=UTC)})
    try:
        families = scrape(suite, "reporting")
    finally:
        mongo.zjtx_reporting.outbox.delete_one({"_id": planted})
    [lag] = [s for s in families["zjtx_outbox_oldest_pending_seconds"].samples if s.labels["service"] == "reporting"]
    assert lag.value >= 3600
    failed = [s for s in families["zjtx_outbox_entries"].samples
              if s.labels["service"] == "reporting" and s.labels["state"] == FAILED]
    assert failed and failed[0].value >= 1


def test_metrics_listen_on_loopback_only(suite: Suite) -> None:
    """By default /metrics is not reachable on the machine's other addresses (issue 25 point 6)."""
    import socket

    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        probe.connect(("192.0.2.254", 9))  # no packet is sent: only picks the outward interface
        outward = probe.getsockname()[0]
    except OSError:
        outward = ""
    finally:
        probe.close()
    if not outward or outward.startswith("127."):
        return  # a machine with loopback only: nothing beyond it to check
    for service in SERVICE_ORDER:
        port = int(suite.env[f"{service.upper()}_METRICS_PORT"])
        with socket.socket() as sock:
            sock.settimeout(2)
            assert sock.connect_ex((outward, port)) != 0, f"{service}'s /metrics answers on {outward}:{port}"
