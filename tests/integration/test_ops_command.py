"""The operations command: an application's timeline across services, and the suite's state."""

from __future__ import annotations

import subprocess
import sys

import grpc
from pymongo import MongoClient

from harness.clients import call, org_body
from harness.wait import until
from registration.rules.uscc import make_uscc
from zjtx.config import REPO_ROOT
from zjtx.up import Suite
from zjtx_api import registration_pb2, registration_pb2_grpc


def ops(suite: Suite, *args: str) -> str:
    result = subprocess.run([sys.executable, "-m", "zjtx.ops", *args], env={**suite.env, "ZJTX_TRACE_URL":
                            "http://jaeger.local/trace/{trace_id}"}, capture_output=True, text=True, timeout=60,
                            cwd=REPO_ROOT)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def test_timeline_lists_the_event_then_each_consumer(suite: Suite, channels: dict[str, grpc.Channel],
                                                    mongo: MongoClient) -> None:
    stub = registration_pb2_grpc.RegistrationStub(channels["registration"])
    enterprise = call(stub.RegisterEnterprise, registration_pb2.RegisterEnterpriseRequest(
        uscc=make_uscc("9", "1", "430300", org_body("P")), name="湘潭运维可见科技有限公司", region_code="430302",
        industry="电气机械和器材制造业",
        contact=registration_pb2.Contact(person="孙八", mobile="13500135000", email="sun@example.cn")))
    until(lambda: mongo.zjtx_notification.processed_events.count_documents({"type": "enterprise.registered"}) and
          all(mongo[f"zjtx_{s}"].processed_events.find_one({"consumer": {"$regex": "on_enterprise_registered"},
                                                             "event_id": mongo.zjtx_registration.outbox.find_one(
                                                                 {"subject": enterprise.id})["_id"]})
              for s in ("review", "notification", "reporting")), what="all three consumers")
    output = ops(suite, enterprise.id)
    lines = [line for line in output.splitlines() if "enterprise.registered" in line]
    assert "handled" not in lines[0] and "Published" in lines[0]
    assert sum("handled enterprise.registered" in line for line in lines) == 3
    assert "http://jaeger.local/trace/" in lines[0]
    assert "1 trace(s)" in output


def test_state_shows_health_queues_and_backlog(suite: Suite) -> None:
    output = ops(suite)
    for service in ("registration", "review", "notification", "reporting"):
        if service in suite.endpoints:
            assert f"{service}" in output and "SERVING" in output
    assert "Outbox backlog" in output and "Dead letters:" in output
    assert "evt-registration-enterprise.registered--notification.on_enterprise_registered" in output
