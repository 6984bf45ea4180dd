"""RabbitMQ stopped and started again (``rabbitmqctl stop_app`` / ``start_app``) mid-surge.

The broker is a private node the test starts itself (``harness.broker_node``): stopping
the machine's shared broker would break every other test session running on it.

Notification is stopped first, so its quorum queue holds application.submitted events
when the broker goes down: after the restart the queue is still there with at least as
many messages (nothing consumes it meanwhile), every queue declared before is declared
after, and once notification starts again it receives them all. Meanwhile enterprises
keep submitting and reviewers keep deciding (their writes only need the database; the
events wait in the outboxes), the other services reconnect by themselves and the outboxes
drain; nothing is lost or doubled at any consumer. Every service runs on its own
least-privilege broker account (zjtx.broker_accounts), so reconnecting needs no right to
declare another service's exchange.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from harness.broker_node import BrokerNode, start_node
from harness.wait import until
from reliability.faults import Surge, conclude
from reliability.rig import SURGE_N, Rig, start_rig
from zjtx import broker_accounts

HELD_QUEUE = "evt-registration-application.submitted--notification.on_application_submitted"
DOWN_SECONDS = 10.0


@pytest.fixture
def broker(tmp_path: Path) -> Iterator[BrokerNode]:
    node = start_node(tmp_path / "rabbit")
    yield node
    node.close()


@pytest.fixture
def broker_rig(tmp_path: Path, broker: BrokerNode, reported: list[str]) -> Iterator[Rig]:
    # each service on its own least-privilege account, as everywhere else: the private node has no
    # management API, so the accounts and exchanges are imported as definitions with rabbitmqctl
    accounts = {"AMQP_URI": broker.amqp_uri()}
    definitions = tmp_path / "accounts.json"
    definitions.write_text(json.dumps(broker_accounts.offline_definitions(accounts)))
    broker.ctl("import_definitions", str(definitions))
    accounts.pop("AMQP_URI")
    started = start_rig(tmp_path / "suite", reported, broker_host=broker.host, management=None, env=accounts)
    users = set(broker.ctl("list_connections", "user", "--quiet", "--no-table-headers").stdout.split())
    assert {u.split(".")[0] for u in users} >= {"zjtx-registration", "zjtx-review", "zjtx-notification",
                                                 "zjtx-reporting"}, users
    yield started
    started.close()


def test_broker_restart_mid_surge_keeps_queues_and_loses_nothing(broker: BrokerNode, broker_rig: Rig) -> None:
    rig = broker_rig
    surge = Surge.prepare(rig, SURGE_N)
    # everything of the first half has reached notification: from here on its queue only grows
    until(lambda: broker.queue_depth(HELD_QUEUE) == 0 and rig.mongo.zjtx_notification.inbox.count_documents(
        {"event_type": "application.submitted"}) >= len(surge.first), timeout=120, interval=0.5,
        what="notification to catch up before it is stopped")
    rig.suite.stop_service("notification")
    queues_before = set(broker.queues())

    surge.start()
    # stop the broker early in the surge, as soon as notification's queue holds something
    until(lambda: broker.queue_depth(HELD_QUEUE) >= 2, timeout=120, interval=0.2,
          what="application.submitted events waiting in notification's queue")
    depth_before = broker.queue_depth(HELD_QUEUE)
    accepted_before, decided_before = surge.accepted_count(), surge.decided_count()

    stopped = time.monotonic()
    broker.stop_app()
    time.sleep(DOWN_SECONDS)  # the surge goes on: submissions and decisions only need the database
    accepted_while_down = surge.accepted_count() - accepted_before
    decided_while_down = surge.decided_count() - decided_before
    broker.start_app()
    back = time.monotonic()
    depth_after = broker.queue_depth(HELD_QUEUE)
    queues_after = set(broker.queues())

    assert depth_before > 0 and depth_after >= depth_before, (depth_before, depth_after)
    assert queues_before <= queues_after, f"queues gone after the restart: {sorted(queues_before - queues_after)}"

    rig.suite.start_service("notification")
    rig.suite.wait_healthy(["notification"], timeout=120)
    recovery, total = surge.recover(since=back)
    conclude(rig, "broker-restart", surge, recovery, total, sorted(queues_after),
             note=(f"broker down {back - stopped:.1f} s (private node {broker.name}), {accepted_while_down} "
                   f"submissions accepted and {decided_while_down} decisions taken meanwhile; notification (stopped "
                   f"before, started after) found its queue holding {depth_before} -> {depth_after} across the "
                   f"restart; {len(queues_after)} queues kept; recovery counted from the broker's start_app"))
