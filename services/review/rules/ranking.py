"""Ranking recommended applications for recognition (择优认定).

Order, best first:

1. rubric score, higher first (only when the programme has a rubric; candidates
   without a score come after those with one);
2. the programme's priority markers in document order (两化融合贯标, then invention
   patents): true before false, larger before smaller, empty last;
3. tie-breaker, so the order never depends on storage or arrival order:
   earlier first submission first (submitting early is not penalised by a later
   correction round), then USCC ascending, then application id ascending.

The same candidates always produce the same order.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from kernel.conditions import as_decimal, lookup

from .programmes import Programme

MarkerValue = bool | Decimal | None


@dataclass(frozen=True)
class Candidate:
    application_id: str
    uscc: str
    submitted_at: datetime  # first submission, timezone-aware
    score: int | Decimal | None = None  # rubric total, None without a rubric
    markers: tuple[MarkerValue, ...] = ()  # in the programme's priority_markers order


def candidate_from(
    programme: Programme,
    *,
    application_id: str,
    uscc: str,
    submitted_at: datetime,
    data: Mapping[str, Mapping[str, Any]],
    score: int | Decimal | None = None,
) -> Candidate:
    """A Candidate with its priority-marker values read from the application data."""
    return Candidate(
        application_id=application_id,
        uscc=uscc,
        submitted_at=submitted_at,
        score=score,
        markers=tuple(marker_value(lookup(data, m.field)) for m in programme.priority_markers),
    )


def marker_value(value: Any) -> MarkerValue:
    """A marker as a comparable value: bool stays bool, numbers become Decimal."""
    if isinstance(value, bool) or value is None:
        return value
    return as_decimal(value)


def _descending(value: MarkerValue | int) -> tuple[int, Decimal]:
    """Sort key part putting larger (and True) first and empty last."""
    if value is None:
        return (1, Decimal(0))
    number = Decimal(int(value)) if isinstance(value, bool) else Decimal(value)
    return (0, -number)


def sort_key(candidate: Candidate) -> tuple:
    if candidate.submitted_at.tzinfo is None:
        raise ValueError(f"{candidate.application_id}: submitted_at must be timezone-aware")
    return (
        _descending(candidate.score),
        tuple(_descending(value) for value in candidate.markers),
        candidate.submitted_at.astimezone(UTC),
        candidate.uscc,
        candidate.application_id,
    )


def rank(candidates: Iterable[Candidate]) -> list[Candidate]:
    """Candidates best first; position ``i`` in the list is rank ``i + 1``."""
    ordered = list(candidates)
    lengths = {len(c.markers) for c in ordered}
    if len(lengths) > 1:
        raise ValueError("candidates carry different numbers of priority markers")
    return sorted(ordered, key=sort_key)


def band_of(eligible_position: int, band: tuple[int, int] | None) -> str:
    """Where the ``eligible_position``-th recognisable application falls against the target's band."""
    if band is None or eligible_position <= band[0]:
        return "within"
    return "tolerance" if eligible_position <= band[1] else "beyond"


def line_text(target: int | None, tolerance: int, eligible: int) -> str:
    """Where the line falls, in the words of the notices ("300左右"), for the ranking screen."""
    if not target:
        return f"本批次未设认定目标数，符合条件的{eligible}家均可认定"
    low, high = max(1, target - tolerance), target + tolerance
    around = f"{target}家左右（{low}–{high}家）" if tolerance else f"{target}家"
    if eligible <= low:
        return f"认定目标{around}；符合条件的推荐企业共{eligible}家，全部在目标以内"
    if eligible <= high:
        return f"认定目标{around}；符合条件的推荐企业共{eligible}家：前{low}名在目标以内，第{low + 1}–{eligible}名在浮动范围内"
    return (f"认定目标{around}；符合条件的推荐企业共{eligible}家：前{low}名在目标以内，"
            f"第{low + 1}–{high}名在浮动范围内，第{high + 1}名起超出目标")
