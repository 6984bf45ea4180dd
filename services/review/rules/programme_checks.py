"""Reading a programme document: the checker that collects every problem with its path.

``Check`` reads one value at a path (a mapping, a list, text, an id, a number, a moment,
a division code...) and records a problem instead of raising, so a programme admin gets
every problem of a document at once (see ``programme_parser``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any, TypeVar

from kernel.divisions import is_division_code
from review.rules.programmes import BEIJING, ID_RE

T = TypeVar("T")


def join_path(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def kind_of(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    return {dict: "mapping", list: "list", str: "string", int: "integer", float: "number"}.get(
        type(value), type(value).__name__
    )


class Check:
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
                self.fail(join_path(path, key), "required key missing")
        accepted = (*required, *optional)
        for key in m:
            if key not in accepted:
                self.fail(join_path(path, str(key)), f"unknown key; accepted: {', '.join(accepted)}")

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
                self.fail(join_path(path, key), "must not be null")
            return None
        return read(m[key], join_path(path, key))

    # -- readers: (value, path) -> value or None

    def mapping(self, value: Any, path: str) -> dict | None:
        if isinstance(value, dict):
            return value
        self.fail(path, f"expected a mapping, got {kind_of(value)}")
        return None

    def seq(self, value: Any, path: str) -> list | None:
        if isinstance(value, list):
            return value
        self.fail(path, f"expected a list, got {kind_of(value)}")
        return None

    def text(self, value: Any, path: str) -> str | None:
        if isinstance(value, str) and value.strip():
            return value.strip()
        self.fail(path, f"expected a non-empty string, got {kind_of(value)}")
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
        self.fail(path, f"expected true or false, got {kind_of(value)}")
        return None

    def integer(self, value: Any, path: str, minimum: int | None = None) -> int | None:
        if not isinstance(value, int) or isinstance(value, bool):
            self.fail(path, f"expected an integer, got {kind_of(value)}")
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
        self.fail(path, f"expected a number, got {kind_of(value)}")
        return None

    def moment(self, value: Any, path: str) -> datetime | None:
        if isinstance(value, str):
            try:
                value = datetime.fromisoformat(value.strip())
            except ValueError:
                self.fail(path, f"'{value}' is not an ISO 8601 date-time")
                return None
        if not isinstance(value, datetime):
            self.fail(path, f"expected an ISO 8601 date-time with +08:00, got {kind_of(value)}")
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
        self.fail(path, f"expected a date YYYY-MM-DD, got {kind_of(value)}")
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
            item_path = f"{join_path(path, key)}[{index}]"
            if self.mapping(item, item_path) is not None:
                out.append((item_path, item))
        return out

    def each(self, m: Mapping[str, Any], key: str, path: str,
             read: Callable[[str, dict], tuple[str | None, T | None]], what: str) -> list[T]:
        """Every item of list ``m[key]`` read by ``read(item path, item) -> (id, value)``:
        the values that could be read, in order; a repeated id is reported as a ``what``."""
        out: list[T] = []
        ids: list[tuple[str | None, str]] = []
        for item_path, item in self.items(m, key, path):
            identity, value = read(item_path, item)
            ids.append((identity, f"{item_path}.id"))
            if value is not None:
                out.append(value)
        self.unique(ids, what)
        return out


