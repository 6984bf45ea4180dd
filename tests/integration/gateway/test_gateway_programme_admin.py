"""Issue 18 point 1 through the gateway: a city's admin opens a year's programme from its
template, extends the deadline with a reason once it is open; the old version stays readable,
every version says who, when, from where and why; registration judges the window by the new
version and the enterprise that holds a draft hears of the extension in its inbox."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from gwclient import Api

from harness.wait import until
from zjtx.clock import set_clock_file

TEMPLATE = "hengyang-2020-seed"


@pytest.fixture
def at_may_10(clock_file: Path) -> Iterator[None]:
    set_clock_file(clock_file, "2020-05-10T10:00:00+08:00")
    try:
        yield
    finally:
        set_clock_file(clock_file, "")


def test_a_city_admin_runs_its_programme_and_an_extension_reaches_registration_and_the_enterprise(
        api: Api, province_admin: str, clock_file: Path, at_may_10: None) -> None:
    _, city_admin = api.create_staff(province_admin, "unit-430400", role="admin")
    programme_id = f"hengyang-it{os.getpid()}-seed"
    body = {"programme_id": programme_id, "from_programme_id": TEMPLATE, "year": 2020,
            "title": "衡阳市种子企业培育（补充批次）", "opens_at": "2020-05-01T00:00:00+08:00",
            "closes_at": "2020-05-12T23:59:59+08:00", "review_closes_at": "2020-05-31T23:59:59+08:00",
            "reason": "补充申报批次"}
    assert api.post("/api/v1/programmes", body, token=province_admin).status == 403  # the city owns the template
    created = api.post("/api/v1/programmes", body, token=city_admin)
    assert created.status == 201, created.body
    assert (created.body["version"], created.body["window"]["closes_at"]) == (1, "2020-05-12T23:59:59+08:00")

    enterprise, token = api.register_enterprise()
    draft = api.post("/api/v1/applications", {"programme_id": programme_id}, token=token)
    assert draft.status == 201, draft.body
    # notification learns enterprises from registration's events: its welcome notice says it knows this one
    until(lambda: any(m["event_type"] == "enterprise.registered"
                      for m in api.get("/api/v1/inbox", token=token).body["messages"]),
          timeout=90, what="notification to know the enterprise")
    set_clock_file(clock_file, "2020-05-14T10:00:00+08:00")  # after the first deadline

    path = f"/api/v1/programmes/{programme_id}"
    locked = api.request("PATCH", path, json={"expected_version": 1, "reason": "改表单",
                                              "changes": {"max_return_rounds": 3}}, token=city_admin)
    assert (locked.status, locked.code) == (409, "programme.opened") and locked.body["violations"]
    unreasoned = api.request("PATCH", path, json={"expected_version": 1, "changes": {}}, token=city_admin)
    assert unreasoned.status == 400
    extension = {"window": {"closes_at": "2020-05-20T23:59:59+08:00"}}
    amended = api.request("PATCH", path, json={"expected_version": 1, "reason": "应企业请求延长申报时间",
                                               "changes": extension}, token=city_admin)
    assert amended.status == 200, amended.body
    assert (amended.body["version"], amended.body["change_reason"]) == (2, "应企业请求延长申报时间")
    stale = api.request("PATCH", path, json={"expected_version": 1, "reason": "再改", "changes": {"target_count": 60}},
                        token=city_admin)
    assert (stale.status, stale.code) == (409, "programme.changed")

    old = api.get(path, params={"version": 1}, token="")
    assert old.body["window"]["closes_at"] == "2020-05-12T23:59:59+08:00"
    assert api.get(path, token="").body["window"]["closes_at"] == "2020-05-20T23:59:59+08:00"
    versions = api.get(f"{path}/versions", token=city_admin).body["versions"]
    assert [(v["version"], v["kind"], v["extended"]) for v in versions] == [(1, "created", False), (2, "amended", True)]
    assert versions[1]["changes"] == ["window.closes_at"] and versions[1]["client_address"]

    # registration judges the draft's window by the new version (its cached copy was dropped on programme.amended)
    until(lambda: api.get(f"/api/v1/applications/{draft.body['id']}/completeness", token=token)
          .body.get("window_state") == "open", timeout=60, what="registration reading the extended window")
    inbox = until(lambda: [m for m in api.get("/api/v1/inbox", token=token).body["messages"]
                           if m["event_type"] == "programme.amended"], timeout=90, what="the extension notice")
    assert "2020年5月20日" in inbox[0]["body"] or "2020-05-20" in inbox[0]["body"], inbox[0]


def test_an_escalating_programme_hands_an_undecided_task_to_the_province_at_the_deadline(
        api: Api, province_admin: str, clock_file: Path) -> None:
    """Issue 18 point 2 on the suite: set before opening, ``undecided_at_review_deadline: escalate``
    makes review's clock move a task Hengyang left undecided to the province, which decides."""
    programme_id = f"hunan-it{os.getpid()}-escalate"
    set_clock_file(clock_file, "2021-03-01T10:00:00+08:00")
    try:
        created = api.post("/api/v1/programmes", {
            "programme_id": programme_id, "from_programme_id": "hunan-2020-little-giant", "year": 2021,
            "title": "湖南省小巨人企业培育（逾期移交试点）", "opens_at": "2021-04-01T00:00:00+08:00",
            "closes_at": "2021-05-15T23:59:59+08:00", "review_closes_at": "2021-05-31T23:59:59+08:00",
            "reason": "试点逾期移交"}, token=province_admin)
        assert created.status == 201, created.body
        wrong = api.request("PATCH", f"/api/v1/programmes/{programme_id}", json={
            "expected_version": 1, "reason": "逾期移交", "changes": {"undecided_at_review_deadline": "promote"}},
            token=province_admin)
        assert wrong.status in (400, 409) and "escalate" in str(wrong.body), wrong.body
        amended = api.request("PATCH", f"/api/v1/programmes/{programme_id}", json={
            "expected_version": 1, "reason": "逾期未审核的移交省厅审核", "changes": {"undecided_at_review_deadline": "escalate"}},
            token=province_admin)
        assert amended.status == 200, amended.body

        set_clock_file(clock_file, "2021-04-10T10:00:00+08:00")
        _, token = api.register_enterprise()
        app_id = api.apply(token, programme_id)
        record = f"/api/v1/review/applications/{app_id}"
        until(lambda: api.get(record, token=province_admin).body.get("unit_id") == "unit-430400", timeout=60,
              what="the task opened at Hengyang")

        set_clock_file(clock_file, "2021-06-01T10:00:00+08:00")  # Hengyang's deadline has passed
        moved = until(lambda: (lambda b: b if b.get("unit_id") == "unit-430000" else None)(
            api.get(record, token=province_admin).body), timeout=60, what="review's clock to escalate the task")
        assert moved["level"] == 2
        history = api.get(f"{record}/history", token=province_admin).body["entries"]
        [escalated] = [h for h in history if h["action"] == "escalated"]
        assert "未作出审核决定" in escalated["detail"] and "移交" in escalated["detail"]
        tasks = api.get("/api/v1/tasks", params={"unit_id": "unit-430000", "programme_id": programme_id},
                        token=province_admin).body["tasks"]
        [task] = [t for t in tasks if t["application_id"] == app_id]
        passed = api.post(f"/api/v1/tasks/{task['id']}/pass", {"opinion": "省厅审核通过"}, token=province_admin)
        assert passed.status == 200, passed.body
        assert api.get(record, token=province_admin).body["status"] == "recommended"
    finally:
        set_clock_file(clock_file, "")



def test_the_province_admin_adds_a_direct_county_unit_and_new_applications_route_to_it(
        api: Api, province_admin: str, clock_file: Path) -> None:
    """Issue 18 point 1 (units) on the suite: the 省财政直管县市 list corrected through the gateway is a
    new audited version of review's units; the next application from that county routes to it."""
    directory = api.get("/api/v1/unit-directory", token=province_admin).body
    version = directory["version"]
    assert version >= 1 and any(u["id"] == "unit-430100" and u["kind"] == "city" for u in directory["units"])
    liuyang = {"id": "unit-430181", "name": "浏阳市工信部门", "kind": "direct_county", "division_code": "430181",
               "division_name": "浏阳市", "covers": ["430181"], "parent": "unit-430000"}
    _, city_admin = api.create_staff(province_admin, "unit-430100", role="admin")
    body = {"expected_version": version, "reason": "省财政直管县市名单调整", "units": [liuyang]}
    assert api.request("PATCH", "/api/v1/unit-directory", json=body, token=city_admin).status == 403
    carve_out = api.request("PATCH", "/api/v1/unit-directory", json=body, token=province_admin)
    assert carve_out.status == 409 and any("excludes" in v["message"] for v in carve_out.body["violations"]), \
        carve_out.body
    body["units"] = [liuyang, {"id": "unit-430100", "excludes": ["430181"]}]
    amended = api.request("PATCH", "/api/v1/unit-directory", json=body, token=province_admin)
    assert amended.status == 200, amended.body
    assert (amended.body["version"], amended.body["changes"]) == (version + 1,
                                                                   ["added:unit-430181", "unit-430100.excludes"])
    versions = api.get("/api/v1/unit-directory/versions", token=province_admin).body["versions"]
    assert (versions[-1]["reason"], versions[-1]["current"], bool(versions[-1]["client_address"])) == (
        "省财政直管县市名单调整", True, True)
    assert api.get("/api/v1/units/unit-430181", token=province_admin).body["parent"] == "unit-430000"

    set_clock_file(clock_file, "2020-05-10T10:00:00+08:00")  # the Hunan window is open
    try:
        _, token = api.register_enterprise(region="430181", city="430100")
        app_id = api.apply(token)
        record = until(lambda: (lambda b: b if b.get("unit_id") else None)(
            api.get(f"/api/v1/review/applications/{app_id}", token=province_admin).body), timeout=60,
            what="the application routed")
        assert record["unit_id"] == "unit-430181"
    finally:
        set_clock_file(clock_file, "")
        # corrected back (a county under 长沙 again), so the rest of the session sees the seed's routes
        back = api.request("PATCH", "/api/v1/unit-directory", token=province_admin, json={
            "expected_version": version + 1, "reason": "恢复", "units": [
                {"id": "unit-430181", "kind": "county", "parent": "unit-430100"},
                {"id": "unit-430100", "excludes": []}]})
        assert back.status == 200, back.body
