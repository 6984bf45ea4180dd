"""Programme documents: parsing and validating the whole document, and loading them.

Every problem is reported at once, each with its path (``sections[2].fields[0].type:
unknown type 'strng'; accepted: ...``): see ``programme_checks.Check``. This module reads
the document's head, window, focus categories, summary table columns, notice and 复核 and
reporting settings, and puts the parts together; the other parts are read by
``programme_forms`` (sections and fields, attachments, the pledge), ``programme_chain``
(the review chain), ``programme_criteria`` (gates, priority markers, the rubric) and
``rulesets`` (the rule set a programme pins). The model itself is ``programmes``.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from kernel.programme import FieldSpec as Field
from kernel.programme import Window
from review.rules.programme_chain import parse_chain
from review.rules.programme_checks import Check
from review.rules.programme_criteria import parse_gates, parse_markers, parse_rubric
from review.rules.programme_forms import parse_attachments, parse_pledge, parse_sections
from review.rules.programmes import (
    FIXED_SOURCES,
    NATIONAL,
    PROGRAMME_ID_RE,
    PROGRAMME_LEVELS,
    FocusCategory,
    Notice,
    Programme,
    ProgrammeError,
    RuleSet,
    SummaryColumn,
    read_yaml,
)
from review.rules.rulesets import RULESETS_DIR, load_rulesets, pinned_ruleset, ruleset_rubric

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
    sections = parse_sections(chk, doc, focus)
    fields = {f"{s.id}.{f.id}": f for s in sections for f in s.fields}
    chain = parse_chain(chk, doc, window, head.get("level"))
    attachments = parse_attachments(chk, doc)
    pledge = chk.take(doc, "pledge", "", lambda v, p: parse_pledge(chk, v, p))
    gates = parse_gates(chk, doc, fields)
    markers = parse_markers(chk, doc, fields)
    ruleset = pinned_ruleset(chk, doc, rulesets or {}, window)
    if ruleset is not None:
        rubric = parse_rubric(chk, ruleset_rubric(chk, doc, ruleset), f"rules({ruleset.id}).rubric", fields)
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

