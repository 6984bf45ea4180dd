"""Calling another service's gRPC API from inside a Nameko service.

``review = ServiceClient(ReviewStub, "REVIEW_TARGET")`` gives workers a proxy whose
calls carry a deadline (``GRPC_DEADLINE_SECONDS``, default 10 s), the worker's trace
context and the service's own signed identity token (zjtx.identity; never the caller's),
over mutual TLS with the service's own certificate (zjtx.grpc_tls). Unlike nameko-grpc's
``GrpcProxy`` it connects on first use and reconnects after a failure, so a service does
not die at start when the other one is not up yet.
"""

from __future__ import annotations

import itertools
import json
import logging
from typing import Any

from nameko import config
from nameko.extensions import DependencyProvider
from nameko_grpc.client import ClientBase, Method
from nameko_grpc.context import metadata_from_context_data
from nameko_grpc.errors import GrpcError

from zjtx.grpc_support import service_keyring
from zjtx.identity import bearer

log = logging.getLogger(__name__)

# nameko 3 turns every AMQP header of the message that started a worker into its context
# data, which calls forward as gRPC metadata. The broker's own bookkeeping describes that
# delivery, not the call, and a dead-lettered message's x-death (tables with timestamps)
# does not even encode: a replayed event would fail in every handler that calls a service.
NOT_FORWARDED = ("x-death", "x-first-death-", "x-last-death-", "x-delivery-count")
# Nor the identity of the call that started the worker: a service calls as itself, with
# its own signed token (zjtx.identity), never with the person's token it received.
NOT_FORWARDED_KEYS = ("authorization", "x-zjtx-caller")


def forwarded_metadata(context_data: dict[str, Any]) -> list[tuple[str, str]]:
    """The worker's context data as gRPC metadata, without broker bookkeeping or values JSON cannot carry."""
    kept = {}
    for key, value in context_data.items():
        if key.startswith(NOT_FORWARDED) or key in NOT_FORWARDED_KEYS:
            continue
        try:
            json.dumps(value)
        except (TypeError, ValueError):
            log.debug("context data %r not forwarded over gRPC: %s is not JSON", key, type(value).__name__)
            continue
        kept[key] = value
    return metadata_from_context_data(kept)


class _Client(ClientBase):
    def __init__(self, provider: ServiceClient, target: str, stub: type) -> None:
        # mutual TLS with this service's own certificate (zjtx.grpc_tls; GRPC_SSL is the server's)
        super().__init__(target, stub, ssl=config.get("GRPC_SSL") or False)
        self.provider = provider

    def spawn_thread(self, target: Any, args: tuple[Any, ...] = (), kwargs: dict[str, Any] | None = None,
                     name: str | None = None) -> None:
        def run() -> None:
            try:
                target(*args, **(kwargs or {}))
            except OSError as error:
                # nameko-grpc reconnects in this thread when a connection ends; with the peer
                # down that raises, which would kill the whole container. The next call reconnects.
                log.warning("gRPC connection to %s lost: %s", self.target, error)

        self.provider.container.spawn_managed_thread(run, identifier=name)

    def connected(self) -> bool:
        """True while a live connection is pooled (nameko-grpc waits forever for one otherwise)."""
        pooled = getattr(self.channel.conn_pool.connections, "queue", ())
        return any(ref() is not None and ref().alive for ref in list(pooled))


class _Method:
    def __init__(self, provider: ServiceClient, name: str, context_data: dict[str, Any]) -> None:
        self.provider, self.name, self.context_data = provider, name, context_data

    def __call__(self, request: Any, timeout: float | None = None, metadata: list[tuple[str, str]] | None = None) -> Any:
        target, client = self.provider.client()
        method = Method(client, self.name, forwarded_metadata(self.context_data))
        own = [*(metadata or []), bearer(service_keyring().service_token(self.provider.audience))]
        try:
            return method(request, timeout=timeout or self.provider.deadline, metadata=own)
        except GrpcError as error:
            if error.code.name in {"UNAVAILABLE", "INTERNAL"} and "onnect" in str(error.message):
                self.provider.reset(target)
            raise
        except OSError:
            self.provider.reset(target)
            raise


class _Proxy:
    def __init__(self, provider: ServiceClient, context_data: dict[str, Any]) -> None:
        self.provider, self.context_data = provider, context_data

    def __getattr__(self, name: str) -> _Method:
        return _Method(self.provider, name, self.context_data)


class ServiceClient(DependencyProvider):
    """Calls to one service, spread over its copies: the target key may list several
    ``host:port`` separated by commas (``make up REPLICAS=2``; in Kubernetes one Service name,
    spread by its proxy). Each call goes to the next copy in turn; a copy that refuses the
    connection is skipped for that call, so one copy going away does not fail calls."""

    def __init__(self, stub: type, target_key: str) -> None:
        self.stub = stub
        self.target_key = target_key
        # the service called, as its tokens name it: REVIEW_TARGET -> review
        self.audience = target_key.removesuffix("_TARGET").lower()
        self._clients: dict[str, _Client] = {}
        self._turn = itertools.count()

    @property
    def deadline(self) -> float:
        return float(config.get("GRPC_DEADLINE_SECONDS", 10))

    def targets(self) -> list[str]:
        value = config.get(self.target_key)
        if not value:
            raise RuntimeError(f"config key {self.target_key} (host:port of the service to call) is not set")
        targets = [t.strip() for t in str(value).split(",") if t.strip()]
        # nameko-grpc parses the target as a URL
        return [t if "://" in t else f"grpc://{t}" for t in targets]

    def client(self) -> tuple[str, _Client]:
        """(target, client) of the next copy that accepts a connection."""
        targets = self.targets()
        first = next(self._turn)
        error: BaseException | None = None
        for step in range(len(targets)):
            target = targets[(first + step) % len(targets)]
            try:
                return target, self._client_for(target)
            except OSError as refused:  # that copy is down: the next one
                error = refused
        assert error is not None
        raise error

    def _client_for(self, target: str) -> _Client:
        client = self._clients.get(target)
        if client is not None and not client.connected():
            self.reset(target)  # the peer went away: connect afresh (raises if it is still down)
            client = None
        if client is None:
            client = _Client(self, target, self.stub)
            client.start()  # raises ConnectionRefusedError if the target is down: caller sees it
            self._clients[target] = client
        return client

    def reset(self, target: str | None = None) -> None:
        for key in [target] if target else list(self._clients):
            client = self._clients.pop(key, None)
            if client is not None:
                try:
                    client.stop()
                except Exception:
                    log.debug("error stopping gRPC client", exc_info=True)

    def stop(self) -> None:
        self.reset()

    def kill(self) -> None:
        self.reset()

    def get_dependency(self, worker_ctx: Any) -> _Proxy:
        return _Proxy(self, worker_ctx.context_data)
