"""Helpers for review's integration tests (imported by the test modules of this folder)."""

from __future__ import annotations

import json
import uuid
from typing import Any

import grpc
from google.protobuf import struct_pb2
from kombu import Connection, Exchange, Queue

from harness import rabbit
from harness.clients import call
from harness.wait import until
from zjtx.envelope import payload_to_data
from zjtx.grpc_support import Caller
from zjtx_api import registration_pb2, review_pb2, review_pb2_grpc


class EventTap:
    """A queue bound to an events exchange, read from the test thread."""

    def __init__(self, uri: str, exchange: str = "review.events") -> None:
        self.connection = Connection(uri)
        self.channel = self.connection.channel()
        self.queue = Queue(f"test-tap-{uuid.uuid4().hex[:8]}", Exchange(exchange, type="topic", durable=True),
                           routing_key="#", exclusive=True)
        self.queue(self.channel).declare()
        self.seen: list[dict[str, Any]] = []

    def drain(self) -> None:
        while (message := self.channel.basic_get(self.queue.name, no_ack=True)) is not None:
            self.seen.append(json.loads(message.body))

    def find(self, event_type: str, subject: str | None = None) -> list[dict[str, Any]]:
        self.drain()
        return [e for e in self.seen if e["type"] == event_type and (subject is None or e["subject"] == subject)]

    def wait(self, event_type: str, subject: str | None = None, count: int = 1, timeout: float = 20) -> list[dict]:
        return until(lambda: len(self.find(event_type, subject)) >= count and self.find(event_type, subject),
                     timeout=timeout, what=f"{count} × {event_type} for {subject}")

    def wait_for(self, event_type: str, subject: str, predicate: Any, timeout: float = 20) -> dict[str, Any]:
        """The data of the first such event whose data satisfies ``predicate``."""
        def probe() -> Any:
            return next((e["data"] for e in self.find(event_type, subject) if predicate(e["data"])), None)

        return until(probe, timeout=timeout, what=f"a matching {event_type} for {subject}")

    def close(self) -> None:
        self.connection.release()


def as_unit(unit_id: str, role: str = "reviewer", subject: str | None = None) -> tuple[tuple[str, str], ...]:
    """gRPC metadata of a reviewer (or admin) of ``unit_id``, as the gateway asserts it."""
    return (Caller(subject=subject or f"{role}-{unit_id}", role=role, unit=unit_id).metadata(),)


def as_enterprise(enterprise_id: str) -> tuple[tuple[str, str], ...]:
    """gRPC metadata of an enterprise user."""
    return (Caller(subject=f"user-{enterprise_id}", role="enterprise", enterprise_id=enterprise_id).metadata(),)


def snapshot(programme_id: str, *, name: str, uscc: str, region: str, region_name: str = "", park: str = "",
             sections: dict[str, Any] | None = None, version: int = 1, application_id: str | None = None,
             submitted_at: str = "2020-05-08T02:00:00.000Z", enterprise_id: str | None = None,
             attachments: tuple[str, ...] = ("authenticity_pledge", "business_licence")) -> registration_pb2.ApplicationSnapshot:
    data = struct_pb2.Struct()
    data.update(sections or {})
    application_id = application_id or uuid.uuid4().hex
    return registration_pb2.ApplicationSnapshot(
        application_id=application_id, programme_id=programme_id, programme_version=1,
        enterprise=registration_pb2.EnterpriseSnapshot(
            enterprise_id=enterprise_id or f"ent-{application_id[:12]}", uscc=uscc, name=name, region_code=region,
            region_name=region_name, industry="专用设备制造业", park_id=park, profile_version=1,
            contact=registration_pb2.Contact(person="张三", mobile="13800138000", email="zs@example.cn")),
        snapshot_version=version, content_hash=uuid.uuid4().hex + uuid.uuid4().hex, submitted_at=submitted_at,
        sections=data,
        attachments=[registration_pb2.AttachmentRef(attachment_id=uuid.uuid4().hex, kind=kind, filename=f"{kind}.pdf",
                                                    media_type="application/pdf", size=1024, sha256="0" * 64)
                     for kind in attachments],
        pledge=registration_pb2.PledgeSignature(signer_name="张三", signer_title="法定代表人", signed_at=submitted_at,
                                                text_sha256="1" * 64),
    )


def envelope(event_type: str, subject: str, data: dict[str, Any]) -> dict[str, Any]:
    return {"id": uuid.uuid4().hex, "type": event_type, "source": "registration", "time": "2020-05-08T02:00:00.000Z",
            "subject": subject, "schemaversion": "1", "data": data}


def publish_submitted(amqp_uri: str, snap: registration_pb2.ApplicationSnapshot) -> dict[str, Any]:
    body = envelope("application.submitted", snap.application_id,
                    payload_to_data(registration_pb2.ApplicationSubmitted(application=snap)))
    rabbit.publish(amqp_uri, "registration.events", "application.submitted", body)
    return body


def publish_resubmitted(amqp_uri: str, snap: registration_pb2.ApplicationSnapshot, round_: int, task_id: str) -> None:
    body = envelope("application.resubmitted", snap.application_id, payload_to_data(
        registration_pb2.ApplicationResubmitted(application=snap, round=round_, returned_task_id=task_id)))
    rabbit.publish(amqp_uri, "registration.events", "application.resubmitted", body)


def publish_withdrawn(amqp_uri: str, application_id: str, programme_id: str, reason: str) -> None:
    body = envelope("application.withdrawn", application_id, payload_to_data(registration_pb2.ApplicationWithdrawn(
        application_id=application_id, programme_id=programme_id, reason=reason, withdrawn_at="2020-05-09T01:00:00Z",
        withdrawn_by="enterprise-user")))
    rabbit.publish(amqp_uri, "registration.events", "application.withdrawn", body)


def open_task_of(stub: review_pb2_grpc.ReviewStub, application_id: str) -> Any:
    """Wait until the application has an open task; return it (as the system sees it)."""
    def probe() -> Any:
        try:
            found = call(stub.GetApplication, review_pb2.GetApplicationRequest(application_id=application_id))
        except grpc.RpcError:
            return None
        if not found.open_task_id:
            return None
        return call(stub.GetTask, review_pb2.GetTaskRequest(task_id=found.open_task_id))

    return until(probe, what=f"an open task for {application_id}")


