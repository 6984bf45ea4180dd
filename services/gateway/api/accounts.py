"""Sign-in and sign-out, the signed-in person, passwords, staff accounts and units."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from werkzeug.wrappers import Response

from gateway.api import streams
from gateway.api.common import (
    PASSWORD_SCHEMA,
    USCC_SCHEMA,
    USERNAME_SCHEMA,
    audit,
    build,
    out,
    rpc,
    schema,
    system_rpc,
)
from gateway.audit_view import audit_csv, audit_entries, audit_query
from gateway.auth import Challenge, Session, enterprise_login, staff_login
from gateway.bootstrap import ADMINISTRATOR_ROLES, check_one_role_per_person, create_administrator, person_of
from gateway.routes import ANY_SIGNED_IN, BOOLEAN, STAFF, Context, Download, Registry, Reply, Route, array, obj, text
from gateway.rules.access import units_within
from gateway.rules.passwords import NEW_PASSWORD_SCHEMA, password_problems
from zjtx.clock import InstantError, parse_offset_instant
from zjtx.errors import Violation, forbidden, invalid, not_found, precondition
from zjtx_api import review_pb2

IDENTITY_SCHEMA = obj({
    "subject": {"type": "string"}, "role": {"type": "string", "enum": list(ANY_SIGNED_IN)},
    "unit": {"type": "string"}, "enterprise_id": {"type": "string"}, "name": {"type": "string"},
    "expires_at": {"type": "string"}, "must_change_password": {"type": "boolean"},
}, required=("subject", "role", "unit", "enterprise_id", "name", "expires_at"))
# token_type "Bearer": the token is in the body; "Cookie" (sign-in sent X-ZJTX-Session: cookie): the token is only in
# the HttpOnly zjtx_session cookie, and zjtx_csrf holds the value unsafe requests send as X-CSRF-Token
SESSION_SCHEMA = obj({
    "token": {"type": "string"}, "token_type": {"enum": ["Bearer", "Cookie"]}, "expires_at": {"type": "string"},
    "must_change_password": {"type": "boolean"}, "identity": IDENTITY_SCHEMA,
}, required=("token_type", "expires_at", "must_change_password", "identity"))
# a right staff password answers this instead of a session: the TOTP step (enrol first when mode is "enrol")
CHALLENGE_SCHEMA = obj({
    "second_factor": {"type": "string", "enum": ["code", "enrol"]}, "challenge": {"type": "string"},
    "expires_at": {"type": "string"},
}, required=("second_factor", "challenge", "expires_at"))
ENROLMENT_SCHEMA = obj({"secret": {"type": "string"}, "otpauth_uri": {"type": "string"},
                        "issuer": {"type": "string"}, "account": {"type": "string"}},
                       required=("secret", "otpauth_uri", "issuer", "account"))
CHALLENGE_BODY = {"type": "string", "minLength": 1, "maxLength": 100}
BROWSER_SESSION = ("With the request header `X-ZJTX-Session: cookie` (browsers) the token is not in the body "
                   "(token_type Cookie): it is set in the HttpOnly, SameSite=Strict cookie `zjtx_session`, and the "
                   "readable cookie `zjtx_csrf` holds the value every unsafe request authenticated by that cookie "
                   "must send as `X-CSRF-Token` (else 403 csrf.missing / csrf.mismatch).")
ACCOUNT_SCHEMA = obj({"username": {"type": "string"}, "account": schema(review_pb2.Reviewer)},
                     required=("username", "account"))


def _iso(seconds: int) -> str:
    return datetime.fromtimestamp(seconds, timezone.utc).isoformat().replace("+00:00", "Z")


def session_body(session: Session) -> dict[str, Any]:
    c = session.claims
    return {"token": session.token, "token_type": "Bearer", "expires_at": _iso(c.exp),
            "must_change_password": session.must_change_password,
            "identity": {"subject": c.sub, "role": c.role, "unit": c.unit, "enterprise_id": c.enterprise_id,
                         "name": c.name, "expires_at": _iso(c.exp)}}


def session_answer(ctx: Context, session: Session) -> Any:
    """The body with the token (systems), or the browser's cookie session (``X-ZJTX-Session: cookie``)."""
    body = session_body(session)
    sessions = ctx.gw.sessions
    if not sessions.wanted(ctx.request):
        return body
    return sessions.signed_in(ctx.request, body, session.token, int(ctx.gw.accounts.ttl))


def sign_in_enterprise(ctx: Context) -> Any:
    login = enterprise_login(ctx.body["uscc"])
    session = ctx.gw.accounts.sign_in(login, ctx.body["password"], ("enterprise",), ctx.client_address)
    assert isinstance(session, Session)  # enterprises sign in with the password alone
    audit(ctx, "session.signed_in", session.claims.sub, {"login": login}, subject=session.claims.sub,
          role=session.claims.role, unit=session.claims.unit)
    return session_answer(ctx, session)


def sign_in_staff(ctx: Context) -> Any:
    login = staff_login(ctx.body["username"])
    ctx.gw.bootstrap.ensure_for(login)
    answer = ctx.gw.accounts.sign_in(login, ctx.body["password"], ("staff",), ctx.client_address)
    if isinstance(answer, Challenge):
        return {"second_factor": answer.mode, "challenge": answer.challenge, "expires_at": _iso(answer.expires_at)}
    audit(ctx, "session.signed_in", answer.claims.sub, {"login": login}, subject=answer.claims.sub,
          role=answer.claims.role, unit=answer.claims.unit)
    return session_answer(ctx, answer)


def enrol_second_factor(ctx: Context) -> Any:
    secret, uri, shown = ctx.gw.accounts.enrol(ctx.body["challenge"])
    return {"secret": secret, "otpauth_uri": uri, "issuer": ctx.gw.accounts.issuer, "account": shown}


def confirm_second_factor(ctx: Context) -> Any:
    session = ctx.gw.accounts.confirm_second_factor(ctx.body["challenge"], ctx.body["code"], ctx.client_address)
    c = session.claims
    audit(ctx, "session.signed_in", c.sub, {"second_factor": "totp"}, subject=c.sub, role=c.role, unit=c.unit)
    return session_answer(ctx, session)


def sign_out(ctx: Context) -> Any:
    ctx.gw.accounts.sign_out(ctx.who)
    audit(ctx, "session.signed_out", ctx.who.subject)
    return ctx.gw.sessions.clear(ctx.request, Response(status=204))  # a browser's cookies go with it


def me(ctx: Context) -> dict[str, Any]:
    who = ctx.who
    return {"subject": who.subject, "role": who.role, "unit": who.unit, "enterprise_id": who.enterprise_id,
            "name": who.name, "expires_at": _iso(who.expires_at), "must_change_password": who.must_change_password}


def change_password(ctx: Context) -> Reply:
    new = ctx.body["new_password"]
    problems = password_problems(new, "new_password")
    if problems:
        raise invalid("password.invalid", "新密码不符合要求", problems)
    ctx.gw.accounts.change_password(ctx.who, ctx.body["current_password"], new)
    audit(ctx, "password.changed", ctx.who.subject)
    return Reply(None, 204)


def _check_unit_reach(ctx: Context, unit_id: str, what: str) -> None:
    """A unit's own staff, or an admin of a unit above it."""
    who = ctx.who
    if who.unit == unit_id:
        return
    parents = ctx.gw.directory.parents(unit_id)
    if who.role == "admin" and units_within(unit_id, who.unit, parents):
        return
    raise forbidden("forbidden.other_unit", f"只能{what}本单位或下级单位；{unit_id}不在您的管辖范围内")


def get_unit(ctx: Context) -> Any:
    unit_id = ctx.path["unit_id"]
    system_rpc(ctx, "review", "GetUnit", review_pb2.GetUnitRequest(unit_id=unit_id))  # 404 before 403
    _check_unit_reach(ctx, unit_id, "查看")
    return out(rpc(ctx, "review", "GetUnit", review_pb2.GetUnitRequest(unit_id=unit_id)))


def create_account(ctx: Context) -> Reply:
    unit_id = ctx.path["unit_id"]
    body = ctx.body
    system_rpc(ctx, "review", "GetUnit", review_pb2.GetUnitRequest(unit_id=unit_id))
    # 三员分立: the security administrator alone creates (system) administrators, of any unit; the system
    # administrator creates reviewers within its reach
    if ctx.who.role == "security_admin":
        if body["role"] != "admin":
            raise forbidden("forbidden.role", "安全管理员只创建管理员账号；审核人账号由本单位或上级单位的系统管理员创建")
        check_one_role_per_person(ctx.gw.accounts, body["email"], "admin")
    else:
        if body["role"] == "admin":
            raise forbidden("forbidden.creates_administrator", "管理员账号只能由安全管理员创建（三员分立）")
        _check_unit_reach(ctx, unit_id, "为")
    login = staff_login(body["username"])
    problems = password_problems(body["initial_password"], "initial_password", login=body["username"])
    if problems:
        raise invalid("password.invalid", "初始密码不符合要求", problems)
    accounts = ctx.gw.accounts
    credential_id = accounts.reserve(login, "staff", body["role"], body["initial_password"], name=body["name"],
                                     created_by=ctx.who.subject, unit=unit_id, must_change=True,
                                     person=person_of(body["email"]) if body["role"] == "admin" else "")
    try:
        request = build(review_pb2.CreateReviewerRequest, {k: body[k] for k in ("name", "email", "mobile", "role")
                                                            if k in body}, unit_id=unit_id)
        account = rpc(ctx, "review", "CreateReviewer", request)
    except Exception:
        accounts.release(credential_id)
        raise
    accounts.activate(credential_id, account.account_id, name=account.name)
    audit(ctx, "account.created", account.account_id, {"username": body["username"], "unit_id": unit_id,
                                                       "role": account.role})
    return Reply({"username": body["username"], "account": out(account)}, 201)


ACCOUNT_STATE_SCHEMA = obj({"account_id": {"type": "string"}, "unit_id": {"type": "string"},
                            "state": {"type": "string", "enum": ["active", "disabled"]},
                            "reason": {"type": "string"}, "changed_at": {"type": "string"}},
                           required=("account_id", "unit_id", "state", "reason", "changed_at"))
AUDIT_ENTRY_SCHEMA = obj({
    "at": {"type": "string"}, "platform_at": {"type": "string"}, "result": {"type": "string"},
    "reason": {"type": "string"}, "action": {"type": "string"}, "target": {"type": "string"},
    "subject": {"type": "string"}, "role": {"type": "string"}, "unit": {"type": "string"},
    "client_address": {"type": "string"}, "trace_id": {"type": "string"},
    "details": {"type": "object", "additionalProperties": {"type": "string"}},
}, required=("at", "platform_at", "result", "reason", "action", "target", "subject", "role", "unit",
             "client_address", "trace_id", "details"))


def set_account_state(ctx: Context) -> Any:
    """Disable or re-enable a reviewer's or admin's account of a unit within the caller's reach."""
    unit_id, account_id = ctx.path["unit_id"], ctx.path["account_id"]
    system_rpc(ctx, "review", "GetUnit", review_pb2.GetUnitRequest(unit_id=unit_id))  # 404 before 403
    _check_unit_reach(ctx, unit_id, "管理")
    store = ctx.gw.accounts.store
    credential = store.credential_of_account(account_id)
    if credential is None or credential.get("kind") != "staff" or credential.get("unit") != unit_id:
        raise not_found("account.not_found", f"审核单位 {unit_id} 没有账号 {account_id}")
    if account_id == ctx.who.subject:
        raise precondition("account.self", "不能停用自己的账号；请由本单位或上级单位的其他管理员操作")
    enabled = bool(ctx.body["enabled"])
    reason = ctx.body["reason"].strip()
    if not reason:
        raise invalid("reason.required", "请填写停用或启用的原因", [Violation("reason", "required", "请填写原因")])
    state = "active" if enabled else "disabled"
    at = ctx.gw.accounts.now()
    if credential["state"] != state:
        store.set_state(credential["_id"], state, at, ctx.who.subject, reason)
        audit(ctx, "account.enabled" if enabled else "account.disabled", account_id,
              {"unit_id": unit_id, "reason": reason})
    return {"account_id": account_id, "unit_id": unit_id, "state": state, "reason": reason,
            "changed_at": at.isoformat()}


ADMINISTRATOR_SCHEMA = obj({"username": {"type": "string"}, "subject": {"type": "string"},
                            "role": {"type": "string", "enum": list(ADMINISTRATOR_ROLES)}},
                           required=("username", "subject", "role"))


def create_administrator_account(ctx: Context) -> Reply:
    """A security or audit administrator, by the security administrator (三员分立)."""
    body = ctx.body
    problems = password_problems(body["initial_password"], "initial_password", login=body["username"])
    if problems:
        raise invalid("password.invalid", "初始密码不符合要求", problems)
    subject = create_administrator(ctx.gw.accounts, username=body["username"], password=body["initial_password"],
                                   role=body["role"], name=body["name"], email=body["email"],
                                   created_by=ctx.who.subject)
    audit(ctx, "account.created", subject, {"username": body["username"], "role": body["role"]})
    return Reply({"username": body["username"], "subject": subject, "role": body["role"]}, 201)


def unlock_account(ctx: Context) -> Reply:
    """Lift a lock from failed sign-ins (the security administrator)."""
    login = staff_login(ctx.body["username"]) if ctx.body.get("username") else enterprise_login(ctx.body.get("uscc", ""))
    if not ctx.body.get("username") and not ctx.body.get("uscc"):
        raise invalid("account.login_required", "请填写工作人员用户名（username）或企业统一社会信用代码（uscc）",
                      [Violation("username", "required", "请填写用户名或统一社会信用代码")])
    credential = ctx.gw.accounts.unlock(login)
    audit(ctx, "account.unlocked", credential.get("subject", ""), {"login": login})
    return Reply(None, 204)


def reset_staff_password(ctx: Context) -> Reply:
    """The security administrator sets a new initial password: every session ends, a change is forced."""
    body = ctx.body
    problems = password_problems(body["initial_password"], "initial_password", login=body["username"])
    if problems:
        raise invalid("password.invalid", "初始密码不符合要求", problems)
    login = staff_login(body["username"])
    credential = ctx.gw.accounts.store.credential_by_login(login)
    if credential is not None and credential.get("subject") == ctx.who.subject:
        raise precondition("account.self", "不能重设自己的密码；请用“修改密码”")
    credential = ctx.gw.accounts.set_initial_password(login, body["initial_password"])
    audit(ctx, "password.reset_by_admin", credential.get("subject", ""), {"login": login})
    return Reply(None, 204)


def list_audit(ctx: Context) -> Any:
    """Who did what, when and from where: the audit administrator's view (三员分立: those who act do not read
    or keep the record of their acts)."""
    q = ctx.query
    query = audit_query(subject=q.get("subject", ""), action=q.get("action", ""),
                        since=_instant(q.get("since")), until=_instant(q.get("until")))
    return {"entries": audit_entries(ctx.gw.accounts.store, query, int(q.get("limit") or 100))}


def export_audit(ctx: Context) -> Response:
    """The same search as CSV, up to 10000 records (the export is itself audited, as every download is)."""
    q = ctx.query
    query = audit_query(subject=q.get("subject", ""), action=q.get("action", ""),
                        since=_instant(q.get("since")), until=_instant(q.get("until")))
    data = audit_csv(audit_entries(ctx.gw.accounts.store, query, int(q.get("limit") or 10000)))
    return streams.download(data, iter(()), filename="审计记录.csv", media_type="text/csv", size=len(data))


def _instant(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        # RFC 3339 (the document's date-time) allows lower-case "t" and "z": the shared parser does too
        return parse_offset_instant(text.strip())
    except InstantError as error:
        if error.missing_offset:
            raise invalid("time.invalid", f"时间 {text!r} 缺少时区；请写出时区，如 +08:00") from None
        raise invalid("time.invalid", f"时间 {text!r} 格式不正确；请用 ISO 8601，如 2020-05-15T23:59:59+08:00") from None


def register(r: Registry) -> None:
    r.add(Route("POST", "/api/v1/sessions/enterprise", "signInEnterprise", "Sign in as an enterprise (USCC + password)",
                "session", (), sign_in_enterprise,
                body=obj({"uscc": USCC_SCHEMA, "password": PASSWORD_SCHEMA}, required=("uscc", "password")),
                response=SESSION_SCHEMA, errors=(401, 429),
                description="Repeated failures slow down (429 signin.too_soon with Retry-After) and then lock the "
                            "login (429 account.locked with Retry-After). "
                            + BROWSER_SESSION))
    r.add(Route("POST", "/api/v1/sessions/staff", "signInStaff",
                "Sign in as a reviewer, programme admin or operations staff (username + password, then a TOTP code)",
                "session", (), sign_in_staff,
                body=obj({"username": USERNAME_SCHEMA, "password": PASSWORD_SCHEMA}, required=("username", "password")),
                response={"oneOf": [SESSION_SCHEMA, CHALLENGE_SCHEMA]}, errors=(401, 429),
                description="Staff confirm the password with a TOTP code (RFC 6238): a right password answers "
                            "`second_factor` (`enrol` at the first sign-in, else `code`) with a single-use `challenge` "
                            "valid 5 minutes; enrol with POST /api/v1/sessions/staff/enrolment (first sign-in), then "
                            "send the code to POST /api/v1/sessions/staff/second-factor, which answers the session. "
                            "(GATEWAY_SECOND_FACTOR=off, refused in production, answers the session at once.) "
                            + BROWSER_SESSION))
    r.add(Route("POST", "/api/v1/sessions/staff/enrolment", "enrolSecondFactor",
                "First sign-in of staff: a new TOTP secret and its otpauth:// URI, given once per challenge",
                "session", (), enrol_second_factor, body=obj({"challenge": CHALLENGE_BODY}, required=("challenge",)),
                response=ENROLMENT_SCHEMA, errors=(401, 409)))
    r.add(Route("POST", "/api/v1/sessions/staff/second-factor", "confirmSecondFactor",
                "Staff sign-in, second step: the TOTP code (an enrolment is confirmed by its first right code)",
                "session", (), confirm_second_factor,
                body=obj({"challenge": CHALLENGE_BODY, "code": {"type": "string", "minLength": 1, "maxLength": 10}},
                         required=("challenge", "code")),
                response=SESSION_SCHEMA, errors=(401, 409), description=BROWSER_SESSION))
    r.add(Route("DELETE", "/api/v1/session", "signOut", "Sign out: revoke this token (and clear a browser's session cookies)",
                "session", ANY_SIGNED_IN, sign_out, status=204, action_zh="退出登录"))
    r.add(Route("GET", "/api/v1/me", "getMe", "Who is signed in", "session", ANY_SIGNED_IN, me,
                response=IDENTITY_SCHEMA, action_zh="查看登录信息"))
    r.add(Route("PUT", "/api/v1/me/password", "changePassword",
                "Change one's password (every token issued before stops working)", "session", ANY_SIGNED_IN,
                change_password, status=204, action_zh="修改密码",
                body=obj({"current_password": PASSWORD_SCHEMA, "new_password": NEW_PASSWORD_SCHEMA},
                         required=("current_password", "new_password"))))
    r.add(Route("GET", "/api/v1/units/{unit_id}", "getUnit", "A review unit with its reviewers and admins",
                "accounts", STAFF, get_unit, response=schema(review_pb2.Unit), action_zh="查看审核单位"))
    r.add(Route("POST", "/api/v1/units/{unit_id}/accounts", "createAccount",
                "Create a reviewer account for a unit (system administrators of the unit or a unit above it) or an "
                "administrator account (role admin: the security administrator alone)",
                "accounts", ("admin", "security_admin"), create_account, status=201, response=ACCOUNT_SCHEMA,
                action_zh="创建审核账号",
                body=obj({
                    "username": USERNAME_SCHEMA,
                    "name": text(30, 1),
                    "email": text(100, 3),
                    "mobile": text(20),
                    "role": {"type": "string", "enum": ["reviewer", "admin"]},
                    "initial_password": NEW_PASSWORD_SCHEMA,
                }, required=("username", "name", "email", "role", "initial_password"))))
    r.add(Route("PUT", "/api/v1/units/{unit_id}/accounts/{account_id}/state", "setAccountState",
                "Disable or re-enable a reviewer or admin account (admins of the unit or a unit above it); a "
                "disabled account cannot sign in and its existing tokens stop working at once", "accounts",
                ("admin",), set_account_state, response=ACCOUNT_STATE_SCHEMA, action_zh="停用或启用审核账号",
                body=obj({"enabled": BOOLEAN, "reason": text(200, 1)}, required=("enabled", "reason"))))
    r.add(Route("POST", "/api/v1/administrators", "createAdministrator",
                "Create a security or audit administrator (the security administrator; one role per person, by e-mail)",
                "accounts", ("security_admin",), create_administrator_account, status=201,
                response=ADMINISTRATOR_SCHEMA, action_zh="创建安全或审计管理员",
                body=obj({"username": USERNAME_SCHEMA, "name": text(30, 1), "email": text(100, 3),
                          "role": {"type": "string", "enum": list(ADMINISTRATOR_ROLES)},
                          "initial_password": NEW_PASSWORD_SCHEMA},
                         required=("username", "name", "email", "role", "initial_password"))))
    r.add(Route("POST", "/api/v1/accounts/unlock", "unlockAccount",
                "Lift the lock failed sign-ins put on a login (the security administrator)", "accounts",
                ("security_admin",), unlock_account, status=204, action_zh="解锁账号",
                body=obj({"username": USERNAME_SCHEMA, "uscc": USCC_SCHEMA})))
    r.add(Route("PUT", "/api/v1/accounts/password", "resetStaffPassword",
                "Set a new initial password for a staff account (the security administrator): its sessions end and "
                "the person must change it at the next sign-in", "accounts", ("security_admin",),
                reset_staff_password, status=204, action_zh="重设工作人员密码",
                body=obj({"username": USERNAME_SCHEMA, "initial_password": NEW_PASSWORD_SCHEMA},
                         required=("username", "initial_password"))))
    r.add(Route("GET", "/api/v1/audit", "listAudit",
                "Audit view: who did what, when and from which address (newest first); the audit administrator "
                "alone (三员分立)",
                "accounts", ("audit_admin",), list_audit, action_zh="查看审计记录",
                query=obj({"subject": {"type": "string", "maxLength": 64}, "action": {"type": "string", "maxLength": 64},
                           "since": {"type": "string", "format": "date-time", "maxLength": 40},
                           "until": {"type": "string", "format": "date-time", "maxLength": 40},
                           "limit": {"type": "integer", "minimum": 1, "maximum": 500}}),
                response=obj({"entries": array(AUDIT_ENTRY_SCHEMA, 500)}, required=("entries",))))
    r.add(Route("GET", "/api/v1/audit/export", "exportAudit",
                "The audit search as CSV (UTF-8 with BOM; at most 10000 records, newest first); the audit "
                "administrator alone", "accounts", ("audit_admin",), export_audit, action_zh="导出审计记录",
                query=obj({"subject": {"type": "string", "maxLength": 64}, "action": {"type": "string", "maxLength": 64},
                           "since": {"type": "string", "format": "date-time", "maxLength": 40},
                           "until": {"type": "string", "format": "date-time", "maxLength": 40},
                           "limit": {"type": "integer", "minimum": 1, "maximum": 10000}}),
                download=Download(("text/csv",))))
