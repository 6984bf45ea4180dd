"""Enterprises: self-registration with a password, and the enterprise's own profile."""

from __future__ import annotations

from typing import Any

from gateway.api import privacy
from gateway.api.common import NEW_USCC_SCHEMA, audit, body_schema, build, out, rpc, schema
from gateway.auth import enterprise_login
from gateway.formats import PROFILE_FIELDS
from gateway.routes import Context, Registry, Reply, Route, obj, text
from gateway.rules.access import Identity, check_own_enterprise
from gateway.rules.passwords import NEW_PASSWORD_SCHEMA, password_problems
from zjtx.errors import DomainError, already_exists, invalid
from zjtx_api import registration_pb2 as pb


def registration_body() -> dict[str, Any]:
    body = body_schema(pb.RegisterEnterpriseRequest, required=("uscc", "name", "region_code", "industry", "contact"),
                       overrides={"uscc": NEW_USCC_SCHEMA, **PROFILE_FIELDS})
    body["properties"]["password"] = NEW_PASSWORD_SCHEMA
    body["properties"]["privacy_notice_version"] = privacy.VERSION_SCHEMA
    body["required"] += ["password", "privacy_notice_version"]
    return body


def register_enterprise(ctx: Context) -> Reply:
    data = dict(ctx.body)
    password = data.pop("password")
    consent = privacy.consent(data.pop("privacy_notice_version"))  # before anything is reserved
    uscc = data["uscc"].upper()
    problems = password_problems(password, "password", login=uscc)
    if problems:
        raise invalid("password.invalid", "密码不符合要求", problems)
    accounts = ctx.gw.accounts
    try:
        credential_id = accounts.reserve(enterprise_login(uscc), "enterprise", "enterprise", password,
                                         name=data["name"], created_by="self-registration")
    except DomainError as error:
        if error.code != "account.login_taken":
            raise
        # an enterprise's login is its USCC, which it cannot choose: say what registration says
        raise already_exists("enterprise.uscc_registered",
                             f"统一社会信用代码 {uscc} 已注册，请直接登录；如忘记密码请联系所在地工信部门") from None
    # the enterprise does not exist yet: assert an enterprise caller without an id
    applicant = Identity(subject="", role="enterprise")
    try:
        enterprise = ctx.gw.upstreams.call("registration", "RegisterEnterprise",
                                           build(pb.RegisterEnterpriseRequest, {**data, "uscc": uscc}),
                                           applicant, ctx.client_address)
    except Exception:
        accounts.release(credential_id)
        raise
    accounts.activate(credential_id, enterprise.id, enterprise_id=enterprise.id, name=enterprise.name,
                      privacy_consent=consent)
    audit(ctx, "account.created", enterprise.id, {"login": enterprise_login(uscc), "kind": "enterprise",
                                                  "privacy_notice_version": consent["version"]})
    return Reply(out(enterprise), 201)


def get_enterprise(ctx: Context) -> Any:
    enterprise_id = ctx.path["enterprise_id"]
    check_own_enterprise(ctx.who, enterprise_id)
    return out(rpc(ctx, "registration", "GetEnterprise", pb.GetEnterpriseRequest(enterprise_id=enterprise_id)))


def my_enterprise(ctx: Context) -> Any:
    return out(rpc(ctx, "registration", "GetEnterprise", pb.GetEnterpriseRequest(enterprise_id=ctx.who.enterprise_id)))


def erase_personal_data(ctx: Context) -> Any:
    """PIPL art. 47, after the programmes' archive period: registration refuses earlier (409, naming the
    date) and tells every service (registration.personal_data_erased); the gateway's trail records the
    system administrator's act like every staff write, registration's own trail too."""
    request = pb.ErasePersonalDataRequest(enterprise_id=ctx.path["enterprise_id"], reason=ctx.body.get("reason", ""))
    return out(rpc(ctx, "registration", "ErasePersonalData", request))


def register(r: Registry) -> None:
    r.add(Route("POST", "/api/v1/enterprises", "registerEnterprise",
                "Register an enterprise and set its sign-in password (USCC + password)", "enterprises", (),
                register_enterprise, body=registration_body(), response=schema(pb.Enterprise), status=201))
    r.add(Route("GET", "/api/v1/enterprise", "getMyEnterprise", "The signed-in enterprise's own profile",
                "enterprises", ("enterprise",), my_enterprise, response=schema(pb.Enterprise),
                action_zh="查看企业信息"))
    r.add(Route("POST", "/api/v1/enterprises/{enterprise_id}/personal-data-erasure", "erasePersonalData",
                "Erase the enterprise's personal data once its programmes' archive period has passed (system "
                "administrator; the record stays, each personal value becomes 〔已删除〕)", "enterprises", ("admin",),
                erase_personal_data, body=obj({"reason": text(500)}), response=schema(pb.PersonalDataErased),
                errors=(404, 409), action_zh="删除企业个人信息"))
    r.add(Route("GET", "/api/v1/enterprises/{enterprise_id}", "getEnterprise", "An enterprise's profile (its own only)",
                "enterprises", ("enterprise",), get_enterprise, response=schema(pb.Enterprise),
                action_zh="查看企业信息"))
