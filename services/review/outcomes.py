"""Outcomes the notices publish: the province's 典型案例 (selected from valid recognitions, a
title and a story each; review.typical_case_selected) and the 产融合作“白名单” recommendation
list (valid recognitions, and the active 后备 pool if asked; recorded as a batch and announced
as review.whitelist_recommended for finance systems)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from review import reserve as pool
from review import validity
from review.catalogue import Catalogue
from review.rules import reserve as reserve_rules
from review.rules import validity as v
from review.rules.access import CallerLike, check_owner_admin
from review.workflow import Context
from zjtx.clock import iso
from zjtx.errors import invalid, precondition
from zjtx.mongo import UnitOfWork
from zjtx_api import review_pb2 as pb

MAX_TITLE, MAX_SUMMARY = 100, 5000
BASIS_LABELS = {"recognised": "认定企业（有效期内）", "reserve": "后备企业"}


def _brief(e: dict[str, Any]) -> pb.EnterpriseBrief:
    return pb.EnterpriseBrief(enterprise_id=e.get("enterprise_id", ""), uscc=e.get("uscc", ""), name=e.get("name", ""),
                              region_code=e.get("region_code", ""), region_name=e.get("region_name", ""),
                              park_id=e.get("park_id", ""), industry=e.get("industry", ""))


def case_message(case: dict[str, Any]) -> pb.TypicalCase:
    return pb.TypicalCase(id=case["_id"], owner=case["owner"], programme_id=case["programme_id"],
                          enterprise=_brief(case["enterprise"]), title=case["title"], summary=case["summary"],
                          selected_at=iso(case["selected_at"]))


def select_case(unit: UnitOfWork, recognition_id: str, title: str, summary: str, actor: str,
                now: datetime) -> dict[str, Any]:
    record = validity.load_record(unit.db, recognition_id, unit.session)
    if record["status"] != v.VALID:
        raise precondition("recognition.not_valid", "只能从有效期内的认定企业中选树典型案例")
    title, summary = (title or "").strip(), (summary or "").strip()
    if not title or len(title) > MAX_TITLE:
        raise invalid("title.invalid", f"典型案例标题为1到{MAX_TITLE}字")
    if not summary or len(summary) > MAX_SUMMARY:
        raise invalid("summary.invalid", f"典型案例简介为1到{MAX_SUMMARY}字")
    case = {"_id": record["_id"], "owner": record["owner"], "programme_id": record["programme_id"],
            "enterprise": record["enterprise"], "title": title, "summary": summary, "selected_at": now,
            "selected_by": actor}
    unit.db.typical_cases.replace_one({"_id": case["_id"]}, case, upsert=True, session=unit.session)
    unit.emit_event(case_message(case), record["enterprise"]["enterprise_id"])
    return case


def select_case_as_owner(unit: UnitOfWork, ctx: Context, request: pb.SelectTypicalCaseRequest) -> pb.TypicalCase:
    """选树典型案例 by an admin of the unit that owns the recognition."""
    record = validity.load_record(unit.db, request.recognition_id, unit.session)
    owner = ctx.catalogue.unit_of_owner(record["owner"], ctx.caller.unit)
    check_owner_admin(ctx.caller, owner.id, owner.name, "选树典型案例")
    return case_message(select_case(unit, request.recognition_id, request.title, request.summary, ctx.actor, ctx.now))


def list_cases(db: Any, owner: str) -> list[dict[str, Any]]:
    return sorted(db.typical_cases.find({"owner": owner}), key=lambda c: (c["selected_at"], c["_id"]))


def list_for(db: Any, catalogue: Catalogue, caller: CallerLike, owner: str) -> pb.ListTypicalCasesResponse:
    """The 典型案例 of an owner (default: the caller's own unit's)."""
    unit = catalogue.unit_of_owner(owner, caller.unit)
    return pb.ListTypicalCasesResponse(cases=[case_message(c) for c in list_cases(db, unit.division_code)])


def recommend_whitelist_as_owner(unit: UnitOfWork, ctx: Context, request: pb.RecommendWhitelistRequest
                                 ) -> pb.WhitelistBatch:
    """An admin recommends the 白名单 of its own unit's division (or of ``request.owner``'s)."""
    owner = ctx.catalogue.unit_of_owner(request.owner, ctx.caller.unit)
    check_owner_admin(ctx.caller, owner.id, owner.name, "推荐产融合作“白名单”")
    return recommend_whitelist(unit, owner.division_code, request.note, request.include_reserve, ctx.actor, ctx.now)


def recommend_whitelist(unit: UnitOfWork, owner: str, note: str, include_reserve: bool, actor: str,
                        now: datetime) -> pb.WhitelistBatch:
    entries: list[pb.WhitelistEntry] = []
    seen: set[str] = set()
    for record in validity.list_records(unit.db, owner, status=v.VALID):
        if record.get("valid_until") is not None and record["valid_until"] < now:
            continue  # past its end and not yet lapsed by the clock
        seen.add(record["enterprise"]["enterprise_id"])
        entries.append(pb.WhitelistEntry(enterprise=_brief(record["enterprise"]), basis="recognised",
                                         basis_label=BASIS_LABELS["recognised"], programme_id=record["programme_id"],
                                         valid_until=iso(record["valid_until"]) if record.get("valid_until") else ""))
    if include_reserve:
        for entry in pool.list_entries(unit.db, owner, status=reserve_rules.ACTIVE):
            if entry["enterprise"]["enterprise_id"] in seen:
                continue
            seen.add(entry["enterprise"]["enterprise_id"])
            entries.append(pb.WhitelistEntry(enterprise=_brief(entry["enterprise"]), basis="reserve",
                                             basis_label=BASIS_LABELS["reserve"], programme_id=entry["programme_id"]))
    batch = pb.WhitelistBatch(id=uuid.uuid4().hex, owner=owner, recommended_at=iso(now), note=(note or "").strip()[:500],
                              entries=entries)
    unit.db.whitelists.insert_one({"_id": batch.id, "owner": owner, "recommended_at": now, "by": actor,
                                   "note": batch.note, "count": len(entries)}, session=unit.session)
    unit.emit_event(batch, batch.id)
    return batch
