"""Browser tests: Debian's Chromium driven by Playwright (pytest-playwright) against the
real suite, with the gateway serving the built front (web/dist) on the same origin.

What the page tests get:

- ``gateway_url`` / ``base_url``: the session's gateway (tests/conftest.py's ``suite``,
  restarted once with the test settings of tests/integration/gateway/gwclient.py), so
  ``page.goto("/apply")`` works; ``page``, ``context``, ``browser`` are pytest-playwright's,
  launched on /usr/bin/chromium (Playwright's own browser download cannot be reached), with
  locale zh-CN and the Asia/Shanghai time zone.
- ``api``: the HTTP client of the gateway tests (bearer tokens), ``province_admin``: the
  bootstrap admin of 湖南省工业和信息化厅 (unit-430000, ``hn-admin``).
- ``people``: create reviewer/admin accounts (``people.staff("unit-430100")``) and
  enterprises (``people.enterprise(region="430102", city="430100")``) as the gateway tests do.
- ``clock``: move the platform clock of every process (``clock("2020-05-15T23:59:59+08:00")``);
  put back to the system clock after the test.
- ``sign_in(page, person)``: a cookie session for ``person`` in the page's context, through
  the same protocol the front uses (``X-ZJTX-Session: cookie``), for tests that do not test
  the sign-in page itself.
- ``axe_serious(page)``: the serious and critical axe-core violations of the current page.

The whole browser run is one pytest session with one suite (``make test`` runs it as its own
session after the others: the Hunan 2020 story recognises the programme, which the e2e
module also does once per database).
"""

from __future__ import annotations

import itertools
import os
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "integration" / "gateway"))  # the gateway test client

from gwclient import (  # noqa: E402
    ADMIN_PASSWORD,
    PASSWORD,
    STAFF_PASSWORDS,
    STAFF_SECRETS,
    Api,
    ensure_gateway,
    fresh_uscc,
    totp_code,
)

from gateway.api.privacy import VERSION as PRIVACY_NOTICE
from zjtx.clock import set_clock_file  # noqa: E402
from zjtx.config import REPO_ROOT  # noqa: E402
from zjtx.up import Suite  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
WEB_DIST = REPO_ROOT / "web" / "dist"
SESSION_HEADER = {"X-ZJTX-Session": "cookie"}
_serial = itertools.count(1)


def launch_options() -> dict[str, Any]:
    """How every browser of this project is launched (tests, screenshots, benchmark)."""
    return {"executable_path": CHROMIUM, "headless": True, "args": list(CHROMIUM_ARGS)}


@pytest.fixture(scope="session")
def gateway_url(suite: Suite) -> str:
    if not (WEB_DIST / "index.html").is_file():
        pytest.fail(f"the front is not built: {WEB_DIST}/index.html is missing; run `make web` "
                    "(npm ci and npm run build in web/) first", pytrace=False)
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing; install Debian's Chromium: apt-get update && apt-get install -y chromium",
                    pytrace=False)
    return ensure_gateway(suite).rstrip("/")


@pytest.fixture(scope="session")
def base_url(gateway_url: str) -> str:
    """pytest-playwright's base URL: page.goto("/...") goes to the gateway."""
    return gateway_url


@pytest.fixture(scope="session")
def browser_type_launch_args(pytestconfig: pytest.Config) -> dict[str, Any]:
    options = launch_options()
    if pytestconfig.getoption("--headed", default=False):
        options["headless"] = False
        options["args"] = [a for a in options["args"] if a != "--headless"]
    return options


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any], base_url: str) -> dict[str, Any]:
    return {**browser_context_args, "base_url": base_url, "locale": "zh-CN", "timezone_id": "Asia/Shanghai",
            "viewport": {"width": 1366, "height": 900}}


@pytest.fixture(scope="session")
def api(gateway_url: str) -> Api:
    return Api(gateway_url)


@pytest.fixture(scope="session")
def province_admin(api: Api) -> str:
    """Bearer token of the bootstrap admin of 湖南省工业和信息化厅 (unit-430000)."""
    return api.sign_in_staff("hn-admin", ADMIN_PASSWORD)


@dataclass
class Person:
    kind: str  # "enterprise" or "staff"
    login: str  # the USCC or the username
    password: str
    token: str  # a bearer token of its own (for set-up through the API)
    account: dict[str, Any]


class People:
    """Accounts made through the gateway's API, as the gateway tests make them."""

    def __init__(self, api: Api, admin_token: str) -> None:
        self.api = api
        self.admin_token = admin_token

    def staff(self, unit_id: str, role: str = "reviewer", password: str = PASSWORD, first_password_changed: bool = True
              ) -> Person:
        """A reviewer (or admin) of ``unit_id`` created by the province admin. With ``first_password_changed`` the
        initial password has already been replaced by ``password`` (no change-password prompt at sign-in);
        otherwise ``password`` is the initial one and ``must_change_password`` is still true."""
        username = f"b{os.getpid()}-{next(_serial)}-{role}"
        initial = "Chushi-mima-2020" if first_password_changed else password
        created = self.api.post(f"/api/v1/units/{unit_id}/accounts", {
            "username": username, "name": "浏览器测试审核人", "email": f"{username}@example.cn", "mobile": "13900139000",
            "role": role, "initial_password": initial},
            token=self.api.security_admin() if role == "admin" else self.admin_token)  # 三员分立
        assert created.status == 201, created.body
        # enrolled in TOTP through the API (STAFF_SECRETS holds the secret for the page's code field)
        token = str(self.api.staff_session(username, initial, change=False)["token"])
        if first_password_changed:
            changed = self.api.put("/api/v1/me/password", {"current_password": initial, "new_password": password},
                                   token=token)
            assert changed.status == 204, changed.body
            STAFF_PASSWORDS[username.lower()] = password
            token = self.api.sign_in_staff(username, password)
        return Person("staff", username, password, token, created.body["account"])

    def enterprise(self, region: str = "430102", city: str = "430100", name: str = "",
                   password: str = PASSWORD) -> Person:
        """A registered enterprise of ``region`` (a county of ``city``, which its USCC names)."""
        uscc = fresh_uscc(city)
        body = {"uscc": uscc, "name": name or f"长沙浏览器测试科技有限公司{uscc[-6:-1]}", "region_code": region,
                "industry": "通用设备制造业", "park_id": "",
                "contact": {"person": "李四", "mobile": "13800138000", "email": "li@example.cn"},
                "password": password,
                "privacy_notice_version": PRIVACY_NOTICE}
        answer = self.api.post("/api/v1/enterprises", body, token="")
        assert answer.status == 201, answer.body
        return Person("enterprise", uscc, password, self.api.sign_in_enterprise(uscc, password), answer.body)

    @staticmethod
    def new_uscc(city: str = "430100") -> str:
        """A valid, unused USCC of ``city`` (for tests that sign up through the page)."""
        return fresh_uscc(city)


@pytest.fixture(scope="session")
def people(api: Api, province_admin: str) -> People:
    return People(api, province_admin)


@pytest.fixture
def clock(clock_file: Path) -> Iterator[Callable[[str], None]]:
    """``clock("2020-05-15T23:59:59+08:00")`` moves every process's clock (``... running`` lets it run on);
    the system clock again after the test."""
    yield lambda at: set_clock_file(clock_file, at)
    set_clock_file(clock_file, "")


@pytest.fixture(scope="session")
def sign_in() -> Callable[[Any, Person], dict[str, Any]]:
    """Sign ``person`` in within the page's browser context by the front's cookie protocol; returns the body."""

    def run(page: Any, person: Person) -> dict[str, Any]:
        path, body = (("/api/v1/sessions/enterprise", {"uscc": person.login, "password": person.password})
                      if person.kind == "enterprise" else
                      ("/api/v1/sessions/staff", {"username": person.login, "password": person.password}))
        response = page.context.request.post(path, data=body, headers=SESSION_HEADER)
        assert response.status == 200, response.text()
        if "second_factor" in response.json():  # staff: the TOTP code, in the same browser context
            response = page.context.request.post("/api/v1/sessions/staff/second-factor", headers=SESSION_HEADER, data={
                "challenge": response.json()["challenge"], "code": totp_code(STAFF_SECRETS[person.login.lower()])})
            assert response.status == 200, response.text()
        answer: dict[str, Any] = response.json()
        return answer

    return run


@pytest.fixture(scope="session")
def axe_serious() -> Callable[[Any], list[dict[str, Any]]]:
    """axe-core on the current page: its serious and critical violations (id, impact, help, targets)."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()

    def run(page: Any) -> list[dict[str, Any]]:
        results = axe.run(page)
        return [{"id": v["id"], "impact": v["impact"], "help": v["help"],
                 "targets": [n["target"] for n in v["nodes"]][:5]}
                for v in results.response["violations"] if v.get("impact") in ("serious", "critical")]

    return run
