"""Programme documents: parsing and validating the whole document, and loading them.

Every problem is reported at once, each with its path (``sections[2].fields[0].type:
unknown type 'strng'; accepted: ...``): see ``programme_checks.Check``. The criteria a
programme judges by (gates, priority markers, the rubric) are read by
``programme_criteria``; the model itself is ``programmes``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from kernel.programme import AttachmentSpec, Option, Window
from kernel.programme import FieldSpec as Field
from review.rules.programme_checks import Check
from review.rules.programme_criteria import parse_gates, parse_markers, parse_rubric
from review.rules.programmes import (
    ENUM_TYPES,
    FIELD_TYPES,
    FINAL_KIND_FOR_LEVEL,
    FIXED_SOURCES,
    MEDIA_TYPE_RE,
    NATIONAL,
    NUMERIC_TYPES,
    OPTIONS_FROM,
    PROGRAMME_ID_RE,
    PROGRAMME_LEVELS,
    TEXT_TYPES,
    UNIT_KIND_RANK,
    UNIT_KINDS,
    ChainLevel,
    FocusCategory,
    Notice,
    Pledge,
    Programme,
    ProgrammeError,
    RuleSet,
    Section,
    SummaryColumn,
    fmt_number,
    read_yaml,
)
from review.rules.rulesets import RULESETS_DIR, load_rulesets

_TOP_REQUIRED = (
    "id", "version", "title", "year", "level", "owner", "owner_name", "publicity_days",
    "window", "max_return_rounds", "review_chain", "sections", "attachments", "pledge",
    "eligibility_gates", "priority_markers", "focus_categories", "summary_table_columns",
)
_TOP_OPTIONAL = ("target_count", "recommend_to", "rubric", "notice", "target_tolerance", "return_grace_days",
                 "undecided_at_review_deadline", "rules", "local_indicators", "validity_years", "renews",
                 "operating_reports", "archive_years")
# what happens to a review task still undecided when its level's review deadline passes
UNDECIDED_ACTIONS = ("expire", "escalate")


def parse_programme(
    raw: Any, source: str | None = None, rulesets: Mapping[str, RuleSet] | None = None
) -> Programme:
    """Validate a parsed document and build the Programme; ProgrammeError lists all errors.

    ``rulesets``: the rule sets a ``rules: <id>`` may pin (``rulesets.load_rulesets``).
    """
    chk = Check()
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
    gates = parse_gates(chk, doc, fields)
    markers = parse_markers(chk, doc, fields)
    ruleset = _pinned_ruleset(chk, doc, rulesets or {}, window)
    if ruleset is not None:
        rubric = parse_rubric(chk, _ruleset_rubric(chk, doc, ruleset), f"rules({ruleset.id}).rubric", fields)
    else:
        rubric = chk.take(doc, "rubric", "", lambda v, p: parse_rubric(chk, v, p, fields), False)
    has_rubric = bool(doc.get("rubric")) or "rules" in doc  # an unknown rule set is reported once
    columns = _parse_columns(chk, doc, fields, has_rubric=has_rubric)
    notice = chk.take(doc, "notice", "", lambda v, p: _parse_notice(chk, v, p), False)
    validity = chk.take(doc, "validity_years", "", chk.positive, False)
    if validity is not None and ruleset is not None:
        chk.fail("validity_years", f"the pinned rule set '{ruleset.id}' sets the validity; remove it here")
    renews = chk.take(doc, "renews", "", lambda v, p: _read_renews(chk, v, p, head.get("id")), False) or ()
    chk.take(doc, "operating_reports", "", lambda v, p: _check_operating_reports(chk, v, p), False)
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
        rules=ruleset,
        validity_years_own=validity,
        renews=tuple(renews),
    )


REPORT_FREQUENCIES = ("monthly", "quarterly")


def _check_operating_reports(chk: Check, value: Any, path: str) -> None:
    """定期调度: how often recognised and 后备 enterprises report (registration reads it from the document)."""
    m = chk.mapping(value, path)
    if m is None:
        return
    chk.keys(m, path, ("frequency", "window_days", "remind_days_before"))
    chk.take(m, "frequency", path, lambda v, p: chk.one_of(v, p, REPORT_FREQUENCIES, "frequency"))
    days = chk.take(m, "window_days", path, chk.positive)
    remind = chk.take(m, "remind_days_before", path, chk.count)
    if days is not None and days > 60:
        chk.fail(f"{path}.window_days", f"at most 60 days, got {days}")
    if days is not None and remind is not None and remind >= days:
        chk.fail(f"{path}.remind_days_before", f"must be less than window_days ({days})")


def _read_renews(chk: Check, value: Any, path: str, own_id: str | None) -> list[str] | None:
    """A 复核 cycle names the programmes whose recognitions it renews (checked across files on load)."""
    items = chk.seq(value, path)
    if items is None:
        return None
    out = [text for i, item in enumerate(items) if (text := chk.text(item, f"{path}[{i}]")) is not None]
    if own_id in out:
        chk.fail(path, "a programme cannot renew its own recognitions")
    return out


def _pinned_ruleset(
    chk: Check, doc: Mapping[str, Any], rulesets: Mapping[str, RuleSet], window: Window | None
) -> RuleSet | None:
    """The rule set named by ``rules``, checked against the programme's dates."""
    if "local_indicators" in doc and "rules" not in doc:
        chk.fail("local_indicators", "only with 'rules' naming a rule set that leaves a group to the province")
    if "rules" not in doc:
        return None
    if "rubric" in doc:
        chk.fail("rubric", "a programme pinning 'rules' takes its rubric from the rule set; remove one of them")
        return None
    ruleset_id = chk.take(doc, "rules", "", chk.text)
    if ruleset_id is None:
        return None
    ruleset = rulesets.get(ruleset_id)
    if ruleset is None:
        known = ", ".join(sorted(rulesets)) or "none"
        chk.fail("rules", f"no rule set '{ruleset_id}' in {RULESETS_DIR}/; loaded: {known}")
        return None
    if window is not None and window.opens_at.date() < ruleset.effective_from:
        chk.fail("rules", f"rule set '{ruleset_id}' takes effect on {ruleset.effective_from}; "
                          f"the programme opens on {window.opens_at.date()}")
    return ruleset


def _ruleset_rubric(chk: Check, doc: Mapping[str, Any], ruleset: RuleSet) -> dict[str, Any]:
    """The rule set's rubric with the programme's own indicators for the province's group."""
    rubric = dict(ruleset.rubric)
    local = doc.get("local_indicators")
    if ruleset.local_group is None:
        if local is not None:
            chk.fail("local_indicators", f"rule set '{ruleset.id}' leaves no group to the province")
        return rubric
    if not isinstance(local, list) or not local:
        chk.fail("local_indicators", f"rule set '{ruleset.id}' leaves group '{ruleset.local_group}' "
                                     "to the province: list its indicators here (1 to 3)")
        return rubric
    for index, item in enumerate(local):
        if isinstance(item, dict) and item.get("group") != ruleset.local_group:
            chk.fail(f"local_indicators[{index}].group", f"must be '{ruleset.local_group}'")
    rubric["indicators"] = [*(rubric.get("indicators") or []), *local]
    return rubric


def _parse_head(chk: Check, doc: Mapping[str, Any]) -> dict[str, Any]:
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
        "target_tolerance": chk.take(doc, "target_tolerance", "", chk.count, required=False) or 0,
        "return_grace_days": chk.take(doc, "return_grace_days", "", chk.count, required=False) or 0,
        "undecided_at_review_deadline": chk.take(
            doc, "undecided_at_review_deadline", "",
            lambda v, p: chk.one_of(v, p, UNDECIDED_ACTIONS, "action"), required=False) or "expire",
    }
    # years the programme's records are kept before personal data may be erased: checked here, kept in
    # the document (document_json) and read by kernel.programme (default kernel.personal.DEFAULT_ARCHIVE_YEARS)
    chk.take(doc, "archive_years", "", chk.positive, required=False)
    if head["target_tolerance"] and not head["target_count"]:
        chk.fail("target_tolerance", "a tolerance needs a target_count to be around")
    elif head["target_count"] and head["target_tolerance"] >= head["target_count"]:
        chk.fail("target_tolerance", f"must be smaller than target_count ({head['target_count']})")
    _check_owner_level(chk, head["level"], head["owner"])
    if head["recommend_to"] is not None and head["recommend_to"] == head["id"]:
        chk.fail("recommend_to", "a programme cannot recommend to itself")
    return head


def _check_owner_level(chk: Check, level: str | None, owner: str | None) -> None:
    if level is None or owner is None:
        return
    if level == "province" and not owner.endswith("0000"):
        chk.fail("owner", f"a province programme needs a province code (xx0000), got {owner}")
    if level == "city" and (owner.endswith("0000") or not owner.endswith("00")):
        chk.fail("owner", f"a city programme needs a city code (xxxx00), got {owner}")


def _parse_window(chk: Check, raw: Any, path: str) -> Window | None:
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


def _parse_focus(chk: Check, doc: Mapping[str, Any]) -> list[FocusCategory]:
    def read(path: str, m: dict) -> tuple[str | None, FocusCategory | None]:
        chk.keys(m, path, ("id", "title", "text"))
        values = (
            chk.take(m, "id", path, chk.ident),
            chk.take(m, "title", path, chk.text),
            chk.take(m, "text", path, chk.text),
        )
        return values[0], None if None in values else FocusCategory(*values)

    return chk.each(doc, "focus_categories", "", read, "focus category id")


_FIELD_REQUIRED = ("id", "label", "type", "required")
_FIELD_OPTIONAL = (
    "min", "max", "min_length", "max_length", "pattern", "options", "options_from", "unit", "help", "personal",
)


def _parse_sections(
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


_LEVEL_REQUIRED = ("level", "unit_kind", "title", "checks", "requires_summary_upload", "final")
_LEVEL_OPTIONAL = ("requires_report_upload", "review_closes_at")


def _parse_chain(
    chk: Check, doc: Mapping[str, Any], window: Window | None, programme_level: str | None
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


def _parse_level(chk: Check, m: Mapping[str, Any], path: str, expected: int) -> ChainLevel | None:
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


def _read_checks(chk: Check, value: Any, path: str) -> tuple[str, ...] | None:
    raw = chk.seq(value, path)
    if raw is None:
        return None
    checks = [chk.text(item, f"{path}[{i}]") for i, item in enumerate(raw)]
    chk.unique([(c, f"{path}[{i}]") for i, c in enumerate(checks)], "check")
    return None if None in checks else tuple(checks)


def _check_chain(
    chk: Check, chain: Sequence[ChainLevel], window: Window | None, programme_level: str | None
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


def _check_chain_deadlines(chk: Check, chain: Sequence[ChainLevel], window: Window) -> None:
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


def _parse_attachments(chk: Check, doc: Mapping[str, Any]) -> list[AttachmentSpec]:
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


def _parse_pledge(chk: Check, raw: Any, path: str) -> Pledge | None:
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


def _parse_columns(
    chk: Check, doc: Mapping[str, Any], fields: Mapping[str, Field], has_rubric: bool
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
    chk: Check, value: Any, path: str, fields: Mapping[str, Field], has_rubric: bool
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


def _parse_notice(chk: Check, raw: Any, path: str) -> Notice | None:
    m = chk.mapping(raw, path)
    if m is None:
        return None
    chk.keys(m, path, ("issuer",), ("title", "dated"))
    issuer = chk.take(m, "issuer", path, chk.text)
    title = chk.take(m, "title", path, chk.text, required=False)
    dated = chk.take(m, "dated", path, chk.day, required=False)
    return None if issuer is None else Notice(issuer, title, dated)


# --------------------------------------------------------------------------- loading


def load_programme(path: str | Path, rulesets: Mapping[str, RuleSet] | None = None) -> Programme:
    """Load and validate one programme document; ProgrammeError lists every problem.

    Without ``rulesets`` the rule sets beside the document (``rulesets/``) are read.
    """
    source = str(path)
    try:
        raw = read_yaml(path)
    except (OSError, ValueError) as exc:
        raise ProgrammeError([str(exc)], source) from exc
    if rulesets is None:
        rulesets = load_rulesets(Path(path).parent / RULESETS_DIR)
    return parse_programme(raw, source, rulesets)


def load_programmes(directory: str | Path) -> dict[str, Programme]:
    """Every ``*.yaml`` programme in ``directory`` by id.

    Also checks what one document cannot: the file is named ``<id>.yaml``, ids are
    unique, and ``recommend_to`` names a loaded programme or ``national``. Errors
    from all files are raised together, each prefixed with its file name.
    """
    errors: list[str] = []
    programmes: dict[str, Programme] = {}
    rulesets = load_rulesets(Path(directory) / RULESETS_DIR)
    files = sorted(Path(directory).glob("*.yaml")) + sorted(Path(directory).glob("*.yml"))
    for path in files:
        try:
            programme = load_programme(path, rulesets)
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
        for renewed in programme.renews:
            other = programmes.get(renewed)
            if other is None:
                errors.append(f"{programme.id}.yaml: renews: no programme '{renewed}' in {directory}")
            elif other.owner != programme.owner or other.year >= programme.year:
                errors.append(f"{programme.id}.yaml: renews: '{renewed}' must be an earlier programme of the same owner")
        target = programme.recommend_to
        if target is not None and target != NATIONAL and target not in programmes:
            errors.append(
                f"{programme.id}.yaml: recommend_to: no programme '{target}' "
                f"(nor '{NATIONAL}') in {directory}"
            )
    if errors:
        raise ProgrammeError(errors, str(directory))
    return programmes

