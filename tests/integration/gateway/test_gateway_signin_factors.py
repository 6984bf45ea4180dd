"""Issue 25 point 1 against the running gateway: staff confirm the password with a TOTP code enrolled at
their first sign-in; a password set by someone else allows nothing but its change; a session ends after
the idle timeout even before its absolute expiry."""

from __future__ import annotations

import time
from dataclasses import asdict

import jwt
import pyotp
from gwclient import PASSWORD, Api, changed_password, gateway_key

from gateway.rules import tokens


def test_a_new_reviewer_enrols_totp_then_must_change_the_password_before_anything_else(api: Api,
                                                                                         province_admin: str) -> None:
    username = f"factor-{time.monotonic_ns() % 10**9}"
    created = api.post("/api/v1/units/unit-430400/accounts", {
        "username": username, "name": "双因素测试", "email": f"{username}@example.cn", "role": "reviewer",
        "initial_password": PASSWORD}, token=province_admin)
    assert created.status == 201, created.body

    first = api.post("/api/v1/sessions/staff", {"username": username, "password": PASSWORD}, token="")
    assert first.status == 200 and first.body["second_factor"] == "enrol" and "token" not in first.body, first.body
    challenge = first.body["challenge"]
    # the code step before the secret: nothing to check it against
    early = api.post("/api/v1/sessions/staff/second-factor", {"challenge": challenge, "code": "123456"}, token="")
    assert (early.status, early.code) == (409, "second_factor.not_enrolled")
    enrolled = api.post("/api/v1/sessions/staff/enrolment", {"challenge": challenge}, token="")
    assert enrolled.status == 200, enrolled.body
    secret = enrolled.body["secret"]
    assert enrolled.body["otpauth_uri"].startswith("otpauth://totp/") and f"secret={secret}" in enrolled.body["otpauth_uri"]
    again = api.post("/api/v1/sessions/staff/enrolment", {"challenge": challenge}, token="")
    assert (again.status, again.code) == (409, "second_factor.secret_given")  # the secret is given once
    totp = pyotp.TOTP(secret)
    wrong_code = f"{(int(totp.now()) + 500000) % 10**6:06d}"
    wrong = api.post("/api/v1/sessions/staff/second-factor", {"challenge": challenge, "code": wrong_code}, token="")
    assert (wrong.status, wrong.code) == (401, "second_factor.wrong_code")
    too_soon = api.post("/api/v1/sessions/staff/second-factor", {"challenge": challenge, "code": totp.now()}, token="")
    assert (too_soon.status, too_soon.code) == (429, "signin.too_soon")  # throttled like a wrong password
    time.sleep(float(too_soon.headers["Retry-After"]) + 0.2)
    session = api.post("/api/v1/sessions/staff/second-factor", {"challenge": challenge, "code": totp.now()}, token="")
    assert session.status == 200 and session.body["must_change_password"] is True, session.body
    token = session.body["token"]
    replayed = api.post("/api/v1/sessions/staff/second-factor", {"challenge": challenge, "code": totp.now()}, token="")
    assert (replayed.status, replayed.code) == (401, "second_factor.challenge_gone")  # single use

    # the password set by the admin: nothing but who am I, the change and sign-out
    refused = api.get("/api/v1/tasks", token=token)
    assert (refused.status, refused.code) == (403, "password.change_required"), refused.body
    assert "修改密码" in refused.body["message"]
    me = api.get("/api/v1/me", token=token)
    assert me.status == 200 and me.body["must_change_password"] is True
    new = changed_password(PASSWORD)
    assert api.put("/api/v1/me/password", {"current_password": PASSWORD, "new_password": new}, token=token).status == 204

    # enrolled now: the next sign-in asks for the code only, and the session works
    second = api.post("/api/v1/sessions/staff", {"username": username, "password": new}, token="")
    assert second.body["second_factor"] == "code", second.body
    assert api.post("/api/v1/sessions/staff/enrolment", {"challenge": second.body["challenge"]},
                    token="").code == "second_factor.enrolled"
    done = api.post("/api/v1/sessions/staff/second-factor", {"challenge": second.body["challenge"],
                                                             "code": totp.now()}, token="")
    assert done.status == 200 and done.body["must_change_password"] is False
    assert api.get("/api/v1/tasks", token=done.body["token"]).status == 200


def test_a_session_idle_past_the_timeout_ends_before_its_absolute_expiry(api: Api) -> None:
    _, token = api.register_enterprise()
    real = tokens.Claims(**{k: v for k, v in jwt.decode(token, options={"verify_signature": False}).items()
                            if k in tokens.Claims.__dataclass_fields__})
    now = int(time.time())

    def signed(iat: int) -> str:
        claims = {**asdict(real), "jti": f"idle-{iat}-{now}", "iat": iat, "exp": now + 3600}
        return jwt.encode({"iss": tokens.ISSUER, "aud": tokens.AUDIENCE, **claims}, gateway_key(), algorithm="EdDSA")

    assert api.get("/api/v1/me", token=signed(now - 29 * 60)).status == 200  # 29 minutes quiet: still on
    idle = api.get("/api/v1/me", token=signed(now - 31 * 60))  # 31 minutes: the default 30-minute idle timeout
    assert (idle.status, idle.code) == (401, "token.idle") and "未操作" in idle.body["message"]
