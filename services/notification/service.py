"""Notification service entrypoints (gRPC and events); rules in ``rules/``, storage in ``storage``."""

from __future__ import annotations

import uuid
from typing import Any

from notification import storage
from zjtx.clock import iso, now
from zjtx.envelope import Envelope
from zjtx.events import handles
from zjtx.grpc_support import GrpcOperations, api
from zjtx.mongo import Store, UnitOfWork
from zjtx_api import notification_pb2 as pb
from zjtx_api import registration_pb2
from zjtx_api.notification_pb2_grpc import NotificationStub


def inbox_message(document: dict[str, Any]) -> pb.InboxMessage:
    return pb.InboxMessage(
        id=document["_id"], recipient=document["recipient"], event_type=document["event_type"],
        subject=document["subject"], title=document["title"], body=document["body"],
        created_at=iso(document["created_at"]), read=document["read"],
    )


class NotificationService(GrpcOperations):
    name = "notification"
    grpc_service_names = ("zjtx.notification.v1.Notification",)

    store = Store(indexes=storage.INDEXES)

    @api(NotificationStub)
    def ListInbox(self, request: pb.ListInboxRequest, context: Any) -> pb.ListInboxResponse:
        query: dict[str, Any] = {"recipient": request.recipient}
        if request.unread_only:
            query["read"] = False
        limit = max(1, min(request.limit or 50, 200))
        documents = self.store.db.inbox.find(query).sort("created_at", -1).limit(limit)
        unread = self.store.db.inbox.count_documents({"recipient": request.recipient, "read": False})
        return pb.ListInboxResponse(messages=[inbox_message(d) for d in documents], unread=unread)

    @handles("registration", "enterprise.registered")
    def on_enterprise_registered(self, unit: UnitOfWork, event: Envelope) -> None:
        payload = event.payload(registration_pb2.EnterpriseRegistered)
        unit.db.inbox.insert_one({
            "_id": uuid.uuid4().hex,
            "recipient": f"enterprise:{payload.enterprise_id}",
            "event_id": event.id,
            "event_type": event.type,
            "subject": event.subject,
            "title": "注册成功",
            "body": f"{payload.name}（统一社会信用代码 {payload.uscc}）已在专精特新企业培育申报平台注册成功。",
            "created_at": now(),
            "read": False,
        }, session=unit.session)
