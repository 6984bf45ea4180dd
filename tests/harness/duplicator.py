"""Every event delivered twice, from outside the services: a duplicating subscriber.

``Duplicator`` binds a queue of its own to each ``<service>.events`` exchange with ``#``
(as any outside subscriber may) and publishes every message it sees once more to the same
exchange with the same routing key, body and properties, so each consumer queue bound to
the event receives it twice. Copies carry the header ``x-zjtx-duplicate`` and come back
through the duplicator's own queue too: those are counted (the proof that the copies
really went through the broker) and never copied again.

The copy is published with confirms before the original is acknowledged: a duplicator
that dies midway loses nothing, it only leaves the original to be copied on restart.
It runs in a plain thread of the (unpatched) test process.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import amqp
from kombu import Connection, Exchange, Queue, binding

log = logging.getLogger(__name__)

COPY_HEADER = "x-zjtx-duplicate"
SOURCES = ("registration", "review", "notification", "reporting")


@dataclass
class DuplicatorCounts:
    originals: Counter = field(default_factory=Counter)        # routing key -> originals seen
    copies_published: Counter = field(default_factory=Counter)  # confirmed by the broker
    copies_seen: Counter = field(default_factory=Counter)       # came back through the exchange
    original_ids: set[str] = field(default_factory=set)

    def line(self) -> str:
        return (f"duplicator: {sum(self.originals.values())} originals, {sum(self.copies_published.values())} "
                f"copies published, {sum(self.copies_seen.values())} copies seen back")


class Duplicator:
    def __init__(self, amqp_uri: str, sources: tuple[str, ...] = SOURCES, queue: str = "zjtx-test-duplicator",
                 prefetch: int = 50) -> None:
        self.amqp_uri = amqp_uri
        self.sources = sources
        self.queue_name = queue
        self.prefetch = prefetch
        self.counts = DuplicatorCounts()
        self.errors: list[str] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, name="duplicator", daemon=True)

    def _queue(self) -> Queue:
        # durable: a copy is owed for every message that arrived, even across a reconnect
        return Queue(self.queue_name, durable=True, auto_delete=False,
                     bindings=[_binding(source) for source in self.sources],
                     queue_arguments={"x-queue-type": "classic"})

    def start(self, timeout: float = 30.0) -> Duplicator:
        self._thread.start()
        if not self._ready.wait(timeout):
            raise RuntimeError(f"duplicator not bound after {timeout}s: {self.errors[-1:]}")
        return self

    def stop(self, delete: bool = True) -> None:
        self._stop.set()
        self._thread.join(timeout=30)
        if delete:
            with Connection(self.amqp_uri) as connection:
                self._queue().bind(connection.channel()).delete()

    def settled(self) -> bool:
        """Every original seen so far has its copy published and seen back."""
        with self._lock:
            originals = sum(self.counts.originals.values())
            return originals == sum(self.counts.copies_published.values()) == sum(self.counts.copies_seen.values())

    def snapshot(self) -> DuplicatorCounts:
        with self._lock:
            return DuplicatorCounts(Counter(self.counts.originals), Counter(self.counts.copies_published),
                                    Counter(self.counts.copies_seen), set(self.counts.original_ids))

    # -- the thread ----------------------------------------------------------------------

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self._consume()
            except Exception as error:  # broker away: unacked originals come back on reconnect
                self.errors.append(f"{type(error).__name__}: {error}")
                log.warning("duplicator reconnecting after %s", error)
                time.sleep(1)

    def _consume(self) -> None:
        with Connection(self.amqp_uri) as consuming, \
                Connection(self.amqp_uri, transport_options={"confirm_publish": True}) as publishing:
            publisher = publishing.channel()
            channel = consuming.channel()
            channel.basic_qos(0, self.prefetch, False)
            queue = self._queue().bind(channel)
            queue.declare()

            def on_message(message: Any) -> None:
                self._handle(publisher, message)

            # on_message: raw messages, bodies passed on untouched
            with consuming.Consumer(queue, on_message=on_message, auto_declare=False):
                self._ready.set()
                while not self._stop.is_set():
                    try:
                        consuming.drain_events(timeout=0.5)
                    except TimeoutError:
                        continue

    def _handle(self, publisher: Any, message: Any) -> None:
        headers = dict(message.headers or {})
        key = message.delivery_info.get("routing_key", "")
        if headers.get(COPY_HEADER):
            with self._lock:
                self.counts.copies_seen[key] += 1
            message.ack()
            return
        with self._lock:
            self.counts.originals[key] += 1
            if message.properties.get("message_id"):
                self.counts.original_ids.add(message.properties["message_id"])
        copy = amqp.Message(message.body, **{**message.properties,
                                             "application_headers": {**headers, COPY_HEADER: 1}})
        # returns once the broker confirmed the copy; only then is the original done with
        publisher.basic_publish(copy, exchange=message.delivery_info["exchange"], routing_key=key)
        with self._lock:
            self.counts.copies_published[key] += 1
        message.ack()


def _binding(source: str) -> Any:
    # the exchange as nameko declares it; declaring it here too lets us bind before its first event
    return binding(Exchange(f"{source}.events", type="topic", durable=True), routing_key="#")
