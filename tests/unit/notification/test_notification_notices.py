"""Who hears what, and the values the messages are rendered with."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from kernel.divisions import region_prefix
from kernel.programme import ProgrammeModel, Window
from notification.rules import builders
from notification.rules.catalogue import AUDIENCE, FIELDS
from notification.rules.notices import (
    Account,
    Contact,
    admin_targets,
    checked_fields,
    days_left,
    enterprise_targets,
    fmt_time,
    format_reasons,
    unit_targets,
)
from zjtx_api import registration_pb2, review_pb2

HUNAN = ProgrammeModel(
    id="hunan-2020-little-giant", version=1, title="2020年湖南省“专精特新”小巨人企业培育认定", level="province",
    owner="430000", owner_name="湖南省工业和信息化厅", window=Window(
        opens_at=datetime(2020, 3, 29, 16, tzinfo=timezone.utc),
        closes_at=datetime(2020, 5, 15, 15, 59, 59, tzinfo=timezone.utc),
        review_closes_at=datetime(2020, 5, 15, 15, 59, 59, tzinfo=timezone.utc)), max_return_rounds=2,
    level_titles={1: "市州、省财政直管县市工信部门审核", 2: "省工信厅择优认定"})


def test_times_are_shown_in_beijing_time() -> None:
    assert fmt_time("2020-05-15T15:59:59Z") == "2020年5月15日 23:59"
    assert fmt_time("2020-05-15T23:59:59+08:00") == "2020年5月15日 23:59"
    assert fmt_time("") == "（未定）"


def test_days_left_round_up() -> None:
    deadline = HUNAN.closes_at
    assert days_left(datetime(2020, 5, 15, 1, tzinfo=timezone.utc), deadline) == 1
    assert days_left(datetime(2020, 5, 9, 1, tzinfo=timezone.utc), deadline) == 7
    assert days_left(datetime(2020, 5, 16, 1, tzinfo=timezone.utc), deadline) == 0


def test_reasons_are_listed_per_section_and_attachment_in_the_reviewers_order() -> None:
    text = format_reasons([
        ("section", "economy", "经济效益", "收入与报表不一致"),
        ("attachment", "financial_statements", "财务报表", "缺少2019年审计报告"),
        ("section", "economy", "经济效益", "研发占比有误"),
        ("pledge", "", "", "未签字盖章"),
    ])
    assert text.splitlines() == [
        "1. 【栏目】经济效益：收入与报表不一致；研发占比有误",
        "2. 【附件】财务报表：缺少2019年审计报告",
        "3. 【真实性承诺】真实性承诺：未签字盖章",
    ]
    assert "联系审核单位" in format_reasons([])


def test_region_prefix_and_coverage() -> None:
    assert region_prefix("430000") == "43"
    assert region_prefix("430400") == "4304"
    assert region_prefix("430481") == "430481"
    assert HUNAN.covers_region("431302") and not HUNAN.covers_region("110101")


def test_an_enterprise_is_addressed_on_every_channel_through_its_contact() -> None:
    targets = enterprise_targets("e1", "甲公司", Contact("张三", "13900000000", "a@b.cn"))
    assert [(t.recipient, t.channel, t.address, t.name) for t in targets] == [
        ("enterprise:e1", "inbox", "", "甲公司"), ("enterprise:e1", "email", "a@b.cn", "张三"),
        ("enterprise:e1", "sms", "13900000000", "张三")]


def test_a_units_reviewers_share_its_inbox_and_each_gets_email_and_sms() -> None:
    accounts = [Account("r1", "赵六", "z@gov.cn", "13600000000", "reviewer"), Account("a1", "钱七", "q@gov.cn", "", "admin")]
    targets = unit_targets("unit-430400", "衡阳市工业和信息化局", accounts)
    assert [(t.recipient, t.channel) for t in targets] == [
        ("unit:unit-430400", "inbox"), ("account:r1", "email"), ("account:r1", "sms")]
    admins = admin_targets(HUNAN, accounts)
    assert [(t.recipient, t.channel, t.address) for t in admins] == [
        ("admin:hunan-2020-little-giant", "inbox", ""), ("account:a1", "email", "q@gov.cn"), ("account:a1", "sms", "")]
    assert AUDIENCE["review.task_opened"] == "unit" and AUDIENCE["review.summary_uploaded"] == "admins"


def test_builders_give_exactly_the_declared_fields() -> None:
    snapshot = registration_pb2.ApplicationSnapshot(
        application_id="a1", programme_id=HUNAN.id, submitted_at="2020-05-01T02:00:00Z", content_hash="ab",
        enterprise=registration_pb2.EnterpriseSnapshot(enterprise_id="e1", name="甲公司"))
    step = review_pb2.ReviewStep(application_id="a1", level=1, unit_name="娄底市工业和信息化局", enterprise_name="甲公司")
    now = datetime(2020, 5, 9, 1, tzinfo=timezone.utc)
    built = {
        "enterprise.registered": builders.registered(registration_pb2.EnterpriseRegistered(name="甲", uscc="9")),
        "application.submitted": builders.submitted(snapshot, HUNAN),
        "application.resubmitted": builders.resubmitted(
            registration_pb2.ApplicationResubmitted(application=snapshot, round=1), HUNAN),
        "application.withdrawn": builders.withdrawn(registration_pb2.ApplicationWithdrawn(application_id="a1"), HUNAN, "甲"),
        "review.task_opened": builders.task_opened(review_pb2.TaskOpened(step=step), HUNAN),
        "review.passed": builders.passed(review_pb2.Passed(step=step, next_level=2), HUNAN),
        "review.returned": builders.returned(review_pb2.Returned(step=step), HUNAN),
        "review.rejected": builders.rejected(review_pb2.Rejected(step=step), HUNAN),
        "review.recommended": builders.recommended(review_pb2.Recommended(step=step), HUNAN),
        "review.summary_uploaded": builders.summary_uploaded(review_pb2.SummaryUploaded(application_ids=["a"]), HUNAN),
        "review.recommendations_complete": builders.recommendations_complete(
            review_pb2.RecommendationsComplete(recommended=3, unit_ids=["u"]), HUNAN),
        "review.publicity_opened": builders.publicity_opened(review_pb2.PublicityOpened(), HUNAN, "a1", "甲"),
        "review.recognised": builders.recognition(review_pb2.Recognition(recognised=True, rank=3), HUNAN),
        "review.not_recognised": builders.recognition(review_pb2.Recognition(recognised=False), HUNAN),
        "review.expired": builders.recognition(review_pb2.Recognition(reason="逾期"), HUNAN, "review.expired"),
        "account.reset_code": builders.account_code("123456", "2020-06-10T09:10:00+08:00", "李四"),
        "review.recognition_amended": builders.recognition_amended(review_pb2.RecognitionAmended(
            list_version=2, reason="核查发现数据不实", at="2020-06-10T09:00:00+08:00"),
            review_pb2.Recognition(application_id="a1"), HUNAN, "甲公司"),
        "application.expired": builders.draft_expired(registration_pb2.ApplicationExpired(
            application_id="a1", expired_at="2020-06-05T09:00:00+08:00"), HUNAN, "甲公司"),
        "programme.extended": builders.programme_extended(review_pb2.ProgrammeAmended(
            closes_at="2020-05-31T23:59:59+08:00", previous_closes_at="2020-05-15T23:59:59+08:00"), HUNAN, "甲公司"),
        "programme.review_extended": builders.programme_review_extended(review_pb2.ProgrammeAmended(
            closes_at="2020-05-31T23:59:59+08:00", review_closes_at="2020-06-05T23:59:59+08:00",
            previous_review_closes_at="2020-05-15T23:59:59+08:00"), HUNAN, "衡阳市工业和信息化局"),
        "reminder.draft": builders.draft_reminder(HUNAN, "甲", now),
        "reminder.review": builders.review_reminder(HUNAN, "娄底", 2, HUNAN.review_closes_at, now),
        "reminder.report": builders.report_reminder(HUNAN, "甲", "2021年第1季度", HUNAN.review_closes_at, now),
    }
    assert set(built) == set(FIELDS)
    for kind, fields in built.items():
        assert set(fields) == set(FIELDS[kind]) and all(isinstance(v, str) for v in fields.values()), kind
    assert built["application.submitted"]["submitted_at"] == "2020年5月1日 10:00"
    assert built["review.passed"]["next_step"] == "申报材料已转入第2级审核（省工信厅择优认定）"
    assert built["review.returned"]["max_rounds"] == "2", "the programme's bound when the event has none"
    assert built["review.rejected"]["reason"].startswith("（审核单位未填写理由")
    assert built["reminder.draft"]["days_left"] == "7"


def test_a_builder_that_forgets_a_field_is_a_bug() -> None:
    with pytest.raises(ValueError, match="review.rejected"):
        checked_fields("review.rejected", {"reason": "x"})


def test_a_name_left_out_of_an_event_never_leaves_a_blank() -> None:
    assert builders.registered(registration_pb2.EnterpriseRegistered())["enterprise_name"] == "贵企业"
    opened = builders.task_opened(review_pb2.TaskOpened(step=review_pb2.ReviewStep(level=1)), HUNAN)
    assert opened["unit_name"] == "审核单位" and opened["enterprise_name"] == "（企业名称未提供）"
