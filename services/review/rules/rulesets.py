"""Rule sets by year: the dated rules a programme pins (``rules: <id>`` in its document).

A rule set lives in ``deploy/programmes/rulesets/<id>.yaml`` (schema: the programmes
README, "Rule sets"). It carries a rubric (the same schema as a programme's inline
``rubric``, whose field references are resolved against each programme that pins it),
the validity of a recognition made under it, the yearly data update if any, and where
each figure comes from. A programme document that pins one is checked against it here too
(``pinned_ruleset``, ``ruleset_rubric``). Pure: no Nameko, no pymongo.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from kernel.programme import Window
from review.rules.programme_checks import Check
from review.rules.programmes import FigureSource, ProgrammeError, RuleSet, read_yaml

RULESET_ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
RULESETS_DIR = "rulesets"  # beside the programme documents
_REQUIRED = ("id", "title", "issuer", "document", "effective_from", "validity_years", "rubric", "sources")
_OPTIONAL = ("annual_update_due", "annual_update", "local_group")
UPDATE_KINDS = ("money", "signed_money", "count")  # as registration checks a figure (万元, may be negative, 人/件)
_MONTH_DAY_RE = re.compile(r"^(\d{2})-(\d{2})$")
_DAYS_IN_MONTH = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def parse_ruleset(raw: Any, source: str | None = None) -> RuleSet:
    """Validate a rule set document; ProgrammeError lists every problem with its path."""
    chk = Check()
    doc = chk.mapping(raw, "")
    if doc is None:
        raise ProgrammeError(chk.errors, source)
    chk.keys(doc, "", _REQUIRED, _OPTIONAL)

    def ruleset_id(value: Any, path: str) -> str | None:
        text = chk.text(value, path)
        if text is not None and not RULESET_ID_RE.match(text):
            chk.fail(path, f"'{text}' is not a lowercase ascii kebab-case id")
            return None
        return text

    def validity(value: Any, path: str) -> int | None:
        return chk.positive(value, path)

    head = {
        "id": chk.take(doc, "id", "", ruleset_id),
        "title": chk.take(doc, "title", "", chk.text),
        "issuer": chk.take(doc, "issuer", "", chk.text),
        "document": chk.take(doc, "document", "", chk.text),
        "effective_from": chk.take(doc, "effective_from", "", chk.day),
        # null = a recognition under these rules does not expire
        "validity_years": chk.take(doc, "validity_years", "", validity, required=False),
        "annual_update_due": chk.take(doc, "annual_update_due", "", lambda v, p: _month_day(chk, v, p), False),
        "local_group": chk.take(doc, "local_group", "", chk.ident, False),
    }
    rubric = chk.take(doc, "rubric", "", chk.mapping)
    sources = _parse_sources(chk, doc, rubric)
    annual_update = _parse_annual_update(chk, doc)
    if bool(annual_update) != (head["annual_update_due"] is not None) and not chk.errors:
        chk.fail("annual_update", "annual_update_due and annual_update go together: the date and what is updated")
    if rubric is not None and head["local_group"] is not None:
        groups = [g.get("id") for g in rubric.get("groups") or [] if isinstance(g, dict)]
        if head["local_group"] not in groups:
            chk.fail("local_group", f"no rubric group '{head['local_group']}'")
    if chk.errors:
        raise ProgrammeError(chk.errors, source)
    return RuleSet(**head, rubric=rubric or {}, sources=tuple(sources), annual_update=annual_update)


def _parse_annual_update(chk: Check, doc: Mapping[str, Any]) -> tuple[tuple[str, str, str], ...]:
    out: list[tuple[str, str, str]] = []
    if "annual_update" not in doc:
        return ()
    for path, m in chk.items(doc, "annual_update", ""):
        chk.keys(m, path, ("id", "label", "kind"), ())
        field_id = chk.take(m, "id", path, chk.ident)
        label = chk.take(m, "label", path, chk.text)
        kind = chk.take(m, "kind", path, chk.text)
        if kind is not None and kind not in UPDATE_KINDS:
            chk.fail(f"{path}.kind", f"'{kind}' is not one of {', '.join(UPDATE_KINDS)}")
        elif field_id is not None and label is not None and kind is not None:
            if field_id in {f for f, _, _ in out}:
                chk.fail(f"{path}.id", f"'{field_id}' appears twice")
            out.append((field_id, label, kind))
    return tuple(out)


def _month_day(chk: Check, value: Any, path: str) -> tuple[int, int] | None:
    text = chk.text(value, path)
    match = _MONTH_DAY_RE.match(text or "")
    if text is None:
        return None
    if not match or not (1 <= int(match[1]) <= 12 and 1 <= int(match[2]) <= _DAYS_IN_MONTH[int(match[1]) - 1]):
        chk.fail(path, f"'{text}' is not a month and day as MM-DD (e.g. 05-31)")
        return None
    return int(match[1]), int(match[2])


def _parse_sources(chk: Check, doc: Mapping[str, Any], rubric: Mapping[str, Any] | None) -> list[FigureSource]:
    """Every indicator, route and the pass line must say where its figures come from."""
    out: list[FigureSource] = []
    for path, m in chk.items(doc, "sources", ""):
        chk.keys(m, path, ("item", "source"), ("verified",))
        item = chk.take(m, "item", path, chk.text)
        text = chk.take(m, "source", path, chk.text)
        verified = chk.take(m, "verified", path, chk.text, False) or ""
        if item is not None and text is not None:
            out.append(FigureSource(item, text, verified))
    if rubric is None:
        return out
    named = {s.item for s in out}
    wanted = ["pass_line", "validity_years"]
    wanted += [i.get("id") for i in rubric.get("indicators") or [] if isinstance(i, dict)]
    wanted += [r.get("id") for r in rubric.get("direct_pass") or [] if isinstance(r, dict)]
    for item in wanted:
        if isinstance(item, str) and item not in named:
            chk.fail("sources", f"no source recorded for '{item}'")
    return out


def load_rulesets(directory: str | Path) -> dict[str, RuleSet]:
    """Every rule set in ``directory`` by id ({} when the directory does not exist)."""
    errors: list[str] = []
    out: dict[str, RuleSet] = {}
    folder = Path(directory)
    if not folder.is_dir():
        return out
    for path in sorted(folder.glob("*.yaml")):
        try:
            ruleset = parse_ruleset(read_yaml(path), str(path))
        except (OSError, ValueError) as exc:
            errors.extend(f"{path.name}: {e}" for e in getattr(exc, "errors", [str(exc)]))
            continue
        if path.stem != ruleset.id:
            errors.append(f"{path.name}: id: '{ruleset.id}' must match the file name")
            continue
        out[ruleset.id] = ruleset
    if errors:
        raise ProgrammeError(errors, str(folder))
    return out


# --------------------------------------------------------------------------- pinned by a programme


def pinned_ruleset(
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


def ruleset_rubric(chk: Check, doc: Mapping[str, Any], ruleset: RuleSet) -> dict[str, Any]:
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
