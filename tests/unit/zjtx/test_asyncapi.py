"""The AsyncAPI document (zjtx.asyncapi) describes every event the registry knows, and what
the producers really put on the wire validates against it (proto3 JSON mapping)."""

from __future__ import annotations

import json
from typing import Any

import jsonschema
import pytest
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

from zjtx import asyncapi, event_types, proto_compat
from zjtx.envelope import Envelope, payload_to_data
from zjtx.protos import ASYNCAPI, OUTPUT_ROOT, PACKAGE
from zjtx_api import reporting_pb2, review_pb2

DOCUMENT = json.loads((OUTPUT_ROOT / PACKAGE / ASYNCAPI).read_text(encoding="utf-8"))
ROOT = "urn:zjtx:asyncapi"


def validator(event_type: str) -> jsonschema.Draft7Validator:
    registry = Registry().with_resource(ROOT, Resource(contents=DOCUMENT, specification=DRAFT7))
    return jsonschema.Draft7Validator({"$ref": f"{ROOT}#/components/messages/{event_type}/payload"}, registry=registry)


def wire(event_type: str, payload: Any) -> dict[str, Any]:
    return Envelope(type=event_type, source=event_types.source_of(event_type), subject="app-1",
                    data=payload_to_data(payload), traceparent="00-" + "a" * 32 + "-" + "b" * 16 + "-01").to_dict()


def test_the_committed_document_is_what_proto_generates() -> None:
    assert DOCUMENT == asyncapi.document()


def test_every_registered_event_has_a_channel_an_operation_and_a_message() -> None:
    registry = event_types.registry()
    assert set(DOCUMENT["channels"]) == set(registry) == set(DOCUMENT["components"]["messages"])
    for event_type, declared in registry.items():
        binding = DOCUMENT["channels"][event_type]["bindings"]["amqp"]
        assert binding["exchange"]["name"] == f"{declared.source}.events" and binding["is"] == "routingKey"
        assert DOCUMENT["operations"][f"receive.{event_type}"]["action"] == "receive"
        message = DOCUMENT["components"]["messages"][event_type]
        assert message["x-protobuf-message"] == declared.payload.DESCRIPTOR.full_name
        assert "its `subject`: " in message["description"], event_type  # from the proto's event list
    assert DOCUMENT["asyncapi"] == "3.0.0"
    assert "traceparent" in DOCUMENT["components"]["schemas"]["AmqpHeaders"]["properties"]


def test_the_document_is_valid_asyncapi_3() -> None:
    """Against the AsyncAPI 3.0.0 schema of @asyncapi/specs (pinned in tools/contract)."""
    proto_compat.ensure_tools()
    specification = json.loads(proto_compat.ASYNCAPI_SPEC.read_text(encoding="utf-8"))
    errors = [f"{list(e.path)}: {e.message[:200]}" for e in jsonschema.Draft7Validator(specification).iter_errors(DOCUMENT)]
    assert not errors, errors
    broken = json.loads(json.dumps(DOCUMENT))
    broken["operations"]["receive.review.recognised"]["action"] = "get"  # the check can fail
    assert not jsonschema.Draft7Validator(specification).is_valid(broken)


def test_every_schema_is_valid_json_schema() -> None:
    for schema in DOCUMENT["components"]["schemas"].values():
        jsonschema.Draft7Validator.check_schema(schema)  # raises, naming the keyword, if not


def test_what_producers_publish_validates_and_the_json_mapping_is_followed() -> None:
    ready = wire("report.ready", reporting_pb2.ReportReady(report_id="r1", kind="summary_table", rows=12, size=2048))
    assert ready["data"]["size"] == "2048"  # int64 travels as a string
    validator("report.ready").validate(ready)
    recognised = wire("review.recognised", review_pb2.Recognition(application_id="app-1", recognised=True, rank=1))
    validator("review.recognised").validate(recognised)
    validator("review.recognised").validate({**recognised, "data": {**recognised["data"], "added_later": 1}})

    wrong = [
        {**ready, "data": {**ready["data"], "size": 2048}},           # int64 as a number
        {**recognised, "type": "review.not_recognised_typo"},           # not this channel's type
        {k: v for k, v in recognised.items() if k != "id"},              # no envelope id
        {**recognised, "data": {k: v for k, v in recognised["data"].items() if k != "rank"}},  # a field lost
    ]
    for body in wrong:
        with pytest.raises(jsonschema.ValidationError):
            validator(body["type"] if body["type"] in DOCUMENT["channels"] else "review.recognised").validate(body)
