"""The programme (培育批次) as the other services read it from review.

The programme document belongs to the review service, which validates it
(``review.rules.programmes``). Registration, notification and reporting receive it over
gRPC (``zjtx.review.v1.Programme``) and all read it through this one model: the
sections and their fields, the attachment kinds, the pledge, the eligibility gates, the
window and review deadlines, the review chain's titles, the focus categories and the
summary-table columns. ``programme_from_message`` reads the message by attribute names
(duck typing), so this module imports neither the generated stubs nor anything else
outside plain Python.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from kernel.conditions import OPERATORS, lookup, operand_from_json, test_holds
from kernel.divisions import division_within
from kernel.personal import DEFAULT_ARCHIVE_YEARS, PERSONAL_FIELD_IDS
from kernel.windows import WindowState, window_state

FIELD_TYPES = ("string", "text", "integer", "decimal", "boolean", "date", "enum", "multi_enum")
NATIONAL = "national"


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

    def option_label(self, value: str) -> str | None:
        return next((option.label for option in self.options if option.value == value), None)


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
    review_closes_at: datetime | None = None  # reviewing levels' default deadline


@dataclass(frozen=True)
class ReportPolicy:
    """定期调度: recognised and 后备 enterprises report each period (review validates the document)."""

    frequency: str  # monthly | quarterly
    window_days: int  # the window opens the day after a period ends and lasts this many days
    remind_days_before: int  # a reminder this many days before the window closes


@dataclass(frozen=True)
class AnnualUpdate:
    """The yearly data update of the pinned rule set (rules effective 2026-04-01): recognised
    enterprises update these figures each year by ``due`` (month, day)."""

    due: tuple[int, int]
    fields: tuple[tuple[str, str, str], ...]  # (id, label, kind money|signed_money|count)


@dataclass(frozen=True)
class ProgrammeModel:
    id: str
    version: int
    title: str
    level: str
    owner: str
    window: Window
    max_return_rounds: int = 0
    sections: tuple[SectionSpec, ...] = ()
    attachments: tuple[AttachmentSpec, ...] = ()
    pledge_required: bool = False
    pledge_title: str = ""
    pledge_text: str = ""
    gates: tuple[Gate, ...] = ()
    focus_titles: dict[str, str] = field(default_factory=dict)  # focus category id -> title, in order
    owner_name: str = ""
    year: int = 0
    target_count: int = 0
    has_rubric: bool = False
    level_titles: dict[int, str] = field(default_factory=dict)  # every level of the review chain
    level_deadlines: dict[int, datetime] = field(default_factory=dict)  # reviewing levels with a deadline
    columns: tuple[tuple[str, str], ...] = ()  # (title, source) of the 推荐汇总表
    operating_reports: ReportPolicy | None = None  # 定期调度, from the document
    annual_update: AnnualUpdate | None = None  # the pinned rule set's yearly data update, if any
    # (section id, field id) of the form's personal fields (kernel.personal): marked ``personal: true``
    # in the document, or one of the ids every 申报书 uses for people
    personal: tuple[tuple[str, str], ...] = ()
    archive_years: int = DEFAULT_ARCHIVE_YEARS  # how long the programme's records are kept (then erasable)

    # -- lookups

    def section(self, section_id: str) -> SectionSpec | None:
        return next((s for s in self.sections if s.id == section_id), None)

    def attachment(self, kind: str) -> AttachmentSpec | None:
        return next((a for a in self.attachments if a.kind == kind), None)

    def field(self, section_id: str, field_id: str) -> FieldSpec | None:
        section = self.section(section_id)
        return section.field(field_id) if section else None

    @property
    def personal_fields(self) -> dict[str, tuple[str, ...]]:
        """Section id -> the ids of its personal fields (sealed at rest and in events)."""
        out: dict[str, tuple[str, ...]] = {}
        for section, item in self.iter_fields():
            if (section.id, item.id) in self.personal or item.id in PERSONAL_FIELD_IDS:
                out[section.id] = (*out.get(section.id, ()), item.id)
        return out

    def iter_fields(self) -> Iterator[tuple[SectionSpec, FieldSpec]]:
        for section in self.sections:
            for item in section.fields:
                yield section, item

    @property
    def attachment_titles(self) -> dict[str, str]:
        return {a.kind: a.title for a in self.attachments}

    @property
    def focus_category_ids(self) -> tuple[str, ...]:
        return tuple(self.focus_titles)

    @property
    def focus_field(self) -> str | None:
        """``section.field`` of the enum whose options are the focus categories (培育重点)."""
        if not self.focus_titles:
            return None
        wanted = set(self.focus_titles)
        for section, item in self.iter_fields():
            if item.type == "enum" and set(item.option_values) == wanted:
                return f"{section.id}.{item.id}"
        return None

    @property
    def owner_unit_id(self) -> str:
        """Administrative units are named ``unit-<division code>`` (deploy/units README)."""
        return f"unit-{self.owner}"

    def level_title(self, level: int) -> str:
        return self.level_titles.get(level) or (f"第{level}级审核" if level else "未进入审核")

    def covers_region(self, region_code: str) -> bool:
        """An enterprise may apply only from inside the owner's jurisdiction."""
        return self.level == NATIONAL or division_within(region_code, self.owner)

    # -- time

    @property
    def opens_at(self) -> datetime:
        return self.window.opens_at

    @property
    def closes_at(self) -> datetime:
        return self.window.closes_at

    @property
    def review_closes_at(self) -> datetime | None:
        return self.window.review_closes_at

    def review_deadline(self, level: int) -> datetime | None:
        """When decisions at a reviewing ``level`` stop being accepted."""
        return self.level_deadlines.get(level) or self.window.review_closes_at

    def window_state(self, now: datetime) -> WindowState:
        """'not_open' before opens_at, 'open' up to and including closes_at, then 'closed'.

        ``now`` is compared at whole-second resolution: closes_at names the last accepted
        second, so 23:59:59.999 on the closing day is still open (see the programmes README).
        """
        return window_state(self.window.opens_at, self.window.closes_at, now)


# --------------------------------------------------------------------------- from the message


def programme_from_message(message: Any) -> ProgrammeModel:
    """Build the model from a ``zjtx.review.v1.Programme`` (read by attribute names)."""
    try:
        window = message.window
        review_closes = _instant(window.review_closes_at) if window.review_closes_at else None
        return ProgrammeModel(
            id=message.id, version=int(message.version), title=message.title, level=message.level,
            owner=message.owner, window=Window(_instant(window.opens_at), _instant(window.closes_at), review_closes),
            max_return_rounds=int(message.max_return_rounds),
            sections=tuple(_section(s) for s in message.sections),
            attachments=tuple(_attachment(a) for a in message.attachments),
            pledge_required=bool(message.pledge.required), pledge_title=message.pledge.title,
            pledge_text=message.pledge.text,
            gates=tuple(_gate(g) for g in message.eligibility_gates),
            focus_titles={f.id: f.title for f in message.focus_categories}, owner_name=message.owner_name,
            year=int(message.year), target_count=int(message.target_count), has_rubric=bool(message.has_rubric),
            level_titles={c.level: c.title for c in message.review_chain},
            level_deadlines={c.level: _instant(c.review_closes_at) for c in message.review_chain
                             if not c.final and c.review_closes_at},
            columns=tuple((c.title, c.source) for c in message.summary_table_columns),
            operating_reports=_report_policy(getattr(message, "document_json", "")),
            annual_update=_annual_update(getattr(message, "document_json", "")),
            personal=_personal(getattr(message, "document_json", "")),
            archive_years=_archive_years(getattr(message, "document_json", "")),
        )
    except (ValueError, KeyError, TypeError, InvalidOperation) as error:
        raise ProgrammeModelError(f"programme {getattr(message, 'id', '?')!r} is unusable: {error}") from error


def _report_policy(document_json: str) -> ReportPolicy | None:
    raw = (json.loads(document_json) if document_json else {}).get("operating_reports")
    if not raw:
        return None
    return ReportPolicy(str(raw["frequency"]), int(raw["window_days"]), int(raw["remind_days_before"]))


def _personal(document_json: str) -> tuple[tuple[str, str], ...]:
    sections = (json.loads(document_json) if document_json else {}).get("sections") or []
    return tuple((str(s["id"]), str(f["id"])) for s in sections for f in s.get("fields") or []
                 if f.get("personal") is True)


def _archive_years(document_json: str) -> int:
    return int((json.loads(document_json) if document_json else {}).get("archive_years") or DEFAULT_ARCHIVE_YEARS)


def _annual_update(document_json: str) -> AnnualUpdate | None:
    rules = (json.loads(document_json) if document_json else {}).get("ruleset") or {}
    due, fields = rules.get("annual_update_due"), rules.get("annual_update") or []
    if not due or not fields:
        return None
    month, day = (int(part) for part in str(due).split("-"))
    return AnnualUpdate((month, day), tuple((str(f["id"]), str(f["label"]), str(f["kind"])) for f in fields))


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
    return Gate(message.id, message.field, message.operator, operand_from_json(json.loads(message.operand_json)),
                message.message)
