"""Notification on real parts: events published to the real broker, the service's own
database, a real SMTP server (aiosmtpd) and a real HTTP SMS gateway on loopback.

Covers the issue's tests: a submission gives exactly one e-mail with the right Chinese
text; a return lists the reviewer's reasons section by section; the SMTP server down then
up delivers after a retry, once; the same event delivered twice gives one message. And:
who hears what (enterprise, the unit's reviewers, the programme's admins), failed
deliveries listed and retried by operations with ``notification.failed`` emitted,
preferences, the inbox API and its access rules.
"""

from __future__ import annotations

import re
import sys
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import grpc
import pytest
from notification_support import (
    PROGRAMME,
    UNIT,
    Firm,
    OutcomeListener,
    SmsSink,
    SmtpSink,
    create_account,
    deliveries,
    envelope,
    programme_title,
    publish,
    register,
    settled,
    snapshot,
    step,
    stub_call,
    submit,
    submitted,
    wait_skipped,
)
from pymongo import MongoClient

from harness import rabbit
from harness.clients import domain_error
from harness.wait import until
from notification.channels import EmailChannel, SmtpSettings
from zjtx.crypto import mask_email
from zjtx.grpc_support import Caller
from zjtx.up import Suite
from zjtx_api import notification_pb2 as npb
from zjtx_api import notification_pb2_grpc, registration_pb2, review_pb2

# the reset requests come from an address of their own (the gateway trusts X-Forwarded-For from loopback in
# the tests): the session's contract and fuzz runs have used up loopback's reset allowance by now
OWN_ADDRESS = {"X-Forwarded-For": "198.51.100.77"}

OWNER_UNIT = "unit-430000"    # the programme's owner: its admins hear of summary uploads
OPERATIONS = Caller(subject="ops-1", role="operations")

pytestmark = pytest.mark.usefixtures("notifying")


@pytest.fixture(scope="module")
def notification(channels: dict[str, grpc.Channel]) -> notification_pb2_grpc.NotificationStub:
    return notification_pb2_grpc.NotificationStub(channels["notification"])


@pytest.fixture(scope="module")
def title(channels: dict[str, grpc.Channel]) -> str:
    return programme_title(channels)


# -- the tests ----------------------------------------------------------------------


def test_a_submission_sends_exactly_one_email_with_the_right_chinese_text(
        channels: dict[str, grpc.Channel], amqp_uri: str, mongo: MongoClient, smtp_sink: SmtpSink,
        sms_sink: SmsSink, notification: Any, title: str) -> None:
    firm = register(channels, "娄底精密机械有限公司")
    event = submit(amqp_uri, firm)
    until(lambda: settled(mongo, event["id"], 3), timeout=30, what="the submission's three deliveries")

    mails = smtp_sink.to(firm.email, "申报已提交")
    assert len(mails) == 1
    mail = mails[0]
    assert mail.subject == f"【申报已提交】{title}"
    assert mail.body.startswith("张三，您好：")
    assert f"{firm.name}的“{title}”申报材料已于2020年5月1日 10:00提交成功" in mail.body
    assert f"申报编号：{event['subject']}" in mail.body
    assert "认定部门：湖南省工业和信息化厅" in mail.body
    assert "申报截止时间（2020年5月15日 23:59）" in mail.body
    assert "$" not in mail.body and "{" not in mail.body, "every placeholder was filled"
    assert mail.message["Message-ID"].startswith(f"<{deliveries(mongo, event['id'], 'email')[0]['_id']}@")

    texts = sms_sink.to(firm.mobile, "提交成功")
    assert len(texts) == 1
    assert texts[0]["text"].startswith("【专精特新平台】" + firm.name)
    assert texts[0]["authorization"] == "Bearer test-token"

    inbox = stub_call(notification.ListInbox, npb.ListInboxRequest(recipient=firm.recipient), firm.caller)
    assert [m.title for m in inbox.messages if m.event_type == "application.submitted"] == [f"申报已提交：{title}"]


def test_a_return_lists_the_reviewers_reasons_section_by_section(
        channels: dict[str, grpc.Channel], amqp_uri: str, mongo: MongoClient, smtp_sink: SmtpSink,
        sms_sink: SmsSink, title: str) -> None:
    firm = register(channels, "娄底退回测试材料有限公司")
    application_id = submitted(amqp_uri, mongo, firm)
    returned = review_pb2.Returned(step=step(firm, application_id), round=1, max_rounds=2,
                                   resubmit_by="2020-05-15T23:59:59+08:00", reasons=[
        review_pb2.ReturnReason(target_kind="section", target="economy", target_title="经济效益",
                                reason="2019年主营业务收入与财务报表不一致"),
        review_pb2.ReturnReason(target_kind="attachment", target="financial_statements", target_title="财务报表",
                                reason="缺少2019年度审计报告"),
        review_pb2.ReturnReason(target_kind="section", target="economy", target_title="经济效益",
                                reason="研发投入占比计算有误"),
    ])
    event = publish(amqp_uri, envelope("review", "review.returned", application_id, returned))
    until(lambda: settled(mongo, event["id"], 3), timeout=30, what="the return's deliveries")

    mails = smtp_sink.to(firm.email, "退回修改")
    assert len(mails) == 1
    body = mails[0].body
    assert mails[0].subject == f"【退回修改】{title}（请按审核意见修改后重新提交）"
    assert "经娄底市工业和信息化局审核" in body and "审核意见共2项" in body
    assert "1. 【栏目】经济效益：2019年主营业务收入与财务报表不一致；研发投入占比计算有误" in body
    assert "2. 【附件】财务报表：缺少2019年度审计报告" in body
    assert "这是第1次退回修改（本批次最多可退回2次）" in body
    assert "请于2020年5月15日 23:59前登录" in body
    assert len(sms_sink.to(firm.mobile, "退回修改（2项意见）")) == 1


def test_the_same_event_delivered_twice_gives_one_message(
        channels: dict[str, grpc.Channel], amqp_uri: str, mongo: MongoClient, suite: Suite, smtp_sink: SmtpSink,
        sms_sink: SmsSink, notification: Any) -> None:
    firm = register(channels, "娄底重复投递验证有限公司")
    event = submit(amqp_uri, firm)
    publish(amqp_uri, event)  # the broker redelivers, or a producer re-publishes after a crash
    wait_skipped(suite, event["id"])
    until(lambda: settled(mongo, event["id"], 3), timeout=30, what="the deliveries of the event")

    assert len(smtp_sink.to(firm.email, "申报已提交")) == 1
    assert len(sms_sink.to(firm.mobile, "提交成功")) == 1
    assert len(deliveries(mongo, event["id"])) == 3
    inbox = stub_call(notification.ListInbox, npb.ListInboxRequest(recipient=firm.recipient), firm.caller)
    assert sum(m.event_type == "application.submitted" for m in inbox.messages) == 1


def test_smtp_down_then_up_delivers_after_a_retry_once(
        channels: dict[str, grpc.Channel], amqp_uri: str, mongo: MongoClient, smtp_sink: SmtpSink,
        sms_sink: SmsSink, outcomes: OutcomeListener) -> None:
    firm = register(channels, "娄底邮件重试验证有限公司")
    until(lambda: smtp_sink.to(firm.email, "注册成功"), what="the registration e-mail")
    smtp_sink.stop()
    sms_sink.status = 503
    try:
        event = submit(amqp_uri, firm)
        email_delivery = until(lambda: [d for d in deliveries(mongo, event["id"], "email")
                                        if d["state"] == "retrying" and d["attempts"] >= 1],
                               timeout=30, what="a failed first e-mail attempt")[0]
        assert "unreachable" in email_delivery["last_error"]
        until(lambda: [d for d in deliveries(mongo, event["id"], "sms") if d["state"] == "retrying"],
              timeout=30, what="a failed first SMS attempt")
        assert smtp_sink.to(firm.email, "申报已提交") == []
    finally:
        smtp_sink.start()
        sms_sink.status = 200
    until(lambda: smtp_sink.to(firm.email, "申报已提交"), timeout=30, what="the e-mail after the retry")
    done = {d["channel"]: d for d in until(lambda: settled(mongo, event["id"], 3), timeout=30, what="all sent")}
    assert done["email"]["state"] == "sent" and done["email"]["total_attempts"] >= 2
    assert done["sms"]["state"] == "sent" and done["sms"]["total_attempts"] >= 2
    assert len(smtp_sink.to(firm.email, "申报已提交")) == 1
    assert len(sms_sink.to(firm.mobile, "提交成功")) == 1

    delivered = until(lambda: [e for e in outcomes.drain() if e["type"] == "notification.delivered"
                               and e["data"]["delivery_id"] == done["email"]["_id"]], what="notification.delivered")
    assert delivered[0]["data"]["attempts"] >= 2 and delivered[0]["subject"] == event["subject"]


def test_a_channel_failing_every_attempt_is_failed_listed_for_operations_and_retried(
        channels: dict[str, grpc.Channel], amqp_uri: str, mongo: MongoClient, smtp_sink: SmtpSink,
        outcomes: OutcomeListener, notification: Any) -> None:
    firm = register(channels, "娄底投递失败验证有限公司")
    until(lambda: smtp_sink.to(firm.email, "注册成功"), what="the registration e-mail")
    smtp_sink.stop()
    try:
        event = submit(amqp_uri, firm)
        failed = until(lambda: [d for d in deliveries(mongo, event["id"], "email") if d["state"] == "failed"],
                       timeout=40, what="the e-mail delivery to fail after DELIVERY_MAX_ATTEMPTS=4")[0]
        assert failed["attempts"] == 4 and len(failed["history"]) == 4
        emitted = until(lambda: [e for e in outcomes.drain() if e["type"] == "notification.failed"
                                 and e["data"]["delivery_id"] == failed["_id"]], what="notification.failed")
        assert emitted[0]["data"]["channel"] == "email" and "unreachable" in emitted[0]["data"]["error"]

        listed = stub_call(notification.ListDeliveries, npb.ListDeliveriesRequest(
            state="failed", recipient=firm.recipient), OPERATIONS)
        assert [d.id for d in listed.deliveries] == [failed["_id"]] and listed.total == 1
        # operations see the address masked, never in full (PIPL; docs/personal-data.md)
        assert listed.deliveries[0].address == mask_email(firm.email) != firm.email
        assert listed.deliveries[0].attempts == 4

        with pytest.raises(grpc.RpcError) as refused:
            stub_call(notification.ListDeliveries, npb.ListDeliveriesRequest(state="failed"), firm.caller)
        assert refused.value.code() == grpc.StatusCode.PERMISSION_DENIED
        sent_sms = deliveries(mongo, event["id"], "sms")[0]
        with pytest.raises(grpc.RpcError) as not_failed:
            stub_call(notification.RetryDelivery, npb.RetryDeliveryRequest(delivery_id=sent_sms["_id"]), OPERATIONS)
        assert not_failed.value.code() == grpc.StatusCode.FAILED_PRECONDITION
        assert "只有失败（failed）的投递可以重试" in domain_error(not_failed.value).message
    finally:
        smtp_sink.start()

    retried = stub_call(notification.RetryDelivery, npb.RetryDeliveryRequest(delivery_id=failed["_id"]), OPERATIONS)
    assert retried.state == "pending" and retried.retries == 1
    until(lambda: smtp_sink.to(firm.email, "申报已提交"), timeout=30, what="the e-mail after the operator's retry")
    done = until(lambda: [d for d in deliveries(mongo, event["id"], "email") if d["state"] == "sent"], what="sent")[0]
    assert done["total_attempts"] == 5 and done["retries"] == 1
    assert len(smtp_sink.to(firm.email, "申报已提交")) == 1


def test_a_delivery_left_sending_by_a_dead_sender_is_sent_after_its_lease(mongo: MongoClient,
                                                                         smtp_sink: SmtpSink) -> None:
    """A sender that died mid-send leaves its claim; the lease runs out and another sends it."""
    address = f"{uuid.uuid4().hex[:10]}@example.cn"
    delivery_id = uuid.uuid4().hex
    stale = datetime.now(timezone.utc) - timedelta(seconds=5)
    mongo.zjtx_notification.deliveries.insert_one({
        "_id": delivery_id, "event_id": f"lease-{delivery_id}", "event_type": "application.submitted",
        "kind": "application.submitted", "subject": "app-lease", "recipient": "enterprise:lease", "channel": "email",
        "address": address, "name": "张三", "title": "【申报已提交】租约测试", "body": "正文", "state": "sending",
        "claimed_by": "dead-host:1:abc", "lease_until": stale, "attempts": 0, "total_attempts": 0, "retries": 0,
        "max_attempts": 4, "created_at": stale, "next_attempt_at": stale, "history": [], "seq": 0})
    until(lambda: smtp_sink.to(address), timeout=30, what="the e-mail the dead sender had claimed")
    done = until(lambda: (d := mongo.zjtx_notification.deliveries.find_one({"_id": delivery_id}))["state"] == "sent"
                 and d, what="the delivery recorded as sent")
    assert done["total_attempts"] == 1 and "claimed_by" not in done
    assert len(smtp_sink.to(address)) == 1


# -- who hears what ---------------------------------------------------------------------------


def test_the_reviewers_of_the_unit_hear_of_a_new_task(
        channels: dict[str, grpc.Channel], amqp_uri: str, mongo: MongoClient, smtp_sink: SmtpSink,
        sms_sink: SmsSink, notification: Any, title: str) -> None:
    reviewer = create_account(channels, UNIT, "reviewer")
    admin = create_account(channels, UNIT, "admin")
    firm = Firm(uuid.uuid4().hex, "娄底待审任务验证有限公司", "", "", "", "")  # task_opened names the enterprise
    application_id = f"app-{uuid.uuid4().hex[:12]}"
    opened = review_pb2.TaskOpened(step=step(firm, application_id), due_at="2020-05-15T23:59:59+08:00", round=0)
    event = publish(amqp_uri, envelope("review", "review.task_opened", application_id, opened))

    sent = until(lambda: [d for d in deliveries(mongo, event["id"]) if d["address"] == reviewer.email
                          and d["state"] == "sent"], timeout=30, what="the reviewer's e-mail delivery")[0]
    mail = until(lambda: [m for m in smtp_sink.to(reviewer.email)
                          if m.message["Message-ID"].startswith(f"<{sent['_id']}@")], what="the e-mail")[0]
    assert mail.subject == f"【待审核·首次审核】{firm.name}（{title}）"
    assert f"{reviewer.name}，您好" in mail.body and "审核截止：2020年5月15日 23:59" in mail.body
    assert "（首次审核）" in mail.body and "审核环节：第1级" in mail.body
    until(lambda: sms_sink.to(reviewer.mobile, firm.name), what="the reviewer's SMS")
    assert not [d for d in deliveries(mongo, event["id"]) if d["address"] in (admin.email, admin.mobile)], \
        "the unit's admin is not a reviewer of the task"

    reviewer_caller = Caller(subject=reviewer.account_id, role="reviewer", unit=UNIT)
    inbox = stub_call(notification.ListInbox, npb.ListInboxRequest(recipient=f"unit:{UNIT}"), reviewer_caller)
    assert any(m.subject == application_id and m.event_type == "review.task_opened" for m in inbox.messages)
    assert mongo.zjtx_notification.tasks.find_one({"_id": opened.step.task_id})["open"] is True
    other = Caller(subject="rev-x", role="reviewer", unit="unit-430100")
    with pytest.raises(grpc.RpcError) as refused:
        stub_call(notification.ListInbox, npb.ListInboxRequest(recipient=f"unit:{UNIT}"), other)
    assert refused.value.code() == grpc.StatusCode.PERMISSION_DENIED


def test_the_programme_admins_hear_of_summary_uploads_and_completed_recommendations(
        channels: dict[str, grpc.Channel], amqp_uri: str, smtp_sink: SmtpSink, notification: Any, title: str) -> None:
    admin = create_account(channels, OWNER_UNIT, "admin")
    uploaded = review_pb2.SummaryUploaded(programme_id=PROGRAMME, unit_id=UNIT, unit_name="娄底市工业和信息化局",
                                          level=1, application_ids=["a1", "a2", "a3"], at="2020-05-14T08:00:00Z")
    publish(amqp_uri, envelope("review", "review.summary_uploaded", PROGRAMME, uploaded))
    complete = review_pb2.RecommendationsComplete(programme_id=PROGRAMME, recommended=42, unit_ids=["u1", "u2"],
                                                  at="2020-05-16T01:00:00Z")
    publish(amqp_uri, envelope("review", "review.recommendations_complete", PROGRAMME, complete))

    until(lambda: len(smtp_sink.to(admin.email)) == 2, timeout=30, what="the admin's two e-mails")
    summary = smtp_sink.to(admin.email, "推荐汇总表已上传")[0]
    assert summary.subject == f"【推荐汇总表已上传】娄底市工业和信息化局（{title}）"
    assert "推荐企业3家" in summary.body and "2020年5月14日 16:00" in summary.body
    assert "共推荐企业42家" in smtp_sink.to(admin.email, "推荐已全部完成")[0].body

    admin_caller = Caller(subject=admin.account_id, role="admin", unit=OWNER_UNIT)
    inbox = stub_call(notification.ListInbox, npb.ListInboxRequest(recipient=f"admin:{PROGRAMME}"), admin_caller)
    assert {"review.summary_uploaded", "review.recommendations_complete"} <= {m.event_type for m in inbox.messages}
    city_admin = Caller(subject="adm-cs", role="admin", unit="unit-430100")
    with pytest.raises(grpc.RpcError) as refused:
        stub_call(notification.ListInbox, npb.ListInboxRequest(recipient=f"admin:{PROGRAMME}"), city_admin)
    assert refused.value.code() == grpc.StatusCode.PERMISSION_DENIED


def test_the_enterprise_hears_every_step_of_its_application(
        channels: dict[str, grpc.Channel], amqp_uri: str, mongo: MongoClient, smtp_sink: SmtpSink) -> None:
    firm = register(channels, "娄底全流程通知验证有限公司")
    application_id = submitted(amqp_uri, mongo, firm)
    resubmitted = registration_pb2.ApplicationResubmitted(application=snapshot(firm, application_id, 2), round=1)
    recognition = review_pb2.Recognition(application_id=application_id, programme_id=PROGRAMME, enterprise_id=firm.id,
                                         enterprise_name=firm.name, recognised=True, rank=17,
                                         published_at="2020-06-30T02:00:00Z")
    events = [
        ("registration", "application.resubmitted", resubmitted, "修改后已重新提交", "（第1次修改）"),
        ("review", "review.passed", review_pb2.Passed(step=step(firm, application_id), opinion="材料真实完整，同意推荐"),
         "审核通过", "审核意见：材料真实完整，同意推荐"),
        ("review", "review.recommended", review_pb2.Recommended(step=step(firm, application_id), unit_rank=2),
         "已推荐", "本单位推荐顺序第2位"),
        ("review", "review.publicity_opened", review_pb2.PublicityOpened(
            programme_id=PROGRAMME, application_ids=[application_id], opens_at="2020-06-20T00:00:00Z",
            closes_at="2020-06-27T00:00:00Z"), "拟认定名单公示", "公示期为2020年6月20日 08:00至2020年6月27日 08:00"),
        ("review", "review.recognised", recognition, "获得认定", "认定名单排名第17位"),
    ]
    for source, event_type, payload, _, _ in events:
        subject = PROGRAMME if event_type == "review.publicity_opened" else application_id
        publish(amqp_uri, envelope(source, event_type, subject, payload))
    for _, event_type, _, subject_part, body_part in events:
        mails = until(lambda s=subject_part: smtp_sink.to(firm.email, s), timeout=30, what=f"the {event_type} e-mail")
        assert len(mails) == 1 and body_part in mails[0].body, (event_type, mails[0].body)


def test_rejection_and_withdrawal_say_why(channels: dict[str, grpc.Channel], amqp_uri: str, mongo: MongoClient,
                                          smtp_sink: SmtpSink) -> None:
    firm = register(channels, "娄底不予推荐验证有限公司")
    rejected_id = submitted(amqp_uri, mongo, firm)
    publish(amqp_uri, envelope("review", "review.rejected", rejected_id, review_pb2.Rejected(
        step=step(firm, rejected_id), reason="企业未“上云上平台”，不符合申报条件")))
    withdrawn_id = submitted(amqp_uri, mongo, firm)
    publish(amqp_uri, envelope("registration", "application.withdrawn", withdrawn_id, registration_pb2.ApplicationWithdrawn(
        application_id=withdrawn_id, programme_id=PROGRAMME, enterprise_id=firm.id, reason="企业主动撤回",
        withdrawn_at="2020-05-05T01:00:00Z")))
    reason = "理由：企业未“上云上平台”，不符合申报条件"
    until(lambda: [m for m in smtp_sink.to(firm.email, "审核未通过") if reason in m.body], timeout=30,
          what="the rejection e-mail with its reason")
    withdrawn = until(lambda: smtp_sink.to(firm.email, "申报已撤回"), timeout=30, what="the withdrawal e-mail")
    assert "撤回原因：企业主动撤回" in withdrawn[0].body


# -- preferences, inbox, operations -----------------------------------------------------------


def test_a_recipient_can_switch_a_channel_off(channels: dict[str, grpc.Channel], amqp_uri: str, mongo: MongoClient,
                                              sms_sink: SmsSink, smtp_sink: SmtpSink, notification: Any) -> None:
    firm = register(channels, "娄底偏好设置验证有限公司")
    updated = stub_call(notification.SetPreferences, npb.SetPreferencesRequest(
        recipient=firm.recipient, settings=[npb.ChannelSetting(channel="sms", enabled=False)]), firm.caller)
    assert {s.channel: s.enabled for s in updated.settings} == {"inbox": True, "email": True, "sms": False}
    event = submit(amqp_uri, firm)
    found = {d["channel"]: d for d in until(lambda: settled(mongo, event["id"], 3), timeout=30, what="deliveries")}
    assert found["sms"]["state"] == "skipped" and found["sms"]["skip_reason"] == "preference"
    assert found["email"]["state"] == "sent"
    assert sms_sink.to(firm.mobile, "提交成功") == []
    assert len(smtp_sink.to(firm.email, "申报已提交")) == 1

    again = stub_call(notification.GetPreferences, npb.GetPreferencesRequest(recipient=firm.recipient), firm.caller)
    assert {s.channel: s.enabled for s in again.settings}["sms"] is False and again.updated_at
    with pytest.raises(grpc.RpcError) as invalid:
        stub_call(notification.SetPreferences, npb.SetPreferencesRequest(
            recipient=firm.recipient, settings=[npb.ChannelSetting(channel="wechat", enabled=True)]), firm.caller)
    assert invalid.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "渠道“wechat”无效" in domain_error(invalid.value).violations[0].message
    stranger = Caller(subject="u-2", role="enterprise", enterprise_id="someone-else")
    with pytest.raises(grpc.RpcError) as refused:
        stub_call(notification.GetPreferences, npb.GetPreferencesRequest(recipient=firm.recipient), stranger)
    assert refused.value.code() == grpc.StatusCode.PERMISSION_DENIED


def test_inbox_lists_counts_and_marks_read(channels: dict[str, grpc.Channel], amqp_uri: str,
                                           notification: Any) -> None:
    firm = register(channels, "娄底站内信验证有限公司")
    submit(amqp_uri, firm)
    listed = until(lambda: (r := stub_call(notification.ListInbox, npb.ListInboxRequest(recipient=firm.recipient),
                                           firm.caller)).unread == 2 and len(r.messages) == 2 and r,
                   what="two unread inbox messages")  # list and count are two reads: wait until both show them
    assert {m.event_type for m in listed.messages} == {"enterprise.registered", "application.submitted"}
    assert all(not m.read and m.created_at for m in listed.messages)

    first = listed.messages[0].id
    marked = stub_call(notification.MarkRead, npb.MarkReadRequest(recipient=firm.recipient, message_ids=[first]),
                       firm.caller)
    assert (marked.marked, marked.unread) == (1, 1)
    unread = stub_call(notification.ListInbox, npb.ListInboxRequest(recipient=firm.recipient, unread_only=True),
                       firm.caller)
    assert [m.id for m in unread.messages] == [listed.messages[1].id]
    everything = stub_call(notification.MarkRead, npb.MarkReadRequest(recipient=firm.recipient, all=True), firm.caller)
    assert (everything.marked, everything.unread) == (1, 0)
    counted = stub_call(notification.CountUnread, npb.CountUnreadRequest(recipient=firm.recipient), firm.caller)
    assert counted.unread == 0

    with pytest.raises(grpc.RpcError) as unknown:
        stub_call(notification.MarkRead, npb.MarkReadRequest(recipient=firm.recipient, message_ids=["nope"]),
                  firm.caller)
    assert unknown.value.code() == grpc.StatusCode.NOT_FOUND and "nope" in domain_error(unknown.value).message
    with pytest.raises(grpc.RpcError) as nothing:
        stub_call(notification.MarkRead, npb.MarkReadRequest(recipient=firm.recipient), firm.caller)
    assert nothing.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    with pytest.raises(grpc.RpcError) as malformed:
        stub_call(notification.ListInbox, npb.ListInboxRequest(recipient="bob"))
    assert malformed.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert domain_error(malformed.value).violations[0].field == "recipient"


def test_a_payload_that_can_never_be_addressed_is_dead_lettered_at_once(amqp_uri: str, vhost: str,
                                                                        suite: Suite) -> None:
    queue = "evt-registration-application.submitted--notification.on_application_submitted.dead-letter"
    before = rabbit.queue_depth(vhost, queue)
    broken = registration_pb2.ApplicationSubmitted(application=registration_pb2.ApplicationSnapshot(
        programme_id=PROGRAMME))  # no application id, no enterprise
    event = publish(amqp_uri, envelope("registration", "application.submitted", "x", broken))
    until(lambda: rabbit.queue_depth(vhost, queue) == before + 1, what="the dead letter")
    log = (suite.log_dir / "notification.log").read_text()
    assert f"application.submitted {event['id']}: payload lacks application_id, enterprise_id" in log


def test_delivery_stats_count_each_channel(channels: dict[str, grpc.Channel], amqp_uri: str, mongo: MongoClient,
                                           notification: Any) -> None:
    submitted(amqp_uri, mongo, register(channels, "娄底投递统计验证有限公司"))
    stats = stub_call(notification.DeliveryStats, npb.DeliveryStatsRequest(), OPERATIONS)
    counts = {(c.channel, c.state): c.count for c in stats.counts}
    assert counts[("email", "sent")] >= 1 and counts[("sms", "sent")] >= 1 and counts[("inbox", "sent")] >= 1


def test_an_enterprise_resets_its_password_with_a_code_sent_by_sms(notifying: Suite, sms_sink: SmsSink,
                                                                   mongo: MongoClient) -> None:
    """Issue 18: a one-time code asked for at the gateway, sent through notification's real SMS channel:
    not enumerable, throttled, once only, and every earlier session ends."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "gateway"))  # the gateway test client
    from gwclient import Api, ensure_gateway, fresh_uscc

    api = Api(ensure_gateway(notifying))
    enterprise, old_token = api.register_enterprise()
    uscc, mobile = enterprise["uscc"], enterprise["contact"]["mobile"]
    asked = api.post("/api/v1/password-resets", {"uscc": uscc, "channel": "sms"}, headers=OWN_ADDRESS, token="")
    unknown = api.post("/api/v1/password-resets", {"uscc": fresh_uscc(), "channel": "sms"}, headers=OWN_ADDRESS, token="")
    assert asked.status == unknown.status == 202 and asked.body == unknown.body  # not enumerable

    [sms] = until(lambda: sms_sink.to(mobile, "重置"), timeout=60, what="the code by SMS")
    code = re.search(r"验证码(\d{6})", sms["text"]).group(1)  # type: ignore[union-attr]
    again = api.post("/api/v1/password-resets", {"uscc": uscc, "channel": "sms"}, headers=OWN_ADDRESS, token="")
    assert again.status == 202  # within a minute: answered the same, nothing more sent
    recipient = f"enterprise:{enterprise['id']}"
    assert mongo.zjtx_notification.deliveries.count_documents({"kind": "account.reset_code",
                                                               "recipient": recipient}) == 1

    wrong = "000000" if code != "000000" else "111111"
    bad = api.post("/api/v1/password-resets/confirm", {"uscc": uscc, "code": wrong, "new_password": "Xinmima-2099"},
                   headers=OWN_ADDRESS, token="")
    assert (bad.status, bad.code) == (409, "reset.invalid_code")
    done = api.post("/api/v1/password-resets/confirm", {"uscc": uscc, "code": code, "new_password": "Xinmima-2099"},
                    headers=OWN_ADDRESS, token="")
    assert done.status == 204, done.body
    assert api.get("/api/v1/me", token=old_token).code == "token.revoked"  # every earlier session ends
    assert api.get("/api/v1/me", token=api.sign_in_enterprise(uscc, "Xinmima-2099")).status == 200
    replay = api.post("/api/v1/password-resets/confirm", {"uscc": uscc, "code": code, "new_password": "Xinmima-2100"},
                      headers=OWN_ADDRESS, token="")
    assert (replay.status, replay.code) == (409, "reset.invalid_code")  # once only
    stored = mongo.zjtx_gateway.reset_codes.find_one({"_id": f"enterprise:{uscc}"})
    assert code not in str(stored)  # the gateway keeps only an HMAC of the code


def test_the_email_channel_sends_a_batch_over_one_session_and_replaces_one_the_server_closed(
        smtp_sink: SmtpSink) -> None:
    channel = EmailChannel(SmtpSettings(host="127.0.0.1", port=smtp_sink.port, sender="平台 <noreply@zjtx.local>"))
    address = f"batch-{uuid.uuid4().hex[:8]}@example.cn"

    def send(n: int) -> None:
        channel.send({"_id": f"d{n}-{address}", "title": f"第{n}封", "name": "李明", "address": address,
                      "body": "您好"})

    def peers() -> list[tuple[str, int]]:
        return [mail.peer for mail in sorted(smtp_sink.to(address), key=lambda m: m.subject)]

    for n in range(3):
        send(n)
    assert len(set(peers())) == 1  # one connection, greeting and QUIT for the three

    smtp_sink.stop()  # the server goes away and comes back: the kept session is dead
    smtp_sink.start()
    send(3)
    channel.IDLE_SECONDS = 0  # a session idle too long is not reused
    send(4)
    found = peers()
    assert len(found) == 5 and len({found[0], found[3], found[4]}) == 3  # each sent once, on a new session
