"""Fixtures of registration's integration tests (helpers in registration_support)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import grpc
import pytest
from registration_support import IN_WINDOW

from zjtx.clock import set_clock_file
from zjtx_api.registration_pb2_grpc import RegistrationStub


@pytest.fixture(scope="module")
def stub(channels: dict[str, grpc.Channel]) -> RegistrationStub:
    return RegistrationStub(channels["registration"])


@pytest.fixture(scope="module")
def in_window(clock_file: Path) -> Iterator[str]:
    """The platform clock inside the Hunan 2020 window for the module, restored after."""
    set_clock_file(clock_file, IN_WINDOW)
    yield IN_WINDOW
    set_clock_file(clock_file, "")
