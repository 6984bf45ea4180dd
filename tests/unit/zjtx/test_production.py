"""Production mode's secret checks (zjtx.production), rule by rule, without starting a process."""

from __future__ import annotations

import pytest

from zjtx import production

GOOD = {"REVIEW_AMQP_URI": "amqp://zjtx-review:pw@broker:5672/hunan", "MONGO_URI": "mongodb://review:pw@db/",
        "ZJTX_PKI_DIR": "/pki", "ZJTX_MODE": "production", "ZJTX_FIELD_KEY": "00" * 32}


def variables(component: str, config: dict[str, str], env: dict[str, str]) -> list[str]:
    return [m.variable for m in production.missing_secrets(component, config, env)]


def test_development_is_the_default_and_checks_nothing() -> None:
    assert production.check("review", {}, {}) == "development"


def test_an_unknown_mode_is_refused_naming_the_accepted_ones() -> None:
    with pytest.raises(production.SecretsMissing, match=r"ZJTX_MODE='prod'; accepted: development, production"):
        production.mode({"ZJTX_MODE": "prod"})
    with pytest.raises(production.SecretsMissing, match=r"GATEWAY_MODE='live'"):
        production.mode({}, override="live", override_name="GATEWAY_MODE")


def test_a_service_with_every_secret_starts() -> None:
    assert production.check("review", {}, GOOD) == "production"


@pytest.mark.parametrize(("change", "variable"), [
    ({"REVIEW_AMQP_URI": ""}, "REVIEW_AMQP_URI (or AMQP_URI)"),
    ({"REVIEW_AMQP_URI": "amqp://guest:guest@broker:5672/"}, "REVIEW_AMQP_URI (or AMQP_URI)"),
    ({"REVIEW_AMQP_URI": "amqp://zjtx-review@broker:5672/"}, "REVIEW_AMQP_URI (or AMQP_URI)"),
    ({"MONGO_URI": ""}, "MONGO_URI"),
    ({"MONGO_URI": "mongodb://db:27017/"}, "MONGO_URI"),
    ({"ZJTX_PKI_DIR": ""}, "ZJTX_PKI_DIR"),
    ({"ZJTX_FIELD_KEY": ""}, "ZJTX_FIELD_KEY (or ZJTX_FIELD_KEY_FILE)"),  # issue 25: personal fields sealed
])
def test_each_missing_secret_is_named(change: dict[str, str], variable: str) -> None:
    assert variables("review", {}, {**GOOD, **change}) == [variable]


def test_x509_database_authentication_needs_no_password() -> None:
    assert variables("review", {}, {**GOOD, "MONGO_URI": "mongodb://db/?authMechanism=MONGODB-X509&tls=true"}) == []


def test_the_gateway_needs_its_management_account_not_guest() -> None:
    env = {"MONGO_URI": "mongodb://gw:pw@db/", "ZJTX_PKI_DIR": "/pki"}
    assert variables("gateway", {"RABBIT_MANAGEMENT_URI": "http://guest:guest@rabbitmq:15672"}, env) == [
        "RABBIT_MANAGEMENT_URI"]
    assert variables("gateway", {"RABBIT_MANAGEMENT_URI": "http://monitor:pw@rabbitmq:15672"}, env) == []


def test_notification_channels_need_their_credentials_only_when_on() -> None:
    env = {**GOOD, "NOTIFICATION_AMQP_URI": "amqp://zjtx-notification:pw@broker/"}
    assert variables("notification", {}, env) == []
    assert variables("notification", {"SMTP_HOST": "smtp.example.cn", "SMTP_USER": "zjtx"}, env) == ["SMTP_PASSWORD"]
    assert variables("notification", {"SMS_GATEWAY_URL": "https://sms.example.cn"}, env) == ["SMS_GATEWAY_TOKEN"]
