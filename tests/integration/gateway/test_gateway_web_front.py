"""The browser's side of the gateway over real HTTP: the front served at / with its CSP, the
cookie session with its CSRF token, and the sign-up form's check and division picker.

The gateway is restarted for this module with a small front build of its own
(GATEWAY_WEB_DIR), so the test does not depend on web/ being built, and put back after.
"""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from gwclient import ADMIN_PASSWORD, PASSWORD, STAFF_SECRETS, Api, ensure_gateway, fresh_uscc, totp_code

from gateway.api.privacy import VERSION as PRIVACY_NOTICE
from zjtx.clock import set_clock_file
from zjtx.up import Suite

SCRIPT = "console.log('专精特新');\n" * 400
COOKIE = {"X-ZJTX-Session": "cookie"}


@pytest.fixture(scope="module")
def base(suite: Suite, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    dist = tmp_path_factory.mktemp("dist")
    (dist / "assets").mkdir()
    (dist / "index.html").write_text('<!doctype html><html lang="zh-CN"><head><title>专精特新</title>'
                                     '<script type="module" src="/assets/index-4f3e2d1c.js"></script></head>'
                                     '<body><div id="app"></div></body></html>', encoding="utf-8")
    (dist / "assets" / "index-4f3e2d1c.js").write_text(SCRIPT, encoding="utf-8")
    ensure_gateway(suite)
    suite.env["GATEWAY_WEB_DIR"] = str(dist)
    suite.stop_service("gateway")
    suite.start(("gateway",))
    try:
        yield suite.endpoints["gateway"].rstrip("/")
    finally:
        suite.env.pop("GATEWAY_WEB_DIR", None)
        suite.stop_service("gateway")
        suite.start(("gateway",))


def cookie_sign_in(http: requests.Session, base: str, path: str, body: dict[str, Any]) -> requests.Response:
    if "username" in body:  # staff: the forced change done once, then password and TOTP code, both by cookie
        api = Api(base)
        api.staff_session(body["username"], body["password"])
        body = {**body, "password": api.staff_password(body["username"], body["password"])}
    answer = http.post(f"{base}{path}", json=body, headers=COOKIE, timeout=30)
    if answer.status_code == 200 and "second_factor" in answer.json():
        code = totp_code(STAFF_SECRETS[body["username"]])
        answer = http.post(f"{base}/api/v1/sessions/staff/second-factor",
                           json={"challenge": answer.json()["challenge"], "code": code}, headers=COOKIE, timeout=30)
    assert answer.status_code == 200, answer.text
    return answer


def set_cookies(answer: requests.Response) -> dict[str, str]:
    """Each Set-Cookie header by cookie name (the raw attributes, lower-cased)."""
    headers = answer.raw.headers.getlist("Set-Cookie")
    return {h.split("=", 1)[0]: h.lower() for h in headers}


# ---- the front ---------------------------------------------------------------------


def test_the_front_is_served_at_root_and_for_client_routes_with_a_strict_csp(base: str) -> None:
    for path in ("/", "/apply/app-1/sections/basic", "/review/tasks"):
        page = requests.get(f"{base}{path}", timeout=30)
        assert page.status_code == 200
        assert page.headers["Content-Type"].startswith("text/html")
        assert "index-4f3e2d1c.js" in page.text
        csp = page.headers["Content-Security-Policy"]
        assert "script-src 'self';" in csp and "style-src 'self';" in csp and "unsafe-inline" not in csp
        assert "unsafe-eval" not in csp and "frame-ancestors 'none'" in csp
        assert page.headers["X-Content-Type-Options"] == "nosniff"
        assert page.headers["Referrer-Policy"] == "no-referrer"
        assert page.headers["Cache-Control"] == "no-cache"


def test_hashed_assets_are_long_cached_and_gzipped(base: str) -> None:
    raw = requests.get(f"{base}/assets/index-4f3e2d1c.js", headers={"Accept-Encoding": "gzip"}, timeout=30,
                       stream=True)
    assert raw.status_code == 200
    assert raw.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert raw.headers["Content-Encoding"] == "gzip"
    assert raw.headers["Content-Type"].startswith("application/javascript")
    assert gzip.decompress(raw.raw.read()).decode("utf-8") == SCRIPT
    assert requests.get(f"{base}/assets/index-00000000.js", timeout=30).status_code == 404


def test_the_api_keeps_its_json_answers(base: str) -> None:
    missing = requests.get(f"{base}/api/v1/no-such-thing", timeout=30)
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"
    assert "X-ZJTX-Now" in missing.headers and "X-ZJTX-Now" not in requests.get(f"{base}/", timeout=30).headers
    document = requests.get(f"{base}/openapi.json", timeout=30).json()
    assert {"/api/v1/divisions", "/api/v1/uscc/check"} <= set(document["paths"])
    assert requests.post(f"{base}/apply", json={}, timeout=30).status_code in (404, 405)


# ---- the browser session -------------------------------------------------------------


def test_a_cookie_sign_in_sets_httponly_strict_cookies_and_leaves_the_token_out_of_the_body(base: str) -> None:
    http = requests.Session()
    answer = cookie_sign_in(http, base, "/api/v1/sessions/staff", {"username": "hn-admin", "password": ADMIN_PASSWORD})
    body = answer.json()
    assert "token" not in body and body["token_type"] == "Cookie" and body["identity"]["role"] == "admin"
    cookies = set_cookies(answer)
    session, csrf = cookies["zjtx_session"], cookies["zjtx_csrf"]
    for attributes in (session, csrf):
        assert "samesite=strict" in attributes and "path=/" in attributes and "secure" not in attributes
    assert "httponly" in session and "httponly" not in csrf
    assert http.cookies["zjtx_session"] not in answer.text
    me = http.get(f"{base}/api/v1/me", timeout=30)  # the cookie alone authenticates a read
    assert me.status_code == 200 and me.json()["subject"] == body["identity"]["subject"]


def test_an_unsafe_request_by_cookie_needs_the_bound_csrf_token(base: str) -> None:
    http = requests.Session()
    cookie_sign_in(http, base, "/api/v1/sessions/staff", {"username": "hn-admin", "password": ADMIN_PASSWORD})
    change = {"current_password": "not-the-password-1", "new_password": "Another-password-2020"}
    missing = http.put(f"{base}/api/v1/me/password", json=change, timeout=30)
    assert missing.status_code == 403, missing.text
    assert missing.json()["code"] == "csrf.missing" and "X-CSRF-Token" in missing.json()["message"]
    assert "请求缺少" in missing.json()["message"]
    wrong = http.put(f"{base}/api/v1/me/password", json=change, headers={"X-CSRF-Token": "0" * 64}, timeout=30)
    assert wrong.status_code == 403 and wrong.json()["code"] == "csrf.mismatch"
    # another session's CSRF value is not this one's
    other = requests.Session()
    cookie_sign_in(other, base, "/api/v1/sessions/staff", {"username": "hn-admin", "password": ADMIN_PASSWORD})
    crossed = http.put(f"{base}/api/v1/me/password", json=change,
                       headers={"X-CSRF-Token": other.cookies["zjtx_csrf"]}, timeout=30)
    assert crossed.status_code == 403 and crossed.json()["code"] == "csrf.mismatch"
    right = http.put(f"{base}/api/v1/me/password", json=change,
                     headers={"X-CSRF-Token": http.cookies["zjtx_csrf"]}, timeout=30)
    assert right.status_code == 400 and right.json()["code"] == "password.wrong"  # past the CSRF check


def test_an_enterprise_works_by_cookie_and_sign_out_revokes_and_clears_both_cookies(base: str) -> None:
    api = Api(base)
    uscc = fresh_uscc("430400")
    registered = api.post("/api/v1/enterprises", {
        "uscc": uscc, "name": "衡阳浏览器会话精密制造有限公司", "region_code": "430405", "industry": "通用设备制造业",
        "contact": {"person": "李四", "mobile": "13800138000", "email": "li@example.cn"}, "password": PASSWORD,
        "privacy_notice_version": PRIVACY_NOTICE},
        token="")
    assert registered.status == 201, registered.body
    http = requests.Session()
    cookie_sign_in(http, base, "/api/v1/sessions/enterprise", {"uscc": uscc, "password": PASSWORD})
    csrf = {"X-CSRF-Token": http.cookies["zjtx_csrf"]}
    refused = http.post(f"{base}/api/v1/applications", json={"programme_id": "hunan-2020-little-giant"}, timeout=30)
    assert refused.status_code == 403 and refused.json()["code"] == "csrf.missing"
    created = http.post(f"{base}/api/v1/applications", json={"programme_id": "hunan-2020-little-giant"},
                        headers=csrf, timeout=30)
    assert created.status_code in (201, 409), created.text  # 409: the window is closed on the system clock
    stolen = http.cookies["zjtx_session"]
    out = http.delete(f"{base}/api/v1/session", headers=csrf, timeout=30)
    assert out.status_code == 204
    cleared = set_cookies(out)
    assert {"zjtx_session", "zjtx_csrf"} <= set(cleared)
    assert all("expires=thu, 01 jan 1970" in c or "max-age=0" in c for c in cleared.values())
    assert "zjtx_session" not in http.cookies
    replayed = requests.get(f"{base}/api/v1/me", cookies={"zjtx_session": stolen}, timeout=30)
    assert replayed.status_code == 401 and replayed.json()["code"] == "token.revoked"


def test_bearer_tokens_work_unchanged_without_csrf(base: str) -> None:
    api = Api(base)
    api.staff_session("hn-admin", ADMIN_PASSWORD)
    started = api.post("/api/v1/sessions/staff", {"username": "hn-admin",
                                                  "password": api.staff_password("hn-admin", ADMIN_PASSWORD)})
    answer = requests.post(f"{base}/api/v1/sessions/staff/second-factor",
                           json={"challenge": started.body["challenge"], "code": totp_code(STAFF_SECRETS["hn-admin"])},
                           timeout=30)
    assert answer.status_code == 200 and answer.json()["token_type"] == "Bearer"
    assert "Set-Cookie" not in answer.headers
    token = answer.json()["token"]
    change = {"current_password": "not-the-password-1", "new_password": "Another-password-2020"}
    wrong = requests.put(f"{base}/api/v1/me/password", json=change, headers={"Authorization": f"Bearer {token}"},
                         timeout=30)
    assert wrong.status_code == 400 and wrong.json()["code"] == "password.wrong"
    nobody = requests.get(f"{base}/api/v1/me", timeout=30)
    assert nobody.status_code == 401 and nobody.json()["code"] == "auth.required"


def test_every_api_answer_tells_the_platform_clock(base: str, clock_file: Path) -> None:
    set_clock_file(clock_file, "2020-05-15T23:59:59+08:00")
    try:
        answer = requests.get(f"{base}/api/v1/divisions", params={"parent": "430000"}, timeout=30)
        assert answer.headers["X-ZJTX-Now"] == "2020-05-15T15:59:59.000Z"
    finally:
        set_clock_file(clock_file, "")
    moved_on = requests.get(f"{base}/api/v1/me", timeout=30)  # refused answers carry it too
    assert moved_on.status_code == 401 and not moved_on.headers["X-ZJTX-Now"].startswith("2020-")


# ---- the sign-up form's look-ups ----------------------------------------------------------


def test_the_check_reports_each_problem_at_its_field_as_sign_up_refuses_it(base: str) -> None:
    good = fresh_uscc("430100")
    wrong_check = good[:17] + ("0" if good[17] != "0" else "1")
    answer = requests.get(f"{base}/api/v1/uscc/check", params={"uscc": wrong_check, "region_code": "430405"},
                          timeout=30).json()
    assert answer["valid"] is False and answer["area"] is None and answer["division_code"] == ""
    assert answer["code"] == answer["violations"][0]["code"] and answer["message"]
    found = {(v["field"], v["code"]) for v in answer["violations"]}
    assert found == {("uscc", "uscc.check_char"), ("region_code", "region.outside_uscc_area")}
    assert all(any("\u4e00" <= c <= "\u9fff" for c in v["message"]) for v in answer["violations"])
    refused = requests.post(f"{base}/api/v1/enterprises", json={
        "uscc": wrong_check, "name": "长沙校验一致性科技有限公司", "region_code": "430405", "industry": "软件业",
        "contact": {"person": "王五", "mobile": "13800138000", "email": "w@example.cn"}, "password": PASSWORD,
        "privacy_notice_version": PRIVACY_NOTICE},
        timeout=30)
    assert refused.status_code == 400
    assert {(v["field"], v["code"]) for v in refused.json()["violations"]} == found  # the same rule, the same answer
    fine = requests.get(f"{base}/api/v1/uscc/check", params={"uscc": good, "region_code": "430104"},
                        timeout=30).json()
    assert fine == {"valid": True, "code": "", "message": "", "violations": [], "division_code": "430100",
                    "division_name": "长沙市", "area": {"prefix": "4301", "name": "湖南省 长沙市"}}


def test_the_divisions_list_walks_province_city_county(base: str) -> None:
    top = requests.get(f"{base}/api/v1/divisions", timeout=30).json()
    assert top["parent"] is None and {"code": "430000", "name": "湖南省"}.items() <= next(
        d for d in top["divisions"] if d["code"] == "430000").items()
    hunan = requests.get(f"{base}/api/v1/divisions", params={"parent": "430000"}, timeout=30).json()
    changsha = next(d for d in hunan["divisions"] if d["code"] == "430100")
    assert changsha["name"] == "长沙市" and changsha["has_children"] and not changsha["selectable"]
    counties = requests.get(f"{base}/api/v1/divisions", params={"parent": "430100"}, timeout=30).json()
    assert counties["parent"]["name"] == "长沙市"
    assert all(d["code"].startswith("4301") and d["selectable"] for d in counties["divisions"])
    assert "430104" in {d["code"] for d in counties["divisions"]}
    bad = requests.get(f"{base}/api/v1/divisions", params={"parent": "43"}, timeout=30)
    assert bad.status_code == 400 and bad.json()["violations"][0]["field"].endswith("parent")
    unknown = requests.get(f"{base}/api/v1/divisions", params={"parent": "439999"}, timeout=30)
    assert unknown.status_code == 404 and unknown.json()["code"] == "division.unknown"

