"""Registration's own light model of a programme (培育批次).

The programme document belongs to the review service; registration receives it over
gRPC (``zjtx.review.v1.Programme``) and keeps only what an enterprise's application
needs: the sections and their fields, the attachment kinds, the pledge, the eligibility
gates and the window. ``programme_from_message`` reads the message by attribute names
(duck typing), so this module imports neither the generated stubs nor anything else
outside plain Python.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

WindowState = Literal["not_open", "open", "closed"]
FIELD_TYPES = ("string", "text", "integer", "decimal", "boolean", "date", "enum", "multi_enum")
OPERATORS = ("equals", "in", "gte", "gt", "lte", "lt")


class ProgrammeModelError(ValueError):
    """The programme message cannot be used (a service-to-service contract problem)."""


@dataclass(frozen=True)
class Option:
    value: str
    label: str


@dataclass(frozen=True)
class FieldSpec:
    id: str
    label: str
    type: str
    required: bool
    min: Decimal | None = None
    max: Decimal | None = None
    min_length: int | None = None
    max_length: int | None = None
    pattern: str | None = None
    options: tuple[Option, ...] = ()
    unit: str = ""
    help: str = ""

    @property
    def option_values(self) -> tuple[str, ...]:
        return tuple(option.value for option in self.options)


@dataclass(frozen=True)
class SectionSpec:
    id: str
    title: str
    fields: tuple[FieldSpec, ...]

    def field(self, field_id: str) -> FieldSpec | None:
        return next((f for f in self.fields if f.id == field_id), None)


@dataclass(frozen=True)
class AttachmentSpec:
    kind: str
    title: str
    min_count: int
    max_count: int
    media_types: tuple[str, ...]
    max_bytes: int
    required: bool
    help: str = ""


@dataclass(frozen=True)
class Gate:
    """An eligibility gate: ``field`` ("section.field") compared with ``operand``."""

    id: str
    field: str
    operator: str
    operand: Any  # bool | Decimal | str | tuple of those (for 'in')
    message: str

    def holds(self, data: Mapping[str, Mapping[str, Any]]) -> bool:
        return test_holds(self.operator, self.operand, lookup(data, self.field))


@dataclass(frozen=True)
class Window:
    opens_at: datetime
    closes_at: datetime  # the last accepted second, inclusive


@dataclass(frozen=True)
class ProgrammeModel:
    id: str
    version: int
    title: str
    level: str
    owner: str
    window: Window
    max_return_rounds: int
    sections: tuple[SectionSpec, ...]
    attachments: tuple[AttachmentSpec, ...]
    pledge_required: bool
    pledge_title: str
    pledge_text: str
    gates: tuple[Gate, ...]
    focus_category_ids: tuple[str, ...] = ()
    owner_name: str = ""

    def section(self, section_id: str) -> SectionSpec | None:
        return next((s for s in self.sections if s.id == section_id), None)

    def attachment(self, kind: str) -> AttachmentSpec | None:
        return next((a for a in self.attachments if a.kind == kind), None)

    def iter_fields(self) -> Iterator[tuple[SectionSpec, FieldSpec]]:
        for section in self.sections:
            for field in section.fields:
                yield section, field

    def covers_region(self, region_code: str) -> bool:
        """An enterprise may apply only from inside the owner's jurisdiction."""
        return self.level == "national" or division_within(region_code, self.owner)

    def window_state(self, now: datetime) -> WindowState:
        """'not_open' before opens_at, 'open' up to and including closes_at, then 'closed'.

        ``now`` is compared at whole-second resolution: closes_at names the last accepted
        second, so 23:59:59.999 on the closing day is still open (see the programmes README).
        """
        if now.tzinfo is None or now.utcoffset() is None:
            raise ValueError("now must be timezone-aware")
        instant = now.replace(microsecond=0)
        if instant < self.window.opens_at:
            return "not_open"
        return "open" if instant <= self.window.closes_at else "closed"

    @property
    def focus_field(self) -> str | None:
        """``section.field`` of the enum whose options are the focus categories (培育重点)."""
        if not self.focus_category_ids:
            return None
        wanted = set(self.focus_category_ids)
        for section, field in self.iter_fields():
            if field.type == "enum" and set(field.option_values) == wanted:
                return f"{section.id}.{field.id}"
        return None


# --------------------------------------------------------------------------- helpers


def division_within(code: str, area: str) -> bool:
    """True if division ``code`` lies in ``area`` (a province, city or county code)."""
    if len(area) != 6 or len(code) != 6:
        return False
    if area.endswith("0000"):
        return code[:2] == area[:2]
    if area.endswith("00"):
        return code[:4] == area[:4]
    return code == area


def as_decimal(value: object) -> Decimal | None:
    """A finite number from an application value (int, float, Decimal, numeric str)."""
    if isinstance(value, bool) or value is None:
        return None  # bool is an int in Python; never a quantity here
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, float | str):
        try:
            number = Decimal(repr(value) if isinstance(value, float) else value.strip())
        except InvalidOperation:
            return None
    else:
        return None
    return number if number.is_finite() else None


def lookup(data: Mapping[str, Any], ref: str) -> Any:
    """The value at ``section.field`` in application data ``{section: {field: value}}``."""
    section_id, _, field_id = ref.partition(".")
    section = data.get(section_id)
    return section.get(field_id) if isinstance(section, Mapping) else None


def test_holds(operator: str, operand: Any, value: Any) -> bool:
    """One comparison; a missing value never satisfies a condition."""
    if value is None:
        return False
    if operator == "equals":
        return _same(value, operand)
    if operator == "in":
        return any(_same(value, item) for item in operand)
    number = as_decimal(value)
    if number is None or not isinstance(operand, Decimal):
        return False
    return {"gte": number >= operand, "gt": number > operand,
            "lte": number <= operand, "lt": number < operand}[operator]


def _same(value: Any, operand: Any) -> bool:
    if isinstance(operand, bool):
        return isinstance(value, bool) and value is operand
    if isinstance(operand, Decimal):
        number = as_decimal(value)
        return number is not None and number == operand
    return value == operand


# --------------------------------------------------------------------------- from the message


def programme_from_message(message: Any) -> ProgrammeModel:
    """Build the model from a ``zjtx.review.v1.Programme`` (read by attribute names)."""
    try:
        window = Window(_instant(message.window.opens_at), _instant(message.window.closes_at))
        return ProgrammeModel(
            id=message.id, version=int(message.version), title=message.title, level=message.level,
            owner=message.owner, window=window, max_return_rounds=int(message.max_return_rounds),
            sections=tuple(_section(s) for s in message.sections),
            attachments=tuple(_attachment(a) for a in message.attachments),
            pledge_required=bool(message.pledge.required), pledge_title=message.pledge.title,
            pledge_text=message.pledge.text,
            gates=tuple(_gate(g) for g in message.eligibility_gates),
            focus_category_ids=tuple(f.id for f in message.focus_categories), owner_name=message.owner_name,
        )
    except (ValueError, KeyError, TypeError, InvalidOperation) as error:
        raise ProgrammeModelError(f"programme {getattr(message, 'id', '?')!r} is unusable: {error}") from error


def _instant(text: str) -> datetime:
    value = datetime.fromisoformat(text)
    if value.tzinfo is None:
        raise ValueError(f"window time {text!r} has no offset")
    return value


def _number(text: str) -> Decimal | None:
    return Decimal(text) if text else None


def _section(message: Any) -> SectionSpec:
    return SectionSpec(message.id, message.title, tuple(_field(f) for f in message.fields))


def _field(message: Any) -> FieldSpec:
    if message.type not in FIELD_TYPES:
        raise ValueError(f"field {message.id!r} has unknown type {message.type!r}")
    return FieldSpec(
        id=message.id, label=message.label, type=message.type, required=bool(message.required),
        min=_number(message.min), max=_number(message.max), min_length=message.min_length or None,
        max_length=message.max_length or None, pattern=message.pattern or None,
        options=tuple(Option(o.value, o.label) for o in message.options), unit=message.unit, help=message.help,
    )


def _attachment(message: Any) -> AttachmentSpec:
    return AttachmentSpec(
        kind=message.kind, title=message.title, min_count=int(message.min_count), max_count=int(message.max_count),
        media_types=tuple(message.media_types), max_bytes=int(message.max_bytes), required=bool(message.required),
        help=message.help,
    )


def _gate(message: Any) -> Gate:
    if message.operator not in OPERATORS:
        raise ValueError(f"gate {message.id!r} has unknown operator {message.operator!r}")
    return Gate(message.id, message.field, message.operator, _operand(json.loads(message.operand_json)),
                message.message)


def _operand(value: Any) -> Any:
    """JSON operand -> the comparison form: numbers exact (Decimal), lists as tuples."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int | float):
        return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    if isinstance(value, list):
        return tuple(_operand(v) for v in value)
    raise ValueError(f"unsupported gate operand {value!r}")
