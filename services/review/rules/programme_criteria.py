"""Programme documents: the criteria a programme judges by, read and validated.

Conditions (a field compared with an operand; their meaning is ``kernel.conditions``),
eligibility gates, priority markers and the scoring rubric with its direct-pass routes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from kernel.conditions import NUMERIC_OPERATORS, OPERATORS
from kernel.programme import FieldSpec as Field
from review.rules.programme_checks import Check
from review.rules.programmes import (
    NUMERIC_TYPES,
    Band,
    Condition,
    DirectPassRoute,
    Gate,
    Indicator,
    IndicatorGroup,
    PriorityMarker,
    Rubric,
    ScoringRule,
    Test,
    ValueSource,
)

# Where a rubric rule's value comes from (see programmes.ValueSource).
VALUE_SOURCE_KEYS = ("field", "ratio", "growth", "mean_growth", "count")


def _valuekind_of(field: Field) -> str | None:
    """How a condition may compare this field: boolean, number, enum, string or None."""
    if field.type in NUMERIC_TYPES:
        return "number"
    if field.type in ("boolean", "enum", "string"):
        return field.type
    return None


def _parse_test(
    chk: Check, op: str, raw: Any, path: str, kind: str, options: Sequence[str]
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


def _operand(chk: Check, raw: Any, path: str, kind: str, options: Sequence[str]) -> Any:
    if kind == "boolean":
        return chk.boolean(raw, path)
    if kind == "number":
        return chk.number(raw, path)
    text = chk.text(raw, path)
    if text is not None and kind == "enum" and text not in options:
        chk.fail(path, f"'{text}' is not an option of the field; options: {', '.join(options)}")
        return None
    return text


def resolve_field(chk: Check, fields: Mapping[str, Field], value: Any, path: str) -> str | None:
    ref = chk.text(value, path)
    if ref is None:
        return None
    if ref not in fields:
        chk.fail(path, f"no field '{ref}' (expected section.field)")
        return None
    return ref


def _parse_condition(
    chk: Check, m: Mapping[str, Any], path: str, fields: Mapping[str, Field]
) -> Condition | None:
    ops = [op for op in OPERATORS if op in m]
    if len(ops) != 1:
        chk.fail(path, f"needs exactly one operator of {', '.join(OPERATORS)}; found {len(ops)}")
    ref = chk.take(m, "field", path, lambda v, p: resolve_field(chk, fields, v, p))
    if ref is None or len(ops) != 1:
        return None
    field = fields[ref]
    kind = _valuekind_of(field)
    if kind is None:
        chk.fail(f"{path}.field", f"conditions are not supported on {field.type} fields")
        return None
    test = _parse_test(chk, ops[0], m[ops[0]], f"{path}.{ops[0]}", kind, field.option_values)
    return None if test is None else Condition(ref, test)


def parse_gates(chk: Check, doc: Mapping[str, Any], fields: Mapping[str, Field]) -> list[Gate]:
    def read(path: str, m: dict) -> tuple[str | None, Gate | None]:
        chk.keys(m, path, ("id", "field", "message"), OPERATORS)
        gate_id = chk.take(m, "id", path, chk.ident)
        message = chk.take(m, "message", path, chk.text)
        condition = _parse_condition(chk, m, path, fields)
        return gate_id, None if None in (gate_id, message, condition) else Gate(gate_id, condition, message)

    return chk.each(doc, "eligibility_gates", "", read, "gate id")


def parse_markers(
    chk: Check, doc: Mapping[str, Any], fields: Mapping[str, Field]
) -> list[PriorityMarker]:
    def read(path: str, m: dict) -> tuple[str | None, PriorityMarker | None]:
        chk.keys(m, path, ("id", "title", "field"))
        marker_id = chk.take(m, "id", path, chk.ident)
        title = chk.take(m, "title", path, chk.text)
        ref = chk.take(m, "field", path, lambda v, p: resolve_field(chk, fields, v, p))
        if ref is not None and fields[ref].type not in ("boolean", *NUMERIC_TYPES):
            # Ranking orders true before false and larger before smaller: nothing else.
            chk.fail(f"{path}.field", f"a priority marker must be boolean or numeric, not {fields[ref].type}")
            ref = None
        return marker_id, None if None in (marker_id, title, ref) else PriorityMarker(marker_id, title, ref)

    return chk.each(doc, "priority_markers", "", read, "priority marker id")


# --------------------------------------------------------------------------- rubric


def parse_rubric(
    chk: Check, raw: Any, path: str, fields: Mapping[str, Field]
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


def _parse_groups(chk: Check, m: Mapping[str, Any], path: str) -> list[IndicatorGroup]:
    def read(group_path: str, g: dict) -> tuple[str | None, IndicatorGroup | None]:
        chk.keys(g, group_path, ("id", "title", "max_points", "min_points"))
        values = (
            chk.take(g, "id", group_path, chk.ident),
            chk.take(g, "title", group_path, chk.text),
            chk.take(g, "max_points", group_path, chk.positive),
            chk.take(g, "min_points", group_path, chk.count),
        )
        if None in values:
            return values[0], None
        if values[3] > values[2]:
            chk.fail(f"{group_path}.min_points", "exceeds the group's max_points")
        return values[0], IndicatorGroup(*values)

    return chk.each(m, "groups", path, read, "group id")


def _parse_indicators(
    chk: Check, m: Mapping[str, Any], path: str, fields: Mapping[str, Field]
) -> list[Indicator]:
    group_ids = [g.get("id") for g in _raw_list(m, "groups") if isinstance(g, dict)]

    def read(ind_path: str, ind: dict) -> tuple[str | None, Indicator | None]:
        chk.keys(ind, ind_path, ("id", "title", "group", "max_points", "rules"))
        ind_id = chk.take(ind, "id", ind_path, chk.ident)
        title = chk.take(ind, "title", ind_path, chk.text)
        group = chk.take(ind, "group", ind_path, chk.ident)
        max_points = chk.take(ind, "max_points", ind_path, chk.positive)
        if group is not None and group not in group_ids:
            chk.fail(f"{ind_path}.group", f"no group '{group}'")
            group = None
        rules = _parse_rules(chk, ind, ind_path, fields, max_points)
        if None in (ind_id, title, group, max_points) or not rules:
            return ind_id, None
        return ind_id, Indicator(ind_id, title, group, max_points, tuple(rules))

    return chk.each(m, "indicators", path, read, "indicator id")


def _parse_rules(
    chk: Check, ind: Mapping[str, Any], path: str, fields: Mapping[str, Field], max_points: int | None
) -> list[ScoringRule]:
    out: list[ScoringRule] = []
    items = chk.items(ind, "rules", path)
    if "rules" in ind and not items and isinstance(ind["rules"], list):
        chk.fail(f"{path}.rules", "at least one rule is required")
    best = 0
    before = len(chk.errors)
    for rule_path, rule in items:
        chk.keys(rule, rule_path, ("bands",), VALUE_SOURCE_KEYS)
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
    chk: Check, rule: Mapping[str, Any], path: str, fields: Mapping[str, Field]
) -> tuple[ValueSource | None, str | None, tuple[str, ...]]:
    present = [key for key in VALUE_SOURCE_KEYS if key in rule]
    if len(present) != 1:
        chk.fail(path, f"needs exactly one of {', '.join(VALUE_SOURCE_KEYS)}; found {len(present)}")
        return None, None, ()
    key = present[0]
    if key == "count":
        ref = chk.take(rule, "count", path, lambda v, p: resolve_field(chk, fields, v, p))
        if ref is None:
            return None, None, ()
        if fields[ref].type != "multi_enum":
            chk.fail(f"{path}.count", f"'{ref}' is not a multi_enum field (count scores how many options are chosen)")
            return None, None, ()
        return ValueSource("count", (ref,)), "number", ()
    if key == "field":
        ref = chk.take(rule, "field", path, lambda v, p: resolve_field(chk, fields, v, p))
        if ref is None:
            return None, None, ()
        kind = _valuekind_of(fields[ref])
        if kind is None:
            chk.fail(f"{path}.field", f"cannot score a {fields[ref].type} field")
            return None, None, ()
        return ValueSource("field", (ref,)), kind, fields[ref].option_values
    names = {"ratio": ("numerator", "denominator"), "growth": ("current", "previous"),
             "mean_growth": ("current", "previous", "before")}[key]
    m = chk.take(rule, key, path, chk.mapping)
    if m is None:
        return None, None, ()
    sub = f"{path}.{key}"
    chk.keys(m, sub, names)
    refs = [chk.take(m, name, sub, lambda v, p: resolve_field(chk, fields, v, p)) for name in names]
    for name, ref in zip(names, refs, strict=True):
        if ref is not None and fields[ref].type not in NUMERIC_TYPES:
            chk.fail(f"{sub}.{name}", f"'{ref}' is not numeric")
            return None, None, ()
    if None in refs:
        return None, None, ()
    return ValueSource(key, tuple(refs)), "number", ()


def _parse_bands(
    chk: Check,
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
    chk: Check, m: Mapping[str, Any], path: str, fields: Mapping[str, Field]
) -> list[DirectPassRoute]:
    if m.get("direct_pass") is None:
        return []  # no direct-pass routes: only the score counts

    def read(route_path: str, route: dict) -> tuple[str | None, DirectPassRoute | None]:
        chk.keys(route, route_path, ("id", "title", "field"), OPERATORS)
        route_id = chk.take(route, "id", route_path, chk.ident)
        title = chk.take(route, "title", route_path, chk.text)
        condition = _parse_condition(chk, route, route_path, fields)
        return route_id, None if None in (route_id, title, condition) else DirectPassRoute(route_id, title, condition)

    return chk.each(m, "direct_pass", path, read, "direct-pass route id")


def _check_rubric_sums(
    chk: Check,
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


