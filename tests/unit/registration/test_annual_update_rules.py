"""The yearly data update (rules effective 2026-04-01): filed from 1 January to 31 May of each
year for the previous year, first the year after the recognition; only a valid recognition."""

from __future__ import annotations

from datetime import datetime

import pytest

from registration.rules import operating_reports as r
from zjtx.errors import DomainError

DUE = (5, 31)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def test_the_update_of_a_year_is_filed_from_january_to_31_may() -> None:
    period = r.annual_period("2027", DUE, first_year=2027)
    assert period.label == "2027年度数据更新（2026年数据）"
    opens, closes = r.annual_window(period)
    assert (opens.isoformat(), closes.isoformat()) == ("2027-01-01T00:00:00+08:00", "2027-05-31T23:59:59+08:00")
    r.check_between(period, opens, closes, at("2027-05-31T23:59:59.900+08:00"))
    with pytest.raises(DomainError) as late:
        r.check_between(period, opens, closes, at("2027-06-01T00:00:00+08:00"))
    assert late.value.code == "report.window_closed"
    with pytest.raises(DomainError) as early:
        r.annual_period("2026", DUE, first_year=2027)   # recognised in 2026: first update in 2027
    assert early.value.code == "update.not_yet" and "2027年5月31日前" in early.value.message


def test_the_open_and_the_last_closed_update() -> None:
    assert r.current_annual(DUE, at("2027-05-20T10:00:00+08:00"), 2027, open_only=True).key == "2027"
    assert r.current_annual(DUE, at("2027-06-02T10:00:00+08:00"), 2027, open_only=True) is None
    assert r.current_annual(DUE, at("2027-06-02T10:00:00+08:00"), 2027, open_only=False).key == "2027"
    assert r.current_annual(DUE, at("2028-03-01T10:00:00+08:00"), 2027, open_only=False).key == "2027"
    assert r.current_annual(DUE, at("2027-03-01T10:00:00+08:00"), 2027, open_only=False) is None


def test_only_a_valid_recognition_updates() -> None:
    assert r.may_update("recognised") == "recognised"
    assert r.may_update("recognised", "revoked") == r.may_update("recognised", "lapsed") == ""
    assert r.may_update("not_recognised") == ""   # the 后备 pool files 定期调度 reports, not the update
