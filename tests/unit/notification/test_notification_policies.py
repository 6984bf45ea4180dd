"""Delivery states and back-off, preferences, reminder steps and access rules."""

from __future__ import annotations

import email
import email.policy
from datetime import datetime, timedelta, timezone

import pytest

from notification.channels import (
    ChannelError,
    EmailChannel,
    SmsChannel,
    SmsSettings,
    SmtpSettings,
    build_email,
    configured_channels,
)
from notification.rules.access import check_recipient, check_staff, may_read
from notification.rules.deliveries import (
    FAILED,
    PENDING,
    RETRYING,
    SENT,
    SKIPPED,
    Initial,
    RetryPolicy,
    after_failure,
    check_filter,
    check_retryable,
    initial_state,
)
from notification.rules.preferences import apply_settings, deployment_channels, effective
from notification.rules.reminders import ReminderConfigError, draft_key, due_step, parse_steps
from zjtx.config import ConfigError
from zjtx.errors import DomainError

CLOSE = datetime(2020, 5, 15, 15, 59, 59, tzinfo=timezone.utc)
OPEN = datetime(2020, 3, 29, 16, tzinfo=timezone.utc)


# -- deliveries ------------------------------------------------------------------------


def test_back_off_doubles_up_to_the_cap_and_fails_after_the_last_attempt() -> None:
    policy = RetryPolicy(max_attempts=4, base_seconds=30, max_seconds=100)
    assert [policy.delay(n) for n in (1, 2, 3, 4)] == [30, 60, 100, 100]
    assert after_failure(1, policy).state == RETRYING and after_failure(1, policy).delay == 30
    assert after_failure(3, policy).state == RETRYING
    assert after_failure(4, policy).state == FAILED and after_failure(4, policy).delay is None
    with pytest.raises(ValueError):
        RetryPolicy(max_attempts=0)


def test_new_deliveries_start_by_channel_address_and_preference() -> None:
    assert initial_state("inbox", "", True).state == SENT
    assert initial_state("email", "a@b.cn", True).state == PENDING
    assert initial_state("sms", "", True) == Initial(SKIPPED, "no_address")
    assert initial_state("email", "a@b.cn", False).skip_reason == "preference"


def test_only_a_failed_delivery_is_retried_by_an_operator() -> None:
    check_retryable("d1", FAILED)
    with pytest.raises(DomainError) as error:
        check_retryable("d1", SENT)
    assert error.value.kind == "precondition" and "只有失败（failed）的投递可以重试" in error.value.message
    with pytest.raises(DomainError) as bad:
        check_filter("lost", "fax", ("inbox", "email", "sms"))
    assert {v.field for v in bad.value.violations} == {"state", "channel"}


# -- preferences -----------------------------------------------------------------------


def test_preferences_default_on_and_change_only_what_is_given() -> None:
    assert effective(None) == {"inbox": True, "email": True, "sms": True}
    assert apply_settings({"email": False}, [("sms", False)]) == {"inbox": True, "email": False, "sms": False}
    with pytest.raises(DomainError) as error:
        apply_settings({}, [("wechat", True), ("fax", False)])
    assert [v.field for v in error.value.violations] == ["settings[0].channel", "settings[1].channel"]
    with pytest.raises(DomainError):
        apply_settings({}, [])
    assert deployment_channels({"inbox": True, "email": "false", "sms": "on"}) == ("inbox", "sms")


# -- reminders -------------------------------------------------------------------------


def test_steps_come_from_config_as_a_list_or_text() -> None:
    assert parse_steps([7, 3, 1]) == (7, 3, 1)
    assert parse_steps("1, 3,7") == (7, 3, 1)
    assert parse_steps("") == ()
    with pytest.raises(ReminderConfigError, match="whole number"):
        parse_steps("7, soon")
    with pytest.raises(ReminderConfigError, match="at least 1 day"):
        parse_steps([0])


@pytest.mark.parametrize(("now", "step"), [
    (CLOSE - timedelta(days=7, seconds=1), None),     # just before the 7-day step
    (CLOSE - timedelta(days=7), 7),                   # the 7-day step's moment itself
    (CLOSE - timedelta(days=4), 7),
    (CLOSE - timedelta(days=2, hours=12), 3),         # the clock jumped over 7: only the urgent one
    (CLOSE - timedelta(hours=1), 1),
    (CLOSE, 1),                                       # the last accepted second
    (CLOSE + timedelta(seconds=1), None),             # closed
])
def test_the_due_step_is_the_most_urgent_one_passed(now: datetime, step: int | None) -> None:
    assert due_step(now, CLOSE, (7, 3, 1), OPEN) == step


def test_nothing_is_due_before_the_window_opens() -> None:
    assert due_step(OPEN - timedelta(days=1), OPEN + timedelta(days=2), (7, 3, 1), OPEN) is None


def test_a_reminder_key_names_target_deadline_and_step() -> None:
    assert draft_key("p", "e1", CLOSE, 3) == "draft:p:e1:2020-05-15T15:59:59.000Z:3"


# -- access ----------------------------------------------------------------------------


def owner_of(programme_id: str) -> str | None:
    return {"hunan-2020-little-giant": "unit-430000"}.get(programme_id)


@pytest.mark.parametrize(("role", "subject", "unit", "enterprise", "recipient", "allowed"), [
    ("enterprise", "u1", "", "e1", "enterprise:e1", True),
    ("enterprise", "u1", "", "e1", "enterprise:e2", False),
    ("enterprise", "u1", "", "", "enterprise:", False),
    ("reviewer", "r1", "unit-430400", "", "unit:unit-430400", True),
    ("reviewer", "r1", "unit-430400", "", "unit:unit-430100", False),
    ("reviewer", "r1", "unit-430400", "", "account:r1", True),
    ("reviewer", "r1", "unit-430000", "", "admin:hunan-2020-little-giant", False),
    ("admin", "a1", "unit-430000", "", "admin:hunan-2020-little-giant", True),
    ("admin", "a1", "unit-430100", "", "admin:hunan-2020-little-giant", False),
    ("admin", "a1", "unit-430000", "", "admin:unknown", False),
    ("operations", "o1", "", "", "enterprise:e9", True),
    ("system", "", "", "", "unit:unit-430400", True),
    ("visitor", "", "", "", "enterprise:e1", False),
])
def test_who_may_read_an_inbox(role: str, subject: str, unit: str, enterprise: str, recipient: str,
                               allowed: bool) -> None:
    assert may_read(role, subject, unit, enterprise, recipient, owner_of) is allowed


def test_recipients_and_staff_are_checked() -> None:
    assert check_recipient(" enterprise:abc ") == "enterprise:abc"
    with pytest.raises(DomainError) as error:
        check_recipient("bob")
    assert error.value.code == "recipient.invalid" and error.value.violations[0].field == "recipient"
    check_staff("operations")
    with pytest.raises(DomainError) as refused:
        check_staff("admin")
    assert refused.value.kind == "forbidden"


# -- channels ------------------------------------------------------------------------------


def test_an_email_carries_the_delivery_id_and_a_chinese_subject() -> None:
    message = build_email({"_id": "d1", "title": "【申报已提交】小巨人", "name": "张三", "address": "a@b.cn",
                           "body": "张三，您好：\n正文"}, "平台 <noreply@zjtx.cn>")
    received = email.message_from_bytes(message.as_bytes(), policy=email.policy.default)  # as a server reads it
    assert received["Message-ID"] == "<d1@zjtx.cn>" and received["X-ZJTX-Delivery"] == "d1"
    assert (received["Subject"], received["From"]) == ("【申报已提交】小巨人", "平台 <noreply@zjtx.cn>")
    assert (received["To"].addresses[0].display_name, received["To"].addresses[0].addr_spec) == ("张三", "a@b.cn")
    assert received.get_content().startswith("张三，您好")


def test_channels_without_a_server_are_off_and_bad_settings_refused() -> None:
    assert configured_channels({}) == {}
    on = configured_channels({"SMTP_HOST": "127.0.0.1", "SMS_GATEWAY_URL": "http://127.0.0.1:1/sms"})
    assert set(on) == {"email", "sms"}
    assert configured_channels({"SMTP_HOST": "h", "EMAIL_ENABLED": "false"}) == {}
    assert SmtpSettings.from_config({"SMTP_HOST": "h", "SMTP_SECURITY": "ssl"}).port == 465
    with pytest.raises(ConfigError, match="SMTP_SECURITY"):
        configured_channels({"SMTP_HOST": "h", "SMTP_SECURITY": "tls1"})
    with pytest.raises(ConfigError, match="MAIL_FROM"):
        configured_channels({"SMTP_HOST": "h", "MAIL_FROM": "nobody"})


def test_an_unreachable_smtp_server_is_reported_as_such() -> None:
    channel = EmailChannel(SmtpSettings(host="127.0.0.1", port=1, timeout=2))
    with pytest.raises(ChannelError) as error:
        channel.send({"_id": "d", "title": "t", "address": "a@b.cn", "body": "b"})
    assert error.value.unreachable and "unreachable" in str(error.value)


def test_the_sms_gateways_proxy_is_read_from_the_environment_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.gov.example:3128")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    through = SmsChannel(SmsSettings(url="https://sms.example.cn/send")).session
    direct = SmsChannel(SmsSettings(url="http://127.0.0.1:8099/sms")).session
    assert through.proxies["https"] == "http://proxy.gov.example:3128" and "https" not in direct.proxies
    assert not through.trust_env  # not looked up again (nor ~/.netrc) on every message
