"""The enterprise's pages refuse wrong input where it was typed: a wrong USCC check character
at the field as it is typed (the server's own rule), a missing required field at its field
and in the error summary, an executable renamed .pdf before any byte is uploaded."""

from __future__ import annotations

from typing import Any

from flows import PROGRAMME
from playwright.sync_api import Page, expect

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def test_a_wrong_check_character_is_shown_at_the_field_as_it_is_typed(page: Page, people: Any, clock: Any) -> None:
    clock("2020-05-08T09:00:00+08:00")
    good = people.new_uscc("430100")
    wrong = good[:-1] + next(c for c in ALPHABET if c != good[-1])
    page.goto("/signup")
    page.locator("#uscc").fill(wrong)
    error = page.get_by_test_id("uscc-error")
    expect(error).to_be_visible(timeout=15_000)
    expect(error).to_contain_text("校验")
    expect(page.locator("#uscc")).to_have_attribute("aria-invalid", "true")
    page.locator("#uscc").fill(good)
    expect(page.get_by_test_id("uscc-ok")).to_contain_text("长沙市", timeout=15_000)
    expect(page.get_by_test_id("uscc-error")).to_have_count(0)
    # the region picker then offers the counties of the city the USCC names
    page.locator(".el-select:has(#region_code)").click()
    expect(page.get_by_role("option", name="芙蓉区（430102）")).to_be_visible()


def test_a_missing_required_field_is_shown_at_its_field_and_in_the_summary(page: Page, people: Any, sign_in: Any,
                                                                          clock: Any) -> None:
    clock("2020-05-08T09:00:00+08:00")
    enterprise = people.enterprise(region="430102", city="430100")
    sign_in(page, enterprise)
    page.goto("/apply")
    page.get_by_test_id("new-application").click()
    page.wait_for_url("**/apply/*")
    page.locator("#f-basic-main_product").fill("数控机床主轴")
    page.locator("#f-basic-employees").fill("260")
    page.get_by_test_id("save-section").click()
    summary = page.get_by_test_id("error-summary")
    expect(summary).to_contain_text("请填写“法定代表人”", timeout=15_000)
    at_field = page.locator('[data-field="basic.legal_representative"]')
    expect(at_field.locator(".error")).to_contain_text("请填写“法定代表人”")
    expect(at_field).to_have_class("field has-error")
    summary.get_by_role("link", name="请填写“法定代表人”").click()
    expect(page.locator("#f-basic-legal_representative")).to_be_focused()
    # a value the server refuses is shown at its field too, in the server's words
    page.locator("#f-basic-employees").fill("-5")
    page.get_by_test_id("save-section").click()
    expect(page.locator('[data-field="basic.employees"] .error')).to_contain_text("不能小于0", timeout=15_000)


def test_an_executable_renamed_pdf_is_refused_before_upload(page: Page, people: Any, sign_in: Any, api: Any,
                                                           clock: Any) -> None:
    clock("2020-05-08T09:00:00+08:00")
    enterprise = people.enterprise(region="430102", city="430100")
    created = api.post("/api/v1/applications", {"programme_id": PROGRAMME}, token=enterprise.token)
    assert created.status == 201, created.body
    sign_in(page, enterprise)
    uploads: list[str] = []
    page.on("request", lambda r: uploads.append(r.url) if r.method == "POST" and "/attachments" in r.url else None)
    page.goto(f"/apply/{created.body['id']}")
    page.get_by_role("button", name="附件材料").click()
    executable = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200
    page.locator("#file-development_report").set_input_files(
        files=[{"name": "发展报告.pdf", "mimeType": "application/pdf", "buffer": executable}])
    error = page.get_by_test_id("attachment-error-development_report")
    expect(error).to_contain_text("扩展名与内容不符")
    expect(error).to_contain_text("PDF")
    # a wrong type is refused with what is accepted
    page.locator("#file-photos").set_input_files(
        files=[{"name": "厂区.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n%%EOF\n"}])
    expect(page.get_by_test_id("attachment-error-photos")).to_contain_text("只接受 JPG、PNG")
    assert uploads == []
    listed = api.get(f"/api/v1/applications/{created.body['id']}/attachments", token=enterprise.token)
    assert listed.body["attachments"] == []
