"""Sign-in and sign-out, the signed-in person, passwords, staff accounts and units."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from werkzeug.wrappers import Response

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
from gateway.auth import Session, enterprise_login, staff_login
from gateway.routes import SIGNED_IN, STAFF, Context, Registry, Reply, Route, obj, text
from gateway.rules.access import units_within
from gateway.rules.passwords import NEW_PASSWORD_SCHEMA, password_problems
from zjtx.errors import forbidden, invalid
from zjtx_api import review_pb2

IDENTITY_SCHEMA = obj({
    "subject": {"type": "string"}, "role": {"type": "string", "enum": list(SIGNED_IN)},
    "unit": {"type": "string"}, "enterprise_id": {"type": "string"}, "name": {"type": "string"},
    "expires_at": {"type": "string"},
}, required=("subject", "role", "unit", "enterprise_id", "name", "expires_at"))
# token_type "Bearer": the token is in the body; "Cookie" (sign-in sent X-ZJTX-Session: cookie): the token is only in
# the HttpOnly zjtx_session cookie, and zjtx_csrf holds the value unsafe requests send as X-CSRF-Token
SESSION_SCHEMA = obj({
    "token": {"type": "string"}, "token_type": {"enum": ["Bearer", "Cookie"]}, "expires_at": {"type": "string"},
    "must_change_password": {"type": "boolean"}, "identity": IDENTITY_SCHEMA,
}, required=("token_type", "expires_at", "must_change_password", "identity"))
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
    audit(ctx, "session.signed_in", session.claims.sub, {"login": login}, subject=session.claims.sub,
          role=session.claims.role, unit=session.claims.unit)
    return session_answer(ctx, session)


def sign_in_staff(ctx: Context) -> Any:
    login = staff_login(ctx.body["username"])
    ctx.gw.bootstrap.ensure_for(login)
    session = ctx.gw.accounts.sign_in(login, ctx.body["password"], ("staff",), ctx.client_address)
    audit(ctx, "session.signed_in", session.claims.sub, {"login": login}, subject=session.claims.sub,
          role=session.claims.role, unit=session.claims.unit)
    return session_answer(ctx, session)


def sign_out(ctx: Context) -> Any:
    ctx.gw.accounts.sign_out(ctx.who)
    audit(ctx, "session.signed_out", ctx.who.subject)
    return ctx.gw.sessions.clear(ctx.request, Response(status=204))  # a browser's cookies go with it


def me(ctx: Context) -> dict[str, Any]:
    who = ctx.who
    return {"subject": who.subject, "role": who.role, "unit": who.unit, "enterprise_id": who.enterprise_id,
            "name": who.name, "expires_at": _iso(who.expires_at)}


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
    _check_unit_reach(ctx, unit_id, "为")
    login = staff_login(body["username"])
    problems = password_problems(body["initial_password"], "initial_password", login=body["username"])
    if problems:
        raise invalid("password.invalid", "初始密码不符合要求", problems)
    accounts = ctx.gw.accounts
    credential_id = accounts.reserve(login, "staff", body["role"], body["initial_password"], name=body["name"],
                                     created_by=ctx.who.subject, unit=unit_id, must_change=True)
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


def register(r: Registry) -> None:
    r.add(Route("POST", "/api/v1/sessions/enterprise", "signInEnterprise", "Sign in as an enterprise (USCC + password)",
                "session", (), sign_in_enterprise,
                body=obj({"uscc": USCC_SCHEMA, "password": PASSWORD_SCHEMA}, required=("uscc", "password")),
                response=SESSION_SCHEMA, errors=(401, 429),
                description="Repeated failures slow down (429 signin.too_soon with Retry-After) and then lock the "
                            "login (429 account.locked with Retry-After). "
                            + BROWSER_SESSION))
    r.add(Route("POST", "/api/v1/sessions/staff", "signInStaff",
                "Sign in as a reviewer, programme admin or operations staff (username + password)",
                "session", (), sign_in_staff,
                body=obj({"username": USERNAME_SCHEMA, "password": PASSWORD_SCHEMA}, required=("username", "password")),
                response=SESSION_SCHEMA, errors=(401, 429), description=BROWSER_SESSION))
    r.add(Route("DELETE", "/api/v1/session", "signOut", "Sign out: revoke this token (and clear a browser's session cookies)",
                "session", SIGNED_IN, sign_out, status=204, action_zh="退出登录"))
    r.add(Route("GET", "/api/v1/me", "getMe", "Who is signed in", "session", SIGNED_IN, me,
                response=IDENTITY_SCHEMA, action_zh="查看登录信息"))
    r.add(Route("PUT", "/api/v1/me/password", "changePassword",
                "Change one's password (every token issued before stops working)", "session", SIGNED_IN,
                change_password, status=204, action_zh="修改密码",
                body=obj({"current_password": PASSWORD_SCHEMA, "new_password": NEW_PASSWORD_SCHEMA},
                         required=("current_password", "new_password"))))
    r.add(Route("GET", "/api/v1/units/{unit_id}", "getUnit", "A review unit with its reviewers and admins",
                "accounts", STAFF, get_unit, response=schema(review_pb2.Unit), action_zh="查看审核单位"))
    r.add(Route("POST", "/api/v1/units/{unit_id}/accounts", "createAccount",
                "Create a reviewer or admin account for a unit (admins of the unit or a unit above it)",
                "accounts", ("admin",), create_account, status=201, response=ACCOUNT_SCHEMA,
                action_zh="创建审核账号",
                body=obj({
                    "username": USERNAME_SCHEMA,
                    "name": text(30, 1),
                    "email": text(100, 3),
                    "mobile": text(20),
                    "role": {"type": "string", "enum": ["reviewer", "admin"]},
                    "initial_password": NEW_PASSWORD_SCHEMA,
                }, required=("username", "name", "email", "role", "initial_password"))))
