from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from zjtx.clock import (
    Clock,
    ClockError,
    InstantError,
    iso,
    parse_instant,
    parse_offset_instant,
    set_clock_file,
    to_shanghai,
)


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


def test_clock_settings_name_what_is_wrong() -> None:
    with pytest.raises(ClockError) as error:
        parse_instant("yesterday")
    assert str(error.value) == ("clock setting 'yesterday' is not an ISO 8601 instant; accepted: e.g. "
                                "2020-05-15T23:59:59+08:00 (optionally followed by ' running')")
    with pytest.raises(ClockError) as error:
        parse_instant("2020-05-15T23:59:59\n")
    assert str(error.value) == "clock setting '2020-05-15T23:59:59\\n' has no UTC offset; add one, e.g. +08:00"
    assert parse_instant(" 2020-05-15T23:59:59+08:00\n") == datetime(2020, 5, 15, 15, 59, 59, tzinfo=timezone.utc)


# ---------------------------------------------------------------- the shared instant parser


def test_an_instant_keeps_the_offset_it_states() -> None:
    beijing = parse_offset_instant("2020-05-15T23:59:59+08:00")
    assert beijing.utcoffset() == timedelta(hours=8)
    assert beijing == datetime(2020, 5, 15, 15, 59, 59, tzinfo=timezone.utc)
    assert parse_offset_instant("2020-05-15T15:59:59.250Z") == datetime(2020, 5, 15, 15, 59, 59, 250000,
                                                                          tzinfo=timezone.utc)


def test_lower_case_t_and_z_are_accepted_as_rfc_3339_allows() -> None:
    assert parse_offset_instant("2020-05-15t15:59:59z") == datetime(2020, 5, 15, 15, 59, 59, tzinfo=timezone.utc)


@pytest.mark.parametrize("text", ["yesterday", "", "2020-13-01T00:00:00Z", "2020-05-15T25:00:00+08:00",
                                  " 2020-05-15T15:59:59Z"])
def test_what_is_no_instant_is_a_format_error(text: str) -> None:
    with pytest.raises(InstantError) as error:
        parse_offset_instant(text)
    assert isinstance(error.value, ValueError) and not error.value.missing_offset
    assert str(error.value) == f"{text!r} is not an ISO 8601 instant"


@pytest.mark.parametrize("text", ["2020-05-15T23:59:59", "2020-05-15"])
def test_a_local_time_is_an_offset_error(text: str) -> None:
    with pytest.raises(InstantError) as error:
        parse_offset_instant(text)
    assert error.value.missing_offset and error.value.text == text
    assert str(error.value) == f"{text!r} has no UTC offset"
