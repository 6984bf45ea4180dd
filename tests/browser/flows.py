"""What a person does in the pages, as steps the browser tests share: sign in through the
sign-in page, fill a section of the application form from the programme's definition, upload
attachments, sign and submit. Every step goes through the page (clicks and typing), never the
API, except where a test says it prepares data through the API."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import Any

from gwclient import STAFF_SECRETS, totp_code
from playwright.sync_api import Page, expect

PROGRAMME = "hunan-2020-little-giant"
SLOW = 30_000  # ms: what a page waits for the suite on a busy 2-core machine


def sign_in_page(page: Page, login: str, password: str, staff: bool = False) -> None:
    page.goto("/staff/signin" if staff else "/signin")
    page.locator("#login").fill(login)
    page.locator("#password").fill(password)
    page.get_by_role("button", name="登录").click()
    if staff:  # the TOTP step: the code of the secret the account was enrolled with (through the API)
        page.locator("#code").fill(totp_code(STAFF_SECRETS[login.lower()]))
        page.get_by_role("button", name="确认").click()
    page.wait_for_url(re.compile(r"/(apply|review|admin)"), timeout=SLOW)


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="退出登录").click()
    expect(page.get_by_role("banner").get_by_role("link", name="企业登录")).to_be_visible(timeout=SLOW)


def programme(api: Any) -> dict[str, Any]:
    answer = api.get(f"/api/v1/programmes/{PROGRAMME}", token="")
    assert answer.status == 200, answer.body
    return dict(answer.body)


def choose(page: Page, select_id: str, option_label: str) -> None:
    """An Element Plus select: open it, click the option by its visible label."""
    page.locator(f".el-select:has(#{select_id})").click()
    page.locator(".el-select-dropdown:visible").get_by_role("option", name=option_label, exact=True).click()


def fill_section(page: Page, section: dict[str, Any], data: dict[str, Any]) -> None:
    """Types or clicks every value of ``data`` into the section's fields, by each field's kind."""
    page.get_by_role("navigation", name="申报书栏目").get_by_role("button", name=re.compile(section["title"])).click()
    for field in section["fields"]:
        if field["id"] not in data:
            continue
        value = data[field["id"]]
        dom = f"f-{section['id']}-{field['id']}"
        if field["type"] == "boolean":
            page.locator(f"#{dom}").get_by_text("是" if value else "否", exact=True).click()
        elif field["type"] == "enum":
            label = next(o["label"] for o in field["options"] if o["value"] == value)
            if len(field["options"]) <= 5:
                page.locator(f"#{dom}").get_by_text(label, exact=True).click()
            else:
                choose(page, dom, label)
        else:
            page.locator(f"#{dom}").fill(str(value))


def save_section(page: Page, title: str) -> None:
    page.get_by_test_id("save-section").click()
    expect(page.get_by_text(re.compile(f"“{title}”已保存"))).to_be_visible(timeout=SLOW)


def fill_every_section(page: Page, definition: dict[str, Any], sections: dict[str, dict[str, Any]]) -> None:
    for section in definition["sections"]:
        fill_section(page, section, sections[section["id"]])
        save_section(page, section["title"])
        expect(page.get_by_role("navigation", name="申报书栏目").get_by_role("button", name=re.compile(section["title"])))\
            .to_contain_text("已完成")


def upload_attachments(page: Page, attachments: list[tuple[str, str, str, bytes]]) -> None:
    page.get_by_role("button", name=re.compile("附件材料")).click()
    for kind, filename, media_type, content in attachments:
        page.locator(f"#file-{kind}").set_input_files(files=[{"name": filename, "mimeType": media_type, "buffer": content}])
        expect(page.locator(f"#a-{kind}")).to_contain_text(filename, timeout=SLOW)
    expect(page.get_by_role("button", name=re.compile("附件材料"))).to_contain_text("已完成")


def sign_and_submit(page: Page, signer: str = "张三", resubmit: bool = False) -> None:
    page.get_by_role("button", name=re.compile("承诺与提交")).click()
    if not resubmit:
        page.locator("#signer-name").fill(signer)
        page.get_by_test_id("sign-pledge").click()
        expect(page.get_by_test_id("pledge-signed")).to_contain_text(signer, timeout=SLOW)
    expect(page.get_by_test_id("submittable")).to_be_visible(timeout=SLOW)
    page.get_by_test_id("submit").click()
    page.wait_for_url(re.compile(r"/apply/[^/]+/status"), timeout=SLOW)
    expect(page.get_by_test_id("submitted")).to_be_visible()


def eventually(page: Page, probe: Callable[[], bool], what: str, timeout: float = 150.0) -> None:
    """Reloads the page until ``probe()`` holds: events reach the other services asynchronously."""
    deadline = time.monotonic() + timeout
    while True:
        page.reload()
        page.wait_for_load_state("networkidle")
        if probe():
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"not seen within {timeout:.0f}s: {what}")
        page.wait_for_timeout(1000)


def prepare_draft(api: Any, token: str, sections: dict[str, dict[str, Any]], attachments: list[Any],
                  signer: str = "张三") -> str:
    """Through the API: a complete, signed, unsubmitted application; returns its id."""
    created = api.post("/api/v1/applications", {"programme_id": PROGRAMME}, token=token)
    assert created.status == 201, created.body
    app_id = str(created.body["id"])
    for section_id, data in sections.items():
        saved = api.put(f"/api/v1/applications/{app_id}/sections/{section_id}", {"data": data}, token=token)
        assert saved.status == 200, saved.body
    for kind, filename, media_type, content in attachments:
        api.upload(f"/api/v1/applications/{app_id}/attachments", content, media_type, token=token,
                   params={"kind": kind, "filename": filename})
    signed = api.post(f"/api/v1/applications/{app_id}/pledge", {"signer_name": signer}, token=token)
    assert signed.status == 200, signed.body
    return app_id
