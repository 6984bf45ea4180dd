"""The OpenAPI 3.1 document, generated from the routing table."""

from __future__ import annotations

from typing import Any

from gateway.routes import Registry, Route

ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["code", "message", "violations"],
    "additionalProperties": False,
    "properties": {
        "code": {"type": "string", "description": "stable machine-readable code, e.g. request.invalid, token.expired"},
        "message": {"type": "string", "description": "for people, in Chinese: what was wrong and what is accepted"},
        "violations": {"type": "array", "items": {
            "type": "object", "required": ["field", "code", "message"], "additionalProperties": False,
            "properties": {"field": {"type": "string"}, "code": {"type": "string"}, "message": {"type": "string"}},
        }},
    },
}

ERROR_TEXT = {
    400: "invalid input (schema, forbidden keys, domain rules); every problem in `violations`",
    401: "no, forged, expired or revoked token (token.invalid, token.expired, token.revoked, auth.required)",
    403: "the caller's role or jurisdiction does not allow this",
    404: "no such resource",
    405: "method not allowed on this path",
    409: "state conflict (version, window closed, wrong status) or already exists",
    413: "request body larger than the operation's limit (x-max-body-bytes; request.too_large)",
    415: "unsupported media type",
    429: "sign-in attempted too soon after a failure (signin.too_soon), the login locked after repeated failures "
         "(account.locked), or too many requests to public routes from one client address (rate.limited); "
         "Retry-After says when to try again",
    431: "more than 100 header lines or 32 KiB of request line and headers (request.headers_too_large)",
    502: "a service failed",
    503: "a service is unavailable",
    504: "a service did not answer in time",
}

DESCRIPTION = """\
The HTTP/JSON API of the ZJTX platform (专精特新 SME cultivation programmes): enterprises
register, apply and follow their applications; reviewers review their unit's tasks; programme
admins rank, recognise and publish; operations staff watch health, queues and deliveries.

Sign in with `POST /api/v1/sessions/enterprise` (USCC + password) or
`POST /api/v1/sessions/staff` (username + password) and send the token as
`Authorization: Bearer <token>`. Every error answer is
`{"code": "<stable machine code>", "message": "<Chinese, for people>", "violations": [{"field", "code", "message"}]}`.
Every answer carries `X-Trace-Id` (the OpenTelemetry trace id operations staff look up).
"""


def _responses(route: Route) -> dict[str, Any]:
    responses: dict[str, Any] = {}
    if route.download:
        responses[str(route.status)] = {
            "description": "the file, streamed",
            "content": {t: {"schema": {"type": "string", "format": "binary"}} for t in route.download.media_types},
        }
    elif route.status == 204:
        responses["204"] = {"description": "done, no content"}
    else:
        responses[str(route.status)] = {
            "description": "success",
            "content": {"application/json": {"schema": route.response or {}}},
        }
    statuses = {400, 404, 405, 413, 431, 502, 503, 504, *route.errors}  # 413/431: the edge's limits
    if route.roles:
        statuses |= {401, 403}
    else:
        statuses.add(429)  # public routes are rate-limited per client address (gateway/exposure.py)
    if route.body is not None or route.upload is not None:
        statuses |= {413, 415}
    if route.writes:
        statuses.add(409)
    error = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
    for status in sorted(statuses):
        responses[str(status)] = {"description": ERROR_TEXT.get(status, "error"), **error}
    return responses


def _parameters(route: Route) -> list[dict[str, Any]]:
    parameters = [{"name": name, "in": "path", "required": True, "schema": schema}
                  for name, schema in route.path_params.items()]
    if route.query:
        required = set(route.query.get("required", []))
        for name, schema in route.query["properties"].items():
            parameters.append({"name": name, "in": "query", "required": name in required, "schema": schema})
    return parameters


def _operation(route: Route, limit: int | None = None, max_depth: int | None = None) -> dict[str, Any]:
    operation: dict[str, Any] = {
        "operationId": route.operation_id,
        "summary": route.summary,
        "tags": [route.tag],
        "responses": _responses(route),
    }
    if route.description:
        operation["description"] = route.description
    roles = ", ".join(route.roles) if route.roles else "anyone (no token)"
    operation["x-roles"] = list(route.roles)
    operation["description"] = (operation.get("description", "") + f"\n\nRoles: {roles}.").strip()
    parameters = _parameters(route)
    if parameters:
        operation["parameters"] = parameters
    if route.body is not None:
        depth = f"; arrays and objects nested at most {max_depth} deep" if max_depth else ""
        operation["requestBody"] = {"required": True, "content": {"application/json": {"schema": route.body}},
                                    "description": f"JSON, at most {limit} bytes{depth} (400 request.too_deep, "
                                                   "413 request.too_large beyond)" if limit else "JSON"}
    elif route.upload is not None:
        operation["requestBody"] = {
            "required": True,
            "description": f"the file itself, streamed (at most {limit or route.upload.max_bytes} bytes; 413 beyond)",
            "content": {t: {"schema": {"type": "string", "format": "binary"}} for t in route.upload.media_types},
        }
    if limit is not None:
        operation["x-max-body-bytes"] = limit
    if max_depth and route.body is not None:
        operation["x-max-json-depth"] = max_depth
    operation["security"] = [{"bearer": []}] if route.roles else []
    return operation


def document(registry: Registry, version: str = "1", limits: dict[str, int] | None = None,
             max_depth: int | None = None) -> dict[str, Any]:
    """``limits``: each operation's body limit in bytes (gateway/limits.py), stated as ``x-max-body-bytes``."""
    paths: dict[str, Any] = {}
    for route in registry:
        limit = limits.get(route.operation_id) if limits else None
        paths.setdefault(route.path, {})[route.method.lower()] = _operation(route, limit, max_depth)
    tags = sorted({route.tag for route in registry})
    return {
        "openapi": "3.1.0",
        "info": {"title": "ZJTX 专精特新企业培育申报平台 API", "version": version, "description": DESCRIPTION},
        "tags": [{"name": tag} for tag in tags],
        "paths": paths,
        "components": {
            "schemas": {"Error": ERROR_SCHEMA},
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT (EdDSA, Ed25519)"}},
        },
    }
