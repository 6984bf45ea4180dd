"""Health for orchestrators: liveness never leaves the process; readiness asks the services
but answers from a result at most ``max_age`` seconds old, so frequent probes cost at most
one round of gRPC health calls per second, whatever their rate."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from typing import Any


class Readiness:
    def __init__(self, probe: Callable[[], Mapping[str, str]], max_age: float = 1.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._probe = probe
        self.max_age = max_age
        self._clock = clock
        self._lock = threading.Lock()
        self._result: dict[str, Any] | None = None
        self._at = 0.0

    def state(self) -> dict[str, Any]:
        """``{"ready": bool, "services": {name: status}, "age_seconds": float}``: probes run one at a
        time; callers that arrive while one runs get its result."""
        with self._lock:
            now = self._clock()
            if self._result is None or now - self._at > self.max_age:
                services = dict(self._probe())
                self._at = self._clock()
                self._result = {"ready": all(s == "SERVING" for s in services.values()), "services": services}
                now = self._at
            return {**self._result, "age_seconds": round(max(0.0, now - self._at), 3)}
