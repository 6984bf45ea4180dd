"""Issue 18 point 4 against the running gateway: an admin disables a reviewer account (it
can neither sign in nor use a token it already holds), re-enables it, and reads who did
what, when and from which address in the audit view; an enterprise resets its password
with a one-time code that notification sends by e-mail."""

from __future__ import annotations

import re
import time

from gwclient import PASSWORD, Api, fresh_uscc
from pymongo import MongoClient

from harness.wait import until


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
    signin = api.post("/api/v1/sessions/staff", {"username": username, "password": PASSWORD}, token="")
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


def test_an_enterprise_resets_its_password_with_a_code_sent_through_notification(api: Api, mongo: MongoClient) -> None:
    enterprise, old_token = api.register_enterprise()
    uscc = enterprise["uscc"]
    asked = api.post("/api/v1/password-resets", {"uscc": uscc, "channel": "email"}, token="")
    unknown = api.post("/api/v1/password-resets", {"uscc": fresh_uscc(), "channel": "email"}, token="")
    assert asked.status == unknown.status == 202 and asked.body == unknown.body  # not enumerable

    recipient = f"enterprise:{enterprise['id']}"
    delivery = until(lambda: mongo.zjtx_notification.deliveries.find_one(
        {"kind": "account.reset_code", "recipient": recipient}), timeout=30, what="the code's e-mail")
    assert delivery["channel"] == "email" and delivery["address"] == "li@example.cn"
    code = re.search(r"验证码为：(\d{6})", delivery["body"]).group(1)  # type: ignore[union-attr]
    again = api.post("/api/v1/password-resets", {"uscc": uscc, "channel": "sms"}, token="")
    assert again.status == 202  # within a minute: answered the same, nothing sent
    assert mongo.zjtx_notification.deliveries.count_documents({"kind": "account.reset_code",
                                                               "recipient": recipient}) == 1

    wrong = "000000" if code != "000000" else "111111"
    bad = api.post("/api/v1/password-resets/confirm", {"uscc": uscc, "code": wrong, "new_password": "Xinmima-2099"},
                   token="")
    assert (bad.status, bad.code) == (400, "reset.invalid_code")
    done = api.post("/api/v1/password-resets/confirm", {"uscc": uscc, "code": code, "new_password": "Xinmima-2099"},
                    token="")
    assert done.status == 204, done.body
    assert api.get("/api/v1/me", token=old_token).code == "token.revoked"  # every earlier session ends
    assert api.get("/api/v1/me", token=api.sign_in_enterprise(uscc, "Xinmima-2099")).status == 200
    replay = api.post("/api/v1/password-resets/confirm", {"uscc": uscc, "code": code, "new_password": "Xinmima-2100"},
                      token="")
    assert (replay.status, replay.code) == (400, "reset.invalid_code")  # once only
    stored = mongo.zjtx_gateway.reset_codes.find_one({"_id": f"enterprise:{uscc}"})
    assert code not in str(stored)  # the gateway keeps only an HMAC of the code
