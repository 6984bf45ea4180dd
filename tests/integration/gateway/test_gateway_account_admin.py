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
    auditor = api.audit_admin()
    username = api.get("/api/v1/audit", params={"action": "account.created", "limit": 5},
                       token=auditor).body["entries"][0]["details"]["username"]

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

    entries = api.get("/api/v1/audit", params={"action": "account.", "limit": 10}, token=auditor).body["entries"]
    mine = [e for e in entries if e["target"] == account["account_id"]]
    assert [e["action"] for e in mine][:2] == ["account.enabled", "account.disabled"]  # newest first
    assert mine[1]["details"]["reason"] == "调岗，暂停审核权限"
    assert all(e["client_address"] and e["subject"] for e in mine)


def test_three_administrators_each_keep_their_own_part(api: Api, province_admin: str) -> None:
    """三员分立: the system administrator creates reviewers but no administrator and reads no audit; the
    security administrator alone creates administrators, never two roles for one person; the audit
    administrator reads the audit and does nothing else."""
    security, auditor = api.security_admin(), api.audit_admin()
    _, city_admin = api.create_staff(province_admin, "unit-430400", role="admin")  # by the security administrator
    api.create_staff(city_admin, "unit-430405")  # a county below the city: the city's system administrator
    admin_body = {"username": f"x{time.monotonic_ns() % 10**9}", "name": "越权", "email": "x@example.cn",
                  "role": "admin", "initial_password": PASSWORD}
    refused = api.post("/api/v1/units/unit-430405/accounts", admin_body, token=city_admin)
    assert (refused.status, refused.code) == (403, "forbidden.creates_administrator")
    assert api.get("/api/v1/audit", token=city_admin).status == 403
    assert api.get("/api/v1/audit", token=security).status == 403
    assert api.post("/api/v1/units/unit-430405/accounts", {**admin_body, "role": "reviewer"},
                    token=security).status == 403  # reviewers are the system administrator's
    # one person (e-mail) holds one of the three roles
    person = f"p{time.monotonic_ns() % 10**9}@example.cn"
    made = api.post("/api/v1/administrators", {"username": f"aud{time.monotonic_ns() % 10**9}", "name": "审计员",
                                               "email": person, "role": "audit_admin", "initial_password": PASSWORD},
                    token=security)
    assert made.status == 201 and made.body["role"] == "audit_admin", made.body
    second = api.post("/api/v1/units/unit-430100/accounts", {**admin_body, "email": person.upper()}, token=security)
    assert (second.status, second.code) == (409, "administrator.second_role"), second.body
    # the audit administrator: reads every unit's records, acts nowhere
    seen = api.get("/api/v1/audit", params={"limit": 200}, token=auditor)
    assert seen.status == 200, seen.body
    assert {"unit-430400", "unit-430405"} <= {e["unit"] for e in seen.body["entries"]}
    assert api.get("/api/v1/programmes/hunan-2020-little-giant/status", token=auditor).status == 403
    assert api.post("/api/v1/units/unit-430400/accounts", {**admin_body, "role": "reviewer"},
                    token=auditor).status == 403
    bad = api.get("/api/v1/audit", params={"since": "2020-05-01"}, token=auditor)
    assert (bad.status, bad.code) == (400, "time.invalid")

