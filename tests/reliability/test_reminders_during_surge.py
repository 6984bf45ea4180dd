"""The "not yet submitted" reminders during the last evening's submission surge, with two
copies of the notification service running.

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
  although both copies run the reminder check (each saw its own passes).
"""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

from harness.surge import PROGRAMME, SURGE_CLOCK, prepare_drafts, submit_all
from integration.notification.notification_support import SmtpSink
from reliability.rig import PATIENCE, seconds_until, start_rig
from zjtx import embedded_mongo, pki
from zjtx.clock import set_clock_file
from zjtx.config import REPO_ROOT
from zjtx.health import grpc_serving

SUBMITTING = 30
NEVER = 6
BEFORE_THE_LAST_WEEK = "2020-05-01T09:00:00+08:00 running"  # no reminder due yet


def wall(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, tz=timezone.utc)


def start_second_copy(env: dict[str, str], log_dir: Path, attempts: int = 3) -> tuple[subprocess.Popen[bytes], str]:
    """A second notification process on ports of its own; a broker too busy to answer the
    start-up check (other sessions' vhost churn) gets another chance."""
    env = dict(env)
    for attempt in range(1, attempts + 1):
        port = embedded_mongo.free_port()
        env["NOTIFICATION_GRPC_PORT"] = str(port)
        env["NOTIFICATION_METRICS_PORT"] = str(embedded_mongo.free_port())
        log = open(log_dir / "notification-2.log", "ab")
        process = subprocess.Popen([sys.executable, "-m", "zjtx.launch", "notification"], env=env, stdout=log,
                                   stderr=subprocess.STDOUT, cwd=REPO_ROOT, start_new_session=True)
        target = f"127.0.0.1:{port}"
        pki.remember(target, Path(env["ZJTX_PKI_DIR"]), "notification")  # the health probe speaks mutual TLS
        try:
            seconds_until(lambda t=target, p=process: grpc_serving(t) or p.poll() is not None, timeout=120,
                          what="the second notification copy to serve")
        except AssertionError:
            process.kill()  # a copy that never served must not outlive the test
            process.wait(timeout=30)
            raise
        if process.poll() is None:
            return process, target
        if attempt == attempts:
            raise AssertionError((log_dir / "notification-2.log").read_text()[-2000:])
        time.sleep(2)
    raise AssertionError("unreachable")


def test_no_reminder_goes_to_an_enterprise_that_has_submitted_with_two_notification_copies(
        tmp_path: Path, reported: list[str]) -> None:
    sink = SmtpSink()
    sink.start()
    rig = start_rig(tmp_path, reported, env={
        "NOTIFICATION_REMINDER_CHECK_SECONDS": "0.5", "NOTIFICATION_SENDER_POLL_SECONDS": "0.2",
        "SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(sink.port)})
    second: subprocess.Popen[bytes] | None = None
    try:
        set_clock_file(rig.clock_file, BEFORE_THE_LAST_WEEK)
        second, _ = start_second_copy(rig.suite.env, rig.log_dir)
        drafts = prepare_drafts(rig.targets["registration"], SUBMITTING + NEVER, tag="R")
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
        submissions = submit_all(rig.targets["registration"], submitting)
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

        reminded_before = sum(1 for r in reminders if r["target"] in accepted)
        skipped = notification.deliveries.count_documents({"kind": "reminder.draft", "skip_reason": "submitted"})
        rig.report(f"reminders in a surge of {SUBMITTING} submissions with 2 notification copies: "
                   f"{len(reminders)} reminders, {NEVER}/{NEVER} non-submitters reminded once, "
                   f"{reminded_before} submitters reminded before they submitted, {skipped} e-mail/SMS skipped "
                   f"because the enterprise submitted meanwhile, 0 decided after Submit answered")
    finally:
        if second is not None and second.poll() is None:
            second.send_signal(signal.SIGTERM)
            try:
                second.wait(25)
            except subprocess.TimeoutExpired:
                second.kill()
                second.wait()
        rig.close()
        sink.stop()
