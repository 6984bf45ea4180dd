"""Seeding complete drafts for the surge benchmark: a few through registration's API, the
rest cloned from them straight into registration's database.

The surge measures submissions, not the preparation of drafts (which was always counted
apart). Preparing every draft through the API cost ~160 database operations and 16 gRPC
calls each (400 drafts took 4-5 minutes here), so three runs at N=400 could not fit the
15 minutes of ``make bench``. Instead, ``templates`` drafts (one per region in turn) are
prepared through the API exactly as before, and each further draft is a copy of one of
them with its own enterprise (id, USCC, name, e-mail), application and attachment records,
written with ``insert_many``. The attachment records of a copy point at its template's
files in GridFS (same bytes, same SHA-256), which is all that submission reads.

What a copy lacks, and why the surge does not need it: the ``enterprise.registered`` event
(notification and review learn the enterprise from the submitted snapshot itself) and the
draft's history lines (created, sections saved, attachments, pledge).
"""

from __future__ import annotations

import copy
import uuid
from typing import Any

from pymongo import MongoClient

from harness import surge
from kernel.uscc import make_uscc

DATABASE = "zjtx_registration"
BATCH = 500


def _clone_enterprise(template: dict[str, Any], enterprise_id: str, uscc: str, name: str,
                      email: str) -> dict[str, Any]:
    document = copy.deepcopy(template)
    document.update(_id=enterprise_id, uscc=uscc)
    profile = document["profile"]
    profile.update(uscc=uscc, name=name, contact_email=email)
    return document


def seed_drafts(registration_target: str, mongo: MongoClient, count: int, *, tag: str, templates: int = 14,
                clients: int = 4) -> list[surge.Draft]:
    """``count`` complete, unsubmitted drafts: ``min(count, templates)`` through the API, the
    rest cloned. ``tag`` (a USCC letter) keeps batches on one server apart; the copies use
    the next letter of the USCC alphabet."""
    made = surge.prepare_drafts(registration_target, min(count, templates), clients=clients, tag=tag)
    if count <= len(made):
        return made
    letters = surge.USCC_LETTERS
    copy_tag = letters[(letters.index(tag) + 1) % len(letters)]
    db = mongo[DATABASE]
    sources = []
    for draft in made:
        application = db.applications.find_one({"_id": draft.application_id})
        enterprise = db.enterprises.find_one({"_id": draft.enterprise_id})
        versions = list(db.enterprise_versions.find({"enterprise_id": draft.enterprise_id}, {"_id": 0}))
        attachments = list(db.attachments.find({"application_id": draft.application_id, "removed_at": None}))
        if application is None or enterprise is None or not attachments:
            raise RuntimeError(f"seeding: the template draft {draft.application_id} is not complete in the database")
        sources.append((draft, application, enterprise, versions, attachments))
    drafts = list(made)
    pending: dict[str, list[dict[str, Any]]] = {"enterprises": [], "enterprise_versions": [], "applications": [],
                                                "attachments": []}

    def flush() -> None:
        for collection, documents in pending.items():
            if documents:
                db[collection].insert_many(documents, ordered=False)
                documents.clear()

    for index in range(count - len(made)):
        draft, application, enterprise, versions, attachments = sources[index % len(sources)]
        enterprise_id, application_id = uuid.uuid4().hex, uuid.uuid4().hex
        uscc = make_uscc("9", "1", f"{draft.region_code[:4]}00", f"{copy_tag}{index:07d}")
        name = f"湖南省{copy_tag}{index:05d}号精密制造有限公司"
        email = f"e{copy_tag}{index}@example.cn"
        cloned = _clone_enterprise(enterprise, enterprise_id, uscc, name, email)
        pending["enterprises"].append(cloned)
        for version in versions:
            record = copy.deepcopy(version)
            record["enterprise_id"] = enterprise_id
            record["profile"] = copy.deepcopy(cloned["profile"])
            pending["enterprise_versions"].append(record)
        app = copy.deepcopy(application)
        app.update(_id=application_id, enterprise_id=enterprise_id, enterprise_name=name)
        pending["applications"].append(app)
        for attachment in attachments:
            record = copy.deepcopy(attachment)
            record.update(_id=uuid.uuid4().hex if isinstance(record["_id"], str) else None,
                          application_id=application_id)
            if record["_id"] is None:
                del record["_id"]
            pending["attachments"].append(record)
        drafts.append(surge.Draft(enterprise_id, application_id, draft.region_code, draft.unit_id))
        if len(pending["applications"]) >= BATCH:
            flush()
    flush()
    return drafts
