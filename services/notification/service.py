"""Notification service entrypoints (gRPC, events, timers); rules in ``rules/``, storage in ``storage``.

Event handlers record deliveries (``workflow``), the sender timer sends them and the
reminder timer records reminders (``dispatch``). See README.md for who hears what.
"""

from __future__ import annotations

import logging
from typing import Any

from nameko_grpc.errors import GrpcError

from notification import directory, dispatch, storage, workflow
from notification.dispatch import Deps
from notification.providers import SenderQueue, SenderQueueProvider, Settings, SettingsProvider, TemplatesProvider
from notification.rules.access import check_may_read, check_recipient, check_staff
from notification.rules.catalogue import CHANNELS
from notification.rules.deliveries import check_filter, check_retryable
from notification.rules.preferences import apply_settings, effective
from notification.rules.templates import TemplateSet
from zjtx.clock import iso, now
from zjtx.crypto import field_cipher, mask_address
from zjtx.envelope import Envelope
from zjtx.errors import Violation, forbidden, invalid, not_found
from zjtx.events import handles
from zjtx.grpc_client import ServiceClient
from zjtx.grpc_support import Caller, GrpcOperations, api, caller_of
from zjtx.mongo import Store, UnitOfWork
from zjtx.timers import configured_timer
from zjtx_api import notification_pb2 as pb
from zjtx_api import registration_pb2
from zjtx_api.notification_pb2_grpc import NotificationStub
from zjtx_api.registration_pb2_grpc import RegistrationStub
from zjtx_api.review_pb2_grpc import ReviewStub

log = logging.getLogger(__name__)


def _iso(value: Any) -> str:
    return iso(value) if value else ""


def inbox_message(document: dict[str, Any]) -> pb.InboxMessage:
    return pb.InboxMessage(
        id=document["_id"], recipient=document["recipient"], event_type=document["event_type"],
        subject=document["subject"], title=document["title"], body=document["body"],
        created_at=iso(document["created_at"]), read=document["read"], read_at=_iso(document.get("read_at")),
    )


def delivery_message(d: dict[str, Any]) -> pb.Delivery:
    return pb.Delivery(
        id=d["_id"], event_id=d["event_id"], event_type=d["event_type"], subject=d["subject"],
        recipient=d["recipient"], channel=d["channel"], state=d["state"],
        # operations see who was addressed, never the full address (PIPL; docs/personal-data.md)
        address=mask_address(d["channel"], field_cipher().decrypt("delivery.address", d.get("address", ""))),
        attempts=d.get("attempts", 0), max_attempts=d.get("max_attempts", 0), last_error=d.get("last_error", ""),
        title=d.get("title", ""), created_at=_iso(d.get("created_at")), sent_at=_iso(d.get("sent_at")),
        next_attempt_at=_iso(d.get("next_attempt_at")) if d["state"] in ("pending", "retrying") else "",
        skip_reason=d.get("skip_reason", ""), total_attempts=d.get("total_attempts", 0), retries=d.get("retries", 0),
    )


def preferences_message(recipient: str, document: dict[str, Any]) -> pb.Preferences:
    values = effective(document.get("channels"))
    return pb.Preferences(recipient=recipient, updated_at=_iso(document.get("updated_at")),
                          settings=[pb.ChannelSetting(channel=c, enabled=values[c]) for c in CHANNELS])


class NotificationService(GrpcOperations):
    name = "notification"
    grpc_service_names = ("zjtx.notification.v1.Notification",)

    store = Store(indexes=storage.INDEXES, retired=storage.RETIRED_INDEXES)
    review = ServiceClient(ReviewStub, "REVIEW_TARGET")
    registration = ServiceClient(RegistrationStub, "REGISTRATION_TARGET")  # who has submitted, before a reminder
    settings: Settings = SettingsProvider()
    templates: TemplateSet = TemplatesProvider()
    sender_queue: SenderQueue = SenderQueueProvider()  # deliveries recorded here, for the sender here

    @property
    def deps(self) -> Deps:
        return Deps(self.review, self.templates, self.settings, self.registration, self.sender_queue)

    def _owner_unit(self, programme_id: str) -> str | None:
        found = directory.lookup_programme(self.review, programme_id, self.settings.cache_seconds)
        return found.owner_unit_id if found else None

    def _reader(self, context: Any, recipient: str) -> tuple[Caller, str]:
        caller = caller_of(context)
        recipient = check_recipient(recipient)
        check_may_read(caller.role, caller.subject, caller.unit, caller.enterprise_id, recipient, self._owner_unit)
        return caller, recipient

    # -- inbox -------------------------------------------------------------------------

    @api(NotificationStub)
    def ListInbox(self, request: pb.ListInboxRequest, context: Any) -> pb.ListInboxResponse:
        _, recipient = self._reader(context, request.recipient)
        limit = max(1, min(request.limit or 50, 200))
        documents = storage.list_inbox(self.store.db, recipient, request.unread_only, limit)
        return pb.ListInboxResponse(messages=[inbox_message(d) for d in documents],
                                    unread=storage.unread_count(self.store.db, recipient))

    @api(NotificationStub)
    def CountUnread(self, request: pb.CountUnreadRequest, context: Any) -> pb.CountUnreadResponse:
        _, recipient = self._reader(context, request.recipient)
        return pb.CountUnreadResponse(unread=storage.unread_count(self.store.db, recipient))

    @api(NotificationStub)
    def MarkRead(self, request: pb.MarkReadRequest, context: Any) -> pb.MarkReadResponse:
        _, recipient = self._reader(context, request.recipient)
        ids = list(dict.fromkeys(request.message_ids))
        if not request.all and not ids:
            raise invalid("inbox.nothing_to_mark", "请指定要标记为已读的消息（message_ids），或设置 all=true 标记全部",
                          [Violation("message_ids", "required", "至少指定一条消息，或设置 all=true")])
        if ids and not request.all:
            unknown = [i for i in ids if i not in storage.existing_inbox_ids(self.store.db, recipient, ids)]
            if unknown:
                raise not_found("inbox.message_not_found", f"收件箱“{recipient}”中没有这些消息：{', '.join(unknown)}；"
                                "请使用 ListInbox 返回的消息 ID")
        marked = storage.mark_read(self.store.db, recipient, None if request.all else ids, now())
        return pb.MarkReadResponse(marked=marked, unread=storage.unread_count(self.store.db, recipient))

    # -- preferences ---------------------------------------------------------------------

    @api(NotificationStub)
    def GetPreferences(self, request: pb.GetPreferencesRequest, context: Any) -> pb.Preferences:
        _, recipient = self._reader(context, request.recipient)
        return preferences_message(recipient, storage.preferences(self.store.db, recipient))

    @api(NotificationStub)
    def SetPreferences(self, request: pb.SetPreferencesRequest, context: Any) -> pb.Preferences:
        caller, recipient = self._reader(context, request.recipient)
        stored = storage.preferences(self.store.db, recipient).get("channels")
        channels = apply_settings(stored, [(s.channel, s.enabled) for s in request.settings])
        document = storage.save_preferences(self.store.db, recipient, channels, now(), caller.subject or caller.role)
        return preferences_message(recipient, document)

    # -- deliveries (operations) ---------------------------------------------------------

    @api(NotificationStub)
    def ListDeliveries(self, request: pb.ListDeliveriesRequest, context: Any) -> pb.ListDeliveriesResponse:
        check_staff(caller_of(context).role)
        check_filter(request.state, request.channel, CHANNELS)
        query = storage.delivery_query(request.state, request.channel, request.recipient.strip(),
                                       request.event_id.strip(), request.subject.strip())
        documents, total = storage.list_deliveries(self.store.db, query, max(1, min(request.limit or 100, 500)))
        return pb.ListDeliveriesResponse(deliveries=[delivery_message(d) for d in documents], total=total)

    @api(NotificationStub)
    def SendAccountCode(self, request: pb.SendAccountCodeRequest, context: Any) -> pb.SendAccountCodeResponse:
        """A one-time code only a service (the gateway, which checked who asked) may have sent."""
        caller = caller_of(context)
        if caller.role != "system":
            raise forbidden("forbidden.services_only", "验证码只能由平台服务发送")
        notice = workflow.account_code_notice(request)
        return pb.SendAccountCodeResponse(recorded=bool(self.store.transact(
            lambda unit: dispatch.record_notice(self.deps, unit, notice))))

    @api(NotificationStub)
    def RetryDelivery(self, request: pb.RetryDeliveryRequest, context: Any) -> pb.Delivery:
        caller = caller_of(context)
        check_staff(caller.role)
        delivery_id = request.delivery_id.strip()
        found = storage.get_delivery(self.store.db, delivery_id)
        if found is None:
            raise not_found("delivery.not_found", f"投递记录 {delivery_id or '（空）'} 不存在；请使用 ListDeliveries 返回的 ID")
        check_retryable(delivery_id, found["state"])
        reopened = self.store.transact(
            lambda unit: storage.reopen_failed(unit, delivery_id, now(), caller.subject or caller.role))
        if not reopened:  # another operator retried it a moment ago
            check_retryable(delivery_id, storage.get_delivery(self.store.db, delivery_id)["state"])
        log.info("delivery %s retried by %s", delivery_id, caller.subject or caller.role)
        return delivery_message(storage.get_delivery(self.store.db, delivery_id))

    @api(NotificationStub)
    def DeliveryStats(self, request: pb.DeliveryStatsRequest, context: Any) -> pb.DeliveryStatsResponse:
        check_staff(caller_of(context).role)
        return pb.DeliveryStatsResponse(counts=[pb.ChannelStateCount(channel=c, state=s, count=n)
                                                for c, s, n in storage.delivery_stats(self.store.db)])

    def extra_metrics(self) -> list[tuple[str, dict[str, str], float]]:
        """Delivery outcomes on /metrics: deliveries by channel and state."""
        return [("deliveries", {"channel": channel, "state": state}, float(count))
                for channel, state, count in storage.delivery_stats(self.store.db)]

    # -- timers --------------------------------------------------------------------------

    @configured_timer("SENDER_POLL_SECONDS", 1.0)
    def send_due(self) -> None:
        dispatch.send_pass(self.store, self.settings, self.registration, self.sender_queue)

    @configured_timer("REMINDER_CHECK_SECONDS", 60.0)
    def check_reminders(self) -> None:
        try:
            dispatch.reminder_pass(self.deps, self.store)
        except (GrpcError, OSError) as exc:  # review unreachable: the next pass catches up
            log.warning("reminder check skipped: review service unavailable (%s)", exc)

    # -- events from registration ----------------------------------------------------------
    # Handlers with transaction=False write only upserts and records keyed by their natural keys
    # (deliveries by event, recipient and channel; inbox messages by recipient and event), their
    # inbox record last: a crash between two writes is completed by the redelivery, never doubled.

    @handles("registration", "enterprise.registered", transaction=False)
    def on_enterprise_registered(self, unit: UnitOfWork, event: Envelope) -> None:
        workflow.enterprise_registered(self.deps, unit, event)

    @handles("registration", "enterprise.profile_changed", transaction=False)
    def on_enterprise_profile_changed(self, unit: UnitOfWork, event: Envelope) -> None:
        workflow.enterprise_profile_changed(self.deps, unit, event)

    @handles("registration", "application.submitted", transaction=False)
    def on_application_submitted(self, unit: UnitOfWork, event: Envelope) -> None:
        workflow.application_submitted(self.deps, unit, event)

    @handles("registration", "application.resubmitted", transaction=False)
    def on_application_resubmitted(self, unit: UnitOfWork, event: Envelope) -> None:
        workflow.application_resubmitted(self.deps, unit, event)

    @handles("registration", "application.withdrawn")
    def on_application_withdrawn(self, unit: UnitOfWork, event: Envelope) -> None:
        workflow.application_withdrawn(self.deps, unit, event)

    # -- events from review ------------------------------------------------------------------

    @handles("review", "review.task_opened", transaction=False)
    def on_task_opened(self, unit: UnitOfWork, event: Envelope) -> None:
        workflow.task_opened(self.deps, unit, event)

    @handles("review", "review.passed", transaction=False)
    def on_passed(self, unit: UnitOfWork, event: Envelope) -> None:
        workflow.passed(self.deps, unit, event)

    @handles("review", "review.returned", transaction=False)
    def on_returned(self, unit: UnitOfWork, event: Envelope) -> None:
        workflow.returned(self.deps, unit, event)

    @handles("review", "review.rejected", transaction=False)
    def on_rejected(self, unit: UnitOfWork, event: Envelope) -> None:
        workflow.rejected(self.deps, unit, event)

    @handles("review", "review.recommended", transaction=False)
    def on_recommended(self, unit: UnitOfWork, event: Envelope) -> None:
        workflow.recommended(self.deps, unit, event)

    @handles("review", "review.summary_uploaded")
    def on_summary_uploaded(self, unit: UnitOfWork, event: Envelope) -> None:
        workflow.summary_uploaded(self.deps, unit, event)

    @handles("review", "review.recommendations_complete")
    def on_recommendations_complete(self, unit: UnitOfWork, event: Envelope) -> None:
        workflow.recommendations_complete(self.deps, unit, event)

    @handles("review", "review.publicity_opened")
    def on_publicity_opened(self, unit: UnitOfWork, event: Envelope) -> None:
        workflow.publicity_opened(self.deps, unit, event)

    @handles("review", "review.recognised")
    def on_recognised(self, unit: UnitOfWork, event: Envelope) -> None:
        workflow.recognition(self.deps, unit, event)

    @handles("review", "review.not_recognised")
    def on_not_recognised(self, unit: UnitOfWork, event: Envelope) -> None:
        workflow.recognition(self.deps, unit, event)

    @handles("review", "review.recognition_amended")
    def on_recognition_amended(self, unit: UnitOfWork, event: Envelope) -> None:
        workflow.recognition_amended(self.deps, unit, event)

    @handles("registration", "registration.personal_data_erased")
    def on_personal_data_erased(self, unit: UnitOfWork, event: Envelope) -> None:
        """The archive period passed: the enterprise's contact and its messages' copies become the marker."""
        payload = event.payload(registration_pb2.PersonalDataErased)
        storage.erase_personal_data(unit, payload.enterprise_id, now())

    @handles("registration", "application.expired")
    def on_application_expired(self, unit: UnitOfWork, event: Envelope) -> None:
        workflow.draft_expired(self.deps, unit, event)

    @handles("review", "review.expired")
    def on_expired(self, unit: UnitOfWork, event: Envelope) -> None:
        workflow.recognition(self.deps, unit, event)

    @handles("review", "programme.amended")
    def on_programme_amended(self, unit: UnitOfWork, event: Envelope) -> None:
        workflow.programme_amended(self.deps, unit, event)

    @handles("review", "programme.opened")
    def on_programme_opened(self, unit: UnitOfWork, event: Envelope) -> None:
        workflow.programme_changed(self.deps, unit, event)

    @handles("review", "programme.closed")
    def on_programme_closed(self, unit: UnitOfWork, event: Envelope) -> None:
        workflow.programme_changed(self.deps, unit, event)
