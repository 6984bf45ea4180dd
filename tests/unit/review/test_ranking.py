"""Ranking recommended applications: score, priority markers, then the tie-breaker."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta, timezone

import pytest

from review.rules.programmes import Programme
from review.rules.ranking import Candidate, candidate_from, rank

BEIJING = timezone(timedelta(hours=8))
T0 = datetime(2020, 5, 1, 9, 0, tzinfo=BEIJING)


def c(app: str, *, uscc: str = "91430100MA4L000001", minutes: int = 0, score=None, markers=()) -> Candidate:
    return Candidate(app, uscc, T0 + timedelta(minutes=minutes), score, tuple(markers))


def order(candidates: list[Candidate]) -> list[str]:
    return [candidate.application_id for candidate in rank(candidates)]


def test_markers_order_when_there_is_no_rubric() -> None:
    candidates = [
        c("plain", markers=(False, 5)),
        c("certified", markers=(True, 0)),
        c("certified-patents", markers=(True, 3)),
        c("unknown", markers=(None, None)),
    ]
    # 两化融合贯标 first, then more invention patents; empty values last.
    assert order(candidates) == ["certified-patents", "certified", "plain", "unknown"]


def test_score_comes_before_markers() -> None:
    candidates = [c("high-score", score=80, markers=(False, 0)), c("markers", score=75, markers=(True, 9))]
    assert order(candidates) == ["high-score", "markers"]


def test_tie_break_is_first_submission_then_uscc() -> None:
    candidates = [
        c("later", minutes=5, markers=(True, 2)),
        c("usc-b", uscc="91430400MA4L00000B", markers=(True, 2)),
        c("usc-a", uscc="91430400MA4L00000A", markers=(True, 2)),
    ]
    assert order(candidates) == ["usc-a", "usc-b", "later"]
    # The same instant in another timezone is the same time.
    same = Candidate("utc", "91430400MA4L00000C", T0.astimezone(UTC), None, (True, 2))
    assert order([*candidates, same]) == ["usc-a", "usc-b", "utc", "later"]


def test_ranking_is_deterministic() -> None:
    candidates = [c(f"a{i}", uscc=f"9143{i:014d}", minutes=i % 3, markers=(i % 2 == 0, i % 4)) for i in range(12)]
    expected = order(candidates)
    for seed in range(5):
        shuffled = candidates[:]
        random.Random(seed).shuffle(shuffled)
        assert order(shuffled) == expected


def test_candidates_from_application_data(hunan: Programme) -> None:
    first = candidate_from(
        hunan, application_id="a1", uscc="91430100MA4L000001", submitted_at=T0,
        data={"other": {"two_integration": True}, "innovation": {"invention_patents": "2"}},
    )
    second = candidate_from(
        hunan, application_id="a2", uscc="91430100MA4L000002", submitted_at=T0,
        data={"other": {"two_integration": True}, "innovation": {"invention_patents": 10}},
    )
    assert first.markers[0] is True
    assert [x.application_id for x in rank([first, second])] == ["a2", "a1"]


def test_naive_submission_time_is_refused() -> None:
    with pytest.raises(ValueError):
        rank([Candidate("a", "u", datetime(2020, 5, 1), None, ())])
    with pytest.raises(ValueError):
        rank([c("a", markers=(True,)), c("b", markers=(True, 1))])
