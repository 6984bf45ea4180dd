"""The domain kernel: pure (no broker, database or gRPC), and what it means."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest

from kernel import conditions, contacts, divisions, files, statuses, units, windows

SERVICES = Path(__file__).resolve().parents[3] / "services"
FORBIDDEN = ("nameko", "kombu", "pymongo", "grpc", "eventlet", "amqp", "bson", "gridfs", "zjtx_api")


def test_the_kernel_imports_no_broker_database_or_grpc() -> None:
    script = (
        "import json, sys, pkgutil, importlib, kernel\n"
        "for m in pkgutil.iter_modules(kernel.__path__): importlib.import_module('kernel.' + m.name)\n"
        "print(json.dumps(sorted(sys.modules)))"
    )
    out = subprocess.run([sys.executable, "-c", script], env={"PYTHONPATH": str(SERVICES)}, capture_output=True,
                         text=True, check=True, timeout=60).stdout
    loaded = json.loads(out)
    assert "kernel.programme" in loaded and "kernel.divisions" in loaded
    offending = [m for m in loaded if m.split(".")[0] in FORBIDDEN]
    assert offending == []


def test_one_label_per_status_and_rejection_reads_the_same_everywhere() -> None:
    assert statuses.status_label(statuses.REJECTED) == "审核不通过"
    assert statuses.status_label("no-such-status") == "no-such-status"


def test_containment_needs_six_digit_codes() -> None:
    assert divisions.division_within("430405", "430400") and divisions.division_within("430405", "430000")
    assert divisions.division_within("430405", "430405")
    assert not divisions.division_within("430104", "430400") and not divisions.division_within("4304", "430000")
    assert not divisions.division_within("43040x", "430000")
    assert divisions.region_prefix("430000") == "43" and divisions.region_prefix("430400") == "4304"
    assert divisions.is_division_code("430400") and not divisions.is_division_code("030400")


def test_conditions_compare_exactly_and_a_missing_value_never_holds() -> None:
    assert conditions.test_holds("gte", Decimal("0.05"), "0.05") and not conditions.test_holds("gt", Decimal(1), 1)
    assert conditions.test_holds("equals", True, True) and not conditions.test_holds("equals", True, 1)
    assert conditions.test_holds("in", ("a", "b"), "b") and not conditions.test_holds("equals", "a", None)
    assert conditions.lookup({"s": {"f": 3}}, "s.f") == 3 and conditions.lookup({"s": 1}, "s.f") is None
    assert conditions.operand_from_json([1, 0.5, "x"]) == (Decimal(1), Decimal("0.5"), "x")


def test_windows_are_checked_to_the_whole_second() -> None:
    beijing = timezone(timedelta(hours=8))
    opens, closes = datetime(2020, 3, 30, tzinfo=beijing), datetime(2020, 5, 15, 23, 59, 59, tzinfo=beijing)
    assert windows.window_state(opens, closes, closes + timedelta(microseconds=999_999)) == "open"
    assert windows.window_state(opens, closes, closes + timedelta(seconds=1)) == "closed"
    assert windows.window_state(opens, closes, opens - timedelta(seconds=1)) == "not_open"
    with pytest.raises(ValueError):
        windows.whole_second(datetime(2020, 1, 1))


def test_contacts_files_and_unit_ancestry() -> None:
    assert contacts.is_mobile("13812345678") and not contacts.is_mobile("12812345678")
    assert contacts.is_email("a@b.cn") and not contacts.is_email("a@b")
    assert files.sniff_media_type(b"%PDF-1.7") == "application/pdf" and files.sniff_media_type(b"MZ") != "application/pdf"
    parents = {"county": "city", "city": "province", "loop-a": "loop-b", "loop-b": "loop-a"}
    assert units.unit_within("county", "province", parents.get) and not units.unit_within("city", "county", parents.get)
    assert not units.unit_within("loop-a", "province", parents.get)  # a cycle ends the walk
