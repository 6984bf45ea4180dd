"""The operations command: an application's timeline across services, and the suite's state."""

from __future__ import annotations

import json
import subprocess
import sys
import uuid

import grpc
from kombu import Connection
from pymongo import MongoClient

from harness import rabbit
from harness.clients import call, org_body
from harness.wait import until
from kernel.uscc import make_uscc
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


# -- dead letters ------------------------------------------------------------------------

NOTIFICATION_QUEUE = "evt-registration-enterprise.registered--notification.on_enterprise_registered"
REVIEW_QUEUE = "evt-registration-enterprise.registered--review.on_enterprise_registered"


def ops_run(suite: Suite, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "zjtx.ops", *args], env=suite.env, capture_output=True, text=True,
                          timeout=120, cwd=REPO_ROOT)


def dead_letters(suite: Suite, *queues: str) -> dict[str, dict]:
    result = ops_run(suite, "dead-letters", "--json", *queues)
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout)


def letters_of(listing: dict[str, dict], queue: str, event_id: str) -> list[dict]:
    return [letter for letter in listing.get(f"{queue}.dead-letter", {}).get("dead_letters", [])
            if letter["event_id"] == event_id]


def failures(suite: Suite, service: str, event_id: str) -> int:
    """Handler failures the service logged for one event (its log names the event id in the error)."""
    return sum(1 for line in (suite.log_dir / f"{service}.log").read_text().splitlines()
               if "failed on attempt" in line and event_id in line)


def test_dead_letters_are_listed_without_contents_and_replayed_to_the_failed_consumer_only(
        suite: Suite, amqp_uri: str, vhost: str) -> None:
    event_id = uuid.uuid4().hex
    subject = uuid.uuid4().hex
    secret_name = "不应出现在运维输出里的企业名称"
    # a field of the wrong type: every consumer of enterprise.registered fails on it, every time
    poison = {"id": event_id, "type": "enterprise.registered", "source": "registration",
              "time": "2020-04-01T00:00:00.000Z", "subject": subject, "schemaversion": "1",
              "data": {"enterprise_id": subject, "name": {"$gt": secret_name}, "region_code": "430482"}}
    rabbit.publish(amqp_uri, "registration.events", "enterprise.registered", poison)
    listing = until(lambda: (lambda found: found if letters_of(found, NOTIFICATION_QUEUE, event_id)
                             and letters_of(found, REVIEW_QUEUE, event_id) else None)(dead_letters(suite)),
                    timeout=60, what="the poison in notification's and review's dead-letter queues")

    [letter] = letters_of(listing, NOTIFICATION_QUEUE, event_id)
    assert letter["type"] == "enterprise.registered" and letter["subject"] == subject
    assert letter["source_queue"] == NOTIFICATION_QUEUE
    assert letter["reason"] == "delivery_limit" and letter["count"] == 1 and letter["replays"] == 0
    assert letter["first_death"].startswith("20")
    text = ops_run(suite, "dead-letters")
    assert text.returncode == 0, text.stderr[-2000:]
    assert f"event {event_id}  enterprise.registered  subject {subject}  from {NOTIFICATION_QUEUE}" in text.stdout
    assert "delivery_limit x1" in text.stdout
    assert secret_name not in text.stdout and secret_name not in json.dumps(listing, ensure_ascii=False)
    # listing consumed nothing
    assert letters_of(dead_letters(suite, f"{NOTIFICATION_QUEUE}.dead-letter"), NOTIFICATION_QUEUE, event_id)

    notification_failures, review_failures = failures(suite, "notification", event_id), failures(suite, "review",
                                                                                                    event_id)
    replay = ops_run(suite, "replay", f"{NOTIFICATION_QUEUE}.dead-letter", "--event", event_id)
    assert replay.returncode == 0, replay.stderr[-2000:]
    assert f"replayed event {event_id} (enterprise.registered, subject {subject})" in replay.stdout
    assert f"to {NOTIFICATION_QUEUE}" in replay.stdout and "1 dead letter(s) replayed" in replay.stdout

    # nothing is fixed, so notification fails it all over again and gives up again ...
    again = until(lambda: (lambda found: found[0] if found and found[0]["count"] == 2 else None)(
        letters_of(dead_letters(suite, f"{NOTIFICATION_QUEUE}.dead-letter"), NOTIFICATION_QUEUE, event_id)),
        timeout=60, what="the replayed poison dead-lettered a second time")
    assert again["replays"] == 1 and again["reason"] == "delivery_limit"
    assert failures(suite, "notification", event_id) >= notification_failures + 4
    # ... while the other consumers of the event never saw the replayed copy
    assert failures(suite, "review", event_id) == review_failures
    assert len(letters_of(dead_letters(suite, f"{REVIEW_QUEUE}.dead-letter"), REVIEW_QUEUE, event_id)) == 1

    # replay --all takes what is in the queue now, each exactly once; then clean up review's copy
    replay_all = ops_run(suite, "replay", REVIEW_QUEUE, "--all")
    assert replay_all.returncode == 0 and f"replayed event {event_id}" in replay_all.stdout
    with Connection(amqp_uri) as connection:
        channel = connection.channel()
        for queue in (NOTIFICATION_QUEUE, REVIEW_QUEUE):
            until(lambda q=queue: letters_of(dead_letters(suite, f"{q}.dead-letter"), q, event_id), timeout=60,
                  what=f"the poison back in {queue}.dead-letter")
        for queue in (NOTIFICATION_QUEUE, REVIEW_QUEUE):
            while (message := channel.basic_get(f"{queue}.dead-letter", no_ack=False)) is not None:
                if json.loads(message.body).get("id") == event_id:
                    channel.basic_ack(message.delivery_tag)
                else:
                    channel.basic_reject(message.delivery_tag, requeue=True)
                    break


def test_replay_refuses_what_it_cannot_do(suite: Suite) -> None:
    missing = ops_run(suite, "replay", f"{NOTIFICATION_QUEUE}.dead-letter", "--event", "no-such-event")
    assert missing.returncode == 1 and "event no-such-event is not among" in missing.stderr
    unknown = ops_run(suite, "replay", "no-such-queue", "--all")
    assert unknown.returncode == 1 and "no queue 'no-such-queue.dead-letter'" in unknown.stderr
    neither = ops_run(suite, "replay", NOTIFICATION_QUEUE)
    assert neither.returncode == 2 and "--event" in neither.stderr
