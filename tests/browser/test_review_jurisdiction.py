"""A reviewer sees only the unit's own tasks: 衡阳's reviewer never sees a 长沙 application,
in the queue or by opening its task's address."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from flows import PROGRAMME, eventually, prepare_draft
from playwright.sync_api import Page, expect

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "integration" / "gateway"))
from gwclient import ATTACHMENTS, sections  # noqa: E402


def test_a_hengyang_reviewer_never_sees_a_changsha_task(page: Page, people: Any, api: Any, sign_in: Any,
                                                       clock: Any) -> None:
    clock("2020-05-08T09:00:00+08:00")
    enterprise = people.enterprise(region="430102", city="430100", name="长沙管辖测试科技有限公司")
    app_id = prepare_draft(api, enterprise.token, sections(1), ATTACHMENTS)
    submitted = api.post(f"/api/v1/applications/{app_id}/submit", {}, token=enterprise.token)
    assert submitted.status == 200, submitted.body
    changsha, hengyang = people.staff("unit-430100"), people.staff("unit-430400")

    sign_in(page, changsha)
    page.goto("/review")
    row = page.locator(f'tr[data-application="{app_id}"]')
    eventually(page, lambda: row.count() == 1, "the task in 长沙's queue")
    task_href = row.get_by_role("link").get_attribute("href")
    assert task_href and task_href.startswith("/review/tasks/")

    page.context.clear_cookies()
    sign_in(page, hengyang)
    page.goto("/review")
    page.wait_for_load_state("networkidle")
    expect(page.get_by_test_id("task-count")).to_be_visible()
    page.locator(".el-select:has(#q-status)").click()
    page.get_by_role("option", name="全部").click()
    page.wait_for_load_state("networkidle")
    expect(page.locator(f'tr[data-application="{app_id}"]')).to_have_count(0)
    expect(page.get_by_text("长沙管辖测试科技有限公司")).to_have_count(0)
    page.goto(task_href)
    expect(page.get_by_role("alert")).to_contain_text("您属于衡阳市工业和信息化局", timeout=15_000)
    expect(page.get_by_text("长沙管辖测试科技有限公司")).to_have_count(0)
    # 长沙 closes its task, so the unit's later confirmation (the Hunan 2020 story) has nothing open
    task_id = task_href.rsplit("/", 1)[1]
    closed = api.post(f"/api/v1/tasks/{task_id}/reject", {"reason": "管辖测试：企业申请撤回"}, token=changsha.token)
    assert closed.status == 200, closed.body
    assert PROGRAMME
