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
