"""Wiring, in the real browser: the gateway serves the built front, the app starts under the
Content-Security-Policy without a single violation, and the session cookie stays out of
the page's reach while the CSRF cookie is readable."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Page

WATCH_CSP = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', e => window.__csp.push(
  {directive: e.violatedDirective, blocked: e.blockedURI, sample: e.sample, source: e.sourceFile}));
"""


def open_watched(page: Page, path: str) -> tuple[list[Any], list[str]]:
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.add_init_script(WATCH_CSP)
    page.goto(path, wait_until="networkidle")
    return page.evaluate("window.__csp"), errors


def test_the_front_starts_under_the_csp_without_violations(page: Page, base_url: str) -> None:
    response = page.request.get(f"{base_url}/")
    assert "unsafe-inline" not in response.headers["content-security-policy"]
    for path in ("/", "/signin", "/signup", "/public/hunan-2020-little-giant"):
        violations, errors = open_watched(page, path)
        assert violations == [], f"{path}: CSP violations {violations}"
        assert page.locator("#app *").count() > 0, f"{path}: the app did not render"
        assert not [e for e in errors if "Content Security Policy" in e], errors


def test_the_session_cookie_is_out_of_the_pages_reach(page: Page, people: Any, sign_in: Any) -> None:
    reviewer = people.staff("unit-430100")
    page.goto("/")
    sign_in(page, reviewer)
    names = {c["name"]: c for c in page.context.cookies()}
    assert names["zjtx_session"]["httpOnly"] and names["zjtx_session"]["sameSite"] == "Strict"
    visible = page.evaluate("document.cookie")
    assert "zjtx_csrf=" in visible and "zjtx_session" not in visible
    me = page.evaluate("fetch('/api/v1/me').then(r => r.json())")  # the cookie is the credential
    assert me["subject"] == reviewer.account["account_id"]
    refused = page.evaluate("fetch('/api/v1/session', {method: 'DELETE'}).then(async r => [r.status, await r.json()])")
    assert refused[0] == 403 and refused[1]["code"] == "csrf.missing"
