"""The services behind the gateway: one plain grpcio channel per service, reused by every
request thread, a deadline on every call, the caller proven by a short-lived JWT the gateway
signs for that one service (zjtx.identity), and gRPC statuses turned back into domain
errors (stable code, Chinese message, violations).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import grpc
from google.rpc import status_pb2
from grpc_health.v1 import health_pb2, health_pb2_grpc

from gateway.rules.access import Identity
from zjtx.errors import DomainError
from zjtx.grpc_support import from_status
from zjtx.identity import Keyring, bearer
from zjtx_api import notification_pb2_grpc, registration_pb2_grpc, reporting_pb2_grpc, review_pb2_grpc

log = logging.getLogger(__name__)

STUBS = {
    "registration": registration_pb2_grpc.RegistrationStub,
    "review": review_pb2_grpc.ReviewStub,
    "notification": notification_pb2_grpc.NotificationStub,
    "reporting": reporting_pb2_grpc.ReportingStub,
}
SERVICE_ZH = {"registration": "企业注册与申报服务", "review": "审核服务", "notification": "通知服务", "reporting": "统计报表服务"}
# statuses a service answers for reasons that are not the caller's input
TRANSPORT_KINDS = {
    "UNAVAILABLE": ("service.unavailable", "unavailable", "{service}暂时不可用，请稍后重试"),
    "DEADLINE_EXCEEDED": ("service.timeout", "timeout", "{service}未能及时响应，请稍后重试"),
    "CANCELLED": ("service.unavailable", "unavailable", "{service}的请求被中断，请稍后重试"),
    "RESOURCE_EXHAUSTED": ("service.busy", "unavailable", "{service}繁忙，请稍后重试"),
}
DOMAIN_CODES = {"INVALID_ARGUMENT", "NOT_FOUND", "ABORTED", "ALREADY_EXISTS", "FAILED_PRECONDITION",
                "PERMISSION_DENIED", "UNAUTHENTICATED", "OUT_OF_RANGE"}


def caller_metadata(keyring: Keyring, service: str, identity: Identity | None,
                    client_address: str) -> tuple[tuple[str, str], ...]:
    """``authorization: Bearer <JWT>`` for one call to ``service``: the signed-in person, or
    the gateway itself (role system) when no one is signed in (bootstrap, health)."""
    if identity is None:
        return (bearer(keyring.service_token(service)),)
    return (bearer(keyring.person_token(service, subject=identity.subject, role=identity.role, unit=identity.unit,
                                        enterprise_id=identity.enterprise_id, client_address=client_address)),)


def _status_details(error: grpc.RpcError) -> status_pb2.Status | None:
    for key, value in (error.trailing_metadata() or ()) if hasattr(error, "trailing_metadata") else ():
        if key == "grpc-status-details-bin":
            return status_pb2.Status.FromString(value)
    return None


def translate(service: str, error: grpc.RpcError) -> DomainError:
    """The domain error behind a gRPC failure; transport trouble in Chinese, never a stack trace."""
    code = error.code().name if error.code() else "UNKNOWN"
    if code in TRANSPORT_KINDS:
        machine, kind, message = TRANSPORT_KINDS[code]
        return DomainError(machine, message.format(service=SERVICE_ZH.get(service, service)), [], kind)
    if code in DOMAIN_CODES:
        rebuilt = from_status(code, error.details() or "", _status_details(error))
        if code == "UNAUTHENTICATED":
            rebuilt.kind = "unauthenticated"
        return rebuilt
    # UNKNOWN, INTERNAL, UNIMPLEMENTED, DATA_LOSS: a fault of the service, logged here in full
    log.error("%s answered %s: %s", service, code, error.details())
    return DomainError("service.error", f"{SERVICE_ZH.get(service, service)}处理请求时出错，请稍后重试；如持续出现请联系运维人员",
                       [], "upstream")


def channel_target(target: str) -> str:
    """``host:port`` as is; several copies ``a:1,b:2`` (make up REPLICAS=2) as one target gRPC
    balances over (``ipv4:`` lists addresses; a DNS name with several addresses needs nothing)."""
    if "," not in target:
        return target
    return "ipv4:" + ",".join(t.strip() for t in target.split(",") if t.strip())


def copies_options(service: str, target: str) -> list[tuple[str, str]]:
    """With several addresses the channel has no one host name: the certificate is checked
    against the service's own name (every service certificate carries it, zjtx.pki)."""
    if "," not in target:
        return []
    return [("grpc.ssl_target_name_override", service), ("grpc.default_authority", service)]


class Upstreams:
    """Channels and stubs of the four services, shared by every request thread."""

    def __init__(self, targets: dict[str, str], deadline: float, stream_deadline: float, keyring: Keyring,
                 credentials: grpc.ChannelCredentials | None = None) -> None:
        self.targets = targets
        self.keyring = keyring
        self.deadline = deadline
        self.stream_deadline = stream_deadline
        options = [("grpc.max_receive_message_length", 32 * 1024 * 1024), ("grpc.keepalive_time_ms", 60000),
                   # calls spread over every address of a target (copies of a service; a DNS name with several)
                   ("grpc.lb_policy_name", "round_robin")]
        if credentials is None:
            self.channels = {name: grpc.insecure_channel(channel_target(target), options=options + copies_options(
                name, target)) for name, target in targets.items()}
        else:
            self.channels = {name: grpc.secure_channel(channel_target(target), credentials,
                                                       options=options + copies_options(name, target))
                             for name, target in targets.items()}
        self.stubs = {name: STUBS[name](channel) for name, channel in self.channels.items()}

    def metadata(self, service: str, identity: Identity | None, client_address: str) -> tuple[tuple[str, str], ...]:
        return caller_metadata(self.keyring, service, identity, client_address)

    def call(self, service: str, method: str, request: Any, identity: Identity | None = None,
             client_address: str = "") -> Any:
        rpc: Callable[..., Any] = getattr(self.stubs[service], method)
        try:
            return rpc(request, timeout=self.deadline, metadata=self.metadata(service, identity, client_address))
        except grpc.RpcError as error:
            raise translate(service, error) from None

    def upload(self, service: str, method: str, messages: Iterable[Any], identity: Identity | None,
               client_address: str) -> Any:
        """A client-streaming call: ``messages`` is consumed lazily while the body is read."""
        rpc: Callable[..., Any] = getattr(self.stubs[service], method)
        try:
            return rpc(iter(messages), timeout=self.stream_deadline, metadata=self.metadata(service, identity, client_address))
        except grpc.RpcError as error:
            raise translate(service, error) from None

    def stream(self, service: str, method: str, request: Any, identity: Identity | None,
               client_address: str) -> Iterator[Any]:
        """A server-streaming call read to its end by the caller (progress messages)."""
        rpc: Callable[..., Any] = getattr(self.stubs[service], method)
        try:
            yield from rpc(request, timeout=self.stream_deadline, metadata=self.metadata(service, identity, client_address))
        except grpc.RpcError as error:
            raise translate(service, error) from None

    def download(self, service: str, method: str, request: Any, identity: Identity | None,
                 client_address: str) -> tuple[Any, Iterator[Any]]:
        """A server-streaming call: the first message (headers) now, the rest as an iterator."""
        rpc: Callable[..., Any] = getattr(self.stubs[service], method)
        stream = rpc(request, timeout=self.stream_deadline, metadata=self.metadata(service, identity, client_address))
        try:
            first = next(stream)
        except StopIteration:
            raise DomainError("service.error", f"{SERVICE_ZH.get(service, service)}没有返回文件内容", [], "upstream") from None
        except grpc.RpcError as error:
            raise translate(service, error) from None

        def rest() -> Iterator[Any]:
            try:
                yield from stream
            except grpc.RpcError as error:
                # headers are already sent: the client sees a truncated body; the log says why
                log.error("%s.%s stream broke: %s %s", service, method, error.code(), error.details())
                raise

        return first, rest()

    def health(self, service: str, timeout: float = 2.0) -> str:
        try:
            answer = health_pb2_grpc.HealthStub(self.channels[service]).Check(
                health_pb2.HealthCheckRequest(), timeout=timeout)
        except grpc.RpcError as error:
            return "UNREACHABLE" if error.code() == grpc.StatusCode.UNAVAILABLE else "NOT_SERVING"
        return health_pb2.HealthCheckResponse.ServingStatus.Name(answer.status)

    def close(self) -> None:
        for channel in self.channels.values():
            channel.close()
