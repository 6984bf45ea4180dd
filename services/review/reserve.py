"""The 后备 pool's use cases: entering it at publication (``enter_at_publication``, the one
hook ``recognition.publish`` calls), a city's recommended candidate (``enter_candidate``, the
hook for a city instance's intake), leaving it when recognised later, listing it (for an
owner's staff: ``list_for``), and the mark a member's later application carries for reviewers.
Rules: ``rules.reserve``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from review.catalogue import Catalogue
from review.rules import reserve as r
from review.rules.access import CallerLike, check_owner_view
from review.rules.programmes import Programme
from zjtx.clock import iso
from zjtx.errors import invalid
from zjtx.mongo import UnitOfWork
from zjtx_api import review_pb2 as pb

STATUSES = tuple(r.STATUS_LABELS)


def entry_message(entry: dict[str, Any]) -> pb.ReserveEntry:
    e = entry["enterprise"]
    return pb.ReserveEntry(
        id=entry["_id"], owner=entry["owner"], programme_id=entry["programme_id"], year=entry["year"],
        application_id=entry.get("application_id", ""),
        enterprise=pb.EnterpriseBrief(enterprise_id=e.get("enterprise_id", ""), uscc=e.get("uscc", ""),
                                      name=e.get("name", ""), region_code=e.get("region_code", ""),
                                      region_name=e.get("region_name", ""), park_id=e.get("park_id", ""),
                                      industry=e.get("industry", "")),
        score=entry.get("score", ""), source=entry["source"], source_label=r.SOURCE_LABELS.get(entry["source"], ""),
        reason=entry.get("reason", ""), listed_at=iso(entry["listed_at"]), status=entry["status"],
        status_label=r.STATUS_LABELS.get(entry["status"], ""), recognised_in=entry.get("recognised_in", ""),
    )


def _enter(unit: UnitOfWork, entry: dict[str, Any], subject: str) -> bool:
    """Insert once (entering again changes nothing) and announce it: review.reserve_listed."""
    result = unit.db.reserve.update_one({"_id": entry["_id"]}, {"$setOnInsert": entry}, upsert=True,
                                        session=unit.session)
    if result.upserted_id is None:
        return False
    unit.emit_event(pb.ReserveListed(entry=entry_message(entry)), subject)
    return True


def enter_at_publication(unit: UnitOfWork, programme: Programme, application: dict[str, Any],
                         previous_status: str, reason: str, score: str, now: datetime) -> bool:
    """Publication's hook: a recommended application not chosen enters the owner's pool."""
    if not r.enters_pool(previous_status, reason):
        return False
    return _enter(unit, r.pool_entry(programme, application, now, score), application["_id"])


def leave_when_recognised(unit: UnitOfWork, programme: Programme, enterprise_id: str) -> None:
    """Publication's other hook: a member recognised by a later programme of the owner leaves the active pool."""
    unit.db.reserve.update_many(
        {"owner": programme.owner, "enterprise.enterprise_id": enterprise_id, "status": r.ACTIVE,
         "year": {"$lt": programme.year}},
        {"$set": {"status": r.RECOGNISED, "recognised_in": programme.id}}, session=unit.session)


def enter_candidate(unit: UnitOfWork, owner: str, programme_id: str, programme_title: str, year: int,
                    enterprise: dict[str, Any], recommended_by: str, note: str, now: datetime) -> bool:
    """The hook for a city instance's recommended candidates (its intake is built elsewhere):
    the candidate enters the owner's pool and review.reserve_listed is published."""
    entry = r.candidate_entry(owner, programme_id, programme_title, year, enterprise, recommended_by, note, now)
    return _enter(unit, entry, str(enterprise["enterprise_id"]))


def list_entries(db: Any, owner: str, programme_id: str = "", year: int = 0, region_prefix: str = "",
                 status: str = "", source: str = "") -> list[dict[str, Any]]:
    entries = db.reserve.find({"owner": owner})
    found = [e for e in entries if r.matches(e, programme_id, year, region_prefix, status, source)]
    return sorted(found, key=lambda e: (-e["year"], e["programme_id"], str(e["enterprise"].get("region_code", "")),
                                        e["enterprise"].get("name", "")))


def list_for(db: Any, catalogue: Catalogue, caller: CallerLike,
             request: pb.ListReserveRequest) -> pb.ListReserveResponse:
    """An owner's 后备企业库 (default: the caller's own unit's), for its staff, filtered as asked."""
    unit = catalogue.unit_of_owner(request.owner, caller.unit)
    check_owner_view(caller, unit.id, unit.name, "查看后备企业库")
    if request.status and request.status not in STATUSES:
        raise invalid("status.unknown", f"状态 {request.status} 无效；可选：{'、'.join(STATUSES)}")
    entries = list_entries(db, unit.division_code, request.programme_id, request.year, request.region_prefix,
                           request.status, request.source)
    return pb.ListReserveResponse(entries=[entry_message(e) for e in entries])


def notes_for(db: Any, programme: Programme, enterprise_ids: Iterable[str]) -> dict[str, str]:
    """The reserve mark per enterprise applying to ``programme`` (only members get one)."""
    ids = sorted(set(enterprise_ids))
    if not ids:
        return {}
    by_enterprise: dict[str, list[dict[str, Any]]] = {}
    for entry in db.reserve.find({"owner": programme.owner, "enterprise.enterprise_id": {"$in": ids}}):
        by_enterprise.setdefault(entry["enterprise"]["enterprise_id"], []).append(entry)
    notes = {eid: r.reserve_note(programme, entries) for eid, entries in by_enterprise.items()}
    return {eid: note for eid, note in notes.items() if note}
