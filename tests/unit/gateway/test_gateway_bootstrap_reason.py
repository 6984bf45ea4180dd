"""Issue 21: without ZJTX_BOOTSTRAP_ADMIN_PASSWORD nothing said why signing in as admin failed."""

from __future__ import annotations

import logging
from types import SimpleNamespace
from typing import Any

import pytest

from gateway.bootstrap import Bootstrap

CONFIG = {"BOOTSTRAP_ADMIN_USERNAME": "admin", "BOOTSTRAP_ADMIN_PASSWORD": "", "BOOTSTRAP_ADMIN_UNIT": "unit-430000"}


def bootstrap(config: dict[str, Any], existing: set[str]) -> Bootstrap:
    store = SimpleNamespace(credential_by_login=lambda login: {"login": login} if login in existing else None)
    return Bootstrap(config, SimpleNamespace(store=store), upstreams=None)  # type: ignore[arg-type]


def test_no_password_and_no_account_is_logged_plainly(caplog: pytest.LogCaptureFixture) -> None:
    boot = bootstrap(CONFIG, set())
    with caplog.at_level(logging.WARNING, logger="gateway.bootstrap"):
        boot.run_in_background(give_up_after=0)
        boot.ensure_for("staff:admin")
    messages = [r.getMessage() for r in caplog.records]
    assert len(messages) == 2, messages
    assert all("ZJTX_BOOTSTRAP_ADMIN_PASSWORD is not set" in m and "'admin'" in m
               and "var/bootstrap-admin-password" in m for m in messages)


def test_nothing_is_said_when_the_admin_exists_or_will_be_created(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="gateway.bootstrap"):
        assert bootstrap({**CONFIG, "BOOTSTRAP_ADMIN_PASSWORD": "Secret-2020x"}, set()).missing_admin_reason() == ""
        from gateway.auth import staff_login
        assert bootstrap(CONFIG, {staff_login("admin")}).missing_admin_reason() == ""
        bootstrap(CONFIG, set()).ensure_for("staff:someone-else")
    assert caplog.records == []


def test_a_city_instances_first_admin_belongs_to_the_city() -> None:
    from gateway.bootstrap import admin_unit
    from zjtx.config import load_config

    city = load_config("gateway", "hengyang-city", env={})
    province = load_config("gateway", "hunan-province", env={})
    assert admin_unit(city) == "unit-430400"
    assert admin_unit(province) == "unit-430000"
    assert admin_unit({**city, "BOOTSTRAP_ADMIN_UNIT": "unit-430405"}) == "unit-430405"  # named explicitly
