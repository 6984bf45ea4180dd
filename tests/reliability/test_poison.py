"""A poison message during a deadline surge: dead-lettered after the configured attempts,
the events behind it keep flowing, and operations replay it after a fix.

The cause is one operations staff meet and can fix without a code change: the reviewer
accounts of 耒阳 (a 省财政直管县, a review unit of its own) were loaded into review's
database by a batch import, and one row lacks its e-mail. Review's GetUnit then fails
(INTERNAL, not an outage), so notification cannot address the task that opens at 耒阳
for the one application from there: its ``review.task_opened`` fails on every delivery,
is retried EVENT_MAX_ATTEMPTS times and dead-lettered (``delivery_limit``), while the
surge's other 60 submissions and their decisions flow through the same queues. Failing
loudly is right here: skipping the broken account would silently leave a reviewer
un-notified. Staff list the dead letter with ``python -m zjtx.ops dead-letters``,
complete the account, replay it with ``python -m zjtx.ops replay``, and it takes effect
exactly once, reaching notification alone.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
import uuid
from collections import Counter
from dataclasses import replace
from datetime import datetime, timezone

from harness.surge import prepare_drafts, submit_and_pass, tally_decisions, tally_submissions
from harness.wait import until
from reliability import effects
from reliability.rig import PATIENCE, SURGE_N, Rig, seconds_until
from zjtx.config import REPO_ROOT

POISON_REGION, POISON_UNIT = "430481", "unit-430481"  # 耒阳市, reviewed by its own unit
QUEUE = "evt-review-review.task_opened--notification.on_task_opened"
DEAD_LETTER_QUEUE = f"{QUEUE}.dead-letter"


def ops(rig: Rig, *args: str) -> str:
    """The operations command as staff run it, against this rig's broker and database."""
    result = subprocess.run([sys.executable, "-m", "zjtx.ops", *args], env=rig.suite.env, capture_output=True,
                            text=True, timeout=120, cwd=REPO_ROOT)
    assert result.returncode == 0, f"zjtx.ops {' '.join(args)}: {result.stderr[-2000:]}"
    return result.stdout


def listed(rig: Rig, event_id: str) -> list[dict]:
    found = json.loads(ops(rig, "dead-letters", "--json", DEAD_LETTER_QUEUE))
    return [letter for letter in found.get(DEAD_LETTER_QUEUE, {}).get("dead_letters", [])
            if letter["event_id"] == event_id]


def failed_attempts(rig: Rig, event_id: str) -> list[tuple[datetime, int]]:
    """(time, attempt number) of every failed attempt notification logged for the event."""
    found = []
    for line in (rig.log_dir / "notification.log").read_text(errors="replace").splitlines():
        if line.startswith("{") and "failed on attempt" in line and event_id in line:
            record = json.loads(line)
            attempt = int(re.search(r"failed on attempt (\d+)/", record["message"]).group(1))
            found.append((datetime.fromisoformat(record["time"]), attempt))
    return found


def lines_about(rig: Rig, service: str, event_id: str) -> int:
    return sum(1 for line in (rig.log_dir / f"{service}.log").read_text(errors="replace").splitlines()
               if event_id in line)


def test_poison_message_is_dead_lettered_without_blocking_and_replayed_once_after_the_fix(rig: Rig) -> None:
    registration, review = rig.targets["registration"], rig.targets["review"]
    max_attempts = int(rig.suite.env["EVENT_MAX_ATTEMPTS"])
    notification_db, review_db = rig.mongo.zjtx_notification, rig.mongo.zjtx_review

    # the broken reference data: an imported reviewer account of 耒阳 without its e-mail
    reviewer_id = uuid.uuid4().hex
    review_db.reviewers.insert_one({"_id": reviewer_id, "unit_id": POISON_UNIT, "name": "耒阳审核员（导入）",
                                    "mobile": "13907340481", "role": "reviewer",
                                    "created_at": datetime.now(timezone.utc), "created_by": "import"})

    [poison_draft] = prepare_drafts(registration, 1, tag="Q", regions=(POISON_REGION,))
    poison_draft = replace(poison_draft, unit_id=POISON_UNIT)
    drafts = prepare_drafts(registration, SURGE_N, tag="P")
    surge_started = time.monotonic()
    # the poison goes first: everything else in the surge is behind it in the same queues
    submissions, decisions = submit_and_pass(registration, review, drafts, submit_first=[poison_draft], timeout=PATIENCE)

    poison = until(lambda: review_db.outbox.find_one({"type": "review.task_opened",
                                                      "subject": poison_draft.application_id}),
                   what="the task opened at 耒阳")
    poison_id = poison["_id"]

    def surge_through() -> bool:
        tallies = tally_submissions(rig.mongo, submissions) + tally_decisions(rig.mongo, decisions)
        surge_task_events = [e["_id"] for e in review_db.outbox.find(
            {"type": "review.task_opened", "subject": {"$in": [d.application_id for d in drafts]}}, {"_id": 1})]
        return (all(t.lost == 0 for t in tallies) and len(surge_task_events) == len(drafts)
                and notification_db.inbox.count_documents({"event_id": {"$in": surge_task_events}}) == len(drafts))

    seconds_until(surge_through, timeout=PATIENCE, what="the surge's effects while the poison waits")
    surge_seconds = time.monotonic() - surge_started
    [letter] = until(lambda: listed(rig, poison_id), timeout=120, interval=1, what="the poison in the dead letters")

    # retried exactly EVENT_MAX_ATTEMPTS times, then dead-lettered by the broker's delivery limit
    attempts = failed_attempts(rig, poison_id)
    assert sorted(n for _, n in attempts) == list(range(1, max_attempts + 1)), attempts
    assert letter["reason"] == "delivery_limit" and letter["count"] == 1 and letter["source_queue"] == QUEUE
    assert letter["type"] == "review.task_opened" and letter["subject"] == poison_draft.application_id
    assert notification_db.processed_events.count_documents({"event_id": poison_id}) == 0
    assert notification_db.inbox.count_documents({"event_id": poison_id}) == 0

    # the queue behind it kept flowing: the surge's task notices were applied after the poison first failed
    first_failure, last_failure = min(t for t, _ in attempts), max(t for t, _ in attempts)
    surge_tasks = [e["_id"] for e in review_db.outbox.find(
        {"type": "review.task_opened", "subject": {"$in": [d.application_id for d in drafts]}}, {"_id": 1})]
    applied_times = [r["applied_at"] for r in notification_db.processed_events.find(
        {"event_id": {"$in": surge_tasks}, "consumer": "NotificationService.on_task_opened"}, {"applied_at": 1})]
    after_first = sum(1 for at in applied_times if at >= first_failure)
    during = sum(1 for at in applied_times if first_failure <= at <= last_failure)
    assert after_first > 0, "no task notice was applied after the poison began failing"

    # operations: list it (text, as staff read it), fix the account, replay that one event
    text = ops(rig, "dead-letters")
    assert f"event {poison_id}  review.task_opened  subject {poison_draft.application_id}  from {QUEUE}" in text
    assert "delivery_limit x1" in text
    review_db.reviewers.update_one({"_id": reviewer_id}, {"$set": {"email": "leiyang-reviewer@example.cn"}})
    replay_started = time.monotonic()
    replayed = ops(rig, "replay", DEAD_LETTER_QUEUE, "--event", poison_id)
    assert f"replayed event {poison_id}" in replayed and f"to {QUEUE}" in replayed
    seconds_until(lambda: notification_db.processed_events.count_documents({"event_id": poison_id}) == 1,
                  timeout=60, what="the replayed event applied")
    recovery = time.monotonic() - replay_started  # from the replay command to the effect
    time.sleep(2)  # a doubled effect would show up here; nothing is expected to change any more

    # exactly once, and only notification saw the replayed copy
    assert notification_db.processed_events.count_documents({"event_id": poison_id}) == 1
    assert notification_db.inbox.count_documents({"event_id": poison_id, "recipient": f"unit:{POISON_UNIT}"}) == 1
    # one delivery per recipient and channel (the rig has no e-mail/SMS provider: the unit's inbox)
    deliveries = Counter((d["recipient"], d["channel"]) for d in notification_db.deliveries.find({"event_id": poison_id}))
    assert (f"unit:{POISON_UNIT}", "inbox") in deliveries and set(deliveries.values()) == {1}, deliveries
    assert len(failed_attempts(rig, poison_id)) == max_attempts, "the replayed copy succeeded at once"
    assert not listed(rig, poison_id)
    for service in ("registration", "reporting"):
        db = rig.mongo[f"zjtx_{service}"]
        assert db.processed_events.count_documents({"event_id": poison_id}) == 1
        assert lines_about(rig, service, poison_id) == 0, f"{service} saw the replayed copy"

    subjects = [s.draft.application_id for s in submissions] + [s.draft.enterprise_id for s in submissions]
    events = effects.consumed(effects.events_about(rig.mongo, subjects))
    tallies = (tally_submissions(rig.mongo, submissions) + tally_decisions(rig.mongo, decisions)
               + effects.applied_once(rig.mongo, events) + effects.effects_once(rig.mongo, events))
    rig.report(f"RELIABILITY poison: {len(submissions)} applications submitted ({len(decisions)} passed) in "
               f"{surge_seconds:.1f}s with one poison task_opened among them; retried {len(attempts)}x "
               f"({max_attempts} configured) then dead-lettered ({letter['reason']})")
    rig.report(f"RELIABILITY poison: while it was retried ({(last_failure - first_failure).total_seconds():.1f}s) "
               f"notification applied {during} other task notices of the same queue, {after_first} after its "
               f"first failure; replay after the fix took effect in {recovery:.1f}s, once")
    for t in tallies:
        rig.report(f"RELIABILITY poison: {t.line()}" + (f" ({'; '.join(t.details)})" if t.details else ""))
    for t in tallies:
        assert t.sent > 0 and t.lost == 0 and t.doubled == 0, t.line() + " " + "; ".join(t.details)
    assert not effects.dead_letters(rig.suite.env), "nothing left in the dead-letter queues"
