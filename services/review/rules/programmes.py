"""Programme documents (培育批次): the data model.

A programme is a versioned YAML document under ``deploy/programmes/``; the schema is
documented field by field in ``deploy/programmes/README.md``. ``programme_parser`` loads
and validates a whole document and reports every problem at once, each with its path
(``sections[2].fields[0].type: unknown type 'strng'; accepted: ...``), so an admin
fixes a document in one pass instead of one error per reload (``programme_checks`` reads
the values, ``programme_criteria`` the gates, markers and rubric).

Pure domain rules: no Nameko, no pymongo. Validation errors are for engineers and
programme admins (English). Checking an enterprise's values against the fields is the
registration service's (it receives the programme over gRPC).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

import yaml

from kernel.conditions import lookup, test_holds
from kernel.divisions import division_within
from kernel.programme import AttachmentSpec, Window
from kernel.programme import FieldSpec as Field
from kernel.windows import WindowState, whole_second, window_state

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
MEDIA_TYPE_RE = re.compile(r"^[a-z]+/[a-z0-9][a-z0-9.+-]*$")

class ProgrammeError(ValueError):
    """A programme document is invalid; ``errors`` lists every problem with its path."""

    def __init__(self, errors: Sequence[str], source: str | None = None) -> None:
        self.errors = list(errors)
        self.source = source
        head = f"{source}: " if source else ""
        lines = "\n".join(f"  - {error}" for error in self.errors)
        super().__init__(f"{head}{len(self.errors)} error(s) in programme document:\n{lines}")


# --------------------------------------------------------------------------- helpers


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


def fmt_number(number: Decimal) -> str:
    """1E+1 -> '10', 10.50 -> '10.5': numbers as people write them."""
    return format(number.normalize(), "f")


# --------------------------------------------------------------------------- model


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
        return test_holds(self.operator, self.operand, value)


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

    kind: Literal["field", "ratio", "growth", "mean_growth", "count"]
    # field: (f,); ratio: (numerator, denominator); growth: (current, previous);
    # mean_growth: (current, previous, before): the mean of the two yearly growth rates;
    # count: (f,) a multi_enum field, the number of options chosen.
    refs: tuple[str, ...]


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
class FigureSource:
    """Where one figure of a rule set comes from, and whether it was checked against a copy."""

    item: str  # an indicator, route or policy id, or "pass_line" ...
    source: str  # the document and its clause
    verified: str  # how it was checked ("" = not checked against a text)


@dataclass(frozen=True)
class RuleSet:
    """A dated set of rules a programme pins (``rules: <id>``): the rubric and the
    recognition's validity policy. A rule set is never edited once a programme pins it:
    new rules are a new document with a new id (the year is part of the id), so old
    cycles keep scoring and expiring by the rules they were run under."""

    id: str
    title: str
    issuer: str
    document: str  # the rules' own document, e.g. 工信部企业〔2022〕63号
    effective_from: date
    validity_years: int | None  # a recognition's validity; None = no expiry
    annual_update_due: tuple[int, int] | None  # (month, day) of the yearly data update; None = none
    local_group: str | None  # the rubric group a province fills with its own indicators
    rubric: Mapping[str, Any]  # the raw rubric, parsed against each programme's fields
    sources: tuple[FigureSource, ...] = ()
    # what the yearly data update holds: (field id, label, kind money|signed_money|count), in order
    annual_update: tuple[tuple[str, str, str], ...] = ()


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
    target_tolerance: int = 0  # "300左右": the list may hold target_count ± target_tolerance
    return_grace_days: int = 0  # a return near the deadline leaves the enterprise at least this many days
    undecided_at_review_deadline: str = "expire"

    @property
    def target_band(self) -> tuple[int, int] | None:
        """(fewest, most) the recognition list should hold; None without a target."""
        if not self.target_count:
            return None
        return max(1, self.target_count - self.target_tolerance), self.target_count + self.target_tolerance

    def resubmit_by(self, returned_at: datetime) -> datetime:
        """Until when a return at ``returned_at`` may be corrected: the window's close, or, with a grace
        period, at least ``return_grace_days`` after the return (never past the reviewing deadline)."""
        closes = self.window.closes_at
        if not self.return_grace_days:
            return closes
        graced = whole_second(returned_at) + timedelta(days=self.return_grace_days)
        return max(closes, min(graced, self.window.review_closes_at))
    rules: RuleSet | None = None  # the pinned rule set (its rubric is ``rubric``)
    validity_years_own: int | None = None  # the document's own validity (a programme without a rule set)
    renews: tuple[str, ...] = ()  # a 复核 cycle: the programmes whose recognitions it renews

    @property
    def validity_years(self) -> int | None:
        """How long a recognition by this programme lasts: the rule set's, else the document's."""
        if self.rules is not None:
            return self.rules.validity_years
        return self.validity_years_own

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
        return window_state(self.window.opens_at, self.window.closes_at, now)

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
        instant = whole_second(now)
        if instant < self.window.opens_at:
            return False
        closes = self.review_closes_at(level)
        return closes is None or instant <= closes
