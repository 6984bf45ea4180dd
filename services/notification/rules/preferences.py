"""Which channels a recipient gets: the deployment's switches, then the recipient's own choice.

A channel the deployment switched off is not used at all (no delivery is recorded). A
channel the recipient switched off is recorded as ``skipped`` (reason ``preference``),
so staff can answer "why did I get no e-mail?". A channel never set is on.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from notification.rules.catalogue import CHANNELS
from zjtx.errors import Violation, invalid


def effective(stored: Mapping[str, bool] | None) -> dict[str, bool]:
    """Every channel with its value for this recipient (unset = on)."""
    stored = stored or {}
    return {channel: bool(stored.get(channel, True)) for channel in CHANNELS}


def apply_settings(stored: Mapping[str, bool] | None, settings: Iterable[tuple[str, bool]]) -> dict[str, bool]:
    """The stored choices after a change; unknown channels are refused, all named at once."""
    changes = list(settings)
    accepted = "inbox（站内信）、email（电子邮件）、sms（短信）"
    problems = [Violation(f"settings[{i}].channel", "channel", f"渠道“{channel}”无效，可选：{accepted}")
                for i, (channel, _) in enumerate(changes) if channel not in CHANNELS]
    if not changes:
        problems.append(Violation("settings", "required", "请至少设置一个渠道"))
    if problems:
        raise invalid("preferences.invalid", "通知偏好设置有误", problems)
    return {**effective(stored), **{channel: bool(enabled) for channel, enabled in changes}}


def deployment_channels(switches: Mapping[str, object]) -> tuple[str, ...]:
    """The channels this deployment uses, from config switches like ``{"email": True}``."""
    return tuple(channel for channel in CHANNELS if as_bool(switches.get(channel, False)))


def as_bool(value: object) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in {"1", "true", "yes", "on"}
    return bool(value)
