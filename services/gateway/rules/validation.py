"""Input validation: JSON Schema (2020-12) with Chinese messages, and the key guard.

Every JSON body and every query string is checked against its route's schema
(``additionalProperties: false`` everywhere) before anything else happens. Independently
of any schema, no key that starts with ``$``, contains ``.`` or a NUL character is ever
accepted, so nothing a person sends can become a MongoDB operator or a dotted path.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Iterator, Mapping
from functools import lru_cache
from itertools import accumulate, count
from typing import Any

from jsonschema import Draft202012Validator, validators
from jsonschema.exceptions import ValidationError

from zjtx.errors import Violation, invalid

TYPE_ZH = {"string": "文本", "integer": "整数", "number": "数字", "boolean": "布尔值（true/false）",
           "object": "对象", "array": "列表", "null": "空值"}
MAX_DEPTH = 12  # nested arrays/objects in a JSON body
_STRINGS = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_BRACKETS = bytes.maketrans(b"[{]}", b"\x02\x02\x00\x00")
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[{]}")


def nesting_depth(raw: bytes) -> int:
    """How deeply the arrays and objects of a JSON text nest, in linear time and without
    recursion (decided before any parser touches the text): string contents are skipped,
    then the running depth over the remaining brackets is computed in C (itertools)."""
    brackets = _STRINGS.sub(b"", raw).translate(None, _NOT_BRACKETS).translate(_BRACKETS)
    if not brackets:
        return 0
    # each opening bracket is 2, each closing one 0: the depth after k brackets is sum - k
    return max(0, max(map(operator.sub, accumulate(brackets), count(1))))


def too_deep(raw: bytes) -> Violation | None:
    if raw.count(b"[") + raw.count(b"{") <= MAX_DEPTH:  # too few brackets to nest too deeply
        return None
    if nesting_depth(raw) <= MAX_DEPTH:
        return None
    return Violation("body", "request.too_deep", f"JSON 嵌套层级超过{MAX_DEPTH}层，不被接受（最多{MAX_DEPTH}层数组或对象）")


@lru_cache(maxsize=1024)
def _ecma_pattern(pattern: str) -> re.Pattern[str]:
    """``pattern`` read as ECMA-262 (and Rust) read it: a final ``$`` is the end of the text, where
    Python's ``$`` also matches before a final newline ("abc\\n" would pass "^[a-z]+$")."""
    if pattern.endswith("$") and not pattern.endswith("\\$"):
        pattern = pattern[:-1] + "\\Z"
    return re.compile(pattern)


def _pattern(validator: Any, pattern: str, instance: Any, schema: Any) -> Iterator[ValidationError]:
    if validator.is_type(instance, "string") and not _ecma_pattern(pattern).search(instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


# Draft 2020-12 with patterns anchored as the OpenAPI document's readers (ECMA-262) anchor them
Validator = validators.extend(Draft202012Validator, {"pattern": _pattern})


def key_problem(key: str) -> str | None:
    if key.startswith("$"):
        return "不能以“$”开头"
    if "." in key:
        return "不能包含“.”"
    if "\x00" in key:
        return "不能包含空字符"
    return None


def forbidden_keys(value: Any, path: str = "", depth: int = 0) -> list[Violation]:
    """Every key, at any depth, that could be read as a MongoDB operator or dotted path."""
    problems: list[Violation] = []
    if depth > MAX_DEPTH:
        return [Violation(path or "body", "request.too_deep", f"嵌套层级超过{MAX_DEPTH}层，不被接受")]
    if isinstance(value, Mapping):
        for key, item in value.items():
            here = f"{path}.{key}" if path else str(key)
            problem = key_problem(str(key))
            if problem:
                problems.append(Violation(here, "request.forbidden_key", f"字段名“{key}”{problem}，不被接受"))
            else:
                problems.extend(forbidden_keys(item, here, depth + 1))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            problems.extend(forbidden_keys(item, f"{path}[{index}]", depth + 1))
    return problems


def _path(error: ValidationError, prefix: str) -> str:
    text = prefix
    for part in error.absolute_path:
        text = f"{text}[{part}]" if isinstance(part, int) else (f"{text}.{part}" if text else str(part))
    return text or "body"


def _preview(value: Any) -> str:
    text = str(value)
    return text if len(text) <= 40 else text[:40] + "…"


def _message(error: ValidationError) -> tuple[str, str]:
    """(code, Chinese message) for one schema error; the schema's ``x-message`` says what is accepted."""
    schema = error.schema if isinstance(error.schema, dict) else {}
    accepted = schema.get("x-message", "")
    kind, value = error.validator, error.validator_value
    if kind == "required":
        missing = [name for name in value if isinstance(error.instance, dict) and name not in error.instance]
        return "required", f"缺少必填字段：{'、'.join(missing)}"
    if kind == "additionalProperties":
        extra = sorted(set(error.instance) - set(schema.get("properties", {}))) if isinstance(error.instance, dict) else []
        allowed = "、".join(schema.get("properties", {})) or "无"
        return "unknown_field", f"不接受字段：{'、'.join(extra)}；可用字段：{allowed}"
    if kind == "type":
        names = value if isinstance(value, list) else [value]
        return "type", f"类型错误：应为{'或'.join(TYPE_ZH.get(n, n) for n in names)}"
    if kind == "maxLength":
        return "too_long", f"最多{value}个字符（当前{len(error.instance)}个）"
    if kind == "minLength":
        return ("empty", "不能为空") if value == 1 else ("too_short", f"至少{value}个字符（当前{len(error.instance)}个）")
    if kind == "pattern":
        # never echo a password, a mobile number or an e-mail address
        shown = "" if schema.get("x-secret") or schema.get("x-personal") else f"（“{_preview(error.instance)}”）"
        return "format", f"格式不正确{shown}" + (f"；{accepted}" if accepted else "")
    if kind in ("enum", "const"):
        options = value if isinstance(value, list) else [value]
        return "not_allowed", f"取值“{_preview(error.instance)}”无效；可选：{'、'.join(str(o) for o in options)}"
    if kind in ("minimum", "exclusiveMinimum"):
        return "too_small", f"不能小于{value}" if kind == "minimum" else f"必须大于{value}"
    if kind in ("maximum", "exclusiveMaximum"):
        return "too_large", f"不能大于{value}" if kind == "maximum" else f"必须小于{value}"
    if kind == "maxItems":
        return "too_many", f"最多{value}项（当前{len(error.instance)}项）"
    if kind == "minItems":
        return "too_few", f"至少{value}项"
    if kind == "maxProperties":
        return "too_many", f"最多{value}个字段"
    if kind == "uniqueItems":
        return "duplicate", "列表中有重复项"
    if kind == "propertyNames":
        return "key_format", "字段名格式不正确" + (f"；{accepted}" if accepted else "")
    return "invalid", "取值不正确" + (f"；{accepted}" if accepted else "")


class SchemaChecker:
    """A compiled schema; ``problems(instance)`` lists every violation in Chinese."""

    def __init__(self, schema: dict[str, Any], prefix: str = "") -> None:
        Draft202012Validator.check_schema(schema)
        self.schema = schema
        self.prefix = prefix
        # formats (uscc, gb2260-county) are annotations here: the services check them with their own rules
        self._validator = Validator(schema)

    def problems(self, instance: Any) -> list[Violation]:
        found: list[Violation] = []
        for error in sorted(self._validator.iter_errors(instance), key=lambda e: list(map(str, e.absolute_path))):
            code, message = _message(error)
            found.append(Violation(_path(error, self.prefix), f"request.{code}", message))
        return found


def check_body(checker: SchemaChecker, body: Any) -> None:
    problems = forbidden_keys(body) or checker.problems(body)
    if problems:
        raise invalid("request.invalid", f"请求内容有{len(problems)}处不符合要求", problems)


def coerce_query(raw: Mapping[str, list[str]], schema: dict[str, Any]) -> tuple[dict[str, Any], list[Violation]]:
    """Query strings are text: convert each declared parameter to its schema type first."""
    values: dict[str, Any] = {}
    problems: list[Violation] = []
    properties = schema.get("properties", {})
    for name, items in raw.items():
        problem = key_problem(name)
        if problem:
            problems.append(Violation(name, "request.forbidden_key", f"查询参数名“{name}”{problem}，不被接受"))
            continue
        spec = properties.get(name)
        if spec is None:
            values[name] = items[-1]  # reported as unknown by the schema
            continue
        if len(items) > 1 and spec.get("type") != "array":
            problems.append(Violation(name, "request.repeated", f"查询参数“{name}”只能出现一次"))
            continue
        values[name] = _coerce(items if spec.get("type") == "array" else items[0], spec)
    return values, problems


def _coerce(value: Any, spec: dict[str, Any]) -> Any:
    kind = spec.get("type")
    if kind == "array":
        return [_coerce(v, spec.get("items", {})) for v in value]
    if kind == "integer":
        try:
            return int(value, 10) if value.strip().lstrip("+-").isdigit() else value
        except ValueError:
            return value
    if kind == "boolean":
        return {"true": True, "false": False, "1": True, "0": False}.get(value.lower(), value)
    return value


def query_problems(checker: SchemaChecker, values: dict[str, Any]) -> list[Violation]:
    """The schema's problems with the query string, each naming its parameter as one (the
    field is the parameter's name; the message says it is a query parameter)."""
    properties = checker.schema.get("properties", {})
    accepted = "、".join(properties) or "无"
    found: list[Violation] = []
    for error in sorted(checker._validator.iter_errors(values), key=lambda e: list(map(str, e.absolute_path))):
        path = list(error.absolute_path)
        if not path and error.validator == "additionalProperties":
            for name in sorted(set(values) - set(properties)):
                found.append(Violation(name, "request.unknown_field",
                                       f"不接受查询参数“{name}”；可用查询参数：{accepted}"))
            continue
        if not path and error.validator == "required":
            for name in error.validator_value:
                if name not in values:
                    found.append(Violation(name, "request.required", f"缺少必填的查询参数“{name}”"))
            continue
        code, message = _message(error)
        name = str(path[0]) if path else "query"
        found.append(Violation(name, f"request.{code}", f"查询参数“{name}”：{message}"))
    return found


def check_query(checker: SchemaChecker, raw: Mapping[str, list[str]]) -> dict[str, Any]:
    values, problems = coerce_query(raw, checker.schema)
    problems = problems or query_problems(checker, values)
    if problems:
        raise invalid("request.invalid", f"查询参数有{len(problems)}处不符合要求", problems)
    return values
