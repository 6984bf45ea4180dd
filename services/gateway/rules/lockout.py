"""Sign-in throttling: repeated failures slow down, then lock the login for a while.

State per login identifier (whether or not such an account exists, so that the answers
never tell which logins are real): consecutive failures, when the next attempt is
allowed, and until when the login is locked. Times are wall-clock seconds (floats).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from zjtx.errors import DomainError


@dataclass(frozen=True)
class Policy:
    base_delay: float = 1.0       # seconds after the first failure, doubling after each next one
    max_delay: float = 30.0
    lock_after: int = 5           # consecutive failures that lock the login
    lock_seconds: float = 900.0   # how long a lock lasts
    reset_after: float = 3600.0   # failures older than this are forgotten


@dataclass(frozen=True)
class Attempts:
    failures: int = 0
    last_failure_at: float = 0.0
    next_allowed_at: float = 0.0
    locked_until: float = 0.0


def _wait_text(seconds: float) -> str:
    whole = max(1, math.ceil(seconds))
    if whole < 60:
        return f"{whole}秒"
    return f"{math.ceil(whole / 60)}分钟"


class Refused(DomainError):
    """Sign-in refused before the password is even checked; ``retry_after`` in seconds."""

    retry_after: int = 0


def refused(code: str, message: str, retry_after: float) -> Refused:
    error = Refused(code, message, [], "throttled")
    error.retry_after = max(1, math.ceil(retry_after))
    return error


def check_allowed(state: Attempts, policy: Policy, now: float) -> None:
    """Raise ``account.locked`` or ``signin.too_soon`` when an attempt must not be tried now."""
    if now < state.locked_until:
        wait = state.locked_until - now
        raise refused("account.locked",
                      f"连续{policy.lock_after}次登录失败，账号已锁定，请{_wait_text(wait)}后再试或联系管理员", wait)
    if now < state.next_allowed_at:
        wait = state.next_allowed_at - now
        raise refused("signin.too_soon", f"登录失败次数过多，请{_wait_text(wait)}后再试", wait)


def after_failure(state: Attempts, policy: Policy, now: float) -> Attempts:
    failures = 1 if now - state.last_failure_at > policy.reset_after else state.failures + 1
    if failures >= policy.lock_after:
        # a lock is served in full; afterwards the count starts again
        return Attempts(failures=0, last_failure_at=now, next_allowed_at=now + policy.lock_seconds,
                        locked_until=now + policy.lock_seconds)
    delay = min(policy.max_delay, policy.base_delay * 2 ** (failures - 1))
    return replace(state, failures=failures, last_failure_at=now, next_allowed_at=now + delay, locked_until=0.0)


def remaining_attempts(state: Attempts, policy: Policy) -> int:
    return max(0, policy.lock_after - state.failures)
