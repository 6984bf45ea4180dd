"""The 申报窗口 closes on the notice's second: a submission clicked at 2020-05-15 23:59:59
(Beijing) is accepted; one second later the page says the window is closed and a click on
submit is refused in words."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

from flows import prepare_draft
from playwright.sync_api import Page, expect

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "integration" / "gateway"))
from gwclient import ATTACHMENTS, sections  # noqa: E402


def test_a_submission_at_the_last_second_is_accepted_and_the_page_closes_a_second_later(
        page: Page, people: Any, api: Any, sign_in: Any, clock: Any) -> None:
    clock("2020-05-15T20:00:00+08:00")
    last, late = (people.enterprise(region="430202", city="430200") for _ in range(2))
    last_app = prepare_draft(api, last.token, sections(1), ATTACHMENTS)
    late_app = prepare_draft(api, late.token, sections(1), ATTACHMENTS)

    clock("2020-05-15T23:59:59+08:00")
    sign_in(page, last)
    page.goto(f"/apply/{last_app}")
    page.get_by_role("button", name="承诺与提交").click()
    expect(page.get_by_test_id("submittable")).to_be_visible(timeout=15_000)
    page.get_by_test_id("submit").click()
    page.wait_for_url(re.compile(f"/apply/{last_app}/status"), timeout=30_000)
    expect(page.get_by_test_id("submitted")).to_be_visible()

    page.context.clear_cookies()
    sign_in(page, late)
    page.goto(f"/apply/{late_app}")
    expect(page.get_by_test_id("status-banner")).to_be_visible(timeout=15_000)
    clock("2020-05-16T00:00:00+08:00")
    page.get_by_role("button", name="承诺与提交").click()
    page.get_by_test_id("submit").click()
    summary = page.get_by_test_id("error-summary")
    expect(summary).to_contain_text("未能提交", timeout=15_000)
    expect(summary).to_contain_text("截止")
    expect(page.get_by_test_id("window-closed")).to_contain_text("已关闭")
    page.reload()
    expect(page.get_by_test_id("window-closed")).to_contain_text("2020-05-15 23:59:59", timeout=15_000)
    assert api.get(f"/api/v1/applications/{late_app}", token=late.token).body["status"] == "draft"
    assert api.get(f"/api/v1/applications/{last_app}", token=last.token).body["status"] != "draft"
