"""What the recognitions listing reads from a request: ``expiring_before`` is an instant with its
UTC offset (zjtx.clock's shared parser); anything else is refused in Chinese, naming the field."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from review.validity import parse_instant
from zjtx.errors import DomainError


def test_expiring_before_is_read_with_its_offset() -> None:
    end = datetime(2026, 6, 30, 16, tzinfo=timezone.utc)
    assert parse_instant("2026-07-01T00:00:00+08:00", "expiring_before") == end
    assert parse_instant("2026-06-30t16:00:00z", "expiring_before") == end


@pytest.mark.parametrize("text, message", [
    ("明年", "expiring_before 须为 ISO 8601 时间（含时区），如 2023-06-30T00:00:00+08:00"),
    ("2026-07-01T00:00:00", "expiring_before 须带时区，如 2023-06-30T00:00:00+08:00"),
])
def test_what_is_no_instant_with_an_offset_is_refused(text: str, message: str) -> None:
    with pytest.raises(DomainError) as error:
        parse_instant(text, "expiring_before")
    assert (error.value.kind, error.value.code, error.value.message) == ("invalid", "expiring_before.invalid", message)
