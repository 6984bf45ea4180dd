"""A throw-away RabbitMQ vhost per test session (management API on :15672)."""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import quote

import requests
from kombu import Connection, Exchange

from zjtx.processes import process_alive

MANAGEMENT = os.environ.get("RABBIT_MANAGEMENT_URI", "http://guest:guest@127.0.0.1:15672")
BROKER_HOST = os.environ.get("RABBIT_HOST", "127.0.0.1:5672")


def api(method: str, path: str, **kwargs: Any) -> requests.Response:
    response = requests.request(method, f"{MANAGEMENT}/api{path}", timeout=10, **kwargs)
    response.raise_for_status()
    return response



def remove_stale_vhosts() -> list[str]:
    """Delete the vhosts of test sessions that died without cleaning up.

    Each holds quorum queues, and the broker's file handles are limited: a few leftovers
    are enough to make new connections hang.
    """
    removed = []
    for entry in api("GET", "/vhosts").json():
        parts = entry["name"].split("-")
        if entry["name"].startswith("zjtx-test-") and len(parts) == 4 and parts[2].isdigit() \
                and not process_alive(int(parts[2])):
            requests.delete(f"{MANAGEMENT}/api/vhosts/{quote(entry['name'], safe='')}", timeout=30)
            removed.append(entry["name"])
    return removed


@contextmanager
def vhost() -> Iterator[str]:
    remove_stale_vhosts()
    name = f"zjtx-test-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    api("PUT", f"/vhosts/{quote(name, safe='')}")
    api("PUT", f"/permissions/{quote(name, safe='')}/guest", json={"configure": ".*", "write": ".*", "read": ".*"})
    try:
        yield name
    finally:
        requests.delete(f"{MANAGEMENT}/api/vhosts/{quote(name, safe='')}", timeout=10)


def amqp_uri(vhost_name: str) -> str:
    return f"amqp://guest:guest@{BROKER_HOST}/{quote(vhost_name, safe='')}"


def queues(vhost_name: str) -> list[dict[str, Any]]:
    return api("GET", f"/queues/{quote(vhost_name, safe='')}").json()


def queue_depth(vhost_name: str, queue: str) -> int:
    """Messages in a queue, asked of the broker itself (not the management stats cache)."""
    with Connection(amqp_uri(vhost_name)) as connection:
        channel = connection.channel()
        _, count, _ = channel.queue_declare(queue, passive=True)
        return int(count)


def publish(uri: str, exchange: str, routing_key: str, body: Any, headers: dict[str, Any] | None = None) -> None:
    """Publish like an outside producer would (confirms on)."""
    with Connection(uri, transport_options={"confirm_publish": True}) as connection:
        producer = connection.Producer()
        producer.publish(json.dumps(body, ensure_ascii=False) if not isinstance(body, str) else body,
                         exchange=Exchange(exchange, type="topic", durable=True), routing_key=routing_key,
                         content_type="application/json", content_encoding="utf-8", delivery_mode=2,
                         headers=headers or {}, declare=[Exchange(exchange, type="topic", durable=True)])
