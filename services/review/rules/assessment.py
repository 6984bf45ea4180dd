"""Self-assessment (自评): an application's score against its programme's rubric, indicator by
indicator, with what each value is and what would raise the points.

The enterprise sees it live while filling in the form and reviewers see it on the task;
both come from ``rubric.score`` (the one scoring rule), so the assessment's total is the
score review stores at intake. The texts are Chinese (shown to enterprises and reviewers).
Pure: no Nameko, no pymongo.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from kernel.conditions import as_decimal
from review.rules.programmes import Band, Indicator, Programme, ScoringRule, Test, ValueSource, fmt_number
from review.rules.rubric import rule_score, score, source_value

ApplicationData = Mapping[str, Mapping[str, Any]]
_PERCENT_KINDS = ("ratio", "growth", "mean_growth")


@dataclass(frozen=True)
class IndicatorAssessment:
    id: str
    title: str
    group: str
    points: int
    max_points: int
    value: str  # what was scored, e.g. "研发费用总额 260万元；占比 5.2%"
    missing: tuple[str, ...]  # labels of the fields still empty
    hints: tuple[str, ...]  # what would raise the points (empty at the maximum)


@dataclass(frozen=True)
class GroupAssessment:
    id: str
    title: str
    points: int
    max_points: int
    min_points: int


@dataclass(frozen=True)
class RouteAssessment:
    id: str
    title: str
    met: bool


@dataclass(frozen=True)
class Assessment:
    rubric_title: str
    source: str
    rules_id: str  # the pinned rule set, "" for a programme's own rubric
    total: int
    max_total: int
    pass_line: int
    score_passed: bool
    passed: bool
    groups: tuple[GroupAssessment, ...]
    indicators: tuple[IndicatorAssessment, ...]
    routes: tuple[RouteAssessment, ...]
    summary: str  # one Chinese sentence: where the application stands


def assess(programme: Programme, data: ApplicationData) -> Assessment | None:
    """The self-assessment of ``data`` (``{section: {field: value}}``); None without a rubric."""
    rubric = programme.rubric
    if rubric is None:
        return None
    result = score(rubric, data)
    indicators = tuple(_indicator(programme, ind, data, result.indicator_points[ind.id]) for ind in rubric.indicators)
    groups = tuple(GroupAssessment(g.id, g.title, result.group_points[g.id], g.max_points, g.min_points)
                   for g in rubric.groups)
    routes = tuple(RouteAssessment(r.id, r.title, r.id in result.direct_pass_routes) for r in rubric.direct_pass)
    return Assessment(
        rubric_title=rubric.title, source=rubric.source, rules_id=programme.rules.id if programme.rules else "",
        total=result.total, max_total=rubric.total, pass_line=rubric.pass_line,
        score_passed=result.score_passed, passed=result.passed, groups=groups, indicators=indicators,
        routes=routes, summary=_summary(result.total, rubric.pass_line, groups, routes, result.score_passed),
    )


def _summary(total: int, pass_line: int, groups: tuple[GroupAssessment, ...],
             routes: tuple[RouteAssessment, ...], score_passed: bool) -> str:
    met = [r.title for r in routes if r.met]
    if score_passed:
        text = f"自评得分{total}分，达到{pass_line}分的标准"
    else:
        short = [f"{g.title}{g.points}分低于最低要求{g.min_points}分" for g in groups if g.points < g.min_points]
        gap = f"距{pass_line}分还差{pass_line - total}分" if total < pass_line else f"达到{pass_line}分"
        text = f"自评得分{total}分，{gap}" + ("；" + "；".join(short) if short else "")
    if met:
        text += "；符合直通条件：" + "、".join(met)
    return text


def _indicator(programme: Programme, indicator: Indicator, data: ApplicationData, points: int) -> IndicatorAssessment:
    missing: list[str] = []
    values: list[str] = []
    hints: list[str] = []
    for rule in indicator.rules:
        value = source_value(rule.source, data, missing)
        if value is not None:
            values.append(f"{_describe(programme, rule.source)} {_show(programme, rule.source, value)}")
        hint = _next_band(programme, rule, data, points)
        if hint:
            hints.append(hint)
    labels = tuple(dict.fromkeys(_label(programme, ref) for ref in missing))
    if labels and points < indicator.max_points:
        hints.insert(0, "请填写" + "、".join(labels))
    return IndicatorAssessment(indicator.id, indicator.title, indicator.group, points, indicator.max_points,
                               "；".join(values), labels, tuple(hints))


def _next_band(programme: Programme, rule: ScoringRule, data: ApplicationData, points: int) -> str:
    """The smallest step above ``points`` this rule offers, as a sentence ("" if none)."""
    current = rule_score(rule, data)
    better = [band for band in rule.bands if band.points > max(points, current) and band.tests]
    if not better:
        return ""
    band = min(better, key=lambda b: b.points)
    return f"{_describe(programme, rule.source)}{_condition(programme, rule.source, band)}可得{band.points}分"


def _label(programme: Programme, ref: str) -> str:
    return programme.field(ref).label if programme.has_field(ref) else ref


def _describe(programme: Programme, source: ValueSource) -> str:
    labels = [_label(programme, ref) for ref in source.refs]
    if source.kind == "ratio":
        return f"{labels[0]}占{labels[1]}的比重"
    if source.kind == "growth":
        return f"{labels[0]}较{labels[1]}的增长率"
    if source.kind == "mean_growth":
        return f"近两年平均增长率（{labels[0]}、{labels[1]}、{labels[2]}）"
    if source.kind == "count":
        return f"{labels[0]}满足项数"
    return labels[0]


def _unit(programme: Programme, source: ValueSource) -> str:
    if source.kind in _PERCENT_KINDS:
        return "%"
    if source.kind == "count":
        return "项"
    ref = source.refs[0]
    return programme.field(ref).unit if programme.has_field(ref) else ""


def _show(programme: Programme, source: ValueSource, value: Any) -> str:
    if source.kind == "field" and programme.has_field(source.refs[0]):
        field = programme.field(source.refs[0])
        if field.type == "boolean":
            return "是" if value is True else "否"
        if field.type == "enum":
            return field.option_label(str(value)) or str(value)
    number = as_decimal(value)
    if number is None:
        return str(value)
    if source.kind in _PERCENT_KINDS:
        number = number.quantize(Decimal("0.1"))
    return f"{fmt_number(number)}{_unit(programme, source)}"


def _condition(programme: Programme, source: ValueSource, band: Band) -> str:
    return "且".join(_test(programme, source, test) for test in band.tests)


def _test(programme: Programme, source: ValueSource, test: Test) -> str:
    unit = _unit(programme, source)
    operand = test.operand
    if test.operator == "equals":
        return f"为“{_operand(programme, source, operand)}”"
    if test.operator == "in":
        return "为" + "或".join(f"“{_operand(programme, source, item)}”" for item in operand)
    number = fmt_number(operand) if isinstance(operand, Decimal) else str(operand)
    return {"gte": f"达到{number}{unit}以上", "gt": f"高于{number}{unit}",
            "lte": f"降至{number}{unit}以下", "lt": f"低于{number}{unit}"}[test.operator]


def _operand(programme: Programme, source: ValueSource, operand: Any) -> str:
    if isinstance(operand, bool):
        return "是" if operand else "否"
    ref = source.refs[0]
    if isinstance(operand, str) and programme.has_field(ref):
        return programme.field(ref).option_label(operand) or operand
    return fmt_number(operand) if isinstance(operand, Decimal) else str(operand)


