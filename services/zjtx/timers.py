"""A nameko timer whose interval is a config key, read when the service starts."""

from __future__ import annotations

from typing import Any

from nameko import config
from nameko.timer import Timer


class ConfiguredTimer(Timer):
    """``@configured_timer("SENDER_POLL_SECONDS", 1.0)``: every ``config[key]`` seconds
    (``default`` when the key is unset or empty)."""

    def __init__(self, key: str, default: float, **kwargs: Any) -> None:
        super().__init__(interval=default, **kwargs)
        self.key = key
        self.default = default

    def start(self) -> None:
        self.interval = float(config.get(self.key) or self.default)
        super().start()


configured_timer = ConfiguredTimer.decorator
