"""Reminder schedule: which step (days before a deadline) is due now, and each step's key.

Steps are configured as days before the deadline, e.g. (7, 3, 1). The step due at
``now`` is the smallest step whose moment (deadline - days) has passed, while the
deadline itself has not. When the platform clock jumps over several steps at once, only
the most urgent one is sent: a "7 days left" message two days before the close would be
wrong. Each (target, deadline, step) is sent once; the key makes that a unique record.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from zjtx.clock import iso


class ReminderConfigError(ValueError):
    pass


def parse_steps(value: object, key: str = "REMINDER_DAYS_BEFORE_CLOSE") -> tuple[int, ...]:
    """Days before a deadline, from config: a YAML list ``[7, 3, 1]`` or text ``"7,3,1"``; empty = none."""
    if value is None or value == "":
        return ()
    items: Iterable[object] = value.split(",") if isinstance(value, str) else value  # type: ignore[assignment]
    if isinstance(items, int):
        items = [items]
    steps: set[int] = set()
    for item in items:
        try:
            number = int(str(item).strip())
        except ValueError:
            raise ReminderConfigError(f"{key}: {item!r} is not a whole number of days; write e.g. [7, 3, 1]") from None
        if number < 1:
            raise ReminderConfigError(f"{key}: {number} must be at least 1 day; write e.g. [7, 3, 1]")
        steps.add(number)
    return tuple(sorted(steps, reverse=True))


def due_step(now: datetime, deadline: datetime, steps: Iterable[int], opens_at: datetime | None = None) -> int | None:
    """The step to remind of at ``now``, or None (before the first step, after the deadline, or not yet open)."""
    if now > deadline or (opens_at is not None and now < opens_at):
        return None
    passed = [days for days in steps if now >= deadline - timedelta(days=days)]
    return min(passed) if passed else None


def draft_key(programme_id: str, enterprise_id: str, deadline: datetime, step: int) -> str:
    return f"draft:{programme_id}:{enterprise_id}:{iso(deadline)}:{step}"


def review_key(programme_id: str, unit_id: str, deadline: datetime, step: int) -> str:
    return f"review:{programme_id}:{unit_id}:{iso(deadline)}:{step}"


def report_key(programme_id: str, enterprise_id: str, period: str, deadline: datetime, step: int) -> str:
    return f"report:{programme_id}:{enterprise_id}:{period}:{iso(deadline)}:{step}"
