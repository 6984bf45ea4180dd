"""Operations: one submission through the gateway is one trace that reaches every service it
touched (registration, review over the event, notification, reporting), with the database
operations inside and the domain attributes on the spans."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from pymongo import MongoClient

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "integration" / "gateway"))  # the gateway test client

from gwclient import Api, ensure_gateway  # noqa: E402

from harness.otlp import OtlpReceiver  # noqa: E402
from harness.wait import until  # noqa: E402
from zjtx.clock import set_clock_file  # noqa: E402
from zjtx.up import Suite  # noqa: E402


@pytest.fixture(scope="module")
def api(suite: Suite, clock_file: Path) -> Iterator[Api]:
    url = ensure_gateway(suite)
    set_clock_file(clock_file, "2020-04-20T10:00:00+08:00")
    try:
        yield Api(url)
    finally:
        set_clock_file(clock_file, "")


def test_a_submission_is_one_trace_across_every_service(api: Api, mongo: MongoClient, otlp: OtlpReceiver) -> None:
    _, token = api.register_enterprise(region="430502", city="430500", name="邵阳双清可观测机械有限公司")
    app_id = api.apply(token)

    entry = until(lambda: mongo.zjtx_registration.outbox.find_one({"subject": app_id, "type": "application.submitted"}),
                  what="the submission's outbox entry")
    trace_id = entry["trace_headers"]["traceparent"].split("-")[1]
    wanted = {"gateway", "registration", "review", "notification", "reporting"}

    def complete() -> bool:
        spans = otlp.trace(trace_id)
        ids = {s.span_id for s in spans}
        # parents end (and are exported) after their children: wait until none is missing
        return wanted <= {s.service for s in spans} and all(not s.parent_span_id or s.parent_span_id in ids
                                                            for s in spans)

    try:
        until(complete, timeout=90, what="the whole trace")
    except AssertionError:
        spans = otlp.trace(trace_id)
        ids = {s.span_id for s in spans}
        orphans = sorted({(s.service, s.name) for s in spans if s.parent_span_id and s.parent_span_id not in ids})
        raise AssertionError(f"trace {trace_id} is incomplete: services {sorted({s.service for s in spans})}, "
                             f"spans whose parent never arrived: {orphans}") from None
    spans = otlp.trace(trace_id)

    # the HTTP request is the root, and every other span descends from it
    roots = [s for s in spans if not s.parent_span_id]
    assert len(roots) == 1 and roots[0].service == "gateway", [(s.service, s.name) for s in roots]
    by_id = {s.span_id: s for s in spans}
    orphans = [s for s in spans if s.parent_span_id and s.parent_span_id not in by_id]
    assert not orphans, [(s.service, s.name) for s in orphans]

    touched = {s.service for s in spans if s.attributes.get("zjtx.application.id") == app_id}
    assert {"registration", "review", "notification", "reporting"} <= touched
    database = {s.service for s in spans if "mongodb" in str(s.attributes.get("db.system", ""))
                or "mongodb" in str(s.attributes.get("db.system.name", ""))}
    assert {"registration", "review", "notification", "reporting"} <= database
    assert any(s.name.endswith("publish") and s.service == "registration" for s in spans)
