from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest

from zjtx.clock import Clock, ClockError, iso, set_clock_file, to_shanghai


def test_frozen_instant() -> None:
    clock = Clock("2020-05-15T23:59:59+08:00")
    assert clock.now() == datetime(2020, 5, 15, 15, 59, 59, tzinfo=timezone.utc)
    assert to_shanghai(clock.now()).strftime("%Y-%m-%d %H:%M:%S") == "2020-05-15 23:59:59"


def test_running_clock_advances_from_the_instant() -> None:
    clock = Clock("2020-05-01T09:00:00+08:00 running")
    first = clock.now()
    assert datetime(2020, 5, 1, 1, 0, tzinfo=timezone.utc) <= first < datetime(2020, 5, 1, 1, 1, tzinfo=timezone.utc)
    assert clock.now() >= first


def test_system_clock_when_unset() -> None:
    assert abs((Clock("").now() - datetime.now(timezone.utc)).total_seconds()) < 5


def test_clock_file_is_followed_when_it_changes(tmp_path: Path) -> None:
    path = tmp_path / "clock"
    set_clock_file(path, "2020-05-15T23:59:59+08:00")
    clock = Clock(f"@{path}")
    assert iso(clock.now()) == "2020-05-15T15:59:59.000Z"
    set_clock_file(path, "2020-05-16T00:00:00+08:00")
    assert iso(clock.now()) == "2020-05-15T16:00:00.000Z"


@pytest.mark.parametrize("setting", ["yesterday", "2020-05-15T23:59:59"])
def test_bad_settings_say_what_is_accepted(setting: str) -> None:
    with pytest.raises(ClockError, match="2020-05-15T23:59:59\\+08:00|UTC offset"):
        Clock(setting)
