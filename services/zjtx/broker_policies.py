"""The delivery limit of the event queues as a RabbitMQ policy, not a queue argument.

A queue argument is fixed when the queue is declared: a consumer declaring it again with
another ``x-delivery-limit`` is refused (406 PRECONDITION_FAILED), so changing
``EVENT_MAX_ATTEMPTS`` used to stop every consumer. A policy is applied by the broker to
matching queues, existing ones included, and may change at any time: the queues are
declared without the argument and this policy (``delivery-limit`` =
``EVENT_MAX_ATTEMPTS - 1`` on every ``evt-*`` queue) sets the limit.

Who applies it: ``make up``, ``make demo`` and the tests through the management API
(``apply``, from ``zjtx.up.Suite``); production through ``deploy/rabbitmq/definitions.json``
(``definition``) or ``rabbitmqctl set_policy`` (``rabbitmqctl_args``). docs/instances.md
says how queues declared earlier with the argument are migrated.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

NAME = "zjtx-delivery-limit"
# every event queue (nameko's naming: evt-<source>-<type>--<service>.<method>); the dead-letter
# queues behind them are classic queues, on which delivery-limit has no effect
PATTERN = r"^evt-"
PRIORITY = 10


def delivery_limit(max_attempts: int) -> int:
    """RabbitMQ counts redeliveries: a message delivered ``max_attempts`` times has been
    redelivered ``max_attempts - 1`` times when it is dead-lettered."""
    return max(0, int(max_attempts) - 1)


def body(max_attempts: int) -> dict[str, Any]:
    return {"pattern": PATTERN, "apply-to": "queues", "priority": PRIORITY,
            "definition": {"delivery-limit": delivery_limit(max_attempts)}}


def definition(vhost: str, max_attempts: int) -> dict[str, Any]:
    """The policy as an entry of definitions.json's ``policies``."""
    return {"vhost": vhost, "name": NAME, **body(max_attempts)}


def rabbitmqctl_args(vhost: str, max_attempts: int) -> list[str]:
    return ["set_policy", "-p", vhost, "--apply-to", "queues", "--priority", str(PRIORITY), NAME, PATTERN,
            json.dumps({"delivery-limit": delivery_limit(max_attempts)})]


def apply(env: dict[str, str]) -> int:
    """Set the policy in the vhost of ``env['AMQP_URI']`` through the management API
    (``RABBIT_MANAGEMENT_URI``) from ``EVENT_MAX_ATTEMPTS``; returns the limit set."""
    from zjtx.broker_accounts import DEFAULT_MANAGEMENT, Management, vhost_of
    from zjtx.events_config import max_attempts

    vhost = vhost_of(env.get("AMQP_URI") or "amqp://guest:guest@127.0.0.1:5672/")
    attempts = max_attempts(env)
    api = Management(env.get("RABBIT_MANAGEMENT_URI") or DEFAULT_MANAGEMENT)
    api.call("PUT", f"/policies/{quote(vhost, safe='')}/{NAME}", json=body(attempts))
    return delivery_limit(attempts)
