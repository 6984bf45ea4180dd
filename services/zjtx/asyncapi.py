"""The AsyncAPI 3.0 document of every integration event, generated from ``proto/``.

What an outside system needs to subscribe, derived from the one source of truth:

- the event catalogue: each service's proto declares its payloads with a comment block
  that starts with the event type(s) (``zjtx.event_types``); the file's name is the
  producing service and so the exchange ``<service>.events``;
- the payloads: the protobuf descriptors (compiled here with their comments, so field
  comments become descriptions) turned into JSON Schema along the proto3 JSON mapping
  the producers use (``zjtx.envelope.payload_to_data``: proto field names, fields
  without presence always printed, 64-bit integers as decimal strings, enums as names,
  bytes as base64, ``Struct`` as an object...);
- the envelope (``proto/zjtx_api/envelope.proto``) and the AMQP header ``traceparent``.

One channel per event type (address = routing key = type, on the topic exchange of its
source), one ``receive`` operation per channel (the document is written from a
subscriber's side), one message per event type. The committed copy is
``services/zjtx_api/asyncapi.json`` (beside the stubs, shipped with them; the gateway
serves it at ``/asyncapi.json``); ``make protos`` writes it and ``python -m zjtx.protos
check`` (run by ``make test``) fails when it is stale.
"""

from __future__ import annotations

import json
import re
import tempfile
from pathlib import Path
from typing import Any

from google.protobuf import descriptor_pb2
from grpc_tools import protoc

from zjtx.envelope import ENVELOPE_KEYS, SCHEMA_VERSION
from zjtx.event_types import _declared

PROTO_ROOT = Path(__file__).resolve().parents[2] / "proto"
PACKAGE = "zjtx_api"
ENVELOPE_MESSAGE = "zjtx.envelope.v1.EventEnvelope"
AMQP_BINDING_VERSION = "0.3.0"

F = descriptor_pb2.FieldDescriptorProto
_INTEGER_32 = {F.TYPE_INT32: (-2**31, 2**31 - 1), F.TYPE_SINT32: (-2**31, 2**31 - 1),
               F.TYPE_SFIXED32: (-2**31, 2**31 - 1), F.TYPE_UINT32: (0, 2**32 - 1), F.TYPE_FIXED32: (0, 2**32 - 1)}
_INTEGER_64 = {F.TYPE_INT64, F.TYPE_SINT64, F.TYPE_SFIXED64, F.TYPE_UINT64, F.TYPE_FIXED64}
_FLOATING = {F.TYPE_DOUBLE, F.TYPE_FLOAT}

# Well-known types have a JSON form of their own in the proto3 mapping.
_WELL_KNOWN: dict[str, dict[str, Any]] = {
    "google.protobuf.Struct": {"type": "object", "description": "any JSON object (google.protobuf.Struct)"},
    "google.protobuf.Value": {"description": "any JSON value (google.protobuf.Value)"},
    "google.protobuf.ListValue": {"type": "array", "description": "any JSON array (google.protobuf.ListValue)"},
    "google.protobuf.Timestamp": {"type": "string", "format": "date-time"},
    "google.protobuf.Duration": {"type": "string", "pattern": r"^-?[0-9]+(\.[0-9]{1,9})?s$"},
    "google.protobuf.Empty": {"type": "object"},
    "google.protobuf.Any": {"type": "object", "properties": {"@type": {"type": "string"}}},
    "google.protobuf.FieldMask": {"type": "string"},
    "google.protobuf.StringValue": {"type": ["string", "null"]},
    "google.protobuf.BoolValue": {"type": ["boolean", "null"]},
    "google.protobuf.Int32Value": {"type": ["integer", "null"]},
    "google.protobuf.UInt32Value": {"type": ["integer", "null"]},
    "google.protobuf.Int64Value": {"type": ["string", "null"], "pattern": "^-?[0-9]+$"},
    "google.protobuf.UInt64Value": {"type": ["string", "null"], "pattern": "^[0-9]+$"},
    "google.protobuf.DoubleValue": {"type": ["number", "null"]},
    "google.protobuf.FloatValue": {"type": ["number", "null"]},
    "google.protobuf.BytesValue": {"type": ["string", "null"], "contentEncoding": "base64"},
}


def descriptor_set(proto_root: Path = PROTO_ROOT) -> descriptor_pb2.FileDescriptorSet:
    """Every file of ``proto/zjtx_api`` compiled with its comments (source info) and imports."""
    include = Path(protoc.__file__).parent / "_proto"
    sources = sorted((proto_root / PACKAGE).glob("*.proto"))
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch) / "set.binpb"
        arguments = ["protoc", f"-I{proto_root}", f"-I{include}", "--include_source_info", "--include_imports",
                     f"--descriptor_set_out={out}", *[str(p) for p in sources]]
        if protoc.main(arguments) != 0:
            raise SystemExit("protoc failed; see the messages above")
        return descriptor_pb2.FileDescriptorSet.FromString(out.read_bytes())


_EVENT = re.compile(r"\b[a-z][a-z_]*\.[a-z][a-z_]*\b")
_SUBJECT = re.compile(r"subject = ([^;.]+?)(?:[;.](?:\s|$)|$)")


def subjects(path: Path) -> dict[str, str]:
    """What the envelope subject is per event type, from the proto's comments
    ("review.passed ... subject = application id")."""
    found: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        text = line.strip()
        match = _SUBJECT.search(text) if text.startswith("//") else None
        if match:
            for event_type in _EVENT.findall(text[:match.start()]):
                found.setdefault(event_type, match.group(1).strip())
    return found


def _comment(text: str) -> str:
    return " ".join(line.strip() for line in text.strip().splitlines() if line.strip())


class Catalogue:
    """Messages and enums by full name, with the comments protoc kept for them."""

    def __init__(self, files: descriptor_pb2.FileDescriptorSet) -> None:
        self.messages: dict[str, descriptor_pb2.DescriptorProto] = {}
        self.enums: dict[str, descriptor_pb2.EnumDescriptorProto] = {}
        self.comments: dict[str, str] = {}   # message full name or "<message>.<field>" -> comment
        for file in files.file:
            locations = {tuple(loc.path): loc for loc in file.source_code_info.location}
            for index, message in enumerate(file.message_type):
                self._message(file.package, message, (4, index), locations)
            for enum in file.enum_type:
                self.enums[f"{file.package}.{enum.name}"] = enum

    def _message(self, scope: str, message: descriptor_pb2.DescriptorProto, path: tuple[int, ...],
                 locations: dict[tuple[int, ...], Any]) -> None:
        name = f"{scope}.{message.name}"
        self.messages[name] = message
        if path in locations:
            self.comments[name] = _comment(locations[path].leading_comments)
        for index, field in enumerate(message.field):
            location = locations.get((*path, 2, index))
            if location is not None:
                text = _comment(location.trailing_comments or location.leading_comments)
                if text:
                    self.comments[f"{name}.{field.name}"] = text
        for index, nested in enumerate(message.nested_type):
            self._message(name, nested, (*path, 3, index), locations)
        for enum in message.enum_type:
            self.enums[f"{name}.{enum.name}"] = enum


def _scalar(field: descriptor_pb2.FieldDescriptorProto) -> dict[str, Any]:
    if field.type in _INTEGER_32:
        low, high = _INTEGER_32[field.type]
        return {"type": "integer", "minimum": low, "maximum": high}
    if field.type in _INTEGER_64:
        # the proto3 JSON mapping prints 64-bit integers as decimal strings
        unsigned = field.type in (F.TYPE_UINT64, F.TYPE_FIXED64)
        return {"type": "string", "pattern": "^[0-9]+$" if unsigned else "^-?[0-9]+$",
                "format": "uint64" if unsigned else "int64"}
    if field.type in _FLOATING:
        return {"anyOf": [{"type": "number"}, {"type": "string", "enum": ["NaN", "Infinity", "-Infinity"]}]}
    if field.type == F.TYPE_BOOL:
        return {"type": "boolean"}
    if field.type == F.TYPE_STRING:
        return {"type": "string"}
    if field.type == F.TYPE_BYTES:
        return {"type": "string", "contentEncoding": "base64"}
    raise ValueError(f"field {field.name}: type {field.type} has no JSON mapping here")


class SchemaBuilder:
    """JSON Schema (draft 7, which AsyncAPI's schema format extends) of protobuf messages."""

    def __init__(self, catalogue: Catalogue) -> None:
        self.catalogue = catalogue
        self.schemas: dict[str, dict[str, Any]] = {}

    def ref(self, full_name: str) -> dict[str, Any]:
        if full_name in _WELL_KNOWN:
            return dict(_WELL_KNOWN[full_name])
        if full_name not in self.schemas:
            self.schemas[full_name] = {}  # placeholder first: recursive messages terminate
            self.schemas[full_name] = self.message(full_name)
        return {"$ref": f"#/components/schemas/{full_name}"}

    def message(self, full_name: str) -> dict[str, Any]:
        message = self.catalogue.messages[full_name]
        maps = {nested.name: nested for nested in message.nested_type if nested.options.map_entry}
        properties: dict[str, Any] = {}
        required: list[str] = []
        for field in message.field:
            schema = self.field(field, maps)
            comment = self.catalogue.comments.get(f"{full_name}.{field.name}")
            if comment:
                schema = {**schema, "description": comment} if "$ref" not in schema else \
                    {"allOf": [schema], "description": comment}
            properties[field.name] = schema
            # payload_to_data prints every field without presence (even at its default);
            # message fields, `optional` ones and oneof members appear only when set
            has_presence = (field.type == F.TYPE_MESSAGE and field.label != F.LABEL_REPEATED) \
                or field.proto3_optional or field.HasField("oneof_index")
            if not has_presence:
                required.append(field.name)
        schema: dict[str, Any] = {"type": "object", "title": full_name.rsplit(".", 1)[1],
                                  "x-protobuf-message": full_name, "properties": properties,
                                  # schemas only grow: a subscriber must accept fields added later
                                  "additionalProperties": True}
        if required:
            schema["required"] = required
        comment = self.catalogue.comments.get(full_name)
        if comment:
            schema["description"] = comment
        return schema

    def field(self, field: descriptor_pb2.FieldDescriptorProto,
              maps: dict[str, descriptor_pb2.DescriptorProto]) -> dict[str, Any]:
        type_name = field.type_name.lstrip(".")
        if field.label == F.LABEL_REPEATED and field.type == F.TYPE_MESSAGE and type_name.rsplit(".", 1)[1] in maps \
                and type_name.rsplit(".", 1)[0] in self.catalogue.messages:
            entry = maps[type_name.rsplit(".", 1)[1]]
            value = self.single(entry.field[1])
            return {"type": "object", "additionalProperties": value}
        single = self.single(field)
        if field.label == F.LABEL_REPEATED:
            return {"type": "array", "items": single}
        return single

    def single(self, field: descriptor_pb2.FieldDescriptorProto) -> dict[str, Any]:
        type_name = field.type_name.lstrip(".")
        if field.type == F.TYPE_MESSAGE:
            return self.ref(type_name)
        if field.type == F.TYPE_ENUM:
            enum = self.catalogue.enums[type_name]
            return {"type": "string", "enum": [value.name for value in enum.value], "x-protobuf-enum": type_name}
        return _scalar(field)


def envelope_schema(builder: SchemaBuilder) -> dict[str, Any]:
    schema = builder.message(ENVELOPE_MESSAGE)
    schema["required"] = list(ENVELOPE_KEYS)  # traceparent/tracestate only when a trace was active
    schema["properties"]["id"]["description"] += "; the same id on every redelivery, replay and backfill"
    schema["properties"]["schemaversion"]["const"] = SCHEMA_VERSION
    return schema


def document(files: descriptor_pb2.FileDescriptorSet | None = None, proto_root: Path = PROTO_ROOT) -> dict[str, Any]:
    files = files or descriptor_set(proto_root)
    catalogue = Catalogue(files)
    builder = SchemaBuilder(catalogue)
    builder.schemas["EventEnvelope"] = envelope_schema(builder)
    packages = {Path(f.name).stem: f.package for f in files.file if f.name.startswith(f"{PACKAGE}/")}
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    messages: dict[str, Any] = {}
    for path in sorted((proto_root / PACKAGE).glob("*.proto")):
        source = path.stem
        subject_of = subjects(path)
        for event_type, message_name in _declared(path):
            full_name = f"{packages[source]}.{message_name}"
            summary = catalogue.comments.get(full_name, event_type)
            exchange = f"{source}.events"
            subject = subject_of.get(event_type, "")
            messages[event_type] = {
                "name": event_type,
                "title": event_type,
                "summary": summary,
                "description": f"Published on `{exchange}` with routing key `{event_type}`; the envelope's `data` "
                               f"is a `{full_name}`" + (f"; its `subject`: {subject}." if subject else "."),
                "contentType": "application/json",
                "headers": {"$ref": "#/components/schemas/AmqpHeaders"},
                "payload": {"allOf": [
                    {"$ref": "#/components/schemas/EventEnvelope"},
                    {"type": "object", "properties": {
                        "type": {"const": event_type}, "source": {"const": source},
                        **({"subject": {"description": subject}} if subject else {}),
                        "data": builder.ref(full_name)}},
                ]},
                "correlationId": {"$ref": "#/components/correlationIds/eventId"},
                "bindings": {"amqp": {"contentEncoding": "utf-8", "messageType": event_type,
                                      "bindingVersion": AMQP_BINDING_VERSION}},
                "x-protobuf-message": full_name,
            }
            channels[event_type] = {
                "address": event_type,
                "title": f"{event_type} on {exchange}",
                "description": f"Routing key `{event_type}` on the topic exchange `{exchange}`. "
                               f"Bind a queue of your own (`ext.<system>.<name>`) to `{exchange}` with this "
                               f"routing key (or a pattern such as `{event_type.split('.')[0]}.#`).",
                "messages": {event_type: {"$ref": f"#/components/messages/{event_type}"}},
                "bindings": {"amqp": {"is": "routingKey", "exchange": {
                    "name": exchange, "type": "topic", "durable": True, "autoDelete": False, "vhost": "/"},
                    "bindingVersion": AMQP_BINDING_VERSION}},
            }
            operations[f"receive.{event_type}"] = {
                "action": "receive",
                "title": f"Receive {event_type}",
                "summary": summary,
                "channel": {"$ref": f"#/channels/{event_type}"},
                "messages": [{"$ref": f"#/channels/{event_type}/messages/{event_type}"}],
                "bindings": {"amqp": {"ack": True, "bindingVersion": AMQP_BINDING_VERSION}},
            }
    builder.schemas["AmqpHeaders"] = {
        "type": "object", "title": "AMQP headers",
        "properties": {
            "traceparent": {"type": "string", "pattern": "^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$",
                            "description": "W3C trace context of the publishing span (also in the envelope); "
                                           "continue the trace from it"},
            "tracestate": {"type": "string", "description": "W3C tracestate, when the trace carries one"},
            "x-zjtx-backfill": {"type": "boolean", "description": "set on copies replayed from the archive by "
                                                                  "a backfill (docs/events.md)"},
        },
        "additionalProperties": True,
    }
    return {
        "asyncapi": "3.0.0",
        "id": "urn:zjtx:events",
        "info": {
            "title": "ZJTX integration events",
            "version": SCHEMA_VERSION,
            "description": "Every event the ZJTX services publish, as an outside subscriber receives it: one "
                           "envelope (`EventEnvelope`) whose `data` is the payload of its type. Generated from "
                           "proto/ by `make protos`; docs/events.md tells how to bind, what is guaranteed "
                           "(at least once: deduplicate by envelope id; no ordering), how schemaversion "
                           "changes and how to get an account or a backfill. info.version is the envelope's "
                           "schemaversion.",
        },
        "defaultContentType": "application/json",
        "servers": {
            "broker": {
                "host": "{host}:{port}", "protocol": "amqp", "protocolVersion": "0-9-1",
                "pathname": "/{vhost}",
                "description": "The RabbitMQ of a ZJTX instance; sign in with the subscriber account the "
                               "operators made for your system (docs/events.md).",
                "variables": {"host": {"default": "127.0.0.1"}, "port": {"default": "5672"},
                              "vhost": {"default": "", "description": "the instance's vhost (empty: /)"}},
                "security": [{"$ref": "#/components/securitySchemes/subscriberAccount"}],
            },
        },
        "channels": channels,
        "operations": operations,
        "components": {
            "schemas": dict(sorted(builder.schemas.items())),
            "messages": messages,
            "correlationIds": {"eventId": {"location": "$message.payload#/id",
                                           "description": "the envelope id: deduplicate on it"}},
            "securitySchemes": {"subscriberAccount": {
                "type": "userPassword",
                "description": "a broker account `zjtx-ext-<system>` (python -m zjtx.subscribers create)"}},
        },
    }


def render(proto_root: Path = PROTO_ROOT) -> str:
    return json.dumps(document(proto_root=proto_root), indent=2, ensure_ascii=False) + "\n"
