"""推荐汇总表: which applications, in which order, and what each column shows.

Columns come from the programme's ``summary_table_columns`` (title + source). A cell is
a typed value for the workbook (numbers stay numbers) and has a display text for the
gRPC preview; both come from ``cell_value``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any, Protocol

from kernel.programme import FieldSpec, ProgrammeModel
from kernel.statuses import STATUS_LABELS

UNIT_COLUMN = ("推荐单位", "review.unit_name")
# The columns of a programme that declares none.
DEFAULT_COLUMNS = (
    ("序号", "row.number"), ("企业名称", "enterprise.name"), ("统一社会信用代码", "enterprise.uscc"),
    ("所属地区", "enterprise.region_name"), ("审核意见", "review.opinion"), ("推荐顺序", "review.rank"),
)
Value = str | int | float | Decimal | None
UnitNames = Callable[[str], str]


class FieldLookup(Protocol):
    """What a cell needs of a programme: its form fields (a ``ProgrammeModel``, or a stored
    plan's ``rules.table.PlanFields``)."""

    def field(self, section_id: str, field_id: str) -> Any: ...


@dataclass(frozen=True)
class TableSpec:
    """One 推荐汇总表: its title rows and columns."""

    title: str
    unit_id: str
    unit_name: str
    unit_line: str
    date_line: str
    columns: tuple[tuple[str, str], ...]
    draft: bool = False

    @property
    def headers(self) -> list[str]:
        return [title for title, _ in self.columns]


def chinese_date(moment: datetime) -> str:
    return f"{moment.year}年{moment.month}月{moment.day}日"


def table_spec(programme: ProgrammeModel, unit_id: str, unit_name: str, today: datetime, draft: bool = False) -> TableSpec:
    """Title rows and columns; the programme-wide table adds 推荐单位 unless declared."""
    columns = programme.columns or DEFAULT_COLUMNS
    if not unit_id and UNIT_COLUMN[1] not in {source for _, source in columns}:
        columns = (columns[0], UNIT_COLUMN, *columns[1:]) if columns and columns[0][1] == "row.number" \
            else (UNIT_COLUMN, *columns)
    title = f"{programme.title}推荐汇总表" + ("（草表）" if draft else "")
    unit_line = f"推荐单位（盖章）：{unit_name}" if unit_id else f"汇总单位：{programme.owner_name}"
    return TableSpec(title=title, unit_id=unit_id, unit_name=unit_name or programme.owner_name, unit_line=unit_line,
                     date_line=f"日期：{chinese_date(today)}", columns=tuple(columns), draft=draft)


def _number(value: Any, integer: bool) -> Value:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    if integer or number == number.to_integral_value():
        return int(number)
    return float(number)


def field_value(info: FieldSpec | Any | None, value: Any) -> Value:
    """A form value as the table shows it: option labels, 是/否, numbers as numbers."""
    if value is None or value == "" or value == []:
        return None
    kind = info.type if info else ""
    if kind == "boolean" or isinstance(value, bool):
        return "是" if value in (True, "true", "True", 1) else "否"
    if kind == "enum" and info:
        return info.option_label(str(value)) or str(value)
    if kind == "multi_enum" and isinstance(value, list):
        return "、".join((info.option_label(str(v)) or str(v)) if info else str(v) for v in value)
    if kind in {"integer", "decimal"} or (not kind and isinstance(value, int | float)):
        return _number(value, kind == "integer")
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    return str(value)


def cell_value(source: str, row_number: int, doc: Mapping[str, Any], programme: FieldLookup,
               unit_names: UnitNames) -> Value:
    snapshot = ((doc.get("facts") or {}).get("snapshot") or {}).get("data") or {}
    enterprise = snapshot.get("enterprise") or {}
    recommended = bool(doc.get("recommended"))
    if source == "row.number":
        return row_number
    if source.startswith("enterprise."):
        name = source.split(".", 1)[1]
        if name == "park_name":
            park = enterprise.get("park_id", "")
            return unit_names(park) if park else None
        return enterprise.get(name) or doc.get(name) or None
    if source == "review.unit_name":
        return (doc.get("rec_unit_name") if recommended else doc.get("pf_unit_name")) or None
    if source == "review.decision":
        return STATUS_LABELS.get(str(doc.get("status")), str(doc.get("status", "")))
    if source == "review.opinion":
        return doc.get("opinion") or None
    if source == "review.rank":
        return int(doc["rec_rank"]) if recommended and doc.get("rec_rank") else None
    if source == "rubric.total":
        return _number(doc.get("recognition_score"), False) if doc.get("recognition_score") else None
    if source.startswith("application."):
        parts = source.split(".")
        if len(parts) != 3:
            return None
        value = (snapshot.get("sections") or {}).get(parts[1], {}).get(parts[2])
        return field_value(programme.field(parts[1], parts[2]), value)
    return None


def display(value: Value) -> str:
    """The text of a cell (the gRPC preview; what a reader sees in the sheet)."""
    if value is None:
        return ""
    if isinstance(value, float):
        return format(Decimal(repr(value)).normalize(), "f")
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return str(value)


def rows(docs: Iterable[Mapping[str, Any]], spec: TableSpec, programme: ProgrammeModel,
         unit_names: UnitNames) -> Iterator[tuple[str, list[Value]]]:
    """(application id, cells) per application, numbered from 1 in the order given."""
    for _, app_id, cells in rows_with_units(docs, spec, programme, unit_names):
        yield app_id, cells


def rows_with_units(docs: Iterable[Mapping[str, Any]], spec: TableSpec, programme: ProgrammeModel,
                    unit_names: UnitNames) -> Iterator[tuple[str, str, list[Value]]]:
    """(recommending unit id, application id, cells) per application."""
    for number, doc in enumerate(docs, start=1):
        unit = str(doc.get("rec_unit_id") or doc.get("pf_unit_id") or "")
        yield unit, str(doc["_id"]), [cell_value(source, number, doc, programme, unit_names) for _, source in spec.columns]


def column_widths(spec: TableSpec) -> list[float]:
    """Print widths in characters: narrow for numbers, wide for names and opinions."""
    wide = {"enterprise.name": 30, "review.opinion": 28, "enterprise.region_name": 20, "enterprise.uscc": 21,
            "review.unit_name": 22, "enterprise.park_name": 22, "row.number": 6, "review.rank": 8}
    return [float(wide.get(source, max(10, min(18, len(title) * 2 + 2)))) for title, source in spec.columns]
