"""What registration asks the review service: programmes (培育批次) and review units.

Both come through the shared programme directory (``zjtx.directory.ReviewDirectory``:
gRPC, cached per process for ``PROGRAMME_CACHE_SECONDS``, a stale copy when review is
unreachable); this module turns its answers into registration's refusals.
"""

from __future__ import annotations

import logging
from typing import Any

from grpc import StatusCode
from nameko_grpc.errors import GrpcError

from kernel.programme import ProgrammeModel, ProgrammeModelError
from zjtx.directory import DEFAULT_TTL_SECONDS, ReviewDirectory, is_not_found
from zjtx.errors import not_found

log = logging.getLogger(__name__)


class Directory:
    """Programmes and units for one worker, through the review proxy it was given."""

    def __init__(self, review: Any, ttl: float = DEFAULT_TTL_SECONDS) -> None:
        self.review = review
        self.ttl = ttl
        self._directory = ReviewDirectory(review, ttl)

    def programme(self, programme_id: str) -> ProgrammeModel:
        if not programme_id.strip():
            raise not_found("programme.not_found", "请指定培育批次（programme_id）")
        try:
            return self._directory.programme(programme_id)
        except GrpcError as error:
            if is_not_found(error):
                raise not_found("programme.not_found", error.message or f"培育批次 {programme_id} 不存在") from None
            raise
        except ProgrammeModelError as error:
            log.error("%s", error)
            raise GrpcError(code=StatusCode.INTERNAL,
                            message=f"培育批次 {programme_id} 的定义无法使用，请联系平台运维") from error

    def unit_division(self, unit_id: str) -> str | None:
        """The division code of a review unit (a reviewer's jurisdiction); None if unknown."""
        found = self._directory.unit(unit_id)
        return str(found.division_code) if found is not None else None
