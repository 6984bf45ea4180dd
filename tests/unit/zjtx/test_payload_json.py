"""``zjtx.payload_json`` gives json_format's answer, exactly: the same message for a payload,
the same error for what json_format refuses, the same JSON (key order included) for a message.

Compared on every message of ``proto/`` filled by a walk of its descriptor, and on the inputs
json_format treats specially (JSON names, nulls, numbers as text, values of the wrong type,
depth), each asked of both."""

from __future__ import annotations

import json
from types import ModuleType
from typing import Any

import pytest
from google.protobuf import json_format
from google.protobuf.descriptor import FieldDescriptor
from google.protobuf.message import Message

from zjtx import event_types, payload_json
from zjtx_api import envelope_pb2, notification_pb2, registration_pb2, reporting_pb2, review_pb2

MODULES: tuple[ModuleType, ...] = (envelope_pb2, notification_pb2, registration_pb2, reporting_pb2, review_pb2)
MESSAGES = sorted({getattr(module, name) for module in MODULES for name in module.DESCRIPTOR.message_types_by_name},
                  key=lambda cls: cls.DESCRIPTOR.full_name)
STRUCT_SAMPLE = {"text": "湖南", "number": 3, "ratio": 45.5, "yes": True, "no": False, "nothing": None,
                 "nested": {"list": [1, "二", None, {"deep": [[]]}, []], "empty": {}}, "list": []}


def slow_parse(data: Any, message_type: type[Message]) -> Message:
    message = message_type()
    json_format.ParseDict(data, message, ignore_unknown_fields=True)
    return message


def slow_print(message: Message) -> dict[str, Any]:
    return json_format.MessageToDict(message, preserving_proto_field_name=True,
                                     always_print_fields_with_no_presence=True)


def outcome(convert: Any, *args: Any) -> tuple[str, Any]:
    try:
        result = convert(*args)
    except (json_format.Error, ValueError) as error:
        return "error", str(error)
    return "ok", result.SerializeToString(deterministic=True) if isinstance(result, Message) \
        else json.dumps(result, ensure_ascii=False)


def filled(message: Message, seed: int, depth: int = 0) -> Message:
    """Every field set (a repeated one twice), values varied by ``seed``; nested messages to a depth."""
    for field in message.DESCRIPTOR.fields:
        if field.containing_oneof is not None and field.containing_oneof.fields[0] is not field:
            continue  # one member of a oneof
        target = getattr(message, field.name)
        if field.message_type is not None:
            if field.message_type.GetOptions().map_entry:
                if all(f.type == FieldDescriptor.TYPE_STRING for f in field.message_type.fields):
                    target.update({f"键{seed}": "值", "b": f"{seed}"})
                continue
            if field.message_type.full_name == "google.protobuf.Struct":
                items = [target.add() for _ in range(2)] if field.is_repeated else [target]
                for item in items:
                    item.update({**STRUCT_SAMPLE, "seed": seed})
            elif depth < 3:
                items = [target.add() for _ in range(2)] if field.is_repeated else [target]
                for item in items:
                    filled(item, seed + 1, depth + 1)
            continue
        value = sample(field, seed)
        if field.is_repeated:
            target.extend([value, value])
        else:
            setattr(message, field.name, value)
    return message


def sample(field: FieldDescriptor, seed: int) -> Any:
    if field.type == FieldDescriptor.TYPE_STRING:
        return f"值{seed}"
    if field.type == FieldDescriptor.TYPE_BYTES:
        return bytes([seed % 256, 1, 2])
    if field.type == FieldDescriptor.TYPE_BOOL:
        return seed % 2 == 0
    if field.type in (FieldDescriptor.TYPE_DOUBLE, FieldDescriptor.TYPE_FLOAT):
        return seed + 0.5
    if field.type == FieldDescriptor.TYPE_ENUM:
        return field.enum_type.values[-1].number
    return 2 ** 40 + seed if field.type in (FieldDescriptor.TYPE_INT64, FieldDescriptor.TYPE_UINT64) else seed + 1


def test_every_message_of_the_protos_prints_and_parses_as_json_format_does() -> None:
    assert len(MESSAGES) > 100  # the walk found the protos' messages
    for cls in MESSAGES:
        for message in (cls(), filled(cls(), 7)):
            printed = slow_print(message)
            assert outcome(payload_json.to_data, message) == outcome(slow_print, message), cls.DESCRIPTOR.full_name
            assert outcome(payload_json.parse, printed, cls) == outcome(slow_parse, printed, cls), \
                cls.DESCRIPTOR.full_name
            assert payload_json.parse(printed, cls) == message


def test_every_event_payload_takes_the_fast_way() -> None:
    # the point of the module: no event payload is handed back to json_format
    for event in event_types.registry().values():
        message = filled(event.payload(), 3)
        data = payload_json._printed(message)
        payload_json._fill(event.payload(), data, 0)


SNAPSHOT = registration_pb2.ApplicationSnapshot
ATTACHMENT = {"attachment_id": "a1", "kind": "photos", "size": "123456"}


@pytest.mark.parametrize("data", [
    {"application_id": "x", "applicationId": "y"},             # a JSON name: json_format's
    {"applicationId": "y"},
    {"application_id": None},                                  # null clears
    {"snapshot_version": "3"}, {"snapshot_version": " 3"}, {"snapshot_version": 3.0}, {"snapshot_version": 3.5},
    {"snapshot_version": True}, {"snapshot_version": 2 ** 31}, {"snapshot_version": "1e3"}, {"snapshot_version": "1_0"},
    {"attachments": [ATTACHMENT]}, {"attachments": [{**ATTACHMENT, "size": 2 ** 70}]},
    {"attachments": [{**ATTACHMENT, "size": 12.0}]}, {"attachments": [None]}, {"attachments": ATTACHMENT},
    {"attachments": ({**ATTACHMENT},)},
    {"enterprise": "not a message"}, {"enterprise": {}}, {"enterprise": None},
    {"application_id": 5}, {"application_id": "\ud800"}, {"application_id": "\ud83d\ude00"},
    {"sections": STRUCT_SAMPLE}, {"sections": []}, {"sections": {}}, {"sections": {"a": (1, 2)}},
    {"sections": {"a": {1, 2}}}, {"sections": {1: "x"}}, {"sections": {"a": float("nan")}},
    {"[zjtx.ext]": 1}, {"added_later": {"anything": [1]}}, {"added_later": None},
    {"sections": {"a": {"b": {"c": {"d": {}}}}}},
])
def test_what_json_format_treats_specially_gets_its_answer(data: dict[str, Any]) -> None:
    assert outcome(payload_json.parse, data, SNAPSHOT) == outcome(slow_parse, data, SNAPSHOT)


@pytest.mark.parametrize("figures", [{"employees": "210"}, {}, {"employees": 210}, {"employees": None},
                                     {5: "x"}, ["employees"], {"a": "\udc00"}])
def test_a_map_of_texts_as_json_format_reads_it(figures: Any) -> None:
    data = {"figures": figures}
    report = registration_pb2.OperatingReport
    assert outcome(payload_json.parse, data, report) == outcome(slow_parse, data, report)


@pytest.mark.parametrize("levels", [30, 45, 49, 50, 60])
def test_depth_is_json_formats_to_refuse(levels: int) -> None:
    nested: dict[str, Any] = {}
    for _ in range(levels):
        nested = {"a": nested}
    data = {"sections": nested}
    assert outcome(payload_json.parse, data, SNAPSHOT) == outcome(slow_parse, data, SNAPSHOT)
    listed: Any = []
    for _ in range(levels):
        listed = [listed]
    data = {"sections": {"a": listed}}
    assert outcome(payload_json.parse, data, SNAPSHOT) == outcome(slow_parse, data, SNAPSHOT)


def double_fields() -> list[tuple[type[Message], str]]:
    return [(cls, field.name) for cls in MESSAGES for field in cls.DESCRIPTOR.fields
            if field.type == FieldDescriptor.TYPE_DOUBLE and not field.is_repeated]


@pytest.mark.parametrize("value", [1, 1.5, "1.5", True, float("nan"), float("inf"), "NaN", -0.0, 0.0, None])
def test_doubles_as_json_format_reads_them(value: Any) -> None:
    cls, name = double_fields()[0]
    assert outcome(payload_json.parse, {name: value}, cls) == outcome(slow_parse, {name: value}, cls)


@pytest.mark.parametrize("value", [float("nan"), float("inf"), -0.0, 0.0, 2.5])
def test_doubles_print_as_json_format_prints_them(value: float) -> None:
    cls, name = double_fields()[0]
    message = cls(**{name: value})
    assert outcome(payload_json.to_data, message) == outcome(slow_print, message)
    struct = registration_pb2.ApplicationSnapshot()
    struct.sections.update({"x": value})
    assert outcome(payload_json.to_data, struct) == outcome(slow_print, struct)


@pytest.mark.parametrize("value", [STRUCT_SAMPLE, {}, {"x": float("nan")}, {"x": [float("inf")]}])
def test_a_struct_prints_as_json_format_prints_it(value: dict[str, Any]) -> None:
    snapshot = registration_pb2.ApplicationSnapshot()
    snapshot.sections.update(value)
    assert outcome(payload_json.struct_data, snapshot.sections) == outcome(json_format.MessageToDict, snapshot.sections)


def test_the_envelope_parses_and_prints_through_it() -> None:
    from zjtx.envelope import Envelope, payload_to_data

    message = filled(registration_pb2.ApplicationSubmitted(), 11)
    data = payload_to_data(message)
    assert json.dumps(data, ensure_ascii=False) == json.dumps(slow_print(message), ensure_ascii=False)
    envelope = Envelope(type="application.submitted", source="registration", subject="a", data=data)
    assert envelope.payload(registration_pb2.ApplicationSubmitted) == message
