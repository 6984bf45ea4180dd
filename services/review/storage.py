"""Review's MongoDB collections, the indexes they need, and the queries over them.

- ``applications``: one document per application in review (``_id`` = application id):
  the snapshot review keeps (enterprise, sections, attachments, hash), status, current
  level/unit, return count, rubric result, ``version`` (optimistic concurrency; every
  change increments it) and ``history_seq`` (the last history number).
- ``tasks``: one per review of one application at one level in one round.
- ``history``: append-only decision history; nothing updates or deletes an entry.
- ``summaries``: a unit's uploaded 推荐汇总表 / 推荐报告 (the bytes are in GridFS bucket
  ``summary_files``), with SHA-256 and detected media type.
- ``unit_progress``: when a unit confirmed its recommendations (FinaliseUnit).
- ``programme_state``: per programme, the window state last announced, when the
  recommendations were complete, and the 公示 (the confirmed list, period, published).
- ``objections``: objections received during a 公示 and how each was resolved.
- ``reserve``: the 后备 pool, one entry per enterprise, source programme and source
  (``review.reserve``).
- ``recognitions``: one per recognised enterprise and programme, its validity, renewals,
  lapse or revocation (``review.validity``).
- ``enterprises``: directory from enterprise.registered; ``reviewers``: accounts.
- ``city_recommendations``: the 推荐库, recognitions a city instance sent upwards
  (``_id`` = recognising programme + USCC: a repeated or amended recognition replaces it).
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from gridfs import GridFSBucket
from pymongo import ASCENDING
from pymongo.errors import DuplicateKeyError

from kernel import personal
from review.rules.decisions import PASSED_PENDING_SUMMARY, TASK_OPEN
from zjtx.crypto import field_cipher
from zjtx.errors import conflict
from zjtx.files import HashedUpload, download
from zjtx.mongo import UnitOfWork, simple_index

SUMMARY_BUCKET = "summary_files"

INDEXES = {
    "enterprises": [simple_index("uscc", unique=True), simple_index("region_code")],
    "reviewers": [simple_index("unit_id", "created_at")],
    "applications": [
        simple_index("programme_id", "status"),
        simple_index("programme_id", "pending_unit_id", "status"),
        simple_index("enterprise.enterprise_id"),
    ],
    "tasks": [
        simple_index("unit_id", "status", "opened_seq"),
        simple_index("application_id", "opened_seq"),
        simple_index("programme_id", "status"),
    ],
    "history": [simple_index("application_id", "seq", unique=True)],
    "summaries": [simple_index("programme_id", "unit_id", "uploaded_seq")],
    "objections": [simple_index("programme_id", "received_seq"), simple_index("application_id")],
    "programme_versions": [simple_index("programme_id", "version", unique=True)],
    "unit_versions": [simple_index("version", unique=True)],
    "reserve": [simple_index("owner", "status"), simple_index("enterprise.enterprise_id")],
    "recognitions": [simple_index("owner", "status"), simple_index("status", "valid_until"),
                     simple_index("enterprise.enterprise_id")],
    "city_recommendations": [simple_index("recommend_to", "from_owner", "rank"), simple_index("uscc")],
}


def next_seq() -> int:
    """An ordering number from the wall clock: the platform clock may be frozen (tests,
    replays), so it cannot order two things that happen at the same platform instant."""
    return time.time_ns()


# ---------------------------------------------------------------- applications


def get_application(unit: UnitOfWork, application_id: str) -> dict[str, Any] | None:
    return unit.db.applications.find_one({"_id": application_id}, session=unit.session)


def insert_application(unit: UnitOfWork, document: dict[str, Any]) -> None:
    unit.insert("applications", document)


# changes ``update_application(..., defer=True)`` left for the application's next write in the unit
UNWRITTEN = "_unwritten"


def update_application(unit: UnitOfWork, document: dict[str, Any], changes: dict[str, Any],
                       unset: Iterable[str] = (), insert: bool = False, defer: bool = False) -> dict[str, Any]:
    """Apply ``changes`` if nobody changed the application since it was read. ``insert``: the
    document is new in this unit of work and not written yet: it is inserted with the changes
    (one write instead of an insert and an update). ``defer``: the caller writes the application
    again in this unit of work (a pass, then the status it leads to): the changes are kept on the
    returned document and ride with that write, one update fewer (about 3 ms of the embedded
    server's CPU for review's application)."""
    earlier_set, earlier_unset = document.get(UNWRITTEN) or ({}, ())
    later_unset = set(unset)
    merged = {**{k: v for k, v in earlier_set.items() if k not in later_unset}, **changes}
    removed = tuple(dict.fromkeys(k for k in (*earlier_unset, *unset) if k not in merged))
    fresh = {k: v for k, v in {**document, **merged}.items() if k not in removed and k != UNWRITTEN}
    if defer:
        return {**fresh, UNWRITTEN: (merged, removed)}
    if insert:
        unit.insert("applications", fresh)
        return fresh
    # the history sequence rides along: entries appended with ``defer`` rely on it
    sequence = {"history_seq": fresh["history_seq"]} if "history_seq" in fresh else {}
    update: dict[str, Any] = {"$set": {**sequence, **merged}, "$inc": {"version": 1}}
    if removed:
        update["$unset"] = {key: "" for key in removed}
    result = unit.db.applications.update_one({"_id": document["_id"], "version": document["version"]},
                                             update, session=unit.session)
    if result.matched_count != 1:
        raise conflict("application.changed", "该申请刚刚被其他操作修改，请刷新后重试")
    return {**fresh, "version": document["version"] + 1}


def applications_of(db: Any, programme_id: str, statuses: Iterable[str] | None = None,
                    session: Any = None) -> list[dict[str, Any]]:
    query: dict[str, Any] = {"programme_id": programme_id}
    if statuses is not None:
        query["status"] = {"$in": list(statuses)}
    return list(db.applications.find(query, session=session).sort("first_submitted_seq", ASCENDING))


def find_application(db: Any, application_id: str, with_sections: bool = True) -> dict[str, Any] | None:
    """An application outside a transaction (queries); without its section data if asked."""
    return db.applications.find_one({"_id": application_id}, None if with_sections else {"sections": 0})


def pending_of_unit(unit: UnitOfWork, programme_id: str, unit_id: str) -> list[dict[str, Any]]:
    return list(unit.db.applications.find(
        {"programme_id": programme_id, "pending_unit_id": unit_id, "status": PASSED_PENDING_SUMMARY},
        session=unit.session,
    ).sort("first_submitted_seq", ASCENDING))


def recommended_by_unit(unit: UnitOfWork, programme_id: str, unit_id: str) -> list[dict[str, Any]]:
    return list(unit.db.applications.find({"programme_id": programme_id, "recommended_unit_id": unit_id},
                                          session=unit.session))


def set_unit_rank(unit: UnitOfWork, application_id: str, unit_rank: int) -> None:
    """推荐顺序 moves when the unit recommends more; not a state change, so no version bump."""
    unit.db.applications.update_one({"_id": application_id}, {"$set": {"unit_rank": unit_rank}}, session=unit.session)


def count_by_status(db: Any, programme_id: str, session: Any = None) -> dict[str, int]:
    counts: dict[str, int] = {}
    for row in db.applications.aggregate([{"$match": {"programme_id": programme_id}},
                                          {"$group": {"_id": "$status", "n": {"$sum": 1}}}], session=session):
        counts[row["_id"]] = int(row["n"])
    return counts


# ---------------------------------------------------------------- tasks


def get_task(unit: UnitOfWork, task_id: str) -> dict[str, Any] | None:
    return unit.db.tasks.find_one({"_id": task_id}, session=unit.session)


def find_task(db: Any, task_id: str) -> dict[str, Any] | None:
    return db.tasks.find_one({"_id": task_id})


def insert_task(unit: UnitOfWork, document: dict[str, Any]) -> None:
    unit.insert("tasks", document)


def close_task(unit: UnitOfWork, task: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """Close an open task; a concurrent decision on it is a conflict."""
    result = unit.db.tasks.update_one({"_id": task["_id"], "status": TASK_OPEN}, {"$set": changes},
                                      session=unit.session)
    if result.matched_count != 1:
        raise conflict("task.decided", "该审核任务刚刚已被处理，请刷新任务列表")
    return {**task, **changes}


def tasks_of_unit(db: Any, unit_id: str, programme_id: str, status: str) -> list[dict[str, Any]]:
    query: dict[str, Any] = {"unit_id": unit_id}
    if programme_id:
        query["programme_id"] = programme_id
    if status != "all":
        query["status"] = status or TASK_OPEN
    return list(db.tasks.find(query, {"sections": 0}).sort("opened_seq", ASCENDING))


def count_tasks(db: Any, query: dict[str, Any], session: Any = None) -> int:
    return db.tasks.count_documents(query, session=session)


# ---------------------------------------------------------------- history


def append_history(unit: UnitOfWork, application: dict[str, Any], entry: dict[str, Any],
                   defer: bool = False) -> dict[str, Any]:
    """Append one entry; the application's ``history_seq`` numbers it. Returns the
    application with the new sequence. ``defer``: the caller updates the application later
    in the same unit of work (``update_application`` writes ``history_seq`` with its change),
    so the sequence is not written on its own: one database operation fewer per entry."""
    seq = int(application.get("history_seq", 0)) + 1
    # written with the unit's other history entries at its end (one insert_many: a submission's
    # "submitted" and "task_opened" are one write), in the same transaction
    unit.insert_later("history", {"_id": f"{application['_id']}:{seq:05d}", "application_id": application["_id"],
                                  "programme_id": application["programme_id"], "seq": seq, **entry})
    if not defer:
        unit.db.applications.update_one({"_id": application["_id"]}, {"$set": {"history_seq": seq}},
                                        session=unit.session)
    return {**application, "history_seq": seq}


def history_of(db: Any, application_id: str) -> list[dict[str, Any]]:
    return list(db.history.find({"application_id": application_id}).sort("seq", ASCENDING))


# ---------------------------------------------------------------- summaries, progress


def insert_summary(unit: UnitOfWork, document: dict[str, Any]) -> None:
    unit.db.summaries.insert_one(document, session=unit.session)


def find_summary(db: Any, file_id: str) -> dict[str, Any] | None:
    return db.summaries.find_one({"_id": file_id})


def summaries_of(db: Any, programme_id: str, unit_id: str, session: Any = None) -> list[dict[str, Any]]:
    return list(db.summaries.find({"programme_id": programme_id, "unit_id": unit_id},
                                  session=session).sort("uploaded_seq", ASCENDING))


def unit_progress(db: Any, programme_id: str, unit_id: str, session: Any = None) -> dict[str, Any] | None:
    return db.unit_progress.find_one({"_id": f"{programme_id}:{unit_id}"}, session=session)


def set_unit_finalised(unit: UnitOfWork, programme_id: str, unit_id: str, changes: dict[str, Any]) -> None:
    unit.db.unit_progress.update_one({"_id": f"{programme_id}:{unit_id}"},
                                     {"$set": {"programme_id": programme_id, "unit_id": unit_id, **changes}},
                                     upsert=True, session=unit.session)


# ---------------------------------------------------------------- programme state, objections


def programme_state(db: Any, programme_id: str, session: Any = None) -> dict[str, Any]:
    return db.programme_state.find_one({"_id": programme_id}, session=session) or {"_id": programme_id}


def programme_states(db: Any) -> dict[str, dict[str, Any]]:
    """Every programme's state, by programme id: the clock's one read per tick."""
    return {state["_id"]: state for state in db.programme_state.find()}


def set_programme_state(unit: UnitOfWork, programme_id: str, expected: dict[str, Any],
                        changes: dict[str, Any]) -> None:
    """Change the programme's state only if ``expected`` still holds (one winner; a
    ``None`` expectation also matches a missing key)."""
    unit.db.programme_state.update_one({"_id": programme_id}, {"$setOnInsert": {"created": True}},
                                       upsert=True, session=unit.session)
    result = unit.db.programme_state.update_one({"_id": programme_id, **expected}, {"$set": changes},
                                                session=unit.session)
    if result.matched_count != 1:
        raise conflict("programme.changed", "培育批次状态刚刚被其他操作修改，请刷新后重试")


# ---------------------------------------------------------------- programme documents and their versions
# ``programmes``: one head per programme (``_id`` = id, ``version`` = the current one);
# ``programme_versions``: every version's document with who, when, from where and why (never changed).


def seed_programme(db: Any, record: dict[str, Any]) -> bool:
    """First start: store a deploy/programmes document unless the programme exists (any replica may try)."""
    try:
        db.programme_versions.insert_one(record)
    except DuplicateKeyError:
        return False
    db.programmes.update_one({"_id": record["programme_id"]}, {"$setOnInsert": {"version": record["version"]}},
                             upsert=True)
    return True


def programme_heads(db: Any) -> dict[str, int]:
    return {h["_id"]: int(h["version"]) for h in db.programmes.find({}, {"version": 1})}


def programme_version(db: Any, programme_id: str, version: int, session: Any = None) -> dict[str, Any] | None:
    return db.programme_versions.find_one({"programme_id": programme_id, "version": version}, session=session)


def programme_versions(db: Any, programme_id: str) -> list[dict[str, Any]]:
    return list(db.programme_versions.find({"programme_id": programme_id}, {"document": 0}).sort("version", 1))


def add_programme_version(unit: UnitOfWork, record: dict[str, Any], previous: int | None) -> None:
    """The new version and the head moved to it, only if nobody moved it since ``previous`` was read
    (``None``: a new programme, whose id must be free)."""
    if previous is None:
        try:
            unit.db.programmes.insert_one({"_id": record["programme_id"], "version": record["version"]},
                                          session=unit.session)
        except DuplicateKeyError:
            raise conflict("programme.exists", f"培育批次 {record['programme_id']} 已存在，请换一个编号") from None
    else:
        moved = unit.db.programmes.update_one({"_id": record["programme_id"], "version": previous},
                                              {"$set": {"version": record["version"]}}, session=unit.session)
        if moved.matched_count != 1:
            raise conflict("programme.changed", "培育批次刚刚被其他管理员修改，请刷新后在最新版本上修改")
    unit.db.programme_versions.insert_one(record, session=unit.session)


# Personal fields sealed at rest (zjtx.crypto; docs/personal-data.md), opened only in this module.
SEALED_OBJECTION_FIELDS = ("objector", "contact")
SEALED_REVIEWER_FIELDS = ("email", "mobile")

# ``units_head``: one document (``_id`` = "units") naming the current version of the review units;
# ``unit_versions``: every version's whole units document with who, when, from where and why.
UNITS_HEAD = "units"


def seed_units(db: Any, record: dict[str, Any]) -> bool:
    """First start: store the deploy/units document unless the units exist (any replica may try)."""
    try:
        db.unit_versions.insert_one(record)
    except DuplicateKeyError:
        return False
    db.units_head.update_one({"_id": UNITS_HEAD}, {"$setOnInsert": {"version": record["version"]}}, upsert=True)
    return True


def units_head(db: Any, session: Any = None) -> int:
    head = db.units_head.find_one({"_id": UNITS_HEAD}, session=session)
    return int(head["version"]) if head else 0


def unit_version(db: Any, version: int, session: Any = None) -> dict[str, Any] | None:
    return db.unit_versions.find_one({"version": version}, session=session)


def unit_versions(db: Any) -> list[dict[str, Any]]:
    return list(db.unit_versions.find({}, {"document": 0}).sort("version", 1))


def add_unit_version(unit: UnitOfWork, record: dict[str, Any], previous: int) -> None:
    """The new version and the head moved to it, only if nobody moved it since ``previous`` was read."""
    moved = unit.db.units_head.update_one({"_id": UNITS_HEAD, "version": previous},
                                          {"$set": {"version": record["version"]}}, session=unit.session)
    if moved.matched_count != 1:
        raise conflict("units.changed", "审核单位刚刚被其他管理员修改，请刷新后在最新版本上修改")
    unit.db.unit_versions.insert_one(record, session=unit.session)


def insert_objection(unit: UnitOfWork, document: dict[str, Any]) -> None:
    sealed = field_cipher().encrypt_fields(document, SEALED_OBJECTION_FIELDS, "objection.")
    unit.db.objections.insert_one(sealed, session=unit.session)


def objections_of(db: Any, programme_id: str, session: Any = None) -> list[dict[str, Any]]:
    cipher = field_cipher()
    return [cipher.decrypt_fields(d, SEALED_OBJECTION_FIELDS, "objection.")
            for d in db.objections.find({"programme_id": programme_id}, session=session).sort("received_seq", ASCENDING)]


def save_enterprise(unit: UnitOfWork, document: dict[str, Any]) -> None:
    """The enterprise directory entry from enterprise.registered (replaced whole)."""
    unit.db.enterprises.replace_one({"_id": document["_id"]}, document, upsert=True, session=unit.session)


def insert_reviewer(unit: UnitOfWork, document: dict[str, Any]) -> None:
    unit.db.reviewers.insert_one(field_cipher().encrypt_fields(document, SEALED_REVIEWER_FIELDS, "reviewer."),
                                 session=unit.session)


def reviewers_of(db: Any, unit_id: str) -> list[dict[str, Any]]:
    """A unit's reviewer and admin accounts, oldest first."""
    cipher = field_cipher()
    return [cipher.decrypt_fields(d, SEALED_REVIEWER_FIELDS, "reviewer.")
            for d in db.reviewers.find({"unit_id": unit_id}).sort("created_at", 1)]


# ---------------------------------------------------------------- GridFS (推荐汇总表 scans)


def store_file(db: Any, file_id: str, filename: str, chunks: Iterable[bytes], max_bytes: int,
               check: Any) -> dict[str, Any]:
    """Stream ``chunks`` into GridFS, hashing as it goes.

    ``check(head, size)`` decides whether the file is acceptable (it raises
    otherwise; the stored part is then deleted) and returns the media type. Files are
    written before the transaction that references them, so a refused upload leaves
    nothing behind and an accepted one is whole before anything points to it.
    """
    with HashedUpload(GridFSBucket(db, bucket_name=SUMMARY_BUCKET), filename or file_id, file_id=file_id) as upload:
        for data in chunks:
            if upload.size + len(data) > max_bytes:
                check(upload.head, upload.size + len(data))  # refuses: stop reading a file that is already too large
            upload.write(data)
        media_type = check(upload.head, upload.size)
        upload.close()
    size, sha256 = upload.size, upload.sha256
    # the profile's digest (SM3 under ZJTX_CRYPTO=sm) beside the SHA-256, with its algorithm (zjtx.files)
    db[f"{SUMMARY_BUCKET}.files"].update_one({"_id": file_id}, {"$set": {"metadata": {
        "sha256": sha256, "media_type": media_type, **upload.digests}}})
    return {"file_id": file_id, "filename": filename, "size": size, "sha256": sha256, "media_type": media_type}


def delete_file(db: Any, file_id: str) -> None:
    GridFSBucket(db, bucket_name=SUMMARY_BUCKET).delete(file_id)


def read_file(db: Any, file_id: str, chunk_size: int = 256 * 1024) -> Iterable[bytes]:
    return download(GridFSBucket(db, bucket_name=SUMMARY_BUCKET), file_id, chunk_size)


# ---------------------------------------------------------------- 推荐库 (recommendations from city instances)


def save_city_recommendation(unit: UnitOfWork, document: dict[str, Any]) -> None:
    unit.db.city_recommendations.replace_one({"_id": document["_id"]}, document, upsert=True, session=unit.session)


def city_recommendations(db: Any, recommend_to: str) -> list[dict[str, Any]]:
    return list(db.city_recommendations.find({"recommend_to": recommend_to}).sort(
        [("from_owner", ASCENDING), ("rank", ASCENDING)]))


def city_recommendations_of(db: Any, uscc: str, recommend_to: str) -> list[dict[str, Any]]:
    if not uscc:
        return []
    return list(db.city_recommendations.find({"uscc": uscc, "recommend_to": recommend_to}).sort("from_owner", ASCENDING))


def applications_by_uscc(db: Any, programme_id: str, usccs: Iterable[str]) -> dict[str, str]:
    """USCC -> application id of the enterprises among ``usccs`` that applied to ``programme_id``."""
    found = db.applications.find({"programme_id": programme_id, "enterprise.uscc": {"$in": list(usccs)}},
                                 {"enterprise.uscc": 1})
    return {a["enterprise"]["uscc"]: a["_id"] for a in found}


def erase_personal_data(unit: UnitOfWork, application_ids: list[str], at: datetime) -> int:
    """registration.personal_data_erased: each application's personal form values (sealed, or a
    field every 申报书 uses for people; kernel.personal) become the erasure marker; the rest of
    the record (decisions, opinions, rubric, hash) stays. The objections raised against these
    applications during their 公示 lose their objector's name and contact the same way (the same
    archive period has passed for them); their content and resolution stay. Returns the
    applications changed."""
    unit.db.objections.update_many(
        {"application_id": {"$in": application_ids}, "personal_data_erased_at": {"$exists": False}},
        {"$set": {**{key: personal.ERASED for key in SEALED_OBJECTION_FIELDS}, "personal_data_erased_at": at}},
        session=unit.session)
    changed = 0
    for application in unit.db.applications.find({"_id": {"$in": application_ids}}, {"sections": 1},
                                                  session=unit.session):
        erased = personal.erase_sections(application.get("sections") or {}, {})
        if erased != application.get("sections"):
            unit.db.applications.update_one({"_id": application["_id"]}, {
                "$set": {"sections": erased, "personal_data_erased_at": at}}, session=unit.session)
            changed += 1
    return changed
