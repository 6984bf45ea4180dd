"""Registration's MongoDB collections and the indexes they need."""

from __future__ import annotations

from typing import Any

from pymongo.errors import DuplicateKeyError

from zjtx.mongo import UnitOfWork, simple_index

INDEXES = {
    "enterprises": [simple_index("uscc", unique=True, name="uscc_unique"), simple_index("region_code")],
    "enterprise_versions": [simple_index("enterprise_id", "version", unique=True)],
}


def insert_enterprise(unit: UnitOfWork, document: dict[str, Any]) -> bool:
    """Insert a new enterprise and its first profile version; False if the USCC exists."""
    try:
        unit.db.enterprises.insert_one(document, session=unit.session)
    except DuplicateKeyError:
        return False
    unit.db.enterprise_versions.insert_one(
        {"enterprise_id": document["_id"], "version": document["version"], "profile": document["profile"],
         "changed_at": document["registered_at"], "changed_by": document["registered_by"]},
        session=unit.session,
    )
    return True
