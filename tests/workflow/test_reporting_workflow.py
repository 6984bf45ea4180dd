"""Reporting's use cases in process: the read model built from the events registration's
and review's use cases wrote (projected as reporting's handlers project them), then the
推荐汇总表 workbook and the statistics, against the embedded database."""

from __future__ import annotations

import gc
import io
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from pymongo import MongoClient
from workflow_support import HUNAN, IN_WINDOW, PDF, catalogue, outbox, reviewer, submitted

from harness.reporting_events import keys_in
from kernel.programme import ProgrammeModel, programme_from_message
from registration import storage as registration_storage
from reporting import storage, workflow
from reporting.documents import loaded
from reporting.rules import access
from reporting.rules.divisions import load_regions
from reporting.rules.events import ProjectionError, normalise
from review import storage as review_storage
from review import workflow as review_workflow
from zjtx import inbox
from zjtx.envelope import Envelope
from zjtx.errors import DomainError
from zjtx.mongo import StandaloneStore, StoreHandle
from zjtx_api import registration_pb2

HENGYANG = "unit-430400"
PROVINCE = "unit-430000"


@pytest.fixture
def reporting(open_store) -> StoreHandle:
    return open_store("reporting", storage.INDEXES)


def programme() -> ProgrammeModel:
    return programme_from_message(catalogue().message(HUNAN))


def project(reporting: StoreHandle, events: list[Envelope]) -> None:
    """What reporting's handlers do with each event: normalise, then the inbox claim, the archive
    and the projection in one transaction (a redelivered event stops at the claim)."""
    for event in events:
        envelope = event.to_dict()
        projected = normalise(envelope)

        def work(unit: Any, e: dict[str, Any] = envelope, p: Any = projected) -> None:
            inbox.claim(unit.db, unit.session, "ReportingService.project", e["id"], e["type"])
            storage.archive_and_apply(unit, e, p)

        try:
            reporting.transact(work)
        except inbox.AlreadyApplied:
            pass


def context(reporting: StoreHandle, tmp_path: Path, requester: access.Requester) -> workflow.Context:
    return workflow.Context(db=reporting.db, transact=reporting.transact, now=lambda: IN_WINDOW + timedelta(days=2),
                           requester=requester, regions=load_regions(""),
                           unit_names=lambda unit_id: catalogue().unit(unit_id).name,
                           reports_root=tmp_path, output_dir=tmp_path / "workflow")


def recommended(open_store) -> tuple[list[Envelope], str]:
    """One Hunan 2020 application submitted, passed by Hengyang and recommended with its
    推荐汇总表: every event, in the order the services wrote them; and the enterprise's name."""
    registration = open_store("registration", registration_storage.INDEXES)
    review = open_store("review", review_storage.INDEXES)
    submission = submitted(registration)
    snapshot = submission.payload(registration_pb2.ApplicationSubmitted).application
    review.transact(lambda unit: review_workflow.take_submitted(unit, catalogue(), snapshot, IN_WINDOW))
    as_city = review_workflow.Context(catalogue(), reviewer(HENGYANG), IN_WINDOW + timedelta(days=1))
    task_id = review.db.tasks.find_one({"application_id": submission.subject})["_id"]
    review.transact(lambda unit: review_workflow.decide_pass(unit, as_city, task_id, "同意推荐"))
    plan = review_workflow.plan_upload(as_city, HUNAN, HENGYANG, "summary_table")
    stored = review_storage.store_file(review.db, "summary-wf", "推荐汇总表.pdf", [PDF], 1 << 20,
                                       lambda head, size: "application/pdf")
    review.transact(lambda unit: review_workflow.record_upload(unit, as_city, plan, stored))
    return [*outbox(registration), *outbox(review)], snapshot.enterprise.name


def test_the_read_model_follows_the_application_to_recommended(reporting: StoreHandle, open_store) -> None:
    events, _ = recommended(open_store)

    project(reporting, events)

    [application] = reporting.db.applications.find({})
    assert application["status"] == "recommended"
    assert reporting.db.event_archive.count_documents({}) == len(events)


def test_an_event_projected_twice_is_archived_and_applied_once(reporting: StoreHandle, open_store) -> None:
    events, _ = recommended(open_store)
    project(reporting, events)

    project(reporting, events)

    assert reporting.db.event_archive.count_documents({}) == len(events)
    assert reporting.db.applications.count_documents({}) == 1


def test_events_applied_again_without_a_transaction_leave_the_same_read_model(reporting: StoreHandle,
                                                                            open_store) -> None:
    """As the handlers run now (``handles(transaction=False)``): every event applied, then every one
    applied again (a redelivery after a crash before the inbox record, in reverse order): the archive
    holds each once, and the read model is the one a single pass in a transaction builds."""
    events, _ = recommended(open_store)
    once = open_store("reporting", storage.INDEXES)
    project(once, events)

    for event in [*events, *reversed(events)]:
        envelope = event.to_dict()
        reporting.apply(lambda unit, e=envelope: storage.archive_and_apply(unit, e, normalise(e)), event.id)

    assert reporting.db.event_archive.count_documents({}) == len(events)
    [twice], [single] = reporting.db.applications.find({}), once.db.applications.find({})
    assert loaded(twice) == loaded(single)  # facts as stored keep the order they were applied in


def test_an_event_whose_document_changed_under_it_is_applied_again_to_the_new_state(
        reporting: StoreHandle, open_store, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two events of one application applied at once without a transaction: the second one's
    write lands between the first one's read and write; neither loses the other's facts."""
    events, _ = recommended(open_store)
    once = open_store("reporting", storage.INDEXES)
    project(once, events)
    projected = [normalise(e.to_dict()) for e in events]
    [first] = [e for e in projected if e.type == "review.passed"]
    [second] = [e for e in projected if e.type == "review.recommended"]  # the same application's document
    for event in [e for e in projected if e not in (first, second)]:
        storage.apply_event(reporting.db, None, event)
    real, raced = storage.projections.apply, []

    def apply_while_another_lands(collection: str, state: Any, event: Any) -> Any:
        if event is first and not raced:
            raced.append(True)
            storage.apply_event(reporting.db, None, second)  # lands after first's read
        return real(collection, state, event)

    monkeypatch.setattr(storage.projections, "apply", apply_while_another_lands)
    storage.apply_event(reporting.db, None, first)
    assert raced
    assert loaded(reporting.db.applications.find_one({})) == loaded(once.db.applications.find_one({}))


def test_the_units_summary_workbook_lists_the_recommended_enterprise(reporting: StoreHandle, open_store,
                                                                     tmp_path: Path) -> None:
    events, name = recommended(open_store)
    project(reporting, events)
    ctx = context(reporting, tmp_path, access.Requester(role="reviewer", unit=HENGYANG, subject="r1"))

    progress = list(workflow.summary_table(ctx, programme(), HENGYANG, include_pending=False))

    assert progress[-1]["finished"] is True
    [report] = progress[-1]["reports"]
    assert (report["rows"], report["kind"]) == (1, "summary_table")
    content = b"".join(storage.read_file(reporting.db, report["file_id"], 64 * 1024))
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    cells = [str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None]
    assert name in cells
    assert any("推荐汇总表" in c for c in cells)
    assert Path(report["path"]).read_bytes() == content
    [ready] = outbox(reporting, "report.ready")
    assert ready.data["sha256"] == report["sha256"]


def test_another_units_reviewer_cannot_have_its_summary_table(reporting: StoreHandle, tmp_path: Path) -> None:
    ctx = context(reporting, tmp_path, access.Requester(role="reviewer", unit="unit-430100", subject="r2"))

    with pytest.raises(DomainError) as refused:
        list(workflow.summary_table(ctx, programme(), HENGYANG, include_pending=False))

    assert (refused.value.kind, refused.value.code) == ("forbidden", "access.summary_table")
    assert outbox(reporting, "report.ready") == []


def test_the_province_statistics_count_the_recommended_application(reporting: StoreHandle, open_store,
                                                                   tmp_path: Path) -> None:
    events, _ = recommended(open_store)
    project(reporting, events)
    ctx = context(reporting, tmp_path, access.Requester(role="admin", unit=PROVINCE, subject="a1"))

    stats = workflow.compute_statistics(ctx, programme(), "")

    assert (stats.scope, stats.applications) == ("programme", 1)
    assert {b.key: b.count for b in stats.by_status}.get("recommended") == 1


def test_an_event_reporting_does_not_consume_or_from_the_wrong_source_is_refused() -> None:
    unknown = Envelope(type="application.archived", source="registration", subject="a1", data={}).to_dict()
    forged = Envelope(type="review.passed", source="registration", subject="a1", data={}).to_dict()

    with pytest.raises(ProjectionError, match="does not consume 'application.archived'"):
        normalise(unknown)
    with pytest.raises(ProjectionError, match="must come from review"):
        normalise(forged)


def workbook_rows(reporting: StoreHandle, progress: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    [report] = progress[-1]["reports"]
    content = b"".join(storage.read_file(reporting.db, report["file_id"], 64 * 1024))
    return list(openpyxl.load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))


def test_a_rebuild_strips_a_payload_archived_before_payloads_were_stripped(reporting: StoreHandle,
                                                                           open_store) -> None:
    """An archive entry written before 4 December 2026 holds its payload as a sub-document, contacts
    and personal form fields included (issue 25); one written since holds it as bytes, stripped
    when archived, and a rebuild does not walk it again. The rebuild strips the older one: the
    read model it rebuilds is the live one, with no contact in it."""
    events, _ = recommended(open_store)
    project(reporting, events)
    live = {d["_id"]: loaded(d) for d in reporting.db.applications.find({})}
    submitted_event = next(e for e in events if e.type == "application.submitted")
    as_received = submitted_event.to_dict()["data"]
    personal_keys = {"legal_representative", "contact_name", "contact_phone", "signer_name"}
    assert personal_keys & set(keys_in(as_received))  # the submission carries personal fields
    reporting.db.event_archive.update_one({"_id": submitted_event.id}, {"$set": {"data": as_received}})

    for _ in storage.rebuild(reporting.db, reporting.db, catch_up=False):
        pass

    rebuilt = {d["_id"]: loaded(d) for d in reporting.db.applications.find({})}
    assert rebuilt == live
    assert not personal_keys & set(keys_in(rebuilt))
    for name in storage.READ_MODELS:  # built after the documents, as declared
        declared = {model.document["name"] for model in storage.INDEXES.get(name, [])}
        assert set(reporting.db[name].index_information()) == {"_id_", *declared}


def test_a_rebuild_runs_the_cyclic_collector_less_often_and_puts_its_threshold_back(
        reporting: StoreHandle, open_store, monkeypatch: pytest.MonkeyPatch) -> None:
    """The replay raises the collector's first threshold and restores the caller's at the end, also
    when the replay fails; a threshold already as high (another rebuild running) is left alone."""
    events, _ = recommended(open_store)
    project(reporting, events)
    seen: list[int] = []
    fold = storage.projections.fold

    def folding(*args: Any) -> Any:
        seen.append(gc.get_threshold()[0])
        return fold(*args)

    monkeypatch.setattr(storage.projections, "fold", folding)
    before = gc.get_threshold()
    try:
        gc.set_threshold(700, 10, 10)
        for _ in storage.rebuild(reporting.db, reporting.db, catch_up=False):
            pass
        assert seen and set(seen) == {storage.REPLAY_GC_THRESHOLD}
        assert gc.get_threshold() == (700, 10, 10)

        monkeypatch.setattr(storage.projections, "fold", lambda *args: 1 / 0)
        with pytest.raises(ZeroDivisionError):
            list(storage.rebuild(reporting.db, reporting.db, catch_up=False))
        assert gc.get_threshold() == (700, 10, 10)

        monkeypatch.setattr(storage.projections, "fold", folding)
        gc.set_threshold(storage.REPLAY_GC_THRESHOLD * 2, 10, 10)
        seen.clear()
        list(storage.rebuild(reporting.db, reporting.db, catch_up=False))
        assert set(seen) == {storage.REPLAY_GC_THRESHOLD * 2}
        assert gc.get_threshold() == (storage.REPLAY_GC_THRESHOLD * 2, 10, 10)
    finally:
        gc.set_threshold(*before)


def test_a_later_event_changes_the_served_row_and_a_rebuild_keeps_it(reporting: StoreHandle, open_store,
                                                                    tmp_path: Path) -> None:
    """The table is served from the rows the projector keeps: an event after the first request
    (a corrected 推荐顺序 and opinion, then a withdrawal) changes the next workbook, and a
    rebuild of the read model gives the same rows."""
    import dataclasses
    from datetime import datetime

    from zjtx.clock import iso

    events, name = recommended(open_store)
    project(reporting, events)
    ctx = context(reporting, tmp_path, access.Requester(role="reviewer", unit=HENGYANG, subject="r1"))
    first = workbook_rows(reporting, list(workflow.summary_table(ctx, programme(), HENGYANG, include_pending=False)))
    headers = first[2]
    [row] = [r for r in first[3:] if r[1] == name]
    assert (row[headers.index("推荐顺序")], row[headers.index("审核意见")]) == (1, "同意推荐")

    recommended_event = next(e for e in events if e.type == "review.recommended")
    last = max(datetime.fromisoformat(e.time.replace("Z", "+00:00")) for e in events)
    later = iso(last + timedelta(days=1))
    corrected = dataclasses.replace(recommended_event, id="corrected-rank", time=later,
                                    data={**recommended_event.data, "unit_rank": 2, "opinion": "调整为第二位"})
    project(reporting, [corrected])
    second = workbook_rows(reporting, list(workflow.summary_table(ctx, programme(), HENGYANG, include_pending=False)))
    [row] = [r for r in second[3:] if r[1] == name]
    assert (row[0], row[headers.index("推荐顺序")], row[headers.index("审核意见")]) == (1, 2, "调整为第二位")

    for _ in storage.rebuild(reporting.db, reporting.db, catch_up=False):
        pass
    rebuilt = workbook_rows(reporting, list(workflow.summary_table(ctx, programme(), HENGYANG, include_pending=False)))
    assert rebuilt[3:] == second[3:]

    submitted_event = next(e for e in events if e.type == "application.submitted")
    withdrawn = Envelope(type="application.withdrawn", source="registration", subject=submitted_event.subject,
                         id="withdrawn-after", time=iso(last + timedelta(days=2)),
                         data={"application_id": submitted_event.subject, "reason": "企业撤回",
                               "programme_id": HUNAN, "withdrawn_at": iso(last + timedelta(days=2))})
    project(reporting, [withdrawn])
    third = workbook_rows(reporting, list(workflow.summary_table(ctx, programme(), HENGYANG, include_pending=False)))
    assert not [r for r in third[3:] if r[1] == name] and third[-1][0].startswith("单位负责人")


def test_concurrent_rows_of_one_bucket_are_all_kept(reporting: StoreHandle) -> None:
    """Handlers write one bucket at once without a transaction: the version check (compare-
    and-set) keeps every row, where a plain rewrite would lose some."""
    from concurrent.futures import ThreadPoolExecutor

    from reporting import table_store
    from reporting.rules import table

    plan = {**table.plan_of(programme()), "ready": True}
    reporting.db.summary_plans.insert_one(plan)
    docs = [{"_id": f"app-{i}", "programme_id": HUNAN, "in_table": True, "rec_sort": "u", "rec_unit_id": "u",
             "rec_rank": i, "enterprise": {"name": f"企业{i}"}} for i in range(24)]
    buckets = {table.bucket_id(HUNAN, table.slot(d)) for d in docs}
    with ThreadPoolExecutor(max_workers=6) as pool:
        list(pool.map(lambda d: table_store.maintain(reporting.db, None, None, d), docs))
    [group] = list(table_store.groups(reporting.db, HUNAN, table.RECOMMENDED, ""))
    assert [key.decode() for key, _ in group] == sorted(table.slot(d).key for d in docs)
    assert reporting.db.summary_rows.count_documents({}) == len(buckets) < len(docs)
    table_store.maintain(reporting.db, None, docs[0], {**docs[0], "in_table": False})
    [group] = list(table_store.groups(reporting.db, HUNAN, table.RECOMMENDED, ""))
    assert len(group) == len(docs) - 1


def synthetic_programme(reporting: StoreHandle, count: int) -> list[dict[str, Any]]:
    """``count`` recommended applications of the harness (several units, each ranking its own),
    projected event by event as the handlers do, without a transaction."""
    from harness.reporting_events import programme_events

    envelopes = list(programme_events(count, HUNAN))
    for envelope in envelopes:
        reporting.apply(lambda unit, e=envelope: storage.archive_and_apply(unit, e, normalise(e)), envelope["id"])
    return envelopes


def test_the_programme_table_from_kept_rows_is_the_table_from_the_documents_before_and_after_a_change(
        reporting: StoreHandle, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The served table (a unit's buckets by range of 推荐顺序, joined in order, numbered at once)
    lists what the documents say, through the whole table, also after an event moves one row to
    another bucket of its unit; and the rows the projector keeps are the rows a rebuild writes."""
    import dataclasses

    from reporting import table_store
    from reporting.rules import table

    monkeypatch.setattr(table, "RANKS_PER_BUCKET", 2)  # several buckets per unit with a few rows
    envelopes = synthetic_programme(reporting, 24)
    owner = access.Requester(role="admin", unit=programme().owner_unit_id, subject="a1")
    ctx = context(reporting, tmp_path, owner)

    def both() -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
        kept = workbook_rows(reporting, list(workflow.summary_table(ctx, programme(), "", include_pending=False)))
        documents = workbook_rows(reporting, list(
            workflow.summary_table_from_documents(ctx, programme(), "", include_pending=False)))
        return kept, documents

    kept, documents = both()
    assert kept == documents and len(kept) == 3 + 24 + 2  # title lines, header, rows, blank and signature line
    assert [r[0] for r in kept[3:-2]] == list(range(1, 25))
    assert reporting.db.summary_rows.count_documents({}) > len({e["data"]["step"]["unit_id"] for e in envelopes
                                                               if e["type"] == "review.recommended"})

    # the first unit's first application falls to the last rank: from its first bucket to another
    first = next(e for e in envelopes if e["type"] == "review.recommended")
    unit_count = sum(1 for e in envelopes if e["type"] == "review.recommended"
                     and e["data"]["step"]["unit_id"] == first["data"]["step"]["unit_id"])
    moved = dataclasses.replace(Envelope.from_dict(first), id="moved-rank",
                                data={**first["data"], "unit_rank": unit_count + 1, "opinion": "调整至末位"})
    envelope = moved.to_dict()
    reporting.apply(lambda unit: storage.archive_and_apply(unit, envelope, normalise(envelope)), moved.id)
    kept, documents = both()
    assert kept == documents
    unit_rows = [r for r in kept[3:-2] if r[1] == kept[3][1]]
    assert unit_rows[-1][kept[2].index("审核意见")] == "调整至末位"

    def kept_rows() -> dict[str, list[tuple[str, str, str]]]:  # a bucket a moved row left stays, empty
        return {b["_id"]: rows for b in reporting.db.summary_rows.find({"section": "r"})
                if (rows := table.decode_rows(b["data"]))}

    stored = kept_rows()
    live = {d["_id"]: loaded(d) for d in reporting.db.applications.find({})}
    for _ in storage.rebuild(reporting.db, reporting.db, catch_up=False):
        pass
    assert {d["_id"]: loaded(d) for d in reporting.db.applications.find({})} == live  # event by event = replayed
    assert kept_rows() == stored
    assert list(table_store.groups(reporting.db, HUNAN, table.RECOMMENDED, ""))  # readable as merged groups too


def test_a_database_of_an_earlier_version_loses_the_full_drafts_index_at_start(mongo: MongoClient) -> None:
    """``unit_draft`` (an entry for every application) became the partial ``drafts`` (the passed
    ones awaiting a unit's table only): the service starting on an earlier database drops the
    old one and the drafts read the same, in (unit, pass time, id) order."""
    name = f"wf_reporting_{uuid.uuid4().hex[:10]}"
    try:
        mongo[name].applications.create_index([("programme_id", 1), ("draft_unit_id", 1), ("pf_at", 1), ("_id", 1)],
                                              name="unit_draft")
        drafts = [{"_id": f"a{i}", "programme_id": HUNAN, "draft_unit_id": unit, "pf_at": i}
                  for i, unit in enumerate(["430400", "", "430100", "430400", ""])]
        mongo[name].applications.insert_many(drafts)
        for _ in range(2):  # and a second start finds nothing to drop
            StandaloneStore(mongo, name, "reporting", storage.INDEXES, storage.RETIRED_INDEXES)
        indexes = {i["name"]: i for i in mongo[name].applications.list_indexes()}
        assert set(indexes) == {"_id_", "by_status", "programme_table", "drafts", "by_unit"}
        assert indexes["drafts"]["partialFilterExpression"] == {"draft_unit_id": {"$gt": ""}}
        db = mongo[name]
        assert [d["_id"] for d in storage.summary_documents(db, HUNAN, "", include_pending=True)] == ["a2", "a0", "a3"]
        assert [d["_id"] for d in storage.summary_documents(db, HUNAN, "430400", include_pending=True)] == ["a0", "a3"]
        assert storage.summary_count(db, HUNAN, "430400", include_pending=True) == 2
    finally:
        mongo.drop_database(name)
