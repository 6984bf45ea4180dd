"""A whole-string ${VAR} is re-typed as YAML, but a value that is no YAML scalar stays text:
GATEWAY_TRUSTED_PROXY=* (deploy/k8s: every peer is the ingress controller) used to stop the
gateway's start with a YAML scanner error."""

from __future__ import annotations

from zjtx.config import interpolate, load_config


def test_text_that_is_not_yaml_stays_text() -> None:
    assert interpolate("${PROXY:}", {"PROXY": "*"}) == "*"
    assert interpolate("${PORT:1}", {"PORT": "8080"}) == 8080
    assert interpolate("${EMPTY:}", {"EMPTY": ""}) is None


def test_gateway_trusts_every_proxy_when_told() -> None:
    assert load_config("gateway", env={"GATEWAY_TRUSTED_PROXY": "*"})["TRUSTED_PROXY"] == "*"
