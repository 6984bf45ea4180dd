"""The programme directory: what the other services read from the review service.

Registration, notification and reporting ask review for programmes (``GetProgramme``,
read into the one ``kernel.programme.ProgrammeModel``) and review units (``GetUnit``)
through this client. Answers are cached per process for ``ttl`` seconds: an enterprise
saving sections one after another does not cost a call each, and a programme admin's new
version is seen within the TTL. When review cannot be reached, a cached copy is used
however old it is (availability over freshness; a snapshot records the programme version
it was checked against); with no copy at all the call fails as UNAVAILABLE. Each service
turns "not found" and "unavailable" into its own refusal.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from grpc import StatusCode
from nameko_grpc.errors import GrpcError

from kernel.programme import ProgrammeModel, programme_from_message
from zjtx_api import review_pb2

log = logging.getLogger(__name__)
T = TypeVar("T")
DEFAULT_TTL_SECONDS = 60.0
UNAVAILABLE_MESSAGE = "审核服务暂时无法连接，无法读取培育批次信息，请稍后重试"


@dataclass
class _Entry(Generic[T]):
    value: T
    fetched: float


class TtlCache(Generic[T]):
    """A small per-process cache: fresh entries for ``ttl`` seconds, stale ones on failure."""

    def __init__(self) -> None:
        self._entries: dict[str, _Entry[T]] = {}
        self._lock = threading.Lock()

    def get(self, key: str, ttl: float, fetch: Callable[[], T]) -> T:
        with self._lock:
            entry = self._entries.get(key)
        if entry is not None and time.monotonic() - entry.fetched < ttl:
            return entry.value
        try:
            value = fetch()
        except GrpcError as error:
            if entry is not None and error.code in (StatusCode.UNAVAILABLE, StatusCode.DEADLINE_EXCEEDED):
                log.warning("review unreachable (%s); using the cached %s", error.code.name, key)
                return entry.value
            raise
        except OSError as error:
            if entry is not None:
                log.warning("review unreachable (%s); using the cached %s", error, key)
                return entry.value
            raise GrpcError(code=StatusCode.UNAVAILABLE, message=UNAVAILABLE_MESSAGE) from error
        with self._lock:
            self._entries[key] = _Entry(value, time.monotonic())
        return value

    def forget(self, key: str) -> None:
        with self._lock:
            self._entries.pop(key, None)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


PROGRAMMES: TtlCache[ProgrammeModel] = TtlCache()
UNITS: TtlCache[Any] = TtlCache()


def is_not_found(error: GrpcError) -> bool:
    return getattr(error.code, "name", str(error.code)) == "NOT_FOUND"


class ReviewDirectory:
    """Programmes and units through the review proxy (or stub) a worker was given.

    ``programme`` raises ``GrpcError`` (NOT_FOUND when review does not know it) and
    ``kernel.programme.ProgrammeModelError`` when the message is unusable; ``lookup``
    answers None for an unknown programme."""

    def __init__(self, review: Any, ttl: float = DEFAULT_TTL_SECONDS) -> None:
        self.review = review
        self.ttl = ttl

    def programme(self, programme_id: str) -> ProgrammeModel:
        return PROGRAMMES.get(f"programme:{programme_id}", self.ttl, lambda: programme_from_message(
            self.review.GetProgramme(review_pb2.GetProgrammeRequest(programme_id=programme_id))))

    def lookup(self, programme_id: str) -> ProgrammeModel | None:
        if not programme_id:
            return None
        try:
            return self.programme(programme_id)
        except GrpcError as error:
            if is_not_found(error):
                return None
            raise

    def forget(self, programme_id: str) -> None:
        """Drop the cached copy (review announced a change)."""
        PROGRAMMES.forget(f"programme:{programme_id}")

    def programme_ids(self) -> list[str]:
        return [p.id for p in self.review.ListProgrammes(review_pb2.ListProgrammesRequest()).programmes]

    def unit(self, unit_id: str) -> review_pb2.Unit | None:
        """The review unit, or None when review does not know it."""
        if not unit_id:
            return None
        try:
            return UNITS.get(f"unit:{unit_id}", self.ttl, lambda: self.review.GetUnit(
                review_pb2.GetUnitRequest(unit_id=unit_id)))
        except GrpcError as error:
            if is_not_found(error):
                return None
            raise
