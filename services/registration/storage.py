"""Registration's MongoDB collections, their indexes and the queries on them.

- ``enterprises``: one per USCC, with the current ``profile`` and its ``version``;
  ``enterprise_versions`` keeps every profile version (snapshots name theirs).
- ``applications``: one per enterprise and programme; ``sections.<id>`` holds
  ``{data, version, saved_at, saved_by}``; ``version`` counts every change.
- ``attachments``: one per uploaded file (its bytes in the GridFS bucket
  ``attachment_files``); removed ones keep their document with ``removed_at``.
- ``snapshots``: the frozen submissions, ``<application>:<version>``.
- ``application_history``: every change, append only.

Every value from a request reaches these queries as a value (ids are strings from
protobuf fields; section and field names come from the programme, never from the
request), so nothing an enterprise types can act as a query operator.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import gridfs
from bson import ObjectId
from pymongo import ASCENDING, DESCENDING, IndexModel
from pymongo.database import Database
from pymongo.errors import DuplicateKeyError

from zjtx.crypto import field_cipher
from zjtx.files import download
from zjtx.mongo import UnitOfWork, simple_index

FILES_BUCKET = "attachment_files"

INDEXES = {
    "enterprises": [simple_index("uscc", unique=True, name="uscc_unique"), simple_index("profile.region_code")],
    "enterprise_versions": [simple_index("enterprise_id", "version", unique=True)],
    "applications": [
        simple_index("enterprise_id", "programme_id", unique=True, name="one_per_enterprise_and_programme"),
        IndexModel([("programme_id", ASCENDING), ("status", ASCENDING), ("created_at", DESCENDING)],
                   name="by_programme"),
        IndexModel([("enterprise_id", ASCENDING), ("created_at", DESCENDING)], name="by_enterprise"),
    ],
    "attachments": [simple_index("application_id", "kind", "seq")],
    "snapshots": [simple_index("application_id", "snapshot_version", unique=True)],
    "application_history": [simple_index("application_id", "seq")],
    "operating_reports": [simple_index("programme_id", "period"), simple_index("enterprise_id", "period")],
}


def seq() -> int:
    """Ordering key for history and uploads (wall time in ns; ties broken by _id)."""
    return time.time_ns()


# --------------------------------------------------------------------------- enterprises


# The contact's fields are personal (PIPL): sealed at rest with the platform's field key
# (zjtx.crypto; AES-256-GCM, SM4-GCM under ZJTX_CRYPTO=sm), opened only on the way out of this module.
SEALED_PROFILE_FIELDS = ("contact_person", "contact_mobile", "contact_email")


def seal_profile(profile: dict[str, Any]) -> dict[str, Any]:
    return field_cipher().encrypt_fields(profile, SEALED_PROFILE_FIELDS, "profile.")


def _opened(document: dict[str, Any] | None) -> dict[str, Any] | None:
    if document is not None and isinstance(document.get("profile"), dict):
        document["profile"] = field_cipher().decrypt_fields(document["profile"], SEALED_PROFILE_FIELDS, "profile.")
    return document


def insert_enterprise(unit: UnitOfWork, document: dict[str, Any]) -> bool:
    """Insert a new enterprise and its first profile version; False if the USCC exists."""
    try:
        unit.db.enterprises.insert_one({**document, "profile": seal_profile(document["profile"])},
                                       session=unit.session)
    except DuplicateKeyError:
        return False
    insert_profile_version(unit, document["_id"], document["version"], document["profile"],
                           document["registered_at"], document["registered_by"])
    return True


def insert_profile_version(unit: UnitOfWork, enterprise_id: str, version: int, profile: dict[str, Any],
                           at: datetime, by: str) -> None:
    unit.db.enterprise_versions.insert_one(
        {"enterprise_id": enterprise_id, "version": version, "profile": seal_profile(profile), "changed_at": at,
         "changed_by": by},
        session=unit.session,
    )


def get_enterprise(db: Database, enterprise_id: str, session: Any = None) -> dict[str, Any] | None:
    return _opened(db.enterprises.find_one({"_id": enterprise_id}, session=session))


def find_enterprise_by_uscc(db: Database, uscc: str) -> dict[str, Any] | None:
    return _opened(db.enterprises.find_one({"uscc": uscc}))


def get_profile_version(db: Database, enterprise_id: str, version: int) -> dict[str, Any] | None:
    return _opened(db.enterprise_versions.find_one({"enterprise_id": enterprise_id, "version": version}))


def update_profile(unit: UnitOfWork, enterprise_id: str, expected_version: int, profile: dict[str, Any],
                   at: datetime) -> bool:
    """Conditional on the version the change was made on; False if it moved on."""
    result = unit.db.enterprises.update_one(
        {"_id": enterprise_id, "version": expected_version},
        {"$set": {"profile": seal_profile(profile), "updated_at": at}, "$inc": {"version": 1}}, session=unit.session)
    return result.matched_count == 1


# --------------------------------------------------------------------------- applications


def insert_application(unit: UnitOfWork, document: dict[str, Any]) -> bool:
    """False if the enterprise already has an application for the programme."""
    try:
        unit.db.applications.insert_one(document, session=unit.session)
    except DuplicateKeyError:
        return False
    return True


def get_application(db: Database, application_id: str, session: Any = None) -> dict[str, Any] | None:
    return db.applications.find_one({"_id": application_id}, session=session)


def find_application(db: Database, enterprise_id: str, programme_id: str) -> dict[str, Any] | None:
    return db.applications.find_one({"enterprise_id": enterprise_id, "programme_id": programme_id})


def list_applications(db: Database, query: dict[str, Any], skip: int, limit: int) -> list[dict[str, Any]]:
    cursor = db.applications.find(query, {"sections": 0}).sort([("created_at", DESCENDING), ("_id", ASCENDING)])
    return list(cursor.skip(skip).limit(limit))


def submitted_enterprises(db: Database, programme_id: str, enterprise_ids: list[str]) -> set[str]:
    """Those of ``enterprise_ids`` whose application to the programme was ever submitted."""
    found = db.applications.find({"enterprise_id": {"$in": enterprise_ids}, "programme_id": programme_id,
                                  "first_submitted_at": {"$ne": None}}, {"enterprise_id": 1})
    return {d["enterprise_id"] for d in found}


def save_section(unit: UnitOfWork, application_id: str, section_id: str, expected_version: int,
                 statuses: tuple[str, ...], state: dict[str, Any], at: datetime) -> dict[str, Any] | None:
    """Write one section if it is still at ``expected_version`` (0: never saved) and the
    application in one of ``statuses``; the updated application, or None (nothing written).
    Read back: the condition pins the section's version, not the application's, so another
    section saved meanwhile is only known from the database."""
    path = f"sections.{section_id}"
    condition: dict[str, Any] = {"_id": application_id, "status": {"$in": list(statuses)}}
    if expected_version:
        condition[f"{path}.version"] = expected_version
    else:
        condition[path] = {"$exists": False}
    return _update(unit, condition, {"$set": {path: state, "updated_at": at}, "$inc": {"version": 1}})


def change_application(unit: UnitOfWork, application_id: str, expected: dict[str, Any], changes: dict[str, Any],
                       at: datetime, inc: dict[str, int] | None = None, unset: tuple[str, ...] = (),
                       current: dict[str, Any] | None = None,
                       push: dict[str, Any] | None = None) -> dict[str, Any] | None:
    """Set ``changes`` if the application still matches ``expected`` (e.g. status, version);
    the updated application or None. ``current``: the application as read before, which
    ``expected`` pins (its version): the updated document is then made from it and the
    changes, without reading it back. ``push``: values appended to array fields in the same
    update (the review events applied, which guard their redelivery)."""
    update: dict[str, Any] = {"$set": {**changes, "updated_at": at}, "$inc": {"version": 1, **(inc or {})}}
    if unset:
        update["$unset"] = {key: "" for key in unset}
    if push:
        update["$push"] = dict(push)
    after = None
    if current is not None:
        after = {key: _as_stored(value) for key, value in {**current, **changes, "updated_at": at}.items()
                 if key not in unset}
        for key, step in (inc or {}).items():
            after[key] = after.get(key, 0) + step
        for key, value in (push or {}).items():
            after[key] = [*after.get(key, []), value]
    return _update(unit, {"_id": application_id, **expected}, update, after)


def drafts_of(unit: UnitOfWork, programme_id: str) -> list[dict[str, Any]]:
    return list(unit.db.applications.find({"programme_id": programme_id, "status": "draft"},
                                          {"_id": 1, "enterprise_id": 1, "version": 1}, session=unit.session))


def _as_stored(value: Any) -> Any:
    """A time as the database keeps it (milliseconds), so a document made here reads like one read back."""
    if isinstance(value, datetime):
        return value.replace(microsecond=value.microsecond // 1000 * 1000)
    return value


def _update(unit: UnitOfWork, condition: dict[str, Any], update: dict[str, Any],
            after: dict[str, Any] | None = None) -> dict[str, Any] | None:
    # update_one (then a read by _id in the same transaction when the caller cannot make the
    # result itself), not find_one_and_update: the embedded server (SecantusDB) makes
    # findAndModify scan the collection, so every edit of a draft cost more as a province's
    # applications accumulated (docs/performance.md).
    if unit.db.applications.update_one(condition, update, session=unit.session).matched_count != 1:
        return None
    if after is not None and condition.get("version") == after.get("version"):
        # the condition pinned the version ``after`` was made from: nothing else changed it
        return {**after, "version": after["version"] + 1}
    return unit.db.applications.find_one({"_id": condition["_id"]}, session=unit.session)


# --------------------------------------------------------------------------- attachments


def files(db: Database) -> gridfs.GridFSBucket:
    return gridfs.GridFSBucket(db, bucket_name=FILES_BUCKET)


def live_attachments(db: Database, application_id: str, session: Any = None) -> list[dict[str, Any]]:
    return list(db.attachments.find({"application_id": application_id, "removed_at": None}, session=session)
                .sort([("seq", ASCENDING), ("_id", ASCENDING)]))


def count_attachments(db: Database, application_id: str, kind: str, session: Any = None) -> int:
    return db.attachments.count_documents({"application_id": application_id, "kind": kind, "removed_at": None},
                                          session=session)


def get_attachment(db: Database, application_id: str, attachment_id: str) -> dict[str, Any] | None:
    return db.attachments.find_one({"_id": attachment_id, "application_id": application_id})


def insert_attachment(unit: UnitOfWork, document: dict[str, Any]) -> None:
    unit.db.attachments.insert_one(document, session=unit.session)


def remove_attachment(unit: UnitOfWork, attachment_id: str, at: datetime, by: str) -> bool:
    result = unit.db.attachments.update_one({"_id": attachment_id, "removed_at": None},
                                            {"$set": {"removed_at": at, "removed_by": by}}, session=unit.session)
    return result.modified_count == 1


def mark_in_snapshot(unit: UnitOfWork, attachment_ids: list[str]) -> None:
    """Files a snapshot refers to are kept for good, even if later removed from the draft."""
    if attachment_ids:
        unit.db.attachments.update_many({"_id": {"$in": attachment_ids}}, {"$set": {"in_snapshot": True}},
                                        session=unit.session)


def delete_file(db: Database, file_id: ObjectId) -> None:
    try:
        files(db).delete(file_id)
    except gridfs.errors.NoFile:
        pass


def read_file(db: Database, file_id: ObjectId, chunk_size: int) -> Iterator[bytes]:
    return download(files(db), file_id, chunk_size)


# --------------------------------------------------------------------------- snapshots and history


def insert_snapshot(unit: UnitOfWork, snapshot: dict[str, Any]) -> None:
    document = {"_id": f"{snapshot['application_id']}:{snapshot['snapshot_version']}", **snapshot}
    unit.db.snapshots.insert_one(document, session=unit.session)


def get_snapshot(db: Database, application_id: str, version: int) -> dict[str, Any] | None:
    return db.snapshots.find_one({"application_id": application_id, "snapshot_version": version})


def append_history(unit: UnitOfWork, entry: dict[str, Any]) -> None:
    unit.db.application_history.insert_one({"seq": seq(), **entry}, session=unit.session)


def put_history(unit: UnitOfWork, entry_id: str, entry: dict[str, Any]) -> None:
    """Write the history entry of one event under its natural key (written again, not doubled,
    when the event is applied again after a crash)."""
    unit.db.application_history.replace_one({"_id": entry_id}, {"seq": seq(), **entry}, upsert=True,
                                            session=unit.session)


def history(db: Database, application_id: str) -> list[dict[str, Any]]:
    return list(db.application_history.find({"application_id": application_id})
                .sort([("seq", ASCENDING), ("_id", ASCENDING)]))
