"""Fault tests: each gets a suite of its own (see ``rig.py``); the figures each test
reports (sent, arrived, lost, doubled, recovery time) are repeated at the end of the run."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from reliability.rig import Rig, start_rig

REPORTED: list[str] = []


@pytest.fixture
def reported() -> list[str]:
    """The closing summary's lines, for tests that start a rig of their own (``start_rig``)."""
    return REPORTED


@pytest.fixture
def rig(tmp_path: Path) -> Iterator[Rig]:
    started = start_rig(tmp_path, REPORTED)
    yield started
    started.close()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if REPORTED:
        terminalreporter.section("reliability figures")
        for line in REPORTED:
            terminalreporter.write_line(line)
