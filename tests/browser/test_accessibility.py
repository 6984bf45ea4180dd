"""axe-core on every main page, as each person sees it: no serious or critical violation."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
from flows import PROGRAMME, eventually, prepare_draft
from playwright.sync_api import Page

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "integration" / "gateway"))
from gwclient import ATTACHMENTS, sections  # noqa: E402

PUBLIC_PAGES = ["/", "/signin", "/signup", "/staff/signin", f"/public/{PROGRAMME}"]


def check(page: Page, path: str, axe_serious: Any) -> None:
    page.goto(path)
    page.wait_for_load_state("networkidle")
    found = axe_serious(page)
    assert found == [], f"{path}: {found}"


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_pages_have_no_serious_violation(page: Page, path: str, axe_serious: Any) -> None:
    check(page, path, axe_serious)


def test_enterprise_and_reviewer_pages_have_no_serious_violation(page: Page, people: Any, api: Any, sign_in: Any,
                                                                  axe_serious: Any, clock: Any) -> None:
    clock("2020-05-08T09:00:00+08:00")
    enterprise = people.enterprise(region="430202", city="430200")
    app_id = prepare_draft(api, enterprise.token, sections(1), ATTACHMENTS)
    sign_in(page, enterprise)
    check(page, "/apply", axe_serious)
    check(page, f"/apply/{app_id}", axe_serious)
    page.get_by_role("button", name="附件材料").click()
    assert axe_serious(page) == [], "attachments step"
    page.get_by_role("button", name="承诺与提交").click()
    assert axe_serious(page) == [], "pledge and submit step"
    submitted = api.post(f"/api/v1/applications/{app_id}/submit", {}, token=enterprise.token)
    assert submitted.status == 200, submitted.body
    check(page, f"/apply/{app_id}/status", axe_serious)
    check(page, "/inbox", axe_serious)

    page.context.clear_cookies()
    sign_in(page, people.staff("unit-430200"))
    page.goto("/review")
    row = page.locator(f'tr[data-application="{app_id}"]')
    eventually(page, lambda: row.count() == 1, "the task in the queue")
    assert axe_serious(page) == [], "/review"
    row.get_by_role("link").click()
    page.get_by_test_id("preview").wait_for(timeout=30_000)
    assert axe_serious(page) == [], "/review/tasks/<id>"
    check(page, "/review/summary", axe_serious)


def test_admin_pages_have_no_serious_violation(page: Page, people: Any, sign_in: Any, axe_serious: Any) -> None:
    sign_in(page, people.staff("unit-430000", role="admin"))
    check(page, "/admin", axe_serious)
    page.get_by_role("tab", name="排序与认定").click()
    assert axe_serious(page) == [], "/admin ranking tab"
    check(page, "/admin/accounts", axe_serious)
