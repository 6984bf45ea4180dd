"""RabbitMQ definitions for production, generated from the code so they cannot drift.

``python -m zjtx.broker_definitions`` writes ``deploy/rabbitmq/definitions.json``: the
vhost, every service's durable topic exchange ``<service>.events``, the dead-letter
exchange, and for every event handler its quorum queue (delivery limit, dead-lettering)
and its dead-letter queue, with the bindings; and one user per service with its
least-privilege permissions (zjtx.broker_accounts; no password: set it at deploy time). ``--check`` fails when the committed file
differs (run by the tests). Load it with the management plugin's ``load_definitions``.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from typing import Any

from nameko.extensions import ENTRYPOINT_EXTENSIONS_ATTR

from zjtx import broker_accounts, broker_policies
from zjtx.config import REPO_ROOT
from zjtx.events import (
    DEAD_LETTER_EXCHANGE,
    DEAD_LETTER_QUEUE_ARGUMENTS,
    DEFAULT_MAX_ATTEMPTS,
    ReliableEventHandler,
    dead_letter_queue_name,
    queue_arguments,
)
from zjtx.processes import SERVICES

TARGET = REPO_ROOT / "deploy" / "rabbitmq" / "definitions.json"
VHOST = "/"


def handlers() -> list[tuple[str, str, str, str]]:
    """(consumer service, method, source service, event type) for every reliable handler."""
    found = []
    for service, path in SERVICES.items():
        module_name, class_name = path.split(":")
        cls = getattr(importlib.import_module(module_name), class_name)
        for name in sorted(dir(cls)):
            method = getattr(cls, name, None)
            for entrypoint in getattr(method, ENTRYPOINT_EXTENSIONS_ATTR, ()):
                if isinstance(entrypoint, ReliableEventHandler):
                    found.append((service, name, entrypoint.source_service, entrypoint.event_type))
    return sorted(found)


def definitions(max_attempts: int = DEFAULT_MAX_ATTEMPTS) -> dict[str, Any]:
    exchanges = [{"name": f"{s}.events", "vhost": VHOST, "type": "topic", "durable": True, "auto_delete": False,
                  "internal": False, "arguments": {}} for s in SERVICES]
    exchanges.append({"name": DEAD_LETTER_EXCHANGE, "vhost": VHOST, "type": "direct", "durable": True,
                      "auto_delete": False, "internal": False, "arguments": {}})
    queues, bindings = [], []
    for service, method, source, event_type in handlers():
        queue = f"evt-{source}-{event_type}--{service}.{method}"
        # no x-delivery-limit: the policy below sets it, so it can change on a live broker
        queues.append({"name": queue, "vhost": VHOST, "durable": True, "auto_delete": False,
                       "arguments": queue_arguments(queue)})
        queues.append({"name": dead_letter_queue_name(queue), "vhost": VHOST, "durable": True, "auto_delete": False,
                       "arguments": dict(DEAD_LETTER_QUEUE_ARGUMENTS)})
        bindings.append({"source": f"{source}.events", "vhost": VHOST, "destination": queue,
                         "destination_type": "queue", "routing_key": event_type, "arguments": {}})
        bindings.append({"source": DEAD_LETTER_EXCHANGE, "vhost": VHOST, "destination": dead_letter_queue_name(queue),
                         "destination_type": "queue", "routing_key": queue, "arguments": {}})
    accounts = broker_accounts.definitions(VHOST)  # one least-privilege user per service, password set at deploy
    return {"vhosts": [{"name": VHOST}], "users": accounts["users"], "permissions": accounts["permissions"],
            "policies": [broker_policies.definition(VHOST, max_attempts)],
            "exchanges": exchanges, "queues": queues, "bindings": bindings}


def render() -> str:
    return json.dumps(definitions(), indent=2, ensure_ascii=False) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    text = render()
    if args.check:
        if not TARGET.exists() or TARGET.read_text() != text:
            print(f"{TARGET} is stale; run `python -m zjtx.broker_definitions`", file=sys.stderr)
            raise SystemExit(1)
        print(f"{TARGET} is current")
        return
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    TARGET.write_text(text)
    print(f"wrote {TARGET} ({len(json.loads(text)['queues'])} queues)")


if __name__ == "__main__":
    main()
