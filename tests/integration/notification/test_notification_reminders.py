"""Reminders on the platform clock: the Hunan 2020 window's last week, replayed.

The clock file moves every service's clock; the notification service's reminder check
(every 0.5 s here) reminds, 7, 3 and 1 days before 2020-05-15T23:59:59+08:00,
- each registered enterprise of the programme's region that has not submitted, and
- each review unit with open tasks, before the review deadline;
each reminder once, however many checks run in between, and nothing after the close.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import grpc
import pytest
from notification_support import (
    PROGRAMME,
    Firm,
    SmsSink,
    SmtpSink,
    create_account,
    envelope,
    programme_title,
    publish,
    register,
    settled,
    step,
    submitted,
)
from pymongo import MongoClient

from harness.wait import until
from zjtx.clock import parse_instant, set_clock_file
from zjtx_api import registration_pb2, review_pb2

REVIEW_UNIT = "unit-431200"   # 怀化市工业和信息化局
pytestmark = pytest.mark.usefixtures("notifying")


def reminder_deliveries(mongo: MongoClient, recipient: str, kind: str, channel: str) -> list[dict[str, Any]]:
    return list(mongo.zjtx_notification.deliveries.find({"recipient": recipient, "kind": kind, "channel": channel}))


def checker_state(mongo: MongoClient) -> dict[str, Any]:
    return mongo.zjtx_notification.service_state.find_one({"_id": "reminders"}) or {"passes": 0}


def settle_clock(mongo: MongoClient, clock_file: Path, setting: str) -> None:
    """Move the platform clock and wait until the reminder check ran twice at the new time."""
    set_clock_file(clock_file, setting)
    at = parse_instant(setting)
    until(lambda: checker_state(mongo).get("clock") == at, timeout=20, what=f"a reminder check at {setting}")
    passes = checker_state(mongo)["passes"]
    until(lambda: checker_state(mongo)["passes"] >= passes + 2, timeout=20, what="two more reminder checks")


@pytest.fixture
def clock(clock_file: Path) -> Iterator[Path]:
    try:
        yield clock_file
    finally:
        set_clock_file(clock_file, "")


def test_a_reminder_schedule_across_the_windows_last_week_sends_each_reminder_once(
        channels: dict[str, grpc.Channel], amqp_uri: str, mongo: MongoClient, smtp_sink: SmtpSink,
        sms_sink: SmsSink, clock: Path) -> None:
    title = programme_title(channels)
    drafting = register(channels, "娄底草稿未交提醒验证有限公司")
    done = register(channels, "娄底已提交不提醒验证有限公司")
    submitted(amqp_uri, mongo, done)
    elsewhere = Firm(uuid.uuid4().hex, "北京区域外验证有限公司", "", "李四", f"{uuid.uuid4().hex[:8]}@example.cn",
                     "13911112222")
    outside = envelope("registration", "enterprise.registered", elsewhere.id, registration_pb2.EnterpriseRegistered(
        enterprise_id=elsewhere.id, uscc="911101000000000000", name=elsewhere.name, region_code="110101",
        contact=registration_pb2.Contact(person=elsewhere.person, email=elsewhere.email, mobile=elsewhere.mobile)))
    publish(amqp_uri, outside)
    until(lambda: settled(mongo, outside["id"], 3), what="the outside enterprise to be known")

    reviewer = create_account(channels, REVIEW_UNIT, "reviewer")
    reviewed = Firm(uuid.uuid4().hex, "怀化在审企业验证有限公司", "", "", "", "")  # submitted elsewhere
    tasks = [step(reviewed, f"app-{uuid.uuid4().hex[:10]}", unit=REVIEW_UNIT) for _ in range(3)]
    for task in tasks:
        opened = review_pb2.TaskOpened(step=task, due_at="2020-05-15T23:59:59+08:00")
        publish(amqp_uri, envelope("review", "review.task_opened", task.application_id, opened))
    decided = publish(amqp_uri, envelope("review", "review.passed", tasks[0].application_id,
                                         review_pb2.Passed(step=tasks[0], opinion="同意")))
    until(lambda: mongo.zjtx_notification.tasks.count_documents(
        {"_id": {"$in": [t.task_id for t in tasks[1:]]}, "open": True}) == 2, what="two open tasks")
    until(lambda: settled(mongo, decided["id"], 3), what="the decision on the first task")
    assert mongo.zjtx_notification.tasks.find_one({"_id": tasks[0].task_id})["open"] is False

    schedule = [  # (platform clock, draft reminders so far, review reminders so far, days left in the latest)
        ("2020-05-08T12:00:00+08:00", 0, 0, None),   # 7 days 12 hours before the close: too early
        ("2020-05-09T09:00:00+08:00", 1, 1, 7),      # inside the last 7 days
        ("2020-05-11T09:00:00+08:00", 1, 1, None),   # still the 7-day step: nothing new
        ("2020-05-13T09:00:00+08:00", 2, 2, 3),
        ("2020-05-15T09:00:00+08:00", 3, 3, 1),
        ("2020-05-15T23:00:00+08:00", 3, 3, None),
        ("2020-05-16T09:00:00+08:00", 3, 3, None),   # closed: no more
    ]
    for setting, drafts, reviews, days_left in schedule:
        settle_clock(mongo, clock, setting)
        assert len(reminder_deliveries(mongo, drafting.recipient, "reminder.draft", "email")) == drafts, setting
        assert len(reminder_deliveries(mongo, f"account:{reviewer.account_id}", "reminder.review", "email")) == reviews
        until(lambda d=drafts: len(smtp_sink.to(drafting.email, "申报提醒")) == d, what=f"{drafts} reminders by {setting}")
        until(lambda r=reviews: len(smtp_sink.to(reviewer.email, "审核提醒")) == r, what=f"{reviews} review reminders")
        if days_left is not None:
            latest = smtp_sink.to(drafting.email, "申报提醒")[-1]
            assert latest.subject == f"【申报提醒】{title}还有{days_left}天截止"
            assert f"申报窗口将于2020年5月15日 23:59关闭（还有{days_left}天），{drafting.name}尚未提交申报" in latest.body
            review_mail = smtp_sink.to(reviewer.email, "审核提醒")[-1]
            open_tasks = mongo.zjtx_notification.tasks.count_documents(
                {"programme_id": PROGRAMME, "unit_id": REVIEW_UNIT, "open": True})
            assert review_mail.subject == f"【审核提醒】{title}审核还有{days_left}天截止，{open_tasks}份申报待审核"
            assert f"审核截止时间为2020年5月15日 23:59（还有{days_left}天）" in review_mail.body

    assert len(sms_sink.to(drafting.mobile, "尚未提交")) == 3
    inbox = mongo.zjtx_notification.inbox.count_documents({"recipient": drafting.recipient,
                                                           "event_type": "reminder.draft"})
    assert inbox == 3
    assert mongo.zjtx_notification.inbox.count_documents({"recipient": f"unit:{REVIEW_UNIT}",
                                                          "event_type": "reminder.review"}) == 3
    assert reminder_deliveries(mongo, done.recipient, "reminder.draft", "email") == [], "it has submitted"
    assert smtp_sink.to(done.email, "申报提醒") == []
    assert reminder_deliveries(mongo, elsewhere.recipient, "reminder.draft", "inbox") == [], "outside the region"
    assert smtp_sink.to(elsewhere.email, "申报提醒") == []
    keys = [r["_id"] for r in mongo.zjtx_notification.reminders.find({"target": drafting.id})]
    assert sorted(int(k.rsplit(":", 1)[1]) for k in keys) == [1, 3, 7]
    assert isinstance(checker_state(mongo)["clock"], datetime)
