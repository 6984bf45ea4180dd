"""Property-based fuzz of the whole OpenAPI document (schemathesis) against the running
suite: every operation, signed in with a role it admits, gets generated input (valid and
invalid); no answer may be a server error or break the document (status, content type,
schema, headers)."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from gwclient import Api
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from gateway.api import build_registry

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance,
          response_headers_conformance]
OPERATIONS = [route.operation_id for route in build_registry()]
# negative data needs something to negate: a path parameter, a query or a body
WITH_INPUT = {r.operation_id for r in build_registry() if r.path_params or r.query or r.body is not None or r.upload}
EXAMPLES = 6


@pytest.fixture(scope="module")
def tokens(api: Api, province_admin: str, ops: str) -> dict[str, str]:
    _, enterprise = api.register_enterprise()
    _, reviewer = api.create_staff(province_admin, "unit-430400", "reviewer")
    return {"enterprise": enterprise, "reviewer": reviewer, "admin": province_admin, "operations": ops,
            "security_admin": api.security_admin(), "audit_admin": api.audit_admin()}


@pytest.fixture(scope="module")
def gateway_schema(gateway_url: str) -> Any:
    return schemathesis.openapi.from_url(f"{gateway_url}/openapi.json")


def test_the_document_lists_every_route(gateway_schema: Any) -> None:
    listed = {r.ok().definition.raw["operationId"] for r in gateway_schema.get_all_operations()}
    assert listed == set(OPERATIONS)


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=lambda m: m.value)
@pytest.mark.parametrize("operation_id", OPERATIONS)
def test_no_operation_fails_or_breaks_its_schema(gateway_schema: Any, tokens: dict[str, str], api: Api,
                                                 operation_id: str, mode: GenerationMode) -> None:
    if mode is GenerationMode.NEGATIVE and operation_id not in WITH_INPUT:
        pytest.skip("no input to negate")
    operation = gateway_schema.find_operation_by_id(operation_id)
    roles = operation.definition.raw.get("x-roles") or []

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    def run(case: Any) -> None:
        headers = {}
        if roles:
            token = tokens[roles[0]]
            if operation_id == "signOut":
                token = api.register_enterprise()[1]  # a throw-away session: sign-out revokes it
            headers["Authorization"] = f"Bearer {token}"
        checks = CHECKS if mode is GenerationMode.POSITIVE else [not_a_server_error, status_code_conformance,
                                                                  content_type_conformance]
        case.call_and_validate(headers=headers, checks=checks, timeout=30)

    run()
