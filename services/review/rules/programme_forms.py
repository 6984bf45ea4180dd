"""Programme documents: what an enterprise fills in, uploads and signs.

The sections with their fields (types, bounds, options), the required attachments and the
authenticity pledge, read and validated for ``programme_parser`` with every problem at once
(``programme_checks.Check``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from kernel.programme import AttachmentSpec, Option
from kernel.programme import FieldSpec as Field
from review.rules.programme_checks import Check
from review.rules.programmes import (
    ENUM_TYPES,
    FIELD_TYPES,
    MEDIA_TYPE_RE,
    NUMERIC_TYPES,
    OPTIONS_FROM,
    TEXT_TYPES,
    FocusCategory,
    Pledge,
    Section,
    fmt_number,
)

_FIELD_REQUIRED = ("id", "label", "type", "required")
_FIELD_OPTIONAL = (
    "min", "max", "min_length", "max_length", "pattern", "options", "options_from", "unit", "help", "personal",
)


def parse_sections(
    chk: Check, doc: Mapping[str, Any], focus: Sequence[FocusCategory]
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
    chk: Check, section: Mapping[str, Any], path: str, focus: Sequence[FocusCategory]
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
    chk: Check, m: Mapping[str, Any], path: str, focus: Sequence[FocusCategory]
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
    # personal: true marks a field that names or reaches a person (kept in document_json, read by
    # kernel.programme: sealed at rest and in events, erased after the archive period)
    chk.take(m, "personal", path, chk.boolean, required=False)
    options = _field_options(chk, m, path, kind, focus)
    if kind is not None:
        _check_field_shape(chk, m, path, kind, lo, hi, min_len, max_len)
    if len(chk.errors) > before:
        return None
    return Field(
        field_id, label, kind, required, lo, hi, min_len, max_len, pattern, options, unit,
        help_text,
    )


def _type_reader(chk: Check) -> Callable[[Any, str], str | None]:
    def read(value: Any, path: str) -> str | None:
        if isinstance(value, str) and value in FIELD_TYPES:
            return value
        chk.fail(path, f"unknown type {value!r}; accepted: {', '.join(FIELD_TYPES)}")
        return None

    return read


def _read_pattern(chk: Check, value: Any, path: str) -> str | None:
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
    chk: Check,
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
        chk.fail(f"{path}.min", f"min {fmt_number(lo)} is greater than max {fmt_number(hi)}")
    if kind == "integer":
        for key, bound in (("min", lo), ("max", hi)):
            if bound is not None and bound != bound.to_integral_value():
                chk.fail(f"{path}.{key}", "must be a whole number on an integer field")
    if min_len is not None and max_len is not None and min_len > max_len:
        chk.fail(f"{path}.min_length", f"min_length {min_len} is greater than max_length {max_len}")
    if kind in ENUM_TYPES and ("options" in m) == ("options_from" in m):
        chk.fail(f"{path}.options", f"a {kind} field needs exactly one of options, options_from")


def _field_options(
    chk: Check, m: Mapping[str, Any], path: str, kind: str | None, focus: Sequence[FocusCategory]
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


_ATTACHMENT_KEYS = (
    "kind", "title", "min_count", "max_count", "media_types", "max_bytes", "required",
)


def parse_attachments(chk: Check, doc: Mapping[str, Any]) -> list[AttachmentSpec]:
    out: list[AttachmentSpec] = []
    kinds: list[tuple[str | None, str]] = []
    for path, m in chk.items(doc, "attachments", ""):
        spec = _parse_attachment(chk, m, path)
        kinds.append((m.get("kind") if isinstance(m.get("kind"), str) else None, f"{path}.kind"))
        if spec is not None:
            out.append(spec)
    chk.unique(kinds, "attachment kind")
    return out


def _parse_attachment(chk: Check, m: Mapping[str, Any], path: str) -> AttachmentSpec | None:
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


def _read_media_types(chk: Check, value: Any, path: str) -> tuple[str, ...] | None:
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


def parse_pledge(chk: Check, raw: Any, path: str) -> Pledge | None:
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
