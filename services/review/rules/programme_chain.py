"""Programme documents: the review chain, read and validated for ``programme_parser``.

Its levels in order (which kind of unit reviews each, what it checks, what it uploads),
exactly one final level at the top that fits the programme's level, and review deadlines
that never close a level before the one below it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from kernel.programme import Window
from review.rules.programme_checks import Check
from review.rules.programmes import FINAL_KIND_FOR_LEVEL, UNIT_KIND_RANK, UNIT_KINDS, ChainLevel

_LEVEL_REQUIRED = ("level", "unit_kind", "title", "checks", "requires_summary_upload", "final")
_LEVEL_OPTIONAL = ("requires_report_upload", "review_closes_at")


def parse_chain(
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
