"""The building blocks on the real broker and database, through the real services.

- indexes declared in code exist after start;
- a crash between the state change and the publish loses nothing (outbox);
- an event delivered twice takes effect once (inbox);
- a poison message is retried up to the limit, then dead-lettered, and the queue behind
  it keeps flowing.
"""

from __future__ import annotations

import json
import time
import uuid
from pathlib import Path

import grpc
from kombu import Connection
from pymongo import MongoClient

from harness import rabbit
from harness.clients import call, org_body
from harness.wait import until
from kernel.uscc import make_uscc
from zjtx.up import Suite
from zjtx_api import registration_pb2, registration_pb2_grpc

NOTIFICATION_QUEUE = "evt-registration-enterprise.registered--notification.on_enterprise_registered"


def register(channel: grpc.Channel, name: str) -> registration_pb2.Enterprise:
    stub = registration_pb2_grpc.RegistrationStub(channel)
    return call(stub.RegisterEnterprise, registration_pb2.RegisterEnterpriseRequest(
        uscc=make_uscc("9", "1", "430400", org_body("B")), name=name, region_code="430482",
        industry="专用设备制造业",
        contact=registration_pb2.Contact(person="李四", mobile="13900139000", email="li@example.cn"),
    ))


def inbox_count(mongo: MongoClient, enterprise_id: str) -> int:
    return mongo.zjtx_notification.inbox.count_documents({"recipient": f"enterprise:{enterprise_id}"})


def registered_event(enterprise_id: str, event_id: str | None = None, **data: object) -> dict:
    return {
        "id": event_id or uuid.uuid4().hex, "type": "enterprise.registered", "source": "registration",
        "time": "2020-04-01T00:00:00.000Z", "subject": enterprise_id, "schemaversion": "1",
        "data": {"enterprise_id": enterprise_id, "uscc": "91430400MA4L0T0012", "name": "外部事件企业",
                 "region_code": "430482", "industry": "制造业", **data},
    }


def test_indexes_declared_in_code_exist(suite: Suite, mongo: MongoClient) -> None:
    names = {index["name"] for index in mongo.zjtx_registration.enterprises.list_indexes()}
    assert "uscc_unique" in names
    assert {"pending", "by_subject", "published_ttl"} <= {i["name"] for i in mongo.zjtx_registration.outbox.list_indexes()}
    assert {"by_recipient", "unread"} <= {i["name"] for i in mongo.zjtx_notification.inbox.list_indexes()}


def test_event_delivered_twice_takes_effect_once(suite: Suite, mongo: MongoClient, amqp_uri: str) -> None:
    enterprise_id = uuid.uuid4().hex
    event = registered_event(enterprise_id)
    for _ in range(2):
        rabbit.publish(amqp_uri, "registration.events", "enterprise.registered", event)
    until(lambda: inbox_count(mongo, enterprise_id) == 1, what="the first delivery's inbox message")
    # the second delivery must have been seen and skipped by each consumer, not merely be late
    for service in ("notification", "reporting", "review"):
        until(lambda s=service: f"event {event['id']} already applied" in (suite.log_dir / f"{s}.log").read_text(),
              what=f"{service} to skip the duplicate")
    assert inbox_count(mongo, enterprise_id) == 1
    assert mongo.zjtx_reporting.enterprises.count_documents({"_id": enterprise_id}) == 1
    assert mongo.zjtx_notification.processed_events.count_documents({"event_id": event["id"]}) == 1


def test_poison_message_is_dead_lettered_and_does_not_block(suite: Suite, mongo: MongoClient, amqp_uri: str,
                                                            vhost: str) -> None:
    poison_subject = uuid.uuid4().hex
    # a payload whose field has the wrong type: the handler fails on every delivery
    poison = registered_event(poison_subject, name={"$gt": ""})
    rabbit.publish(amqp_uri, "registration.events", "enterprise.registered", poison)
    healthy_id = uuid.uuid4().hex
    rabbit.publish(amqp_uri, "registration.events", "enterprise.registered", registered_event(healthy_id))

    until(lambda: inbox_count(mongo, healthy_id) == 1, what="the event behind the poison message")
    dead_letter_queue = f"{NOTIFICATION_QUEUE}.dead-letter"
    until(lambda: rabbit.queue_depth(vhost, dead_letter_queue) >= 1, timeout=30, what="the dead letter")

    log = (suite.log_dir / "notification.log").read_text()
    attempts = [json.loads(line) for line in log.splitlines()
                if line.startswith("{") and "failed on attempt" in line and "on_enterprise_registered" in line]
    assert len(attempts) >= 4, "retried up to EVENT_MAX_ATTEMPTS=4 before dead-lettering"
    with Connection(amqp_uri) as connection:
        channel = connection.channel()
        message = channel.basic_get(dead_letter_queue, no_ack=False)
        body = json.loads(message.body)
        deaths = message.headers.get("x-death") or []
        channel.basic_ack(message.delivery_tag)
    assert body["id"] == poison["id"]
    assert deaths and deaths[0]["reason"] == "delivery_limit"
    assert inbox_count(mongo, poison_subject) == 0


def test_malformed_envelope_is_dead_lettered_at_once(suite: Suite, amqp_uri: str, vhost: str) -> None:
    before = rabbit.queue_depth(vhost, f"{NOTIFICATION_QUEUE}.dead-letter")
    rabbit.publish(amqp_uri, "registration.events", "enterprise.registered", {"not": "an envelope"})
    until(lambda: rabbit.queue_depth(vhost, f"{NOTIFICATION_QUEUE}.dead-letter") == before + 1,
          what="the malformed message in the dead-letter queue")


def test_crash_between_state_change_and_publish_loses_nothing(suite: Suite, mongo: MongoClient,
                                                              channels: dict[str, grpc.Channel]) -> None:
    """Registration commits the enterprise and its event, then dies before relaying it."""
    suite.stop_service("registration")
    suite.env["OUTBOX_RELAY_ENABLED"] = "false"
    try:
        suite.start(("registration",))
        enterprise = register(channels["registration"], "崩溃测试企业")
        entry = mongo.zjtx_registration.outbox.find_one({"subject": enterprise.id})
        assert entry is not None and entry["state"] == "NotPublished"
        suite.kill_service("registration")  # SIGKILL: nothing gets a chance to publish
    finally:
        suite.env.pop("OUTBOX_RELAY_ENABLED")
    time.sleep(1)
    assert inbox_count(mongo, enterprise.id) == 0, "nothing was published before the crash"

    suite.start(("registration",))
    until(lambda: inbox_count(mongo, enterprise.id) == 1, what="the relayed event after restart")
    assert mongo.zjtx_registration.outbox.find_one({"subject": enterprise.id})["state"] == "Published"
    assert mongo.zjtx_registration.enterprises.count_documents({"_id": enterprise.id}) == 1


def test_service_logs_are_json_lines_with_trace_ids(suite: Suite) -> None:
    lines = [line for line in Path(suite.log_dir / "registration.log").read_text().splitlines() if line.startswith("{")]
    records = [json.loads(line) for line in lines]
    assert records and all({"time", "level", "service", "message"} <= set(r) for r in records)
