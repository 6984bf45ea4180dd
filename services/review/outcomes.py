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
from review.rules import reserve as reserve_rules
from review.rules import validity as v
from zjtx.clock import iso
from zjtx.errors import invalid, not_found, precondition
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
    record = unit.db.recognitions.find_one({"_id": recognition_id}, session=unit.session)
    if record is None:
        raise not_found("recognition.not_found", f"认定记录 {recognition_id} 不存在")
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


def list_cases(db: Any, owner: str) -> list[dict[str, Any]]:
    return sorted(db.typical_cases.find({"owner": owner}), key=lambda c: (c["selected_at"], c["_id"]))


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
