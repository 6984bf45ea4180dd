"""Programmes and unit names from the review service, cached briefly.

Reports need the programme (columns, field labels, focus categories, chain), read through
the shared programme directory (``zjtx.directory``), and unit names; review owns both. A
short cache keeps one report run from asking twice, while a new programme version is
seen within ``CATALOGUE_CACHE_SECONDS``.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from nameko import config
from nameko.extensions import DependencyProvider
from nameko_grpc.errors import GrpcError

from kernel.programme import ProgrammeModel, ProgrammeModelError
from zjtx.directory import ReviewDirectory
from zjtx.errors import DomainError, not_found, precondition
from zjtx_api import review_pb2

log = logging.getLogger(__name__)


class Cache(DependencyProvider):
    """A per-process map with expiry (the service's workers share it)."""

    def setup(self) -> None:
        self.entries: dict[Any, tuple[float, Any]] = {}

    def get_dependency(self, worker_ctx: Any) -> Cache:
        return self

    @property
    def ttl(self) -> float:
        return float(config.get("CATALOGUE_CACHE_SECONDS", 30))

    def get(self, key: Any) -> Any:
        entry = self.entries.get(key)
        if entry is None or time.monotonic() - entry[0] > self.ttl:
            return None
        return entry[1]

    def put(self, key: Any, value: Any) -> Any:
        self.entries[key] = (time.monotonic(), value)
        return value


def fetch_programme(review: Any, cache: Cache, programme_id: str) -> ProgrammeModel:
    try:
        return ReviewDirectory(review, cache.ttl).programme(programme_id)
    except GrpcError as error:
        raise _review_error(error, f"培育批次 {programme_id} 不存在", "programme.not_found") from None
    except ProgrammeModelError as error:
        raise precondition("programme.unusable", f"培育批次 {programme_id} 的定义无法使用（{error}），请联系平台运维") from None


def unit_name(review: Any, cache: Cache, unit_id: str) -> str:
    """The unit's name, or "" when review does not know it (the table then shows the id)."""
    if not unit_id:
        return ""
    cached = cache.get(("unit", unit_id))
    if cached is not None:
        return cached
    try:
        name = review.GetUnit(review_pb2.GetUnitRequest(unit_id=unit_id)).name
    except (GrpcError, OSError) as error:
        log.warning("unit %s not resolved by review: %s", unit_id, error)
        return ""
    return cache.put(("unit", unit_id), name)


def _review_error(error: GrpcError, missing: str, code: str) -> DomainError:
    if error.code.name == "NOT_FOUND":
        return not_found(code, missing)
    return precondition("review.unavailable", f"暂时无法从审核服务读取培育批次（{error.code.name}: {error.message}），请稍后重试")


def unit_division(review: Any, cache: Cache, unit_id: str) -> str:
    """The unit's division code, or "" when review does not know it (then nothing is shown)."""
    if not unit_id:
        return ""
    cached = cache.get(("division", unit_id))
    if cached is not None:
        return cached
    try:
        division = review.GetUnit(review_pb2.GetUnitRequest(unit_id=unit_id)).division_code
    except (GrpcError, OSError) as error:
        log.warning("unit %s not resolved by review: %s", unit_id, error)
        return ""
    return cache.put(("division", unit_id), division)
