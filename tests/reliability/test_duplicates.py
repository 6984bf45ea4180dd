"""Every event delivered twice during a deadline surge: each still takes effect once.

A duplicator outside the services (``harness.duplicator``) subscribes to every
``<service>.events`` exchange and republishes each event once more, so every consumer
queue receives every event twice, often at the same moment as the original (two workers
of one service racing on the same event id). Enterprises register and fill their
applications, the surge submits them, the city reviewers pass them, all under
duplication. At the end, per consumer: every event applied once, no doubled task, inbox
message, e-mail/SMS, history entry or archived event; and the duplicates really arrived
(the duplicator saw every copy come back through the broker, and the consumers logged
skipping them).
"""

from __future__ import annotations

import time

from harness.duplicator import Duplicator
from harness.surge import prepare_drafts, submit_and_pass, tally_decisions, tally_submissions
from reliability import effects
from reliability.rig import PATIENCE, SURGE_N, Rig, seconds_until


def test_every_event_delivered_twice_takes_effect_once(rig: Rig) -> None:
    registration, review = rig.targets["registration"], rig.targets["review"]
    duplicator = Duplicator(rig.amqp_uri).start()
    try:
        drafts = prepare_drafts(registration, SURGE_N, tag="D")
        surge_started = time.monotonic()
        submissions, decisions = submit_and_pass(registration, review, drafts, timeout=PATIENCE)
        surge_seconds = time.monotonic() - surge_started
        application_ids = [d.application_id for d in drafts]
        subjects = application_ids + [d.enterprise_id for d in drafts]

        def complete() -> bool:
            tallies = tally_submissions(rig.mongo, submissions) + tally_decisions(rig.mongo, decisions)
            events = effects.consumed(effects.events_about(rig.mongo, subjects))
            return (all(t.arrived == t.sent for t in tallies)
                    and all(t.arrived == t.sent for t in effects.applied_once(rig.mongo, events))
                    # every consumed event's copy was made and came back through the broker
                    and {e["_id"] for e in events} <= duplicator.snapshot().original_ids and duplicator.settled())

        recovery = seconds_until(complete, timeout=PATIENCE, what="every event and its copy applied")
    finally:
        duplicator.stop()

    events = effects.consumed(effects.events_about(rig.mongo, subjects))
    tallies = (tally_submissions(rig.mongo, submissions) + tally_decisions(rig.mongo, decisions)
               + effects.applied_once(rig.mongo, events) + effects.effects_once(rig.mongo, events))
    counts = duplicator.snapshot()
    skipped = effects.skipped_duplicates(rig.log_dir)
    # what each consumer service was sent twice: (consumer, event) pairs of the duplicated events
    duplicated = {entry["_id"] for entry in events} & counts.original_ids
    expected_skips = {service: sum(1 for entry in events if entry["_id"] in duplicated
                                   for s, _ in effects.subscribers().get((entry["envelope"]["source"], entry["type"]),
                                                                         []) if s == service)
                      for service in ("registration", "review", "notification", "reporting")}

    rig.report(f"RELIABILITY duplicates: {len(drafts)} applications submitted and passed in {surge_seconds:.1f}s "
               f"with every event delivered twice; all effects {recovery:.1f}s after the last decision")
    rig.report(f"RELIABILITY duplicates: {counts.line()}; events about the surge {len(events)}, "
               f"{len(duplicated)} of them consumed by the suite and duplicated")
    for service, expected in expected_skips.items():
        rig.report(f"RELIABILITY duplicates: {service} skipped {skipped[service]} duplicate deliveries "
                   f"(at least {expected} expected)")
    for t in tallies:
        rig.report(f"RELIABILITY duplicates: {t.line()}" + (f" ({'; '.join(t.details)})" if t.details else ""))

    # the fault really happened: every original has its copy, and the copies went through the broker
    assert counts.originals and counts.originals == counts.copies_published == counts.copies_seen
    assert duplicated == {entry["_id"] for entry in events}, "every consumed event about the surge was duplicated"
    for service, expected in expected_skips.items():
        assert skipped[service] >= expected > 0, f"{service} skipped {skipped[service]} of {expected} duplicates"
    for t in tallies:
        assert t.sent > 0 and t.lost == 0 and t.doubled == 0, t.line() + " " + "; ".join(t.details)
    assert not effects.dead_letters(rig.suite.env), "no event was dead-lettered"
