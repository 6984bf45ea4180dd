"""Prometheus metrics of a service process, served at ``/metrics`` (text format).

- ``zjtx_handled_total`` / ``zjtx_handler_seconds``: every entrypoint (gRPC method, event
  handler, timer) by service, entrypoint, kind and outcome (ok, refused, error);
- ``zjtx_outbox_entries`` by state and ``zjtx_outbox_oldest_pending_seconds`` (outbox lag),
  read from the database when scraped;
- whatever the service adds through ``Operations.extra_metrics`` (e.g. delivery outcomes).
"""

from __future__ import annotations

import time
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
