"""Programme documents (培育批次): the data model, the loader and the validator.

A programme is a versioned YAML document under ``deploy/programmes/``; the schema is
documented field by field in ``deploy/programmes/README.md``. Loading validates the
whole document and reports every problem at once, each with its path
(``sections[2].fields[0].type: unknown type 'strng'; accepted: ...``), so an admin
fixes a document in one pass instead of one error per reload.

Pure domain rules: no Nameko, no pymongo. Validation errors are for engineers and
programme admins (English). Checking an enterprise's values against the fields is the
registration service's (it receives the programme over gRPC).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

import yaml

FIELD_TYPES = ("string", "text", "integer", "decimal", "boolean", "date", "enum", "multi_enum")
NUMERIC_TYPES = ("integer", "decimal")
TEXT_TYPES = ("string", "text")
ENUM_TYPES = ("enum", "multi_enum")
PROGRAMME_LEVELS = ("city", "province", "national")
# Which unit reviews, relative to the enterprise's region (see units.py for routing).
UNIT_KINDS = ("county_or_park", "city_or_direct_county", "city", "province")
# Chain levels must climb the administrative ladder: a rank per unit kind.
UNIT_KIND_RANK = {"county_or_park": 1, "city_or_direct_county": 2, "city": 2, "province": 3}
# The recognising (final) level must sit at the owner's own level.
FINAL_KIND_FOR_LEVEL = {"city": "city", "province": "province"}
OPERATORS = ("equals", "in", "gte", "gt", "lte", "lt")
NUMERIC_OPERATORS = ("gte", "gt", "lte", "lt")
OPTIONS_FROM = ("focus_categories",)
# recommend_to may name the MIIT tier, which has no document on this platform.
NATIONAL = "national"
# Summary-table column sources other than application.<section>.<field>.
FIXED_SOURCES = (
    "row.number",
    "enterprise.name",
    "enterprise.uscc",
    "enterprise.region_code",
    "enterprise.region_name",
    "enterprise.park_name",
    "review.unit_name",
    "review.decision",
    "review.opinion",
    "review.rank",
    "rubric.total",
)
# Programme times are Beijing time by convention; a 'Z' or other offset in a
# document is almost always a mistake, so it is rejected rather than converted.
BEIJING = timedelta(hours=8)

ID_RE = re.compile(r"^[a-z][a-z0-9_]*$")
PROGRAMME_ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
DIVISION_RE = re.compile(r"^[1-9]\d{5}$")
MEDIA_TYPE_RE = re.compile(r"^[a-z]+/[a-z0-9][a-z0-9.+-]*$")

WindowState = Literal["not_open", "open", "closed"]

MEDIA_TYPE_NAMES = {"application/pdf": "PDF", "image/jpeg": "JPG", "image/png": "PNG"}


class ProgrammeError(ValueError):
    """A programme document is invalid; ``errors`` lists every problem with its path."""

    def __init__(self, errors: Sequence[str], source: str | None = None) -> None:
        self.errors = list(errors)
        self.source = source
        head = f"{source}: " if source else ""
        lines = "\n".join(f"  - {error}" for error in self.errors)
        super().__init__(f"{head}{len(self.errors)} error(s) in programme document:\n{lines}")


# --------------------------------------------------------------------------- helpers


def division_within(code: str, area: str) -> bool:
    """True if division ``code`` lies in ``area`` (a province, city or county code)."""
    if area.endswith("0000"):
        return code[:2] == area[:2]
    if area.endswith("00"):
        return code[:4] == area[:4]
    return code == area


def is_division_code(code: object) -> bool:
    return isinstance(code, str) and DIVISION_RE.match(code) is not None


def as_decimal(value: object) -> Decimal | None:
    """A finite number from an application value (int, float, Decimal, numeric str)."""
    if isinstance(value, bool) or value is None:
        return None  # bool is an int in Python; never a quantity here
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, (float, str)):
        try:
            number = Decimal(str(value).strip())
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


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that rejects duplicate keys (PyYAML silently keeps the last one)."""


def _construct_mapping(loader: _StrictLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    loader.flatten_mapping(node)
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        seen.add(key)
    return loader.construct_mapping(node, deep=deep)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def read_yaml(path: str | Path) -> Any:
    """Parse one YAML file strictly; ValueError on a syntax error or duplicate key."""
    text = Path(path).read_text(encoding="utf-8")
    try:
        return yaml.load(text, Loader=_StrictLoader)  # noqa: S506 - SafeLoader subclass
    except yaml.YAMLError as exc:
        raise ValueError(f"YAML: {exc}") from exc


def _fmt(number: Decimal) -> str:
    """1E+1 -> '10', 10.50 -> '10.5': numbers as people write them."""
    return format(number.normalize(), "f")


def _instant(now: datetime) -> datetime:
    """``now`` at whole-second resolution; closes_at is the last accepted second."""
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be timezone-aware")
    return now.replace(microsecond=0)


# --------------------------------------------------------------------------- model


@dataclass(frozen=True)
class Option:
    value: str
    label: str


@dataclass(frozen=True)
class Field:
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
    unit: str | None = None
    help: str | None = None

    @property
    def option_values(self) -> tuple[str, ...]:
        return tuple(option.value for option in self.options)

    def option_label(self, value: str) -> str | None:
        return next((o.label for o in self.options if o.value == value), None)


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    fields: tuple[Field, ...]

    def field(self, field_id: str) -> Field:
        for candidate in self.fields:
            if candidate.id == field_id:
                return candidate
        raise KeyError(f"section {self.id!r} has no field {field_id!r}")


@dataclass(frozen=True)
class Window:
    opens_at: datetime
    closes_at: datetime  # last accepted second, inclusive (see README, "end of day")
    review_closes_at: datetime  # default for reviewing levels without their own


@dataclass(frozen=True)
class ChainLevel:
    level: int
    unit_kind: str
    title: str
    checks: tuple[str, ...]
    requires_summary_upload: bool
    final: bool
    requires_report_upload: bool = False
    review_closes_at: datetime | None = None


@dataclass(frozen=True)
class AttachmentSpec:
    kind: str
    title: str
    min_count: int
    max_count: int
    media_types: tuple[str, ...]
    max_bytes: int
    required: bool
    help: str | None = None


@dataclass(frozen=True)
class Pledge:
    required: bool
    title: str
    text: str


@dataclass(frozen=True)
class Test:
    """One comparison of a value with an operand (equals, in, gte, gt, lte, lt)."""

    operator: str
    operand: Any  # bool | Decimal | str | tuple of those (for 'in')

    def holds(self, value: Any) -> bool:
        if value is None:
            return False
        if self.operator == "equals":
            return _same(value, self.operand)
        if self.operator == "in":
            return any(_same(value, item) for item in self.operand)
        number = as_decimal(value)
        if number is None:
            return False
        return _COMPARE[self.operator](number, self.operand)


_COMPARE: dict[str, Callable[[Decimal, Decimal], bool]] = {
    "gte": lambda a, b: a >= b,
    "gt": lambda a, b: a > b,
    "lte": lambda a, b: a <= b,
    "lt": lambda a, b: a < b,
}


def _same(value: Any, operand: Any) -> bool:
    if isinstance(operand, bool):
        return isinstance(value, bool) and value is operand
    if isinstance(operand, Decimal):
        number = as_decimal(value)
        return number is not None and number == operand
    return value == operand


@dataclass(frozen=True)
class Condition:
    field: str  # "section.field"
    test: Test

    def holds(self, data: Mapping[str, Any]) -> bool:
        return self.test.holds(lookup(data, self.field))


@dataclass(frozen=True)
class Gate:
    id: str
    condition: Condition
    message: str  # Chinese; shown to the enterprise when the gate fails


@dataclass(frozen=True)
class PriorityMarker:
    id: str
    title: str
    field: str


@dataclass(frozen=True)
class FocusCategory:
    id: str
    title: str
    text: str


@dataclass(frozen=True)
class SummaryColumn:
    title: str
    source: str


@dataclass(frozen=True)
class Notice:
    issuer: str
    title: str | None = None
    dated: date | None = None


@dataclass(frozen=True)
class ValueSource:
    """Where an indicator's value comes from: a field, a ratio or a growth rate (%)."""

    kind: Literal["field", "ratio", "growth"]
    refs: tuple[str, ...]  # field: (f,); ratio: (numerator, denominator); growth: (current, previous)


@dataclass(frozen=True)
class Band:
    points: int
    tests: tuple[Test, ...]  # all must hold; empty = "otherwise"

    def matches(self, value: Any) -> bool:
        return all(test.holds(value) for test in self.tests)


@dataclass(frozen=True)
class ScoringRule:
    source: ValueSource
    bands: tuple[Band, ...]  # first match wins


@dataclass(frozen=True)
class Indicator:
    id: str
    title: str
    group: str
    max_points: int
    rules: tuple[ScoringRule, ...]  # indicator points = best of its rules


@dataclass(frozen=True)
class IndicatorGroup:
    id: str
    title: str
    max_points: int
    min_points: int


@dataclass(frozen=True)
class DirectPassRoute:
    id: str
    title: str
    condition: Condition


@dataclass(frozen=True)
class Rubric:
    title: str
    source: str
    total: int
    pass_line: int
    groups: tuple[IndicatorGroup, ...]
    indicators: tuple[Indicator, ...]
    direct_pass: tuple[DirectPassRoute, ...]


@dataclass(frozen=True)
class Programme:
    id: str
    version: int
    title: str
    year: int
    level: str
    owner: str
    owner_name: str
    target_count: int | None
    publicity_days: int
    window: Window
    max_return_rounds: int
    review_chain: tuple[ChainLevel, ...]
    sections: tuple[Section, ...]
    attachments: tuple[AttachmentSpec, ...]
    pledge: Pledge
    eligibility_gates: tuple[Gate, ...]
    priority_markers: tuple[PriorityMarker, ...]
    focus_categories: tuple[FocusCategory, ...]
    summary_table_columns: tuple[SummaryColumn, ...]
    recommend_to: str | None = None
    rubric: Rubric | None = None
    notice: Notice | None = None

    # -- lookups

    @cached_property
    def _fields(self) -> dict[str, Field]:
        return {f"{s.id}.{f.id}": f for s in self.sections for f in s.fields}

    def field(self, ref: str) -> Field:
        """The field at ``"section.field"``; KeyError if there is none."""
        try:
            return self._fields[ref]
        except KeyError:
            raise KeyError(f"programme {self.id!r} has no field {ref!r}") from None

    def has_field(self, ref: str) -> bool:
        return ref in self._fields

    def iter_fields(self) -> Iterator[tuple[str, Field]]:
        """Every field with its ``section.field`` reference, in document order."""
        return iter(self._fields.items())

    def section(self, section_id: str) -> Section:
        for section in self.sections:
            if section.id == section_id:
                return section
        raise KeyError(f"programme {self.id!r} has no section {section_id!r}")

    def attachment(self, kind: str) -> AttachmentSpec:
        for spec in self.attachments:
            if spec.kind == kind:
                return spec
        raise KeyError(f"programme {self.id!r} has no attachment kind {kind!r}")

    def level_spec(self, level: int) -> ChainLevel:
        for spec in self.review_chain:
            if spec.level == level:
                return spec
        raise KeyError(f"programme {self.id!r} has no review level {level}")

    @property
    def final_level(self) -> ChainLevel:
        return self.review_chain[-1]

    @property
    def reviewing_levels(self) -> tuple[ChainLevel, ...]:
        """The pass/return levels, i.e. every level but the final (recognising) one."""
        return self.review_chain[:-1]

    def covers_region(self, region_code: str) -> bool:
        """True if an enterprise in ``region_code`` may apply (it lies in the owner's area)."""
        return self.level == NATIONAL or division_within(region_code, self.owner)

    # -- time

    def window_state(self, now: datetime) -> WindowState:
        """'not_open' before opens_at, 'open' up to and including closes_at, then 'closed'."""
        instant = _instant(now)
        if instant < self.window.opens_at:
            return "not_open"
        return "open" if instant <= self.window.closes_at else "closed"

    def accepts_submissions(self, now: datetime) -> bool:
        return self.window_state(now) == "open"

    def review_closes_at(self, level: int) -> datetime | None:
        """When decisions at ``level`` stop being accepted; None means no deadline."""
        spec = self.level_spec(level)
        if spec.review_closes_at is not None:
            return spec.review_closes_at
        # The recognising level ranks after the reviews close: no deadline unless declared.
        return None if spec.final else self.window.review_closes_at

    def review_open(self, now: datetime, level: int) -> bool:
        """True if a unit at ``level`` may record a decision at ``now``."""
        instant = _instant(now)
        if instant < self.window.opens_at:
            return False
        closes = self.review_closes_at(level)
        return closes is None or instant <= closes


# --------------------------------------------------------------------------- validation


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    return {dict: "mapping", list: "list", str: "string", int: "integer", float: "number"}.get(
        type(value), type(value).__name__
    )


class _Check:
    """Collects errors with their paths; every reader returns None after a failure."""

    def __init__(self) -> None:
        self.errors: list[str] = []

    def fail(self, path: str, message: str) -> None:
        self.errors.append(f"{path or '(document)'}: {message}")

    def keys(
        self, m: Mapping[Any, Any], path: str, required: Sequence[str], optional: Sequence[str] = ()
    ) -> None:
        for key in required:
            if key not in m:
                self.fail(_join(path, key), "required key missing")
        accepted = (*required, *optional)
        for key in m:
            if key not in accepted:
                self.fail(_join(path, str(key)), f"unknown key; accepted: {', '.join(accepted)}")

    def take(
        self,
        m: Mapping[str, Any],
        key: str,
        path: str,
        read: Callable[[Any, str], Any],
        required: bool = True,
    ) -> Any:
        """Read ``m[key]`` with ``read``; a null required value is an error."""
        if key not in m:
            return None  # a missing required key is reported by keys()
        if m[key] is None:
            if required:
                self.fail(_join(path, key), "must not be null")
            return None
        return read(m[key], _join(path, key))

    # -- readers: (value, path) -> value or None

    def mapping(self, value: Any, path: str) -> dict | None:
        if isinstance(value, dict):
            return value
        self.fail(path, f"expected a mapping, got {_kind(value)}")
        return None

    def seq(self, value: Any, path: str) -> list | None:
        if isinstance(value, list):
            return value
        self.fail(path, f"expected a list, got {_kind(value)}")
        return None

    def text(self, value: Any, path: str) -> str | None:
        if isinstance(value, str) and value.strip():
            return value.strip()
        self.fail(path, f"expected a non-empty string, got {_kind(value)}")
        return None

    def ident(self, value: Any, path: str) -> str | None:
        text = self.text(value, path)
        if text is not None and not ID_RE.match(text):
            self.fail(path, f"'{text}' is not an ascii snake_case id ([a-z][a-z0-9_]*)")
            return None
        return text

    def boolean(self, value: Any, path: str) -> bool | None:
        if isinstance(value, bool):
            return value
        self.fail(path, f"expected true or false, got {_kind(value)}")
        return None

    def integer(self, value: Any, path: str, minimum: int | None = None) -> int | None:
        if not isinstance(value, int) or isinstance(value, bool):
            self.fail(path, f"expected an integer, got {_kind(value)}")
            return None
        if minimum is not None and value < minimum:
            self.fail(path, f"must be >= {minimum}, got {value}")
            return None
        return value

    def count(self, value: Any, path: str) -> int | None:
        return self.integer(value, path, minimum=0)

    def positive(self, value: Any, path: str) -> int | None:
        return self.integer(value, path, minimum=1)

    def number(self, value: Any, path: str) -> Decimal | None:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            number = Decimal(str(value))
            if number.is_finite():
                return number
        self.fail(path, f"expected a number, got {_kind(value)}")
        return None

    def moment(self, value: Any, path: str) -> datetime | None:
        if isinstance(value, str):
            try:
                value = datetime.fromisoformat(value.strip())
            except ValueError:
                self.fail(path, f"'{value}' is not an ISO 8601 date-time")
                return None
        if not isinstance(value, datetime):
            self.fail(path, f"expected an ISO 8601 date-time with +08:00, got {_kind(value)}")
            return None
        offset = value.utcoffset()
        if offset is None:
            self.fail(path, "timezone missing; write the offset, e.g. 2020-05-15T23:59:59+08:00")
            return None
        if offset != BEIJING:
            self.fail(path, f"offset must be +08:00 (Asia/Shanghai), got {value.isoformat()}")
            return None
        return value

    def day(self, value: Any, path: str) -> date | None:
        if isinstance(value, date) and not isinstance(value, datetime):
            return value
        if isinstance(value, str):
            try:
                return date.fromisoformat(value.strip())
            except ValueError:
                pass
        self.fail(path, f"expected a date YYYY-MM-DD, got {_kind(value)}")
        return None

    def division(self, value: Any, path: str) -> str | None:
        code = str(value) if isinstance(value, int) and not isinstance(value, bool) else value
        if is_division_code(code):
            return code
        self.fail(path, f"expected a 6-digit GB/T 2260 code, got {value!r}")
        return None

    def one_of(self, value: Any, path: str, accepted: Sequence[str], what: str) -> str | None:
        if isinstance(value, str) and value in accepted:
            return value
        self.fail(path, f"unknown {what} {value!r}; accepted: {', '.join(accepted)}")
        return None

    def unique(self, ids: Sequence[tuple[str | None, str]], what: str) -> None:
        """Report every repeated id; ``ids`` pairs each id with the path it sits at."""
        seen: dict[str, str] = {}
        for value, path in ids:
            if value is None:
                continue
            if value in seen:
                self.fail(path, f"duplicate {what} '{value}' (first at {seen[value]})")
            else:
                seen[value] = path

    def items(self, m: Mapping[str, Any], key: str, path: str) -> list[tuple[str, dict]]:
        """The mapping items of list ``m[key]`` with their paths; errors for non-mappings."""
        raw = self.take(m, key, path, self.seq)
        out: list[tuple[str, dict]] = []
        for index, item in enumerate(raw or []):
            item_path = f"{_join(path, key)}[{index}]"
            if self.mapping(item, item_path) is not None:
                out.append((item_path, item))
        return out


_TOP_REQUIRED = (
    "id", "version", "title", "year", "level", "owner", "owner_name", "publicity_days",
    "window", "max_return_rounds", "review_chain", "sections", "attachments", "pledge",
    "eligibility_gates", "priority_markers", "focus_categories", "summary_table_columns",
)
_TOP_OPTIONAL = ("target_count", "recommend_to", "rubric", "notice")


def parse_programme(raw: Any, source: str | None = None) -> Programme:
    """Validate a parsed document and build the Programme; ProgrammeError lists all errors."""
    chk = _Check()
    doc = chk.mapping(raw, "")
    if doc is None:
        raise ProgrammeError(chk.errors, source)
    chk.keys(doc, "", _TOP_REQUIRED, _TOP_OPTIONAL)
    head = _parse_head(chk, doc)
    window = chk.take(doc, "window", "", lambda v, p: _parse_window(chk, v, p))
    focus = _parse_focus(chk, doc)
    sections = _parse_sections(chk, doc, focus)
    fields = {f"{s.id}.{f.id}": f for s in sections for f in s.fields}
    chain = _parse_chain(chk, doc, window, head.get("level"))
    attachments = _parse_attachments(chk, doc)
    pledge = chk.take(doc, "pledge", "", lambda v, p: _parse_pledge(chk, v, p))
    gates = _parse_gates(chk, doc, fields)
    markers = _parse_markers(chk, doc, fields)
    rubric = chk.take(doc, "rubric", "", lambda v, p: _parse_rubric(chk, v, p, fields), False)
    columns = _parse_columns(chk, doc, fields, has_rubric=bool(doc.get("rubric")))
    notice = chk.take(doc, "notice", "", lambda v, p: _parse_notice(chk, v, p), False)
    if chk.errors:
        raise ProgrammeError(chk.errors, source)
    return Programme(
        **head,
        window=window,
        review_chain=tuple(chain),
        sections=tuple(sections),
        attachments=tuple(attachments),
        pledge=pledge,
        eligibility_gates=tuple(gates),
        priority_markers=tuple(markers),
        focus_categories=tuple(focus),
        summary_table_columns=tuple(columns),
        rubric=rubric,
        notice=notice,
    )


def _parse_head(chk: _Check, doc: Mapping[str, Any]) -> dict[str, Any]:
    def programme_id(value: Any, path: str) -> str | None:
        text = chk.text(value, path)
        if text is not None and not PROGRAMME_ID_RE.match(text):
            chk.fail(path, f"'{text}' is not a lowercase ascii kebab-case id")
            return None
        return text

    def year(value: Any, path: str) -> int | None:
        number = chk.integer(value, path)
        if number is not None and not 2000 <= number <= 2100:
            chk.fail(path, f"implausible year {number}")
            return None
        return number

    head = {
        "id": chk.take(doc, "id", "", programme_id),
        "version": chk.take(doc, "version", "", chk.positive),
        "title": chk.take(doc, "title", "", chk.text),
        "year": chk.take(doc, "year", "", year),
        "level": chk.take(
            doc, "level", "", lambda v, p: chk.one_of(v, p, PROGRAMME_LEVELS, "level")
        ),
        "owner": chk.take(doc, "owner", "", chk.division),
        "owner_name": chk.take(doc, "owner_name", "", chk.text),
        "target_count": chk.take(doc, "target_count", "", chk.positive, required=False),
        "publicity_days": chk.take(doc, "publicity_days", "", chk.positive),
        "max_return_rounds": chk.take(doc, "max_return_rounds", "", chk.count),
        "recommend_to": chk.take(doc, "recommend_to", "", programme_id, required=False),
    }
    _check_owner_level(chk, head["level"], head["owner"])
    if head["recommend_to"] is not None and head["recommend_to"] == head["id"]:
        chk.fail("recommend_to", "a programme cannot recommend to itself")
    return head


def _check_owner_level(chk: _Check, level: str | None, owner: str | None) -> None:
    if level is None or owner is None:
        return
    if level == "province" and not owner.endswith("0000"):
        chk.fail("owner", f"a province programme needs a province code (xx0000), got {owner}")
    if level == "city" and (owner.endswith("0000") or not owner.endswith("00")):
        chk.fail("owner", f"a city programme needs a city code (xxxx00), got {owner}")


def _parse_window(chk: _Check, raw: Any, path: str) -> Window | None:
    m = chk.mapping(raw, path)
    if m is None:
        return None
    chk.keys(m, path, ("opens_at", "closes_at", "review_closes_at"))
    opens = chk.take(m, "opens_at", path, chk.moment)
    closes = chk.take(m, "closes_at", path, chk.moment)
    review = chk.take(m, "review_closes_at", path, chk.moment)
    before = len(chk.errors)
    if opens is not None and closes is not None and not opens < closes:
        chk.fail(f"{path}.closes_at", "must be after opens_at")
    if closes is not None and review is not None and review < closes:
        # Reviewers need the last submission in hand before they can decide on it.
        chk.fail(f"{path}.review_closes_at", "must not be before closes_at")
    if None in (opens, closes, review) or len(chk.errors) > before:
        return None
    return Window(opens, closes, review)


def _parse_focus(chk: _Check, doc: Mapping[str, Any]) -> list[FocusCategory]:
    out: list[FocusCategory] = []
    ids: list[tuple[str | None, str]] = []
    for path, m in chk.items(doc, "focus_categories", ""):
        chk.keys(m, path, ("id", "title", "text"))
        values = (
            chk.take(m, "id", path, chk.ident),
            chk.take(m, "title", path, chk.text),
            chk.take(m, "text", path, chk.text),
        )
        ids.append((values[0], f"{path}.id"))
        if None not in values:
            out.append(FocusCategory(*values))
    chk.unique(ids, "focus category id")
    return out


_FIELD_REQUIRED = ("id", "label", "type", "required")
_FIELD_OPTIONAL = (
    "min", "max", "min_length", "max_length", "pattern", "options", "options_from", "unit", "help",
)


def _parse_sections(
    chk: _Check, doc: Mapping[str, Any], focus: Sequence[FocusCategory]
) -> list[Section]:
    out: list[Section] = []
    ids: list[tuple[str | None, str]] = []
    items = chk.items(doc, "sections", "")
    if "sections" in doc and not items and isinstance(doc["sections"], list):
        chk.fail("sections", "at least one section is required")
    for path, m in items:
        chk.keys(m, path, ("id", "title", "fields"))
        section_id = chk.take(m, "id", path, chk.ident)
        title = chk.take(m, "title", path, chk.text)
        ids.append((section_id, f"{path}.id"))
        fields = _parse_fields(chk, m, path, focus)
        if section_id is not None and title is not None:
            out.append(Section(section_id, title, tuple(fields)))
    chk.unique(ids, "section id")
    return out


def _parse_fields(
    chk: _Check, section: Mapping[str, Any], path: str, focus: Sequence[FocusCategory]
) -> list[Field]:
    out: list[Field] = []
    ids: list[tuple[str | None, str]] = []
    items = chk.items(section, "fields", path)
    if "fields" in section and not items and isinstance(section["fields"], list):
        chk.fail(f"{path}.fields", "at least one field is required")
    for field_path, m in items:
        field = _parse_field(chk, m, field_path, focus)
        ids.append((m.get("id") if isinstance(m.get("id"), str) else None, f"{field_path}.id"))
        if field is not None:
            out.append(field)
    chk.unique(ids, "field id")
    return out


def _parse_field(
    chk: _Check, m: Mapping[str, Any], path: str, focus: Sequence[FocusCategory]
) -> Field | None:
    before = len(chk.errors)
    chk.keys(m, path, _FIELD_REQUIRED, _FIELD_OPTIONAL)
    field_id = chk.take(m, "id", path, chk.ident)
    label = chk.take(m, "label", path, chk.text)
    kind = chk.take(m, "type", path, _type_reader(chk))
    required = chk.take(m, "required", path, chk.boolean)
    lo = chk.take(m, "min", path, chk.number, required=False)
    hi = chk.take(m, "max", path, chk.number, required=False)
    min_len = chk.take(m, "min_length", path, chk.count, required=False)
    max_len = chk.take(m, "max_length", path, chk.positive, required=False)
    pattern = chk.take(m, "pattern", path, lambda v, p: _read_pattern(chk, v, p), required=False)
    unit = chk.take(m, "unit", path, chk.text, required=False)
    help_text = chk.take(m, "help", path, chk.text, required=False)
    options = _field_options(chk, m, path, kind, focus)
    if kind is not None:
        _check_field_shape(chk, m, path, kind, lo, hi, min_len, max_len)
    if len(chk.errors) > before:
        return None
    return Field(
        field_id, label, kind, required, lo, hi, min_len, max_len, pattern, options, unit,
        help_text,
    )


def _type_reader(chk: _Check) -> Callable[[Any, str], str | None]:
    def read(value: Any, path: str) -> str | None:
        if isinstance(value, str) and value in FIELD_TYPES:
            return value
        chk.fail(path, f"unknown type {value!r}; accepted: {', '.join(FIELD_TYPES)}")
        return None

    return read


def _read_pattern(chk: _Check, value: Any, path: str) -> str | None:
    text = chk.text(value, path)
    if text is None:
        return None
    try:
        re.compile(text)
    except re.error as exc:
        chk.fail(path, f"invalid regular expression: {exc}")
        return None
    return text


def _check_field_shape(
    chk: _Check,
    m: Mapping[str, Any],
    path: str,
    kind: str,
    lo: Decimal | None,
    hi: Decimal | None,
    min_len: int | None,
    max_len: int | None,
) -> None:
    """Attributes that only make sense for some types, and their mutual bounds."""
    for key, types in (
        ("min", NUMERIC_TYPES), ("max", NUMERIC_TYPES), ("unit", NUMERIC_TYPES),
        ("min_length", TEXT_TYPES), ("max_length", TEXT_TYPES), ("pattern", TEXT_TYPES),
        ("options", ENUM_TYPES), ("options_from", ENUM_TYPES),
    ):
        if key in m and kind not in types:
            chk.fail(f"{path}.{key}", f"not allowed on a {kind} field (only {', '.join(types)})")
    if lo is not None and hi is not None and lo > hi:
        chk.fail(f"{path}.min", f"min {_fmt(lo)} is greater than max {_fmt(hi)}")
    if kind == "integer":
        for key, bound in (("min", lo), ("max", hi)):
            if bound is not None and bound != bound.to_integral_value():
                chk.fail(f"{path}.{key}", "must be a whole number on an integer field")
    if min_len is not None and max_len is not None and min_len > max_len:
        chk.fail(f"{path}.min_length", f"min_length {min_len} is greater than max_length {max_len}")
    if kind in ENUM_TYPES and ("options" in m) == ("options_from" in m):
        chk.fail(f"{path}.options", f"a {kind} field needs exactly one of options, options_from")


def _field_options(
    chk: _Check, m: Mapping[str, Any], path: str, kind: str | None, focus: Sequence[FocusCategory]
) -> tuple[Option, ...]:
    if "options_from" in m:
        source = chk.take(
            m, "options_from", path, lambda v, p: chk.one_of(v, p, OPTIONS_FROM, "options_from")
        )
        if source == "focus_categories":
            if not focus:
                chk.fail(f"{path}.options_from", "focus_categories is empty")
            return tuple(Option(c.id, c.title) for c in focus)
        return ()
    if "options" not in m:
        return ()
    out: list[Option] = []
    values: list[tuple[str | None, str]] = []
    items = chk.items(m, "options", path)
    if not items and isinstance(m["options"], list):
        chk.fail(f"{path}.options", "at least one option is required")
    for option_path, option in items:
        chk.keys(option, option_path, ("value", "label"))
        # Values are stored and compared as strings: quote yes/no/numbers in YAML.
        value = chk.take(option, "value", option_path, chk.text)
        label = chk.take(option, "label", option_path, chk.text)
        values.append((value, f"{option_path}.value"))
        if value is not None and label is not None:
            out.append(Option(value, label))
    chk.unique(values, "option value")
    return tuple(out)


_LEVEL_REQUIRED = ("level", "unit_kind", "title", "checks", "requires_summary_upload", "final")
_LEVEL_OPTIONAL = ("requires_report_upload", "review_closes_at")


def _parse_chain(
    chk: _Check, doc: Mapping[str, Any], window: Window | None, programme_level: str | None
) -> list[ChainLevel]:
    out: list[ChainLevel] = []
    items = chk.items(doc, "review_chain", "")
    for index, (path, m) in enumerate(items):
        level = _parse_level(chk, m, path, index + 1)
        if level is not None:
            out.append(level)
    if "review_chain" in doc and isinstance(doc["review_chain"], list):
        if len(out) == len(items):
            _check_chain(chk, out, window, programme_level)
    return out


def _parse_level(chk: _Check, m: Mapping[str, Any], path: str, expected: int) -> ChainLevel | None:
    before = len(chk.errors)
    chk.keys(m, path, _LEVEL_REQUIRED, _LEVEL_OPTIONAL)
    number = chk.take(m, "level", path, chk.positive)
    if number is not None and number != expected:
        chk.fail(f"{path}.level", f"levels are numbered 1, 2, ... in order; expected {expected}")
    kind = chk.take(m, "unit_kind", path, lambda v, p: chk.one_of(v, p, UNIT_KINDS, "unit_kind"))
    title = chk.take(m, "title", path, chk.text)
    checks = chk.take(m, "checks", path, lambda v, p: _read_checks(chk, v, p))
    summary = chk.take(m, "requires_summary_upload", path, chk.boolean)
    final = chk.take(m, "final", path, chk.boolean)
    report = chk.take(m, "requires_report_upload", path, chk.boolean, required=False)
    closes = chk.take(m, "review_closes_at", path, chk.moment, required=False)
    if len(chk.errors) > before:
        return None
    return ChainLevel(number, kind, title, checks, summary, final, bool(report), closes)


def _read_checks(chk: _Check, value: Any, path: str) -> tuple[str, ...] | None:
    raw = chk.seq(value, path)
    if raw is None:
        return None
    checks = [chk.text(item, f"{path}[{i}]") for i, item in enumerate(raw)]
    chk.unique([(c, f"{path}[{i}]") for i, c in enumerate(checks)], "check")
    return None if None in checks else tuple(checks)


def _check_chain(
    chk: _Check, chain: Sequence[ChainLevel], window: Window | None, programme_level: str | None
) -> None:
    if len(chain) < 2:
        chk.fail("review_chain", "needs at least one reviewing level and a final level")
    finals = [spec.level for spec in chain if spec.final]
    if len(finals) != 1:
        chk.fail("review_chain", f"exactly one level must be final, found {len(finals)}")
    elif chain and not chain[-1].final:
        chk.fail(f"review_chain[{finals[0] - 1}].final", "the final level must be the last")
    for index in range(1, len(chain)):
        previous, current = chain[index - 1], chain[index]
        if UNIT_KIND_RANK[current.unit_kind] <= UNIT_KIND_RANK[previous.unit_kind]:
            chk.fail(
                f"review_chain[{index}].unit_kind",
                f"'{current.unit_kind}' does not sit above '{previous.unit_kind}'",
            )
    if chain and programme_level in FINAL_KIND_FOR_LEVEL:
        expected = FINAL_KIND_FOR_LEVEL[programme_level]
        if chain[-1].unit_kind != expected:
            chk.fail(
                f"review_chain[{len(chain) - 1}].unit_kind",
                f"the final level of a {programme_level} programme must be '{expected}'",
            )
    if window is not None:
        _check_chain_deadlines(chk, chain, window)


def _check_chain_deadlines(chk: _Check, chain: Sequence[ChainLevel], window: Window) -> None:
    previous: datetime | None = None
    for index, spec in enumerate(chain):
        closes = spec.review_closes_at
        if closes is None and not spec.final:
            closes = window.review_closes_at
        if closes is None:
            continue
        path = f"review_chain[{index}].review_closes_at"
        if closes < window.closes_at:
            chk.fail(path, "must not be before window.closes_at")
        # A higher level cannot stop deciding before the level below it has.
        if previous is not None and closes < previous:
            chk.fail(path, "must not be before the review deadline of the level below")
        previous = closes


_ATTACHMENT_KEYS = (
    "kind", "title", "min_count", "max_count", "media_types", "max_bytes", "required",
)


def _parse_attachments(chk: _Check, doc: Mapping[str, Any]) -> list[AttachmentSpec]:
    out: list[AttachmentSpec] = []
    kinds: list[tuple[str | None, str]] = []
    for path, m in chk.items(doc, "attachments", ""):
        spec = _parse_attachment(chk, m, path)
        kinds.append((m.get("kind") if isinstance(m.get("kind"), str) else None, f"{path}.kind"))
        if spec is not None:
            out.append(spec)
    chk.unique(kinds, "attachment kind")
    return out


def _parse_attachment(chk: _Check, m: Mapping[str, Any], path: str) -> AttachmentSpec | None:
    before = len(chk.errors)
    chk.keys(m, path, _ATTACHMENT_KEYS, ("help",))
    kind = chk.take(m, "kind", path, chk.ident)
    title = chk.take(m, "title", path, chk.text)
    low = chk.take(m, "min_count", path, chk.count)
    high = chk.take(m, "max_count", path, chk.positive)
    media = chk.take(m, "media_types", path, lambda v, p: _read_media_types(chk, v, p))
    size = chk.take(m, "max_bytes", path, chk.positive)
    required = chk.take(m, "required", path, chk.boolean)
    help_text = chk.take(m, "help", path, chk.text, required=False)
    if low is not None and high is not None and low > high:
        chk.fail(f"{path}.min_count", f"min_count {low} is greater than max_count {high}")
    if required and low == 0:
        chk.fail(f"{path}.min_count", "a required attachment needs min_count >= 1")
    if len(chk.errors) > before:
        return None
    return AttachmentSpec(kind, title, low, high, media, size, required, help_text)


def _read_media_types(chk: _Check, value: Any, path: str) -> tuple[str, ...] | None:
    raw = chk.seq(value, path)
    if raw is None:
        return None
    if not raw:
        chk.fail(path, "at least one media type is required")
        return None
    out = []
    for index, item in enumerate(raw):
        item_path = f"{path}[{index}]"
        text = chk.text(item, item_path)
        if text is not None and not MEDIA_TYPE_RE.match(text):
            chk.fail(item_path, f"'{text}' is not a media type like application/pdf")
            text = None
        out.append(text)
    chk.unique([(t, f"{path}[{i}]") for i, t in enumerate(out)], "media type")
    return None if None in out else tuple(out)


def _parse_pledge(chk: _Check, raw: Any, path: str) -> Pledge | None:
    m = chk.mapping(raw, path)
    if m is None:
        return None
    chk.keys(m, path, ("required", "title", "text"))
    required = chk.take(m, "required", path, chk.boolean)
    title = chk.take(m, "title", path, chk.text)
    text = chk.take(m, "text", path, chk.text)
    if required is False:
        # Both notices make the enterprise answer for its materials: never optional.
        chk.fail(f"{path}.required", "the authenticity pledge must be required")
        return None
    if None in (required, title, text):
        return None
    return Pledge(required, title, text)


def _value_kind(field: Field) -> str | None:
    """How a condition may compare this field: boolean, number, enum, string or None."""
    if field.type in NUMERIC_TYPES:
        return "number"
    if field.type in ("boolean", "enum", "string"):
        return field.type
    return None


def _parse_test(
    chk: _Check, op: str, raw: Any, path: str, kind: str, options: Sequence[str]
) -> Test | None:
    """Check an operand against the kind of value it will be compared with."""
    if op in NUMERIC_OPERATORS and kind != "number":
        chk.fail(path, f"'{op}' needs a numeric value, the value here is {kind}")
        return None
    if op == "in":
        raw_items = chk.seq(raw, path)
        if raw_items is None:
            return None
        if not raw_items:
            chk.fail(path, "'in' needs at least one value")
            return None
        items = [_operand(chk, item, f"{path}[{i}]", kind, options) for i, item in enumerate(raw_items)]
        return None if None in items else Test(op, tuple(items))
    operand = _operand(chk, raw, path, kind, options)
    return None if operand is None else Test(op, operand)


def _operand(chk: _Check, raw: Any, path: str, kind: str, options: Sequence[str]) -> Any:
    if kind == "boolean":
        return chk.boolean(raw, path)
    if kind == "number":
        return chk.number(raw, path)
    text = chk.text(raw, path)
    if text is not None and kind == "enum" and text not in options:
        chk.fail(path, f"'{text}' is not an option of the field; options: {', '.join(options)}")
        return None
    return text


def _resolve(chk: _Check, fields: Mapping[str, Field], value: Any, path: str) -> str | None:
    ref = chk.text(value, path)
    if ref is None:
        return None
    if ref not in fields:
        chk.fail(path, f"no field '{ref}' (expected section.field)")
        return None
    return ref


def _parse_condition(
    chk: _Check, m: Mapping[str, Any], path: str, fields: Mapping[str, Field]
) -> Condition | None:
    ops = [op for op in OPERATORS if op in m]
    if len(ops) != 1:
        chk.fail(path, f"needs exactly one operator of {', '.join(OPERATORS)}; found {len(ops)}")
    ref = chk.take(m, "field", path, lambda v, p: _resolve(chk, fields, v, p))
    if ref is None or len(ops) != 1:
        return None
    field = fields[ref]
    kind = _value_kind(field)
    if kind is None:
        chk.fail(f"{path}.field", f"conditions are not supported on {field.type} fields")
        return None
    test = _parse_test(chk, ops[0], m[ops[0]], f"{path}.{ops[0]}", kind, field.option_values)
    return None if test is None else Condition(ref, test)


def _parse_gates(chk: _Check, doc: Mapping[str, Any], fields: Mapping[str, Field]) -> list[Gate]:
    out: list[Gate] = []
    ids: list[tuple[str | None, str]] = []
    for path, m in chk.items(doc, "eligibility_gates", ""):
        chk.keys(m, path, ("id", "field", "message"), OPERATORS)
        gate_id = chk.take(m, "id", path, chk.ident)
        message = chk.take(m, "message", path, chk.text)
        condition = _parse_condition(chk, m, path, fields)
        ids.append((gate_id, f"{path}.id"))
        if None not in (gate_id, message, condition):
            out.append(Gate(gate_id, condition, message))
    chk.unique(ids, "gate id")
    return out


def _parse_markers(
    chk: _Check, doc: Mapping[str, Any], fields: Mapping[str, Field]
) -> list[PriorityMarker]:
    out: list[PriorityMarker] = []
    ids: list[tuple[str | None, str]] = []
    for path, m in chk.items(doc, "priority_markers", ""):
        chk.keys(m, path, ("id", "title", "field"))
        marker_id = chk.take(m, "id", path, chk.ident)
        title = chk.take(m, "title", path, chk.text)
        ref = chk.take(m, "field", path, lambda v, p: _resolve(chk, fields, v, p))
        ids.append((marker_id, f"{path}.id"))
        if ref is not None and fields[ref].type not in ("boolean", *NUMERIC_TYPES):
            # Ranking orders true before false and larger before smaller: nothing else.
            chk.fail(f"{path}.field", f"a priority marker must be boolean or numeric, not {fields[ref].type}")
            ref = None
        if None not in (marker_id, title, ref):
            out.append(PriorityMarker(marker_id, title, ref))
    chk.unique(ids, "priority marker id")
    return out


def _parse_columns(
    chk: _Check, doc: Mapping[str, Any], fields: Mapping[str, Field], has_rubric: bool
) -> list[SummaryColumn]:
    out: list[SummaryColumn] = []
    titles: list[tuple[str | None, str]] = []
    items = chk.items(doc, "summary_table_columns", "")
    if "summary_table_columns" in doc and not items and isinstance(doc["summary_table_columns"], list):
        chk.fail("summary_table_columns", "at least one column is required")
    for path, m in items:
        chk.keys(m, path, ("title", "source"))
        title = chk.take(m, "title", path, chk.text)
        source = chk.take(m, "source", path, lambda v, p: _read_source(chk, v, p, fields, has_rubric))
        titles.append((title, f"{path}.title"))
        if title is not None and source is not None:
            out.append(SummaryColumn(title, source))
    chk.unique(titles, "column title")
    return out


def _read_source(
    chk: _Check, value: Any, path: str, fields: Mapping[str, Field], has_rubric: bool
) -> str | None:
    source = chk.text(value, path)
    if source is None:
        return None
    if source.startswith("application."):
        ref = source.removeprefix("application.")
        if ref not in fields:
            chk.fail(path, f"no field '{ref}' for source '{source}'")
            return None
        return source
    if source not in FIXED_SOURCES:
        accepted = ", ".join((*FIXED_SOURCES, "application.<section>.<field>"))
        chk.fail(path, f"unknown source '{source}'; accepted: {accepted}")
        return None
    if source == "rubric.total" and not has_rubric:
        chk.fail(path, "'rubric.total' needs a rubric")
        return None
    return source


def _parse_notice(chk: _Check, raw: Any, path: str) -> Notice | None:
    m = chk.mapping(raw, path)
    if m is None:
        return None
    chk.keys(m, path, ("issuer",), ("title", "dated"))
    issuer = chk.take(m, "issuer", path, chk.text)
    title = chk.take(m, "title", path, chk.text, required=False)
    dated = chk.take(m, "dated", path, chk.day, required=False)
    return None if issuer is None else Notice(issuer, title, dated)


# --------------------------------------------------------------------------- rubric


def _parse_rubric(
    chk: _Check, raw: Any, path: str, fields: Mapping[str, Field]
) -> Rubric | None:
    m = chk.mapping(raw, path)
    if m is None:
        return None
    before = len(chk.errors)
    chk.keys(m, path, ("title", "source", "total", "pass_line", "groups", "indicators"), ("direct_pass",))
    title = chk.take(m, "title", path, chk.text)
    source = chk.take(m, "source", path, chk.text)
    total = chk.take(m, "total", path, chk.positive)
    pass_line = chk.take(m, "pass_line", path, chk.count)
    groups = _parse_groups(chk, m, path)
    indicators = _parse_indicators(chk, m, path, fields)
    routes = _parse_routes(chk, m, path, fields)
    if total is not None and pass_line is not None and pass_line > total:
        chk.fail(f"{path}.pass_line", f"pass_line {pass_line} exceeds total {total}")
    _check_rubric_sums(chk, path, total, groups, indicators, m)
    if len(chk.errors) > before:
        return None
    return Rubric(title, source, total, pass_line, tuple(groups), tuple(indicators), tuple(routes))


def _raw_list(m: Mapping[str, Any], key: str) -> list:
    """``m[key]`` if it is a list, else [] (its type error is reported elsewhere)."""
    value = m.get(key)
    return value if isinstance(value, list) else []


def _parse_groups(chk: _Check, m: Mapping[str, Any], path: str) -> list[IndicatorGroup]:
    out: list[IndicatorGroup] = []
    ids: list[tuple[str | None, str]] = []
    for group_path, g in chk.items(m, "groups", path):
        chk.keys(g, group_path, ("id", "title", "max_points", "min_points"))
        values = (
            chk.take(g, "id", group_path, chk.ident),
            chk.take(g, "title", group_path, chk.text),
            chk.take(g, "max_points", group_path, chk.positive),
            chk.take(g, "min_points", group_path, chk.count),
        )
        ids.append((values[0], f"{group_path}.id"))
        if None not in values:
            if values[3] > values[2]:
                chk.fail(f"{group_path}.min_points", "exceeds the group's max_points")
            out.append(IndicatorGroup(*values))
    chk.unique(ids, "group id")
    return out


def _parse_indicators(
    chk: _Check, m: Mapping[str, Any], path: str, fields: Mapping[str, Field]
) -> list[Indicator]:
    out: list[Indicator] = []
    ids: list[tuple[str | None, str]] = []
    group_ids = [g.get("id") for g in _raw_list(m, "groups") if isinstance(g, dict)]
    for ind_path, ind in chk.items(m, "indicators", path):
        chk.keys(ind, ind_path, ("id", "title", "group", "max_points", "rules"))
        ind_id = chk.take(ind, "id", ind_path, chk.ident)
        title = chk.take(ind, "title", ind_path, chk.text)
        group = chk.take(ind, "group", ind_path, chk.ident)
        max_points = chk.take(ind, "max_points", ind_path, chk.positive)
        ids.append((ind_id, f"{ind_path}.id"))
        if group is not None and group not in group_ids:
            chk.fail(f"{ind_path}.group", f"no group '{group}'")
            group = None
        rules = _parse_rules(chk, ind, ind_path, fields, max_points)
        if None not in (ind_id, title, group, max_points) and rules:
            out.append(Indicator(ind_id, title, group, max_points, tuple(rules)))
    chk.unique(ids, "indicator id")
    return out


def _parse_rules(
    chk: _Check, ind: Mapping[str, Any], path: str, fields: Mapping[str, Field], max_points: int | None
) -> list[ScoringRule]:
    out: list[ScoringRule] = []
    items = chk.items(ind, "rules", path)
    if "rules" in ind and not items and isinstance(ind["rules"], list):
        chk.fail(f"{path}.rules", "at least one rule is required")
    best = 0
    before = len(chk.errors)
    for rule_path, rule in items:
        chk.keys(rule, rule_path, ("bands",), ("field", "ratio", "growth"))
        source, kind, options = _parse_value_source(chk, rule, rule_path, fields)
        bands = _parse_bands(chk, rule, rule_path, kind, options, max_points)
        best = max([best, *(b.points for b in bands)])
        if source is not None and bands:
            out.append(ScoringRule(source, tuple(bands)))
    if out and max_points is not None and best != max_points and len(chk.errors) == before:
        # Catches a typo in a band: the declared maximum must be reachable.
        chk.fail(f"{path}.max_points", f"no band awards max_points ({max_points}); best is {best}")
    return out


def _parse_value_source(
    chk: _Check, rule: Mapping[str, Any], path: str, fields: Mapping[str, Field]
) -> tuple[ValueSource | None, str | None, tuple[str, ...]]:
    present = [key for key in ("field", "ratio", "growth") if key in rule]
    if len(present) != 1:
        chk.fail(path, f"needs exactly one of field, ratio, growth; found {len(present)}")
        return None, None, ()
    key = present[0]
    if key == "field":
        ref = chk.take(rule, "field", path, lambda v, p: _resolve(chk, fields, v, p))
        if ref is None:
            return None, None, ()
        kind = _value_kind(fields[ref])
        if kind is None:
            chk.fail(f"{path}.field", f"cannot score a {fields[ref].type} field")
            return None, None, ()
        return ValueSource("field", (ref,)), kind, fields[ref].option_values
    names = ("numerator", "denominator") if key == "ratio" else ("current", "previous")
    m = chk.take(rule, key, path, chk.mapping)
    if m is None:
        return None, None, ()
    sub = f"{path}.{key}"
    chk.keys(m, sub, names)
    refs = [chk.take(m, name, sub, lambda v, p: _resolve(chk, fields, v, p)) for name in names]
    for name, ref in zip(names, refs, strict=True):
        if ref is not None and fields[ref].type not in NUMERIC_TYPES:
            chk.fail(f"{sub}.{name}", f"'{ref}' is not numeric")
            return None, None, ()
    if None in refs:
        return None, None, ()
    return ValueSource(key, tuple(refs)), "number", ()


def _parse_bands(
    chk: _Check,
    rule: Mapping[str, Any],
    path: str,
    kind: str | None,
    options: Sequence[str],
    max_points: int | None,
) -> list[Band]:
    out: list[Band] = []
    items = chk.items(rule, "bands", path)
    if "bands" in rule and not items and isinstance(rule["bands"], list):
        chk.fail(f"{path}.bands", "at least one band is required")
    for index, (band_path, band) in enumerate(items):
        chk.keys(band, band_path, ("points",), OPERATORS)
        points = chk.take(band, "points", band_path, chk.count)
        if points is not None and max_points is not None and points > max_points:
            chk.fail(f"{band_path}.points", f"{points} exceeds the indicator's max_points {max_points}")
        ops = [op for op in OPERATORS if op in band]
        if not ops and index != len(items) - 1:
            chk.fail(band_path, "a band without a condition matches everything: it must be last")
        if kind is None:
            continue
        tests = [_parse_test(chk, op, band[op], f"{band_path}.{op}", kind, options) for op in ops]
        if points is not None and None not in tests:
            out.append(Band(points, tuple(tests)))
    return out


def _parse_routes(
    chk: _Check, m: Mapping[str, Any], path: str, fields: Mapping[str, Field]
) -> list[DirectPassRoute]:
    out: list[DirectPassRoute] = []
    ids: list[tuple[str | None, str]] = []
    if m.get("direct_pass") is None:
        return out  # no direct-pass routes: only the score counts
    for route_path, route in chk.items(m, "direct_pass", path):
        chk.keys(route, route_path, ("id", "title", "field"), OPERATORS)
        route_id = chk.take(route, "id", route_path, chk.ident)
        title = chk.take(route, "title", route_path, chk.text)
        condition = _parse_condition(chk, route, route_path, fields)
        ids.append((route_id, f"{route_path}.id"))
        if None not in (route_id, title, condition):
            out.append(DirectPassRoute(route_id, title, condition))
    chk.unique(ids, "direct-pass route id")
    return out


def _check_rubric_sums(
    chk: _Check,
    path: str,
    total: int | None,
    groups: Sequence[IndicatorGroup],
    indicators: Sequence[Indicator],
    m: Mapping[str, Any],
) -> None:
    complete = len(indicators) == len(_raw_list(m, "indicators")) and len(groups) == len(_raw_list(m, "groups"))
    if not complete:
        return  # sums over a partly invalid rubric would only add noise
    points = sum(ind.max_points for ind in indicators)
    if total is not None and points != total:
        chk.fail(f"{path}.total", f"indicator max_points sum to {points}, not {total}")
    for index, group in enumerate(groups):
        members = sum(ind.max_points for ind in indicators if ind.group == group.id)
        if members == 0:
            chk.fail(f"{path}.groups[{index}]", f"group '{group.id}' has no indicators")
        elif members != group.max_points:
            chk.fail(
                f"{path}.groups[{index}].max_points",
                f"its indicators sum to {members}, not {group.max_points}",
            )


# --------------------------------------------------------------------------- loading


def load_programme(path: str | Path) -> Programme:
    """Load and validate one programme document; ProgrammeError lists every problem."""
    source = str(path)
    try:
        raw = read_yaml(path)
    except (OSError, ValueError) as exc:
        raise ProgrammeError([str(exc)], source) from exc
    return parse_programme(raw, source)


def load_programmes(directory: str | Path) -> dict[str, Programme]:
    """Every ``*.yaml`` programme in ``directory`` by id.

    Also checks what one document cannot: the file is named ``<id>.yaml``, ids are
    unique, and ``recommend_to`` names a loaded programme or ``national``. Errors
    from all files are raised together, each prefixed with its file name.
    """
    errors: list[str] = []
    programmes: dict[str, Programme] = {}
    files = sorted(Path(directory).glob("*.yaml")) + sorted(Path(directory).glob("*.yml"))
    for path in files:
        try:
            programme = load_programme(path)
        except ProgrammeError as exc:
            errors.extend(f"{path.name}: {error}" for error in exc.errors)
            continue
        if path.stem != programme.id:
            errors.append(f"{path.name}: id: '{programme.id}' must match the file name")
        if programme.id in programmes:
            errors.append(f"{path.name}: id: duplicate programme id '{programme.id}'")
            continue
        programmes[programme.id] = programme
    for programme in programmes.values():
        target = programme.recommend_to
        if target is not None and target != NATIONAL and target not in programmes:
            errors.append(
                f"{programme.id}.yaml: recommend_to: no programme '{target}' "
                f"(nor '{NATIONAL}') in {directory}"
            )
    if errors:
        raise ProgrammeError(errors, str(directory))
    return programmes
