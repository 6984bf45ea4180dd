"""A consumer believes an event's ``source`` only when it matches the exchange the event came
from: an envelope that claims another source is dead-lettered at once, with the reason logged
(issue 22: only ``<service>`` may write to ``<service>.events``)."""

from __future__ import annotations

import uuid

from test_ops_command import NOTIFICATION_QUEUE, dead_letters, letters_of

from harness import rabbit
from harness.wait import until
from zjtx.up import Suite


def test_an_envelope_claiming_another_source_is_dead_lettered_at_once(suite: Suite, amqp_uri: str) -> None:
    event_id, subject = uuid.uuid4().hex, uuid.uuid4().hex
    forged = {"id": event_id, "type": "enterprise.registered", "source": "notification",
              "time": "2020-04-01T00:00:00.000Z", "subject": subject, "schemaversion": "1",
              "data": {"enterprise_id": subject, "name": "冒充来源的企业", "region_code": "430482"}}
    rabbit.publish(amqp_uri, "registration.events", "enterprise.registered", forged)
    [letter] = until(lambda: letters_of(dead_letters(suite, f"{NOTIFICATION_QUEUE}.dead-letter"), NOTIFICATION_QUEUE,
                                        event_id), timeout=60, what="the forged event in notification's dead letters")
    assert letter["reason"] == "rejected" and letter["count"] == 1  # at once: no retries
    log = (suite.log_dir / "notification.log").read_text()
    line = next(line for line in log.splitlines() if event_id in line and "dead-lettered at once" in line)
    print(line)
    assert "envelope source 'notification' does not match the exchange it came from (registration.events)" in line
