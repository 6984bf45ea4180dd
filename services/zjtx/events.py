"""Consuming integration events: reliable queues, idempotent handlers, dead letters.

``@handles("registration", "application.submitted")`` declares a SERVICE_POOL handler
whose queue is a durable quorum queue with a delivery limit and a dead-letter exchange:
a handler that fails is retried (with a short back-off) until the limit, then RabbitMQ
moves the message to ``<queue>.dead-letter`` where operations staff can list and replay
it; the queue behind it keeps flowing. A handler that fails because the infrastructure
is away (the database restarting, a peer service down: ``zjtx.transient``) is not at
fault: the message stays unacknowledged and is retried in place with back-off, without
spending the delivery limit, for as long as the outage lasts (prefetch bounds how many
messages wait like this). The handler runs inside a Store transaction
together with its inbox record, so each event id takes effect once; or, declared with
``transaction=False``, without one: its writes idempotent by natural keys and its inbox
record written last (``zjtx.inbox``).

Handler signature: ``def on_x(self, unit: UnitOfWork, event: Envelope) -> None``.
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import eventlet
from amqp.exceptions import ConnectionError as AmqpConnectionError
from amqp.exceptions import PreconditionFailed, RecoverableConnectionError
from kombu import Exchange, Queue
from kombu.common import maybe_declare
from nameko import config
from nameko.amqp.consume import Consumer as AmqpConsumer
from nameko.amqp.publish import get_connection
from nameko.events import SERVICE_POOL, EventHandler
from nameko.messaging import Consumer
from nameko.standalone.events import get_event_exchange
from opentelemetry import trace

from zjtx import attributes, event_types, inbox
from zjtx.envelope import Envelope, EnvelopeError
from zjtx.transient import is_infrastructure_error

log = logging.getLogger(__name__)

DEAD_LETTER_EXCHANGE = "zjtx.dead-letter"
DEFAULT_MAX_ATTEMPTS = 5
# Dead letters only wait for an operator: a durable classic queue is enough, and it costs
# the broker far fewer file handles than a quorum queue (one per handler adds up).
DEAD_LETTER_QUEUE_ARGUMENTS = {"x-queue-type": "classic"}
# Waiting out an outage: first retry after 0.5 s, doubling up to this. Short, because a retry
# is cheap (with the database away it waits out server selection itself) and the first one
# after the outage ends is what recovery waits for.
INFRASTRUCTURE_MAX_BACKOFF_SECONDS = 2.0


def infrastructure_backoff(attempt: int) -> float:
    """Seconds before in-place retry number ``attempt`` (1-based)."""
    return min(INFRASTRUCTURE_MAX_BACKOFF_SECONDS, 0.5 * 2 ** max(0, attempt - 1))


# Reconnecting to a broker that went away: every second at first, then at most every 5 s
# (kombu's default grows to 30 s, which after a broker restart leaves consumers idle that long).
RECONNECT_INTERVAL_START, RECONNECT_INTERVAL_STEP, RECONNECT_INTERVAL_MAX = 1.0, 1.0, 5.0


class QuickReconnectConsumer(AmqpConsumer):
    """nameko's AMQP consumer, retrying its connection at a short, capped interval."""

    @contextmanager
    def establish_connection(self) -> Iterator[Any]:
        with self.create_connection() as connection:
            connection.ensure_connection(self.on_connection_error, self.connect_max_retries,
                                         interval_start=RECONNECT_INTERVAL_START,
                                         interval_step=RECONNECT_INTERVAL_STEP,
                                         interval_max=RECONNECT_INTERVAL_MAX)
            yield connection


# What acknowledging on a connection that has just died raises (socket errors are OSError).
SETTLEMENT_LOST = (OSError, AmqpConnectionError, RecoverableConnectionError)


class PermanentEventError(Exception):
    """Raised by a handler when retrying cannot help (e.g. a malformed payload):
    the message is dead-lettered at once."""


def dead_letter_queue_name(queue_name: str) -> str:
    return f"{queue_name}.dead-letter"


def dead_letter_exchange(no_declare: bool = False) -> Exchange:
    return Exchange(DEAD_LETTER_EXCHANGE, type="direct", durable=True, no_declare=no_declare)


def undeclared(exchange: Exchange) -> Exchange:
    """The same exchange, bound to by name only: kombu then never declares it (at start or on reconnect)."""
    return Exchange(exchange.name, type=exchange.type, durable=exchange.durable, auto_delete=exchange.auto_delete,
                    delivery_mode=exchange.delivery_mode, no_declare=True)


def ensure_exchange(connection: Any, exchange: Exchange) -> None:
    """Make sure an exchange this service does not own exists, without needing the right to configure it.

    A passive declare needs no permission, so a service account whose configure right covers only its
    own exchange and queues (zjtx.broker_accounts) can check the other services' exchanges and the
    dead-letter exchange, which provisioning declares. Only when one is missing (a development broker
    nobody provisioned, guest) is it declared, which a least-privilege account is refused: said plainly.
    """
    from amqp.exceptions import AccessRefused, NotFound

    try:
        connection.channel().exchange_declare(exchange.name, exchange.type, passive=True)
        return
    except NotFound:
        pass  # the broker closed that channel; declare it on a new one
    try:
        exchange.declare(channel=connection.channel())
    except AccessRefused as error:
        raise RuntimeError(
            f"exchange {exchange.name} does not exist and this service's broker account may not declare it "
            f"({error}); declare it first: make up and the tests do (zjtx.broker_accounts.provision), "
            "production loads deploy/rabbitmq/definitions.json") from None


def queue_arguments(name: str) -> dict[str, Any]:
    """A handler queue's arguments: quorum, dead-lettering to ``<name>.dead-letter``; no delivery limit."""
    return {"x-queue-type": "quorum", "x-dead-letter-exchange": DEAD_LETTER_EXCHANGE,
            "x-dead-letter-routing-key": name}


_LEGACY_LIMIT = re.compile(r"inequivalent arg 'x-delivery-limit'.*current is the value '?(-?\d+)'?")


def adopt_legacy_limit(connection: Any, name: str, arguments: dict[str, Any]) -> int | None:
    """Declare the queue as it is now; a queue declared earlier with ``x-delivery-limit`` (before
    the policy) answers 406: adopt its value into ``arguments`` so its consumers keep working.
    Returns the adopted value, or None."""
    channel = connection.channel()
    try:
        channel.queue_declare(name, durable=True, auto_delete=False, arguments=arguments)
        return None
    except PreconditionFailed as error:
        match = _LEGACY_LIMIT.search(str(error))
        if not match:
            raise
        arguments["x-delivery-limit"] = int(match.group(1))
        return arguments["x-delivery-limit"]
    finally:
        try:
            channel.close()
        except Exception:  # a channel the broker closed with the 406 is gone already
            pass


class ReliableEventHandler(EventHandler):
    """A nameko event handler on a quorum queue with a delivery limit and dead letters."""

    consumer_cls = QuickReconnectConsumer

    def __init__(self, source_service: str, event_type: str, **kwargs: Any) -> None:
        super().__init__(source_service, event_type, handler_type=SERVICE_POOL,
                         reliable_delivery=True, requeue_on_error=True, **kwargs)
        # in-place retries per message in hand, keyed by the message object's id
        self._outage_attempts: dict[int, int] = {}

    @property
    def max_attempts(self) -> int:
        return int(config.get("EVENT_MAX_ATTEMPTS", DEFAULT_MAX_ATTEMPTS))

    def setup(self) -> None:
        # nameko's SERVICE_POOL queue name, so operators recognise it
        name = f"evt-{self.source_service}-{self.event_type}--{self.container.service_name}.{self.method_name}"
        # quorum queues count redeliveries themselves (the count survives restarts); the limit
        # is the broker policy zjtx.broker_policies sets, not an argument, so that changing
        # EVENT_MAX_ATTEMPTS never makes a declaration inequivalent (406)
        arguments = queue_arguments(name)
        source_exchange = get_event_exchange(self.source_service)
        foreign = self.source_service != self.container.service_name
        # another service's exchange and the dead-letter exchange are bound to by name, never declared:
        # this service's broker account may configure only its own exchange and queues
        self.queue = Queue(name, exchange=undeclared(source_exchange) if foreign else source_exchange,
                           routing_key=self.event_type, durable=True, queue_arguments=arguments)
        self.dead_letter_queue = Queue(
            dead_letter_queue_name(name), exchange=dead_letter_exchange(no_declare=True), routing_key=name,
            durable=True, queue_arguments=DEAD_LETTER_QUEUE_ARGUMENTS,
        )
        with get_connection(config["AMQP_URI"]) as connection:
            # a busy broker can stall one handshake: retry rather than die at start
            connection.ensure_connection(max_retries=5, interval_start=1, interval_step=1)
            ensure_exchange(connection, dead_letter_exchange())
            if foreign:
                ensure_exchange(connection, source_exchange)
            maybe_declare(self.dead_letter_queue, connection.channel())
            adopted = adopt_legacy_limit(connection, name, arguments)
            if adopted is not None:
                log.warning("queue %s was declared with x-delivery-limit=%s before the limit became the policy %s: "
                            "kept as declared (its own limit applies while it is lower than the policy's); "
                            "docs/instances.md says how to migrate it", name, adopted, "zjtx-delivery-limit")
        Consumer.setup(self)

    def handle_message_processed(self, message: Any, result: Any = None, exc_info: Any = None) -> None:
        try:
            self._settle(message, exc_info)
        except SETTLEMENT_LOST as error:
            # The connection died while the worker ran (a broker restart): the broker redelivers
            # the unacknowledged message, and the inbox turns it into a no-op if the handler had
            # committed. Raising here would kill the whole service container.
            log.warning("handler %s.%s: could not settle event %s, its connection is gone (%s: %s); "
                        "the broker redelivers it", self.container.service_name, self.method_name,
                        _identity(message)[0], type(error).__name__, error)

    def _settle(self, message: Any, exc_info: Any) -> None:
        """Acknowledge, retry in place, dead-letter or requeue the message after its handler ran."""
        if exc_info is None:
            self._outage_attempts.pop(id(message), None)
            self.consumer.ack_message(message)
            return
        error = exc_info[1]
        if is_infrastructure_error(error):
            self._retry_in_place(message, error)
            return
        self._outage_attempts.pop(id(message), None)
        if isinstance(error, PermanentEventError | EnvelopeError):
            event_id, subject = _identity(message)
            log.error("event %s dead-lettered at once: %s", event_id, error, extra={"application_id": subject})
            if message.channel.connection:
                message.reject(requeue=False)
            return
        # quorum queues expose the count of earlier failed deliveries
        attempt = int(message.headers.get("x-delivery-count", 0)) + 1
        event_id, subject = _identity(message)
        # the event id matches these lines to `python -m zjtx.ops dead-letters`
        log.warning("handler %s.%s failed on attempt %d/%d for event %s: %s", self.container.service_name,
                    self.method_name, attempt, self.max_attempts, event_id, error, extra={"application_id": subject})
        eventlet.sleep(min(2.0, 0.1 * 2 ** (attempt - 1)))  # back off before the redelivery
        self.consumer.requeue_message(message)

    def _retry_in_place(self, message: Any, error: BaseException) -> None:
        """Run the handler again on the same delivery after a back-off: a requeue would count
        against the quorum queue's delivery limit and dead-letter healthy events in a long outage."""
        key = id(message)
        attempt = self._outage_attempts.get(key, 0) + 1
        self._outage_attempts[key] = attempt
        delay = infrastructure_backoff(attempt)
        log.warning("handler %s.%s: infrastructure unavailable (%s: %s); event %s kept, retry %d in %.1fs",
                    self.container.service_name, self.method_name, type(error).__name__, error,
                    message.properties.get("message_id"), attempt, delay)

        def again() -> None:
            eventlet.sleep(delay)  # a managed thread: the worker slot is free while we wait
            if not message.channel.connection or self.consumer.should_stop:
                # the connection ended (or is ending) meanwhile: the broker redelivers the message
                self._outage_attempts.pop(key, None)
                return
            self.handle_message(message.payload, message)

        self.container.spawn_managed_thread(again, identifier=f"{self.method_name}.retry-in-place")


def _identity(message: Any) -> tuple[str, str | None]:
    """(event id, subject) of a message for log lines, whatever state its body is in."""
    body = message.payload if isinstance(message.payload, dict) else {}
    event_id = body.get("id") or message.properties.get("message_id") or "?"
    subject = body.get("subject")
    return str(event_id), subject if isinstance(subject, str) and subject else None


def handles(source: str, event_type: str, envelope_source: str | None = None, transaction: bool = True,
            **kwargs: Any) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Declare an idempotent, dead-lettering handler of ``<source>``'s ``event_type``.

    The decorated method is called as ``method(self, unit, envelope)`` inside a Store
    transaction; the service must have ``store = Store(...)``. ``envelope_source``: the
    source the envelopes must name when it differs from the exchange's (``upstream.events``
    carries another instance's ``review`` events, shovelled there by the broker).

    ``transaction=False``: no transaction (``Store.apply``; a commit fewer per event). Only for
    a handler whose every write is idempotent by a natural key or guarded by the event id or
    a version, so that running it again after a crash between any two of its writes completes
    it and doubles nothing; its inbox record is written last, once every effect is in
    (``zjtx.inbox.record``). docs/performance.md gives each such handler's argument.
    """
    expected = envelope_source or source

    def decorate(method: Callable[..., Any]) -> Callable[..., Any]:
        consumer_name = method.__qualname__

        @functools.wraps(method)
        def entrypoint(self: Any, body: Any) -> Any:
            envelope = Envelope.from_dict(body)
            if envelope.source != expected:
                # only <source> may write to <source>.events (its broker account says so); an
                # envelope claiming another source is a forgery or a misrouting: never applied
                raise PermanentEventError(
                    f"envelope source {envelope.source!r} does not match the exchange it came from "
                    f"({source}.events); accepted: source {expected!r}")
            span = trace.get_current_span()
            span.set_attribute(attributes.EVENT_ID, envelope.id)
            span.set_attribute(attributes.EVENT_TYPE, envelope.type)
            span.set_attribute(attributes.APPLICATION_ID, envelope.subject)

            def work(unit: Any) -> Any:
                unit.claim_later(consumer_name, envelope.id, envelope.type)
                return method(self, unit, envelope)

            # No look-up first: the claim's (or record's) unique key already turns a duplicate into
            # AlreadyApplied, and a look-up would cost every event one more database round trip
            # (the database is the suite's largest cost: docs/performance.md).
            try:
                if not transaction:  # the inbox record goes last, in the unit's last round trip
                    return self.store.apply(lambda unit: method(self, unit, envelope),
                                            f"{consumer_name}:{envelope.id}",
                                            record=(consumer_name, envelope.id, envelope.type))
                return self.store.transact(work)
            except inbox.AlreadyApplied:
                pass
            except Exception:
                # the claim is written with the unit's last round trip, so a duplicate whose
                # handler refused the state it found (and rolled back) is recognised only here
                if not (transaction and _applied(self.store.db, consumer_name, envelope.id)):
                    raise
            log.info("event %s already applied by %s; skipped", envelope.id, consumer_name)
            return None

        return ReliableEventHandler.decorator(source, event_type, **kwargs)(entrypoint)

    return decorate


def _applied(db: Any, consumer: str, event_id: str) -> bool:
    """Whether the inbox holds the event for this consumer; False when that cannot be read (the
    handler's own error then stands)."""
    try:
        return inbox.applied(db, consumer, event_id)
    except Exception:  # the database away: the original error says so
        return False


def handler_name(event_type: str) -> str:
    """The handler method of ``event_type``: ``on_task_opened`` for review.task_opened,
    ``on_application_submitted`` for application.submitted (queue names carry it)."""
    family, _, name = event_type.partition(".")
    return f"on_{name}" if family == "review" else f"on_{family}_{name}"


def consumes(*types: str, via: str, transaction: bool = True) -> Callable[[type], type]:
    """Class decorator: a ``@handles`` handler for each event type in ``types``, each calling
    ``self.<via>(unit, envelope)``. The source service comes from the event registry
    (``zjtx.event_types``), so a consumer declares its list of events once. Handler names
    follow ``handler_name``; the class must not define them itself. ``transaction``: as
    ``handles``."""

    def decorate(cls: type) -> type:
        for event_type in types:
            name = handler_name(event_type)
            if name in vars(cls):
                raise TypeError(f"{cls.__name__}.{name} already exists: {event_type} would be handled twice")

            def method(self: Any, unit: Any, event: Envelope) -> Any:
                return getattr(self, via)(unit, event)

            method.__name__, method.__qualname__ = name, f"{cls.__name__}.{name}"
            method.__doc__ = f"{event_type}: ``{via}``."
            setattr(cls, name, handles(event_types.source_of(event_type), event_type,
                                       transaction=transaction)(method))
        return cls

    return decorate
