"""What the gateway adds for its exposure to the internet (issue 25 point 6; docs/security.md).

- Per-address rate limits on the public routes (those that need no sign-in: sign-in, sign-up,
  the privacy notice, programme lists, the USCC check...): ``PUBLIC_RATE_LIMIT`` requests per
  ``PUBLIC_RATE_WINDOW_SECONDS`` per client address (pyrate-limiter, one in-memory bucket per
  address). Beyond it: the API's JSON 429 ``rate.limited`` with ``Retry-After``. The client
  address is the socket's, or ``X-Forwarded-For``'s when the request came from
  ``TRUSTED_PROXY`` (waitress rewrites it). ``RATE_LIMIT_EXEMPT`` lists addresses or networks
  never limited (e.g. a monitoring probe).
- HSTS (RFC 6797): ``Strict-Transport-Security`` on every answer to a request that came over
  TLS, including TLS ended at the trusted proxy (``X-Forwarded-Proto: https``). ``HSTS``:
  ``auto`` (default), ``always`` (also on plain HTTP, e.g. a proxy that does not forward the
  scheme), ``off``.
"""

from __future__ import annotations

import ipaddress
import math
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pyrate_limiter import BucketFactory, Duration, InMemoryBucket, Limiter, MonotonicClock, Rate, RateItem

from gateway.rules.lockout import refused
from zjtx.errors import DomainError

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
HSTS_MODES = ("auto", "always", "off")
MAX_BUCKETS = 10_000  # idle addresses' buckets are dropped beyond this many


class _PerAddress(BucketFactory):
    """One bucket per client address (pyrate-limiter routes items to buckets by name)."""

    def __init__(self, rates: list[Rate]) -> None:
        self.rates = rates
        self.clock = MonotonicClock()
        self.buckets: dict[str, InMemoryBucket] = {}
        self.lock = threading.Lock()

    def wrap_item(self, name: str, weight: int = 1) -> RateItem:
        return RateItem(name, self.clock.now(), weight=weight)

    def get(self, item: RateItem) -> InMemoryBucket:
        with self.lock:
            bucket = self.buckets.get(item.name)
            if bucket is None:
                if len(self.buckets) >= MAX_BUCKETS:
                    self._drop_idle()
                bucket = self.buckets[item.name] = self.create(InMemoryBucket, self.rates)
            return bucket

    def _drop_idle(self) -> None:
        for name, bucket in list(self.buckets.items()):
            if bucket.count() == 0:
                self.dispose(bucket)
                del self.buckets[name]


@dataclass
class Exposure:
    limit: int
    window_seconds: int
    exempt: tuple[Network, ...]
    hsts: str
    hsts_max_age: int

    def __post_init__(self) -> None:
        self.factory = _PerAddress([Rate(self.limit, Duration.SECOND * self.window_seconds)]) if self.limit > 0 else None
        self.limiter = Limiter(self.factory) if self.factory is not None else None

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Exposure:
        hsts = str(config.get("HSTS") or "auto").strip().lower()
        if hsts not in HSTS_MODES:
            raise ValueError(f"GATEWAY_HSTS={hsts!r}; accepted: {', '.join(HSTS_MODES)}")
        exempt = tuple(ipaddress.ip_network(n.strip(), strict=False)
                       for n in str(config.get("RATE_LIMIT_EXEMPT") or "").split(",") if n.strip())
        return cls(limit=int(config.get("PUBLIC_RATE_LIMIT") or 0),
                   window_seconds=max(1, int(config.get("PUBLIC_RATE_WINDOW_SECONDS") or 60)),
                   exempt=exempt, hsts=hsts, hsts_max_age=int(config.get("HSTS_MAX_AGE_SECONDS") or 31536000))

    def _exempt(self, address: str) -> bool:
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        return any(ip in network for network in self.exempt)

    def check_public(self, address: str) -> None:
        """Count one request of ``address`` to a public route; 429 beyond the limit."""
        if self.limiter is None or self.factory is None or self._exempt(address):
            return
        key = address or "unknown"
        if self.limiter.try_acquire(key, blocking=False):
            return
        item = self.factory.wrap_item(key)
        waiting_ms = self.factory.get(item).waiting(item)
        raise self.limited(max(1, math.ceil(waiting_ms / 1000)))

    def limited(self, retry_after: int) -> DomainError:
        return refused("rate.limited", f"来自您网络地址的请求过于频繁（每{self.window_seconds}秒最多{self.limit}次），"
                                       f"请{retry_after}秒后再试", retry_after)

    def hsts_header(self, scheme: str) -> str:
        """The Strict-Transport-Security value for an answer over ``scheme``, or ""."""
        if self.hsts == "off" or (self.hsts == "auto" and scheme != "https"):
            return ""
        return f"max-age={self.hsts_max_age}; includeSubDomains"
