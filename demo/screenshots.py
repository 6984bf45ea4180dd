"""`make screenshots`: docs/screenshots/*.png of each main page of the web front, from the demo.

Uses the demo kept running by `make demo KEEP=1` (var/demo/keep.json) if there is one;
otherwise starts `python -m demo --keep` itself, waits for the finished programme, takes
the pictures and stops it. Headless Debian Chromium (Playwright), 1366×900, zh-CN, Beijing
time; each person signs in by the front's own cookie protocol.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pyotp
import requests

from demo.__main__ import KEEP_FILE, kept_pid
from demo.http import Gateway, changed_password
from zjtx.config import REPO_ROOT

OUT = REPO_ROOT / "docs" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SHOT_PASSWORD = "Jietu-2020-mima"
DEMO_MINUTES = 30


def start_demo() -> subprocess.Popen[bytes]:
    log = open(REPO_ROOT / "var" / "screenshots-demo.log", "wb")
    process = subprocess.Popen([sys.executable, "-m", "demo", "--keep"], cwd=REPO_ROOT, stdout=log,
                               stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + DEMO_MINUTES * 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the demo exited ({process.returncode}); see var/screenshots-demo.log")
        if kept_pid() == process.pid:
            return process
        time.sleep(2)
    process.terminate()
    raise RuntimeError(f"the demo did not finish within {DEMO_MINUTES} minutes; see var/screenshots-demo.log")


def api(base: str, method: str, path: str, token: str = "", **kwargs: Any) -> Any:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    answer = requests.request(method, f"{base}{path}", headers=headers, timeout=60, **kwargs)
    if answer.status_code >= 400:
        raise RuntimeError(f"{method} {path}: {answer.status_code} {answer.text[:300]}")
    return answer.json() if answer.content else None


def city_reviewer(base: str, admin_token: str, gateway: Gateway) -> dict[str, str]:
    """A 长沙 reviewer of the screenshots' own, enrolled in TOTP and its first password already changed."""
    username = f"shots-{int(time.time())}"
    api(base, "POST", "/api/v1/units/unit-430100/accounts", admin_token, json={
        "username": username, "name": "长沙市审核员", "email": f"{username}@gxt.example.cn", "mobile": "13900139000",
        "role": "reviewer", "initial_password": SHOT_PASSWORD})
    gateway.staff_session(username, SHOT_PASSWORD)
    return {"username": username, "password": changed_password(SHOT_PASSWORD)}


def shoot(kept: dict[str, Any]) -> list[Path]:
    from playwright.sync_api import sync_playwright

    base = kept["url"].rstrip("/")
    admin = kept["admin"]
    enterprise = kept["enterprises"][0]
    gateway = Gateway(base)
    gateway.totp[admin["username"]] = admin["totp_secret"]
    admin_token = gateway.staff_session(admin["username"], admin["password"])
    reviewer = city_reviewer(base, admin_token, gateway)
    reviewer_token = gateway.staff_session(reviewer["username"], reviewer["password"])
    enterprise_token = api(base, "POST", "/api/v1/sessions/enterprise",
                           json={"uscc": enterprise["uscc"], "password": enterprise["password"]})["token"]
    app_id = api(base, "GET", "/api/v1/applications", enterprise_token)["applications"][0]["id"]
    tasks = api(base, "GET", "/api/v1/tasks", reviewer_token, params={"status": "all"}).get("tasks", [])
    staff_admin = {"username": admin["username"], "password": admin["password"]}
    pages: list[tuple[str, dict[str, str] | None, str]] = [
        ("01-home", None, "/"),
        ("02-signup", None, "/signup"),
        ("03-public-list", None, f"/public/{kept['programme']}"),
        ("04-applications", {"uscc": enterprise["uscc"], "password": enterprise["password"]}, "/apply"),
        ("05-application-form", {"uscc": enterprise["uscc"], "password": enterprise["password"]}, f"/apply/{app_id}"),
        ("06-application-status", {"uscc": enterprise["uscc"], "password": enterprise["password"]},
         f"/apply/{app_id}/status"),
        ("07-inbox", {"uscc": enterprise["uscc"], "password": enterprise["password"]}, "/inbox"),
        ("08-review-queue", reviewer, "/review"),
        ("09-review-task", reviewer, f"/review/tasks/{tasks[0]['id']}" if tasks else "/review"),
        ("10-unit-summary", reviewer, "/review/summary"),
        ("11-programme-admin", staff_admin, "/admin"),
        ("12-accounts", staff_admin, "/admin/accounts"),
    ]
    OUT.mkdir(parents=True, exist_ok=True)
    written = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        try:
            for name, person, path in pages:
                context = browser.new_context(base_url=base, locale="zh-CN", timezone_id="Asia/Shanghai",
                                              viewport={"width": 1366, "height": 900}, device_scale_factor=1)
                try:
                    if person:
                        where = "/api/v1/sessions/enterprise" if "uscc" in person else "/api/v1/sessions/staff"
                        signed = context.request.post(where, data=person, headers={"X-ZJTX-Session": "cookie"})
                        if signed.status == 200 and "second_factor" in signed.json():  # staff: the TOTP code
                            signed = context.request.post("/api/v1/sessions/staff/second-factor", data={
                                "challenge": signed.json()["challenge"],
                                "code": pyotp.TOTP(gateway.totp[person["username"]]).now()},
                                headers={"X-ZJTX-Session": "cookie"})
                        if signed.status != 200:
                            raise RuntimeError(f"{name}: sign-in refused: {signed.status} {signed.text()[:200]}")
                    page = context.new_page()
                    page.goto(path, wait_until="networkidle")
                    # a page whose data is still on its way shows only the header: wait for its heading
                    page.locator("main h1, main h2, h1").first.wait_for(state="visible", timeout=30_000)
                    page.wait_for_timeout(500)  # transitions of Element Plus settle
                    target = OUT / f"{name}.png"
                    page.screenshot(path=str(target), full_page=False)
                    written.append(target)
                    print(f"screenshots: {target.relative_to(REPO_ROOT)}  ({path})", flush=True)
                finally:
                    context.close()
        finally:
            browser.close()
    return written


def main() -> int:
    if not Path(CHROMIUM).exists():
        print(f"screenshots: {CHROMIUM} is missing; apt-get install -y chromium", file=sys.stderr)
        return 2
    started: subprocess.Popen[bytes] | None = None
    if not kept_pid():
        print("screenshots: no demo kept running; starting `make demo KEEP=1` for the purpose (a few minutes)",
              flush=True)
        started = start_demo()
    try:
        kept = json.loads(KEEP_FILE.read_text())
        written = shoot(kept)
        print(f"screenshots: {len(written)} pages written to {OUT.relative_to(REPO_ROOT)}/")
        return 0
    finally:
        if started is not None:
            os.killpg(started.pid, signal.SIGTERM)  # the demo we started, and nothing else
            try:
                started.wait(timeout=90)
            except subprocess.TimeoutExpired:
                os.killpg(started.pid, signal.SIGKILL)


if __name__ == "__main__":
    raise SystemExit(main())
