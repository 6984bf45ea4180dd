"""What notification asks the review service: programmes (titles, dates) and units (reviewers, admins).

Programmes change only when review reloads its catalogue, so they are cached for
``DIRECTORY_CACHE_SECONDS`` (and dropped when ``programme.opened`` / ``programme.closed``
arrive). Units are asked each time: an account created a second ago must be addressed.
"""

from __future__ import annotations

import threading
import time
from datetime import datetime
from typing import Any

from nameko_grpc.errors import GrpcError

from notification.rules.notices import Account, ProgrammeInfo, parse_time
from zjtx.events import PermanentEventError
from zjtx_api import review_pb2

_cache: dict[str, tuple[float, ProgrammeInfo | None]] = {}
_lock = threading.Lock()


class UnknownProgramme(PermanentEventError):
    """The review service does not know the programme: the event can never be addressed."""


def _required_time(value: str, what: str, programme_id: str) -> datetime:
    parsed = parse_time(value)
    if parsed is None:
        raise UnknownProgramme(f"programme {programme_id} has no {what}")
    return parsed


def programme_info(message: review_pb2.Programme) -> ProgrammeInfo:
    window = message.window
    levels = {c.level: c.title for c in message.review_chain}
    deadlines = {c.level: _required_time(c.review_closes_at or window.review_closes_at, "review deadline", message.id)
                 for c in message.review_chain if not c.final}
    return ProgrammeInfo(
        id=message.id, title=message.title, owner=message.owner, owner_name=message.owner_name,
        opens_at=_required_time(window.opens_at, "window.opens_at", message.id),
        closes_at=_required_time(window.closes_at, "window.closes_at", message.id),
        review_closes_at=_required_time(window.review_closes_at, "window.review_closes_at", message.id),
        max_return_rounds=message.max_return_rounds, level_titles=levels, level_deadlines=deadlines,
    )


def not_found(error: GrpcError) -> bool:
    return getattr(error.code, "name", str(error.code)) == "NOT_FOUND"


def programme(review: Any, programme_id: str, cache_seconds: float) -> ProgrammeInfo:
    """The programme, or UnknownProgramme (permanent) when review does not know it."""
    found = lookup_programme(review, programme_id, cache_seconds)
    if found is None:
        raise UnknownProgramme(f"programme {programme_id!r} is unknown to the review service")
    return found


def lookup_programme(review: Any, programme_id: str, cache_seconds: float) -> ProgrammeInfo | None:
    if not programme_id:
        return None
    with _lock:
        cached = _cache.get(programme_id)
    if cached and cached[0] > time.monotonic():
        return cached[1]
    try:
        found: ProgrammeInfo | None = programme_info(
            review.GetProgramme(review_pb2.GetProgrammeRequest(programme_id=programme_id)))
    except GrpcError as error:
        if not not_found(error):
            raise
        found = None
    with _lock:
        _cache[programme_id] = (time.monotonic() + cache_seconds, found)
    return found


def forget_programme(programme_id: str) -> None:
    with _lock:
        _cache.pop(programme_id, None)


def programme_ids(review: Any) -> list[str]:
    return [p.id for p in review.ListProgrammes(review_pb2.ListProgrammesRequest()).programmes]


def unit(review: Any, unit_id: str) -> tuple[str, list[Account]]:
    """The unit's name and accounts; an unknown unit has none (its inbox still gets the message)."""
    try:
        found = review.GetUnit(review_pb2.GetUnitRequest(unit_id=unit_id))
    except GrpcError as error:
        if not_found(error):
            return "", []
        raise
    return found.name, [Account(account_id=r.account_id, name=r.name, email=r.email, mobile=r.mobile, role=r.role)
                        for r in found.reviewers]
