"""What registration asks the review service: programmes (培育批次) and review units.

Both come over gRPC (``ServiceClient(ReviewStub, ...)``) and are cached per process for
``PROGRAMME_CACHE_SECONDS`` (default 60 s): an enterprise saving sections one after
another does not cost a call each, and a programme admin's new version is seen within
a minute. When review cannot be reached, a cached copy is used however old it is
(availability over freshness; the snapshot records the programme version it was
checked against); with no copy at all the call is refused as UNAVAILABLE.
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

from registration.rules.programme_model import ProgrammeModel, ProgrammeModelError, programme_from_message
from zjtx.errors import not_found
from zjtx_api import review_pb2

log = logging.getLogger(__name__)
T = TypeVar("T")
DEFAULT_TTL_SECONDS = 60.0


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
            raise GrpcError(code=StatusCode.UNAVAILABLE,
                            message="审核服务暂时无法连接，无法读取培育批次信息，请稍后重试") from error
        with self._lock:
            self._entries[key] = _Entry(value, time.monotonic())
        return value

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


PROGRAMMES: TtlCache[ProgrammeModel] = TtlCache()
UNIT_DIVISIONS: TtlCache[str] = TtlCache()


class Directory:
    """Programmes and units for one worker, through the review proxy it was given."""

    def __init__(self, review: Any, ttl: float = DEFAULT_TTL_SECONDS) -> None:
        self.review = review
        self.ttl = ttl

    def programme(self, programme_id: str) -> ProgrammeModel:
        if not programme_id.strip():
            raise not_found("programme.not_found", "请指定培育批次（programme_id）")
        return PROGRAMMES.get(f"programme:{programme_id}", self.ttl, lambda: self._fetch_programme(programme_id))

    def unit_division(self, unit_id: str) -> str | None:
        """The division code of a review unit (a reviewer's jurisdiction); None if unknown."""
        if not unit_id:
            return None
        try:
            return UNIT_DIVISIONS.get(f"unit:{unit_id}", self.ttl, lambda: self._fetch_unit(unit_id))
        except GrpcError as error:
            if error.code == StatusCode.NOT_FOUND:
                return None
            raise

    def _fetch_programme(self, programme_id: str) -> ProgrammeModel:
        try:
            message = self.review.GetProgramme(review_pb2.GetProgrammeRequest(programme_id=programme_id))
        except GrpcError as error:
            if error.code == StatusCode.NOT_FOUND:
                raise not_found("programme.not_found", error.message or f"培育批次 {programme_id} 不存在") from None
            raise
        try:
            return programme_from_message(message)
        except ProgrammeModelError as error:
            log.error("%s", error)
            raise GrpcError(code=StatusCode.INTERNAL,
                            message=f"培育批次 {programme_id} 的定义无法使用，请联系平台运维") from error

    def _fetch_unit(self, unit_id: str) -> str:
        return str(self.review.GetUnit(review_pb2.GetUnitRequest(unit_id=unit_id)).division_code)
