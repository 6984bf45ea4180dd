"""The delivery limit is a RabbitMQ policy (zjtx.broker_policies), not a queue argument:
changing ``EVENT_MAX_ATTEMPTS`` on a live broker and restarting the consumers breaks nothing
(no 406 PRECONDITION_FAILED), and the new limit is the one in effect.

Reporting runs alone in a vhost of the test's own. A poison event (an application.submitted
whose archive copy can never be stored: every delivery fails in the handler, never for an
infrastructure reason) is dead-lettered after exactly ``EVENT_MAX_ATTEMPTS``
deliveries: 2 before the change, 4 after it. A queue declared by an older release with the
``x-delivery-limit`` argument keeps its consumer (adopted as declared, with a warning).
"""

from __future__ import annotations

import json
import os
import re
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from kombu import Connection

from harness import rabbit
from harness.wait import until
from zjtx import embedded_mongo
from zjtx.up import Suite

QUEUE = "evt-registration-application.submitted--reporting.on_application_submitted"
LEGACY = "evt-review-review.passed--reporting.on_passed"


@pytest.fixture
def own_vhost() -> Iterator[str]:
    with rabbit.vhost() as name:
        yield name


def poison(uri: str) -> str:
    event_id = uuid.uuid4().hex
    rabbit.publish(uri, "registration.events", "application.submitted", {
        "id": event_id, "type": "application.submitted", "source": "registration", "time": "2020-05-08T02:00:00Z",
        "subject": "app-poison", "schemaversion": "1",
        # readable, but its archive copy can never be stored (a key with a NUL byte): every delivery fails
        "data": {"application": {"application_id": "app-poison", "programme_id": "p"}, "bad\u0000key": 1}})
    return event_id


def attempts(log: Path, event_id: str) -> list[int]:
    return [int(n) for n in re.findall(rf"failed on attempt (\d+)/\d+ for event {event_id}",
                                       log.read_text(errors="replace"))]


def dead_lettered(uri: str, event_id: str) -> bool:
    with Connection(uri) as connection:
        channel = connection.channel()
        found = False
        while (message := channel.basic_get(f"{QUEUE}.dead-letter", no_ack=False)) is not None:
            found = found or json.loads(message.body).get("id") == event_id
        channel.close()  # unacknowledged: the messages go back
        return found


def effective_limit(vhost: str, queue: str, expected: int) -> None:
    """Wait until the management API shows the policy's limit on the queue (its figures lag a few seconds)."""
    path = f"/queues/{quote(vhost, safe='')}/{quote(queue, safe='')}"
    until(lambda: (rabbit.api("GET", path).json().get("effective_policy_definition") or {}).get("delivery-limit")
          == expected, timeout=30, interval=0.5, what=f"delivery-limit {expected} in effect on {queue}")


def test_changing_event_max_attempts_on_a_live_broker(own_vhost: str, mongo_server: embedded_mongo.EmbeddedMongo,
                                                       tmp_path: Path) -> None:
    uri = rabbit.amqp_uri(own_vhost)
    # a queue as an earlier release declared it, with the limit as an argument
    with Connection(uri) as connection:
        connection.channel().queue_declare(LEGACY, durable=True, auto_delete=False, arguments={
            "x-queue-type": "quorum", "x-dead-letter-exchange": "zjtx.dead-letter",
            "x-dead-letter-routing-key": LEGACY, "x-delivery-limit": 6})
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OTEL_", "ZJTX_"))}
    env.update({"PYTHONPATH": str(Path(__file__).resolve().parents[2] / "services"), "AMQP_URI": uri,
                "MONGO_URI": mongo_server.uri, "REPORTING_DATABASE": f"zjtx_policy_{uuid.uuid4().hex[:6]}",
                "REPORTING_GRPC_PORT": str(embedded_mongo.free_port()),
                "REPORTING_METRICS_PORT": str(embedded_mongo.free_port()), "ZJTX_VAR_DIR": str(tmp_path / "var"),
                "EVENT_MAX_ATTEMPTS": "2", "OTEL_TRACES_EXPORTER": "none", "PYTHONUNBUFFERED": "1"})
    suite = Suite(env, tmp_path / "log")
    log = tmp_path / "log" / "reporting.log"
    try:
        suite.start(("reporting",), timeout=120)
        effective_limit(own_vhost, QUEUE, 1)  # 2 deliveries = 1 redelivery
        first = poison(uri)
        until(lambda: dead_lettered(uri, first), timeout=60, interval=0.5, what="the first poison event dead-lettered")
        assert attempts(log, first) == [1, 2]

        # the operator raises the limit: the broker keeps every queue and consumer
        suite.stop_service("reporting")
        suite.env["EVENT_MAX_ATTEMPTS"] = "4"
        suite.policy_set = False
        suite.start(("reporting",), timeout=120)
        assert "PRECONDITION_FAILED" not in log.read_text(errors="replace")
        effective_limit(own_vhost, QUEUE, 3)
        second = poison(uri)
        until(lambda: dead_lettered(uri, second), timeout=90, interval=0.5, what="the second poison event dead-lettered")
        assert attempts(log, second) == [1, 2, 3, 4]

        # the queue declared with the argument was adopted: its consumer runs, and says so
        consumers = rabbit.api("GET", f"/queues/{quote(own_vhost, safe='')}/{quote(LEGACY, safe='')}").json()
        assert consumers["arguments"]["x-delivery-limit"] == 6
        assert f"queue {LEGACY} was declared with x-delivery-limit=6" in log.read_text(errors="replace")
        until(lambda: rabbit.api("GET", f"/queues/{quote(own_vhost, safe='')}/{quote(LEGACY, safe='')}"
                                 ).json().get("consumers", 0) >= 1, timeout=30, what="a consumer on the adopted queue")
        print("delivery limit as a policy: 2 attempts, then 4 after EVENT_MAX_ATTEMPTS changed and reporting "
              "restarted, no 406; a legacy queue (x-delivery-limit=6) adopted", file=sys.stderr)
    finally:
        suite.stop()
