"""The routing table: one ``Route`` per operation, from which both the dispatcher and the
OpenAPI document are built (they cannot drift apart).

A route declares its method and path, who may call it, the JSON Schemas of its query,
body and response, and whether it streams an upload or a download. Handlers receive a
``Context`` holding the validated input and the signed-in identity.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from gateway.rules.access import Identity

PUBLIC: tuple[str, ...] = ()
SIGNED_IN = ("enterprise", "reviewer", "admin", "operations")
# 三员分立: beside the system administrator (role admin), the security and audit administrators; they reach
# only their own routes and these (who am I, the password, sign-out)
ADMINISTRATORS = ("security_admin", "audit_admin")
ANY_SIGNED_IN = SIGNED_IN + ADMINISTRATORS
STAFF = ("reviewer", "admin")

ID_PATTERN = "^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$"
ID_SCHEMA: dict[str, Any] = {"type": "string", "pattern": ID_PATTERN,
                             "x-message": "编号由字母、数字、下划线或连字符组成，最多64个字符"}


@dataclass(frozen=True)
class Upload:
    """A raw request body streamed to a service (``Content-Type`` = the file's media type)."""

    media_types: tuple[str, ...]
    max_bytes: int


@dataclass(frozen=True)
class Download:
    """A streamed binary response."""

    media_types: tuple[str, ...]


@dataclass
class Context:
    """What a handler gets: validated input, the caller, and the raw request for streams."""

    identity: Identity | None
    path: dict[str, str]
    query: dict[str, Any]
    body: Any
    client_address: str
    request: Any
    gw: Any = None  # the Gateway: upstreams, accounts, directory
    trace_id: str = ""

    @property
    def who(self) -> Identity:
        assert self.identity is not None, "route is not public"
        return self.identity


@dataclass
class Reply:
    """A JSON answer; ``None`` body with 204 for no content."""

    body: Any
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Route:
    method: str
    path: str
    operation_id: str
    summary: str
    tag: str
    roles: tuple[str, ...]
    handler: Callable[[Context], Any]
    body: dict[str, Any] | None = None
    query: dict[str, Any] | None = None
    response: dict[str, Any] | None = None
    status: int = 200
    path_params: dict[str, dict[str, Any]] = field(default_factory=dict)
    upload: Upload | None = None
    download: Download | None = None
    description: str = ""
    errors: tuple[int, ...] = ()
    action_zh: str = "执行此操作"  # what the route does, for refusals ("无权<action_zh>")
    body_limit: int = 0  # bytes; 0: the gateway's default for its kind (gateway/limits.py)

    @property
    def writes(self) -> bool:
        return self.method in ("POST", "PUT", "PATCH", "DELETE")

    @property
    def werkzeug_rule(self) -> str:
        return re.sub(r"\{([a-z_]+)\}", r"<\1>", self.path)

    def param_names(self) -> list[str]:
        return re.findall(r"\{([a-z_]+)\}", self.path)


class Registry:
    """Routes collected from the API modules, in declaration order."""

    def __init__(self) -> None:
        self.routes: list[Route] = []

    def add(self, route: Route) -> Route:
        for name in route.param_names():
            route.path_params.setdefault(name, ID_SCHEMA)
        if any(r.operation_id == route.operation_id for r in self.routes):
            raise ValueError(f"duplicate operation id {route.operation_id}")
        self.routes.append(route)
        return route

    def __iter__(self) -> Iterator[Route]:
        return iter(self.routes)


def obj(properties: dict[str, Any], required: tuple[str, ...] | list[str] = (), **extra: Any) -> dict[str, Any]:
    """A strict object schema (no property that is not declared)."""
    schema: dict[str, Any] = {"type": "object", "properties": properties, "additionalProperties": False, **extra}
    if required:
        schema["required"] = list(required)
    return schema


def text(max_length: int = 200, min_length: int = 0, **extra: Any) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "string", "maxLength": max_length, **extra}
    if min_length:
        schema["minLength"] = min_length
    return schema


def integer(minimum: int, maximum: int, **extra: Any) -> dict[str, Any]:
    return {"type": "integer", "minimum": minimum, "maximum": maximum, **extra}


def array(items: dict[str, Any], max_items: int = 200, **extra: Any) -> dict[str, Any]:
    return {"type": "array", "items": items, "maxItems": max_items, **extra}


BOOLEAN: dict[str, Any] = {"type": "boolean"}
