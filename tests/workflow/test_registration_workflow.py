"""Registration's use cases in process: enterprises, drafts, attachments, the pledge,
submission, withdrawal and review's events, against the embedded database."""

from __future__ import annotations

from typing import Any

import pytest
from workflow_support import (
    AFTER_CLOSE,
    ATTACHMENTS,
    HENGYANG_UNIT,
    HUNAN,
    IN_WINDOW,
    SECTIONS,
    draft,
    enterprise_caller,
    outbox,
    register,
    registration_ctx,
)

from registration import review_events, storage, workflow
from registration.context import Context
from zjtx.batch import Write
from zjtx.clock import iso
from zjtx.envelope import Envelope, payload_to_data
from zjtx.errors import DomainError
from zjtx.grpc_support import Caller
from zjtx.mongo import StoreHandle
from zjtx_api import registration_pb2 as pb
from zjtx_api import review_pb2


@pytest.fixture
def store(open_store) -> StoreHandle:
    return open_store("registration", storage.INDEXES)


def test_registering_an_enterprise_writes_it_and_its_event_together(store: StoreHandle) -> None:
    document = register(store)

    events = outbox(store, "enterprise.registered")
    assert [e.subject for e in events] == [document["_id"]]
    assert events[0].source == "registration"
    assert events[0].data["uscc"] == document["uscc"]
    assert storage.get_enterprise(store.db, document["_id"])["profile"]["region_name"].endswith("珠晖区")


def test_a_second_registration_of_the_same_uscc_is_refused_and_emits_nothing(store: StoreHandle) -> None:
    first = register(store)
    again = pb.RegisterEnterpriseRequest(uscc=first["uscc"], name="另一家公司", region_code="430405",
                                         industry="专用设备制造业", contact=pb.Contact(person="王芳", mobile="13900139000",
                                                            email="wangfang@example.cn"))
    with pytest.raises(DomainError) as refused:
        workflow.register_enterprise(registration_ctx(store, Caller(role="system")), again)

    assert refused.value.kind == "already_exists"
    assert first["uscc"] in refused.value.message
    assert len(outbox(store, "enterprise.registered")) == 1
    assert store.db.enterprises.count_documents({"uscc": first["uscc"]}) == 1


def test_submitting_a_complete_application_freezes_it_and_emits_the_snapshot(store: StoreHandle) -> None:
    as_enterprise, application = draft(store)

    response = workflow.submit(as_enterprise, pb.SubmitRequest(application_id=application["_id"]))

    assert (response.status, response.snapshot_version, response.already_submitted) == ("submitted", 1, False)
    [event] = outbox(store, "application.submitted", application["_id"])
    snapshot = event.payload(pb.ApplicationSubmitted).application
    assert (snapshot.programme_id, snapshot.snapshot_version) == (HUNAN, 1)
    assert snapshot.content_hash == response.content_hash != ""
    assert sorted(snapshot.sections.keys()) == sorted(SECTIONS)
    assert len(snapshot.attachments) == sum(count for count, _, _ in ATTACHMENTS.values())
    actions = [h["action"] for h in store.db.application_history.find({"application_id": application["_id"]})
               .sort("seq", 1)]
    assert (actions[0], actions[-1]) == ("created", "submitted")
    assert storage.get_application(store.db, application["_id"])["status"] == "submitted"


def test_the_sm_profile_digests_files_and_the_snapshot_with_sm3_and_the_algorithm_travels(
        store: StoreHandle, monkeypatch: pytest.MonkeyPatch) -> None:
    """ZJTX_CRYPTO=sm (GB/T 39786): each attachment keeps its SM3 beside its SHA-256 (GridFS metadata, the
    attachment, the snapshot's reference), the content hash is SM3 and says so, and it verifies from the
    opened snapshot; the form's personal values stay sealed in the event and in the stored snapshot."""
    from kernel import personal
    from registration.rules.snapshots import content_hash
    from zjtx.crypto import digest, field_cipher

    monkeypatch.setenv("ZJTX_CRYPTO", "sm")
    as_enterprise, application = draft(store)
    response = workflow.submit(as_enterprise, pb.SubmitRequest(application_id=application["_id"]))
    [event] = outbox(store, "application.submitted", application["_id"])
    sent = event.payload(pb.ApplicationSubmitted).application
    assert sent.content_hash_alg == "sm3" and sent.content_hash == response.content_hash
    stored = store.db.snapshots.find_one({"application_id": application["_id"]})
    assert personal.is_sealed(stored["sections"]["basic"]["contact_name"])
    assert personal.is_sealed(stored["pledge"]["signer_name"]) and "sections.basic.contact_name" in sent.sealed_fields
    for ref in sent.attachments:
        kept = store.db.attachments.find_one({"_id": ref.attachment_id})
        gridfs = store.db["attachment_files.files"].find_one({"_id": kept["file_id"]})
        content = b"".join(c["data"] for c in store.db["attachment_files.chunks"].find({"files_id": kept["file_id"]})
                           .sort("n", 1))
        assert (ref.digest_alg, ref.digest) == ("sm3", digest(content, "sm3")) == (kept["digest_alg"], kept["digest"])
        assert (gridfs["digest_alg"], gridfs["digest"], gridfs["sha256"]) == ("sm3", ref.digest, digest(content, "sha256"))
    opened = storage.get_snapshot(store.db, application["_id"], 1)
    assert content_hash(opened["sections"], opened["attachments"], opened["pledge"], "sm3") == sent.content_hash
    assert content_hash(opened["sections"], opened["attachments"], opened["pledge"], "sha256") != sent.content_hash
    # the sealed snapshot opens only with the instance's key: the hash is over the clear values
    assert personal.open_snapshot(field_cipher(), stored)["sections"] == opened["sections"]


def test_submission_without_the_pledge_is_refused_naming_it_and_emits_nothing(store: StoreHandle) -> None:
    as_enterprise, application = draft(store, pledge=False)

    with pytest.raises(DomainError) as refused:
        workflow.submit(as_enterprise, pb.SubmitRequest(application_id=application["_id"]))

    assert any("pledge" in v.field for v in refused.value.violations), refused.value
    assert outbox(store, "application.submitted") == []
    assert storage.get_application(store.db, application["_id"])["status"] == "draft"


def test_submission_after_the_window_closes_is_refused(store: StoreHandle) -> None:
    as_enterprise, application = draft(store)
    late = Context(as_enterprise.store, as_enterprise.directory, as_enterprise.divisions, as_enterprise.caller,
                   AFTER_CLOSE)

    with pytest.raises(DomainError) as refused:
        workflow.submit(late, pb.SubmitRequest(application_id=application["_id"]))

    assert [(v.field, v.code) for v in refused.value.violations] == [("window", "window_closed")]
    assert "2020年5月15日23:59:59（北京时间）截止" in refused.value.message
    assert outbox(store, "application.submitted") == []


def test_submitting_twice_returns_the_first_submission_and_emits_once(store: StoreHandle) -> None:
    as_enterprise, application = draft(store)
    first = workflow.submit(as_enterprise, pb.SubmitRequest(application_id=application["_id"]))
    second = workflow.submit(as_enterprise, pb.SubmitRequest(application_id=application["_id"]))

    assert (second.already_submitted, second.content_hash) == (True, first.content_hash)
    assert len(outbox(store, "application.submitted", application["_id"])) == 1


def test_withdrawing_a_submitted_application_emits_the_withdrawal(store: StoreHandle) -> None:
    as_enterprise, application = draft(store)
    workflow.submit(as_enterprise, pb.SubmitRequest(application_id=application["_id"]))

    withdrawn = workflow.withdraw(as_enterprise, pb.WithdrawRequest(application_id=application["_id"],
                                                                     reason="企业经营方向调整"))

    assert withdrawn["status"] == "withdrawn"
    [event] = outbox(store, "application.withdrawn", application["_id"])
    payload = event.payload(pb.ApplicationWithdrawn)
    assert (payload.status_before, payload.reason) == ("submitted", "企业经营方向调整")


def test_an_enterprise_cannot_act_on_another_enterprises_application(store: StoreHandle) -> None:
    _, application = draft(store, attachments=False, pledge=False)
    stranger = register(store)

    with pytest.raises(DomainError) as refused:
        workflow.submit(registration_ctx(store, enterprise_caller(stranger["_id"])),
                        pb.SubmitRequest(application_id=application["_id"]))

    assert refused.value.kind == "forbidden"
    assert outbox(store, "application.submitted") == []


def review_event(event_type: str, application_id: str, payload: object) -> Envelope:
    return Envelope(type=event_type, source="review", subject=application_id, data=payload_to_data(payload),
                    time=iso(IN_WINDOW))


def test_a_review_event_cut_short_by_a_crash_is_applied_once_without_a_transaction(store: StoreHandle,
                                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """As the handler runs now (``handles(transaction=False)``): killed after the history entry,
    before the status change; the redelivery completes it, a duplicate changes nothing."""
    as_enterprise, application = draft(store)
    workflow.submit(as_enterprise, pb.SubmitRequest(application_id=application["_id"]))
    version = storage.get_application(store.db, application["_id"])["version"]
    step = review_pb2.ReviewStep(task_id="t1", application_id=application["_id"], programme_id=HUNAN, level=1,
                                 unit_id=HENGYANG_UNIT, unit_name="衡阳市工业和信息化局", at=iso(IN_WINDOW))
    event = review_event("review.task_opened", application["_id"], review_pb2.TaskOpened(step=step))

    def killed(db: Any, session: Any, writes: list[Write]) -> list[int]:
        writes[0].run_alone(db, session)  # the round trip cut short after its first write, the history entry
        raise ConnectionError("process killed")

    with monkeypatch.context() as patched:
        patched.setattr(storage, "write_counted", killed)
        with pytest.raises(ConnectionError):
            store.apply(lambda unit: review_events.apply(unit, event), "on_task_opened")
    assert storage.get_application(store.db, application["_id"])["status"] == "submitted"

    for _ in range(2):  # the redelivery, then a duplicate
        store.apply(lambda unit: review_events.apply(unit, event), "on_task_opened")
    current = storage.get_application(store.db, application["_id"])
    assert (current["status"], current["version"], current["review_events"]) == ("in_review", version + 1, [event.id])
    [entry] = store.db.application_history.find({"data.event_id": event.id})
    assert (entry["action"], entry["data"]["ignored"], entry["version"]) == ("task_opened", False, version + 1)


def test_a_return_from_review_reopens_what_the_reviewer_named(store: StoreHandle) -> None:
    as_enterprise, application = draft(store)
    workflow.submit(as_enterprise, pb.SubmitRequest(application_id=application["_id"]))
    step = review_pb2.ReviewStep(task_id="t1", application_id=application["_id"], programme_id=HUNAN, level=1,
                                 unit_id=HENGYANG_UNIT, unit_name="衡阳市工业和信息化局", at=iso(IN_WINDOW))
    returned = review_pb2.Returned(step=step, round=1, max_rounds=2, resubmit_by="2020-05-15T15:59:59.000Z",
                                   reasons=[review_pb2.ReturnReason(target_kind="section", target="economic",
                                                                    target_title="经济指标", reason="营业收入与报表不符")])

    store.transact(lambda unit: review_events.apply(unit, review_event("review.returned", application["_id"], returned)))

    current = storage.get_application(store.db, application["_id"])
    assert current["status"] == "returned"
    assert "economic" in str(current["reopened"])
    # the section the reviewer named can be saved again; submission is not the way back
    workflow.save_section(as_enterprise, pb.SaveSectionRequest(application_id=application["_id"], section_id="economic",
                                                                expected_version=1),
                          {**SECTIONS["economic"], "main_revenue_2019": 18100})
    response = workflow.resubmit(as_enterprise, pb.ResubmitRequest(application_id=application["_id"]))
    assert (response.status, response.snapshot_version) == ("resubmitted", 2)
    [event] = outbox(store, "application.resubmitted", application["_id"])
    assert event.payload(pb.ApplicationResubmitted).application.snapshot_version == 2
