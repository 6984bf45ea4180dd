"""Section values: checked against the programme's field schema and normalised for storage.

Ported from review's ``check_field`` / ``check_section`` (same rules, same Chinese
messages), extended with a stable code per problem and with normalisation: what is
stored is plain JSON data (strings verbatim, integral numbers as integers, dates as
YYYY-MM-DD), never anything a database could read as an operator. Field ids come from
the programme only: an unknown key, including one starting with ``$`` or containing a
``.``, is an error and is never stored.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from kernel.conditions import as_decimal
from kernel.programme import FieldSpec, SectionSpec
from zjtx.errors import Violation

# Longest value accepted in a field that declares no max_length (characters).
HARD_MAX_CHARS = 20000
# Python floats carry 15 significant digits exactly; a finer value would change on storage.
MAX_SIGNIFICANT_DIGITS = 15
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# Control characters: none in one-line strings; text allows line breaks and tabs.
STRING_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
TEXT_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
MAX_LISTED_OPTIONS = 10
# Input quoted back in a message loses control characters (C0 and C1) and is kept short.
ECHO_DROPPED = re.compile(r"[\x00-\x1f\x7f-\x9f]")

Problem = tuple[str, str]  # (code, Chinese message)


def is_blank(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    return isinstance(value, list | tuple) and not value


def char_count(text: str) -> int:
    """Characters excluding whitespace: padding with spaces never meets a minimum."""
    return len("".join(text.split()))


def fmt(number: Decimal) -> str:
    """1E+1 -> '10', 10.50 -> '10.5': numbers as people write them."""
    return format(number.normalize(), "f")


def echo(value: Any, limit: int = 40) -> str:
    """User input quoted in a message: no control characters, at most ``limit`` characters."""
    text = ECHO_DROPPED.sub("", value if isinstance(value, str) else str(value))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def accepted_options(field: FieldSpec) -> str:
    labels = [f"{o.label}（{o.value}）" for o in field.options[:MAX_LISTED_OPTIONS]]
    more = len(field.options) - MAX_LISTED_OPTIONS
    return "、".join(labels) + (f"等{len(field.options)}项" if more > 0 else "")


# --------------------------------------------------------------------------- one value


def check_value(field: FieldSpec, value: Any) -> list[Problem]:
    """Problems with one non-blank value of ``field``; [] if acceptable."""
    return _CHECKERS[field.type](field, value)


def check_field(field: FieldSpec, value: Any) -> list[Problem]:
    """Problems with a value for submission: blank is a problem only when required."""
    if is_blank(value):
        return [("required", f"请填写“{field.label}”")] if field.required else []
    return check_value(field, value)


def _check_text(field: FieldSpec, value: Any) -> list[Problem]:
    if not isinstance(value, str):
        return [("type", f"“{field.label}”应为文字")]
    control = TEXT_CONTROL if field.type == "text" else STRING_CONTROL
    if control.search(value):
        allowed = "，可以换行" if field.type == "text" else "，请填写在一行内"
        return [("control_char", f"“{field.label}”不能包含控制字符{allowed}")]
    if len(value) > HARD_MAX_CHARS:
        return [("too_long", f"“{field.label}”过长（最多{HARD_MAX_CHARS}字符，当前{len(value)}字符）")]
    problems: list[Problem] = []
    count = char_count(value)
    if field.min_length is not None and count < field.min_length:
        problems.append(("min_length", f"“{field.label}”不少于{field.min_length}字（当前{count}字）"))
    if field.max_length is not None and count > field.max_length:
        problems.append(("max_length", f"“{field.label}”不超过{field.max_length}字（当前{count}字）"))
    if field.pattern is not None and not re.fullmatch(field.pattern, value.strip()):
        hint = f"；{field.help}" if field.help else ""
        problems.append(("pattern", f"“{field.label}”格式不正确{hint}"))
    return problems


def _check_number(field: FieldSpec, value: Any) -> list[Problem]:
    number = as_decimal(value)
    if number is None:
        return [("type", f"“{field.label}”应为数字" + (f"（单位：{field.unit}）" if field.unit else ""))]
    if field.type == "integer" and number != number.to_integral_value():
        return [("integer", f"“{field.label}”应为整数")]
    if len(number.normalize().as_tuple().digits) > MAX_SIGNIFICANT_DIGITS:
        return [("precision", f"“{field.label}”最多{MAX_SIGNIFICANT_DIGITS}位有效数字")]
    if field.min is not None and number < field.min:
        return [("min", f"“{field.label}”不能小于{fmt(field.min)}{field.unit}")]
    if field.max is not None and number > field.max:
        return [("max", f"“{field.label}”不能大于{fmt(field.max)}{field.unit}")]
    return []


def _check_boolean(field: FieldSpec, value: Any) -> list[Problem]:
    return [] if isinstance(value, bool) else [("type", f"“{field.label}”应选择“是”或“否”（true 或 false）")]


def _check_date(field: FieldSpec, value: Any) -> list[Problem]:
    if isinstance(value, str) and DATE_RE.match(value.strip()):
        try:
            date.fromisoformat(value.strip())
            return []
        except ValueError:
            pass
    return [("date", f"“{field.label}”应为日期，格式为YYYY-MM-DD，例如 2015-06-30")]


def _check_enum(field: FieldSpec, value: Any) -> list[Problem]:
    if isinstance(value, str) and value in field.option_values:
        return []
    shown = echo(value) if isinstance(value, str | int | float) else "（非文字）"
    return [("option", f"“{field.label}”的选项“{shown}”无效，可选：{accepted_options(field)}")]


def _check_multi_enum(field: FieldSpec, value: Any) -> list[Problem]:
    if not isinstance(value, list | tuple):
        return [("type", f"“{field.label}”应为多选（选项列表）")]
    bad = [v for v in value if not isinstance(v, str) or v not in field.option_values]
    if bad:
        shown = echo(bad[0]) if isinstance(bad[0], str | int | float) else "（非文字）"
        return [("option", f"“{field.label}”的选项“{shown}”无效，可选：{accepted_options(field)}")]
    if len(set(value)) != len(value):
        return [("duplicate_option", f"“{field.label}”有重复选项")]
    return []


_CHECKERS: dict[str, Callable[[FieldSpec, Any], list[Problem]]] = {
    "string": _check_text,
    "text": _check_text,
    "integer": _check_number,
    "decimal": _check_number,
    "boolean": _check_boolean,
    "date": _check_date,
    "enum": _check_enum,
    "multi_enum": _check_multi_enum,
}


# --------------------------------------------------------------------------- normalising


def normalise_number(number: Decimal) -> int | float:
    """Integral values as int (3, not 3.0), others as float (exact to 15 digits)."""
    if number == number.to_integral_value():
        return int(number)
    return float(number)


def normalise_value(field: FieldSpec, value: Any) -> Any:
    """The stored form of a value that passed ``check_value``."""
    if field.type in ("integer", "decimal"):
        number = as_decimal(value)
        assert number is not None
        return normalise_number(number)
    if field.type == "date":
        return str(value).strip()
    if field.type == "multi_enum":
        return [str(v) for v in value]
    return value  # strings verbatim, booleans, enum values


# --------------------------------------------------------------------------- a section


def section_input(section: SectionSpec, data: Mapping[str, Any], prefix: str = "") -> tuple[dict[str, Any],
                                                                                           list[Violation]]:
    """Check a section as saved in a draft: every value error, unknown fields too.

    Returns the normalised data (blank values left out: they mean "not filled in") and
    the violations, each named ``<prefix>sections.<section>.<field>``. Missing required
    fields are not errors here (a draft may be incomplete); ``missing_required`` lists them.
    """
    path = f"{prefix}sections.{section.id}"
    stored: dict[str, Any] = {}
    problems: list[Violation] = []
    for key, value in data.items():
        field = section.field(key) if isinstance(key, str) else None
        if field is None:
            problems.append(Violation(f"{path}.{_shown_key(key)}", "unknown_field", _unknown_field(section, key)))
            continue
        if is_blank(value):
            continue
        found = check_value(field, value)
        problems += [Violation(f"{path}.{field.id}", code, message) for code, message in found]
        if not found:
            stored[field.id] = normalise_value(field, value)
    return stored, problems


def missing_required(section: SectionSpec, data: Mapping[str, Any], prefix: str = "") -> list[Violation]:
    return [Violation(f"{prefix}sections.{section.id}.{f.id}", "required", f"请填写“{f.label}”")
            for f in section.fields if f.required and is_blank(data.get(f.id))]


def section_problems(section: SectionSpec, data: Mapping[str, Any]) -> list[Violation]:
    """Every problem of saved section data at submission: missing required fields and
    values the (possibly newer) programme no longer accepts."""
    path = f"sections.{section.id}"
    problems: list[Violation] = []
    for field in section.fields:
        problems += [Violation(f"{path}.{field.id}", code, message)
                     for code, message in check_field(field, data.get(field.id))]
    known = {field.id for field in section.fields}
    problems += [Violation(f"{path}.{_shown_key(key)}", "unknown_field", _unknown_field(section, key))
                 for key in data if key not in known]
    return problems


def _unknown_field(section: SectionSpec, key: Any) -> str:
    accepted = "、".join(f"{f.id}（{f.label}）" for f in section.fields)
    return f"栏目“{section.title}”中没有字段“{_shown_key(key)}”；可填写的字段：{accepted}"


def _shown_key(key: Any) -> str:
    """A key as it may appear in a message: control characters dropped, length bounded."""
    return echo(key, 64)
