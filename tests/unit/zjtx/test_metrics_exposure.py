"""/metrics stays on loopback unless a token guards it (issue 25 point 6)."""

from __future__ import annotations

import pytest

from zjtx.metrics import MetricsExposure, metrics_host, scrape_allowed

TOKEN = "t" * 32


def test_loopback_by_default_and_beyond_only_with_a_token() -> None:
    assert metrics_host({}) == "127.0.0.1"
    assert metrics_host({"ZJTX_METRICS_HOST": "::1"}) == "::1"
    with pytest.raises(MetricsExposure, match="ZJTX_METRICS_TOKEN"):
        metrics_host({"ZJTX_METRICS_HOST": "0.0.0.0"})
    with pytest.raises(MetricsExposure, match="at least 24"):
        metrics_host({"ZJTX_METRICS_HOST": "0.0.0.0", "ZJTX_METRICS_TOKEN": "short"})
    assert metrics_host({"ZJTX_METRICS_HOST": "0.0.0.0", "ZJTX_METRICS_TOKEN": TOKEN}) == "0.0.0.0"


def test_a_scrape_carries_the_token_when_one_is_set() -> None:
    assert scrape_allowed("", {})
    env = {"ZJTX_METRICS_TOKEN": TOKEN}
    assert scrape_allowed(f"Bearer {TOKEN}", env)
    assert not scrape_allowed("", env) and not scrape_allowed(f"Basic {TOKEN}", env)
    assert not scrape_allowed("Bearer " + "u" * 32, env)
