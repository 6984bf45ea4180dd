"""Helpers of the notification integration tests: loopback SMTP and SMS servers, events, outcomes."""

from __future__ import annotations

import email
import email.policy
import json
import random
import threading
import time
import uuid
from dataclasses import dataclass
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import grpc
from aiosmtpd.controller import Controller
from google.protobuf.message import Message
from kombu import Connection, Exchange, Queue
from kombu.exceptions import OperationalError
from pymongo import MongoClient

from harness import rabbit
from harness.clients import org_body
from harness.wait import until
from kernel.uscc import make_uscc
from zjtx import embedded_mongo
from zjtx.crypto import field_cipher
from zjtx.envelope import payload_to_data
from zjtx.grpc_support import Caller
from zjtx.up import Suite
from zjtx_api import registration_pb2, registration_pb2_grpc, review_pb2, review_pb2_grpc


@dataclass(frozen=True)
class Mail:
    sender: str
    recipients: tuple[str, ...]
    subject: str
    body: str
    message: EmailMessage
    peer: tuple[str, int] = ("", 0)  # the client's address and port: one per SMTP session


class SmtpSink:
    """A real SMTP server on loopback; ``messages`` is everything it accepted."""

    def __init__(self) -> None:
        self.port = embedded_mongo.free_port()
        self.messages: list[Mail] = []
        self._lock = threading.Lock()
        self._controller: Controller | None = None

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd's hook name
        message = email.message_from_bytes(envelope.original_content or envelope.content, policy=email.policy.default)
        body = message.get_body(preferencelist=("plain",))
        mail = Mail(envelope.mail_from, tuple(envelope.rcpt_tos), str(message["Subject"]),
                    body.get_content() if body else "", message, tuple(session.peer))
        with self._lock:
            self.messages.append(mail)
        return "250 Message accepted for delivery"

    def start(self) -> None:
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def to(self, address: str, subject_contains: str = "") -> list[Mail]:
        with self._lock:
            return [m for m in self.messages if address in m.recipients and subject_contains in m.subject]


class SmsSink:
    """A real HTTP server playing the SMS gateway; ``requests`` is every JSON body it received."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.status = 200
        sink = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))
                status = sink.status
                if status == 200:
                    sink.requests.append({**body, "path": self.path, "authorization": self.headers.get("Authorization")})
                payload = json.dumps({"ok": status == 200}).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/sms/send"

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()

    def to(self, mobile: str, text_contains: str = "") -> list[dict[str, Any]]:
        return [r for r in list(self.requests) if r["mobile"] == mobile and text_contains in r["text"]]


# -- events as the producers publish them --------------------------------------------------


def envelope(source: str, event_type: str, subject: str, payload: Message, event_id: str | None = None) -> dict:
    return {"id": event_id or uuid.uuid4().hex, "type": event_type, "source": source,
            "time": "2020-05-01T02:00:00.000Z", "subject": subject, "schemaversion": "1",
            "data": payload_to_data(payload)}


def publish(amqp_uri: str, body: dict) -> dict:
    """Publish as the producer would; a connection attempt that times out while the shared broker
    is busy deleting other sessions' vhosts is tried again (consumers dedupe by event id)."""
    for attempt in range(1, 4):
        try:
            rabbit.publish(amqp_uri, f"{body['source']}.events", body["type"], body)
            return body
        except OperationalError:
            if attempt == 3:
                raise
            time.sleep(1)
    return body


class OutcomeListener:
    """A queue bound to notification.events, as an outside subscriber would bind one."""

    def __init__(self, amqp_uri: str) -> None:
        self.amqp_uri = amqp_uri
        self.name = f"test-notification-outcomes-{uuid.uuid4().hex[:8]}"
        self.received: list[dict[str, Any]] = []
        exchange = Exchange("notification.events", type="topic", durable=True)
        with Connection(amqp_uri) as connection:
            Queue(self.name, exchange=exchange, routing_key="notification.#", durable=False)(connection.channel()).declare()

    def drain(self) -> list[dict[str, Any]]:
        with Connection(self.amqp_uri) as connection:
            channel = connection.channel()
            while (message := channel.basic_get(self.name, no_ack=True)) is not None:
                self.received.append({"type": message.properties.get("type") or message.delivery_info["routing_key"],
                                      **json.loads(message.body)})
        return self.received

    def delete(self) -> None:
        with Connection(self.amqp_uri) as connection:
            connection.channel().queue_delete(self.name)


def wait_skipped(suite: Suite, event_id: str) -> None:
    """Until the notification service has seen and skipped a repeated delivery of the event."""
    until(lambda: f"event {event_id} already applied" in (suite.log_dir / "notification.log").read_text(),
          what=f"notification to skip the repeated event {event_id}")


def stub_call(method: Any, request: Any, caller: Any = None) -> Any:
    metadata = (caller.metadata(),) if caller is not None else ()
    return method(request, timeout=15, metadata=metadata)



# -- enterprises, applications, accounts -------------------------------------------------

PROGRAMME = "hunan-2020-little-giant"
UNIT = "unit-431300"          # 娄底市工业和信息化局 reviews 娄星区 enterprises at level 1


@dataclass(frozen=True)
class Firm:
    id: str
    name: str
    uscc: str
    person: str
    email: str
    mobile: str

    @property
    def recipient(self) -> str:
        return f"enterprise:{self.id}"

    @property
    def caller(self) -> Caller:
        return Caller(subject=f"user-{self.id}", role="enterprise", enterprise_id=self.id)


def mobile() -> str:
    return "139" + "".join(random.choice("0123456789") for _ in range(8))


def register(channels: dict[str, grpc.Channel], name: str) -> Firm:
    """A real registration (registration emits enterprise.registered; we learn the contact)."""
    email = f"{uuid.uuid4().hex[:10]}@example.cn"
    phone = mobile()
    stub = registration_pb2_grpc.RegistrationStub(channels["registration"])
    created = stub_call(stub.RegisterEnterprise, registration_pb2.RegisterEnterpriseRequest(
        uscc=make_uscc("9", "1", "431300", org_body("N")), name=name, region_code="431302",
        industry="专用设备制造业", contact=registration_pb2.Contact(person="张三", mobile=phone, email=email)))
    return Firm(created.id, created.name, created.uscc, "张三", email, phone)


def snapshot(firm: Firm, application_id: str, version: int = 1) -> registration_pb2.ApplicationSnapshot:
    return registration_pb2.ApplicationSnapshot(
        application_id=application_id, programme_id=PROGRAMME, programme_version=1, snapshot_version=version,
        enterprise=registration_pb2.EnterpriseSnapshot(
            enterprise_id=firm.id, uscc=firm.uscc, name=firm.name, region_code="431302",
            region_name="湖南省 娄底市 娄星区", contact=registration_pb2.Contact(person=firm.person, mobile=firm.mobile,
                                                                           email=firm.email)),
        content_hash="3f" * 32, submitted_at="2020-05-01T02:00:00.000Z")


def submit(amqp_uri: str, firm: Firm, application_id: str | None = None) -> dict:
    application_id = application_id or f"app-{uuid.uuid4().hex[:12]}"
    payload = registration_pb2.ApplicationSubmitted(application=snapshot(firm, application_id))
    return publish(amqp_uri, envelope("registration", "application.submitted", application_id, payload))


def submitted(amqp_uri: str, mongo: MongoClient, firm: Firm) -> str:
    """Submit and wait until notification handled it (queues are not ordered with each other)."""
    event = submit(amqp_uri, firm)
    until(lambda: settled(mongo, event["id"], 3), timeout=30, what="the submission's deliveries")
    return event["subject"]


def step(firm: Firm, application_id: str, unit: str = UNIT, level: int = 1) -> review_pb2.ReviewStep:
    return review_pb2.ReviewStep(task_id=f"task-{uuid.uuid4().hex[:10]}", application_id=application_id,
                                 programme_id=PROGRAMME, level=level, unit_id=unit, unit_name="娄底市工业和信息化局",
                                 enterprise_id=firm.id, enterprise_name=firm.name, reviewer="rev-1",
                                 at="2020-05-03T01:00:00.000Z")


def deliveries(mongo: MongoClient, event_id: str, channel: str | None = None) -> list[dict[str, Any]]:
    query: dict[str, Any] = {"event_id": event_id}
    if channel:
        query["channel"] = channel
    # address and name are sealed at rest (zjtx.crypto); the suite runs with the development key
    return [field_cipher().decrypt_fields(d, ("address", "name"), "delivery.")
            for d in mongo.zjtx_notification.deliveries.find(query)]


def settled(mongo: MongoClient, event_id: str, expected: int) -> list[dict[str, Any]]:
    """The event's deliveries once all are in a final state."""
    found = deliveries(mongo, event_id)
    done = len(found) == expected and all(d["state"] in ("sent", "failed", "skipped") for d in found)
    return found if done else []


def programme_title(channels: dict[str, grpc.Channel]) -> str:
    stub = review_pb2_grpc.ReviewStub(channels["review"])
    return stub_call(stub.GetProgramme, review_pb2.GetProgrammeRequest(programme_id=PROGRAMME)).title


def create_account(channels: dict[str, grpc.Channel], unit: str, role: str) -> review_pb2.Reviewer:
    stub = review_pb2_grpc.ReviewStub(channels["review"])
    return stub_call(stub.CreateReviewer, review_pb2.CreateReviewerRequest(
        unit_id=unit, name="审核员" + uuid.uuid4().hex[:4], email=f"{uuid.uuid4().hex[:10]}@gov.example.cn",
        mobile=mobile(), role=role))
