"""Backfill: every past event of some types, replayed into one outside system's own queue.

A system that subscribes late asks operations for the history (``python -m zjtx.subscribers
backfill <system> --queue ext.<system>.<name> --type review.recognised ...``). The events
come from reporting's event archive through its gRPC API (``ListArchivedEvents``: the
envelopes as received, oldest first) and are published, as the operator (``AMQP_URI``),
to the default exchange with routing key = that queue: they reach that queue only, never
the events exchanges, so no other subscriber or service sees them again. Each copy keeps
its original envelope (id, time, traceparent), message id and type, so the subscriber's
deduplication by envelope id drops what it already had; the AMQP header
``x-zjtx-backfill: true`` tells a copy from a live event. Publisher confirms and
``mandatory``: the command returns only once the broker took every copy, and stops at
the first one it could not route.

Only event types reporting consumes are archived (reporting/README.md); the command says
which when asked for another.
"""

from __future__ import annotations

import json
from typing import Any

import amqp
import grpc
from kombu import Connection

from zjtx.config import load_config
from zjtx.grpc_channel import open_channel
from zjtx.subscribers import SubscriberError, check_queue, check_system
from zjtx_api import reporting_pb2 as pb
from zjtx_api.reporting_pb2_grpc import ReportingStub

BACKFILL_HEADER = "x-zjtx-backfill"
DEADLINE_SECONDS = 600.0  # the stream's deadline: a year of one programme's events fits easily


def reporting_target(env: dict[str, str]) -> str:
    return env.get("REPORTING_TARGET") or f"127.0.0.1:{load_config('reporting', env=env)['GRPC_BIND_PORT']}"


def archived(env: dict[str, str], types: list[str], since: str = "") -> Any:
    """Reporting's archived envelopes of ``types`` (a stream of pb.ArchivedEvent)."""
    channel = open_channel(reporting_target(env), "reporting")
    stub = ReportingStub(channel)
    try:
        yield from stub.ListArchivedEvents(pb.ListArchivedEventsRequest(types=types, since=since),
                                           timeout=DEADLINE_SECONDS)
    except grpc.RpcError as error:
        raise SubscriberError(f"reporting refused the archive read: {error.code().name}: {error.details()}") from None
    finally:
        channel.close()


def backfill(system: str, queue: str, types: list[str], since: str, env: dict[str, str]) -> dict[str, Any]:
    check_queue(check_system(system), queue)
    amqp_uri = env.get("AMQP_URI") or "amqp://guest:guest@127.0.0.1:5672/"
    with Connection(amqp_uri, transport_options={"confirm_publish": True}, connect_timeout=20) as connection:
        connection.ensure_connection(max_retries=3)
        probe = connection.channel()
        try:  # the system declares its queue itself (its bindings say what it wants live)
            probe.queue_declare(queue, passive=True)
        except amqp.exceptions.NotFound:
            raise SubscriberError(f"queue {queue!r} does not exist: the system declares it first (durable), "
                                  "then asks for the backfill") from None
        finally:
            if probe.is_open:
                probe.close()
        channel = connection.channel()
        counts: dict[str, int] = {}
        first = last = ""
        for event in archived(env, types, since):
            envelope = json.loads(event.envelope_json)
            headers: dict[str, Any] = {BACKFILL_HEADER: True}
            for key in ("traceparent", "tracestate"):
                if envelope.get(key):
                    headers[key] = envelope[key]
            message = amqp.Message(json.dumps(envelope, ensure_ascii=False), content_type="application/json",
                                   content_encoding="utf-8", delivery_mode=2, message_id=event.id, type=event.type,
                                   application_headers=headers)
            # default exchange, routing key = the queue: this queue only; returns once confirmed
            channel.basic_publish(message, exchange="", routing_key=queue, mandatory=True)
            counts[event.type] = counts.get(event.type, 0) + 1
            first = first or event.id
            last = event.id
        channel.close()
    return {"system": system, "queue": queue, "replayed": sum(counts.values()), "by_type": counts,
            "first_id": first, "last_id": last}
