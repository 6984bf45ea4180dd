"""Sign-in, tokens and lockout against the running gateway: forged, expired and revoked
tokens are refused with their own codes; failures slow down, then lock the login."""

from __future__ import annotations

import base64
import json
import time

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from gwclient import PASSWORD, Api, fresh_uscc, gateway_key
from pymongo import MongoClient

from harness.wait import until
from zjtx import audit


def sign(claims: dict[str, object], key: Ed25519PrivateKey | None = None) -> str:
    return jwt.encode(claims, key or gateway_key(), algorithm="EdDSA")


def claims_of(token: str) -> dict[str, object]:
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


@pytest.fixture(scope="module")
def enterprise(api: Api) -> tuple[dict[str, object], str]:
    return api.register_enterprise()


def test_no_token_means_sign_in_first(api: Api) -> None:
    answer = api.get("/api/v1/me", token="")
    assert (answer.status, answer.code) == (401, "auth.required")
    assert "请先登录" in answer.body["message"]


@pytest.mark.parametrize("header", ["Basic abc", "Bearer", "Bearer not-a-token", "Bearer zjtx1.e30.AAAA"])
def test_malformed_tokens_are_invalid(api: Api, header: str) -> None:
    answer = api.get("/api/v1/me", headers={"Authorization": header}, token="")
    assert answer.status == 401 and answer.code == "token.invalid"


def test_a_token_signed_with_another_key_is_refused(api: Api, enterprise: tuple[dict[str, object], str]) -> None:
    forged = sign(claims_of(enterprise[1]), key=Ed25519PrivateKey.generate())
    answer = api.get("/api/v1/me", token=forged)
    assert (answer.status, answer.code) == (401, "token.invalid")


def test_a_token_raised_to_admin_without_the_key_is_refused(api: Api, enterprise: tuple[dict[str, object], str]) -> None:
    prefix, _, mac = enterprise[1].split(".")
    raised = {**claims_of(enterprise[1]), "role": "admin", "unit": "unit-430000"}
    payload = base64.urlsafe_b64encode(json.dumps(raised).encode()).rstrip(b"=").decode()
    answer = api.get("/api/v1/ops/health", token=f"{prefix}.{payload}.{mac}")
    assert (answer.status, answer.code) == (401, "token.invalid")


def test_a_genuine_token_claiming_another_role_than_its_account_is_refused(
        api: Api, enterprise: tuple[dict[str, object], str]) -> None:
    # even with the key, a token must match the account it names
    raised = {**claims_of(enterprise[1]), "role": "operations"}
    answer = api.get("/api/v1/ops/health", token=sign(raised))
    assert (answer.status, answer.code) == (401, "token.revoked")


def test_an_expired_token_is_refused(api: Api, enterprise: tuple[dict[str, object], str]) -> None:
    now = int(time.time())
    expired = sign({**claims_of(enterprise[1]), "iat": now - 7200, "exp": now - 1})
    answer = api.get("/api/v1/me", token=expired)
    assert (answer.status, answer.code) == (401, "token.expired")
    assert "登录已过期" in answer.body["message"]


def test_sign_out_revokes_that_token_only(api: Api) -> None:
    enterprise, first = api.register_enterprise()
    second = api.sign_in_enterprise(enterprise["uscc"])
    assert api.delete("/api/v1/session", token=first).status == 204
    answer = api.get("/api/v1/me", token=first)
    assert (answer.status, answer.code) == (401, "token.revoked")
    assert api.get("/api/v1/me", token=second).status == 200


def test_changing_the_password_ends_every_session(api: Api) -> None:
    enterprise, token = api.register_enterprise()
    other = api.sign_in_enterprise(enterprise["uscc"])
    wrong = api.put("/api/v1/me/password", {"current_password": "nope-nope-1", "new_password": "Xinmima-2021"},
                    token=token)
    assert (wrong.status, wrong.code) == (400, "password.wrong")
    weak = api.put("/api/v1/me/password", {"current_password": PASSWORD, "new_password": "short"}, token=token)
    assert (weak.status, weak.code) == (400, "request.invalid")  # the document's password rules, checked first
    assert weak.body["violations"][0]["field"] == "new_password"
    spaced = api.put("/api/v1/me/password", {"current_password": PASSWORD, "new_password": " Xinmima-2021"}, token=token)
    assert (spaced.status, spaced.code) == (400, "request.invalid") and "首尾不是空白" in spaced.body["violations"][0]["message"]
    changed = api.put("/api/v1/me/password", {"current_password": PASSWORD, "new_password": "Xinmima-2021"}, token=token)
    assert changed.status == 204, changed.body
    for old in (token, other):
        assert api.get("/api/v1/me", token=old).code == "token.revoked"
    assert api.sign_in_enterprise(enterprise["uscc"], "Xinmima-2021")


def test_the_last_five_passwords_are_not_reused(api: Api, mongo: MongoClient) -> None:
    """等保 8.1.4.1 (issue 25 point 1): a new password differs from the current one and the 4 before it."""
    enterprise, token = api.register_enterprise()
    used = [PASSWORD, *(f"Xinmima-{n}a" for n in range(1, 5))]  # the first and four more: five in all
    for current, new in zip(used, used[1:], strict=False):
        changed = api.put("/api/v1/me/password", {"current_password": current, "new_password": new}, token=token)
        assert changed.status == 204, changed.body
        token = api.sign_in_enterprise(enterprise["uscc"], new)
    for old in used:  # the current one and each of the four before it
        again = api.put("/api/v1/me/password", {"current_password": used[-1], "new_password": old}, token=token)
        assert (again.status, again.code) == (400, "password.reused"), (old, again.body)
        assert again.body["violations"][0]["field"] == "new_password"
    credential = mongo.zjtx_gateway.credentials.find_one({"subject": enterprise["id"]})
    assert len(credential["password_history"]) == 4 and PASSWORD not in str(credential)  # hashes only
    fresh = api.put("/api/v1/me/password", {"current_password": used[-1], "new_password": "Xinmima-6a"}, token=token)
    assert fresh.status == 204, fresh.body
    token = api.sign_in_enterprise(enterprise["uscc"], "Xinmima-6a")
    sixth_back = api.put("/api/v1/me/password", {"current_password": "Xinmima-6a", "new_password": PASSWORD},
                         token=token)
    assert sixth_back.status == 204, sixth_back.body  # six passwords ago: allowed again


def test_wrong_password_and_unknown_login_read_the_same(api: Api) -> None:
    enterprise, _ = api.register_enterprise()
    wrong = api.post("/api/v1/sessions/enterprise", {"uscc": enterprise["uscc"], "password": "Wrong-pass-1"}, token="")
    unknown = api.post("/api/v1/sessions/enterprise", {"uscc": fresh_uscc(), "password": "Wrong-pass-1"}, token="")
    assert wrong.status == unknown.status == 401
    assert wrong.code == unknown.code == "signin.failed"
    assert wrong.body["message"] == unknown.body["message"]


def test_failures_slow_down_then_lock_the_login(api: Api, mongo: MongoClient) -> None:
    """Settings of the test gateway: 1 s after the first failure, doubling up to 2 s; locked for 3 s after 4."""
    enterprise, _ = api.register_enterprise()
    login = {"uscc": enterprise["uscc"], "password": "Wrong-pass-1"}
    first = api.post("/api/v1/sessions/enterprise", login, token="")
    assert first.code == "signin.failed" and "再失败3次账号将被锁定" in first.body["message"]
    too_soon = api.post("/api/v1/sessions/enterprise", {**login, "password": PASSWORD}, token="")
    assert (too_soon.status, too_soon.code) == (429, "signin.too_soon")
    assert int(too_soon.headers["Retry-After"]) >= 1
    codes = [first.code]
    while "account.locked" not in codes:
        answer = until(lambda: (lambda a: a if a.code != "signin.too_soon" else None)(
            api.post("/api/v1/sessions/enterprise", login, token="")), timeout=10, what="the next attempt allowed")
        codes.append(answer.code)
        assert len(codes) <= 4
    assert codes == ["signin.failed", "signin.failed", "signin.failed", "account.locked"]
    locked = api.post("/api/v1/sessions/enterprise", {**login, "password": PASSWORD}, token="")
    assert (locked.status, locked.code) == (429, "account.locked")  # even the right password
    assert int(locked.headers["Retry-After"]) >= 1
    assert "账号已锁定" in locked.body["message"] and locked.headers["Retry-After"]
    state = mongo.zjtx_gateway.signin_attempts.find_one({"_id": f"enterprise:{enterprise['uscc']}"})
    assert state and state["locked_until"] > time.time()
    # locking an account is an administrative change: one entry in the gateway's hash-chained trail
    [entry] = mongo.zjtx_gateway.audit.find({"action": "account.locked", "target": enterprise["id"]})
    assert (entry["subject"], entry["role"], entry["result"], entry["client_address"]) == (
        enterprise["id"], "enterprise", "refused", "127.0.0.1")
    assert entry["reason"] == "4 failed sign-ins in a row" and entry["prev"] and entry["hash"]
    signed_in = until(lambda: (lambda a: a if a.status == 200 else None)(
        api.post("/api/v1/sessions/enterprise", {**login, "password": PASSWORD}, token="")), timeout=10,
        what="the lock to end")
    assert signed_in.body["identity"]["enterprise_id"] == enterprise["id"]
    assert mongo.zjtx_gateway.signin_attempts.find_one({"_id": f"enterprise:{enterprise['uscc']}"}) is None


def test_passwords_are_stored_as_argon2id_only(api: Api, mongo: MongoClient) -> None:
    enterprise, _ = api.register_enterprise()
    credential = mongo.zjtx_gateway.credentials.find_one({"subject": enterprise["id"]})
    assert credential["password_hash"].startswith("$argon2id$")
    assert PASSWORD not in json.dumps(credential, default=str)


def test_sign_ins_and_sign_outs_are_audited(api: Api, mongo: MongoClient) -> None:
    enterprise, token = api.register_enterprise()
    api.delete("/api/v1/session", token=token)
    actions = [r["action"] for r in mongo.zjtx_gateway.audit.find({"target": enterprise["id"]}).sort("at", 1)]
    assert actions[:3] == ["account.created", "session.signed_in", "session.signed_out"]
    record = mongo.zjtx_gateway.audit.find_one({"target": enterprise["id"], "action": "session.signed_out"})
    assert record["subject"] == enterprise["id"] and record["client_address"] == "127.0.0.1" and record["trace_id"]
    signed_in = mongo.zjtx_gateway.audit.find_one({"target": enterprise["id"], "action": "session.signed_in"})
    assert (signed_in["subject"], signed_in["role"], signed_in["principal"]) == (enterprise["id"], "enterprise", "gateway")
    result = audit.AuditTrail(mongo.zjtx_gateway, "gateway").verify()
    assert result.intact, result.describe()
