"""Issue 18 point 4 against the running gateway: an admin disables a reviewer account (it
can neither sign in nor use a token it already holds), re-enables it, and reads who did
what, when and from which address in the audit view. (The password reset by a one-time
code runs in tests/integration/notification/test_notification_deliveries.py, beside the SMS gateway.)"""

from __future__ import annotations

import time

from gwclient import PASSWORD, Api


def test_a_disabled_reviewer_is_locked_out_at_once_and_re_enabled_signs_in_again(api: Api,
                                                                                    province_admin: str) -> None:
    account, token = api.create_staff(province_admin, "unit-430400")
    path = f"/api/v1/units/unit-430400/accounts/{account['account_id']}/state"
    username = api.get("/api/v1/audit", params={"action": "account.created", "limit": 5},
                       token=province_admin).body["entries"][0]["details"]["username"]

    refused = api.put(path, {"enabled": False, "reason": "   "}, token=province_admin)
    assert (refused.status, refused.code) == (400, "reason.required")
    assert api.get("/api/v1/me", token=token).status == 200  # nothing changed

    disabled = api.put(path, {"enabled": False, "reason": "调岗，暂停审核权限"}, token=province_admin)
    assert disabled.status == 200, disabled.body
    assert disabled.body["state"] == "disabled"
    assert api.get("/api/v1/me", token=token).code == "token.revoked"  # the token it held stops at once
    signin = api.post("/api/v1/sessions/staff", {"username": username, "password": api.staff_password(username, PASSWORD)},
                      token="")
    assert signin.status == 401

    enabled = api.put(path, {"enabled": True, "reason": "恢复审核"}, token=province_admin)
    assert enabled.body["state"] == "active"
    time.sleep(1.2)  # the refused sign-in above started the login's one-second throttle
    assert api.get("/api/v1/me", token=api.sign_in_staff(username, PASSWORD)).status == 200

    # a reviewer may not manage accounts; nor may an admin disable itself
    assert api.put(path, {"enabled": False, "reason": "x"}, token=token).status == 403

    entries = api.get("/api/v1/audit", params={"action": "account.", "limit": 10}, token=province_admin).body["entries"]
    mine = [e for e in entries if e["target"] == account["account_id"]]
    assert [e["action"] for e in mine][:2] == ["account.enabled", "account.disabled"]  # newest first
    assert mine[1]["details"]["reason"] == "调岗，暂停审核权限"
    assert all(e["client_address"] and e["subject"] for e in mine)


def test_a_city_admin_sees_its_own_units_records_only(api: Api, province_admin: str) -> None:
    _, city_admin = api.create_staff(province_admin, "unit-430400", role="admin")
    api.create_staff(city_admin, "unit-430405")  # a county below the city: visible to it
    api.create_staff(province_admin, "unit-430100")  # 长沙: not the city's

    seen = api.get("/api/v1/audit", params={"limit": 200}, token=city_admin)
    assert seen.status == 200, seen.body
    units = {e["unit"] for e in seen.body["entries"]}
    assert units and units <= {"unit-430400", "unit-430405"}, units
    bad = api.get("/api/v1/audit", params={"since": "2020-05-01"}, token=city_admin)
    assert (bad.status, bad.code) == (400, "time.invalid")

