"""Scoring an application against a programme's rubric (e.g. MIIT 2022 创新型中小企业).

The rubric is data (see ``programmes.Rubric`` and the README): every indicator has
banded rules on a value computed from the application (a field, a ratio or a growth
rate in percent). An indicator scores the best of its rules; a rule scores the points
of its first matching band, 0 if none matches or its value is unknown.

Passing: total >= pass_line and every group at or above its minimum, or any direct-pass
route met (e.g. 近三年新增股权融资500万元以上), whatever the score.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from kernel.conditions import as_decimal, lookup

from .programmes import (
    Indicator,
    Programme,
    Rubric,
    ScoringRule,
    ValueSource,
)

HUNDRED = Decimal(100)
ApplicationData = Mapping[str, Mapping[str, Any]]


@dataclass(frozen=True)
class RubricResult:
    indicator_points: Mapping[str, int]
    group_points: Mapping[str, int]
    total: int
    pass_line: int
    failed_minimums: tuple[str, ...]  # group ids below their min_points
    direct_pass_routes: tuple[str, ...]  # route ids met
    missing: tuple[str, ...]  # section.field refs without a value (scored as 0)

    @property
    def score_passed(self) -> bool:
        return self.total >= self.pass_line and not self.failed_minimums

    @property
    def passed(self) -> bool:
        return self.score_passed or bool(self.direct_pass_routes)

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready form for storage and events."""
        return {
            "indicator_points": dict(self.indicator_points),
            "group_points": dict(self.group_points),
            "total": self.total,
            "pass_line": self.pass_line,
            "failed_minimums": list(self.failed_minimums),
            "direct_pass_routes": list(self.direct_pass_routes),
            "missing": list(self.missing),
            "score_passed": self.score_passed,
            "passed": self.passed,
        }


def score(rubric: Rubric, application_data: ApplicationData) -> RubricResult:
    """Score ``application_data`` (``{section: {field: value}}``) against ``rubric``."""
    missing: list[str] = []
    indicator_points = {
        ind.id: indicator_score(ind, application_data, missing) for ind in rubric.indicators
    }
    group_points = {
        group.id: sum(indicator_points[i.id] for i in rubric.indicators if i.group == group.id)
        for group in rubric.groups
    }
    failed = tuple(g.id for g in rubric.groups if group_points[g.id] < g.min_points)
    routes = tuple(r.id for r in rubric.direct_pass if r.condition.holds(application_data))
    return RubricResult(
        indicator_points=indicator_points,
        group_points=group_points,
        total=sum(indicator_points.values()),
        pass_line=rubric.pass_line,
        failed_minimums=failed,
        direct_pass_routes=routes,
        missing=tuple(dict.fromkeys(missing)),  # de-duplicated, first-seen order
    )


def score_programme(programme: Programme, application_data: ApplicationData) -> RubricResult | None:
    """The rubric result for a programme, or None if the programme has no rubric."""
    if programme.rubric is None:
        return None
    return score(programme.rubric, application_data)


def indicator_score(
    indicator: Indicator, data: ApplicationData, missing: list[str] | None = None
) -> int:
    """Best points over the indicator's rules; ``missing`` collects absent field refs."""
    return max(rule_score(rule, data, missing) for rule in indicator.rules)


def rule_score(rule: ScoringRule, data: ApplicationData, missing: list[str] | None = None) -> int:
    value = source_value(rule.source, data, missing)
    if value is None:
        return 0
    for band in rule.bands:
        if band.matches(value):
            return band.points
    return 0


def source_value(
    source: ValueSource, data: ApplicationData, missing: list[str] | None = None
) -> Any:
    """The value a rule scores: the field's value, a ratio or growth rate in percent, the
    mean of two yearly growth rates (近2年平均增长率), or how many options are chosen.

    An empty multi_enum counts 0. None when a referenced field is empty, or the ratio's denominator is 0, or growth's
    previous value is not positive (a rate from zero or a loss is not meaningful).
    """
    raw = [lookup(data, ref) for ref in source.refs]
    absent = [ref for ref, value in zip(source.refs, raw, strict=True) if value is None or value == ""]
    if missing is not None:
        missing.extend(absent)
    if absent:
        return None
    if source.kind == "field":
        return raw[0]
    if source.kind == "count":
        return Decimal(len(raw[0])) if isinstance(raw[0], list | tuple) else None
    numbers = [as_decimal(value) for value in raw]
    if any(number is None for number in numbers):
        return None
    if source.kind == "ratio":
        first, second = numbers
        return None if second == 0 else first / second * HUNDRED
    if source.kind == "mean_growth":
        current, previous, before = numbers
        rates = (_growth(current, previous), _growth(previous, before))
        return None if None in rates else (rates[0] + rates[1]) / 2
    return _growth(*numbers)


def _growth(current: Decimal, previous: Decimal) -> Decimal | None:
    """Growth in percent; None from a non-positive base (a rate from zero or a loss means nothing)."""
    return None if previous <= 0 else (current - previous) / previous * HUNDRED
