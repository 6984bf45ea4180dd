"""The OpenAPI document is generated from the routing table: check it is whole and sound."""

from __future__ import annotations

import re

import pytest
from google.protobuf import descriptor_pool
from google.protobuf.message_factory import GetMessageClass

from gateway import openapi
from gateway.api import build_registry
from gateway.protojson import message_to_json, response_schema
from gateway.rules.validation import SchemaChecker
from zjtx_api import notification_pb2, registration_pb2, reporting_pb2, review_pb2

REGISTRY = build_registry()
DOCUMENT = openapi.document(REGISTRY)


def test_every_operation_is_documented() -> None:
    for route in REGISTRY:
        operation = DOCUMENT["paths"][route.path][route.method.lower()]
        assert operation["summary"] and operation["operationId"] == route.operation_id
        assert set(re.findall(r"\{(\w+)\}", route.path)) == {p["name"] for p in operation.get("parameters", [])
                                                             if p["in"] == "path"}
        statuses = set(operation["responses"])
        assert {"400", "404", "502", "503"} <= statuses
        if route.roles:
            assert {"401", "403"} <= statuses and operation["security"] == [{"bearer": []}]


def test_every_schema_compiles_and_forbids_unknown_fields() -> None:
    for route in REGISTRY:
        for schema in (route.body, route.query, route.response):
            if schema is not None:
                SchemaChecker(schema)
        if route.body is not None and route.body.get("type") == "object":
            assert route.body.get("additionalProperties") is False, route.operation_id
        if route.query is not None:
            assert route.query.get("additionalProperties") is False, route.operation_id


def _messages() -> list[type]:
    found = []
    for module in (registration_pb2, review_pb2, notification_pb2, reporting_pb2):
        for descriptor in module.DESCRIPTOR.message_types_by_name.values():
            found.append(GetMessageClass(descriptor_pool.Default().FindMessageTypeByName(descriptor.full_name)))
    return found


@pytest.mark.parametrize("message_class", _messages(), ids=lambda m: m.DESCRIPTOR.full_name)
def test_rendered_messages_match_their_generated_schema(message_class: type) -> None:
    checker = SchemaChecker(response_schema(message_class.DESCRIPTOR))
    assert checker.problems(message_to_json(message_class())) == []
