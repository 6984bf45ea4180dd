"""The browser session's cookies and CSRF binding (services/gateway/websession.py)."""

from __future__ import annotations

import pytest
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from gateway.websession import BrowserSessions
from zjtx.errors import DomainError

KEY = b"k" * 40


def request(method: str = "POST", headers: dict[str, str] | None = None, https: bool = False) -> Request:
    return Request(EnvironBuilder(method=method, path="/api/v1/me/password", headers=headers or {},
                                  base_url="https://zjtx.example.cn" if https else "http://127.0.0.1").get_environ())


def cookies_of(response) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {h.split("=", 1)[0]: h for h in response.headers.getlist("Set-Cookie")}


def test_the_csrf_value_is_bound_to_the_token_and_the_key() -> None:
    sessions = BrowserSessions(KEY)
    assert sessions.csrf_for("token-a") == BrowserSessions(KEY).csrf_for("token-a")
    assert sessions.csrf_for("token-a") != sessions.csrf_for("token-b")
    assert sessions.csrf_for("token-a") != BrowserSessions(b"j" * 40).csrf_for("token-a")


def test_secure_follows_tls_unless_configured() -> None:
    body = {"token": "t0k3n", "token_type": "Bearer", "identity": {}}
    plain = cookies_of(BrowserSessions(KEY).signed_in(request(), body, "t0k3n", 600))
    over_tls = cookies_of(BrowserSessions(KEY).signed_in(request(https=True), body, "t0k3n", 600))
    forced = cookies_of(BrowserSessions(KEY, "true").signed_in(request(), body, "t0k3n", 600))
    assert "Secure" not in plain["zjtx_session"] and "Secure" in over_tls["zjtx_session"]
    assert "Secure" in forced["zjtx_session"] and "Secure" in forced["zjtx_csrf"]
    assert "HttpOnly" in plain["zjtx_session"] and "HttpOnly" not in plain["zjtx_csrf"]
    assert "Max-Age=600" in plain["zjtx_session"] and "SameSite=Strict" in plain["zjtx_csrf"]
    with pytest.raises(ValueError, match="auto, true, false"):
        BrowserSessions(KEY, "yes")


def test_only_unsafe_methods_need_the_header() -> None:
    sessions = BrowserSessions(KEY)
    sessions.check_csrf(request("GET"), "t0k3n")
    sessions.check_csrf(request("PATCH", {"X-CSRF-Token": sessions.csrf_for("t0k3n")}), "t0k3n")
    for method in ("POST", "PUT", "PATCH", "DELETE"):
        with pytest.raises(DomainError) as refused:
            sessions.check_csrf(request(method), "t0k3n")
        assert refused.value.code == "csrf.missing"
    with pytest.raises(DomainError) as wrong:
        sessions.check_csrf(request("POST", {"X-CSRF-Token": sessions.csrf_for("other")}), "t0k3n")
    assert wrong.value.code == "csrf.mismatch"
