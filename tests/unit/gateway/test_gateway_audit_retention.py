"""The audit's retention (ZJTX_AUDIT_RETENTION_DAYS) is read at start and never shorter than the law's 180 days."""

from __future__ import annotations

import pytest

from gateway.wiring import StartupError, audit_retention_of


def test_the_retention_defaults_to_180_days_and_may_be_longer() -> None:
    assert audit_retention_of({}) == 180
    assert audit_retention_of({"AUDIT_RETENTION_DAYS": "400"}) == 400


@pytest.mark.parametrize("value", ["90", "179", "half a year", "-200"])
def test_a_shorter_or_malformed_retention_is_refused_at_start(value: str) -> None:
    with pytest.raises(StartupError, match="at least 180"):
        audit_retention_of({"AUDIT_RETENTION_DAYS": value})
