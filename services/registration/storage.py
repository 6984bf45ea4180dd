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

import re
import time
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import gridfs
from bson import ObjectId
from pymongo import ASCENDING, DESCENDING, IndexModel
from pymongo.database import Database
from pymongo.errors import DuplicateKeyError

from kernel import personal
from zjtx.batch import Write, write_counted
from zjtx.crypto import field_cipher
from zjtx.files import download
from zjtx.mongo import UnitOfWork, simple_index
from zjtx.outbox import PUBLISHED

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

# The form's personal fields (kernel.personal: the programme's ``personal`` fields, the pledge's
# signer) are sealed in ``sections.<id>.data`` and ``pledge``, with their path as associated data,
# and opened by every read below, so the rest of registration sees clear values. Opening needs
# no programme: a sealed value says so.


def _open_application(document: dict[str, Any] | None) -> dict[str, Any] | None:
    if document is None:
        return None
    cipher = field_cipher()
    sections = document.get("sections")
    if isinstance(sections, dict):
        document["sections"] = {sid: {**state, "data": personal.open_section(cipher, sid, state.get("data") or {})}
                                if isinstance(state, dict) else state for sid, state in sections.items()}
    if isinstance(document.get("pledge"), dict):
        document["pledge"] = personal.open_pledge(cipher, document["pledge"])
    return document


def _sealed_changes(changes: dict[str, Any]) -> dict[str, Any]:
    if isinstance(changes.get("pledge"), dict):
        return {**changes, "pledge": personal.seal_pledge(field_cipher(), changes["pledge"])}
    return changes


def insert_application(unit: UnitOfWork, document: dict[str, Any]) -> bool:
    """False if the enterprise already has an application for the programme."""
    try:
        unit.db.applications.insert_one(document, session=unit.session)
    except DuplicateKeyError:
        return False
    return True


def get_application(db: Database, application_id: str, session: Any = None) -> dict[str, Any] | None:
    return _open_application(db.applications.find_one({"_id": application_id}, session=session))


def application_course(db: Database, application_id: str, session: Any = None) -> dict[str, Any] | None:
    """The application without its form (sections, pledge): what review's events change (status,
    version, rounds, the events applied) and nothing to open, decode or carry back."""
    return db.applications.find_one({"_id": application_id}, {"sections": 0, "pledge": 0}, session=session)


def find_application(db: Database, enterprise_id: str, programme_id: str) -> dict[str, Any] | None:
    return _open_application(db.applications.find_one({"enterprise_id": enterprise_id, "programme_id": programme_id}))


def list_applications(db: Database, query: dict[str, Any], skip: int, limit: int) -> list[dict[str, Any]]:
    cursor = db.applications.find(query, {"sections": 0}).sort([("created_at", DESCENDING), ("_id", ASCENDING)])
    return list(cursor.skip(skip).limit(limit))


def submitted_enterprises(db: Database, programme_id: str, enterprise_ids: list[str]) -> set[str]:
    """Those of ``enterprise_ids`` whose application to the programme was ever submitted."""
    found = db.applications.find({"enterprise_id": {"$in": enterprise_ids}, "programme_id": programme_id,
                                  "first_submitted_at": {"$ne": None}}, {"enterprise_id": 1})
    return {d["enterprise_id"] for d in found}


def save_section(unit: UnitOfWork, application_id: str, section_id: str, expected_version: int,
                 statuses: tuple[str, ...], state: dict[str, Any], at: datetime,
                 personal_fields: tuple[str, ...] = ()) -> dict[str, Any] | None:
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
    sealed = {**state, "data": personal.seal_section(field_cipher(), section_id, state.get("data") or {},
                                                     personal_fields)}
    return _update(unit, condition, {"$set": {path: sealed, "updated_at": at}, "$inc": {"version": 1}})


def change_application(unit: UnitOfWork, application_id: str, expected: dict[str, Any], changes: dict[str, Any],
                       at: datetime, inc: dict[str, int] | None = None, unset: tuple[str, ...] = (),
                       current: dict[str, Any] | None = None) -> dict[str, Any] | None:
    """Set ``changes`` if the application still matches ``expected`` (e.g. status, version);
    the updated application or None. ``current``: the application as read before, which
    ``expected`` pins (its version): the updated document is then made from it and the
    changes, without reading it back."""
    update = _change(changes, at, inc, unset)
    after = None
    if current is not None:
        after = {key: _as_stored(value) for key, value in {**current, **changes, "updated_at": at}.items()
                 if key not in unset}
        for key, step in (inc or {}).items():
            after[key] = after.get(key, 0) + step
    return _update(unit, {"_id": application_id, **expected}, update, after)


def _change(changes: dict[str, Any], at: datetime, inc: dict[str, int] | None = None, unset: tuple[str, ...] = (),
            push: dict[str, Any] | None = None) -> dict[str, Any]:
    """The update that sets ``changes`` and counts the version up; ``push``: values appended to
    array fields in the same update (the review events applied, which guard their redelivery)."""
    update: dict[str, Any] = {"$set": {**_sealed_changes(changes), "updated_at": at},
                              "$inc": {"version": 1, **(inc or {})}}
    if unset:
        update["$unset"] = {key: "" for key in unset}
    if push:
        update["$push"] = dict(push)
    return update


def change_with_history(unit: UnitOfWork, entry_id: str, entry: dict[str, Any], application_id: str,
                        expected: dict[str, Any], changes: dict[str, Any], at: datetime,
                        push: dict[str, Any] | None = None) -> bool:
    """The history entry of one event under its natural key, then the application's change if
    it still matches ``expected``, in one round trip and in that order (a crash between them
    leaves the change to the event's redelivery). False when the application no longer matched:
    the caller reads it again, and the entry is written again with what it finds."""
    matched = write_counted(unit.db, unit.session, [
        _event_history(entry_id, entry),
        Write("applications", filter={"_id": application_id, **expected}, update=_change(changes, at, push=push)),
    ])
    return matched[1] == 1


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
    return _open_application(unit.db.applications.find_one({"_id": condition["_id"]}, session=unit.session))


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


def submitted_attachment_ids(db: Database, application_id: str) -> set[str]:
    """The files some snapshot of the application refers to: kept for good, shown to reviewers,
    even if later removed from the draft. Asked of the snapshots themselves (a handful per
    application) rather than marked on each file at submission, which rewrote every attachment
    document on every submission."""
    return {reference["attachment_id"]
            for snapshot in db.snapshots.find({"application_id": application_id}, {"attachments.attachment_id": 1})
            for reference in snapshot.get("attachments", ())}


def delete_file(db: Database, file_id: ObjectId) -> None:
    try:
        files(db).delete(file_id)
    except gridfs.errors.NoFile:
        pass


def read_file(db: Database, file_id: ObjectId, chunk_size: int) -> Iterator[bytes]:
    return download(files(db), file_id, chunk_size)


# --------------------------------------------------------------------------- snapshots and history


def insert_snapshot(unit: UnitOfWork, snapshot: dict[str, Any]) -> None:
    """``snapshot`` as sealed by the caller (kernel.personal.seal_snapshot): the same sealed values
    travel in application.submitted, so they are sealed once."""
    document = {"_id": f"{snapshot['application_id']}:{snapshot['snapshot_version']}", **snapshot}
    unit.insert_later("snapshots", document)


def get_snapshot(db: Database, application_id: str, version: int, opened: bool = True) -> dict[str, Any] | None:
    """The snapshot with its personal values opened (``opened``), or as stored (sealed, for events)."""
    document = db.snapshots.find_one({"application_id": application_id, "snapshot_version": version})
    return personal.open_snapshot(field_cipher(), document) if document is not None and opened else document


def append_history(unit: UnitOfWork, entry: dict[str, Any]) -> None:
    """A history line; in a transaction it goes with the unit's last round trip."""
    unit.insert("application_history", {"seq": seq(), **entry})


def put_history(unit: UnitOfWork, entry_id: str, entry: dict[str, Any]) -> None:
    """Write the history entry of one event under its natural key (an event that changes
    nothing; ``change_with_history`` writes it with the change)."""
    _event_history(entry_id, entry).run_alone(unit.db, unit.session)


def _event_history(entry_id: str, entry: dict[str, Any]) -> Write:
    """The history entry of one event under its natural key: written again, not doubled, when
    the event is applied again after a crash."""
    return Write("application_history", filter={"_id": entry_id}, update={"$set": {"seq": seq(), **entry}}, upsert=True)


def history(db: Database, application_id: str) -> list[dict[str, Any]]:
    return list(db.application_history.find({"application_id": application_id})
                .sort([("seq", ASCENDING), ("_id", ASCENDING)]))


# --------------------------------------------------------------------------- erasure (PIPL art. 47)


def erase_personal_data(unit: UnitOfWork, enterprise_id: str, personal_fields: dict[str, dict[str, tuple[str, ...]]],
                        record: dict[str, Any]) -> list[str]:
    """Replace every personal value of the enterprise with ``kernel.personal.ERASED``: its contact in
    every profile version, its applications' personal form fields and pledge signer (drafts and
    snapshots), the signer's name in the history's lines, and the published outbox copies of its
    events (sealed, but erased means gone). ``personal_fields``: application id -> its programme's
    personal fields. Returns the application ids."""
    marker = personal.ERASED
    contact = {f"profile.{k}": marker for k in SEALED_PROFILE_FIELDS}
    session = unit.session
    unit.db.enterprises.update_one({"_id": enterprise_id}, {"$set": {**contact, "personal_data_erased": record}},
                                   session=session)
    unit.db.enterprise_versions.update_many({"enterprise_id": enterprise_id}, {"$set": contact}, session=session)
    ids: list[str] = []
    for application in unit.db.applications.find({"enterprise_id": enterprise_id}, session=session):
        ids.append(application["_id"])
        opened = _open_application(application) or {}
        fields = personal_fields.get(application["_id"], {})
        sections = {sid: {**state, "data": personal.erase_sections({sid: state.get("data") or {}}, fields)[sid]}
                    for sid, state in (opened.get("sections") or {}).items() if isinstance(state, dict)}
        names = [v for v in ((opened.get("pledge") or {}).get(k) for k in personal.PLEDGE_PERSONAL_KEYS) if v]
        unit.db.applications.update_one({"_id": application["_id"]}, {
            "$set": {"sections": sections, "pledge": personal.erase_pledge(opened.get("pledge")),
                     "personal_data_erased_at": record["at"]}, "$inc": {"version": 1}}, session=session)
        for snapshot in unit.db.snapshots.find({"application_id": application["_id"]}, session=session):
            signed = personal.open_pledge(field_cipher(), snapshot.get("pledge")) or {}
            names += [signed[k] for k in personal.PLEDGE_PERSONAL_KEYS if signed.get(k)]
            unit.db.snapshots.update_one({"_id": snapshot["_id"]}, {"$set": {
                "sections": personal.erase_sections(snapshot.get("sections") or {}, fields),
                "pledge": personal.erase_pledge(snapshot.get("pledge")) or {},
                "enterprise.contact": personal.erased_contact(), "personal_data_erased_at": record["at"]}},
                session=session)
        for name in set(names):  # history lines written before signers' names were masked in them
            for entry in unit.db.application_history.find({"application_id": application["_id"],
                                                           "detail": {"$regex": re.escape(name)}}, session=session):
                unit.db.application_history.update_one(
                    {"_id": entry["_id"]}, {"$set": {"detail": entry["detail"].replace(name, marker)}}, session=session)
    unit.db.outbox.delete_many({"subject": {"$in": [enterprise_id, *ids]}, "state": PUBLISHED}, session=session)
    return ids
