"""Prometheus metrics of a service process, served at ``/metrics`` (text format).

- ``zjtx_handled_total`` / ``zjtx_handler_seconds``: every entrypoint (gRPC method, event
  handler, timer) by service, entrypoint, kind and outcome (ok, refused, error);
- ``zjtx_outbox_entries`` by state and ``zjtx_outbox_oldest_pending_seconds`` (outbox lag),
  read from the database when scraped;
- whatever the service adds through ``Operations.extra_metrics`` (e.g. delivery outcomes).

Exposure (等保 level 3; issue 25): ``/metrics`` listens on loopback (``ZJTX_METRICS_HOST``,
default 127.0.0.1). Bound anywhere else it needs a bearer token (``ZJTX_METRICS_TOKEN``, at
least 24 characters): a process asked to listen beyond loopback without one refuses to start,
and with one every scrape without ``Authorization: Bearer <token>`` gets 401.
"""

from __future__ import annotations

import hmac
import ipaddress
import os
import time
from collections.abc import Mapping
from typing import Any
from weakref import WeakKeyDictionary

from nameko.extensions import DependencyProvider
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

REGISTRY = CollectorRegistry()
HANDLED = Counter("zjtx_handled", "Entrypoint calls handled", ["service", "entrypoint", "kind", "outcome"],
                  registry=REGISTRY)
LATENCY = Histogram("zjtx_handler_seconds", "Entrypoint latency", ["service", "entrypoint", "kind"],
                    registry=REGISTRY, buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10))
OUTBOX = Gauge("zjtx_outbox_entries", "Outbox entries by state", ["service", "state"], registry=REGISTRY)
OUTBOX_LAG = Gauge("zjtx_outbox_oldest_pending_seconds", "Age of the oldest unpublished outbox entry",
                   ["service"], registry=REGISTRY)
EXTRA = Gauge("zjtx_service_value", "Service-specific gauges (see the name label)", ["service", "name", "labels"],
              registry=REGISTRY)
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
MIN_TOKEN_LENGTH = 24


class MetricsExposure(ValueError):
    """/metrics asked to listen beyond loopback without a token."""


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a host name: it may resolve to anything


def metrics_token(env: Mapping[str, str] | None = None) -> str:
    return ((os.environ if env is None else env).get("ZJTX_METRICS_TOKEN") or "").strip()


def metrics_host(env: Mapping[str, str] | None = None) -> str:
    """Where /metrics listens; refuses a non-loopback address without a token of sufficient length."""
    env = os.environ if env is None else env
    host = (env.get("ZJTX_METRICS_HOST") or "127.0.0.1").strip()
    token = metrics_token(env)
    if token and len(token) < MIN_TOKEN_LENGTH:
        raise MetricsExposure(f"ZJTX_METRICS_TOKEN has {len(token)} characters; at least {MIN_TOKEN_LENGTH} "
                              "(e.g. `openssl rand -hex 24`)")
    if not is_loopback(host) and not token:
        raise MetricsExposure(f"ZJTX_METRICS_HOST={host} exposes /metrics beyond loopback: set ZJTX_METRICS_TOKEN "
                              "(scrapers send Authorization: Bearer <token>) or keep the default 127.0.0.1")
    return host


def scrape_allowed(authorization: str, env: Mapping[str, str] | None = None) -> bool:
    """True when no token is configured (loopback only), or the request carries it."""
    token = metrics_token(env)
    if not token:
        return True
    scheme, _, given = (authorization or "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), token.encode())


def entrypoint_kind(entrypoint: Any) -> str:
    name = type(entrypoint).__name__
    if name == "Grpc":
        return "grpc"
    if "EventHandler" in name:
        return "event"
    if name == "Timer":
        return "timer"
    if name == "HttpRequestHandler":
        return "http"
    return name.lower()


class Metrics(DependencyProvider):
    """Counts and times every worker of the container it is declared in."""

    def __init__(self) -> None:
        self._started: WeakKeyDictionary[Any, float] = WeakKeyDictionary()

    def worker_setup(self, worker_ctx: Any) -> None:
        self._started[worker_ctx] = time.perf_counter()

    def worker_result(self, worker_ctx: Any, result: Any = None, exc_info: Any = None) -> None:
        started = self._started.pop(worker_ctx, None)
        entrypoint = worker_ctx.entrypoint
        kind = entrypoint_kind(entrypoint)
        if kind == "http":
            return  # the scrape itself
        service = self.container.service_name
        outcome = "ok"
        if exc_info is not None:
            outcome = "refused" if type(exc_info[1]).__name__ == "GrpcError" else "error"
        HANDLED.labels(service, entrypoint.method_name, kind, outcome).inc()
        if started is not None:
            LATENCY.labels(service, entrypoint.method_name, kind).observe(time.perf_counter() - started)

    def get_dependency(self, worker_ctx: Any) -> Metrics:
        return self


def render(service: str, outbox_counts: dict[str, int], lag_seconds: float,
           extra: list[tuple[str, dict[str, str], float]]) -> bytes:
    for state, count in outbox_counts.items():
        OUTBOX.labels(service, state).set(count)
    OUTBOX_LAG.labels(service).set(lag_seconds)
    for name, labels, value in extra:
        EXTRA.labels(service, name, ",".join(f"{k}={v}" for k, v in sorted(labels.items()))).set(value)
    return generate_latest(REGISTRY)
