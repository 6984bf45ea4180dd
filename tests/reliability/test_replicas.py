"""Two copies of each service through a submission surge on the last evening of the window.

Registration, review, notification and reporting each run as two processes (``Suite``
with ``replicas=2``: ``review`` and ``review-2`` ...): competing consumers on the same
queues, an outbox relay in each copy (leases), both reminder timers running, and every gRPC
client, the test's own included, spreading its calls over both copies (round-robin). While
the enterprises submit, the 1-day "not yet submitted" reminder falls due. Shown:

- exactly one level-1 review task (and one task_opened event) per application, each event
  applied once by each consumer service;
- one acknowledgement per enterprise per channel (inbox and e-mail);
- no reminder recorded or sent twice, although both notification copies run the check;
- both copies of every service did work (their own /metrics).
"""

from __future__ import annotations

import time
import urllib.request
from collections import Counter
from pathlib import Path

from harness.surge import SURGE_CLOCK, Tally, prepare_drafts, submit_all, tally_submissions
from harness.wait import until
from integration.notification.notification_support import SmtpSink
from reliability import effects
from reliability.rig import PATIENCE, start_rig
from zjtx.clock import set_clock_file
from zjtx.up import SERVICE_ORDER

SUBMITTING = 16
NEVER = 4
BEFORE_THE_LAST_WEEK = "2020-05-01T09:00:00+08:00 running"


def handled(port: str, kind: str) -> float:
    """The calls of ``kind`` (grpc, event, timer) one process handled, from its own /metrics."""
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as response:
        text = response.read().decode()
    return sum(float(line.rsplit(" ", 1)[1]) for line in text.splitlines()
               if line.startswith("zjtx_handled_total{") and f'kind="{kind}"' in line)


def test_two_copies_of_each_service_through_a_submission_surge(tmp_path: Path, reported: list[str]) -> None:
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
        drafts = prepare_drafts(registration, SUBMITTING + NEVER, tag="W")
        submitting, never = drafts[:SUBMITTING], drafts[SUBMITTING:]
        notification = rig.mongo.zjtx_notification
        ids = [d.enterprise_id for d in drafts]
        until(lambda: notification.enterprises.count_documents({"_id": {"$in": ids}}) == len(ids),
              timeout=PATIENCE, interval=0.5, what="notification to know every enterprise")

        set_clock_file(rig.clock_file, SURGE_CLOCK)  # the 1-day reminder is due, and the surge begins
        started = time.monotonic()
        submissions = submit_all(registration, submitting)
        assert all(s.accepted for s in submissions), [s.error for s in submissions if not s.accepted][:3]

        def complete() -> bool:
            tallies = tally_submissions(rig.mongo, submissions)
            reminded = {r["target"] for r in notification.reminders.find({"kind": "draft"}, {"target": 1})}
            waiting = notification.deliveries.count_documents({"state": {"$in": ["pending", "sending", "retrying"]}})
            return all(t.lost == 0 for t in tallies) and {d.enterprise_id for d in never} <= reminded and not waiting
        until(complete, timeout=PATIENCE, interval=1, what="every submission's effects and every reminder")
        settled = time.monotonic() - started

        # one review task per application, one acknowledgement per consumer, each event applied once
        tallies = tally_submissions(rig.mongo, submissions)
        assert all(t.lost == 0 and t.doubled == 0 for t in tallies), [t.line() for t in tallies]
        subjects = [s.draft.application_id for s in submissions] + ids

        def applied() -> list[Tally]:  # the later events (task_opened ...) may still be on their way
            return effects.applied_once(rig.mongo, effects.consumed(effects.events_about(rig.mongo, subjects)))
        until(lambda: all(t.lost == 0 for t in applied()), timeout=PATIENCE, interval=1,
              what="every event applied by every consumer")
        assert all(t.doubled == 0 for t in applied()), [t.line() for t in applied()]

        # one acknowledgement per enterprise per channel (inbox, e-mail)
        acknowledgements = Counter((d["recipient"], d["channel"]) for d in notification.deliveries.find(
            {"kind": "application.submitted", "recipient": {"$in": [f"enterprise:{d.enterprise_id}" for d in submitting]}},
            {"recipient": 1, "channel": 1}))
        channels = {channel for _, channel in acknowledgements}
        assert {"inbox", "email"} <= channels, acknowledgements
        assert len(acknowledgements) == SUBMITTING * len(channels)
        assert set(acknowledgements.values()) == {1}, [k for k, v in acknowledgements.items() if v > 1][:3]

        # no reminder twice: one record per enterprise that never submitted, one delivery per channel
        reminders = Counter(r["target"] for r in notification.reminders.find({"kind": "draft"}, {"target": 1}))
        assert set(reminders.values()) == {1}, reminders
        sent = Counter((d["recipient"], d["channel"]) for d in notification.deliveries.find(
            {"kind": "reminder.draft", "state": "sent"}, {"recipient": 1, "channel": 1}))
        assert set(sent.values()) == {1}, sent
        for draft in never:
            assert len(sink.to(f"eW{ids.index(draft.enterprise_id)}@example.cn", "申报提醒")) == 1

        # both copies of each service took part
        work = {}
        for name in suite.processes:
            service = name.split("-")[0]
            port = suite.copy_env(name)[f"{service.upper()}_METRICS_PORT"]
            work[name] = (handled(port, "grpc"), handled(port, "event"))
        for service in SERVICE_ORDER:
            assert work[service][1] > 0 and work[f"{service}-2"][1] > 0, (service, work)
        assert work["registration"][0] > 0 and work["registration-2"][0] > 0, work
        assert work["review"][0] > 0 and work["review-2"][0] > 0, work  # registration and the others call review

        rig.report(f"replicas: 2 copies each of registration, review, notification, reporting; {SUBMITTING} submissions "
                   f"+ {NEVER} non-submitters settled in {settled:.1f} s; level-1 tasks {tallies[1].arrived}/"
                   f"{SUBMITTING} (doubled {tallies[1].doubled}); acknowledgements {len(acknowledgements)} = "
                   f"{SUBMITTING} x {sorted(channels)} (none twice); reminders recorded {len(reminders)} ({NEVER} "
                   f"non-submitters, the rest reminded before they submitted), none twice; reminder deliveries sent "
                   f"{sum(sent.values())}, none twice; work per copy (gRPC calls, events): "
                   + ", ".join(f"{name} {int(g)}/{int(e)}" for name, (g, e) in sorted(work.items())))
    finally:
        rig.close()
        sink.stop()
