"""The collector's settings after a service's start-up (zjtx.collector)."""

from __future__ import annotations

import gc

from zjtx import collector


def test_start_up_objects_are_frozen_and_the_young_generation_collected_less_often() -> None:
    threshold = gc.get_threshold()
    try:
        gc.set_threshold(700, 10, 10)
        kept = [object() for _ in range(10)]  # alive at start-up: frozen with the rest
        collector.settle_after_start()
        assert gc.get_freeze_count() >= len(kept)
        assert gc.get_threshold() == (collector.SERVICE_THRESHOLD, 10, 10)

        cycle: list[object] = []
        cycle.append(cycle)
        del cycle
        assert gc.collect() >= 1  # cycles made afterwards are still found
    finally:
        gc.unfreeze()
        gc.set_threshold(*threshold)
