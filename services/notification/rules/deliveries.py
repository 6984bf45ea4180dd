"""Delivery states, the retry policy and the operator's retry.

A delivery is one message to one recipient on one channel for one event (or reminder):

    pending -> sending -> sent
                       -> retrying -> sending ... -> failed -> (operator retry) pending
    skipped   (recipient switched the channel off, or has no address on it)

The inbox is written in the same transaction that records the event, so its delivery
is ``sent`` at once. Back-off follows real elapsed time (not the platform clock): a
mail server that is down for a minute is down for a minute whatever date the platform
replays.
"""

from __future__ import annotations

from dataclasses import dataclass

from zjtx.errors import Violation, invalid, precondition

PENDING, SENDING, RETRYING, SENT, FAILED, SKIPPED = "pending", "sending", "retrying", "sent", "failed", "skipped"
STATES = (PENDING, SENDING, RETRYING, SENT, FAILED, SKIPPED)
DUE_STATES = (PENDING, RETRYING)
NO_ADDRESS, PREFERENCE = "no_address", "preference"
SUBMITTED_SINCE = "submitted"  # a "not yet submitted" reminder whose enterprise submitted before it went out


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 5
    base_seconds: float = 30.0
    max_seconds: float = 3600.0

    def __post_init__(self) -> None:
        if self.max_attempts < 1 or self.base_seconds < 0 or self.max_seconds < self.base_seconds:
            raise ValueError(f"invalid retry policy {self}: need max_attempts >= 1 and 0 <= base <= max seconds")

    def delay(self, attempts: int) -> float:
        """Seconds to wait after the ``attempts``-th failed attempt: base, 2x base, 4x base ... capped."""
        return min(self.max_seconds, self.base_seconds * 2 ** max(0, attempts - 1))


@dataclass(frozen=True)
class Outcome:
    state: str
    delay: float | None = None   # seconds until the next attempt, for retrying


def after_failure(attempts: int, policy: RetryPolicy) -> Outcome:
    """What follows the ``attempts``-th failed attempt of the current round."""
    if attempts >= policy.max_attempts:
        return Outcome(FAILED)
    return Outcome(RETRYING, policy.delay(attempts))


@dataclass(frozen=True)
class Initial:
    state: str
    skip_reason: str = ""


def initial_state(channel: str, address: str, preferred: bool) -> Initial:
    """How a new delivery starts: the inbox is written at once; the others wait for the sender."""
    if not preferred:
        return Initial(SKIPPED, PREFERENCE)
    if channel == "inbox":
        return Initial(SENT)
    if not address:
        return Initial(SKIPPED, NO_ADDRESS)
    return Initial(PENDING)


def check_retryable(delivery_id: str, state: str) -> None:
    """Only a failed delivery is retried by an operator; anything else would send twice."""
    if state != FAILED:
        raise precondition("delivery.not_failed",
                           f"投递 {delivery_id} 当前状态为“{state}”，只有失败（failed）的投递可以重试",
                           [Violation("delivery_id", "state", f"状态为 {state}；可重试的状态：failed")])


def check_filter(state: str, channel: str, channels: tuple[str, ...]) -> None:
    problems = []
    if state and state not in STATES:
        problems.append(Violation("state", "state", f"状态“{state}”无效，可选：{', '.join(STATES)}"))
    if channel and channel not in channels:
        problems.append(Violation("channel", "channel", f"渠道“{channel}”无效，可选：{', '.join(channels)}"))
    if problems:
        raise invalid("delivery.filter_invalid", "查询条件有误", problems)
