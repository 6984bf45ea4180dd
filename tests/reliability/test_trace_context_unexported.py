"""With no exporter (``OTEL_TRACES_EXPORTER=none``, as ``make up`` and the fault tests run), the
services' spans record nothing (``zjtx.tracing.ContextOnlyTracer``), but one submission is still one
trace: its context travels from registration's Submit through the outbox to review's handler and
on to the event review emits; a streamed answer still arrives whole."""

from __future__ import annotations

import hashlib
from pathlib import Path

from harness.clients import channel as signed_channel
from harness.surge import DEADLINE, prepare_drafts, submit_all
from harness.wait import until
from reliability.rig import start_rig
from zjtx_api import registration_pb2 as pb
from zjtx_api.registration_pb2_grpc import RegistrationStub


def _trace_id(entry: dict) -> str:
    traceparent = (entry.get("trace_headers") or {}).get("traceparent", "")
    assert traceparent.count("-") == 3, f"no trace context on {entry['type']}: {entry.get('trace_headers')}"
    return traceparent.split("-")[1]


def test_one_submission_is_one_trace_without_an_exporter(tmp_path: Path) -> None:
    rig = start_rig(tmp_path, [])
    try:
        [draft] = prepare_drafts(rig.targets["registration"], 1, tag="T")
        [submission] = submit_all(rig.targets["registration"], [draft], clients=1)
        assert submission.error is None
        subject = draft.application_id
        outbox = rig.mongo.zjtx_review.outbox
        until(lambda: outbox.find_one({"subject": subject, "type": "review.task_opened"}) is not None, timeout=30)
        submitted = rig.mongo.zjtx_registration.outbox.find_one({"subject": subject, "type": "application.submitted"})
        task_opened = outbox.find_one({"subject": subject, "type": "review.task_opened"})
        trace_id = _trace_id(submitted)
        assert int(trace_id, 16) != 0
        assert _trace_id(task_opened) == trace_id  # review's handler ran in the submission's trace
        # a streamed answer (no tee of it kept for span attributes without an exporter) arrives whole
        stub = RegistrationStub(signed_channel(rig.targets["registration"]))
        listed = stub.ListAttachments(pb.ListAttachmentsRequest(application_id=subject), timeout=DEADLINE)
        assert len(listed.attachments) >= 8, listed
        for attachment in listed.attachments:
            parts = list(stub.DownloadAttachment(pb.DownloadAttachmentRequest(
                application_id=subject, attachment_id=attachment.id), timeout=DEADLINE))
            data = b"".join(part.data for part in parts[1:])
            assert len(data) == attachment.size and hashlib.sha256(data).hexdigest() == attachment.sha256
    finally:
        rig.close()
