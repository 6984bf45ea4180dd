"""What notification asks the review service: programmes (titles, dates) and units (reviewers, admins).

Programmes change only when review reloads its catalogue, so they are cached for
``DIRECTORY_CACHE_SECONDS`` (and dropped when ``programme.opened`` / ``programme.closed``
arrive). Units are asked each time: an account created a second ago must be addressed.
"""

from __future__ import annotations

from typing import Any

from nameko_grpc.errors import GrpcError

from kernel.programme import ProgrammeModel, ProgrammeModelError
from notification.rules.notices import Account
from zjtx.directory import ReviewDirectory, is_not_found
from zjtx.events import PermanentEventError
from zjtx_api import review_pb2


class UnknownProgramme(PermanentEventError):
    """The review service does not know the programme: the event can never be addressed."""


def programme(review: Any, programme_id: str, cache_seconds: float) -> ProgrammeModel:
    """The programme, or UnknownProgramme (permanent) when review does not know it."""
    found = lookup_programme(review, programme_id, cache_seconds)
    if found is None:
        raise UnknownProgramme(f"programme {programme_id!r} is unknown to the review service")
    return found


def lookup_programme(review: Any, programme_id: str, cache_seconds: float) -> ProgrammeModel | None:
    try:
        found = ReviewDirectory(review, cache_seconds).lookup(programme_id)
    except ProgrammeModelError as error:
        raise UnknownProgramme(str(error)) from error
    if found is not None and found.review_closes_at is None:
        raise UnknownProgramme(f"programme {programme_id} has no window.review_closes_at")
    return found


def forget_programme(programme_id: str) -> None:
    ReviewDirectory(None).forget(programme_id)


def programme_ids(review: Any) -> list[str]:
    return ReviewDirectory(review).programme_ids()


def unit(review: Any, unit_id: str) -> tuple[str, list[Account]]:
    """The unit's name and accounts; an unknown unit has none (its inbox still gets the message)."""
    try:
        found = review.GetUnit(review_pb2.GetUnitRequest(unit_id=unit_id))
    except GrpcError as error:
        if is_not_found(error):
            return "", []
        raise
    return found.name, [Account(account_id=r.account_id, name=r.name, email=r.email, mobile=r.mobile, role=r.role)
                        for r in found.reviewers]
