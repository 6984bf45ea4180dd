"""gateway.rules.problems: each kind of domain error has its HTTP status and one JSON body."""

from __future__ import annotations

import pytest

from gateway.rules.problems import STATUS, body_of, gateway_error, status_of
from zjtx.errors import DomainError, Violation


@pytest.mark.parametrize("kind, status", [
    ("invalid", 400), ("unauthenticated", 401), ("forbidden", 403), ("not_found", 404), ("method", 405),
    ("conflict", 409), ("already_exists", 409), ("precondition", 409), ("too_large", 413), ("media_type", 415),
    ("locked", 429), ("throttled", 429), ("upstream", 502), ("unavailable", 503), ("timeout", 504),
])
def test_each_kind_has_its_status(kind: str, status: int) -> None:
    assert status_of(DomainError("x.y", "消息", [], kind)) == status


def test_every_declared_kind_is_covered_above() -> None:
    assert len(STATUS) == 15


def test_a_locked_account_is_429_whatever_its_kind() -> None:
    assert status_of(DomainError("account.locked", "账号已锁定", [], "forbidden")) == 429


def test_an_unknown_kind_is_a_bad_request() -> None:
    assert status_of(DomainError("x.y", "消息", [], "mystery")) == 400


def test_the_body_carries_code_message_and_every_violation() -> None:
    error = DomainError("enterprise.invalid", "企业信息有2处需要修改", [
        Violation("uscc", "check", "校验码错误"), Violation("contact.mobile", "mobile", "手机号无效")], "invalid")
    assert body_of(error) == {
        "code": "enterprise.invalid", "message": "企业信息有2处需要修改",
        "violations": [{"field": "uscc", "code": "check", "message": "校验码错误"},
                       {"field": "contact.mobile", "code": "mobile", "message": "手机号无效"}]}


def test_a_gateway_error_has_no_violations() -> None:
    error = gateway_error("request.too_large", "请求内容过大", "too_large")
    assert (error.code, error.kind, error.violations, status_of(error)) == ("request.too_large", "too_large", [], 413)
    assert body_of(error)["violations"] == []
