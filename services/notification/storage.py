"""Notification's MongoDB collections, their indexes and the queries on them.

- ``inbox``: in-app messages, one per (recipient, event);
- ``deliveries``: one per (event, recipient, channel), unique: a redelivered event or a
  second service instance can never record (and so send) a message twice;
- ``enterprises``, ``applications``, ``tasks``: what the events taught us (contacts,
  application -> enterprise, open review tasks), for addressing and reminders;
- ``reminders``: one per reminder sent (the key makes each step go once);
- ``preferences``: a recipient's channel choices;
- ``service_state``: progress of the reminder checker (for operations and tests).

Times: ``created_at`` and the like follow the platform clock (what people see);
``next_attempt_at`` and ``lease_until`` follow the wall clock (back-off is real time).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta, timezone
from typing import Any

from pymongo import ASCENDING, DESCENDING, IndexModel, ReturnDocument
from pymongo.client_session import ClientSession
from pymongo.database import Database

from kernel import personal
from notification.rules.deliveries import DUE_STATES, FAILED, PENDING, SENDING, SENT
from zjtx.crypto import field_cipher
from zjtx.mongo import UnitOfWork, simple_index

INDEXES = {
    "inbox": [IndexModel([("recipient", ASCENDING), ("created_at", DESCENDING)], name="by_recipient"),
              simple_index("recipient", "read", name="unread")],
    "deliveries": [simple_index("state", "next_attempt_at", name="due"),
                   IndexModel([("state", ASCENDING), ("seq", DESCENDING)], name="by_state"),
                   simple_index("recipient", name="by_recipient"),
                   simple_index("subject", name="by_subject")],
    "enterprises": [simple_index("region_code", name="by_region")],
    "applications": [simple_index("programme_id", "enterprise_id", name="by_programme"),
                     simple_index("enterprise_id", name="by_enterprise")],
    "tasks": [simple_index("open", "programme_id", "unit_id", name="open_by_unit")],
    "preferences": [],
    "reminders": [simple_index("kind", "programme_id", name="by_programme")],
}
# Unique indexes on the natural keys that the ids are now derived from (``dispatch.delivery_id``,
# ``dispatch.inbox_id``): the ``_id`` index is the guard, and each of these cost every write of
# its collection an entry and a uniqueness look-up (docs/performance.md). Dropped at start.
RETIRED_INDEXES = {"inbox": ["once_per_event"], "deliveries": ["once_per_recipient_channel"]}


def wall_now() -> datetime:
    return datetime.now(timezone.utc)


def seq() -> int:
    """Orders documents written under a frozen platform clock (wall nanoseconds)."""
    return time.time_ns()


# -- what events taught us -------------------------------------------------------------


def save_enterprise(unit: UnitOfWork, enterprise_id: str, values: dict[str, Any], at: datetime) -> None:
    """Upsert what we know of an enterprise; empty values never overwrite known ones."""
    known = {key: value for key, value in values.items() if value not in ("", None)}
    # the contact is personal (PIPL): sealed at rest, opened by dispatch.stored_contact
    cipher = field_cipher()
    contact = {f"contact.{k}": cipher.encrypt(f"contact.{k}", v)
               for k, v in (known.pop("contact", None) or {}).items() if v}
    unit.update_later("enterprises", {"_id": enterprise_id}, {"$set": {**known, **contact, "updated_at": at}},
                      upsert=True)


def enterprise(unit: UnitOfWork, enterprise_id: str) -> dict[str, Any]:
    unit.flush()  # what this unit learnt of it so far is in the answer
    return unit.db.enterprises.find_one({"_id": enterprise_id}, session=unit.session) or {}


def save_application(unit: UnitOfWork, application_id: str, values: dict[str, Any], at: datetime) -> None:
    known = {key: value for key, value in values.items() if value not in ("", None)}
    unit.update_later("applications", {"_id": application_id}, {"$set": {**known, "updated_at": at}}, upsert=True)


def application(unit: UnitOfWork, application_id: str) -> dict[str, Any]:
    unit.flush()
    return unit.db.applications.find_one({"_id": application_id}, session=unit.session) or {}


def open_task(unit: UnitOfWork, task_id: str, values: dict[str, Any]) -> None:
    # a decision may have arrived first (separate queues): never reopen a closed task
    unit.update_later("tasks", {"_id": task_id}, {"$setOnInsert": {**values, "open": True}}, upsert=True)


def close_task(unit: UnitOfWork, task_id: str, outcome: str, at: datetime) -> None:
    unit.update_later("tasks", {"_id": task_id}, {"$set": {"open": False, "outcome": outcome, "closed_at": at}},
                      upsert=True)


def close_tasks_of(unit: UnitOfWork, application_id: str, outcome: str, at: datetime) -> None:
    unit.db.tasks.update_many({"application_id": application_id, "open": True},
                              {"$set": {"open": False, "outcome": outcome, "closed_at": at}}, session=unit.session)


# -- inbox -----------------------------------------------------------------------------


def add_inbox_messages(unit: UnitOfWork, documents: list[dict[str, Any]]) -> None:
    at = seq()
    for i, document in enumerate(documents):
        unit.insert_later("inbox", {**document, "seq": at + i, "read": False, "read_at": None})


def list_inbox(db: Database, recipient: str, unread_only: bool, limit: int) -> list[dict[str, Any]]:
    query: dict[str, Any] = {"recipient": recipient}
    if unread_only:
        query["read"] = False
    return list(db.inbox.find(query).sort([("created_at", DESCENDING), ("seq", DESCENDING)]).limit(limit))


def unread_count(db: Database, recipient: str) -> int:
    return db.inbox.count_documents({"recipient": recipient, "read": False})


def mark_read(db: Database, recipient: str, message_ids: Iterable[str] | None, at: datetime) -> int:
    query: dict[str, Any] = {"recipient": recipient, "read": False}
    if message_ids is not None:
        query["_id"] = {"$in": list(message_ids)}
    return db.inbox.update_many(query, {"$set": {"read": True, "read_at": at}}).modified_count


def existing_inbox_ids(db: Database, recipient: str, message_ids: list[str]) -> set[str]:
    return {d["_id"] for d in db.inbox.find({"recipient": recipient, "_id": {"$in": message_ids}}, {"_id": 1})}


# -- deliveries ------------------------------------------------------------------------


def add_deliveries(unit: UnitOfWork, documents: list[dict[str, Any]],
                   handed: Callable[[dict[str, Any]], None] | None = None) -> None:
    """Queue the deliveries' inserts; ``handed(delivery)`` once each one written already claimed
    (``sending``) is in, for the sender of this process (``claim_fields``)."""
    at = seq()
    for i, document in enumerate(documents):
        unit.insert_later("deliveries", {**document, "seq": at + i},
                          then=handed if document["state"] == SENDING else None)


def claim_fields(owner: str, lease_seconds: float) -> dict[str, Any]:
    """A delivery's fields while ``owner``'s sender holds it (``claim_batch``'s, or written so)."""
    return {"state": SENDING, "claimed_by": owner, "lease_until": wall_now() + timedelta(seconds=lease_seconds)}


def claim_batch(db: Database, owner: str, lease_seconds: float, channels: Iterable[str],
                limit: int) -> list[dict[str, Any]]:
    """Take up to ``limit`` due deliveries on ``channels`` for this sender, oldest due first.

    One look-up per due state and one for expired leases (each through the ``due`` index),
    one conditional ``update_many`` per kind; only when another sender took some of them
    meanwhile are the ones this sender holds read back. Not ``$or`` nor ``findAndModify``:
    the embedded server scans for both (docs/performance.md)."""
    at = wall_now()
    claim = {"$set": claim_fields(owner, lease_seconds)}
    wanted = {"channel": {"$in": list(channels)}}
    kinds = [{"state": state, "next_attempt_at": {"$lte": at}} for state in DUE_STATES]
    kinds.append({"state": SENDING, "lease_until": {"$lt": at}})  # a sender that died, once its lease is over
    found: list[tuple[int, dict[str, Any]]] = []
    for index, kind in enumerate(kinds):
        found += [(index, d) for d in db.deliveries.find({**kind, **wanted}, sort=[("next_attempt_at", ASCENDING)],
                                                          limit=limit)]
    chosen = sorted(found, key=lambda pair: pair[1]["next_attempt_at"])[:limit]
    if not chosen:
        return []
    claimed = 0
    for index, kind in enumerate(kinds):
        ids = [d["_id"] for i, d in chosen if i == index]
        if ids:
            claimed += db.deliveries.update_many({"_id": {"$in": ids}, **kind}, claim).modified_count
    if claimed == len(chosen):
        return [{**d, **claim["$set"]} for _, d in chosen]
    return list(db.deliveries.find({"_id": {"$in": [d["_id"] for _, d in chosen]}, "state": SENDING,
                                    "claimed_by": owner}).sort("next_attempt_at", ASCENDING))


def finish_sent_batch(db: Database, owner: str, delivery_ids: list[str], at: datetime,
                      session: ClientSession | None = None) -> int:
    """Record several deliveries sent at ``at`` in one ``update_many``, each only while this
    sender still holds it; how many were recorded. One statement for the batch: on the embedded
    server an update statement per delivery cost half as much again (docs/performance.md)."""
    return db.deliveries.update_many(
        {"_id": {"$in": delivery_ids}, "state": SENDING, "claimed_by": owner},
        {"$set": {"state": SENT, "sent_at": at, "last_error": ""}, "$inc": {"attempts": 1, "total_attempts": 1},
         "$push": {"history": {"at": at, "outcome": "sent"}}, "$unset": {"claimed_by": "", "lease_until": ""}},
        session=session).modified_count


def finish_attempt(unit: UnitOfWork, delivery_id: str, owner: str, changes: dict[str, Any],
                   attempt: dict[str, Any]) -> bool:
    """Record an attempt's outcome if this sender still holds the delivery; False if it lost the lease."""
    result = unit.db.deliveries.update_one(
        {"_id": delivery_id, "state": SENDING, "claimed_by": owner},
        {"$set": changes, "$inc": {"attempts": 1, "total_attempts": 1}, "$push": {"history": attempt},
         "$unset": {"claimed_by": "", "lease_until": ""}},
        session=unit.session,
    )
    return result.modified_count == 1


def release_claim(db: Database, delivery_id: str, owner: str, retry_at: datetime | None,
                  changes: dict[str, Any] | None = None) -> bool:
    """Give back a claimed delivery without an attempt: due again at ``retry_at``, or with ``changes`` (skipped)."""
    update = dict(changes or {"state": PENDING, "next_attempt_at": retry_at})
    result = db.deliveries.update_one({"_id": delivery_id, "state": SENDING, "claimed_by": owner},
                                      {"$set": update, "$unset": {"claimed_by": "", "lease_until": ""}})
    return result.modified_count == 1


def note_checked(db: Database, delivery_id: str, at: datetime) -> None:
    """When registration last said the reminded enterprise had not submitted (for operations and tests)."""
    db.deliveries.update_one({"_id": delivery_id}, {"$set": {"checked_wall": at}})


def get_delivery(db: Database, delivery_id: str, session: Any = None) -> dict[str, Any] | None:
    return db.deliveries.find_one({"_id": delivery_id}, session=session)


def reopen_failed(unit: UnitOfWork, delivery_id: str, at: datetime, by: str) -> bool:
    """An operator's retry: a failed delivery starts a new round of attempts."""
    result = unit.db.deliveries.update_one(
        {"_id": delivery_id, "state": FAILED},
        {"$set": {"state": PENDING, "attempts": 0, "next_attempt_at": wall_now()},
         "$inc": {"retries": 1}, "$push": {"history": {"at": at, "outcome": "operator_retry", "by": by}}},
        session=unit.session,
    )
    return result.modified_count == 1


def delivery_query(state: str, channel: str, recipient: str, event_id: str, subject: str) -> dict[str, Any]:
    given = {"state": state, "channel": channel, "recipient": recipient, "event_id": event_id, "subject": subject}
    return {key: value for key, value in given.items() if value}


def list_deliveries(db: Database, query: dict[str, Any], limit: int) -> tuple[list[dict[str, Any]], int]:
    documents = list(db.deliveries.find(query, {"body": 0, "history": 0}).sort("seq", DESCENDING).limit(limit))
    return documents, db.deliveries.count_documents(query)


def delivery_stats(db: Database) -> list[tuple[str, str, int]]:
    rows = db.deliveries.aggregate([{"$group": {"_id": {"channel": "$channel", "state": "$state"}, "n": {"$sum": 1}}}])
    return sorted((row["_id"]["channel"], row["_id"]["state"], int(row["n"])) for row in rows)


# -- preferences -----------------------------------------------------------------------


def preferences(db: Database, recipient: str, session: Any = None) -> dict[str, Any]:
    return db.preferences.find_one({"_id": recipient}, session=session) or {}


def preferences_of(db: Database, recipients: list[str], session: Any = None) -> dict[str, dict[str, Any]]:
    """recipient -> preferences document, for those who set any (one look-up by ``_id``)."""
    query = {"_id": recipients[0]} if len(recipients) == 1 else {"_id": {"$in": recipients}}
    return {d["_id"]: d for d in db.preferences.find(query, session=session)}


def save_preferences(db: Database, recipient: str, channels: dict[str, bool], at: datetime, by: str) -> dict[str, Any]:
    return db.preferences.find_one_and_update(
        {"_id": recipient}, {"$set": {"channels": channels, "updated_at": at, "updated_by": by}},
        upsert=True, return_document=ReturnDocument.AFTER,
    )


# -- reminders -------------------------------------------------------------------------


def reminder_sent(unit: UnitOfWork, key: str) -> bool:
    return unit.db.reminders.find_one({"_id": key}, {"_id": 1}, session=unit.session) is not None


def add_reminder(unit: UnitOfWork, key: str, values: dict[str, Any]) -> None:
    unit.db.reminders.insert_one({"_id": key, **values}, session=unit.session)


def draft_candidates(db: Database, region_prefix: str, programme_id: str) -> list[dict[str, Any]]:
    """Enterprises of the region that have no application submitted to the programme (see README)."""
    applied = {d["enterprise_id"] for d in db.applications.find({"programme_id": programme_id}, {"enterprise_id": 1})
               if d.get("enterprise_id")}
    found = db.enterprises.find({"region_code": {"$regex": f"^{region_prefix}"}})
    return [d for d in found if d["_id"] not in applied]


def extension_audience(db: Database, prefix: str, programme_id: str) -> list[dict[str, Any]]:
    """Enterprises an extension concerns: those with an application to the programme, and those of the
    owner's region that may hold a draft (the draft reminders' audience), each once."""
    applied = {d["enterprise_id"] for d in db.applications.find({"programme_id": programme_id}, {"enterprise_id": 1})
               if d.get("enterprise_id")}
    return list(db.enterprises.find({"$or": [{"_id": {"$in": sorted(applied)}},
                                             {"region_code": {"$regex": f"^{prefix}"}}]}))


def reviewing_units(db: Database, programme_id: str) -> list[tuple[str, str]]:
    """Every unit that has had a review task of the programme: (unit id, unit name)."""
    units: dict[str, str] = {}
    for task in db.tasks.find({"programme_id": programme_id}, {"unit_id": 1, "unit_name": 1}):
        units.setdefault(task["unit_id"], task.get("unit_name", ""))
    return sorted(units.items())


def open_tasks_by_unit(db: Database, programme_id: str) -> list[dict[str, Any]]:
    """Open review tasks of a programme, grouped by unit and deadline."""
    groups: dict[tuple[str, datetime], dict[str, Any]] = {}
    for task in db.tasks.find({"open": True, "programme_id": programme_id}):
        if not task.get("due_at"):
            continue
        key = (task["unit_id"], task["due_at"])
        group = groups.setdefault(key, {"unit_id": task["unit_id"], "unit_name": task.get("unit_name", ""),
                                        "due_at": task["due_at"], "count": 0})
        group["count"] += 1
    return list(groups.values())


def note_reminder_pass(db: Database, clock: datetime, due: int, owner: str = "") -> None:
    db.service_state.update_one({"_id": "reminders"},
                                {"$set": {"clock": clock, "wall": wall_now(), "last_due": due, "last_owner": owner},
                                 "$inc": {"passes": 1}},
                                upsert=True)


# -- erasure (PIPL art. 47) ------------------------------------------------------------


def erase_personal_data(unit: UnitOfWork, enterprise_id: str, at: datetime) -> int:
    """registration.personal_data_erased: the enterprise's contact, its deliveries' addresses and the
    name they greet, and every copy of those values in its messages' text become the erasure marker
    (kernel.personal.ERASED); the deliveries themselves (what was sent, when) stay. Returns the
    messages changed."""
    cipher = field_cipher()
    contact = (enterprise(unit, enterprise_id).get("contact") or {})
    values = {cipher.decrypt(f"contact.{k}", v) for k, v in contact.items() if isinstance(v, str)}
    values = sorted((v for v in values if v and v != personal.ERASED), key=len, reverse=True)
    unit.db.enterprises.update_one({"_id": enterprise_id}, {"$set": {
        **{f"contact.{k}": personal.ERASED for k in personal.CONTACT_FIELDS}, "personal_data_erased_at": at}},
        session=unit.session)
    recipient = f"enterprise:{enterprise_id}"
    unit.db.deliveries.update_many({"recipient": recipient, "address": {"$nin": ["", None]}},
                                   {"$set": {"address": personal.ERASED}}, session=unit.session)
    unit.db.deliveries.update_many({"recipient": recipient}, {"$set": {"name": personal.ERASED}}, session=unit.session)
    changed = 0
    for collection in (unit.db.deliveries, unit.db.inbox):
        for document in collection.find({"recipient": recipient}, {"title": 1, "body": 1}, session=unit.session):
            texts = {key: document.get(key) for key in ("title", "body") if isinstance(document.get(key), str)}
            erased = {key: _without(text, values) for key, text in texts.items()}
            if erased != texts:
                collection.update_one({"_id": document["_id"]}, {"$set": erased}, session=unit.session)
                changed += 1
    return changed


def _without(text: str, values: list[str]) -> str:
    for value in values:
        text = text.replace(value, personal.ERASED)
    return text
