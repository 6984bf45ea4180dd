"""The platform's clock: every rule asks it for "now".

``ZJTX_CLOCK`` sets it, so that the 2020 programmes can be replayed with their real dates:

- unset or empty: the system clock;
- ``2020-05-15T23:59:59+08:00``: frozen at that instant;
- ``2020-05-15T09:00:00+08:00 running``: starts at that instant when the process starts,
  then advances in real time;
- ``@/path/to/file``: the file holds one of the forms above and is re-read whenever it
  changes, so an operator (or a test) moves the clock of every local process at once
  without restarting anything.

Times are kept timezone-aware in UTC; ``SHANGHAI`` is for display and for programme
windows, which the notices state in Beijing time.
"""

from __future__ import annotations

import os
import threading
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")
CLOCK_VARIABLE = "ZJTX_CLOCK"


class ClockError(ValueError):
    pass


class InstantError(ValueError):
    """Text that is not an ISO 8601 instant with a UTC offset. ``missing_offset``: the format
    was right but no offset was given (a local time cannot be placed on the platform's clock)."""

    def __init__(self, text: str, missing_offset: bool) -> None:
        self.text = text
        self.missing_offset = missing_offset
        super().__init__(f"{text!r} has no UTC offset" if missing_offset else f"{text!r} is not an ISO 8601 instant")


def parse_offset_instant(text: str) -> datetime:
    """An ISO 8601 instant that states its UTC offset (``Z`` or ``+08:00``), kept in that offset;
    InstantError otherwise. Lower-case ``t`` and ``z`` are accepted as RFC 3339 allows; surrounding
    whitespace is not (callers that take settings or query text strip it first)."""
    try:
        value = datetime.fromisoformat(text.upper().replace("Z", "+00:00"))
    except ValueError:
        raise InstantError(text, missing_offset=False) from None
    if value.tzinfo is None:
        raise InstantError(text, missing_offset=True)
    return value


def parse_instant(text: str) -> datetime:
    """A clock setting's instant, in UTC; ClockError says what is accepted."""
    try:
        value = parse_offset_instant(text.strip())
    except InstantError as error:
        if error.missing_offset:
            raise ClockError(f"clock setting {text!r} has no UTC offset; add one, e.g. +08:00") from None
        raise ClockError(
            f"clock setting {text!r} is not an ISO 8601 instant; "
            "accepted: e.g. 2020-05-15T23:59:59+08:00 (optionally followed by ' running')"
        ) from None
    return value.astimezone(timezone.utc)


class Clock:
    """Answers ``now()`` in UTC according to a setting (see the module doc)."""

    def __init__(self, setting: str | None = None) -> None:
        self._lock = threading.Lock()
        self._file: Path | None = None
        self._file_stamp: tuple[float, int] | None = None
        self._apply("")
        setting = (setting if setting is not None else os.environ.get(CLOCK_VARIABLE, "")).strip()
        if setting.startswith("@"):
            self._file = Path(setting[1:])
            self._reload_file()
        else:
            self._apply(setting)

    def _apply(self, setting: str) -> None:
        setting = setting.strip()
        self._setting = setting
        if not setting:
            self._fixed: datetime | None = None
            self._offset = timedelta(0)
            return
        running = setting.endswith(" running")
        instant = parse_instant(setting.removesuffix(" running"))
        if running:
            self._fixed = None
            self._offset = instant - datetime.now(timezone.utc)
        else:
            self._fixed = instant
            self._offset = timedelta(0)

    def _reload_file(self) -> None:
        assert self._file is not None
        try:
            stat = self._file.stat()
        except FileNotFoundError:
            stamp = None
        else:
            stamp = (stat.st_mtime, stat.st_size)
        if stamp == self._file_stamp:
            return
        self._file_stamp = stamp
        self._apply(self._file.read_text(encoding="utf-8") if stamp else "")

    def now(self) -> datetime:
        with self._lock:
            if self._file is not None:
                self._reload_file()
            if self._fixed is not None:
                return self._fixed
            return datetime.now(timezone.utc) + self._offset

    def describe(self) -> str:
        source = f"file {self._file}" if self._file else CLOCK_VARIABLE
        return f"{self._setting or 'system time'} (from {source})"


_clock: Clock | None = None


def clock() -> Clock:
    """The process-wide clock, configured from the environment on first use."""
    global _clock
    if _clock is None:
        _clock = Clock()
    return _clock


def now() -> datetime:
    return clock().now()


def set_clock_file(path: Path, setting: str) -> None:
    """Write a clock file atomically (used by the operations command and the tests)."""
    tmp = path.with_suffix(".tmp")
    tmp.write_text(setting, encoding="utf-8")
    os.replace(tmp, path)
    # mtime resolution can be coarse: make sure readers see a new stamp.
    stamp = time.time()
    os.utime(path, (stamp, stamp))


def to_shanghai(value: datetime) -> datetime:
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)  # pymongo returns naive UTC by default
    return value.astimezone(SHANGHAI)


def iso(value: datetime) -> str:
    """UTC ISO 8601 with a Z, the form used in envelopes and APIs."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")
