"""What an in-service gRPC call forwards of the worker's context data."""

from __future__ import annotations

import json
from datetime import datetime, timezone

from zjtx.grpc_client import forwarded_metadata


def test_broker_bookkeeping_and_unencodable_values_stay_behind() -> None:
    # the context data nameko 3 builds from a replayed dead letter's AMQP headers
    context = {
        "traceparent": "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
        "x-zjtx-caller": json.dumps({"role": "system"}),
        "authorization": "Bearer the-person-token-this-worker-was-called-with",
        "x-death": [{"count": 1, "reason": "delivery_limit", "queue": "q",
                     "time": datetime(2026, 11, 22, tzinfo=timezone.utc)}],
        "x-first-death-queue": "q", "x-last-death-reason": "delivery_limit", "x-delivery-count": 3,
        "x-zjtx-replays": 1,
        "outside-stamp": datetime(2026, 11, 22, tzinfo=timezone.utc),
    }
    metadata = dict(forwarded_metadata(context))
    # a service calls as itself (zjtx.identity): the identity of the call it serves stays behind
    assert set(metadata) == {"x-nameko-traceparent", "x-nameko-x-zjtx-replays"}
    assert json.loads(metadata["x-nameko-traceparent"]) == context["traceparent"]
