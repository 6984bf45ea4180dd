"""The Hunan 2020 小巨人 programme clicked end to end in the browser, on the notice's dates:
an enterprise of 长沙 signs up, fills every section, uploads every attachment, signs and
submits; 长沙's reviewer returns it with a reason; the enterprise corrects and resubmits; the
reviewer passes it; the unit downloads its 推荐汇总表, uploads the signed scan and confirms; the
province administrator ranks, recognises, opens the 公示, dismisses an objection and publishes;
the public page lists the recognised enterprise. (This module recognises the programme: it runs
last in the browser session, which has a database of its own.)"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

from flows import (
    PROGRAMME,
    SLOW,
    choose,
    eventually,
    fill_every_section,
    fill_section,
    programme,
    save_section,
    sign_and_submit,
    sign_in_page,
    sign_out,
    upload_attachments,
)
from playwright.sync_api import Browser, expect

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "integration" / "gateway"))
from gwclient import ADMIN_PASSWORD, ATTACHMENTS, PASSWORD, sections  # noqa: E402

from harness.files import pdf  # noqa: E402

BASE_NAME = "长沙岳麓精工智能装备有限公司"


def test_the_hunan_2020_programme_clicked_end_to_end(browser: Browser, browser_context_args: dict[str, Any],
                                                      people: Any, api: Any, clock: Any) -> None:
    definition = programme(api)
    reviewer = people.staff("unit-430100")
    clock("2020-05-08T09:00:00+08:00")

    # -- the enterprise signs up, fills every section, uploads, signs and submits
    enterprise = browser.new_context(**browser_context_args)
    page = enterprise.new_page()
    uscc = people.new_uscc("430100")
    name = f"{BASE_NAME}（{uscc[-6:-1]}）"  # one of its kind, even in a database that is not new
    page.goto("/signup")
    page.locator("#uscc").fill(uscc)
    expect(page.get_by_test_id("uscc-ok")).to_contain_text("长沙市", timeout=SLOW)
    page.locator("#name").fill(name)
    choose(page, "region_code", "岳麓区（430104）")
    page.locator("#industry").fill("专用设备制造业")
    page.locator("#person").fill("王五")
    page.locator("#mobile").fill("13900001111")
    page.locator("#email").fill("wangwu@example.cn")
    page.locator("#password").fill(PASSWORD)
    page.locator("#confirm").fill(PASSWORD)
    expect(page.get_by_role("region", name="个人信息保护告知")).to_contain_text("加密方式存储", timeout=SLOW)
    page.locator("#privacy").check()  # the notice is accepted by its version (PIPL art. 14)
    page.get_by_role("button", name="同意并注册").click()
    page.wait_for_url("**/apply", timeout=SLOW)
    page.get_by_test_id("new-application").click()
    page.wait_for_url(re.compile(r"/apply/[^/]+$"), timeout=SLOW)
    app_id = page.url.rsplit("/", 1)[1]
    data = sections(3)
    fill_every_section(page, definition, data)
    expect(page.get_by_test_id("live-progress")).to_contain_text("100%")
    upload_attachments(page, ATTACHMENTS)
    sign_and_submit(page, signer="王五")

    # -- 长沙's reviewer returns it with a reason
    desk = browser.new_context(**browser_context_args)
    review = desk.new_page()
    sign_in_page(review, reviewer.login, reviewer.password, staff=True)
    review.goto("/review")
    row = review.locator(f'tr[data-application="{app_id}"]')
    eventually(review, lambda: row.count() == 1, "the submitted application in 长沙's queue")
    row.get_by_role("link", name=name).click()
    expect(review.get_by_test_id("task-status")).to_contain_text("审核截止：2020-05-15 23:59:59（北京时间）")
    expect(review.get_by_test_id("time-left")).to_contain_text("还剩 7天")  # by the platform's clock (X-ZJTX-Now)
    expect(review.get_by_test_id("preview")).to_be_visible(timeout=SLOW)  # the first attachment, in the page
    review.get_by_role("button", name="厂区.png").click()
    expect(review.get_by_test_id("preview").locator("img")).to_be_visible(timeout=SLOW)
    review.get_by_text("退回修改", exact=True).click()
    review.get_by_test_id("decide").click()  # no reason yet: refused at the field
    expect(review.locator("#d-reason .error")).to_contain_text("须填写理由")
    choose(review, "d-target-select", "栏目：创新能力")
    review.locator("#d-reason-input").fill("研发投入占比与财务报表不一致，请核实")
    review.get_by_test_id("decide").click()
    expect(review.get_by_test_id("decided")).to_contain_text("已退回", timeout=SLOW)

    # -- the enterprise reads the reason, corrects and resubmits
    page.goto(f"/apply/{app_id}/status")
    eventually(page, lambda: page.get_by_test_id("return-reasons").count() == 1, "the return at the enterprise")
    expect(page.get_by_test_id("return-reasons")).to_contain_text("研发投入占比与财务报表不一致")
    expect(page.get_by_test_id("inbox-link")).to_contain_text("未读")
    page.get_by_role("link", name="修改并重新提交").click()
    expect(page.get_by_test_id("corrections")).to_contain_text("创新能力")
    innovation = next(s for s in definition["sections"] if s["id"] == "innovation")
    fill_section(page, innovation, {"rnd_expense_ratio_2019": "5.2"})
    save_section(page, "创新能力")
    sign_and_submit(page, resubmit=True)

    # -- the reviewer passes the corrected application
    review.goto("/review")
    eventually(review, lambda: row.count() == 1 and "重新提交" in row.inner_text(), "the resubmitted application")
    row.get_by_role("link", name=name).click()
    expect(review.locator('[data-field="innovation.rnd_expense_ratio_2019"]')).to_contain_text("5.2")
    review.get_by_text("通过", exact=True).click()
    review.locator("#d-opinion").fill("材料真实完整，同意推荐")
    review.get_by_test_id("decide").click()
    expect(review.get_by_test_id("decided")).to_contain_text("已通过", timeout=SLOW)

    # -- the unit downloads its table, uploads the signed scan, confirms
    review.goto("/review/summary")
    eventually(review, lambda: review.get_by_test_id("pending-summary").inner_text().strip() not in ("", "0"),
               "the passed application waiting for the signed table")
    with review.expect_download(timeout=90_000) as table:
        review.get_by_test_id("download-draft").click()
    assert table.value.suggested_filename.endswith(".xlsx")
    assert Path(table.value.path()).read_bytes()[:2] == b"PK"
    review.locator("#scan").set_input_files(files=[{"name": "推荐汇总表-签字.pdf", "mimeType": "application/pdf",
                                                    "buffer": pdf("signed summary")}])
    expect(review.get_by_test_id("summary-message")).to_contain_text("已上传", timeout=SLOW)
    review.get_by_test_id("finalise").click()
    expect(review.get_by_test_id("finalised")).to_contain_text("2020-05", timeout=SLOW)

    # -- the province ranks, recognises, opens the 公示, dismisses an objection, publishes
    clock("2020-05-20T09:00:00+08:00")
    province = browser.new_context(**browser_context_args)
    admin = province.new_page()
    sign_in_page(admin, "hn-admin", api.staff_password("hn-admin", ADMIN_PASSWORD), staff=True)
    admin.goto("/admin")
    expect(admin.get_by_test_id("programme-status")).to_contain_text("已关闭", timeout=SLOW)
    admin.get_by_role("tab", name="排序与认定").click()
    admin.get_by_test_id("rank").click()
    ranked = admin.get_by_role("table", name="排序结果")
    expect(ranked).to_contain_text(name, timeout=SLOW)
    expect(admin.get_by_role("checkbox", name=f"认定 {name}")).to_be_checked()
    admin.get_by_test_id("recognise").click()
    expect(admin.get_by_test_id("admin-message")).to_contain_text("进入公示", timeout=SLOW)

    public = browser.new_context(**browser_context_args).new_page()
    public.goto(f"/public/{PROGRAMME}")
    expect(public.get_by_test_id("public-list")).to_contain_text(name, timeout=SLOW)

    choose(admin, "o-app", name)
    admin.locator("#o-objector").fill("匿名")
    admin.locator("#o-content").fill("该企业发明专利数量存疑")
    admin.get_by_test_id("add-objection").click()
    expect(admin.get_by_test_id("admin-message")).to_contain_text("已登记异议", timeout=SLOW)
    objection = admin.locator("[data-objection]").filter(has_text="该企业发明专利数量存疑")
    objection.locator("input").fill("经核查专利证书真实有效，异议不成立")
    objection.get_by_test_id("dismiss").click()
    expect(admin.get_by_test_id("admin-message")).to_contain_text("异议不成立", timeout=SLOW)
    clock("2020-06-05T09:00:00+08:00")  # after the 7-day 公示
    admin.get_by_test_id("publish").click()
    expect(admin.get_by_test_id("admin-message")).to_contain_text("已发布认定名单", timeout=SLOW)
    with admin.expect_download(timeout=90_000) as recognition_list:
        admin.get_by_role("button", name="下载认定名单").click()
    assert recognition_list.value.suggested_filename.endswith(".xlsx")
    assert Path(recognition_list.value.path()).read_bytes()[:2] == b"PK"

    # -- the public page lists the recognised enterprise, without signing in
    public.reload()
    expect(public.get_by_text("认定名单已于")).to_be_visible(timeout=SLOW)
    expect(public.get_by_test_id("public-list")).to_contain_text(name)
    sign_out(page)
    for context in (enterprise, desk, province, public.context):
        context.close()
