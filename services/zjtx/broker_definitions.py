"""RabbitMQ definitions for production, generated from the code so they cannot drift.

``python -m zjtx.broker_definitions`` writes ``deploy/rabbitmq/definitions.json`` (the
province's instance), ``definitions-<instance>.json`` for each other instance and
``shovel-<instance>.json`` for a city's link upwards: the instance's vhost, every
service's durable topic exchange ``<service>.events`` and ``upstream.events``, the
dead-letter exchange, for every event handler its quorum queue (dead-lettering) and its
dead-letter queue with the bindings, the delivery-limit policy (zjtx.broker_policies), one
user per service with its least-privilege permissions (zjtx.broker_accounts; no password:
set it at deploy time), the shovel's user, and one read-only user per outside system of
deploy/subscribers.yaml (zjtx.subscribers). ``--check`` fails when a committed file
differs (run by the tests). Load it with the management plugin's ``load_definitions``.
"""

from __future__ import annotations

import argparse
import importlib
import json
import re
import sys
from pathlib import Path
from typing import Any

from nameko.extensions import ENTRYPOINT_EXTENSIONS_ATTR

from zjtx import broker_accounts, broker_policies, subscribers, upstream
from zjtx.config import INSTANCES_DIR, REPO_ROOT, instance_document
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
DEFAULT_INSTANCE = "hunan-province"


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


UPSTREAM_USER = "zjtx-upstream"


def definitions(instance: str = DEFAULT_INSTANCE, max_attempts: int = DEFAULT_MAX_ATTEMPTS) -> dict[str, Any]:
    """One instance's broker: its vhost (from its file), exchanges, the handlers' queues, the
    services' users, the delivery-limit policy; a city instance also its queue of events sent
    upwards and the shovel's user (the shovel itself: ``deploy/rabbitmq/shovel-<instance>.json``)."""
    document = instance_document(instance, {})
    vhost = str(document.get("vhost") or "/")
    exchanges = [{"name": f"{s}.events", "vhost": vhost, "type": "topic", "durable": True, "auto_delete": False,
                  "internal": False, "arguments": {}} for s in (*SERVICES, "upstream")]
    exchanges.append({"name": DEAD_LETTER_EXCHANGE, "vhost": vhost, "type": "direct", "durable": True,
                      "auto_delete": False, "internal": False, "arguments": {}})
    queues, bindings = [], []
    for service, method, source, event_type in handlers():
        queue = f"evt-{source}-{event_type}--{service}.{method}"
        # no x-delivery-limit: the policy below sets it, so it can change on a live broker
        queues.append({"name": queue, "vhost": vhost, "durable": True, "auto_delete": False,
                       "arguments": queue_arguments(queue)})
        queues.append({"name": dead_letter_queue_name(queue), "vhost": vhost, "durable": True, "auto_delete": False,
                       "arguments": dict(DEAD_LETTER_QUEUE_ARGUMENTS)})
        bindings.append({"source": f"{source}.events", "vhost": vhost, "destination": queue,
                         "destination_type": "queue", "routing_key": event_type, "arguments": {}})
        bindings.append({"source": DEAD_LETTER_EXCHANGE, "vhost": vhost, "destination": dead_letter_queue_name(queue),
                         "destination_type": "queue", "routing_key": queue, "arguments": {}})
    accounts = broker_accounts.definitions(vhost)  # one least-privilege user per service, password set at deploy
    outside = subscribers.definitions(vhost)  # the outside systems of deploy/subscribers.yaml: read-only
    users, permissions = accounts["users"] + outside["users"], accounts["permissions"] + outside["permissions"]
    users.append({"name": UPSTREAM_USER, "password_hash": "", "hashing_algorithm": "rabbit_password_hashing_sha256",
                  "tags": [broker_accounts.USER_TAG]})
    found = upstream.upstream_of(instance)
    if found:  # the city's side of the shovel: a queue of what goes upwards, read by the shovel's user
        target, events = found
        queue = upstream.source_queue(target)
        queues.append({"name": queue, "vhost": vhost, "durable": True, "auto_delete": False,
                       "arguments": {"x-queue-type": "quorum"}})
        bindings.extend({"source": upstream.SOURCE_EXCHANGE, "vhost": vhost, "destination": queue,
                         "destination_type": "queue", "routing_key": event_type, "arguments": {}}
                        for event_type in events)
        permissions.append({"user": UPSTREAM_USER, "vhost": vhost, "configure": f"^{re.escape(queue)}$",
                            "write": "^$", "read": f"^{re.escape(queue)}$"})
    else:  # the receiving side: the shovel of a city instance may only publish to upstream.events
        exchange = re.escape(upstream.UPSTREAM_EXCHANGE)
        permissions.append({"user": UPSTREAM_USER, "vhost": vhost, "configure": "^$", "write": f"^{exchange}$",
                            "read": "^$"})
    return {"vhosts": [{"name": vhost}], "users": users, "permissions": permissions,
            "policies": [broker_policies.definition(vhost, max_attempts)],
            "exchanges": exchanges, "queues": queues, "bindings": bindings}


def target_of(instance: str) -> Path:
    """definitions.json is the province's (the default instance); others: definitions-<instance>.json."""
    return TARGET if instance == DEFAULT_INSTANCE else TARGET.with_name(f"definitions-{instance}.json")


def render(instance: str = DEFAULT_INSTANCE) -> str:
    return json.dumps(definitions(instance), indent=2, ensure_ascii=False) + "\n"


def instances() -> list[str]:
    return sorted(path.stem for path in INSTANCES_DIR.glob("*.yaml"))


def files() -> dict[Path, str]:
    """Every generated file under deploy/rabbitmq/ and its text."""
    rendered = {target_of(i): render(i) for i in instances()}
    rendered.update({TARGET.with_name(f"shovel-{i}.json"): upstream.render(i) for i in instances()
                     if upstream.upstream_of(i)})
    return rendered


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    rendered = files()
    if args.check:
        stale = [str(path) for path, text in rendered.items() if not path.exists() or path.read_text() != text]
        if stale:
            print(f"{', '.join(stale)} stale; run `python -m zjtx.broker_definitions`", file=sys.stderr)
            raise SystemExit(1)
        print(f"{len(rendered)} files current")
        return
    for path, text in rendered.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
