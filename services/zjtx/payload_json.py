"""Event payloads between their JSON form (the envelope's ``data``) and their proto messages,
as ``json_format`` does it, without its per-field cost.

``json_format.ParseDict`` and ``MessageToDict`` are pure Python and look every field up in
the descriptor, for every value, every time: parsing one ``application.submitted`` (its
snapshot's form is a ``Struct``) cost 0.23 ms, and the consumers of the surge spent 9-15% of
their CPU in them (issue 16; docs/performance.md). Here each message type's fields are read
from its descriptor once, and a payload is filled or printed by plain attribute access.

The result is ``json_format``'s, exactly: what the fast way does not handle (a JSON name, a
null, a value of an unexpected type, a field kind no event payload uses, a message with a
oneof) is handed to ``json_format`` whole, on a fresh message, so its answer and its errors
are the ones a caller sees. ``tests/unit/zjtx/test_payload_json.py`` compares the two on
every message of ``proto/`` and on the inputs json_format treats specially.
"""

from __future__ import annotations

import math
import re
from typing import Any

from google.protobuf import json_format
from google.protobuf.descriptor import Descriptor, FieldDescriptor
from google.protobuf.message import Message

STRUCT = "google.protobuf.Struct"
# deeper than this (messages, structs and lists counted once each) goes to json_format, whose
# own limit (100) counts a Struct level twice (the Struct and its Value)
MAX_DEPTH = 40
_EXTENSION_NAME = re.compile(r"^\[.*\]$")

# field kinds: how a value is read and printed
_STRING, _BOOL, _INT, _INT64, _DOUBLE, _MESSAGE, _STRUCT, _STRING_MAP, _OTHER = range(9)
_INT_TYPES = {FieldDescriptor.TYPE_INT32, FieldDescriptor.TYPE_SINT32, FieldDescriptor.TYPE_SFIXED32,
              FieldDescriptor.TYPE_UINT32, FieldDescriptor.TYPE_FIXED32}
_INT64_TYPES = {FieldDescriptor.TYPE_INT64, FieldDescriptor.TYPE_SINT64, FieldDescriptor.TYPE_SFIXED64,
                FieldDescriptor.TYPE_UINT64, FieldDescriptor.TYPE_FIXED64}


class _Slow(Exception):
    """This payload is json_format's to convert."""


# (name, kind, repeated, has presence, default)
_Field = tuple[str, int, bool, bool, Any]


class _Plan:
    __slots__ = ("by_name", "json_names", "declared", "by_number", "plain")

    def __init__(self, descriptor: Descriptor) -> None:
        fields = [_field(f) for f in descriptor.fields]
        self.by_name = {f[0]: f for f in fields}
        # a key in JSON form (camelCase) names its field in json_format: left to it
        self.json_names = frozenset(f.json_name for f in descriptor.fields if f.json_name != f.name)
        self.declared = fields
        self.by_number = [_field(f) for f in sorted(descriptor.fields, key=lambda f: f.number)]
        # a oneof (json_format refuses two of its fields), or a JSON name that is another field's
        # name (json_format looks JSON names up first): the message is json_format's
        self.plain = not descriptor.oneofs and not (self.json_names & self.by_name.keys())


def _field(field: FieldDescriptor) -> _Field:
    kind = _OTHER
    if field.message_type is not None:
        entry = field.message_type
        if entry.full_name == STRUCT:
            kind = _STRUCT
        elif entry.GetOptions().map_entry:
            if all(f.type == FieldDescriptor.TYPE_STRING for f in entry.fields):
                kind = _STRING_MAP
        elif not entry.full_name.startswith("google.protobuf."):
            kind = _MESSAGE
    elif field.type == FieldDescriptor.TYPE_STRING:
        kind = _STRING
    elif field.type == FieldDescriptor.TYPE_BOOL:
        kind = _BOOL
    elif field.type in _INT_TYPES:
        kind = _INT
    elif field.type in _INT64_TYPES:
        kind = _INT64
    elif field.type == FieldDescriptor.TYPE_DOUBLE:
        kind = _DOUBLE
    if field.has_presence and kind not in (_MESSAGE, _STRUCT, _STRING_MAP):
        kind = _OTHER  # proto3 ``optional``: printed only when set; json_format's
    default = None if field.is_repeated or kind in (_MESSAGE, _STRUCT, _OTHER) else field.default_value
    return (field.name, kind, field.is_repeated, field.has_presence, default)


_PLANS: dict[str, _Plan] = {}


def _plan(descriptor: Descriptor) -> _Plan:
    plan = _PLANS.get(descriptor.full_name)
    if plan is None:
        plan = _PLANS[descriptor.full_name] = _Plan(descriptor)
    return plan


# ---------------------------------------------------------------------------------- JSON -> message


def parse(data: Any, message_type: type[Message]) -> Message:
    """``json_format.ParseDict(data, message_type(), ignore_unknown_fields=True)``."""
    message = message_type()
    try:
        _fill(message, data, 0)
    except Exception:  # _Slow, or a value upb refused (a range, a type): json_format decides
        message = message_type()
        json_format.ParseDict(data, message, ignore_unknown_fields=True)
    return message


def _fill(message: Message, data: Any, depth: int) -> None:
    if type(data) is not dict or depth > MAX_DEPTH:
        raise _Slow
    plan = _plan(message.DESCRIPTOR)
    if not plan.plain:
        raise _Slow
    by_name = plan.by_name
    for key, value in data.items():
        field = by_name.get(key)
        if field is None:
            if type(key) is not str or key in plan.json_names or _EXTENSION_NAME.match(key):
                raise _Slow
            continue  # unknown: ignored, as json_format is asked to
        name, kind, repeated, _, _ = field
        if value is None:
            raise _Slow
        if kind == _STRING_MAP:
            if type(value) is not dict:
                raise _Slow
            target = getattr(message, name)
            for item_key, item in value.items():
                target[_scalar(_STRING, item_key)] = _scalar(_STRING, item)
        elif repeated:
            if type(value) is not list and type(value) is not tuple:
                raise _Slow
            target = getattr(message, name)
            if kind == _MESSAGE:
                for item in value:
                    _fill(target.add(), item, depth + 1)
            else:
                target.extend([_scalar(kind, item) for item in value])
        elif kind == _MESSAGE:
            sub = getattr(message, name)
            sub.SetInParent()
            _fill(sub, value, depth + 1)
        elif kind == _STRUCT:
            if type(value) is not dict:
                raise _Slow
            struct = getattr(message, name)
            struct.Clear()  # present, even if empty
            _fill_struct(struct, value, depth + 1)
        else:
            setattr(message, name, _scalar(kind, value))


def _scalar(kind: int, value: Any) -> Any:
    kind_of_value = type(value)
    if kind == _STRING:
        if kind_of_value is str:
            return value  # an unpaired surrogate: upb refuses it on assignment, json_format then answers
    elif kind == _BOOL:
        if kind_of_value is bool:
            return value
    elif kind == _INT or kind == _INT64:
        if kind_of_value is int:
            return value
        if kind_of_value is str and " " not in value:
            return int(value)  # a ValueError sends it to json_format, which refuses it
    elif kind == _DOUBLE:
        if kind_of_value is int or (kind_of_value is float and math.isfinite(value)):
            return float(value)
    raise _Slow


def _fill_struct(struct: Any, data: dict[Any, Any], depth: int) -> None:
    if depth > MAX_DEPTH:
        raise _Slow
    fields = struct.fields
    for key, value in data.items():
        _fill_value(fields[key], value, depth)


def _fill_value(target: Any, value: Any, depth: int) -> None:
    kind_of_value = type(value)
    if kind_of_value is str:
        target.string_value = value
    elif kind_of_value is bool:
        target.bool_value = value
    elif kind_of_value is int or kind_of_value is float:
        target.number_value = value
    elif value is None:
        target.null_value = 0
    elif kind_of_value is dict:
        struct = target.struct_value
        struct.Clear()
        _fill_struct(struct, value, depth + 1)
    elif kind_of_value is list or kind_of_value is tuple:
        if depth + 1 > MAX_DEPTH:
            raise _Slow
        values = target.list_value
        values.ClearField("values")
        for item in value:
            _fill_value(values.values.add(), item, depth + 1)
    else:
        raise _Slow


# ---------------------------------------------------------------------------------- message -> JSON


def to_data(message: Message) -> dict[str, Any]:
    """``json_format.MessageToDict(message, preserving_proto_field_name=True,
    always_print_fields_with_no_presence=True)``."""
    try:
        return _printed(message)
    except _Slow:
        return json_format.MessageToDict(message, preserving_proto_field_name=True,
                                         always_print_fields_with_no_presence=True)


def struct_data(struct: Message) -> dict[str, Any]:
    """``json_format.MessageToDict(struct)`` of a ``google.protobuf.Struct``."""
    try:
        return _printed_struct(struct)
    except _Slow:
        return json_format.MessageToDict(struct)


def _printed(message: Message) -> dict[str, Any]:
    plan = _plan(message.DESCRIPTOR)
    if not plan.plain:
        raise _Slow
    out: dict[str, Any] = {}
    # as json_format: the fields set, by number, then the others without presence, as declared
    for name, kind, repeated, presence, default in plan.by_number:
        if kind == _OTHER:
            raise _Slow
        value = getattr(message, name)
        if kind == _STRING_MAP:
            if value:
                out[name] = {key: value[key] for key in value}
        elif repeated:
            if kind == _STRUCT:
                raise _Slow
            if value:
                out[name] = [_printed(item) for item in value] if kind == _MESSAGE else \
                    [_printed_scalar(kind, item) for item in value]
        elif presence:
            if message.HasField(name):
                out[name] = _printed(value) if kind == _MESSAGE else _printed_struct(value)
        elif value != default:
            out[name] = _printed_scalar(kind, value)
        elif kind == _DOUBLE and math.copysign(1.0, value) < 0:
            raise _Slow  # -0.0: "set" for json_format, where 0.0 is not
    for name, kind, repeated, presence, default in plan.declared:
        if presence or name in out:
            continue
        out[name] = {} if kind == _STRING_MAP else [] if repeated else _printed_scalar(kind, default)
    return out


def _printed_scalar(kind: int, value: Any) -> Any:
    if kind == _INT64:
        return str(value)
    if kind == _DOUBLE and not math.isfinite(value):
        raise _Slow  # "NaN", "Infinity": json_format's spelling
    return value


def _printed_struct(struct: Any) -> dict[str, Any]:
    fields = struct.fields
    return {key: _printed_value(fields[key]) for key in fields}


def _printed_value(value: Any) -> Any:
    which = value.WhichOneof("kind")
    if which == "string_value":
        return value.string_value
    if which == "number_value":
        number = value.number_value
        if not math.isfinite(number):
            raise _Slow  # json_format refuses it
        return number
    if which == "bool_value":
        return value.bool_value
    if which == "struct_value":
        return _printed_struct(value.struct_value)
    if which == "list_value":
        return [_printed_value(item) for item in value.list_value.values]
    return None  # null_value, or not set
