"""Gateway integration tests: the whole suite, the gateway restarted once with test settings."""

from __future__ import annotations

import pytest
from gwclient import ADMIN_PASSWORD, OPS_PASSWORD, Api, ensure_gateway

from zjtx.up import Suite


@pytest.fixture(scope="session")
def gateway_url(suite: Suite) -> str:
    return ensure_gateway(suite)


@pytest.fixture(scope="session")
def api(gateway_url: str) -> Api:
    return Api(gateway_url)


@pytest.fixture(scope="session")
def province_admin(api: Api) -> str:
    """Token of the bootstrap admin of 湖南省工业和信息化厅 (unit-430000)."""
    return api.sign_in_staff("hn-admin", ADMIN_PASSWORD)


@pytest.fixture(scope="session")
def ops(api: Api) -> str:
    return api.sign_in_staff("ops", OPS_PASSWORD)
