"""A refusal naming hundreds of fields still fits gRPC's trailer limit: the first ones are
carried, and one more entry says how many were left out."""

from __future__ import annotations

from zjtx.errors import Violation, precondition
from zjtx.grpc_support import MAX_DETAIL_VIOLATIONS, from_status, to_grpc_error


def test_many_violations_are_cut_with_a_count() -> None:
    error = precondition("recognition.invalid", "认定名单有1447处问题", [
        Violation(f"application_ids[{i}]", "unknown", f"申请 {i:032d} 不属于2020年湖南省“专精特新”小巨人企业培育认定")
        for i in range(1447)])
    status = to_grpc_error(error).status
    assert len(status.SerializeToString()) < 6000  # gRPC's default trailer limit is 8 KiB, base64 adds a third
    rebuilt = from_status("FAILED_PRECONDITION", status.message, status)
    assert len(rebuilt.violations) == MAX_DETAIL_VIOLATIONS + 1
    assert rebuilt.violations[-1].message.startswith(f"另有{1447 - MAX_DETAIL_VIOLATIONS}处问题未列出")
    assert rebuilt.code == "recognition.invalid" and rebuilt.message == "认定名单有1447处问题"


def test_a_few_violations_travel_whole() -> None:
    error = precondition("x.invalid", "两处问题", [Violation("a", "bad", "甲"), Violation("b", "bad", "乙")])
    rebuilt = from_status("FAILED_PRECONDITION", "两处问题", to_grpc_error(error).status)
    assert [v.field for v in rebuilt.violations] == ["a", "b"]
