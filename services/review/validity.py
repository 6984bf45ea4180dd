"""Recognitions after publication: the record publication writes (``record_at_publication``,
with ``renew_at_publication`` for a 复核 cycle: the two calls ``recognition.publish`` makes
per recognised application), lapse on the clock, revocation (by an admin of the owner:
``revoke_as_owner``), and listing (``list_for``: an owner's staff, or an enterprise its own).
Rules: ``rules.validity``. Events: review.recognition_renewed / _lapsed / _revoked.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from review.catalogue import Catalogue
from review.rules import validity as v
from review.rules.access import CallerLike, check_owner_admin, check_owner_view
from review.rules.programmes import Programme
from review.workflow import Context
from zjtx.clock import InstantError, iso, parse_offset_instant
from zjtx.errors import invalid, not_found
from zjtx.mongo import UnitOfWork
from zjtx_api import review_pb2 as pb

STATUSES = tuple(v.STATUS_LABELS)


def parse_instant(text: str, field: str) -> datetime:
    """A request's instant (DomainError naming ``field``, in Chinese, if it is not one with its offset)."""
    try:
        return parse_offset_instant(text)
    except InstantError as error:
        if error.missing_offset:
            raise invalid(f"{field}.invalid", f"{field} 须带时区，如 2023-06-30T00:00:00+08:00") from None
        raise invalid(f"{field}.invalid", f"{field} 须为 ISO 8601 时间（含时区），如 2023-06-30T00:00:00+08:00") from None


def record_id(programme_id: str, enterprise_id: str) -> str:
    return f"{programme_id}:{enterprise_id}"


def record_message(record: dict[str, Any]) -> pb.RecognitionRecord:
    e = record["enterprise"]
    return pb.RecognitionRecord(
        id=record["_id"], programme_id=record["programme_id"], programme_title=record.get("programme_title", ""),
        owner=record["owner"], application_id=record.get("application_id", ""),
        enterprise=pb.EnterpriseBrief(enterprise_id=e.get("enterprise_id", ""), uscc=e.get("uscc", ""),
                                      name=e.get("name", ""), region_code=e.get("region_code", ""),
                                      region_name=e.get("region_name", ""), park_id=e.get("park_id", ""),
                                      industry=e.get("industry", "")),
        rules_id=record.get("rules_id", ""), validity_years=record.get("validity_years") or 0,
        recognised_at=iso(record["recognised_at"]),
        valid_until=iso(record["valid_until"]) if record.get("valid_until") else "",
        status=record["status"], status_label=v.STATUS_LABELS.get(record["status"], ""),
        renewals=[pb.Renewal(programme_id=r["programme_id"], application_id=r["application_id"],
                             renewed_at=iso(r["renewed_at"]), valid_until=iso(r["valid_until"]))
                  for r in record.get("renewals", [])],
        revoked_at=iso(record["revoked_at"]) if record.get("revoked_at") else "",
        revoked_reason=record.get("revoked_reason", ""),
        lapsed_at=iso(record["lapsed_at"]) if record.get("lapsed_at") else "",
    )


def _changed(unit: UnitOfWork, record: dict[str, Any], change: str, at: datetime, notice: str,
             reason: str = "") -> None:
    unit.emit_event(pb.RecognitionChanged(recognition=record_message(record), change=change, reason=reason,
                                          notice=notice, at=iso(at)),
                    record["enterprise"]["enterprise_id"], f"review.recognition_{change}")


def record_at_publication(unit: UnitOfWork, programme: Programme, application: dict[str, Any],
                          now: datetime) -> dict[str, Any]:
    """Publication's hook: the recognition with its validity (written once per enterprise and
    programme). A 复核 cycle records none of its own: its result is the renewal."""
    if programme.renews:
        return {}
    years = programme.validity_years
    record = {
        "_id": record_id(programme.id, application["enterprise"]["enterprise_id"]), "programme_id": programme.id,
        "programme_title": programme.title, "owner": programme.owner, "application_id": application["_id"],
        "enterprise": dict(application["enterprise"]), "rules_id": programme.rules.id if programme.rules else "",
        "validity_years": years, "recognised_at": now,
        "valid_until": v.valid_until(now, years) if years else None, "status": v.VALID, "renewals": [],
    }
    unit.db.recognitions.update_one({"_id": record["_id"]}, {"$setOnInsert": record}, upsert=True,
                                    session=unit.session)
    return record


def renew_at_publication(unit: UnitOfWork, programme: Programme, application: dict[str, Any],
                         now: datetime) -> list[dict[str, Any]]:
    """A 复核 cycle's hook: the enterprise's valid recognitions by the renewed programmes are
    extended by this cycle's validity (on its rules): review.recognition_renewed."""
    renewed = []
    enterprise_id = application["enterprise"]["enterprise_id"]
    years = programme.validity_years
    for renewed_id in programme.renews:
        record = unit.db.recognitions.find_one({"_id": record_id(renewed_id, enterprise_id)}, session=unit.session)
        if record is None or not years or record["status"] != v.VALID or record.get("valid_until") is None:
            continue
        end = v.renewed_until(record["valid_until"], years)
        renewal = {"programme_id": programme.id, "application_id": application["_id"], "renewed_at": now,
                   "valid_until": end}
        changes = {"valid_until": end, "rules_id": programme.rules.id if programme.rules else record["rules_id"]}
        unit.db.recognitions.update_one({"_id": record["_id"], "status": v.VALID},
                                        {"$set": changes, "$push": {"renewals": renewal}}, session=unit.session)
        record = {**record, **changes, "renewals": [*record.get("renewals", []), renewal]}
        _changed(unit, record, "renewed", now, v.renew_notice(record["enterprise"]["name"],
                                                               record["programme_title"], end))
        renewed.append(record)
    return renewed


def any_due_to_lapse(db: Any, now: datetime) -> bool:
    """The clock's look before it opens a transaction for ``lapse_due``: most ticks find none."""
    return db.recognitions.find_one({"status": v.VALID, "valid_until": {"$lt": now}}, {"_id": 1}) is not None


def lapse_due(unit: UnitOfWork, now: datetime) -> int:
    """The clock's work: every valid recognition past its end lapses, with a notice."""
    count = 0
    for record in unit.db.recognitions.find({"status": v.VALID, "valid_until": {"$lt": now}}, session=unit.session):
        if not v.is_due_to_lapse(record["status"], record["valid_until"], now):
            continue
        result = unit.db.recognitions.update_one({"_id": record["_id"], "status": v.VALID},
                                                 {"$set": {"status": v.LAPSED, "lapsed_at": now}},
                                                 session=unit.session)
        if result.modified_count:
            record = {**record, "status": v.LAPSED, "lapsed_at": now}
            _changed(unit, record, "lapsed", now, v.lapse_notice(record["enterprise"]["name"],
                                                                 record["programme_title"], record["valid_until"]))
            count += 1
    return count


def revoke(unit: UnitOfWork, record_id_: str, reason: str, actor: str, now: datetime) -> dict[str, Any]:
    record = load_record(unit.db, record_id_, unit.session)
    text = v.check_revocation(record["status"], reason)
    changes = {"status": v.REVOKED, "revoked_at": now, "revoked_reason": text, "revoked_by": actor}
    unit.db.recognitions.update_one({"_id": record["_id"], "status": v.VALID}, {"$set": changes},
                                    session=unit.session)
    record = {**record, **changes}
    _changed(unit, record, "revoked", now, v.revoke_notice(record["enterprise"]["name"], record["programme_title"],
                                                           text), text)
    return record


def revoke_as_owner(unit: UnitOfWork, ctx: Context, record_id_: str, reason: str) -> pb.RecognitionRecord:
    """撤销认定 by an admin of the unit that owns the recognition."""
    record = load_record(unit.db, record_id_, unit.session)
    owner = ctx.catalogue.units.for_division(record["owner"])
    check_owner_admin(ctx.caller, owner.id if owner else "", owner.name if owner else record["owner"], "撤销认定")
    return record_message(revoke(unit, record_id_, reason, ctx.actor, ctx.now))


def load_record(db: Any, record_id_: str, session: Any = None) -> dict[str, Any]:
    record = db.recognitions.find_one({"_id": record_id_}, session=session)
    if record is None:
        raise not_found("recognition.not_found", f"认定记录 {record_id_} 不存在")
    return record


def list_records(db: Any, owner: str, programme_id: str = "", status: str = "",
                 expiring_before: datetime | None = None, enterprise_id: str = "") -> list[dict[str, Any]]:
    query: dict[str, Any] = {"owner": owner} if owner else {}
    if programme_id:
        query["programme_id"] = programme_id
    if status:
        query["status"] = status
    if enterprise_id:
        query["enterprise.enterprise_id"] = enterprise_id
    found = list(db.recognitions.find(query))
    if expiring_before is not None:
        found = [r for r in found if r["status"] == v.VALID and r.get("valid_until") and r["valid_until"] < expiring_before]
    return sorted(found, key=lambda r: (r["programme_id"], r["enterprise"].get("region_code", ""),
                                        r["enterprise"].get("name", "")))


def list_for(db: Any, catalogue: Catalogue, caller: CallerLike,
             request: pb.ListRecognitionsRequest) -> pb.ListRecognitionsResponse:
    """An owner's recognitions (default: the caller's own unit's) for its staff; an enterprise's own for it."""
    expiring = parse_instant(request.expiring_before, "expiring_before") if request.expiring_before else None
    if request.status and request.status not in STATUSES:
        raise invalid("status.unknown", f"状态 {request.status} 无效；可选：{'、'.join(STATUSES)}")
    if caller.role == "enterprise":
        found = list_records(db, "", request.programme_id, request.status, expiring, caller.enterprise_id)
    else:
        unit = catalogue.unit_of_owner(request.owner, caller.unit)
        check_owner_view(caller, unit.id, unit.name, "查看认定企业")
        found = list_records(db, unit.division_code, request.programme_id, request.status, expiring,
                             request.enterprise_id)
    return pb.ListRecognitionsResponse(recognitions=[record_message(r) for r in found])
