"""Windows in Beijing time, checked at whole-second resolution.

A programme's times are Beijing time; ``closes_at`` names the last accepted second, so
23:59:59.999 on the closing day is still inside (see deploy/programmes/README.md).
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

WindowState = Literal["not_open", "open", "closed"]


def whole_second(now: datetime) -> datetime:
    """``now`` at whole-second resolution; ValueError if it carries no time zone."""
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be timezone-aware")
    return now.replace(microsecond=0)


def window_state(opens_at: datetime, closes_at: datetime, now: datetime) -> WindowState:
    """'not_open' before ``opens_at``, 'open' up to and including ``closes_at``, then 'closed'."""
    instant = whole_second(now)
    if instant < opens_at:
        return "not_open"
    return "open" if instant <= closes_at else "closed"
