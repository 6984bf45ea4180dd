"""The "not yet submitted" reminders during the last evening's submission surge, with two
copies of every service running (registration, review, notification and reporting: the
rig's ``replicas=2``, every gRPC client, the test's own included, spreading its calls over
both copies; competing consumers on each queue; an outbox relay and the timers in each copy).

The platform clock is moved to the last evening of the Hunan 2020 window (the 1-day
reminder is due at once) while enterprises submit at once; a few never submit. Before
the fix the reminder check read notification's own copy of the submissions, which trails
registration's events by a second or more under such a surge, and reminded enterprises
whose Submit had already answered. Now:

- no enterprise gets a reminder decided after its Submit answered: every reminder records
  when registration was asked (``checked_wall``, taken before the question is sent), and
  that moment precedes the answer to the enterprise's Submit (registration commits before
  it answers, so a later question would have seen the submission); e-mail and SMS are
  asked about again right before they go out, and skipped when the enterprise has submitted;
- every enterprise that never submits gets its reminder exactly once, on every channel,
  although both copies run the reminder check (each saw its own passes);
- with two copies of each service: exactly one level-1 review task per application, each
  event applied once by each consumer, one acknowledgement per enterprise per channel
  (inbox, e-mail), and both copies of every service did work (their own /metrics).
"""

from __future__ import annotations

import threading
import time
import urllib.request
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

from harness.surge import PROGRAMME, SURGE_CLOCK, Tally, prepare_drafts, submit_all, tally_submissions
from integration.notification.notification_support import SmtpSink
from reliability import effects
from reliability.rig import PATIENCE, seconds_until, start_rig
from zjtx.clock import set_clock_file
from zjtx.up import SERVICE_ORDER

SUBMITTING = 30
NEVER = 6
BEFORE_THE_LAST_WEEK = "2020-05-01T09:00:00+08:00 running"  # no reminder due yet


def wall(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, tz=timezone.utc)


def handled(port: str, kind: str) -> float:
    """The calls of ``kind`` (grpc, event, timer) one process handled, from its own /metrics."""
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as response:
        text = response.read().decode()
    return sum(float(line.rsplit(" ", 1)[1]) for line in text.splitlines()
               if line.startswith("zjtx_handled_total{") and f'kind="{kind}"' in line)


def test_no_reminder_goes_to_an_enterprise_that_has_submitted_with_two_notification_copies(
        tmp_path: Path, reported: list[str]) -> None:
    sink = SmtpSink()
    sink.start()
    rig = start_rig(tmp_path, reported, replicas=2, env={
        "NOTIFICATION_REMINDER_CHECK_SECONDS": "0.5", "NOTIFICATION_SENDER_POLL_SECONDS": "0.2",
        "SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(sink.port)})
    try:
        suite = rig.suite
        assert sorted(suite.processes) == sorted([*SERVICE_ORDER, *(f"{s}-2" for s in SERVICE_ORDER)])
        registration = suite.env["REGISTRATION_TARGET"]
        assert registration.count(",") == 1, registration  # both copies, for every client
        set_clock_file(rig.clock_file, BEFORE_THE_LAST_WEEK)
        drafts = prepare_drafts(registration, SUBMITTING + NEVER, tag="R")
        submitting, never = drafts[:SUBMITTING], drafts[SUBMITTING:]
        notification = rig.mongo.zjtx_notification
        ids = [d.enterprise_id for d in drafts]
        seconds_until(lambda: notification.enterprises.count_documents({"_id": {"$in": ids}}) == len(ids),
                      timeout=PATIENCE, what="notification to know every enterprise")
        assert notification.reminders.count_documents({}) == 0, "nothing was due before the last week"

        owners: set[str] = set()
        watching = True

        def watch() -> None:  # which copy ran the latest reminder check, while the surge runs
            while watching:
                state = notification.service_state.find_one({"_id": "reminders"}) or {}
                if state.get("last_owner"):
                    owners.add(state["last_owner"])
                time.sleep(0.05)

        watcher = threading.Thread(target=watch, daemon=True)
        watcher.start()
        set_clock_file(rig.clock_file, SURGE_CLOCK)  # the 1-day reminder is due now, and the surge begins
        started = time.monotonic()
        submissions = submit_all(registration, submitting)
        assert all(s.accepted for s in submissions), [s.error for s in submissions if not s.accepted][:3]

        recipients = {f"enterprise:{d.enterprise_id}" for d in never}

        def settled() -> bool:
            done = {r["target"] for r in notification.reminders.find({"kind": "draft"}, {"target": 1})}
            waiting = notification.deliveries.count_documents(
                {"kind": "reminder.draft", "state": {"$in": ["pending", "sending", "retrying"]}})
            return {d.enterprise_id for d in never} <= done and waiting == 0
        seconds_until(settled, timeout=PATIENCE, what="every reminder recorded and sent")
        seconds_until(lambda: len(owners) == 2, timeout=60, what="reminder checks by both notification copies")
        watching = False
        watcher.join(5)

        # 1. nothing was decided after the enterprise's Submit had answered
        accepted = {s.draft.enterprise_id: wall(s.accepted) for s in submissions if s.accepted}
        reminders = list(notification.reminders.find({"kind": "draft", "programme_id": PROGRAMME}))
        late = [(r["target"], r.get("checked_wall"), accepted[r["target"]]) for r in reminders
                if r["target"] in accepted and not (r.get("checked_wall") and r["checked_wall"] < accepted[r["target"]])]
        assert late == [], f"{len(late)} reminders decided after Submit answered: {late[:3]}"
        sent = list(notification.deliveries.find({"kind": "reminder.draft", "channel": {"$ne": "inbox"},
                                                  "state": "sent"}))
        late_sent = [(d["recipient"], d.get("checked_wall")) for d in sent
                     if d["recipient"].removeprefix("enterprise:") in accepted
                     and not (d.get("checked_wall")
                              and d["checked_wall"] < accepted[d["recipient"].removeprefix("enterprise:")])]
        assert late_sent == [], f"{len(late_sent)} e-mails sent after Submit answered: {late_sent[:3]}"

        # 2. every enterprise that never submitted: one reminder, one inbox message, one e-mail
        for draft in never:
            key = f"enterprise:{draft.enterprise_id}"
            assert notification.reminders.count_documents({"target": draft.enterprise_id}) == 1
            assert notification.inbox.count_documents({"recipient": key, "event_type": "reminder.draft"}) == 1
            address = f"eR{ids.index(draft.enterprise_id)}@example.cn"  # prepare_drafts' contact address
            mails = sink.to(address, "申报提醒")
            assert len(mails) == 1, f"{draft.enterprise_id}: {len(mails)} e-mails"
            assert "还有1天截止" in mails[0].subject
        assert recipients <= {d["recipient"] for d in sent}

        # 3. no enterprise reminded twice on any channel, although both copies checked
        per_recipient: dict[tuple[str, str], int] = {}
        for delivery in notification.deliveries.find({"kind": "reminder.draft", "state": "sent"},
                                                     {"recipient": 1, "channel": 1}):
            pair = (delivery["recipient"], delivery["channel"])
            per_recipient[pair] = per_recipient.get(pair, 0) + 1
        assert all(count == 1 for count in per_recipient.values()), per_recipient

        # 4. two copies of each service: one level-1 task per application, each event applied once
        def effects_complete() -> bool:
            return all(t.lost == 0 for t in tally_submissions(rig.mongo, submissions))
        seconds_until(effects_complete, timeout=PATIENCE, what="every submission's effects")
        settled = time.monotonic() - started
        tallies = tally_submissions(rig.mongo, submissions)
        assert all(t.doubled == 0 for t in tallies), [t.line() for t in tallies]
        subjects = [s.draft.application_id for s in submissions] + ids

        def applied() -> list[Tally]:  # the later events (task_opened ...) may still be on their way
            return effects.applied_once(rig.mongo, effects.consumed(effects.events_about(rig.mongo, subjects)))
        seconds_until(lambda: all(t.lost == 0 for t in applied()), timeout=PATIENCE,
                      what="every event applied by every consumer")
        assert all(t.doubled == 0 for t in applied()), [t.line() for t in applied()]
        # one acknowledgement per enterprise per channel (inbox, e-mail)
        acknowledgements = Counter((d["recipient"], d["channel"]) for d in notification.deliveries.find(
            {"kind": "application.submitted", "recipient": {"$in": [f"enterprise:{d.enterprise_id}" for d in submitting]}},
            {"recipient": 1, "channel": 1}))
        channels = sorted({channel for _, channel in acknowledgements})
        assert {"inbox", "email"} <= set(channels), acknowledgements
        assert len(acknowledgements) == SUBMITTING * len(channels)
        assert set(acknowledgements.values()) == {1}, [k for k, v in acknowledgements.items() if v > 1][:3]
        # both copies of each service took part
        work = {}
        for name in suite.processes:
            service = name.split("-")[0]
            port = suite.copy_env(name)[f"{service.upper()}_METRICS_PORT"]
            work[name] = (handled(port, "grpc"), handled(port, "event"))
        for service in SERVICE_ORDER:
            assert work[service][1] > 0 and work[f"{service}-2"][1] > 0, (service, work)
        for service in ("registration", "review"):  # called by the test and by the other services
            assert work[service][0] > 0 and work[f"{service}-2"][0] > 0, (service, work)

        reminded_before = sum(1 for r in reminders if r["target"] in accepted)
        skipped = notification.deliveries.count_documents({"kind": "reminder.draft", "skip_reason": "submitted"})
        rig.report(f"reminders in a surge of {SUBMITTING} submissions with 2 copies of every service: "
                   f"{len(reminders)} reminders, {NEVER}/{NEVER} non-submitters reminded once, "
                   f"{reminded_before} submitters reminded before they submitted, {skipped} e-mail/SMS skipped "
                   f"because the enterprise submitted meanwhile, 0 decided after Submit answered")
        rig.report(f"replicas: 2 copies each of registration, review, notification, reporting; {SUBMITTING} "
                   f"submissions settled in {settled:.1f} s; level-1 tasks {tallies[1].arrived}/{SUBMITTING} (doubled "
                   f"{tallies[1].doubled}); acknowledgements {len(acknowledgements)} = {SUBMITTING} x {channels}, none "
                   f"twice; reminder deliveries {len(per_recipient)}, none twice; work per copy (gRPC calls/events): "
                   + ", ".join(f"{name} {int(g)}/{int(e)}" for name, (g, e) in sorted(work.items())))
    finally:
        rig.close()
        sink.stop()
