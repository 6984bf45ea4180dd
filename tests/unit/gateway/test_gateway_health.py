"""Readiness answers from a result at most max_age old: frequent probes cost one round of
service health calls per max_age, not one per probe."""

from __future__ import annotations

from gateway.health import Readiness


def test_readiness_probes_at_most_once_per_max_age() -> None:
    now = [100.0]
    calls: list[float] = []

    def probe() -> dict[str, str]:
        calls.append(now[0])
        return {"registration": "SERVING", "review": "SERVING" if len(calls) < 3 else "NOT_SERVING"}

    readiness = Readiness(probe, max_age=1.0, clock=lambda: now[0])
    for step in range(41):  # 40 probes over 2 s
        now[0] = 100.0 + step * 0.05
        state = readiness.state()
        assert state["age_seconds"] <= 1.0
    assert len(calls) == 2, calls  # at 100.0 and just after 101.0
    assert state["ready"] is True
    now[0] = 103.0
    state = readiness.state()
    assert len(calls) == 3 and state["ready"] is False and state["services"]["review"] == "NOT_SERVING"
    assert state["age_seconds"] == 0.0
