"""Programme-level transitions the review service announces from the platform clock.

``programme.opened`` / ``programme.closed``: the service remembers the last window state
it announced per programme and announces each change once:

- first look (nothing announced yet): ``open`` announces opened, ``closed`` announces
  closed (a service started after the window still tells subscribers it is over),
  ``not_open`` is only remembered;
- afterwards: a change into ``open`` announces opened (also a reopening, e.g. a new
  document version that extends the window), a change into ``closed`` announces closed;
  a change back to ``not_open`` (the clock set back) is only remembered.

``review.recommendations_complete``, once per programme: the enterprise window has
closed, at least one application reached review, and either every reviewing level's
deadline has passed, or no task is open and no passed application waits for its unit's
推荐汇总表.
"""

from __future__ import annotations

from datetime import datetime

from review.rules.programmes import Programme
from review.rules.publicity import reviews_closed

OPENED = "programme.opened"
CLOSED = "programme.closed"


def announcement(previous: str | None, current: str) -> str | None:
    """The event to emit when the window state goes from ``previous`` to ``current``."""
    if previous == current:
        return None
    if current == "open":
        return OPENED
    if current == "closed":
        return CLOSED
    return None


def recommendations_complete(programme: Programme, now: datetime, *, applications: int,
                             open_tasks: int, pending_summary: int) -> bool:
    if applications == 0 or programme.window_state(now) != "closed":
        return False
    if reviews_closed(programme, now):
        return True
    return open_tasks == 0 and pending_summary == 0
