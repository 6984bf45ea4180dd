"""Notification's event handling in process: which deliveries and inbox messages each
consumed event records, from events written by registration's and review's own use
cases, against the embedded database. Sending (SMTP, the SMS gateway) is not run here."""

from __future__ import annotations

import time
import uuid
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

import pytest
from pymongo import MongoClient
from pymongo.errors import DuplicateKeyError
from workflow_support import HUNAN, IN_WINDOW, ReviewAnswers, catalogue, outbox, register, submitted

from notification import dispatch, storage, workflow
from notification.channels import ChannelError
from notification.dispatch import Deps
from notification.providers import DEFAULT_TEMPLATES, SenderQueue, Settings, load_settings
from notification.rules.templates import load_templates
from registration import storage as registration_storage
from review import storage as review_storage
from review import workflow as review_workflow
from zjtx import inbox
from zjtx.config import ConfigError
from zjtx.envelope import Envelope, payload_to_data
from zjtx.events import PermanentEventError
from zjtx.mongo import StandaloneStore, StoreHandle
from zjtx_api import notification_pb2, registration_pb2, review_pb2

HENGYANG = "unit-430400"
# e-mail switched on (a server is named, nothing is sent here); SMS off
SETTINGS = {"SMTP_HOST": "127.0.0.1", "MAIL_FROM": "专精特新培育平台 <noreply@zjtx.local>"}


@pytest.fixture
def notification(open_store) -> StoreHandle:
    return open_store("notification", storage.INDEXES)


@pytest.fixture
def registration(open_store) -> StoreHandle:
    return open_store("registration", registration_storage.INDEXES)


def deps(review: ReviewAnswers | None = None) -> Deps:
    return Deps(review or ReviewAnswers(), load_templates(DEFAULT_TEMPLATES), load_settings(SETTINGS))


def deliveries(store: StoreHandle, event: Envelope) -> dict[tuple[str, str], dict]:
    """(recipient, channel) -> delivery, for one event."""
    return {(d["recipient"], d["channel"]): d for d in store.db.deliveries.find({"event_id": event.id})}


def test_a_registered_enterprise_gets_an_inbox_message_and_a_pending_email(notification: StoreHandle,
                                                                            registration: StoreHandle) -> None:
    enterprise = register(registration)
    [event] = outbox(registration, "enterprise.registered")

    notification.transact(lambda unit: workflow.enterprise_registered(deps(), unit, event))

    recipient = f"enterprise:{enterprise['_id']}"
    found = deliveries(notification, event)
    assert set(found) == {(recipient, "inbox"), (recipient, "email")}  # SMS is off in this deployment
    assert (found[(recipient, "inbox")]["state"], found[(recipient, "email")]["state"]) == ("sent", "pending")
    sealed = found[(recipient, "email")]
    assert sealed["address"].startswith("enc:1:") and "liming" not in sealed["name"] + sealed["address"]
    assert dispatch.opened_delivery(sealed)["address"] == "liming@example.cn"  # sealed at rest (PIPL)
    [message] = notification.db.inbox.find({"recipient": recipient})
    assert enterprise["profile"]["name"] in message["title"] + message["body"]
    # the inbox message counts as delivered at once; the e-mail's outcome comes when it is sent.
    # No notification.delivered: nobody in the suite consumes it (DELIVERED_EVENTS)
    assert outbox(notification, "notification.delivered") == []


def test_the_inbox_outcome_event_is_produced_when_configured(notification: StoreHandle,
                                                             registration: StoreHandle) -> None:
    register(registration)
    [event] = outbox(registration, "enterprise.registered")
    configured = Deps(ReviewAnswers(), load_templates(DEFAULT_TEMPLATES),
                      load_settings({**SETTINGS, "INBOX_OUTCOME_EVENTS": "true"}))

    notification.transact(lambda unit: workflow.enterprise_registered(configured, unit, event))

    [delivered] = outbox(notification, "notification.delivered")
    assert delivered.payload(notification_pb2.DeliveryOutcome).channel == "inbox"


def test_the_same_event_handled_twice_records_its_deliveries_once(notification: StoreHandle,
                                                                  registration: StoreHandle) -> None:
    """As the handler runs it: behind the inbox claim, so the second delivery stops there."""
    register(registration)
    [event] = outbox(registration, "enterprise.registered")

    def handle(unit: Any) -> None:
        inbox.claim(unit.db, unit.session, "NotificationService.on_enterprise_registered", event.id, event.type)
        workflow.enterprise_registered(deps(), unit, event)

    notification.transact(handle)
    with pytest.raises(inbox.AlreadyApplied):
        notification.transact(handle)

    assert notification.db.deliveries.count_documents({"event_id": event.id}) == 2
    assert notification.db.inbox.count_documents({"event_id": event.id}) == 1
    # and were it handled again without the claim, the natural keys would refuse the copies
    with pytest.raises(DuplicateKeyError, match="duplicate key"):
        notification.transact(lambda unit: workflow.enterprise_registered(deps(), unit, event))
    assert notification.db.inbox.count_documents({"event_id": event.id}) == 1


def test_a_notice_cut_short_by_a_crash_is_completed_once_without_a_transaction(notification: StoreHandle,
                                                                              registration: StoreHandle) -> None:
    """As the handler runs now (``handles(transaction=False)``): killed after the deliveries, before
    the inbox message and the record; the redelivery completes it, a duplicate doubles nothing."""
    register(registration)
    [event] = outbox(registration, "enterprise.registered")
    origin = f"NotificationService.on_enterprise_registered:{event.id}"

    def killed_before_the_inbox(unit: Any, documents: list) -> None:
        unit.flush()  # the unit's writes so far reached the database (a bulk write cut short does this)
        raise ConnectionError("process killed")

    real = storage.add_inbox_messages
    storage.add_inbox_messages = killed_before_the_inbox  # type: ignore[assignment]
    try:
        with pytest.raises(ConnectionError):
            notification.apply(lambda unit: workflow.enterprise_registered(deps(), unit, event), origin)
    finally:
        storage.add_inbox_messages = real  # type: ignore[assignment]
    assert notification.db.deliveries.count_documents({"event_id": event.id}) == 2
    assert notification.db.inbox.count_documents({"event_id": event.id}) == 0

    for _ in range(2):  # the redelivery, then a duplicate
        notification.apply(lambda unit: workflow.enterprise_registered(deps(), unit, event), origin)
    assert notification.db.deliveries.count_documents({"event_id": event.id}) == 2
    [message] = notification.db.inbox.find({"event_id": event.id})
    # the message names the delivery the first run wrote: the delivery's id comes from its natural key
    assert notification.db.deliveries.count_documents({"_id": message["delivery_id"]}) == 1


def test_a_submission_notifies_the_enterprise_with_the_programme_title(notification: StoreHandle,
                                                                       registration: StoreHandle) -> None:
    event = submitted(registration)
    snapshot = event.payload(registration_pb2.ApplicationSubmitted).application

    notification.transact(lambda unit: workflow.application_submitted(deps(), unit, event))

    recipient = f"enterprise:{snapshot.enterprise.enterprise_id}"
    inbox = deliveries(notification, event)[(recipient, "inbox")]
    assert catalogue().programme(HUNAN).title in inbox["body"] + inbox["title"]
    known = notification.db.applications.find_one({"_id": event.subject})
    assert (known["state"], known["programme_id"]) == ("submitted", HUNAN)


def test_an_opened_task_reaches_the_units_inbox_and_its_reviewers(notification: StoreHandle, registration: StoreHandle,
                                                                   open_store) -> None:
    review = open_store("review", review_storage.INDEXES)
    submission = submitted(registration)
    payload = submission.payload(registration_pb2.ApplicationSubmitted)
    review.transact(lambda unit: review_workflow.take_submitted(unit, catalogue(), payload.application, IN_WINDOW))
    [opened] = outbox(review, "review.task_opened")
    answers = ReviewAnswers({HENGYANG: [
        review_pb2.Reviewer(account_id="r1", name="周审核", email="zhou@hengyang.gov.cn", unit_id=HENGYANG, role="reviewer"),
        review_pb2.Reviewer(account_id="a1", name="吴管理", email="wu@hengyang.gov.cn", unit_id=HENGYANG, role="admin"),
    ]})

    notification.transact(lambda unit: workflow.task_opened(deps(answers), unit, opened))

    # the unit's shared inbox, and each reviewer (not the admin) by e-mail
    assert set(deliveries(notification, opened)) == {(f"unit:{HENGYANG}", "inbox"), ("account:r1", "email")}
    task = notification.db.tasks.find_one({"_id": opened.payload(review_pb2.TaskOpened).step.task_id})
    assert (task["unit_id"], task["application_id"]) == (HENGYANG, submission.subject)


def test_an_event_for_an_unknown_programme_is_permanent_and_records_nothing(notification: StoreHandle,
                                                                            registration: StoreHandle) -> None:
    event = submitted(registration)
    payload = event.payload(registration_pb2.ApplicationSubmitted)
    payload.application.programme_id = "no-such-programme"
    stray = Envelope(type=event.type, source=event.source, subject=event.subject, data=payload_to_data(payload))

    with pytest.raises(PermanentEventError) as refused:
        notification.transact(lambda unit: workflow.application_submitted(deps(), unit, stray))

    assert "no-such-programme" in str(refused.value)
    assert notification.db.deliveries.count_documents({}) == 0
    assert outbox(notification) == []


def test_a_payload_without_its_enterprise_is_permanent(notification: StoreHandle) -> None:
    empty = Envelope(type="enterprise.registered", source="registration", subject="e1",
                     data={"name": "无编号企业"})

    with pytest.raises(PermanentEventError) as refused:
        notification.transact(lambda unit: workflow.enterprise_registered(deps(), unit, empty))

    assert "enterprise_id" in str(refused.value)
    assert notification.db.deliveries.count_documents({}) == 0


class RecordingChannel:
    """Stands where the SMTP channel is: records what it is asked to send, or fails as told."""

    name = "email"

    def __init__(self, failure: ChannelError | None = None) -> None:
        self.sent: list[Mapping[str, Any]] = []
        self.failure = failure

    def send(self, delivery: Mapping[str, Any]) -> None:
        if self.failure is not None:
            raise self.failure
        self.sent.append(delivery)


def registered_with_pending_email(notification: StoreHandle, registration: StoreHandle) -> tuple[Envelope, str]:
    enterprise = register(registration)
    [event] = outbox(registration, "enterprise.registered")
    notification.transact(lambda unit: workflow.enterprise_registered(deps(), unit, event))
    return event, f"enterprise:{enterprise['_id']}"


def test_the_sender_sends_a_due_email_once_and_reports_it_delivered(notification: StoreHandle,
                                                                    registration: StoreHandle) -> None:
    event, recipient = registered_with_pending_email(notification, registration)
    channel = RecordingChannel()
    settings = replace(load_settings({**SETTINGS, "DELIVERED_EVENTS": "email"}), channels={"email": channel})

    assert dispatch.send_pass(notification, settings) == 1
    assert dispatch.send_pass(notification, settings) == 0  # nothing is due any more

    [sent] = channel.sent
    assert (sent["recipient"], sent["address"]) == (recipient, "liming@example.cn")
    email = deliveries(notification, event)[(recipient, "email")]
    assert (email["state"], email["last_error"]) == ("sent", "")
    outcomes = [e.payload(notification_pb2.DeliveryOutcome) for e in outbox(notification, "notification.delivered")]
    assert sorted(o.channel for o in outcomes) == ["email"]  # the inbox's only when configured


def test_a_sent_email_is_recorded_without_an_event_unless_configured(notification: StoreHandle,
                                                                     registration: StoreHandle) -> None:
    event, recipient = registered_with_pending_email(notification, registration)
    channel = RecordingChannel()
    settings = replace(load_settings(SETTINGS), channels={"email": channel})

    assert dispatch.send_pass(notification, settings) == 1
    assert dispatch.send_pass(notification, settings) == 0

    assert len(channel.sent) == 1
    email = deliveries(notification, event)[(recipient, "email")]
    assert (email["state"], email["attempts"], [h["outcome"] for h in email["history"]]) == ("sent", 1, ["sent"])
    assert "claimed_by" not in email and "lease_until" not in email
    assert outbox(notification, "notification.delivered") == []


@pytest.mark.parametrize("value, expected", [("", set()), ("email, sms", {"email", "sms"}),
                                             ("all", {"inbox", "email", "sms"})])
def test_delivered_events_are_configured_by_channel(value: str, expected: set[str]) -> None:
    assert load_settings({**SETTINGS, "DELIVERED_EVENTS": value}).delivered_events == expected
    assert "inbox" in load_settings({**SETTINGS, "INBOX_OUTCOME_EVENTS": "true"}).delivered_events


def test_an_unknown_channel_for_delivered_events_is_refused_with_what_is_accepted() -> None:
    with pytest.raises(ConfigError) as error:
        load_settings({**SETTINGS, "DELIVERED_EVENTS": "email,fax"})
    assert "fax" in str(error.value) and "inbox, email, sms" in str(error.value)


def test_a_failed_send_is_retried_later_then_failed_and_reported(notification: StoreHandle,
                                                                 registration: StoreHandle) -> None:
    event, recipient = registered_with_pending_email(notification, registration)
    channel = RecordingChannel(ChannelError("550 mailbox unavailable"))
    settings = replace(load_settings({**SETTINGS, "DELIVERY_MAX_ATTEMPTS": "2"}), channels={"email": channel})

    assert dispatch.send_pass(notification, settings) == 1
    email = deliveries(notification, event)[(recipient, "email")]
    assert (email["state"], email["attempts"], email["last_error"]) == ("retrying", 1, "550 mailbox unavailable")
    assert email["next_attempt_at"] > email["created_at"]
    assert dispatch.send_pass(notification, settings) == 0  # not due before its back-off

    notification.db.deliveries.update_one({"_id": email["_id"]}, {"$set": {"next_attempt_at": email["created_at"]}})
    assert dispatch.send_pass(notification, settings) == 1

    email = deliveries(notification, event)[(recipient, "email")]
    assert (email["state"], email["attempts"]) == ("failed", 2)
    [failed] = outbox(notification, "notification.failed")
    outcome = failed.payload(notification_pb2.DeliveryOutcome)
    assert (outcome.channel, outcome.attempts, outcome.error) == ("email", 2, "550 mailbox unavailable")


def test_a_database_of_an_earlier_version_loses_the_retired_unique_indexes_at_start(mongo: MongoClient) -> None:
    """The ids are derived from the natural keys, so the ``_id`` index guards them; the old unique
    indexes are dropped when the service starts on a database an earlier version made."""
    name = f"wf_notification_{uuid.uuid4().hex[:10]}"
    try:
        mongo[name].inbox.create_index([("recipient", 1), ("event_id", 1)], unique=True, name="once_per_event")
        mongo[name].deliveries.create_index([("event_id", 1), ("recipient", 1), ("channel", 1)], unique=True,
                                            name="once_per_recipient_channel")
        for _ in range(2):  # and a second start finds nothing to drop
            StandaloneStore(mongo, name, "notification", storage.INDEXES, storage.RETIRED_INDEXES)
        assert {i["name"] for i in mongo[name].inbox.list_indexes()} == {"_id_", "by_recipient", "unread"}
        assert {i["name"] for i in mongo[name].deliveries.list_indexes()} == {
            "_id_", "due", "by_state", "by_recipient", "by_subject"}
    finally:
        mongo.drop_database(name)


def test_a_delivery_and_an_inbox_message_written_twice_are_kept_once(notification: StoreHandle) -> None:
    """Without the retired unique indexes, the ids (from the natural keys) refuse the second."""
    delivery = {"_id": dispatch.delivery_id("e1", "enterprise:x", "email"), "event_id": "e1"}
    message = {"_id": dispatch.inbox_id("enterprise:x", "e1"), "recipient": "enterprise:x", "event_id": "e1"}
    for collection, document in (("deliveries", delivery), ("inbox", message)):
        notification.db[collection].insert_one(dict(document))
        with pytest.raises(DuplicateKeyError):
            notification.db[collection].insert_one(dict(document))
        assert notification.db[collection].count_documents({}) == 1


def handed_over(settings: Settings) -> tuple[Deps, SenderQueue]:
    """Deps as the service builds them: its handlers hand deliveries due now to its own sender."""
    queue = SenderQueue()
    return Deps(ReviewAnswers(), load_templates(DEFAULT_TEMPLATES), settings, sender=queue), queue


def test_an_email_due_now_goes_to_this_process_sender_without_being_claimed(notification: StoreHandle,
                                                                           registration: StoreHandle) -> None:
    enterprise = register(registration)
    [event] = outbox(registration, "enterprise.registered")
    channel = RecordingChannel()
    settings = replace(load_settings(SETTINGS), channels={"email": channel})
    handing, queue = handed_over(settings)

    notification.apply(lambda unit: workflow.enterprise_registered(handing, unit, event),
                       f"NotificationService.on_enterprise_registered:{event.id}")

    recipient = f"enterprise:{enterprise['_id']}"
    email = deliveries(notification, event)[(recipient, "email")]
    assert (email["state"], email["claimed_by"], len(queue)) == ("sending", settings.owner, 1)  # recorded claimed
    assert dispatch.send_pass(notification, settings, handed=queue) == 1
    assert dispatch.send_pass(notification, settings, handed=queue) == 0
    [sent] = channel.sent
    assert sent["address"] == "liming@example.cn"
    email = deliveries(notification, event)[(recipient, "email")]
    assert (email["state"], email["attempts"], [h["outcome"] for h in email["history"]]) == ("sent", 1, ["sent"])
    assert "claimed_by" not in email and "lease_until" not in email


def test_a_handed_email_is_handed_once_and_never_when_its_record_was_not_written(notification: StoreHandle,
                                                                                 registration: StoreHandle) -> None:
    register(registration)
    [event] = outbox(registration, "enterprise.registered")
    handing, queue = handed_over(replace(load_settings(SETTINGS), channels={"email": RecordingChannel()}))
    origin = f"NotificationService.on_enterprise_registered:{event.id}"

    def failed_after_writing(unit: Any) -> None:
        workflow.enterprise_registered(handing, unit, event)
        unit.flush()
        raise ConnectionError("the handler's last write failed")

    with pytest.raises(ConnectionError):  # in a transaction: nothing written, nothing handed
        notification.transact(failed_after_writing)
    assert (notification.db.deliveries.count_documents({}), len(queue)) == (0, 0)

    notification.apply(lambda unit: workflow.enterprise_registered(handing, unit, event), origin)
    notification.apply(lambda unit: workflow.enterprise_registered(handing, unit, event), origin)  # redelivered
    assert len(queue) == 1  # the second run found the delivery written: not its to send


def test_a_handed_email_whose_lease_ran_out_is_left_to_the_sender_that_claimed_it(notification: StoreHandle,
                                                                                  registration: StoreHandle) -> None:
    """This process fell behind: another sender claimed the delivery once the lease was over, so
    this one must not send it too."""
    register(registration)
    [event] = outbox(registration, "enterprise.registered")
    here, there = RecordingChannel(), RecordingChannel()
    settings = replace(load_settings({**SETTINGS, "DELIVERY_LEASE_SECONDS": "0.05"}), channels={"email": here})
    handing, queue = handed_over(settings)
    notification.apply(lambda unit: workflow.enterprise_registered(handing, unit, event),
                       f"NotificationService.on_enterprise_registered:{event.id}")
    time.sleep(0.1)

    other = replace(load_settings(SETTINGS), channels={"email": there})  # another process: its own owner
    assert dispatch.send_pass(notification, other) == 1
    assert dispatch.send_pass(notification, settings, handed=queue) == 0
    assert (len(there.sent), len(here.sent), len(queue)) == (1, 0, 0)
