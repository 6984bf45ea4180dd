"""Enterprise password reset by a one-time code sent by SMS or e-mail through notification
(rules: gateway/rules/reset.py). Public routes: the person has no password."""

from __future__ import annotations

import logging
from datetime import datetime, timezone
from typing import Any

from gateway.api.common import USCC_SCHEMA, audit
from gateway.auth import enterprise_login
from gateway.routes import Context, Registry, Reply, Route, obj
from gateway.rules import reset
from gateway.rules.access import Identity
from gateway.rules.lockout import refused
from gateway.rules.passwords import NEW_PASSWORD_SCHEMA, password_problems
from zjtx.errors import DomainError, invalid
from zjtx_api import notification_pb2, registration_pb2

log = logging.getLogger(__name__)
CHANNEL = {"type": "string", "enum": ["sms", "email"], "x-message": "发送方式为 sms（短信）或 email（电子邮件）"}
CODE = {"type": "string", "pattern": "^[0-9]{6}$", "x-message": "验证码为6位数字"}
ANSWER = obj({"message": {"type": "string"}, "expires_in_seconds": {"type": "integer"}},
             required=("message", "expires_in_seconds"))


def request_code(ctx: Context) -> Reply:
    accounts = ctx.gw.accounts
    now = accounts.clock()
    if not reset.address_allowed(accounts.store.note_reset_request(ctx.client_address, now), now):
        raise refused("reset.too_many", "获取验证码过于频繁，请10分钟后再试", reset.ADDRESS_WINDOW)
    login = enterprise_login(ctx.body["uscc"])
    issued = accounts.reset_code_for(login)
    if issued is not None:
        credential, code, request_id = issued
        try:
            _send(ctx, credential, code, request_id, ctx.body["channel"], now + reset.CODE_TTL)
            audit(ctx, "password.reset_requested", credential["subject"], {"channel": ctx.body["channel"]})
        except DomainError as error:  # an address missing or notification down: logged, answered the same
            log.warning("reset code for %s not sent: %s", credential["subject"], error)
    # the same answer whether or not the USCC is registered, and whether or not a code went out
    return Reply({"message": reset.REQUEST_ANSWER, "expires_in_seconds": reset.CODE_TTL}, 202)


def _send(ctx: Context, credential: dict[str, Any], code: str, request_id: str, channel: str, expires: float) -> None:
    enterprise_id = credential.get("enterprise_id") or credential["subject"]
    # the gateway asks on the enterprise's behalf: it has just been identified by its login, nothing more is read
    on_behalf = Identity(subject=credential["subject"], role="enterprise", enterprise_id=enterprise_id)
    enterprise = ctx.gw.upstreams.call("registration", "GetEnterprise",
                                       registration_pb2.GetEnterpriseRequest(enterprise_id=enterprise_id),
                                       on_behalf, ctx.client_address)
    address = enterprise.contact.mobile if channel == "sms" else enterprise.contact.email
    if not address.strip():
        raise invalid("reset.no_address", f"企业未登记{'手机' if channel == 'sms' else '邮箱'}")
    ctx.gw.upstreams.call("notification", "SendAccountCode", notification_pb2.SendAccountCodeRequest(
        request_id=request_id, recipient=f"enterprise:{enterprise_id}",
        name=enterprise.contact.person or enterprise.name, channel=channel, address=address, code=code,
        expires_at=datetime.fromtimestamp(expires, timezone.utc).isoformat(), purpose="password_reset"),
        None, ctx.client_address)


def confirm(ctx: Context) -> Reply:
    login = enterprise_login(ctx.body["uscc"])
    new = ctx.body["new_password"]
    problems = password_problems(new, "new_password", login=ctx.body["uscc"])
    if problems:
        raise invalid("password.invalid", "新密码不符合要求", problems)
    credential = ctx.gw.accounts.reset_password(login, ctx.body["code"], new)
    audit(ctx, "password.reset", credential["subject"])
    return Reply(None, 204)


def register(r: Registry) -> None:
    r.add(Route("POST", "/api/v1/password-resets", "requestPasswordReset",
                "An enterprise asks for a one-time code to reset its password, sent to its registered contact by SMS "
                "or e-mail. Always 202 with the same answer (registered or not); at most one code a minute and five "
                "an hour per login; too many requests from one address: 429 reset.too_many", "session", (),
                request_code, status=202, response=ANSWER, errors=(429,),
                body=obj({"uscc": USCC_SCHEMA, "channel": CHANNEL}, required=("uscc", "channel"))))
    r.add(Route("POST", "/api/v1/password-resets/confirm", "confirmPasswordReset",
                "Set a new password with the code (valid 10 minutes, once, five tries); every earlier session "
                "ends. A wrong, used or expired code and an unknown USCC all answer 409 reset.invalid_code",
                "session", (), confirm, status=204, errors=(409,),
                body=obj({"uscc": USCC_SCHEMA, "code": CODE, "new_password": NEW_PASSWORD_SCHEMA},
                         required=("uscc", "code", "new_password"))))
