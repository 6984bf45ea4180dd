"""The 推荐汇总表's stored rows (``rules.table``): kept by the projector, rebuilt with the read
model, read in table order by a request.

- ``summary_plans``: one per programme whose table was asked for: what a row shows (the plan);
- ``summary_rows``: the rows, several per document: ``_id`` = programme|section|group|bucket,
  ``data`` = the bucket's rows sorted by order key in one compressed bytes value
  (``table.encode_rows``), ``version`` counting its writes. A group is a recommending unit
  (its sort key) for recommended rows, the passing unit for a draft's. A unit's recommended
  rows are bucketed by range of 推荐顺序 (``table.RANKS_PER_BUCKET`` ranks a document), so its
  documents in ``_id`` order are its rows in order; a draft group's rows are spread over
  ``table.DRAFT_BUCKETS`` documents and merged. A request reads a few hundred bytes values
  for 100,000 rows and holds one bucket (a draft: one group) at a time. (Rows as a
  sub-document per application cost the database server a decode and encode per row: 25.7 s
  for 144 documents at 100,000.) A bucket whose last row left stays, empty.

A bucket is rewritten whole (read, change, write back) and the write is conditional on the
``version`` read (compare-and-set): the projector's handlers run concurrently, and without a
transaction, so two events of one bucket must not overwrite each other's row.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import datetime, timedelta, timezone
from typing import Any

from bson import Binary
from pymongo import ASCENDING
from pymongo.client_session import ClientSession
from pymongo.database import Database
from pymongo.errors import DuplicateKeyError, OperationFailure

from reporting.documents import loaded
from reporting.rules import table
from zjtx.mongo import simple_index

INDEXES = {
    "summary_rows": [simple_index("programme_id", "section", "group", name="table_order"),
                     simple_index("programme_id", "section", "unit", name="unit_rows")],
}
# the view fields a row's place is computed from (read with the facts before an event is applied)
PLACE_FIELDS = {"programme_id": 1, "in_table": 1, "rec_sort": 1, "rec_unit_id": 1, "rec_rank": 1,
                "draft_unit_id": 1, "pf_at": 1}
# events archived this long before a build began may still be committing (with_transaction's limit)
CATCH_UP_MARGIN = timedelta(seconds=120)
ATTEMPTS = 50  # compare-and-set tries before giving up (each loses only to a write that went in)
WRITE_CONFLICT = 112  # the server's code for a write conflict; labelled so a transaction is retried

Row = tuple[str, str, str]  # (order key, application id, row XML)
Change = Callable[[list[Row]], list[Row]]


def _set(programme_id: str, place: table.Slot) -> dict[str, Any]:
    return {"programme_id": programme_id, "section": place.section, "group": place.group, "unit": place.unit}


def _change(db: Database, session: ClientSession | None, bucket: str, fields: Mapping[str, Any],
            change: Change) -> None:
    """Read-modify-write one bucket, guarded by its ``version`` (retried when another write won)."""
    for _ in range(ATTEMPTS):
        stored = db.summary_rows.find_one({"_id": bucket}, {"data": 1, "version": 1}, session=session)
        rows = table.decode_rows(stored["data"]) if stored is not None and stored.get("data") else []
        changed = change(rows)
        data = Binary(table.encode_rows(changed))
        if stored is None:
            try:
                db.summary_rows.insert_one({"_id": bucket, **fields, "data": data, "version": 1,
                                            "count": len(changed)}, session=session)
                return
            except DuplicateKeyError:
                if session is not None and session.in_transaction:
                    raise
                continue
        version = stored.get("version")  # None matches a bucket written without one (an older format)
        done = db.summary_rows.update_one({"_id": bucket, "version": version},
                                          {"$set": {**fields, "data": data, "count": len(changed)},
                                           "$inc": {"version": 1}}, session=session)
        if done.matched_count:
            return
        if session is not None and session.in_transaction:  # the snapshot will not change: retry the whole unit
            raise OperationFailure(f"summary_rows bucket {bucket} changed meanwhile", WRITE_CONFLICT,
                                   {"errorLabels": ["TransientTransactionError"]})
    raise RuntimeError(f"summary_rows bucket {bucket}: {ATTEMPTS} conflicting writes in a row; the event is retried")


def _without(app_id: str) -> Change:
    return lambda rows: [row for row in rows if row[1] != app_id]


def _with(new: Iterable[Row]) -> Change:
    def change(rows: list[Row]) -> list[Row]:
        added = list(new)
        replaced = {app_id for _, app_id, _ in added}
        return sorted([row for row in rows if row[1] not in replaced] + added)
    return change


def maintain(db: Database, session: ClientSession | None, before: Mapping[str, Any] | None,
             after: Mapping[str, Any]) -> None:
    """The projector's hook: after an application's document changed, move, rewrite or drop
    its row. Nothing is read or written for an application that is not on the table (the
    submission surge), nor for a programme whose table nobody has asked for yet."""
    old = table.slot(before) if before else None
    new = table.slot(after)
    if old is None and new is None:
        return
    programme_id = str(after.get("programme_id") or (before or {}).get("programme_id") or "")
    plan = db.summary_plans.find_one({"_id": programme_id}, session=session)
    if plan is None:
        return
    app_id = str(after["_id"])
    if old is not None and (new is None or table.bucket_id(programme_id, old) != table.bucket_id(programme_id, new)):
        _change(db, session, table.bucket_id(programme_id, old), _set(programme_id, old), _without(app_id))
    if new is not None:
        row = (new.key, app_id, table.render_row(after, plan))
        _change(db, session, table.bucket_id(programme_id, new), _set(programme_id, new), _with([row]))


def bucket_rows(documents: Iterable[Mapping[str, Any]], plans: Mapping[str, Mapping[str, Any]]
                ) -> dict[str, tuple[dict[str, Any], list[Row]]]:
    """The rows of many documents by bucket: {bucket id: (its fields, its rows)}."""
    buckets: dict[str, tuple[dict[str, Any], list[Row]]] = {}
    for doc in documents:
        plan = plans.get(str(doc.get("programme_id", "")))
        place = table.slot(doc)
        if plan is None or place is None:
            continue
        app_id = str(doc["_id"])
        _, rows = buckets.setdefault(table.bucket_id(plan["_id"], place), (_set(plan["_id"], place), []))
        rows.append((place.key, app_id, table.render_row(doc, plan)))
    return buckets


def bucket_document(bucket: str, fields: Mapping[str, Any], rows: list[Row]) -> dict[str, Any]:
    """A whole bucket as stored (a seeding's bulk insert)."""
    return {"_id": bucket, **fields, "data": Binary(table.encode_rows(rows)), "version": 1, "count": len(rows)}


def write_rows(db: Database, documents: Iterable[Mapping[str, Any]], plans: Mapping[str, Mapping[str, Any]]) -> int:
    """Rows of many documents at once (a rebuild's batch, a plan's first build): each bucket
    touched is rewritten once with all of the batch's rows for it."""
    buckets = bucket_rows(documents, plans)
    for bucket, (fields, rows) in buckets.items():
        _change(db, None, bucket, fields, _with(rows))
    return len(buckets)


class Pending:
    """Rows bound for their buckets, held compressed until the end of a rebuild, then each bucket
    written once: a rebuild's batches each touch every bucket (the archive is replayed by
    application, not by unit), and rewriting each bucket per batch of 1,000 costs the server a
    read and a write of a growing bucket each time. Compressed, ~50 bytes a row are held."""

    def __init__(self) -> None:
        self._parts: dict[str, tuple[dict[str, Any], list[bytes]]] = {}

    def add(self, documents: Iterable[Mapping[str, Any]], plans: Mapping[str, Mapping[str, Any]]) -> None:
        for bucket, (fields, rows) in bucket_rows(documents, plans).items():
            self._parts.setdefault(bucket, (fields, []))[1].append(table.encode_rows(rows))

    def write(self, db: Database) -> int:
        """Merge each bucket's rows into what it holds (a live event may have written rows meanwhile)."""
        for bucket, (fields, parts) in self._parts.items():
            _change(db, None, bucket, fields, _with([row for part in parts for row in table.decode_rows(part)]))
        written, self._parts = len(self._parts), {}
        return written


def plans(db: Database) -> dict[str, dict[str, Any]]:
    return {str(p["_id"]): p for p in db.summary_plans.find({})}


def clear(db: Database) -> None:
    """Before a rebuild of the read model: the rows are rebuilt from it (the plans stay)."""
    db.summary_rows.delete_many({})


def ensure(db: Database, plan: dict[str, Any], now: Callable[[], datetime] = lambda: datetime.now(timezone.utc)
           ) -> bool:
    """Make sure the programme's rows exist for this plan; True when they had to be built
    (the first request for a programme's table, or after its columns or fields changed).

    The plan is stored first, so that the projector keeps rows from then on; the build then
    renders every row from the read model, and re-renders the applications changed by events
    archived since shortly before it began (a build may have read an older document)."""
    stored = db.summary_plans.find_one({"_id": plan["_id"]}, {"signature": 1, "ready": 1})
    if stored is not None and stored.get("signature") == plan["signature"] and stored.get("ready"):
        return False
    started = datetime.now(timezone.utc)
    db.summary_plans.replace_one({"_id": plan["_id"]}, {**plan, "ready": False, "built_at": now()}, upsert=True)
    db.summary_rows.delete_many({"programme_id": plan["_id"]})
    by_programme = {plan["_id"]: plan}
    # read in group order (the table's indexes), so each bucket is written once, whole, and
    # memory holds one group's rows
    for query, group_field in (({"programme_id": plan["_id"], "in_table": True}, "rec_sort"),
                               ({"programme_id": plan["_id"], "draft_unit_id": {"$gt": ""}}, "draft_unit_id")):
        batch: list[dict[str, Any]] = []
        current: Any = None
        for doc in map(loaded, db.applications.find(query, sort=[(group_field, ASCENDING)], batch_size=500)):
            if doc.get(group_field) != current and batch:
                write_rows(db, batch, by_programme)
                batch = []
            current = doc.get(group_field)
            batch.append(doc)
        write_rows(db, batch, by_programme)
    changed = {str(e["key"]) for e in db.event_archive.find(
        {"archived_at": {"$gte": started - CATCH_UP_MARGIN}, "collection": "applications"}, {"key": 1})}
    for app_id in sorted(changed):
        doc = loaded(db.applications.find_one({"_id": app_id}))
        if doc is not None and doc.get("programme_id") == plan["_id"]:
            write_rows(db, [doc], by_programme)
    db.summary_plans.update_one({"_id": plan["_id"]}, {"$set": {"ready": True}})
    return True


def _buckets(db: Database, programme_id: str, section: str, unit_id: str) -> Iterator[list[dict[str, Any]]]:
    """A section's stored buckets, a group (unit) at a time in table order, each group's in _id order."""
    query: dict[str, Any] = {"programme_id": programme_id, "section": section}
    if unit_id:
        query["unit"] = unit_id
    current: str | None = None
    buckets: list[dict[str, Any]] = []
    for bucket in db.summary_rows.find(query, {"group": 1, "data": 1},
                                       sort=[("group", ASCENDING), ("_id", ASCENDING)], batch_size=32):
        if bucket["group"] != current:
            if buckets:
                yield buckets
            current, buckets = bucket["group"], []
        if bucket.get("data"):
            buckets.append(bucket)
    if buckets:
        yield buckets


def groups(db: Database, programme_id: str, section: str, unit_id: str) -> Iterator[list[tuple[bytes, bytes]]]:
    """The stored rows of one section, a group (unit) at a time in table order, each group's
    rows in their order: [(order key, row XML)] as UTF-8 bytes. Memory holds one group."""
    for buckets in _buckets(db, programme_id, section, unit_id):
        yield list(heapq.merge(*(table.stored_rows(bucket["data"]) for bucket in buckets)))


def table_rows(db: Database, programme_id: str, unit_id: str, include_pending: bool) -> Iterator[table.Rows]:
    """The table's rows finished and numbered (recommended, then the draft's passed ones), a
    bucket (a draft: a group) at a time. A unit's recommended rows are stored by range of
    推荐顺序, so its buckets in order are its rows in order: each bucket's run of rows is finished
    whole (``finish_run``), never split into rows in Python but for the two numbers; a draft's
    buckets are merged by key first."""
    number = 1
    programme_wide = not unit_id
    for buckets in _buckets(db, programme_id, table.RECOMMENDED, unit_id):
        for bucket in buckets:
            data, count = table.finish_run(table.stored_run(bucket["data"]), number, programme_wide)
            number += count
            yield table.Rows(data, count)
    if include_pending:
        for group in groups(db, programme_id, table.DRAFT, unit_id):
            run = b"".join(table.ROW_MARK_BYTES + xml for _, xml in group)
            data, count = table.finish_run(run, number, programme_wide)
            number += count
            yield table.Rows(data, count)
