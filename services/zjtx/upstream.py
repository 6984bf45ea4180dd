"""The link from a city instance to the instance it recommends to: a RabbitMQ shovel.

A city instance (``upstream:`` in its file, e.g. Hengyang -> hunan-province) keeps a
durable quorum queue ``zjtx.upstream.<instance>`` in its own vhost, bound to its
``review.events`` for the event types it sends upwards (``review.recognised``). A dynamic
shovel of RabbitMQ's own ``rabbitmq_shovel`` plugin, running on the city's broker, moves
what that queue holds to the upstream instance's ``upstream.events`` exchange (routing key
kept), acknowledging each message only after the upstream broker confirmed it
(``ack-mode: on-confirm``). While the upstream broker is away the events wait in the
city's queue and the shovel reconnects every ``reconnect-delay`` seconds: delivery is at
least once, and the upstream review applies each event once (its inbox, by event id).

``python -m zjtx.upstream link`` declares both ends and the shovel through the
management API (``make up`` does it for a city instance); the shovel's definition as
deployed is ``deploy/rabbitmq/shovel-<instance>.json`` (the password of its URIs comes
from the secret store, never from the repository). The plugin is enabled with
``rabbitmq-plugins enable rabbitmq_shovel rabbitmq_shovel_management``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from typing import Any
from urllib.parse import quote

from zjtx.config import REPO_ROOT, instance_document

UPSTREAM_EXCHANGE = "upstream.events"
SOURCE_EXCHANGE = "review.events"
RECONNECT_DELAY_SECONDS = 2


def source_queue(target: str) -> str:
    return f"zjtx.upstream.{target}"


def shovel_name(target: str) -> str:
    return f"zjtx-upstream-{target}"


def shovel_value(src_uri: str, dest_uri: str, target: str) -> dict[str, Any]:
    """The dynamic shovel's definition (a runtime parameter of component ``shovel``)."""
    return {
        "src-protocol": "amqp091", "src-uri": src_uri, "src-queue": source_queue(target),
        "dest-protocol": "amqp091", "dest-uri": dest_uri, "dest-exchange": UPSTREAM_EXCHANGE,
        # the routing key (the event type) travels as it was published; persistent messages
        "ack-mode": "on-confirm", "src-delete-after": "never", "reconnect-delay": RECONNECT_DELAY_SECONDS,
        "dest-add-forward-headers": False, "src-prefetch-count": 100,
    }


def upstream_of(instance: str) -> tuple[str, list[str]] | None:
    """(target instance, event types) of ``instance``'s file, or None when it sends nothing upwards."""
    upstream = instance_document(instance, {}).get("upstream") or {}
    if not upstream:
        return None
    return str(upstream["instance"]), list(upstream.get("events") or ["review.recognised"])


def declare_source(src_uri: str, target: str, events: list[str]) -> None:
    """The city's queue of what goes upwards, bound to its review.events (idempotent)."""
    from kombu import Connection, Exchange, Queue

    exchange = Exchange(SOURCE_EXCHANGE, type="topic", durable=True)
    with Connection(src_uri, connect_timeout=10) as connection:
        channel = connection.channel()
        queue = Queue(source_queue(target), exchange=exchange, routing_key=events[0], durable=True,
                      queue_arguments={"x-queue-type": "quorum"}, channel=channel)
        queue.declare()
        for event_type in events[1:]:
            queue.bind_to(exchange, routing_key=event_type)


# the upstream review's queue (zjtx.events naming): declared here too, so that what the shovel
# moves before that review first starts waits in it instead of being dropped as unroutable
RECEIVER_QUEUE = "evt-upstream-review.recognised--review.on_city_recognised"


def declare_destination(dest_uri: str, events: list[str]) -> None:
    """The upstream instance's exchange and its review's queue, bound (idempotent)."""
    from kombu import Connection, Exchange, Queue

    from zjtx.events import queue_arguments

    with Connection(dest_uri, connect_timeout=10) as connection:
        channel = connection.channel()
        exchange = Exchange(UPSTREAM_EXCHANGE, type="topic", durable=True, channel=channel)
        exchange.declare()
        if "review.recognised" in events:
            Queue(RECEIVER_QUEUE, exchange=exchange, routing_key="review.recognised", durable=True,
                  queue_arguments=queue_arguments(RECEIVER_QUEUE), channel=channel).declare()


def link(management_uri: str, city_vhost: str, src_uri: str, dest_uri: str, target: str, events: list[str]) -> str:
    """Declare both ends and (re)define the shovel on the city's broker; returns its name."""
    from zjtx.broker_accounts import Management

    declare_source(src_uri, target, events)
    try:
        declare_destination(dest_uri, events)
    except Exception as error:  # the upstream broker may be away: the shovel waits for it
        print(f"zjtx upstream: {target}'s broker not reachable now ({type(error).__name__}); the shovel "
              "connects when it is", file=sys.stderr)
    name = shovel_name(target)
    api = Management(management_uri)
    api.call("PUT", f"/parameters/shovel/{quote(city_vhost, safe='')}/{name}",
             json={"value": shovel_value(src_uri, dest_uri, target)})
    return name


def state(management_uri: str, city_vhost: str, target: str) -> str:
    """The shovel's state as the city's broker reports it (running, starting, terminated...; '' unknown)."""
    from zjtx.broker_accounts import Management

    shovels = Management(management_uri).call("GET", f"/shovels/{quote(city_vhost, safe='')}").json()
    return next((str(s.get("state", "")) for s in shovels if s.get("name") == shovel_name(target)), "")


def wait_running(management_uri: str, city_vhost: str, target: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while (current := state(management_uri, city_vhost, target)) != "running":
        if time.monotonic() > deadline:
            raise RuntimeError(f"shovel {shovel_name(target)} is {current or 'absent'} after {timeout:.0f}s")
        time.sleep(0.5)


def render(instance: str) -> str:
    """deploy/rabbitmq/shovel-<instance>.json: the shovel as deployed (URIs name the secret's place)."""
    found = upstream_of(instance)
    if found is None:
        raise SystemExit(f"instance {instance} has no upstream: in its file")
    target, events = found
    city, province = instance_document(instance, {}), instance_document(target, {})
    value = shovel_value(f"amqp://zjtx-upstream:${{ZJTX_UPSTREAM_PASSWORD}}@localhost:5672/{quote(city['vhost'], safe='')}",
                         f"amqp://zjtx-upstream:${{ZJTX_UPSTREAM_PASSWORD}}@{target}-rabbitmq:5672/"
                         f"{quote(province['vhost'], safe='')}", target)
    document = {"component": "shovel", "vhost": city["vhost"], "name": shovel_name(target), "value": value,
                "zjtx": {"events": events, "note": "python -m zjtx.upstream link puts this parameter with the "
                         "URIs' password from the secret store (${ZJTX_UPSTREAM_PASSWORD}); docs/instances.md"}}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="The shovel from a city instance to its upstream instance")
    sub = parser.add_subparsers(dest="command", required=True)
    linking = sub.add_parser("link", help="declare both ends and the shovel on the city's broker")
    linking.add_argument("--instance", default=os.environ.get("ZJTX_INSTANCE") or "hengyang-city")
    linking.add_argument("--city-amqp", required=True, help="AMQP URI of the city's broker, in its vhost")
    linking.add_argument("--upstream-amqp", required=True, help="AMQP URI of the upstream broker, in its vhost")
    linking.add_argument("--management", default=os.environ.get("RABBIT_MANAGEMENT_URI")
                         or "http://guest:guest@127.0.0.1:15672", help="the city broker's management API")
    sub.add_parser("render", help="write deploy/rabbitmq/shovel-<instance>.json").add_argument(
        "--instance", default="hengyang-city")
    args = parser.parse_args(argv)
    if args.command == "render":
        path = REPO_ROOT / "deploy" / "rabbitmq" / f"shovel-{args.instance}.json"
        path.write_text(render(args.instance))
        print(f"wrote {path}")
        return
    found = upstream_of(args.instance)
    if found is None:
        raise SystemExit(f"instance {args.instance} has no upstream: in its file")
    target, events = found
    vhost = str(instance_document(args.instance, {}).get("vhost") or "/")
    name = link(args.management, vhost, args.city_amqp, args.upstream_amqp, target, events)
    print(f"shovel {name}: {source_queue(target)} ({', '.join(events)}) -> {target} {UPSTREAM_EXCHANGE}")


if __name__ == "__main__":
    main()
