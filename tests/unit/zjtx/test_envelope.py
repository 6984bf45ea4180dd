from __future__ import annotations

import pytest

from zjtx.envelope import Envelope, EnvelopeError, payload_to_data
from zjtx_api import registration_pb2


def test_round_trip_through_json_dict() -> None:
    payload = registration_pb2.EnterpriseRegistered(enterprise_id="e1", uscc="91430400MA4L000113", name="甲")
    envelope = Envelope(type="enterprise.registered", source="registration", subject="e1",
                        data=payload_to_data(payload))
    body = envelope.to_dict()
    assert set(body) == {"id", "type", "source", "time", "subject", "schemaversion", "data"}
    again = Envelope.from_dict(body)
    assert again == envelope
    assert again.payload(registration_pb2.EnterpriseRegistered) == payload


def test_unknown_payload_fields_are_ignored_for_forward_compatibility() -> None:
    envelope = Envelope(type="enterprise.registered", source="registration", subject="e1",
                        data={"enterprise_id": "e1", "added_in_v2": 5})
    assert envelope.payload(registration_pb2.EnterpriseRegistered).enterprise_id == "e1"


@pytest.mark.parametrize("body", [[], {"id": "x"}, {"id": "1", "type": "t", "source": "s", "time": "t",
                                                     "subject": "s", "schemaversion": "1", "data": []}])
def test_malformed_envelopes_are_refused(body: object) -> None:
    with pytest.raises(EnvelopeError):
        Envelope.from_dict(body)
