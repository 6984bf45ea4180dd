"""The Hunan 2020 小巨人 programme end to end through the gateway's HTTP API only: what
`make demo` does, as the people who use it do it.

Two enterprises (张家界 and 益阳) register and apply: sections, six kinds of attachments
(streamed), pledge, completeness, submission. The city units' reviewers (accounts the
province admin creates) review: 张家界 returns once, the enterprise corrects and
resubmits, 张家界 passes; 益阳 passes. Each unit uploads its signed 推荐汇总表 and confirms. After
the window closes the province admin ranks, recognises, opens the 公示 (public list),
records and dismisses an objection, and publishes. The enterprises find the outcome in
their inbox; the admin downloads the summary workbook; operations staff see health,
queues and deliveries. The programme is recognised once per database: no other module
of the suite recognises it in the shared review database.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "integration" / "gateway"))  # the gateway test client

from gwclient import ADMIN_PASSWORD, ATTACHMENTS, OPS_PASSWORD, Api, ensure_gateway, pdf, sections  # noqa: E402

from harness.wait import until  # noqa: E402
from zjtx.clock import set_clock_file  # noqa: E402
from zjtx.up import Suite  # noqa: E402

PROGRAMME = "hunan-2020-little-giant"
# 张家界 and 益阳: units no other module of the suite uses, so their queues are this module's alone
HY, CS = "unit-430800", "unit-430900"
state: dict[str, Any] = {}


@pytest.fixture(scope="module")
def api(suite: Suite, clock_file: Path) -> Iterator[Api]:
    url = ensure_gateway(suite)
    set_clock_file(clock_file, "2020-05-08T09:00:00+08:00")
    try:
        yield Api(url)
    finally:
        set_clock_file(clock_file, "")


@pytest.fixture(scope="module")
def clock(clock_file: Path) -> Any:
    return lambda at: set_clock_file(clock_file, at)


def ok(answer: Any, status: int = 200) -> Any:
    assert answer.status == status, answer.body
    return answer.body


def test_people_sign_in(api: Api) -> None:
    state["admin"] = api.sign_in_staff("hn-admin", ADMIN_PASSWORD)
    state["ops"] = api.sign_in_staff("ops", OPS_PASSWORD)
    for key, unit in (("hy_reviewer", HY), ("cs_reviewer", CS)):
        account, token = api.create_staff(state["admin"], unit, "reviewer")
        state[key], state[f"{key}_id"] = token, account["account_id"]
    state["hy"] = api.register_enterprise(region="430802", city="430800", name="张家界永定精密机械有限公司")
    state["cs"] = api.register_enterprise(region="430903", city="430900", name="益阳赫山智能装备有限公司")
    # 娄底's unit never decides this one: at publication it expires (issue 18, no application in limbo)
    state["ld"] = api.register_enterprise(region="431302", city="431300", name="娄底娄星新材料有限公司")
    programme = ok(api.get(f"/api/v1/programmes/{PROGRAMME}", token=""))
    assert programme["window"]["closes_at"] == "2020-05-15T23:59:59+08:00"


@pytest.mark.parametrize("key, patents", [("hy", 2), ("cs", 5), ("ld", 1)])
def test_enterprises_fill_in_upload_sign_and_submit(api: Api, key: str, patents: int) -> None:
    enterprise, token = state[key]
    application = ok(api.post("/api/v1/applications", {"programme_id": PROGRAMME}, token=token), 201)
    app_id = application["id"]
    state[f"{key}_app"] = app_id
    refused = api.post(f"/api/v1/applications/{app_id}/submit", {}, token=token)
    assert refused.status in (400, 409) and refused.body["violations"], refused.body
    for section_id, data in sections(patents).items():
        saved = ok(api.put(f"/api/v1/applications/{app_id}/sections/{section_id}", {"data": data}, token=token))
        assert saved["missing"] == [], saved
    for kind, filename, media_type, content in ATTACHMENTS:
        uploaded = api.upload(f"/api/v1/applications/{app_id}/attachments", content, media_type, token=token,
                              params={"kind": kind, "filename": filename})
        assert uploaded["size"] == len(content) and uploaded["media_type"] == media_type
    ok(api.post(f"/api/v1/applications/{app_id}/pledge", {"signer_name": "张三", "signer_title": "法定代表人"},
                token=token))
    complete = ok(api.get(f"/api/v1/applications/{app_id}/completeness", token=token))
    assert complete["submittable"], complete
    submitted = ok(api.post(f"/api/v1/applications/{app_id}/submit", {}, token=token))
    assert submitted["snapshot_version"] == 1


def task_for(api: Api, reviewer: str, app_id: str) -> dict[str, Any]:
    def probe() -> Any:
        tasks = api.get(f"/api/v1/tasks?programme_id={PROGRAMME}", token=reviewer).body.get("tasks", [])
        return next((t for t in tasks if t["application_id"] == app_id), None)

    return until(probe, timeout=90, what=f"the open task of {app_id}")


def test_the_first_unit_returns_the_enterprise_corrects_and_resubmits(api: Api) -> None:
    task = task_for(api, state["hy_reviewer"], state["hy_app"])
    assert task["unit_id"] == HY and task["level"] == 1
    detail = ok(api.get(f"/api/v1/tasks/{task['id']}", token=state["hy_reviewer"]))
    assert detail["sections"]["innovation"]["invention_patents"] == 2
    returned = ok(api.post(f"/api/v1/tasks/{task['id']}/return", {"reasons": [
        {"target_kind": "section", "target": "innovation", "reason": "研发投入占比与财务报表不一致，请核实"}]},
        token=state["hy_reviewer"]))
    assert returned["task"]["status"] == "returned"
    _, token = state["hy"]
    app_id = state["hy_app"]
    application = until(lambda: (lambda a: a if a["status"] == "returned" else None)(
        api.get(f"/api/v1/applications/{app_id}", token=token).body), timeout=90, what="the return to reach the enterprise")
    assert application["corrections"][0]["target"] == "innovation"
    data = sections(2)["innovation"] | {"rnd_expense_ratio_2019": 5.2}
    section = next(s for s in application["sections"] if s["id"] == "innovation")
    ok(api.put(f"/api/v1/applications/{app_id}/sections/innovation",
               {"data": data, "expected_version": section["version"]}, token=token))
    resubmitted = ok(api.post(f"/api/v1/applications/{app_id}/resubmit", {}, token=token))
    assert resubmitted["snapshot_version"] == 2


def test_units_pass_upload_their_summary_tables_and_confirm(api: Api) -> None:
    for reviewer, app_key, unit in (("hy_reviewer", "hy_app", HY), ("cs_reviewer", "cs_app", CS)):
        task = until(lambda r=reviewer, a=app_key: (lambda t: t if t["status"] == "open" else None)(
            task_for(api, state[r], state[a])), timeout=90, what="an open task")
        passed = ok(api.post(f"/api/v1/tasks/{task['id']}/pass", {"opinion": "材料真实完整，同意推荐"},
                             token=state[reviewer]))
        assert passed["task"]["status"] == "passed"
        upload = ok(api.post(f"/api/v1/programmes/{PROGRAMME}/units/{unit}/summaries", data=pdf("summary"),
                             params={"filename": "推荐汇总表.pdf"}, headers={"Content-Type": "application/pdf"},
                             token=state[reviewer]), 201)
        assert state[app_key] in upload["finalised_application_ids"]
        back = api.get(f"/api/v1/programmes/{PROGRAMME}/units/{unit}/summaries/{upload['file_id']}",
                       token=state[reviewer])
        assert back.status == 200 and back.body == pdf("summary")
        confirmed = ok(api.post(f"/api/v1/programmes/{PROGRAMME}/units/{unit}/finalise", token=state[reviewer]))
        assert confirmed["finalised_at"]


def test_the_province_ranks_recognises_and_opens_the_publicity(api: Api, clock: Any) -> None:
    admin = state["admin"]
    clock("2020-05-20T09:00:00+08:00")  # the window and every review closed on 15 May
    status = ok(api.get(f"/api/v1/programmes/{PROGRAMME}/status", token=admin))
    assert status["window_state"] == "closed" and status["reviews_closed"]
    ranking = ok(api.get(f"/api/v1/programmes/{PROGRAMME}/ranking", token=admin))
    ours = [r["application_id"] for r in ranking["ranked"] if r["application_id"] in (state["hy_app"], state["cs_app"])]
    assert ours == [state["cs_app"], state["hy_app"]], ranking  # both 两化融合贯标; more invention patents first
    chosen = [r["application_id"] for r in ranking["ranked"] if r["within_target"]]
    publicity = ok(api.post(f"/api/v1/programmes/{PROGRAMME}/recognition", {"application_ids": chosen}, token=admin))
    assert publicity["state"] == "publicity"
    state["publicity_closes_at"] = publicity["closes_at"]
    public = ok(api.get(f"/api/v1/programmes/{PROGRAMME}/publicity/list", token=""))
    names = {item["enterprise_name"] for item in public["listed"]}
    assert {"张家界永定精密机械有限公司", "益阳赫山智能装备有限公司"} <= names
    assert "objections" not in public and all(set(i) == {"rank", "enterprise_name", "region_name", "industry"}
                                              for i in public["listed"])


def test_an_objection_is_recorded_and_dismissed_then_the_list_is_published(api: Api, clock: Any) -> None:
    admin = state["admin"]
    objection = ok(api.post(f"/api/v1/programmes/{PROGRAMME}/objections", {
        "application_id": state["hy_app"], "objector": "匿名", "content": "该企业发明专利数量存疑"}, token=admin), 201)
    early = api.post(f"/api/v1/programmes/{PROGRAMME}/publish", token=admin)
    assert early.status == 409 and early.code.startswith("publish."), early.body
    resolved = ok(api.post(f"/api/v1/programmes/{PROGRAMME}/objections/{objection['id']}/resolve",
                           {"upheld": False, "resolution": "经核查专利证书真实有效，异议不成立"}, token=admin))
    assert resolved["status"] == "dismissed"
    clock("2020-06-05T09:00:00+08:00")  # after the 7-day 公示
    published = ok(api.post(f"/api/v1/programmes/{PROGRAMME}/publish", token=admin))
    recognised = {r["application_id"] for r in published["recognised"]}
    assert {state["hy_app"], state["cs_app"]} <= recognised
    expired = {r["application_id"]: r for r in published["expired"]}
    assert expired[state["ld_app"]]["cause"] == "undecided" and "未作出审核决定" in expired[state["ld_app"]]["reason"]
    status = ok(api.get(f"/api/v1/programmes/{PROGRAMME}/status", token=admin))
    assert {c["status"] for c in status["counts"]} <= {"recognised", "not_recognised", "rejected", "withdrawn",
                                                       "expired"}, status  # nothing left in limbo


def test_enterprises_read_the_outcome_in_their_inbox_and_application(api: Api) -> None:
    enterprise, token = state["hy"]
    application = until(lambda: (lambda a: a if a["status"] == "recognised" else None)(
        api.get(f"/api/v1/applications/{state['hy_app']}", token=token).body), timeout=90,
        what="the recognition to reach registration")
    assert application["status_label"]
    inbox = until(lambda: (lambda box: box if any(m["event_type"] == "review.recognised" for m in box["messages"])
                           else None)(api.get("/api/v1/inbox", token=token).body), timeout=90,
                  what="the recognition notice in the inbox")
    assert inbox["unread"] >= 1
    marked = ok(api.post("/api/v1/inbox/read", {"all": True}, token=token))
    assert marked["unread"] == 0
    assert ok(api.get("/api/v1/inbox/unread", token=token))["unread"] == 0
    _, ld_token = state["ld"]
    until(lambda: (lambda a: a if a["status"] == "expired" else None)(
        api.get(f"/api/v1/applications/{state['ld_app']}", token=ld_token).body), timeout=90,
        what="the expiry to reach registration")
    until(lambda: any(m["event_type"] == "review.expired" for m in
                      api.get("/api/v1/inbox", token=ld_token).body["messages"]), timeout=90,
          what="the expiry notice in the inbox")
    history = ok(api.get(f"/api/v1/review/applications/{state['hy_app']}/history", token=token))
    actions = [e["action"] for e in history["entries"]]
    assert "returned" in actions and "recognised" in actions
    record = ok(api.get(f"/api/v1/applications/{state['hy_app']}/history", token=token))
    assert any(e["action"] == "submitted" for e in record["entries"])
    # the owning services record who did what, from the caller the gateway asserted
    saved = [e for e in record["entries"] if e["action"] == "section_saved"]
    assert saved and {e["actor"] for e in saved} == {enterprise["id"]} and {e["role"] for e in saved} == {"enterprise"}
    assert next(e for e in history["entries"] if e["action"] == "returned")["actor"] == ""  # reviewers stay anonymous
    seen_by_unit = ok(api.get(f"/api/v1/review/applications/{state['hy_app']}/history", token=state["hy_reviewer"]))
    returned = next(e for e in seen_by_unit["entries"] if e["action"] == "returned")
    assert returned["actor"] == state["hy_reviewer_id"] and returned["unit_id"] == HY


def test_the_admin_gets_the_summary_workbook_and_figures(api: Api) -> None:
    admin = state["admin"]
    made = ok(api.post(f"/api/v1/programmes/{PROGRAMME}/reports", {"kind": "summary_table"}, token=admin), 201)
    assert made["finished"] and made["reports"], made
    report = made["reports"][0]
    answer = api.get(f"/api/v1/reports/{report['id']}/file", token=admin)
    assert answer.status == 200
    assert answer.headers["X-Content-SHA256"] == report["sha256"]
    sheet = openpyxl.load_workbook(io.BytesIO(answer.body)).active
    rows = [[str(c.value) for c in row if c.value is not None] for row in sheet.iter_rows()]
    assert any("推荐汇总表" in cell for cell in rows[0] + rows[1]), rows[:3]
    header = next(row for row in rows if "企业名称" in row)
    assert header[0] == "序号" and "统一社会信用代码" in header, header
    for key in ("hy", "cs"):  # both recommended enterprises, each with its own USCC on its row
        enterprise = state[key][0]
        row = next((r for r in rows if enterprise["name"] in r), None)
        assert row is not None and enterprise["uscc"] in row, (enterprise["name"], rows)
    assert sum(1 for r in rows if r and r[0].isdigit()) == report["rows"]
    figures = until(lambda: (lambda s: s if s.get("applications", 0) >= 2 else None)(
        api.get(f"/api/v1/programmes/{PROGRAMME}/statistics", token=admin).body), timeout=90, what="statistics")
    assert figures["programme_id"] == PROGRAMME
    rows = ok(api.get(f"/api/v1/programmes/{PROGRAMME}/summary-rows?unit_id={HY}", token=state["hy_reviewer"]))
    assert any(r["application_id"] == state["hy_app"] for r in rows["rows"])


def test_operations_staff_watch_health_queues_and_deliveries(api: Api) -> None:
    ops = state["ops"]
    assert ok(api.get("/api/v1/ops/health", token=ops))["status"] == "ok"
    queues = ok(api.get("/api/v1/ops/queues", token=ops))["queues"]
    assert any(q["dead_letter"] for q in queues) and any(not q["dead_letter"] for q in queues)
    deliveries = ok(api.get("/api/v1/ops/deliveries?limit=10", token=ops))
    assert deliveries["total"] >= 1
    assert ok(api.get("/api/v1/ops/deliveries/stats", token=ops))["counts"]
    refused = api.get(f"/api/v1/review/applications/{state['hy_app']}", token=ops)
    assert refused.status == 403  # no application contents for operations staff


def test_recognised_enterprises_file_operating_reports_summed_by_reporting_until_revoked(api: Api, clock: Any) -> None:
    """定期调度 after publication: a recognised enterprise files 2020-Q3 in its window (1-15 October),
    reporting sums it by 市州 and makes the workbook and charts, the unit sees who has not filed, and
    once the other's recognition is revoked registration no longer asks it to report."""
    admin, (_, hy_token), (cs, cs_token) = state["admin"], state["hy"], state["cs"]
    clock("2020-10-05T09:00:00+08:00")
    figures = {"operating_revenue": 3200.5, "total_profit": 210, "rnd_expense": 180, "employees": 96,
               "export_value": 0, "new_invention_patents": 1}
    filed = ok(api.put(f"/api/v1/programmes/{PROGRAMME}/operating-reports/periods/2020-Q3",
                       {"figures": figures, "note": "三季度订单增长"}, token=hy_token))
    assert (filed["basis"], filed["period_label"]) == ("recognised", "2020年第3季度")
    late = ok(api.get(f"/api/v1/programmes/{PROGRAMME}/operating-reports/late-filers?period=2020-Q3",
                      token=state["cs_reviewer"]))
    assert [f["enterprise_id"] for f in late["late"]] == [cs["id"]] and not late["window_closed"]
    sums = until(lambda: (lambda s: s if s.get("rows") else None)(api.get(
        f"/api/v1/programmes/{PROGRAMME}/operating-statistics?group_by=city", token=admin).body), timeout=90,
        what="the report in reporting's sums")
    assert [(r["period"], r["key"], r["reports"], r["totals"]["operating_revenue"]) for r in sums["rows"]] == [
        ("2020-Q3", "430800", 1, "3200.5")]
    assert ok(api.get(f"/api/v1/programmes/{PROGRAMME}/operating-statistics", token=state["cs_reviewer"]))["rows"] == []
    made = ok(api.post(f"/api/v1/programmes/{PROGRAMME}/reports", {"kind": "operating_reports", "group_by": "focus"},
                       token=state["hy_reviewer"]), 201)
    assert {r["format"] for r in made["reports"]} == {"xlsx", "png", "svg"}
    assert api.get(f"/api/v1/reports/{made['reports'][0]['id']}/file", token=state["cs_reviewer"]).status == 403

    ok(api.post(f"/api/v1/recognitions/{PROGRAMME}:{cs['id']}/revoke", {"reason": "发生重大安全生产事故"}, token=admin))
    refused = until(lambda: (lambda a: a if a.status == 403 else None)(api.put(
        f"/api/v1/programmes/{PROGRAMME}/operating-reports/periods/2020-Q3", {"figures": figures}, token=cs_token)),
        timeout=90, what="the revocation to reach registration")
    assert refused.code == "report.not_due" and "已撤销" in refused.body["message"]
    # 长沙's view (the session's other modules may have recognised enterprises of other units): no one due
    after = ok(api.get(f"/api/v1/programmes/{PROGRAMME}/operating-reports/late-filers?period=2020-Q3",
                       token=state["cs_reviewer"]))
    assert after["late"] == [] and after["due"] == 0
