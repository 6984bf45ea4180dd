"""Fixtures of the notification integration tests (helpers in ``notification_support``).

- ``smtp_sink``: an aiosmtpd SMTP server on loopback that records every message (and can
  be stopped and started again on the same port, to play a mail server that is down);
- ``sms_sink``: an HTTP server on loopback playing the SMS gateway, recording requests;
- ``notifying``: the suite's notification service restarted with these servers and short
  intervals for the module; the suite's configuration is restored afterwards;
- ``outcomes``: a queue bound to ``notification.events``, as an outside subscriber's.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from notification_support import OutcomeListener, SmsSink, SmtpSink

from zjtx.up import Suite


@pytest.fixture(scope="module")
def smtp_sink() -> Iterator[SmtpSink]:
    sink = SmtpSink()
    sink.start()
    yield sink
    sink.stop()


@pytest.fixture(scope="module")
def sms_sink() -> Iterator[SmsSink]:
    sink = SmsSink()
    sink.start()
    yield sink
    sink.stop()


TEST_SETTINGS = {
    "NOTIFICATION_SENDER_POLL_SECONDS": "0.2",
    "DELIVERY_MAX_ATTEMPTS": "4",
    "DELIVERY_BACKOFF_SECONDS": "1",
    "DELIVERY_MAX_BACKOFF_SECONDS": "4",
    "NOTIFICATION_REMINDER_CHECK_SECONDS": "0.5",
    "SMS_GATEWAY_TOKEN": "test-token",
}


def restart_notification(suite: Suite, attempts: int = 3) -> None:
    """Restart the service; a broker stalled by other sessions' vhost churn gets a second chance."""
    for attempt in range(1, attempts + 1):
        suite.stop_service("notification")
        try:
            suite.start(("notification",))
            return
        except RuntimeError:
            if attempt == attempts:
                raise
            time.sleep(2)


@pytest.fixture(scope="module")
def notifying(suite: Suite, smtp_sink: SmtpSink, sms_sink: SmsSink) -> Iterator[Suite]:
    """The notification service of the suite, pointed at the loopback SMTP and SMS servers, and
    producing notification.delivered for e-mail and SMS (as a deployment whose outside systems
    subscribe to them would: the tests here check that event too)."""
    settings = {**TEST_SETTINGS, "SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(smtp_sink.port),
                "SMS_GATEWAY_URL": sms_sink.url, "NOTIFICATION_DELIVERED_EVENTS": "email,sms"}
    previous = {key: suite.env.get(key) for key in settings}
    suite.env.update(settings)
    try:
        restart_notification(suite)
        yield suite
    finally:
        for key, value in previous.items():
            if value is None:
                suite.env.pop(key, None)
            else:
                suite.env[key] = value
        restart_notification(suite)


@pytest.fixture(scope="module")
def outcomes(amqp_uri: str) -> Iterator[OutcomeListener]:
    listener = OutcomeListener(amqp_uri)
    yield listener
    listener.delete()
