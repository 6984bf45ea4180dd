"""What a programme's conditions mean (eligibility gates, priority markers, rubric rules):
a value at ``section.field`` compared with an operand.

Review validates the operands when it loads a programme document; registration checks an
enterprise's data against the gates it receives; both compare with these functions.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

OPERATORS = ("equals", "in", "gte", "gt", "lte", "lt")
NUMERIC_OPERATORS = ("gte", "gt", "lte", "lt")


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
        return same(value, operand)
    if operator == "in":
        return any(same(value, item) for item in operand)
    number = as_decimal(value)
    if number is None or not isinstance(operand, Decimal):
        return False
    return {"gte": number >= operand, "gt": number > operand,
            "lte": number <= operand, "lt": number < operand}[operator]


test_holds.__test__ = False  # type: ignore[attr-defined]  # not a pytest test when imported by one


def same(value: Any, operand: Any) -> bool:
    """``equals``: a boolean only equals a boolean; a number equals the same number however written."""
    if isinstance(operand, bool):
        return isinstance(value, bool) and value is operand
    if isinstance(operand, Decimal):
        number = as_decimal(value)
        return number is not None and number == operand
    return value == operand


def operand_from_json(value: Any) -> Any:
    """A JSON operand in its comparison form: numbers exact (Decimal), lists as tuples."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int | float):
        return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    if isinstance(value, list):
        return tuple(operand_from_json(v) for v in value)
    raise ValueError(f"unsupported gate operand {value!r}")
