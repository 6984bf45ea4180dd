"""Every service exposes Prometheus text at /metrics: handler counts and latencies, outbox lag."""

from __future__ import annotations

import requests
from prometheus_client.parser import text_string_to_metric_families

from zjtx.up import SERVICE_ORDER, Suite


def test_metrics_parse_as_prometheus_text(suite: Suite) -> None:
    for service in SERVICE_ORDER:
        if service not in suite.endpoints:
            continue
        port = suite.env[f"{service.upper()}_METRICS_PORT"]
        response = requests.get(f"http://127.0.0.1:{port}/metrics", timeout=10)
        assert response.status_code == 200
        assert response.headers["Content-Type"].startswith("text/plain")
        families = {family.name: family for family in text_string_to_metric_families(response.text)}
        assert {"zjtx_handled", "zjtx_handler_seconds", "zjtx_outbox_entries",
                "zjtx_outbox_oldest_pending_seconds"} <= set(families), service
        lag = [s for s in families["zjtx_outbox_oldest_pending_seconds"].samples if s.labels["service"] == service]
        assert lag and lag[0].value >= 0
