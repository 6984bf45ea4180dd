"""Taking a submitted application into review: what review keeps (where it goes is ``routing``).

Review keeps from the snapshot what its reviewers and the ranking need (the enterprise
as it was at submission, the section data, the attachment references, the content hash)
so it never calls registration back. The rubric score is computed once per snapshot.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from review.rules.programmes import Programme
from review.rules.rubric import RubricResult, score_programme


def rubric_note(programme: Programme, result: RubricResult) -> str:
    """Why a rubric result does or does not meet the standard, in Chinese."""
    assert programme.rubric is not None
    parts = [f"总分{result.total}分（及格线{result.pass_line}分）"]
    titles = {g.id: g for g in programme.rubric.groups}
    for group_id in result.failed_minimums:
        group = titles[group_id]
        parts.append(f"{group.title}{result.group_points[group_id]}分，低于最低要求{group.min_points}分")
    routes = {r.id: r.title for r in programme.rubric.direct_pass}
    if result.direct_pass_routes:
        parts.append("符合直通条件：" + "、".join(routes[r] for r in result.direct_pass_routes))
    return "；".join(parts)


def rubric_record(programme: Programme, data: Mapping[str, Mapping[str, Any]]) -> dict[str, Any] | None:
    """The stored rubric result of a snapshot (None when the programme has no rubric)."""
    result = score_programme(programme, data)
    if result is None:
        return None
    return {**result.as_dict(), "note": rubric_note(programme, result)}
