"""Read side of review: lists and summaries built from the stored documents (no writes)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from kernel.statuses import STATUS_LABELS
from review import reserve, storage
from review.catalogue import Catalogue
from review.messages import (
    enterprise_brief,
    publicity_message,
    score_text,
    summary_message,
    task_message,
    when,
)
from review.recognition import ranked
from review.rules import decisions as d
from review.rules.programmes import Programme
from review.rules.publicity import reviews_closed
from review.rules.ranking import band_of, line_text, marker_value
from review.rules.summaries import required_kinds, upload_level
from review.workflow import unit_missing
from zjtx.clock import iso
from zjtx_api import review_pb2 as pb

RANK_ORDER_TEXT = ("按评价总分从高到低；同分依次比较优先条件（{markers}）；仍相同按首次提交时间先后、"
                   "统一社会信用代码、申请编号排序")


def tasks(db: Any, catalogue: Catalogue, unit_id: str, programme_id: str, status: str) -> list[pb.Task]:
    found = storage.tasks_of_unit(db, unit_id, programme_id, status)
    applications = {a["_id"]: a for a in db.applications.find(
        {"_id": {"$in": [t["application_id"] for t in found]}}, {"sections": 0})}
    messages = [task_message(t, applications.get(t["application_id"])) for t in found]
    _mark_reserve(db, catalogue, messages, applications.values())
    return messages


def _mark_reserve(db: Any, catalogue: Catalogue, messages: list[Any], applications: Any) -> None:
    """Mark the 后备 pool members (read here, never at intake: the submission path stays as it is)."""
    by_programme: dict[str, list[str]] = {}
    for application in applications:
        by_programme.setdefault(application["programme_id"], []).append(application["enterprise"]["enterprise_id"])
    notes: dict[str, str] = {}
    for programme_id, enterprise_ids in by_programme.items():
        notes.update(reserve.notes_for(db, catalogue.programme(programme_id), enterprise_ids))
    for message in messages:
        message.reserve_note = notes.get(message.enterprise.enterprise_id, "")


def unit_progress(db: Any, catalogue: Catalogue, programme: Programme, unit_id: str) -> pb.UnitProgress:
    unit = catalogue.unit(unit_id)
    level = upload_level(programme, unit)
    apps = list(db.applications.find({"programme_id": programme.id, "unit_ids": unit_id}, {"sections": 0}))
    pending = [a for a in apps if a["status"] == d.PASSED_PENDING_SUMMARY and a.get("pending_unit_id") == unit_id]
    missing = unit_missing(pending, required_kinds(level))
    open_tasks = storage.count_tasks(db, {"programme_id": programme.id, "unit_id": unit_id, "status": d.TASK_OPEN})
    finalised = storage.unit_progress(db, programme.id, unit_id) or {}
    recommended = [a for a in apps if a.get("recommended_unit_id") == unit_id]
    returned = storage.count_tasks(db, {"programme_id": programme.id, "unit_id": unit_id, "status": d.TASK_RETURNED})
    rejected = storage.count_tasks(db, {"programme_id": programme.id, "unit_id": unit_id, "status": d.TASK_REJECTED})
    return pb.UnitProgress(
        programme_id=programme.id, unit_id=unit_id, unit_name=unit.name, level=level.level, open_tasks=open_tasks,
        pending_summary=len(pending), recommended=len(recommended), returned=returned, rejected=rejected,
        pending_application_ids=[a["_id"] for a in pending], missing=missing,
        uploads=[summary_message(s) for s in storage.summaries_of(db, programme.id, unit_id)],
        finalised_at=when(finalised.get("finalised_at")), note=_progress_note(unit.name, len(pending), missing, open_tasks),
    )


def _progress_note(unit_name: str, pending: int, missing: list[str], open_tasks: int) -> str:
    notes = []
    if open_tasks:
        notes.append(f"还有{open_tasks}个待审核任务")
    if pending and missing:
        notes.append(f"{pending}个审核通过的申请待上传{'和'.join(missing)}后推荐生效")
    return f"{unit_name}：{'；'.join(notes)}" if notes else f"{unit_name}：推荐材料齐全，无待办事项"


def programme_status(db: Any, programme: Programme, now: datetime) -> pb.ProgrammeStatus:
    state = storage.programme_state(db, programme.id)
    counts = storage.count_by_status(db, programme.id)
    return pb.ProgrammeStatus(
        programme_id=programme.id, window_state=programme.window_state(now), reviews_closed=reviews_closed(programme, now),
        recommendations_complete_at=when(state.get("recommendations_complete_at")),
        publicity_state=(state.get("publicity") or {}).get("state", ""),
        counts=[pb.StatusCount(status=s, status_label=STATUS_LABELS.get(s, s), count=n) for s, n in sorted(counts.items())],
        now=iso(now),
    )


def ranking(db: Any, programme: Programme) -> pb.RankRecommendedResponse:
    target = programme.target_count
    band = programme.target_band
    rows, eligible = [], 0
    for position, application in enumerate(ranked(db, programme), start=1):
        rubric = application.get("rubric")
        passes = bool(rubric["passed"]) if rubric else True
        recognisable = passes and application["status"] in (d.RECOMMENDED, d.LISTED, d.RECOGNISED)
        eligible += 1 if recognisable else 0
        rows.append(pb.RankedApplication(
            rank=position, application_id=application["_id"], enterprise=enterprise_brief(application),
            unit_id=application.get("recommended_unit_id", ""), unit_name=application.get("recommended_unit_name", ""),
            unit_rank=application.get("unit_rank", 0), score=score_text(application), rubric_passed=passes,
            rubric_note=rubric.get("note", "") if rubric else "", markers=_markers(programme, application),
            first_submitted_at=when(application.get("first_submitted_at")),
            within_target=recognisable and (target is None or eligible <= target), status=application["status"],
            band=band_of(eligible, band) if recognisable else "",
        ))
    notes = reserve.notes_for(db, programme, [row.enterprise.enterprise_id for row in rows])
    for row in rows:
        row.reserve_note = notes.get(row.enterprise.enterprise_id, "")
    markers = "、".join(m.title for m in programme.priority_markers) or "无"
    return pb.RankRecommendedResponse(programme_id=programme.id, target_count=target or 0, ranked=rows,
                                      order=RANK_ORDER_TEXT.format(markers=markers),
                                      target_tolerance=programme.target_tolerance,
                                      band_low=band[0] if band else 0, band_high=band[1] if band else 0,
                                      line=line_text(target, programme.target_tolerance, eligible))


def _markers(programme: Programme, application: dict[str, Any]) -> list[pb.MarkerValue]:
    values = []
    for marker in programme.priority_markers:
        section, _, field_id = marker.field.partition(".")
        value = marker_value((application.get("sections") or {}).get(section, {}).get(field_id))
        values.append(pb.MarkerValue(id=marker.id, title=marker.title, value=_marker_text(value)))
    return values


def _marker_text(value: bool | Decimal | None) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return format(value.normalize(), "f")


def publicity(db: Any, programme: Programme) -> pb.Publicity:
    state = storage.programme_state(db, programme.id)
    return publicity_message(state, storage.objections_of(db, programme.id))


def unroutable(db: Any, programme_id: str) -> list[pb.Unroutable]:
    found = db.applications.find({"programme_id": programme_id, "status": d.UNROUTABLE}, {"sections": 0})
    return [pb.Unroutable(application_id=a["_id"], programme_id=a["programme_id"], enterprise=enterprise_brief(a),
                          level=a["routing"]["level"], unit_kind=a["routing"]["unit_kind"], reason=a["routing"]["reason"],
                          at=when(a["routing"]["at"])) for a in found.sort("first_submitted_seq", 1)]
