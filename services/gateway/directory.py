"""Short-lived caches of what access checks read often: programmes and review units.

Programmes change only through their admins (a new version, which this gateway forgets at
once when the change comes through it) and units never at run time, so a minute of caching
costs little and spares a gRPC round trip on every admin request.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from gateway.rules.access import Identity
from gateway.upstream import Upstreams
from zjtx_api import review_pb2

TTL_SECONDS = 60.0


class Directory:
    def __init__(self, upstreams: Upstreams, ttl: float = TTL_SECONDS) -> None:
        self.upstreams = upstreams
        self.ttl = ttl
        self._cache: dict[tuple[str, str], tuple[float, Any]] = {}
        self._lock = threading.Lock()

    def _cached(self, key: tuple[str, str], load: Callable[[], Any]) -> Any:
        now = time.monotonic()
        with self._lock:
            hit = self._cache.get(key)
            if hit and now - hit[0] < self.ttl:
                return hit[1]
        value = load()
        with self._lock:
            self._cache[key] = (now, value)
        return value

    def programme(self, programme_id: str) -> review_pb2.Programme:
        return self._cached(("programme", programme_id), lambda: self.upstreams.call(
            "review", "GetProgramme", review_pb2.GetProgrammeRequest(programme_id=programme_id)))

    def forget_programme(self, programme_id: str) -> None:
        """An admin changed it through this gateway: the next read asks review."""
        with self._lock:
            self._cache.pop(("programme", programme_id), None)

    def forget_units(self) -> None:
        """An admin added or corrected units through this gateway: the next read asks review."""
        with self._lock:
            for key in [k for k in self._cache if k[0] == "unit"]:
                self._cache.pop(key, None)

    def unit(self, unit_id: str) -> review_pb2.Unit:
        # system call: the unit's name, kind, division and parent are public directory data
        return self._cached(("unit", unit_id), lambda: self.upstreams.call(
            "review", "GetUnit", review_pb2.GetUnitRequest(unit_id=unit_id)))

    def unit_division(self, identity: Identity) -> str:
        return self.unit(identity.unit).division_code if identity.unit else ""

    def parents(self, unit_id: str) -> dict[str, str]:
        """unit -> parent along the chain above ``unit_id``."""
        chain: dict[str, str] = {}
        current = unit_id
        while current and current not in chain:
            parent = self.unit(current).parent
            chain[current] = parent
            current = parent
        return chain
