"""Protobuf messages <-> JSON for the HTTP API, and the JSON Schemas that describe them.

Responses are the services' own messages rendered with their proto field names; the
schema of each is generated from the same descriptor, so the OpenAPI document cannot
drift from what is sent. Every field is always present (defaults included); 64-bit
integers are JSON numbers.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from google.protobuf import json_format
from google.protobuf.descriptor import Descriptor, FieldDescriptor
from google.protobuf.message import Message

STRUCT_TYPES = {"google.protobuf.Struct", "google.protobuf.Value", "google.protobuf.ListValue"}
INT_TYPES = {FieldDescriptor.TYPE_INT32, FieldDescriptor.TYPE_SINT32, FieldDescriptor.TYPE_SFIXED32,
             FieldDescriptor.TYPE_INT64, FieldDescriptor.TYPE_SINT64, FieldDescriptor.TYPE_SFIXED64,
             FieldDescriptor.TYPE_UINT32, FieldDescriptor.TYPE_FIXED32, FieldDescriptor.TYPE_UINT64,
             FieldDescriptor.TYPE_FIXED64}
INT32_TYPES = {FieldDescriptor.TYPE_INT32, FieldDescriptor.TYPE_SINT32, FieldDescriptor.TYPE_SFIXED32}
FLOAT_TYPES = {FieldDescriptor.TYPE_FLOAT, FieldDescriptor.TYPE_DOUBLE}
# sections data: {section_id: {field_id: value}}; ids are snake_case, never operators
KEY_PATTERN = "^[A-Za-z][A-Za-z0-9_-]{0,63}$"
STRING_LIMIT = 200


def _is_map(field: FieldDescriptor) -> bool:
    return (field.type == FieldDescriptor.TYPE_MESSAGE and field.message_type.GetOptions().map_entry)


def _is_repeated(field: FieldDescriptor) -> bool:
    # protobuf 6+ exposes is_repeated; older versions only label
    flag = getattr(field, "is_repeated", None)
    return bool(flag) if flag is not None else field.label == FieldDescriptor.LABEL_REPEATED


def _scalar_to_json(field: FieldDescriptor, value: Any) -> Any:
    if field.type == FieldDescriptor.TYPE_ENUM:
        named = field.enum_type.values_by_number.get(value)
        return named.name if named else value
    if field.type == FieldDescriptor.TYPE_BYTES:
        import base64

        return base64.b64encode(value).decode("ascii")
    return value


def _value_to_json(field: FieldDescriptor, value: Any) -> Any:
    if field.type == FieldDescriptor.TYPE_MESSAGE:
        return message_to_json(value)
    return _scalar_to_json(field, value)


def message_to_json(message: Message) -> Any:
    descriptor = message.DESCRIPTOR
    if descriptor.full_name in STRUCT_TYPES:
        return json_format.MessageToDict(message)
    result: dict[str, Any] = {}
    for field in descriptor.fields:
        value = getattr(message, field.name)
        if _is_map(field):
            value_field = field.message_type.fields_by_name["value"]
            result[field.name] = {str(k): _value_to_json(value_field, v) for k, v in value.items()}
        elif _is_repeated(field):
            result[field.name] = [_value_to_json(field, v) for v in value]
        elif field.type == FieldDescriptor.TYPE_MESSAGE:
            result[field.name] = message_to_json(value) if message.HasField(field.name) else None
        else:
            result[field.name] = _scalar_to_json(field, value)
    return result


def _struct_schema(full_name: str) -> dict[str, Any]:
    if full_name == "google.protobuf.Struct":
        return {"type": "object"}
    if full_name == "google.protobuf.ListValue":
        return {"type": "array"}
    return {}


def _scalar_schema(field: FieldDescriptor) -> dict[str, Any]:
    if field.type in INT_TYPES:
        return {"type": "integer"}
    if field.type in FLOAT_TYPES:
        return {"type": "number"}
    if field.type == FieldDescriptor.TYPE_BOOL:
        return {"type": "boolean"}
    if field.type == FieldDescriptor.TYPE_ENUM:
        return {"type": "string", "enum": [v.name for v in field.enum_type.values]}
    return {"type": "string"}


def response_schema(descriptor: Descriptor, _seen: tuple[str, ...] = ()) -> dict[str, Any]:
    """The JSON Schema of ``message_to_json`` output for messages of this type."""
    if descriptor.full_name in STRUCT_TYPES:
        return _struct_schema(descriptor.full_name)
    properties: dict[str, Any] = {}
    for field in descriptor.fields:
        if _is_map(field):
            value_field = field.message_type.fields_by_name["value"]
            properties[field.name] = {"type": "object", "additionalProperties": _field_response_schema(value_field, _seen)}
        elif _is_repeated(field):
            properties[field.name] = {"type": "array", "items": _field_response_schema(field, _seen)}
        elif field.type == FieldDescriptor.TYPE_MESSAGE:
            inner = _field_response_schema(field, _seen)
            properties[field.name] = {"anyOf": [inner, {"type": "null"}]} if inner else {}
        else:
            properties[field.name] = _scalar_schema(field)
    return {"type": "object", "properties": properties, "required": list(properties), "additionalProperties": False}


def _field_response_schema(field: FieldDescriptor, seen: tuple[str, ...]) -> dict[str, Any]:
    if field.type != FieldDescriptor.TYPE_MESSAGE:
        return _scalar_schema(field)
    name = field.message_type.full_name
    if name in seen:  # recursive message: do not unfold forever
        return {"type": "object"}
    return response_schema(field.message_type, (*seen, name))


def request_schema(descriptor: Descriptor, *, exclude: Iterable[str] = (), required: Iterable[str] = (),
                   overrides: Mapping[str, dict[str, Any]] | None = None, prefix: str = "") -> dict[str, Any]:
    """A strict schema for a request message: only its fields, bounded strings, snake_case keys.

    ``exclude`` drops fields the gateway fills itself (from the path or the caller);
    ``overrides`` maps dotted field paths to a schema that replaces the generated one.
    """
    overrides = overrides or {}
    excluded = set(exclude)
    properties: dict[str, Any] = {}
    for field in descriptor.fields:
        if field.name in excluded:
            continue
        path = f"{prefix}{field.name}"
        if path in overrides:
            properties[field.name] = overrides[path]
            continue
        properties[field.name] = _field_request_schema(field, path, overrides)
    schema: dict[str, Any] = {"type": "object", "properties": properties, "additionalProperties": False}
    needed = [name for name in required if name in properties]
    if needed:
        schema["required"] = needed
    return schema


def _field_request_schema(field: FieldDescriptor, path: str, overrides: Mapping[str, dict[str, Any]]) -> dict[str, Any]:
    if _is_map(field):
        value_field = field.message_type.fields_by_name["value"]
        return {"type": "object", "propertyNames": {"pattern": KEY_PATTERN}, "maxProperties": 100,
                "additionalProperties": _single_request_schema(value_field, path, overrides)}
    single = _single_request_schema(field, path, overrides)
    if _is_repeated(field):
        return {"type": "array", "items": single, "maxItems": 200}
    return single


def _single_request_schema(field: FieldDescriptor, path: str, overrides: Mapping[str, dict[str, Any]]) -> dict[str, Any]:
    if field.type == FieldDescriptor.TYPE_MESSAGE:
        name = field.message_type.full_name
        if name == "google.protobuf.Struct":
            return {"type": "object", "propertyNames": {"pattern": KEY_PATTERN}, "maxProperties": 200}
        if name in STRUCT_TYPES:
            return {}
        return request_schema(field.message_type, overrides=overrides, prefix=f"{path}.")
    if field.type in INT32_TYPES:
        return {"type": "integer", "minimum": -(2**31), "maximum": 2**31 - 1}
    if field.type in INT_TYPES:
        return {"type": "integer", "minimum": -(2**53), "maximum": 2**53}
    if field.type in FLOAT_TYPES:
        return {"type": "number"}
    if field.type == FieldDescriptor.TYPE_BOOL:
        return {"type": "boolean"}
    if field.type == FieldDescriptor.TYPE_ENUM:
        return {"type": "string", "enum": [v.name for v in field.enum_type.values]}
    return {"type": "string", "maxLength": STRING_LIMIT}


def json_to_message(data: Mapping[str, Any], message: Message) -> Message:
    """Fill a request message from an already validated JSON object."""
    return json_format.ParseDict(dict(data), message, ignore_unknown_fields=False)
