"""Each service reaches RabbitMQ with its own least-privilege account (zjtx.broker_accounts):
it may publish only to its own exchange and consume only its own queues (issue 22).

The refusals seen are printed (``pytest -s``) so they can be quoted.
"""

from __future__ import annotations

import json
from urllib.parse import quote, unquote, urlsplit

import amqp
import pytest

from harness import rabbit
from harness.wait import until
from zjtx.broker_definitions import handlers
from zjtx.up import Suite


def connect(uri: str) -> amqp.Connection:
    parts = urlsplit(uri)
    connection = amqp.Connection(host=f"{parts.hostname}:{parts.port or 5672}", userid=unquote(parts.username or ""),
                                 password=unquote(parts.password or ""), virtual_host=unquote(parts.path[1:]) or "/",
                                 confirm_publish=True, connect_timeout=30)
    connection.connect()
    return connection


def account(suite: Suite, service: str) -> str:
    uri = suite.env.get(f"{service.upper()}_AMQP_URI")
    assert uri, f"the suite runs {service} without an account of its own"
    return uri


def queue_of(consumer: str) -> str:
    service, method, source, event_type = next(h for h in handlers() if h[0] == consumer)
    return f"evt-{source}-{event_type}--{service}.{method}"


def test_the_services_are_connected_with_their_own_accounts(suite: Suite, vhost: str) -> None:
    wanted = set(suite.broker_users)
    assert sorted(u.split(".")[0] for u in wanted) == ["zjtx-notification", "zjtx-registration", "zjtx-reporting",
                                                       "zjtx-review"]

    def users() -> set[str]:  # the management API lists connections with a few seconds' delay
        return {c["user"] for c in rabbit.api("GET", f"/vhosts/{quote(vhost, safe='')}/connections").json()}

    until(lambda: wanted <= users(), timeout=60, what="a connection of each service's own account")


def test_notification_cannot_publish_to_review_events(suite: Suite) -> None:
    forged = {"id": "forged-1", "type": "review.recognised", "source": "review", "time": "2020-06-01T00:00:00Z",
              "subject": "x", "schemaversion": "1", "data": {}}
    connection = connect(account(suite, "notification"))
    try:
        channel = connection.channel()
        channel.exchange_declare("notification.events", "topic", durable=True, auto_delete=False)
        channel.basic_publish(amqp.Message(json.dumps({**forged, "source": "notification", "type": "x"})),
                              exchange="notification.events", routing_key="notification.test")  # its own: accepted
        with pytest.raises(amqp.exceptions.AccessRefused) as refused:
            channel.basic_publish(amqp.Message(json.dumps(forged)), exchange="review.events",
                                  routing_key="review.recognised")
        print(f"refused: {refused.value!r}")
        assert "review.events" in str(refused.value)
    finally:
        connection.collect()


def test_registration_cannot_read_reviews_queues(suite: Suite) -> None:
    connection = connect(account(suite, "registration"))
    try:
        channel = connection.channel()
        channel.basic_get(queue_of("registration"))  # its own queue: allowed
        with pytest.raises(amqp.exceptions.AccessRefused) as refused:
            connection.channel().basic_get(queue_of("review"))
        print(f"refused: {refused.value!r}")
        assert queue_of("review") in str(refused.value)
    finally:
        connection.collect()


def test_a_service_cannot_declare_or_delete_another_services_exchange(suite: Suite) -> None:
    """Configure rights cover only the service's own exchange and queues: nameko's way of consuming
    (declaring the source's exchange with the queue) is refused, so zjtx.events binds by name after a
    passive declare, which needs no right; provisioning declared every exchange beforehand."""
    connection = connect(account(suite, "notification"))
    try:
        connection.channel().exchange_declare("review.events", "topic", passive=True)  # exists: no right needed
        refusals = []
        for attempt in (lambda c: c.exchange_declare("review.events", "topic", durable=True, auto_delete=False),
                        lambda c: c.exchange_delete("review.events"),
                        lambda c: c.exchange_delete("zjtx.dead-letter")):
            with pytest.raises(amqp.exceptions.AccessRefused) as refused:
                attempt(connection.channel())
            print(f"refused: {refused.value!r}")
            refusals.append(repr(refused.value))
        assert "review.events" in refusals[0] and "Exchange.declare" in refusals[0]
        assert "review.events" in refusals[1] and "Exchange.delete" in refusals[1]
        assert "zjtx.dead-letter" in refusals[2] and "Exchange.delete" in refusals[2]
        own = connection.channel()
        own.exchange_declare("notification.events", "topic", durable=True, auto_delete=False)  # its own: allowed
    finally:
        connection.collect()
