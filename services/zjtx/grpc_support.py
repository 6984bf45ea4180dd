"""gRPC plumbing for nameko-grpc services: health, reflection, errors, caller identity.

A service class inherits ``GrpcOperations`` to answer ``grpc.health.v1.Health`` and
server reflection on the same port as its own API, and decorates its methods with
``@api(...)`` so domain errors become gRPC statuses carrying a ``google.rpc.ErrorInfo``
(the stable code) and a ``google.rpc.BadRequest`` (every field violation).
"""

from __future__ import annotations

import functools
import inspect
import json
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from google.protobuf import any_pb2, descriptor_pool
from google.rpc import error_details_pb2, status_pb2
from grpc import StatusCode
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection_pb2_grpc
from grpc_reflection.v1alpha.reflection import ReflectionServicer
from nameko.web.handlers import http
from nameko_grpc.entrypoint import Grpc
from nameko_grpc.errors import GrpcError
from opentelemetry import trace
from werkzeug.wrappers import Response

from zjtx import attributes, identity
from zjtx.errors import DomainError, Violation
from zjtx.metrics import CONTENT_TYPE, Metrics, render, scrape_allowed
from zjtx.outbox import oldest_pending_age_seconds, outbox_backlog
from zjtx.transient import is_infrastructure_error

log = logging.getLogger(__name__)

GRPC_CODES = {
    "invalid": StatusCode.INVALID_ARGUMENT,
    "not_found": StatusCode.NOT_FOUND,
    "conflict": StatusCode.ABORTED,
    "already_exists": StatusCode.ALREADY_EXISTS,
    "precondition": StatusCode.FAILED_PRECONDITION,
    "forbidden": StatusCode.PERMISSION_DENIED,
    "unauthenticated": StatusCode.UNAUTHENTICATED,
}
# Said to people when the database (or another dependency) is away for a moment; the
# engineers' detail goes to the log. Writes are transactions (all or nothing), and
# Submit and the decisions answer a repeat with the first result, so a retry is safe there.
UNAVAILABLE_MESSAGE = "系统暂时繁忙（数据服务正在恢复），本次操作未能确认完成，请稍后重试。"
HEALTH_SERVICE = "grpc.health.v1.Health"
REFLECTION_SERVICE = "grpc.reflection.v1alpha.ServerReflection"


# The details travel in a trailer, and gRPC refuses trailers beyond a few KiB (the call then
# fails as INTERNAL, the gateway answers 500): a refusal naming hundreds of fields (a 认定名单
# of 1,500 unknown ids) carries the first ones and says how many more there are.
MAX_DETAIL_VIOLATIONS = 25


def to_grpc_error(error: DomainError) -> GrpcError:
    code = GRPC_CODES.get(error.kind, StatusCode.INVALID_ARGUMENT)
    status = status_pb2.Status(code=code.value[0], message=error.message)
    info = any_pb2.Any()
    info.Pack(error_details_pb2.ErrorInfo(reason=error.code, domain="zjtx"))
    status.details.append(info)
    if error.violations:
        shown = error.violations[:MAX_DETAIL_VIOLATIONS]
        rest = len(error.violations) - len(shown)
        bad = error_details_pb2.BadRequest(field_violations=[
            error_details_pb2.BadRequest.FieldViolation(field=v.field, description=f"{v.code}|{v.message}")
            for v in shown
        ] + ([error_details_pb2.BadRequest.FieldViolation(
            field=shown[-1].field.split("[")[0], description=f"more|另有{rest}处问题未列出，请修正以上问题后重新提交")]
            if rest > 0 else []))
        packed = any_pb2.Any()
        packed.Pack(bad)
        status.details.append(packed)
    return GrpcError(code=code, message=error.message, status=status)


def unavailable(error: BaseException) -> GrpcError:
    """UNAVAILABLE (clients retry it) instead of the INTERNAL an unexpected exception gives."""
    log.warning("answering UNAVAILABLE: infrastructure error %s: %s", type(error).__name__, error)
    status = status_pb2.Status(code=StatusCode.UNAVAILABLE.value[0], message=UNAVAILABLE_MESSAGE)
    info = any_pb2.Any()
    info.Pack(error_details_pb2.ErrorInfo(reason="service.unavailable", domain="zjtx"))
    status.details.append(info)
    return GrpcError(code=StatusCode.UNAVAILABLE, message=UNAVAILABLE_MESSAGE, status=status)


def from_status(code_name: str, message: str, status: status_pb2.Status | None) -> DomainError:
    """Rebuild a DomainError on the client side from a gRPC status (used by the gateway)."""
    reason, violations = "", []
    for detail in status.details if status else []:
        if detail.Is(error_details_pb2.ErrorInfo.DESCRIPTOR):
            info = error_details_pb2.ErrorInfo()
            detail.Unpack(info)
            reason = info.reason
        elif detail.Is(error_details_pb2.BadRequest.DESCRIPTOR):
            bad = error_details_pb2.BadRequest()
            detail.Unpack(bad)
            for fv in bad.field_violations:
                vcode, _, vmessage = fv.description.partition("|")
                violations.append(Violation(fv.field, vcode, vmessage))
    kinds = {v.name: k for k, v in GRPC_CODES.items()}
    return DomainError(reason or code_name.lower(), message, violations, kinds.get(code_name, "invalid"))


@dataclass(frozen=True)
class Caller:
    """Who is calling, as proven by the signed identity token of the call (zjtx.identity).

    ``role``: enterprise | reviewer | admin | operations (a person the gateway vouches for)
    or system (a service, or the operators' tools, vouching for itself: ``service`` names it).
    Services check it again (defence in depth), so a service reached directly still refuses
    what the role may not do; a call without a valid token never gets this far.
    """

    subject: str = ""
    role: str = "system"
    unit: str = ""
    enterprise_id: str = ""
    client_address: str = ""
    service: str = ""  # the principal that signed the token (gateway, review, ops...)

    @classmethod
    def from_metadata(cls, metadata: Iterable[tuple[str, Any]], keyring: identity.Keyring | None = None) -> Caller:
        """The caller the call's ``authorization`` token proves; GrpcError UNAUTHENTICATED otherwise."""
        token = identity.token_from_metadata(metadata)
        if not token:
            raise refusal(identity.IdentityError(
                "identity.missing", "调用缺少身份证明：须在 gRPC 元数据 authorization 中携带“Bearer <JWT>”，"
                "由网关（代表登录用户）或调用方服务本身签发"))
        try:
            proven = (keyring or service_keyring()).verify(token)
        except identity.IdentityError as error:
            raise refusal(error) from None
        if proven.role == identity.SYSTEM:
            return cls(role="system", service=proven.issuer)
        return cls(subject=proven.subject, role=proven.role, unit=proven.unit, enterprise_id=proven.enterprise_id,
                   client_address=proven.client_address, service=proven.issuer)

    def metadata(self) -> tuple[str, str]:
        """The identity this caller claims, unsigned: only a signer (the gateway, the tests' harness)
        reads it to issue a token; services never trust it."""
        return ("x-zjtx-caller", json.dumps(self.__dict__, ensure_ascii=False))


def refusal(error: identity.IdentityError) -> GrpcError:
    log.warning("refused a call: %s (%s)", error.code, error.message)
    return to_grpc_error(DomainError(error.code, error.message, [], "unauthenticated"))


_keyring: identity.Keyring | None = None


def service_keyring() -> identity.Keyring:
    """This process's keyring, from nameko config PKI_DIR and PRINCIPAL (set by zjtx.launch)."""
    global _keyring
    if _keyring is None:
        from nameko import config

        directory, principal = config.get("PKI_DIR"), config.get("PRINCIPAL")
        if not directory or not principal:
            raise refusal(identity.IdentityError(
                "identity.unconfigured", "服务未配置身份密钥（PKI_DIR/PRINCIPAL），无法验证调用方身份"))
        _keyring = identity.Keyring.from_directory(directory, principal)
    return _keyring


def api(stub: type) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """``@api(RegistrationStub)``: a nameko-grpc entrypoint that turns DomainErrors into statuses."""
    # GrpcError is how refusals travel: expected, so logged as a warning, not a crash
    entrypoint = Grpc.implementing(stub)(expected_exceptions=(GrpcError,))

    def decorate(method: Callable[..., Any]) -> Callable[..., Any]:
        if inspect.isgeneratorfunction(method):
            @functools.wraps(method)
            def streaming(self: Any, request: Any, context: Any) -> Any:
                caller_of(context)  # no proof of identity, no call: UNAUTHENTICATED
                _annotate(request, context)
                try:
                    yield from method(self, request, context)
                except DomainError as error:
                    _record(error)
                    raise to_grpc_error(error) from error
                except GrpcError:
                    raise
                except Exception as error:
                    if is_infrastructure_error(error):
                        raise unavailable(error) from error
                    raise

            return entrypoint(streaming)

        @functools.wraps(method)
        def unary(self: Any, request: Any, context: Any) -> Any:
            caller_of(context)  # no proof of identity, no call: UNAUTHENTICATED
            _annotate(request, context)
            try:
                return method(self, request, context)
            except DomainError as error:
                _record(error)
                raise to_grpc_error(error) from error
            except GrpcError:
                raise  # a refusal, or a peer's status passed on as it is
            except Exception as error:
                if is_infrastructure_error(error):
                    raise unavailable(error) from error
                raise

        return entrypoint(unary)

    return decorate


def _record(error: DomainError) -> None:
    trace.get_current_span().set_attribute(attributes.ERROR_CODE, error.code)


def _annotate(request: Any, context: Any) -> None:
    """Copy the domain ids of a request onto the current span (see zjtx.attributes)."""
    span = trace.get_current_span()
    if not span.is_recording():
        return
    caller = caller_of(context)
    span.set_attribute(attributes.CALLER_ROLE, caller.role)
    if caller.unit:
        span.set_attribute(attributes.UNIT_ID, caller.unit)
    descriptor = getattr(request, "DESCRIPTOR", None)
    if descriptor is None:
        return  # a request stream: the ids arrive with its first message
    for field, attribute in attributes.REQUEST_FIELDS.items():
        value = getattr(request, field, "") if field in descriptor.fields_by_name else ""
        if value:
            span.set_attribute(attribute, value)


health_entrypoint = Grpc.implementing(health_pb2_grpc.HealthStub)
reflection_entrypoint = Grpc.implementing(reflection_pb2_grpc.ServerReflectionStub)


class GrpcOperations:
    """Mixin: health checking, server reflection and Prometheus metrics for a service.

    Subclasses set ``grpc_service_names`` (their own full service names) and may override
    ``health_problems`` to report NOT_SERVING, and ``extra_metrics`` to add gauges
    (name, labels, value) to ``/metrics``.
    """

    grpc_service_names: tuple[str, ...] = ()
    metrics = Metrics()

    def extra_metrics(self) -> list[tuple[str, dict[str, str], float]]:
        return []

    @http("GET", "/metrics")
    def prometheus_metrics(self, request: Any) -> Response:
        if not scrape_allowed(request.headers.get("Authorization", "")):
            return Response('{"code": "metrics.unauthorised", "message": "需要 Authorization: Bearer <ZJTX_METRICS_TOKEN>"}',
                            status=401, content_type="application/json",
                            headers={"WWW-Authenticate": 'Bearer realm="metrics"'})
        store = getattr(self, "store", None)
        counts = outbox_backlog(store.db) if store is not None else {}
        lag = oldest_pending_age_seconds(store.db) if store is not None else 0.0
        body = render(getattr(self, "name", "service"), counts, lag, self.extra_metrics())
        return Response(body, content_type=CONTENT_TYPE)

    def health_problems(self) -> list[str]:
        return []

    @health_entrypoint
    def Check(self, request: health_pb2.HealthCheckRequest, context: Any) -> health_pb2.HealthCheckResponse:
        known = {"", *self.grpc_service_names, HEALTH_SERVICE, REFLECTION_SERVICE}
        if request.service not in known:
            raise GrpcError(code=StatusCode.NOT_FOUND, message=f"unknown service {request.service!r}")
        serving = not self.health_problems()
        status = health_pb2.HealthCheckResponse.SERVING if serving else health_pb2.HealthCheckResponse.NOT_SERVING
        return health_pb2.HealthCheckResponse(status=status)

    @health_entrypoint
    def Watch(self, request: health_pb2.HealthCheckRequest, context: Any) -> Any:
        # One answer, then the stream ends: probes use Check; Watch clients re-watch.
        yield self.Check(request, context)

    @reflection_entrypoint
    def ServerReflectionInfo(self, request_iterator: Any, context: Any) -> Any:
        names = (*self.grpc_service_names, HEALTH_SERVICE, REFLECTION_SERVICE)
        servicer = ReflectionServicer(names, pool=descriptor_pool.Default())
        yield from servicer.ServerReflectionInfo(request_iterator, context)


def caller_of(context: Any) -> Caller:
    """The proven caller of this call (verified once, then kept on the call's context)."""
    caller = getattr(context, "_zjtx_caller", None)
    if caller is None:
        caller = Caller.from_metadata(context.invocation_metadata())
        try:
            context._zjtx_caller = caller
        except AttributeError:
            pass
    return caller
