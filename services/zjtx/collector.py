"""Python's cyclic garbage collector, set for a long-running service (issue 16).

A service's objects per message (decoded frames, documents, protobuf messages, greenlets'
locals) are short-lived and freed by their reference counts; the collector looks for
cycles among them after every 700 new objects by default, and each full pass walks
everything the process holds, its imported modules and descriptors included. In the
submission surge its passes were about 8% of the services' CPU.

After start-up the service's long-lived objects are frozen (``gc.freeze``: no pass walks
them again) and the young generation is collected after 10,000 new objects. Cycles are
still found, a little later: the memory they hold for that while is small against a
service's 90-160 MiB (the surge's peaks did not move).
"""

from __future__ import annotations

import gc
import logging

log = logging.getLogger(__name__)

SERVICE_THRESHOLD = 10_000  # new objects between the young generation's passes (Python's default: 700)


def settle_after_start() -> None:
    """Freeze what start-up made and collect the young generation less often."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(SERVICE_THRESHOLD, *gc.get_threshold()[1:])
    log.info("garbage collector: %d objects from start-up frozen, young generation collected every %d new objects",
             gc.get_freeze_count(), SERVICE_THRESHOLD)
