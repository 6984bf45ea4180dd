"""Reporting's MongoDB collections: the event archive, the read models built from it,
the reports (files in GridFS) and the report runs (jobs).

- ``event_archive``: every consumed event as received (envelope), with the read-model
  document it changes (``collection``, ``key``) and its instant ``at``;
- ``applications``, ``enterprises``, ``programmes``: the read models (``facts`` plus a
  derived view, see ``rules.projections``);
- ``reports`` + GridFS bucket ``report_files``; ``report_jobs``; ``meta`` (rebuild runs).
"""

from __future__ import annotations

import gc
import re
import uuid
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Protocol

from gridfs import GridFSBucket
from gridfs.errors import NoFile
from pymongo import ASCENDING, DESCENDING, CursorType
from pymongo.client_session import ClientSession
from pymongo.database import Database
from pymongo.errors import BulkWriteError, DuplicateKeyError

from kernel.personal import without_contacts
from reporting import table_store
from reporting.documents import archived, facts_of, loaded, payload, stored, unpacked
from reporting.rules import projections
from reporting.rules.events import (
    APPLICATIONS,
    ENTERPRISES,
    FANNED_OUT,
    PROGRAMMES,
    READ_MODELS,
    ProjectionError,
    ProjectionEvent,
    fan_out,
    normalise,
)
from reporting.rules.statistics import DIMENSIONS
from zjtx.files import HashedUpload, download, read_chunks
from zjtx.mongo import ensure_indexes, simple_index

FILES_BUCKET = "report_files"
# a transaction that started before a rebuild may commit this much later (with_transaction's limit)
CATCH_UP_MARGIN = timedelta(seconds=120)

INDEXES = {
    "event_archive": [
        simple_index("key", "at", "_id", name="replay"),
        simple_index("at", "_id", name="by_time"),
        simple_index("archived_at", name="by_arrival"),
        simple_index("subject"),  # the skeleton created it under its default name
    ],
    "enterprises": [simple_index("region_code")],
    # Each secondary index is paid by every write of a document (the projector's, a rebuild's:
    # on SecantusDB 7 indexes made an insert ~3x dearer than none), so only what a query needs
    # (issue 16): statistics and the recognition list (by_status; the recognised are a few hundred,
    # sorted by rank in memory), the 推荐汇总表 of the programme or of one unit (programme_table:
    # ``rec_sort`` stands for the unit, see ``summary_query``), the drafts (drafts), a unit's
    # scope and name (by_unit). Dropped then: ``unit_table``, ``recognition``, ``enterprise_id_1``
    # (no query used it); a database made before keeps them until its next rebuild.
    "applications": [
        simple_index("programme_id", "status", name="by_status"),
        simple_index("programme_id", "in_table", "rec_sort", "rec_rank", "_id", name="programme_table"),
        # only the passed applications awaiting a unit's 推荐汇总表 have an entry: the others cost
        # a write no entry, and the programme-wide drafts (``draft_unit_id > ""``, every query's
        # condition) no longer walk every application's empty one (0.5 s at 20,000 on SecantusDB)
        simple_index("programme_id", "draft_unit_id", "pf_at", "_id", name="drafts",
                     partialFilterExpression={"draft_unit_id": {"$gt": ""}}),
        simple_index("programme_id", "unit_ids", name="by_unit"),
    ],
    "reports": [simple_index("programme_id", "kind", "created_at"), simple_index("job_id")],
    "report_jobs": [simple_index("started_at")],
    # 定期调度: the latest version of each operating report (not a read model of the archive:
    # a rebuild leaves it alone)
    "operating_reports": [simple_index("programme_id", "period", name="by_period")],
    **table_store.INDEXES,  # the 推荐汇总表's stored rows
}
# dropped at start: ``unit_draft`` became the partial ``drafts`` (an index's options cannot change
# under its name)
RETIRED_INDEXES = {"applications": ["unit_draft"]}


class Unit(Protocol):
    db: Database
    session: ClientSession

    def insert_later(self, collection: str, document: dict[str, Any]) -> None: ...


Transact = Callable[[Callable[[Any], Any]], Any]


# ---- events and projections -------------------------------------------------------------

def archive_document(envelope: Mapping[str, Any], event: ProjectionEvent) -> dict[str, Any]:
    # the archive keeps no contact (reporting needs none; PIPL art. 6; docs/personal-data.md); the payload
    # as one bytes value (``documents.payload``)
    kept = {k: payload(without_contacts(v)) if k == "data" else v for k, v in envelope.items() if k != "_id"}
    return {**kept, "_id": event.id, "collection": event.collection,
            "key": event.key, "at": event.at, "archived_at": datetime.now(timezone.utc)}


APPLY_ATTEMPTS = 10  # another event of the same document applied meanwhile: read it again
# Events that nearly always find no document yet (an application's first submission, an
# enterprise's registration): outside a transaction the new document is inserted without a
# look-up first; if one exists after all, the insert fails on its _id and the event is applied
# to it as any other.
CREATING = frozenset({"application.submitted", "enterprise.registered"})


def apply_event(db: Database, session: ClientSession | None, event: ProjectionEvent) -> dict[str, Any]:
    """Load the document the event changes, apply it, store the new document.

    The write is conditional on the facts read (compare and set): two events of one
    application applied at once outside a transaction (they arrive on different queues) cannot
    lose one another's facts; the one that finds the facts changed applies its event again to
    the new state (applying is idempotent and order-insensitive). An event that changes no fact
    (applied already) writes nothing."""
    collection = db[event.collection]
    fields = {"facts": 1, **table_store.PLACE_FIELDS} if event.collection == APPLICATIONS else {"facts": 1}
    if session is None and event.type in CREATING:
        document = projections.derive(event.collection, event.key, projections.apply(event.collection, None, event))
        try:
            collection.insert_one(stored(document))
            return _row_follows(db, session, event, None, document)
        except DuplicateKeyError:
            pass
    for _ in range(APPLY_ATTEMPTS):
        current = collection.find_one({"_id": event.key}, fields, session=session)
        held_as_stored = (current or {}).get("facts")  # the compare-and-set's filter: the value as read
        held = facts_of(held_as_stored)
        facts = projections.apply(event.collection, held, event)
        document = projections.derive(event.collection, event.key, facts)
        if current is None:
            try:
                collection.insert_one(stored(document), session=session)
                return _row_follows(db, session, event, None, document)
            except DuplicateKeyError:
                if session is not None:
                    raise
                continue
        if facts == held:
            # nothing new (a redelivery after a crash, a duplicate); the row is written again in
            # case the crash came between the document's write and the row's
            return _row_follows(db, session, event, current, document)
        if collection.replace_one({"_id": event.key, "facts": held_as_stored}, stored(document),
                                  session=session).matched_count == 1:
            return _row_follows(db, session, event, current, document)
    raise RuntimeError(f"{event.collection} {event.key} kept changing while {event.type} {event.id} was applied")


def _row_follows(db: Database, session: ClientSession | None, event: ProjectionEvent,
                 before: Mapping[str, Any] | None, document: dict[str, Any]) -> dict[str, Any]:
    if event.collection == APPLICATIONS:  # the 推荐汇总表's row follows its document
        table_store.maintain(db, session, before, document)
    return document


def archive_and_apply(unit: Unit, envelope: Mapping[str, Any], event: ProjectionEvent) -> bool:
    """Archive the event and apply it, without a transaction (``handles(transaction=False)``).

    Each write idempotent: the archive's ``_id`` is the event id (a second insert finds it and
    is skipped), and applying an event again changes nothing (``rules.projections``). The read
    model is written first; the archive entry goes with the unit's last round trip, just before
    the inbox record. So a crash anywhere in between is repaired by the redelivery. No look-up
    first. Inside a transaction (tests, tools) a duplicate archive entry aborts it, as before."""
    # with the unit's last round trip, before its inbox record: a second run skips the taken id
    unit.insert_later("event_archive", archive_document(envelope, event))
    apply_event(unit.db, unit.session, event)
    for change in fan_out(event):
        apply_event(unit.db, unit.session, change)
    return True


# what archive_document adds to the envelope as received
ARCHIVE_BOOKKEEPING = ("_id", "collection", "key", "at", "archived_at")


def archived_events(db: Database, types: list[str], since: datetime | None = None,
                    batch_size: int = 500) -> Iterator[dict[str, Any]]:
    """The archived envelopes of ``types`` as received, oldest first (event instant, then id).

    A cursor, not a list: a backfill of a whole year streams without holding it."""
    query: dict[str, Any] = {"type": {"$in": types}}
    if since is not None:
        query["at"] = {"$gte": since}
    cursor = db.event_archive.find(query, sort=[("at", ASCENDING), ("_id", ASCENDING)], batch_size=batch_size)
    for entry in map(archived, cursor):
        yield {k: v for k, v in entry.items() if k not in ARCHIVE_BOOKKEEPING}


def _backfill_archive(db: Database) -> int:
    """Archive entries written before they carried a key (the walking skeleton's)."""
    fixed = 0
    # key null or missing: answered from the replay index, where $exists: false read the whole archive
    for entry in map(archived, db.event_archive.find({"key": None})):
        try:
            event = normalise(entry)
        except ProjectionError:
            continue
        db.event_archive.update_one({"_id": entry["_id"]}, {"$set": {
            "collection": event.collection, "key": event.key, "at": event.at,
            "archived_at": entry.get("archived_at") or datetime.now(timezone.utc)}})
        fixed += 1
    return fixed


REPLAY_GC_THRESHOLD = 50_000  # new objects between the cyclic collector's passes during a replay


def rebuild(source: Database, target: Database, transact: Transact | None = None,
            batch: int = 250, catch_up: bool = True) -> Iterator[dict[str, Any]]:
    """Drop ``target``'s read models and replay ``source``'s archive through the projections.

    Each document depends only on the events that name it, so the archive is replayed key
    by key, each key's events in (time, id) order: the same order as a replay of the whole
    archive by time, with each document written once. Events archived while the replay ran
    are applied again at the end (applying is idempotent), so none is missed. Yields progress.

    The archive is read once (the events that change several documents are kept aside in
    that pass), and each batch of documents is written (``insert_many``, unordered) by a
    worker while the next batch is folded: the folding is this process's CPU, the writes the
    database server's. Batches of 250: what is still queued when the folding ends is waited
    for (batches of 1,000 left ~1 s of writes at 10,000). The 推荐汇总表's rows are held
    compressed and each bucket is written once, at the end; the read models' secondary indexes
    are built then too.
    """
    started = datetime.now(timezone.utc)
    _backfill_archive(source)
    for name in READ_MODELS:
        # dropped, not emptied: a delete costs the server a decode and the index entries per
        # document, a drop nothing; and the indexes come back as declared now, so those a newer
        # version no longer declares go (issue 16)
        target[name].drop()
    table_store.clear(target)
    # no total up front, as for the 推荐汇总表: counting the archive reads it once more (1.7 s for
    # 10,000 applications' 40,000 events on SecantusDB; its "estimated" count scans too, 0.2-0.5 s)
    yield {"stage": "replay", "done": 0, "total": 0, "message": "开始重放事件存档"}
    pending: dict[str, list[tuple[dict[str, Any], list[ProjectionEvent]]]] = {name: [] for name in READ_MODELS}
    counts = {name: 0 for name in READ_MODELS}
    plans = table_store.plans(target)
    fanned: list[ProjectionEvent] = []
    writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="rebuild-writer")
    writes: list[Future[None]] = []
    rows = table_store.Pending()  # the table's rows, each bucket written once at the end

    def write(collection: str, folded: list[tuple[dict[str, Any], list[ProjectionEvent]]]) -> None:
        while len(writes) >= 2:  # at most two batches in memory besides the one being folded
            writes.pop(0).result()
        writes.append(writer.submit(_write_folded, target, collection, folded, plans, rows))
    done = skipped = 0
    every = 5000
    key: tuple[str, str] | None = None
    events: list[ProjectionEvent] = []

    def close_key() -> None:
        if key is None or not events:
            return
        pending[key[0]].append((projections.fold(key[0], key[1], events), events))
        counts[key[0]] += 1
        if len(pending[key[0]]) >= batch:
            write(key[0], pending[key[0]])
            pending[key[0]] = []

    # The replay makes millions of short-lived objects (entries, payloads, folded documents), all
    # acyclic: at the default threshold (700) the cyclic collector ran that often and took ~12% of
    # the rebuild's CPU (issue 16). It still runs, at a threshold of 50,000 new objects, and the
    # threshold is put back at the end (left alone when another rebuild raised it already).
    collector = gc.get_threshold()
    raised = collector[0] < REPLAY_GC_THRESHOLD
    if raised:
        gc.set_threshold(REPLAY_GC_THRESHOLD, *collector[1:])
    try:  # the writer stops with the replay, also when the caller goes away
        # an exhaust cursor: the server streams the batches without waiting for a getMore each,
        # so it looks the next one up while this process folds the last (10,000 applications'
        # 40,000 events with 60 µs of work each: 3.55 s -> 3.3 s); pymongo refuses one through mongos
        cursor = source.event_archive.find({}, sort=[("key", ASCENDING), ("at", ASCENDING), ("_id", ASCENDING)],
                                           batch_size=1000, cursor_type=CursorType.NON_TAILABLE
                                           if source.client.is_mongos else CursorType.EXHAUST)
        for entry in cursor:
            done += 1
            try:
                event = _replayed(entry)
            except ProjectionError:
                skipped += 1
                continue
            if (event.collection, event.key) != key:
                close_key()
                key, events = (event.collection, event.key), []
            events.append(event)
            if event.type in FANNED_OUT:
                fanned.append(event)
            if done % every == 0:
                yield {"stage": "replay", "done": done, "total": 0, "message": f"已重放 {done} 条事件"}
        close_key()
        for name, folded in pending.items():
            if folded:
                write(name, folded)
        for future in writes:
            future.result()
        rows.write(target)
    finally:
        writer.shutdown(wait=True)
        if raised:
            gc.set_threshold(*collector)
        # the read models' secondary indexes are built once their documents are in (also when the
        # replay failed): on SecantusDB an insert pays every index of its collection; a rebuild of
        # 10,000 applications cost its server 5.4 s of CPU with them in place, 4.5 s with them built
        # after (issue 16). Until then a query by programme reads the (incomplete) collection whole.
        ensure_indexes(target, {name: INDEXES[name] for name in READ_MODELS if name in INDEXES})
    late = list(source.event_archive.find({"archived_at": {"$gte": started - CATCH_UP_MARGIN}},
                                          sort=[("at", ASCENDING), ("_id", ASCENDING)])) if catch_up else []
    # events that change several documents are archived under one key: their other changes
    # are applied once the documents they change exist (idempotent, like the catch-up)
    for event in sorted(fanned, key=lambda e: (e.at, e.id)):
        for change in fan_out(event):
            apply_event(target, None, change)
    for entry in late:
        try:
            event = _replayed(entry)
        except ProjectionError:
            continue
        if transact is not None:
            transact(lambda unit, e=event: apply_event(unit.db, unit.session, e))
        else:
            apply_event(target, None, event)
    names = {APPLICATIONS: "申报", ENTERPRISES: "企业", PROGRAMMES: "培育批次"}
    summary = "、".join(f"{names[name]} {n} 条" for name, n in counts.items())
    yield {"stage": "done", "done": done, "total": done, "skipped": skipped, "counts": counts, "finished": True,
           "message": f"重建完成：重放 {done} 条事件（跳过 {skipped} 条无法解析的事件），生成 {summary}"}


def _replayed(entry: dict[str, Any]) -> ProjectionEvent:
    """An archive entry as the event to apply again: trusted (it passed ``normalise`` before it
    was archived), its payload not stripped of contacts again if it was then."""
    envelope, stripped = unpacked(entry)
    return normalise(envelope, trusted=True, stripped=stripped)


def _write_folded(target: Database, collection: str, folded: list[tuple[dict[str, Any], list[ProjectionEvent]]],
                  plans: Mapping[str, Mapping[str, Any]] | None = None,
                  rows: table_store.Pending | None = None) -> None:
    """Insert rebuilt documents (the collection was emptied, so inserts, not upserts). A key a
    live event created meanwhile gets the replayed events applied on top: applying is
    idempotent, so the result holds both. The table's rows go to ``rows`` (written at the end
    of the rebuild), or at once without it."""
    duplicates: set[Any] = set()
    try:
        target[collection].insert_many([stored(document) for document, _ in folded], ordered=False)
    except BulkWriteError as error:
        duplicates = {e["op"]["_id"] for e in error.details.get("writeErrors", []) if e.get("code") == 11000}
        if len(duplicates) != len(error.details.get("writeErrors", [])):
            raise
    if collection == APPLICATIONS:  # the table's rows of the inserted documents
        inserted = (d for d, _ in folded if d["_id"] not in duplicates)
        plans = table_store.plans(target) if plans is None else plans
        if rows is not None:
            rows.add(inserted, plans)
        else:
            table_store.write_rows(target, inserted, plans)
    if duplicates:
        for document, events in folded:
            if document["_id"] in duplicates:
                for event in events:
                    apply_event(target, None, event)


# ---- queries --------------------------------------------------------------------------------

def digits(text: str) -> str:
    return re.sub(r"[^0-9]", "", text or "")


def count_enterprises(db: Database, region_prefix: str) -> int:
    prefix = digits(region_prefix)
    return db.enterprises.count_documents({"region_code": {"$regex": f"^{prefix}"}} if prefix else {})


def programme_document(db: Database, programme_id: str) -> dict[str, Any]:
    return loaded(db.programmes.find_one({"_id": programme_id})) or {"_id": programme_id, "publicity_ids": []}


def application(db: Database, application_id: str) -> dict[str, Any] | None:
    return loaded(db.applications.find_one({"_id": application_id}))


def _scope_filter(programme_id: str, scope: str, region_prefix: str) -> dict[str, Any]:
    query: dict[str, Any] = {"programme_id": programme_id, "submitted": True}
    if scope != "programme":
        query["unit_ids"] = scope
    prefix = digits(region_prefix)
    if prefix:
        query["region_code"] = {"$regex": f"^{prefix}"}
    return query


def _grouped(db: Database, query: dict[str, Any]) -> list[dict[str, Any]]:
    pipeline = [{"$match": query}, {"$group": {"_id": {d: f"${d}" for d in DIMENSIONS}, "n": {"$sum": 1}}}]
    return [{**row["_id"], "n": row["n"]} for row in db.applications.aggregate(pipeline)]


def statistics_groups(db: Database, programme_id: str, scope: str, region_prefix: str
                      ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Grouped counts of submitted applications, and of those on the open 公示 list."""
    query = _scope_filter(programme_id, scope, region_prefix)
    groups = _grouped(db, query)
    listed = programme_document(db, programme_id).get("publicity_ids") or []
    in_publicity = _grouped(db, {**query, "_id": {"$in": listed}, "status": "recommended"}) if listed else []
    return groups, in_publicity


def summary_query(programme_id: str, unit_id: str) -> tuple[dict[str, Any], list[tuple[str, int]]]:
    if unit_id:  # rec_sort names the unit (unit_sort_key is one-to-one): the programme's index serves it
        return ({"programme_id": programme_id, "in_table": True, "rec_sort": projections.unit_sort_key(unit_id)},
                [("rec_rank", ASCENDING), ("_id", ASCENDING)])
    return ({"programme_id": programme_id, "in_table": True},
            [("rec_sort", ASCENDING), ("rec_rank", ASCENDING), ("_id", ASCENDING)])


def summary_count(db: Database, programme_id: str, unit_id: str, include_pending: bool) -> int:
    query, _ = summary_query(programme_id, unit_id)
    count = db.applications.count_documents(query)
    if include_pending:
        count += db.applications.count_documents(_draft_query(programme_id, unit_id))
    return count


def _draft_query(programme_id: str, unit_id: str) -> dict[str, Any]:
    return {"programme_id": programme_id, "draft_unit_id": unit_id} if unit_id else \
        {"programme_id": programme_id, "draft_unit_id": {"$gt": ""}}


def summary_documents(db: Database, programme_id: str, unit_id: str, include_pending: bool
                      ) -> Iterator[dict[str, Any]]:
    """Recommended applications in 推荐顺序 (then, for a draft, the passed ones by pass time),
    read through a cursor in batches: memory does not grow with the table."""
    query, order = summary_query(programme_id, unit_id)
    for doc in db.applications.find(query, sort=order, batch_size=500):
        yield loaded(doc)
    if include_pending:
        for doc in db.applications.find(_draft_query(programme_id, unit_id), batch_size=500,
                                        sort=[("draft_unit_id", ASCENDING), ("pf_at", ASCENDING), ("_id", ASCENDING)]):
            yield loaded(doc)


def unit_name_from_documents(db: Database, programme_id: str, unit_id: str) -> str:
    found = loaded(db.applications.find_one({"programme_id": programme_id, "unit_ids": unit_id},
                                            {"rec_unit_id": 1, "rec_unit_name": 1, "facts": 1}))
    if not found:
        return ""
    if found.get("rec_unit_id") == unit_id and found.get("rec_unit_name"):
        return str(found["rec_unit_name"])
    for task in (found.get("facts") or {}).get("tasks", {}).values():
        for part in (task.get("opened"), task.get("decision")):
            if part and part.get("unit_id") == unit_id and part.get("unit_name"):
                return str(part["unit_name"])
    return ""


def recognised_documents(db: Database, programme_id: str) -> Iterator[dict[str, Any]]:
    for doc in db.applications.find({"programme_id": programme_id, "status": "recognised"},
                                    sort=[("recognition_rank", ASCENDING), ("_id", ASCENDING)], batch_size=500):
        yield loaded(doc)


def publicity_documents(db: Database, programme_id: str, ids: list[str]) -> list[dict[str, Any]]:
    """The 公示 list in the order review published it."""
    found = {d["_id"]: loaded(d) for d in db.applications.find({"_id": {"$in": ids}})}
    return [found[i] for i in ids if i in found]


# ---- reports, files and jobs ------------------------------------------------------------------

def store_file(db: Database, path: Path, filename: str, media_type: str) -> tuple[Any, str, int]:
    """Upload to GridFS in chunks, hashing as it goes; returns (file id, sha256, size)."""
    with HashedUpload(GridFSBucket(db, bucket_name=FILES_BUCKET), filename, metadata={"media_type": media_type}) as upload:
        upload.write_all(read_chunks(path))
        upload.close()
    return upload.file_id, upload.sha256, upload.size


def delete_file(db: Database, file_id: Any) -> None:
    try:
        GridFSBucket(db, bucket_name=FILES_BUCKET).delete(file_id)
    except NoFile:
        pass


def read_file(db: Database, file_id: Any, chunk_size: int) -> Iterator[bytes]:
    return download(GridFSBucket(db, bucket_name=FILES_BUCKET), file_id, chunk_size)


def insert_report(unit: Unit, report: dict[str, Any]) -> None:
    unit.db.reports.insert_one(report, session=unit.session)


def get_report(db: Database, report_id: str) -> dict[str, Any] | None:
    return db.reports.find_one({"_id": report_id})


def list_reports(db: Database, query: dict[str, Any], limit: int) -> list[dict[str, Any]]:
    return list(db.reports.find(query).sort("created_at", DESCENDING).limit(limit))


def set_report_path(db: Database, report_id: str, path: str) -> None:
    db.reports.update_one({"_id": report_id}, {"$set": {"path": path}})


def create_job(db: Database, kind: str, programme_id: str, requested_by: dict[str, str], at: datetime) -> str:
    job_id = uuid.uuid4().hex
    db.report_jobs.insert_one({"_id": job_id, "kind": kind, "programme_id": programme_id, "state": "running",
                               "stage": "start", "done": 0, "total": 0, "message": "", "report_ids": [],
                               "started_at": at, "finished_at": None, "error": "", "requested_by": requested_by})
    return job_id


def update_job(db: Database, job_id: str, **fields: Any) -> None:
    db.report_jobs.update_one({"_id": job_id}, {"$set": fields})


def add_job_report(db: Database, job_id: str, report_id: str) -> None:
    db.report_jobs.update_one({"_id": job_id}, {"$push": {"report_ids": report_id}})


def get_job(db: Database, job_id: str) -> dict[str, Any] | None:
    return db.report_jobs.find_one({"_id": job_id})


def save_operating_report(unit: Unit, report: dict[str, Any]) -> bool:
    """Keep the report if it is newer than the copy held (a redelivered or late older version changes
    nothing); True when stored."""
    held = unit.db.operating_reports.find_one({"_id": report["_id"]}, {"version": 1}, session=unit.session)
    if held is not None and held.get("version", 0) >= report["version"]:
        return False
    unit.db.operating_reports.replace_one({"_id": report["_id"]}, report, upsert=True, session=unit.session)
    return True


def operating_reports(db: Database, programme_id: str) -> list[dict[str, Any]]:
    return list(db.operating_reports.find({"programme_id": programme_id}))


__all__ = ["APPLICATIONS", "ENTERPRISES", "PROGRAMMES", "INDEXES", "rebuild", "archive_and_apply"]
