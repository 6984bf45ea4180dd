"""Nameko extensions of the notification service: its settings, its templates, its sender's queue.

Both providers check everything at start-up and raise ``ConfigError`` (one line, printed
by ``zjtx.launch``) when a template or a setting is wrong: a broken template must stop
the service, not produce a blank in a message.
"""

from __future__ import annotations

import os
import socket
import uuid
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, NoReturn

import eventlet.debug
from nameko import config
from nameko.extensions import DependencyProvider

from notification.channels import Channel, configured_channels
from notification.rules.deliveries import RetryPolicy
from notification.rules.preferences import as_bool
from notification.rules.reminders import ReminderConfigError, parse_steps
from notification.rules.templates import TemplateSet, load_templates
from zjtx.config import ConfigError

DEFAULT_TEMPLATES = Path(__file__).resolve().parent / "templates"


@dataclass(frozen=True)
class Settings:
    platform_name: str
    sms_signature: str
    inbox_enabled: bool
    channels: dict[str, Channel]          # outside channels switched on: email, sms
    retry: RetryPolicy
    lease_seconds: float
    batch_size: int
    draft_steps: tuple[int, ...]
    review_steps: tuple[int, ...]
    cache_seconds: float
    # the channels whose notification.delivered is produced: no service of the suite consumes it,
    # so only where a deployment asks (notification.failed, rare and an operator's signal, always)
    delivered_events: frozenset[str] = frozenset()
    concurrency: int = 8  # sends in flight at once in a sender pass (SENDER_CONCURRENCY)
    owner: str = field(default_factory=lambda: f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}")

    @property
    def deployment_channels(self) -> tuple[str, ...]:
        return (*(("inbox",) if self.inbox_enabled else ()), *self.channels)


def load_settings(values: dict[str, Any]) -> Settings:
    try:
        retry = RetryPolicy(max_attempts=int(values.get("DELIVERY_MAX_ATTEMPTS") or 5),
                            base_seconds=float(values.get("DELIVERY_BACKOFF_SECONDS") or 30),
                            max_seconds=float(values.get("DELIVERY_MAX_BACKOFF_SECONDS") or 3600))
        draft_steps = parse_steps(values.get("REMINDER_DAYS_BEFORE_CLOSE"), "REMINDER_DAYS_BEFORE_CLOSE")
        review_steps = parse_steps(values.get("REMINDER_DAYS_BEFORE_REVIEW_CLOSE"), "REMINDER_DAYS_BEFORE_REVIEW_CLOSE")
    except (ValueError, ReminderConfigError) as exc:
        raise ConfigError(f"notification config: {exc}") from None
    return Settings(
        platform_name=str(values.get("PLATFORM_NAME") or "专精特新中小企业培育申报平台"),
        sms_signature=str(values.get("SMS_SIGNATURE") or ""),
        inbox_enabled=as_bool(values.get("INBOX_ENABLED", True)),
        channels=configured_channels(values),
        retry=retry,
        lease_seconds=float(values.get("DELIVERY_LEASE_SECONDS") or 60),
        batch_size=int(values.get("SENDER_BATCH_SIZE") or 50),
        draft_steps=draft_steps,
        review_steps=review_steps,
        cache_seconds=float(values.get("DIRECTORY_CACHE_SECONDS") or 60),
        delivered_events=delivered_event_channels(values),
        concurrency=int(values.get("SENDER_CONCURRENCY") or 8),
    )


OUTCOME_CHANNELS = ("inbox", "email", "sms")


def delivered_event_channels(values: dict[str, Any]) -> frozenset[str]:
    """``DELIVERED_EVENTS``: a comma-separated list of channels, ``all`` or empty (none);
    ``INBOX_OUTCOME_EVENTS=true`` (the older switch, inbox only) adds the inbox."""
    text = str(values.get("DELIVERED_EVENTS") or "").strip()
    named = {part.strip() for part in text.split(",") if part.strip()}
    if named == {"all"}:
        named = set(OUTCOME_CHANNELS)
    unknown = sorted(named - set(OUTCOME_CHANNELS))
    if unknown:
        raise ConfigError(f"notification config: DELIVERED_EVENTS names {', '.join(unknown)}; accepted: "
                          f"a comma-separated list of {', '.join(OUTCOME_CHANNELS)}, 'all', or empty for none")
    if as_bool(values.get("INBOX_OUTCOME_EVENTS", False)):
        named.add("inbox")
    return frozenset(named)


def refuse_start(error: ConfigError) -> NoReturn:
    """Stop the container's start with ``error``; ``zjtx.launch`` prints it as one line.

    Setup runs in green threads: eventlet's hub would also print the same error twice as
    tracebacks, burying the line that says what to fix, so its printing is switched off
    (the process is about to exit).
    """
    eventlet.debug.hub_exceptions(False)
    raise error


class SettingsProvider(DependencyProvider):
    settings: Settings

    def setup(self) -> None:
        try:
            self.settings = load_settings(dict(config))
        except ConfigError as error:
            refuse_start(error)

    def get_dependency(self, worker_ctx: Any) -> Settings:
        return self.settings


class TemplatesProvider(DependencyProvider):
    templates: TemplateSet

    def setup(self) -> None:
        directory = config.get("TEMPLATES_DIR") or DEFAULT_TEMPLATES
        try:
            self.templates = load_templates(Path(directory))
        except ConfigError as error:  # TemplateError: every bad file and field, one line
            refuse_start(error)

    def get_dependency(self, worker_ctx: Any) -> TemplateSet:
        return self.templates


class SenderQueue:
    """Deliveries recorded already claimed by this process's sender, waiting for its next pass.

    In memory only: what a stopped process held is claimed by any sender once its lease is
    over. One whose lease is too near its end to be sent under it is left to that claim too,
    so that no other sender can have taken it while this one sends it."""

    def __init__(self) -> None:
        self._held: deque[dict[str, Any]] = deque()

    def put(self, delivery: dict[str, Any]) -> None:
        self._held.append(delivery)

    def take(self, limit: int, held_until: datetime) -> list[dict[str, Any]]:
        """Up to ``limit`` of them, in the order recorded, each leased until after ``held_until``."""
        taken: list[dict[str, Any]] = []
        while self._held and len(taken) < limit:
            delivery = self._held.popleft()
            if delivery["lease_until"] > held_until:
                taken.append(delivery)
        return taken

    def __len__(self) -> int:
        return len(self._held)


class SenderQueueProvider(DependencyProvider):
    """One ``SenderQueue`` per service process: its handlers put, its sender timer takes."""

    def setup(self) -> None:
        self.queue = SenderQueue()

    def get_dependency(self, worker_ctx: Any) -> SenderQueue:
        return self.queue
