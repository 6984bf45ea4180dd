"""Services SIGKILLed in the middle of a deadline surge, then started again.

Review (while it is opening level-1 tasks for a burst of submissions and recording
reviewers' decisions) and registration (while enterprises are submitting and while it
applies review's decisions) are killed at the same instant. SIGKILL: no shutdown hooks, no acks,
transactions cut wherever they were. Expected: the broker redelivers what the dead
consumer held unacknowledged, each transaction either committed or left nothing, clients
retry what got no answer (Submit and PassTask answer a repeat with the first result),
and at the end nothing is lost or doubled at any consumer.
"""

from __future__ import annotations

import time

from reliability.faults import Surge, conclude, management_queue_names
from reliability.rig import SURGE_N, Rig


def in_flight(rig: Rig, consumer_db: str, event_type: str, source_db: str) -> int:
    """Events the source has published that the consumer has not applied yet (what it may hold unacked)."""
    published = rig.mongo[source_db].outbox.count_documents({"type": event_type, "state": "Published"})
    applied = rig.mongo[consumer_db].processed_events.count_documents({"type": event_type})
    return max(0, published - applied)


def kill_and_restart(rig: Rig, names: tuple[str, ...]) -> float:
    """SIGKILL every one of ``names`` at once, start them again; seconds until all are healthy."""
    killed = time.monotonic()
    for name in names:
        rig.suite.kill_service(name)
    for name in names:
        rig.suite.start_service(name)
    rig.suite.wait_healthy(list(names), timeout=120)
    return time.monotonic() - killed


def test_services_killed_mid_surge_lose_and_double_nothing(rig: Rig) -> None:
    surge = Surge.prepare(rig, SURGE_N)
    surge.start()
    # while application.submitted events are arriving at review, decisions are being taken
    # there and passed on to registration, and enterprises are submitting
    surge.wait_under_way(submitted=max(3, len(surge.second) // 5), decided=3)
    assert surge.running(), "the surge ended before the kill"
    held_by_review = in_flight(rig, "zjtx_review", "application.submitted", "zjtx_registration")
    held_by_registration = in_flight(rig, "zjtx_registration", "review.passed", "zjtx_review")
    unanswered = len(surge.second) - surge.accepted_count()
    back = kill_and_restart(rig, ("review", "registration"))

    recovery, total = surge.recover()
    conclude(rig, "service-killed", surge, recovery, total, management_queue_names(rig),
             note=(f"review and registration SIGKILLed together with ~{held_by_review} submissions in flight to "
                   f"review, ~{held_by_registration} decisions in flight to registration and {unanswered} "
                   f"submissions not yet answered; both healthy again {back:.1f} s after the kill"))
