"""Helpers the API modules share: calling a service as the caller, JSON <-> proto, audit."""

from __future__ import annotations

import logging
from typing import Any

from google.protobuf.message import Message

from gateway.protojson import json_to_message, message_to_json, request_schema, response_schema
from gateway.routes import Context
from zjtx import audit as audit_trail

log = logging.getLogger("gateway.api")

USCC_SCHEMA: dict[str, Any] = {
    "type": "string", "pattern": "^[0-9A-Za-z]{18}$",
    "x-message": "统一社会信用代码为18位数字或大写字母（GB 32100-2015）",
}
# a USCC being registered: valid under GB 32100-2015 (gateway/formats.py checks it with registration's own function)
NEW_USCC_SCHEMA: dict[str, Any] = {
    "type": "string", "format": "uscc",
    "description": "统一社会信用代码: 18 characters valid under GB 32100-2015, both check characters included "
                   "(format uscc; ASCII lowercase letters are read as uppercase)",
    "x-message": "统一社会信用代码为18位数字或大写字母，校验位须正确（GB 32100-2015）",
}
PASSWORD_SCHEMA: dict[str, Any] = {"type": "string", "minLength": 1, "maxLength": 128}
USERNAME_SCHEMA: dict[str, Any] = {
    "type": "string", "pattern": "^[A-Za-z0-9][A-Za-z0-9_@-]{2,63}$",
    "x-message": "登录名为3到64个字母、数字、下划线、连字符或@，以字母或数字开头",
}
LIMIT_SCHEMA: dict[str, Any] = {"type": "integer", "minimum": 1, "maximum": 200}


def rpc(ctx: Context, service: str, method: str, request: Message) -> Any:
    """Call a service as the signed-in caller (services check the caller again)."""
    return ctx.gw.upstreams.call(service, method, request, ctx.identity, ctx.client_address)


def system_rpc(ctx: Context, service: str, method: str, request: Message) -> Any:
    """Call without a caller: only for public directory reads (programmes, units)."""
    return ctx.gw.upstreams.call(service, method, request, None, ctx.client_address)


def out(message: Message) -> Any:
    return message_to_json(message)


def schema(message_type: type[Message]) -> dict[str, Any]:
    return response_schema(message_type.DESCRIPTOR)


def body_schema(message_type: type[Message], **kwargs: Any) -> dict[str, Any]:
    return request_schema(message_type.DESCRIPTOR, **kwargs)


def build(message_type: type[Message], data: dict[str, Any] | None, **fixed: Any) -> Any:
    """A request message from the validated body plus what the gateway sets itself."""
    message = json_to_message(data or {}, message_type())
    for name, value in fixed.items():
        field = getattr(message, name)
        if isinstance(value, Message):
            field.CopyFrom(value)
        elif isinstance(value, list):
            del field[:]
            field.extend(value)
        else:
            setattr(message, name, value)
    return message


def audit(ctx: Context, action: str, target: str, details: dict[str, Any] | None = None, *,
          subject: str = "", role: str = "", unit: str = "") -> None:
    """A write the gateway itself owns (credentials, sessions): one entry in its hash-chained trail
    (zjtx.audit) with who, when (wall and platform clock), what, from where. ``subject``/``role``/``unit``
    name the person when the request carries no identity yet (a sign-in)."""
    identity = ctx.identity
    ctx.gw.accounts.store.audit(audit_trail.Entry(
        action=action, target=target, subject=identity.subject if identity else subject,
        role=identity.role if identity else (role or "anonymous"), unit=identity.unit if identity else unit,
        principal="gateway", client_address=ctx.client_address, trace_id=ctx.trace_id, details=details or {}))
