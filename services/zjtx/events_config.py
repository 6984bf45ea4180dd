"""``EVENT_MAX_ATTEMPTS`` as the processes that start the suite read it (no Nameko import)."""

from __future__ import annotations

import os

DEFAULT_MAX_ATTEMPTS = 5


def max_attempts(env: dict[str, str] | None = None) -> int:
    value = (os.environ if env is None else env).get("EVENT_MAX_ATTEMPTS") or str(DEFAULT_MAX_ATTEMPTS)
    try:
        attempts = int(value)
    except ValueError:
        raise ValueError(f"EVENT_MAX_ATTEMPTS={value!r} is not a whole number; accepted: 1 or more") from None
    if attempts < 1:
        raise ValueError(f"EVENT_MAX_ATTEMPTS={attempts}; accepted: 1 or more")
    return attempts
