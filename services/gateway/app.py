"""The gateway's WSGI application: HTTP/JSON in front of the services' gRPC APIs.

Every request goes the same way: match a route (404/405), authenticate the bearer token
and check the route's roles (401/403), validate path, query and body against the route's
schemas and the key guard (400/413/415), run the handler (which checks the resource and
calls the services with the caller in gRPC metadata), answer JSON or a stream. Errors are
``{"code", "message", "violations"}`` with a Chinese message; every write is logged as a
JSON line with who, what, from where and the trace id.
"""

from __future__ import annotations

import json
import logging
import math
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from opentelemetry import trace
from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from gateway import openapi
from gateway.api import build_registry
from gateway.api.common import audit as record_audit
from gateway.auth import Accounts
from gateway.directory import Directory
from gateway.exposure import Exposure
from gateway.health import Readiness
from gateway.limits import BodyLimits
from gateway.routes import Context, Registry, Reply, Route
from gateway.rules import problems
from gateway.rules.access import Identity, require_role
from gateway.rules.validation import MAX_DEPTH, SchemaChecker, check_body, check_query, too_deep
from gateway.upstream import Upstreams
from gateway.web import Front
from gateway.websession import BrowserSessions
from zjtx.clock import now as platform_now
from zjtx.config import REPO_ROOT
from zjtx.errors import DomainError, Violation, forbidden, invalid, unauthenticated

log = logging.getLogger("gateway")
audit_log = logging.getLogger("gateway.audit")
# writes whose handlers record their own, more precise audit entry
SELF_AUDITED = frozenset({"signOut", "changePassword", "createAccount", "setAccountState"})

# a signed-in person whose password someone else set may only see who they are, change it or sign out
PASSWORD_CHANGE_FIRST = frozenset({"signOut", "changePassword", "getMe"})
# reads by staff of records holding another person's personal data (contacts in a profile or an application)
PERSONAL_READS = frozenset({"getApplication", "getSnapshot", "getTask", "getReviewRecord", "getEnterprise"})
UPSTREAMS = ("registration", "review", "notification", "reporting")
# generated beside the stubs by `make protos`; served as committed, so it is what `make test` checked
ASYNCAPI_DOCUMENT = REPO_ROOT / "services" / "zjtx_api" / "asyncapi.json"
JSON_TYPES = ("application/json",)
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
}
# JSON with <, > and & escaped: markup people typed is returned verbatim yet inert
_ESCAPES = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"})


def dumps(body: Any) -> str:
    return json.dumps(body, ensure_ascii=False).translate(_ESCAPES)


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    if status == 204:
        return Response(status=204, headers=headers)
    return Response(dumps(body), status=status, mimetype="application/json", headers=headers)


def problem_response(error: DomainError) -> Response:
    headers = {}
    retry_after = getattr(error, "retry_after", 0)
    if retry_after:
        headers["Retry-After"] = str(retry_after)
    return json_response(problems.body_of(error), problems.status_of(error), headers)


def _no_constants(name: str) -> Any:
    raise ValueError(f"JSON constant {name} is not accepted")


def _number(text: str) -> float | int:
    """JSON numbers: a whole number written 12.0 is the integer 12 (JSON Schema agrees,
    protobuf integer fields need it); infinities are not numbers."""
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"number {text} is out of range")
    return int(value) if value.is_integer() and abs(value) <= 2**53 else value


def _unique_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"duplicate key {key!r}")
        result[key] = value
    return result


class Compiled:
    """A route with its schemas compiled once at start."""

    def __init__(self, route: Route) -> None:
        self.route = route
        self.body = SchemaChecker(route.body) if route.body is not None else None
        self.query = SchemaChecker(route.query or {"type": "object", "properties": {}, "additionalProperties": False})
        self.path = SchemaChecker({"type": "object", "properties": route.path_params, "additionalProperties": False})


class Gateway:
    def __init__(self, config: dict[str, Any], accounts: Accounts, upstreams: Upstreams,
                 extras: dict[str, Any] | None = None) -> None:
        self.config = config
        self.accounts = accounts
        self.upstreams = upstreams
        self.directory = Directory(upstreams)
        self.extras = extras or {}
        self.bootstrap: Any = None  # gateway.bootstrap.Bootstrap, set by wiring
        self.registry: Registry = build_registry()
        self.compiled = {route.operation_id: Compiled(route) for route in self.registry}
        self.limits = BodyLimits(self.registry, config)  # the edge refuses larger bodies before reading them
        self.readiness = Readiness(self._probe_services, max_age=1.0)
        rules = [Rule("/healthz", endpoint="health", methods=["GET"]),
                 Rule("/readyz", endpoint="ready", methods=["GET"]),
                 Rule("/openapi.json", endpoint="openapi", methods=["GET"]),
                 Rule("/asyncapi.json", endpoint="asyncapi", methods=["GET"])]
        rules += [Rule(r.werkzeug_rule, endpoint=r.operation_id, methods=[r.method]) for r in self.registry]
        self.urls = Map(rules, strict_slashes=False, merge_slashes=False)
        self._document = openapi.document(self.registry, limits=self.limits.by_operation, max_depth=MAX_DEPTH)
        # the CSRF key is derived from the token signing key's secret bytes (an HMAC label of its own)
        self.sessions = BrowserSessions(accounts.key.private_bytes_raw(), str(config.get("COOKIE_SECURE") or "auto"))
        self.front = Front(Path(config.get("WEB_DIR") or REPO_ROOT / "web" / "dist"))
        self.exposure = Exposure.from_config(config)  # per-address limits on public routes, HSTS

    # ---- built-in endpoints -------------------------------------------------------

    def health(self) -> Response:
        """Liveness: this process answers HTTP; no other service is asked."""
        return json_response({"status": "ok"})

    def ready(self) -> Response:
        """Readiness: every service SERVING, from a result at most one second old."""
        state = self.readiness.state()
        return json_response({"status": "ok" if state["ready"] else "degraded", "services": state["services"],
                              "age_seconds": state["age_seconds"]}, 200 if state["ready"] else 503)

    def _probe_services(self) -> dict[str, str]:
        return {name: self.upstreams.health(name) for name in UPSTREAMS}

    # ---- the pipeline -------------------------------------------------------------

    def identity_of(self, request: Request, route: Route) -> Identity | None:
        if not route.roles:
            return None
        header = request.headers.get("Authorization", "")
        cookie = "" if header else self.sessions.token_of(request)  # a browser's session cookie
        if not header and not cookie:
            raise unauthenticated("auth.required", "请先登录：请求需要在 Authorization 头中携带“Bearer <令牌>”，"
                                                   "或由浏览器携带登录 Cookie")
        identity = self.accounts.authenticate(header or f"Bearer {cookie}")
        if cookie:
            self.sessions.check_csrf(request, cookie)
        if identity.must_change_password and route.operation_id not in PASSWORD_CHANGE_FIRST:
            raise forbidden("password.change_required", "您的密码由他人设置，请先修改密码（PUT /api/v1/me/password），"
                                                        "修改后才能进行其他操作")
        require_role(identity, route.roles, route.action_zh)
        return identity

    def read_json(self, request: Request, compiled: Compiled) -> Any:
        mimetype = request.mimetype
        if mimetype not in JSON_TYPES:
            raise DomainError("request.media_type", f"请求内容类型“{mimetype or '未指定'}”不被接受；请使用 application/json",
                              [], "media_type")
        limit = self.limits.by_operation[compiled.route.operation_id]
        length = request.content_length
        if length is not None and length > limit:
            raise self.too_large(limit)
        raw = request.stream.read(limit + 1)
        if len(raw) > limit:
            raise self.too_large(limit)
        deep = too_deep(raw)  # a linear scan: nothing recursive has touched the body yet
        if deep is not None:
            raise invalid("request.too_deep", deep.message, [deep])
        try:
            body = json.loads(raw.decode("utf-8"), object_pairs_hook=_unique_pairs, parse_constant=_no_constants,
                              parse_float=_number)
            json.dumps(body, ensure_ascii=False).encode("utf-8")  # lone surrogates (\ud800) are not text
        except (UnicodeError, ValueError) as exc:
            raise invalid("request.malformed_json", "请求内容不是有效的 UTF-8 JSON；请检查引号、逗号和括号",
                          [Violation("body", "request.malformed_json", str(exc)[:200])]) from None
        assert compiled.body is not None
        check_body(compiled.body, body)
        return body

    @staticmethod
    def too_large(limit: int) -> DomainError:
        return DomainError("request.too_large", f"请求内容超过该接口的上限（最大{limit}字节）；请缩减内容后重试", [],
                           "too_large")

    def context(self, request: Request, compiled: Compiled, values: dict[str, str]) -> Context:
        route = compiled.route
        identity = self.identity_of(request, route)
        path_problems = compiled.path.problems(values)
        if path_problems:
            raise invalid("request.invalid", f"路径参数有{len(path_problems)}处不符合要求", path_problems)
        query = check_query(compiled.query, request.args.to_dict(flat=False))
        body = self.read_json(request, compiled) if compiled.body is not None else None
        return Context(identity=identity, path=values, query=query, body=body,
                       client_address=request.remote_addr or "", request=request, gw=self,
                       trace_id=_trace_id())

    def dispatch(self, request: Request) -> tuple[Response, Context | None, Route | None]:
        adapter = self.urls.bind_to_environ(request.environ)
        try:
            endpoint, values = adapter.match()
        except NotFound:
            page = self.front.serve(request)  # the web front: / and its client-side routes
            if page is not None:
                return page, None, None
            return problem_response(problems.gateway_error("not_found", "请求的地址不存在；接口列表见 /openapi.json",
                                                           "not_found")), None, None
        except MethodNotAllowed as exc:
            response = problem_response(problems.gateway_error(
                "method_not_allowed", f"该地址不支持 {request.method} 方法；可用方法：{', '.join(exc.valid_methods or [])}",
                "method"))
            response.headers["Allow"] = ", ".join(exc.valid_methods or [])
            return response, None, None
        if endpoint == "health":
            return self.health(), None, None
        if endpoint == "ready":
            return self.ready(), None, None
        if endpoint == "openapi":
            return json_response(self._document), None, None
        if endpoint == "asyncapi":  # the events' contract, generated from proto/ (zjtx.asyncapi)
            return Response(ASYNCAPI_DOCUMENT.read_bytes(), mimetype="application/json"), None, None
        compiled = self.compiled[endpoint]
        if not compiled.route.roles:  # public: counted per client address before any work is done
            self.exposure.check_public(request.remote_addr or "")
        ctx = self.context(request, compiled, values)
        result = compiled.route.handler(ctx)
        return self.render(result, compiled.route), ctx, compiled.route

    def render(self, result: Any, route: Route) -> Response:
        if isinstance(result, Response):
            return result
        if isinstance(result, Reply):
            return json_response(result.body, result.status, result.headers)
        return json_response(result, route.status)

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        started = time.monotonic()
        request = Request(environ)
        ctx: Context | None = None
        route: Route | None = None
        try:
            response, ctx, route = self.dispatch(request)
        except DomainError as error:
            response = problem_response(error)
            route = self._route_of(request)
        except Exception:  # a bug here must not leak a stack trace to people
            log.exception("unhandled error on %s %s", request.method, request.path)
            response = problem_response(problems.gateway_error("internal", "服务器内部错误，请稍后重试；如持续出现请联系运维人员",
                                                               "upstream"))
            response.status_code = 500
        trace_id = _trace_id()
        if trace_id:
            response.headers["X-Trace-Id"] = trace_id
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        hsts = self.exposure.hsts_header(request.scheme)  # https, or https at the trusted proxy
        if hsts:
            response.headers["Strict-Transport-Security"] = hsts
        if request.path.startswith("/api/"):  # the platform's clock (it may replay 2020), for the web front
            response.headers["X-ZJTX-Now"] = platform_now().isoformat(timespec="milliseconds").replace("+00:00", "Z")
        self.log_request(request, response, ctx, route, started)
        return response(environ, start_response)

    def _route_of(self, request: Request) -> Route | None:
        try:
            endpoint, _ = self.urls.bind_to_environ(request.environ).match()
        except Exception:
            return None
        compiled = self.compiled.get(endpoint)
        return compiled.route if compiled else None

    def log_request(self, request: Request, response: Response, ctx: Context | None, route: Route | None,
                    started: float) -> None:
        """Every write (and every refused write) is logged: who, what, from where, outcome. Downloads and
        exports, and staff reads of what holds another person's personal data, go into the audit trail."""
        if request.method not in ("POST", "PUT", "PATCH", "DELETE"):
            if ctx is not None and ctx.identity is not None and route is not None and response.status_code < 400:
                if route.download is not None:
                    self._audit_read(ctx, f"download.{route.operation_id}", request)
                elif route.operation_id in PERSONAL_READS and ctx.identity.role != "enterprise":
                    self._audit_read(ctx, f"personal_data.read.{route.operation_id}", request)
            return
        identity = ctx.identity if ctx else None
        audit_log.info("write %s %s -> %s", request.method, request.path, response.status_code, extra={"audit": {
            "subject": identity.subject if identity else "",
            "role": identity.role if identity else "anonymous",
            "unit": identity.unit if identity else "",
            "route": route.operation_id if route else "",
            "method": request.method,
            "path": request.path,
            "status": response.status_code,
            "client_address": request.remote_addr or "",
            "duration_ms": round((time.monotonic() - started) * 1000, 1),
        }})
        if (identity and identity.role != "enterprise" and route and response.status_code < 400
                and route.operation_id not in SELF_AUDITED):
            self._audit_staff_write(ctx, route, request)

    def _audit_read(self, ctx: Context, action: str, request: Request) -> None:
        try:
            record_audit(ctx, action, request.path, {"method": request.method})
        except Exception:  # the answer is sent; a lost audit line is logged, not turned into an error
            log.exception("audit record of %s %s not stored", request.method, request.path)

    def _audit_staff_write(self, ctx: Context | None, route: Route, request: Request) -> None:
        """A staff member's successful write through the gateway, for the audit view (who, what, from where)."""
        if ctx is None or ctx.identity is None:
            return
        try:
            record_audit(ctx, f"request.{route.operation_id}", request.path, {"method": request.method})
        except Exception:  # the write has happened; a lost audit line is logged, not turned into an error
            log.exception("audit record of %s %s not stored", request.method, request.path)

    def openapi(self) -> dict[str, Any]:
        return self._document


def _trace_id() -> str:
    context = trace.get_current_span().get_span_context()
    return format(context.trace_id, "032x") if context.is_valid else ""
