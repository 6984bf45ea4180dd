from __future__ import annotations

import pytest

from gateway.rules.lockout import Attempts, Policy, after_failure, check_allowed, remaining_attempts
from zjtx.errors import DomainError

POLICY = Policy(base_delay=1.0, max_delay=4.0, lock_after=5, lock_seconds=900.0, reset_after=3600.0)


def fail_times(count: int, start: float = 0.0) -> tuple[Attempts, float]:
    state, now = Attempts(), start
    for _ in range(count):
        check_allowed(state, POLICY, now)
        state = after_failure(state, POLICY, now)
        now = max(now, state.next_allowed_at)
    return state, now


def test_failures_slow_down_doubling_up_to_the_cap() -> None:
    delays, state, now = [], Attempts(), 100.0
    for _ in range(4):
        state = after_failure(state, POLICY, now)
        delays.append(state.next_allowed_at - now)
        now = state.next_allowed_at
    assert delays == [1.0, 2.0, 4.0, 4.0]


def test_an_attempt_inside_the_delay_is_refused_with_retry_after() -> None:
    state = after_failure(Attempts(), POLICY, 100.0)
    with pytest.raises(DomainError) as error:
        check_allowed(state, POLICY, 100.5)
    assert error.value.code == "signin.too_soon"
    assert error.value.retry_after == 1  # type: ignore[attr-defined]
    assert "秒后再试" in error.value.message
    check_allowed(state, POLICY, 101.0)


def test_the_fifth_failure_locks_for_the_lock_period() -> None:
    state, now = fail_times(5, 100.0)
    assert state.locked_until - state.last_failure_at == 900.0
    with pytest.raises(DomainError) as error:
        check_allowed(state, POLICY, state.last_failure_at + 60)
    assert error.value.code == "account.locked"
    assert "账号已锁定，请14分钟后再试" in error.value.message
    with pytest.raises(DomainError):
        check_allowed(state, POLICY, state.last_failure_at + 899.5)
    check_allowed(state, POLICY, state.last_failure_at + 900)


def test_after_a_lock_the_count_starts_again() -> None:
    state, _ = fail_times(5, 100.0)
    assert state.failures == 0
    assert remaining_attempts(state, POLICY) == 5


def test_old_failures_are_forgotten() -> None:
    state = after_failure(Attempts(), POLICY, 0.0)
    state = after_failure(state, POLICY, 10.0)
    assert state.failures == 2
    assert after_failure(state, POLICY, 10.0 + 3601).failures == 1
