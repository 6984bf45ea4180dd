"""The authorisation matrix: every endpoint × every role, on one's own resource and on
someone else's, with the expected status in every cell.

Actors (columns): ``anon`` (no token); ``ent`` enterprise A and ``ent_other`` enterprise
B acting on A's resources; ``rev`` a reviewer of 衡阳市 (the unit A's application is
routed to) and ``rev_other`` a reviewer of 长沙市; ``adm`` the admin of 湖南省工业和
信息化厅 (owner of the programme, above 衡阳) and ``adm_other`` an admin of 长沙市;
``ops`` operations staff. Paths always name A's application, 衡阳's task and unit and
the Hunan programme. Allowed cells are asked in a way that passes every check and then
meets a harmless, deterministic domain answer (a blank opinion, an already submitted
application, a window not yet closed), so the table's order does not matter except for
the last row (withdrawal).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import pytest
from gwclient import ADMIN_PASSWORD, OPS_PASSWORD, PASSWORD, PNG, Api, fresh_uscc, pdf

from gateway.api.privacy import VERSION as PRIVACY_NOTICE
from harness.wait import until
from zjtx.clock import set_clock_file

PROGRAMME = "hunan-2020-little-giant"
HY, CS = "unit-430400", "unit-430100"
ACTORS = ("anon", "ent", "ent_other", "rev", "rev_other", "adm", "adm_other", "ops", "sec", "aud")
FAMILY = {"ent": "ent", "ent_other": "ent", "rev": "rev", "rev_other": "rev", "adm": "adm", "adm_other": "adm"}
_serial = itertools.count(1)


def cells(anon: int = 401, ent: int = 403, ent_other: int | None = None, rev: int = 403, rev_other: int | None = None,
          adm: int = 403, adm_other: int | None = None, ops: int = 403, sec: int = 403, aud: int = 403
          ) -> dict[str, int]:
    """One row's expectations; an ``*_other`` left out is 403 (someone else's resource)."""
    return {"anon": anon, "ent": ent, "ent_other": 403 if ent_other is None else ent_other, "rev": rev,
            "rev_other": 403 if rev_other is None else rev_other, "adm": adm,
            "adm_other": 403 if adm_other is None else adm_other, "ops": ops, "sec": sec, "aud": aud}


ALL = dict.fromkeys(ACTORS, 200)
SIGNED_IN = {**dict.fromkeys(ACTORS, 200), "anon": 401}
PEOPLE_OWN = cells(ent=200, rev=200, adm=200)
STAFF_VIEW = cells(ent=200, rev=200, adm=200)  # the application's enterprise, its unit, the owner above
OWNER_ADMIN = cells(adm=200)
OPS_ONLY = cells(ops=200)


def account_body(w: dict[str, Any]) -> dict[str, Any]:
    name = f"m{next(_serial)}-{fresh_uscc()[-6:].lower()}"
    return {"username": name, "name": "矩阵测试", "email": f"{name}@example.cn", "role": "reviewer",
            "initial_password": PASSWORD}


def admin_account_body(w: dict[str, Any]) -> dict[str, Any]:
    return {**account_body(w), "role": "admin"}


def administrator_body(w: dict[str, Any]) -> dict[str, Any]:
    name = f"a{next(_serial)}-{fresh_uscc()[-6:].lower()}"
    return {"username": name, "name": "矩阵审计员", "email": f"{name}@example.cn", "role": "audit_admin",
            "initial_password": PASSWORD}


def registration_body(w: dict[str, Any]) -> dict[str, Any]:
    return {"uscc": fresh_uscc(), "name": "矩阵注册测试有限公司", "region_code": "430405", "industry": "通用设备制造业",
            "contact": {"person": "王五", "mobile": "13700137000", "email": "w@example.cn"}, "password": PASSWORD,
            "privacy_notice_version": PRIVACY_NOTICE}


# (operation id, method, path, request (json body, or ("raw", media type, bytes)), expected, query)
ROWS: list[tuple[str, str, str, Any, dict[str, int], dict[str, Any]]] = [
    ("signInEnterprise", "POST", "/api/v1/sessions/enterprise", lambda w: {"uscc": w["uscc_a"], "password": PASSWORD},
     ALL, {}),
    ("signInStaff", "POST", "/api/v1/sessions/staff", lambda w: {"username": "ops", "password": w["ops_password"]},
     ALL, {}),
    # the TOTP steps are public: a challenge nobody was given is 401 for everyone
    ("enrolSecondFactor", "POST", "/api/v1/sessions/staff/enrolment", {"challenge": "no-such-challenge"},
     dict.fromkeys(ACTORS, 401), {}),
    ("confirmSecondFactor", "POST", "/api/v1/sessions/staff/second-factor",
     {"challenge": "no-such-challenge", "code": "000000"}, dict.fromkeys(ACTORS, 401), {}),
    ("getMe", "GET", "/api/v1/me", None, SIGNED_IN, {}),
    ("requestPasswordReset", "POST", "/api/v1/password-resets", lambda w: {"uscc": w["uscc_a"], "channel": "email"},
     dict.fromkeys(ACTORS, 202), {}),
    ("confirmPasswordReset", "POST", "/api/v1/password-resets/confirm",
     lambda w: {"uscc": w["uscc_a"], "code": "000000", "new_password": "Xinmima-2099"}, dict.fromkeys(ACTORS, 409), {}),
    ("setAccountState", "PUT", "/api/v1/units/{hy}/accounts/no-such-account/state", {"enabled": True, "reason": "矩阵"},
     cells(adm=404), {}),
    # 三员分立: the audit administrator alone reads the audit; the security administrator alone creates
    # administrators (an admin account of any unit, a security or audit administrator), unlocks and resets
    ("listAudit", "GET", "/api/v1/audit", None, cells(aud=200), {"limit": 5}),
    ("exportAudit", "GET", "/api/v1/audit/export", None, cells(aud=200), {"limit": 5}),
    ("createAccount", "POST", "/api/v1/units/{hy}/accounts", admin_account_body, cells(sec=201), {}),
    ("createAdministrator", "POST", "/api/v1/administrators", administrator_body, cells(sec=201), {}),
    ("unlockAccount", "POST", "/api/v1/accounts/unlock", {"username": "ops"}, cells(sec=204), {}),
    ("resetStaffPassword", "PUT", "/api/v1/accounts/password",
     {"username": "no-such-staff", "initial_password": "Chongshe-2099"}, cells(sec=404), {}),
    ("changePassword", "PUT", "/api/v1/me/password", {"current_password": "Wrong-current-1", "new_password": "Xinmima-2099"},
     {**dict.fromkeys(ACTORS, 400), "anon": 401}, {}),
    ("getUnit", "GET", "/api/v1/units/{hy}", None, cells(rev=200, adm=200), {}),
    ("createAccount", "POST", "/api/v1/units/{hy}/accounts", account_body, cells(adm=201), {}),
    ("registerEnterprise", "POST", "/api/v1/enterprises", registration_body, dict.fromkeys(ACTORS, 201), {}),
    ("getPrivacyNotice", "GET", "/api/v1/privacy-notice", None, ALL, {}),
    ("checkUscc", "GET", "/api/v1/uscc/check", None, ALL, {"uscc": "91430400MA4L0000X1", "region_code": "430405"}),
    ("listDivisions", "GET", "/api/v1/divisions", None, ALL, {"parent": "430400"}),
    ("getMyEnterprise", "GET", "/api/v1/enterprise", None, cells(ent=200, ent_other=200), {}),
    ("getEnterprise", "GET", "/api/v1/enterprises/{ent_a}", None, cells(ent=200), {}),
    # the system administrators (any unit: an instance-wide act) reach registration, which refuses within the
    # archive period (the world's clock is 2020): 409 naming the date; everyone else is refused at the gateway
    ("erasePersonalData", "POST", "/api/v1/enterprises/{ent_a}/personal-data-erasure", {"reason": "矩阵测试"},
     cells(adm=409, adm_other=409), {}),
    ("updateMyEnterprise", "PUT", "/api/v1/enterprise", {
        "expected_version": 999, "name": "新名称有限公司", "region_code": "430405", "industry": "通用设备制造业",
        "contact": {"person": "王五", "mobile": "13700137000", "email": "w@example.cn"}},
     cells(ent=409, ent_other=409), {}),
    ("createApplication", "POST", "/api/v1/applications", {"programme_id": PROGRAMME}, cells(ent=409, ent_other=409), {}),
    ("listApplications", "GET", "/api/v1/applications", None, cells(ent=200, ent_other=200), {}),
    ("getApplication", "GET", "/api/v1/applications/{app_a}", None, cells(ent=200), {}),
    ("saveSection", "PUT", "/api/v1/applications/{app_a}/sections/basic", {"data": {}}, cells(ent=409), {}),
    ("getCompleteness", "GET", "/api/v1/applications/{app_a}/completeness", None, cells(ent=200), {}),
    ("uploadAttachment", "POST", "/api/v1/applications/{app_a}/attachments", ("raw", "image/png", PNG),
     cells(ent=409), {"kind": "photos", "filename": "厂区.png"}),
    ("listAttachments", "GET", "/api/v1/applications/{app_a}/attachments", None, STAFF_VIEW, {}),
    ("removeAttachment", "DELETE", "/api/v1/applications/{app_a}/attachments/{att_a}", None, cells(ent=409), {}),
    ("downloadAttachment", "GET", "/api/v1/applications/{app_a}/attachments/{att_a}/file", None, STAFF_VIEW, {}),
    ("signPledge", "POST", "/api/v1/applications/{app_a}/pledge", {"signer_name": "张三"}, cells(ent=409), {}),
    ("submitApplication", "POST", "/api/v1/applications/{app_a}/submit", {}, cells(ent=200), {}),
    ("resubmitApplication", "POST", "/api/v1/applications/{app_a}/resubmit", {}, cells(ent=409), {}),
    ("getSnapshot", "GET", "/api/v1/applications/{app_a}/snapshot", None, STAFF_VIEW, {}),
    ("getApplicationHistory", "GET", "/api/v1/applications/{app_a}/history", None, STAFF_VIEW, {}),
    # the Hunan 2020 programme has no rubric: every allowed caller meets assessment.no_rubric (409)
    ("assessForm", "POST", f"/api/v1/programmes/{PROGRAMME}/assessment", {"sections": {}},
     cells(ent=409, ent_other=409, rev=409, rev_other=409, adm=409, adm_other=409), {}),
    ("assessApplication", "GET", "/api/v1/applications/{app_a}/assessment", None, cells(ent=409, rev=409, adm=409), {}),
    # each unit's staff read the pool of their own unit's division (Hengyang's, Changsha's, the province's)
    ("listReserve", "GET", "/api/v1/reserve", None, cells(rev=200, rev_other=200, adm=200, adm_other=200), {}),
    ("exportReserve", "GET", "/api/v1/reserve/export", None, cells(rev=200, rev_other=200, adm=200, adm_other=200),
     {}),
    # recognitions: staff read their unit's (none yet here), an enterprise its own; revoking an unknown record
    ("listRecognitions", "GET", "/api/v1/recognitions", None,
     cells(ent=200, ent_other=200, rev=200, rev_other=200, adm=200, adm_other=200), {}),
    ("revokeRecognition", "POST", "/api/v1/recognitions/hunan-2020-little-giant:nobody/revoke", {"reason": "测试"},
     cells(adm=404, adm_other=404), {}),
    ("selectTypicalCase", "POST", "/api/v1/recognitions/hunan-2020-little-giant:nobody/typical-case",
     {"title": "案例", "summary": "简介"}, cells(adm=404, adm_other=404), {}),
    ("listTypicalCases", "GET", "/api/v1/typical-cases", None, ALL, {"owner": "430000"}),
    # each admin recommends its own unit's 白名单 (none recognised yet here: an empty batch)
    ("recommendWhitelist", "POST", "/api/v1/whitelist", {"note": "矩阵测试"}, cells(adm=200, adm_other=200), {}),
    # 定期调度: A's application is not recognised, so it is not due to report (403 from registration)
    ("submitOperatingReport", "PUT", f"/api/v1/programmes/{PROGRAMME}/operating-reports/periods/2020-Q2",
     {"figures": {"employees": 1}}, cells(ent=403, ent_other=403), {}),
    ("listOperatingReports", "GET", f"/api/v1/programmes/{PROGRAMME}/operating-reports", None,
     cells(ent=200, ent_other=200, rev=200, rev_other=200, adm=200, adm_other=200), {}),
    ("listLateFilers", "GET", f"/api/v1/programmes/{PROGRAMME}/operating-reports/late-filers", None,
     cells(rev=200, rev_other=200, adm=200, adm_other=200), {}),
    ("listProgrammes", "GET", "/api/v1/programmes", None, ALL, {}),
    ("getProgramme", "GET", f"/api/v1/programmes/{PROGRAMME}", None, ALL, {}),
    ("listProgrammeVersions", "GET", f"/api/v1/programmes/{PROGRAMME}/versions", None, OWNER_ADMIN, {}),
    # the id exists and the version is not current: the allowed cell is refused by review, nothing changes
    ("createProgramme", "POST", "/api/v1/programmes", {
        "programme_id": PROGRAMME, "from_programme_id": PROGRAMME, "year": 2020, "opens_at": "2020-03-30T00:00:00+08:00",
        "closes_at": "2020-05-15T23:59:59+08:00", "reason": "矩阵"}, cells(adm=409), {}),
    ("amendProgramme", "PATCH", f"/api/v1/programmes/{PROGRAMME}",
     {"expected_version": 999, "reason": "矩阵", "changes": {"target_count": 300}}, cells(adm=409), {}),
    ("listUnits", "GET", "/api/v1/unit-directory", None, cells(rev=200, rev_other=200, adm=200, adm_other=200), {}),
    # a stale version: the province admin's cell is refused by review (409), a city's admin may not (403)
    ("amendUnits", "PATCH", "/api/v1/unit-directory",
     {"expected_version": 999, "reason": "矩阵", "units": [{"id": "unit-430400", "name": "衡阳市工信局"}]},
     cells(adm=409), {}),
    ("listUnitVersions", "GET", "/api/v1/unit-directory/versions", None, OWNER_ADMIN, {}),
    ("listTasks", "GET", "/api/v1/tasks", None, cells(rev=200, adm=200), {"unit_id": HY}),
    ("getTask", "GET", "/api/v1/tasks/{task_a}", None, cells(rev=200, adm=200), {}),
    ("passTask", "POST", "/api/v1/tasks/{task_a}/pass", {"opinion": "   "}, cells(rev=400), {}),
    ("returnTask", "POST", "/api/v1/tasks/{task_a}/return",
     {"reasons": [{"target_kind": "section", "target": "no_such_section", "reason": "请核实"}]}, cells(rev=400), {}),
    ("rejectTask", "POST", "/api/v1/tasks/{task_a}/reject", {"reason": "   "}, cells(rev=400), {}),
    ("getReviewRecord", "GET", "/api/v1/review/applications/{app_a}", None, STAFF_VIEW, {}),
    ("listHistory", "GET", "/api/v1/review/applications/{app_a}/history", None, STAFF_VIEW, {}),
    ("retryRouting", "POST", "/api/v1/review/applications/{app_a}/retry-routing", None, cells(adm=409), {}),
    ("listUnroutable", "GET", f"/api/v1/programmes/{PROGRAMME}/unroutable", None, OWNER_ADMIN, {}),
    ("listCityRecommendations", "GET", f"/api/v1/programmes/{PROGRAMME}/city-recommendations", None, OWNER_ADMIN, {}),
    ("getUnitProgress", "GET", f"/api/v1/programmes/{PROGRAMME}/units/{{hy}}/progress", None, cells(rev=200, adm=200), {}),
    ("finaliseUnit", "POST", f"/api/v1/programmes/{PROGRAMME}/units/{{hy}}/finalise", None, cells(rev=409), {}),
    ("uploadSummary", "POST", f"/api/v1/programmes/{PROGRAMME}/units/{{hy}}/summaries",
     ("raw", "application/pdf", pdf("matrix")), cells(rev=201), {"filename": "推荐汇总表.pdf"}),
    ("downloadSummary", "GET", f"/api/v1/programmes/{PROGRAMME}/units/{{hy}}/summaries/{{file_hy}}", None,
     cells(rev=200, adm=200), {}),
    ("getProgrammeStatus", "GET", f"/api/v1/programmes/{PROGRAMME}/status", None, OWNER_ADMIN, {}),
    ("rankRecommended", "GET", f"/api/v1/programmes/{PROGRAMME}/ranking", None, OWNER_ADMIN, {}),
    ("recognise", "POST", f"/api/v1/programmes/{PROGRAMME}/recognition", lambda w: {"application_ids": [w["app_a"]]},
     cells(adm=409), {}),
    ("getPublicity", "GET", f"/api/v1/programmes/{PROGRAMME}/publicity", None, OWNER_ADMIN, {}),
    ("getPublicList", "GET", f"/api/v1/programmes/{PROGRAMME}/publicity/list", None, ALL, {}),
    ("recordObjection", "POST", f"/api/v1/programmes/{PROGRAMME}/objections",
     lambda w: {"application_id": w["app_a"], "content": "异议内容"}, cells(adm=409), {}),
    ("resolveObjection", "POST", f"/api/v1/programmes/{PROGRAMME}/objections/no-such-objection/resolve",
     {"upheld": False, "resolution": "不成立"}, cells(adm=404), {}),
    ("publish", "POST", f"/api/v1/programmes/{PROGRAMME}/publish", None, cells(adm=409), {}),
    ("amendRecognition", "POST", f"/api/v1/programmes/{PROGRAMME}/recognition/amendments",
     {"remove_application_ids": ["no-such-application"], "reason": "矩阵"}, cells(adm=409), {}),
    ("getStatistics", "GET", f"/api/v1/programmes/{PROGRAMME}/statistics", None,
     cells(rev=200, rev_other=200, adm=200, adm_other=200), {}),
    ("getOperatingStatistics", "GET", f"/api/v1/programmes/{PROGRAMME}/operating-statistics", None,
     cells(rev=200, rev_other=200, adm=200, adm_other=200), {"group_by": "focus"}),
    ("getSummaryRows", "GET", f"/api/v1/programmes/{PROGRAMME}/summary-rows", None, cells(rev=200, adm=200),
     {"unit_id": HY}),
    ("generateReport", "POST", f"/api/v1/programmes/{PROGRAMME}/reports", {"kind": "summary_table", "unit_id": HY},
     cells(rev=201, adm=201), {}),
    ("listReports", "GET", f"/api/v1/programmes/{PROGRAMME}/reports", None, cells(rev=200, adm=200), {"unit_id": HY}),
    ("getReport", "GET", "/api/v1/reports/{report_hy}", None, cells(rev=200, adm=200), {}),
    ("downloadReport", "GET", "/api/v1/reports/{report_hy}/file", None, cells(rev=200, adm=200), {}),
    # reporting shows a run only to whoever started it, and answers 404 to everyone else
    ("getReportJob", "GET", "/api/v1/report-jobs/{job_hy}", None,
     cells(ent=404, ent_other=404, rev=200, rev_other=404, adm=404, adm_other=404), {}),
    ("listInboxes", "GET", "/api/v1/inbox/boxes", None, {**PEOPLE_OWN, "ent_other": 200, "rev_other": 200,
                                                          "adm_other": 200}, {}),
    ("listInbox", "GET", "/api/v1/inbox", None, PEOPLE_OWN, {"box": "{box}"}),
    ("countUnread", "GET", "/api/v1/inbox/unread", None, PEOPLE_OWN, {"box": "{box}"}),
    ("markRead", "POST", "/api/v1/inbox/read", lambda w: {"box": w["box"], "all": True},
     PEOPLE_OWN, {}),
    ("getPreferences", "GET", "/api/v1/inbox/preferences", None, PEOPLE_OWN, {"box": "{box}"}),
    ("setPreferences", "PUT", "/api/v1/inbox/preferences",
     lambda w: {"box": w["box"], "settings": [{"channel": "inbox", "enabled": True}]}, PEOPLE_OWN, {}),
    ("countEnterprises", "GET", "/api/v1/statistics/enterprises", None, cells(adm=200, ops=200), {"region_prefix": "4304"}),
    ("opsHealth", "GET", "/api/v1/ops/health", None, OPS_ONLY, {}),
    ("opsQueues", "GET", "/api/v1/ops/queues", None, OPS_ONLY, {}),
    ("opsDeliveries", "GET", "/api/v1/ops/deliveries", None, OPS_ONLY, {"state": "failed"}),
    ("opsRetryDelivery", "POST", "/api/v1/ops/deliveries/no-such-delivery/retry", None, cells(ops=404), {}),
    ("opsDeliveryStats", "GET", "/api/v1/ops/deliveries/stats", None, OPS_ONLY, {}),
    ("opsRebuildReporting", "POST", "/api/v1/ops/reporting/rebuild", None, OPS_ONLY, {}),
    # last: the only allowed cell that changes state for good
    ("withdrawApplication", "POST", "/api/v1/applications/{app_a}/withdraw", {"reason": "矩阵测试撤回"}, cells(ent=200), {}),
]
SPECIAL = {"signOut"}  # revokes the token it is called with: fresh sessions, below


@pytest.fixture(scope="module")
def world(api: Api, province_admin: str, ops: str, clock_file: Any) -> Any:
    set_clock_file(clock_file, "2020-05-10T10:00:00+08:00")  # the Hunan window is open
    try:
        ent_a, token_a = api.register_enterprise(region="430405", city="430400")
        ent_b, token_b = api.register_enterprise(region="430405", city="430400")
        app_a = api.apply(token_a)
        created_b = api.post("/api/v1/applications", {"programme_id": PROGRAMME}, token=token_b)
        assert created_b.status == 201, created_b.body
        _, rev = api.create_staff(province_admin, HY, "reviewer")
        _, rev_other = api.create_staff(province_admin, CS, "reviewer")
        _, adm_other = api.create_staff(province_admin, CS, "admin")

        def open_task() -> Any:
            tasks = api.get("/api/v1/tasks", params={"programme_id": PROGRAMME}, token=rev).body.get("tasks", [])
            return next((t for t in tasks if t["application_id"] == app_a), None)

        task = until(open_task, timeout=90, what="A's task at 衡阳")
        attachment = api.get(f"/api/v1/applications/{app_a}/attachments", token=token_a).body["attachments"][0]
        summary = api.upload(f"/api/v1/programmes/{PROGRAMME}/units/{HY}/summaries", pdf("first"), "application/pdf",
                             params={"filename": "汇总表.pdf"}, token=rev)
        report = api.post(f"/api/v1/programmes/{PROGRAMME}/reports", {"kind": "summary_table", "unit_id": HY},
                          token=rev)
        assert report.status == 201, report.body
        tokens = {"anon": "", "ent": token_a, "ent_other": token_b, "rev": rev, "rev_other": rev_other,
                  "adm": province_admin, "adm_other": adm_other, "ops": ops, "sec": api.security_admin(),
                  "aud": api.audit_admin()}
        values = {"hy": HY, "ent_a": ent_a["id"], "uscc_a": ent_a["uscc"], "app_a": app_a, "task_a": task["id"],
                  "att_a": attachment["id"], "file_hy": summary["file_id"], "report_hy": report.body["reports"][0]["id"],
                  "job_hy": report.body["job_id"], "ops_password": api.staff_password("ops", OPS_PASSWORD)}
        boxes = {"ent": f"enterprise:{ent_a['id']}", "rev": f"unit:{HY}", "adm": f"admin:{PROGRAMME}"}
        yield tokens, values, boxes
    finally:
        set_clock_file(clock_file, "")


def send(api: Api, world: Any, actor: str, method: str, path: str, request: Any, query: dict[str, Any]) -> Any:
    tokens, values, boxes = world
    here = {**values, "box": boxes.get(FAMILY.get(actor, ""), f"enterprise:{values['ent_a']}")}
    body = request(here) if isinstance(request, Callable) else request
    params = {k: str(v).format(**here) for k, v in query.items()}
    target = path.format(**here)
    if isinstance(body, tuple) and body[0] == "raw":
        return api.request(method, target, data=body[2], headers={"Content-Type": body[1]}, params=params,
                           token=tokens[actor])
    return api.request(method, target, json=body, params=params or None, token=tokens[actor])


def test_every_route_is_in_the_matrix() -> None:
    from gateway.api import build_registry

    assert {r.operation_id for r in build_registry()} == {row[0] for row in ROWS} | SPECIAL


def test_the_matrix(api: Api, world: Any) -> None:
    mismatches = []
    for operation_id, method, path, request, expected, query in ROWS:
        # the resource's own actor last: a denied attempt must never depend on what the allowed one did
        for actor in sorted(ACTORS, key=lambda a: expected[a] < 300):
            answer = send(api, world, actor, method, path, request, query)
            if answer.status != expected[actor]:
                mismatches.append(f"{operation_id} as {actor}: expected {expected[actor]}, got {answer.status} "
                                  f"{answer.body if isinstance(answer.body, dict) else ''}")
            elif answer.status in (401, 403):
                assert answer.body["message"] and answer.body["code"], (operation_id, actor)
    assert not mismatches, "\n".join(mismatches)


def test_sign_out_for_every_role(api: Api, world: Any, province_admin: str) -> None:
    assert api.delete("/api/v1/session", token="").status == 401
    fresh = {
        "enterprise": api.sign_in_enterprise(world[1]["uscc_a"]),
        "admin": api.sign_in_staff("hn-admin", ADMIN_PASSWORD),
        "operations": api.sign_in_staff("ops", OPS_PASSWORD),
        "security_admin": api.security_admin(),
        "audit_admin": api.audit_admin(),
        "reviewer": api.create_staff(province_admin, HY, "reviewer")[1],
    }
    for role, token in fresh.items():
        assert api.delete("/api/v1/session", token=token).status == 204, role
        assert api.get("/api/v1/me", token=token).code == "token.revoked", role
