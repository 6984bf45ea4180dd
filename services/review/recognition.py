"""Review's final level: ranking the recommended applications, recognition (择优认定),
the 公示 list with its objections, and publishing the result.

The same use-case shape as ``workflow`` (whose context, actors and history it shares):
functions run inside the transaction the entrypoint opens.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from kernel.statuses import STATUS_LABELS
from review import storage
from review.rules import decisions as d
from review.rules.access import check_owner_admin
from review.rules.programmes import Programme
from review.rules.publicity import (
    Eligibility,
    check_objection_window,
    check_publish,
    check_recognition_open,
    check_selection,
    publicity_period,
)
from review.rules.ranking import rank
from review.workflow import (
    RANKED_STATUSES,
    Context,
    candidate_of,
    load_application,
    owner_actor,
    record_history,
    take_off_list,
)
from zjtx.clock import iso
from zjtx.errors import already_exists, invalid, not_found, precondition
from zjtx.mongo import UnitOfWork
from zjtx_api import review_pb2 as pb


def ranked(db: Any, programme: Programme, session: Any = None) -> list[dict[str, Any]]:
    """Every application that reached recommendation, best first."""
    applications = {a["_id"]: a for a in storage.applications_of(db, programme.id, RANKED_STATUSES, session)}
    return [applications[c.application_id] for c in rank(candidate_of(programme, a) for a in applications.values())]


def _eligibility(programme: Programme, application: dict[str, Any]) -> Eligibility:
    rubric = application.get("rubric")
    return Eligibility(status=application["status"], status_label=STATUS_LABELS.get(application["status"], ""),
                       rubric_passed=bool(rubric["passed"]) if rubric else None,
                       rubric_note=rubric.get("note", "") if rubric else "")


def recognise(unit: UnitOfWork, ctx: Context, programme: Programme, requested: Sequence[str]) -> None:
    owner = ctx.catalogue.owner_unit(programme)
    check_owner_admin(ctx.caller, owner.id, owner.name, "确认认定名单")
    state = storage.programme_state(unit.db, programme.id, unit.session)
    if state.get("publicity"):
        raise already_exists("recognition.confirmed", f"{programme.title}的认定名单已确认并进入公示，不能重复确认")
    check_recognition_open(programme, ctx.now, bool(state.get("recommendations_complete_at")))
    candidates = {a["_id"]: a for a in storage.applications_of(unit.db, programme.id, None, unit.session)}
    chosen = check_selection(programme, list(requested),
                             {i: _eligibility(programme, a) for i, a in candidates.items()}, d.RECOMMENDED)
    positions = {a["_id"]: i + 1 for i, a in enumerate(ranked(unit.db, programme, unit.session))}
    chosen.sort(key=lambda i: positions[i])
    opens, closes = publicity_period(ctx.now, programme.publicity_days)
    actor = owner_actor(ctx, programme)
    listed = []
    for application_id in chosen:
        application = candidates[application_id]
        listed.append({"application_id": application_id, "enterprise": application["enterprise"],
                       "rank": positions[application_id], "score": _score(application), "status": "listed"})
        application = record_history(unit, application, ctx.now, actor, "listed", level=programme.final_level.level,
                              detail=f"排序第{positions[application_id]}位，列入认定公示名单（公示至{d.beijing(closes)}）")
        storage.update_application(unit, application, {"status": d.LISTED, "rank": positions[application_id]})
    storage.set_programme_state(unit, programme.id, {"publicity": None}, {"publicity": {
        "state": "publicity", "opens_at": opens, "closes_at": closes, "recognised_by": ctx.actor,
        "recognised_at": ctx.now, "listed": listed}})
    unit.emit_event(pb.PublicityOpened(
        programme_id=programme.id, application_ids=chosen, opens_at=iso(opens), closes_at=iso(closes)), programme.id)


def _score(application: dict[str, Any]) -> str:
    rubric = application.get("rubric")
    return str(rubric["total"]) if rubric else ""


def _publicity(unit: UnitOfWork, programme: Programme) -> dict[str, Any]:
    publicity = storage.programme_state(unit.db, programme.id, unit.session).get("publicity")
    if not publicity:
        raise precondition("publicity.none", f"{programme.title}尚未确认认定名单，没有进行中的公示")
    if publicity["state"] == "published":
        raise precondition("publicity.published", f"{programme.title}的认定结果已于{d.beijing(publicity['published_at'])}发布")
    return publicity


def record_objection(unit: UnitOfWork, ctx: Context, programme: Programme, application_id: str,
                     objector: str, contact: str, content: str) -> dict[str, Any]:
    owner = ctx.catalogue.owner_unit(programme)
    check_owner_admin(ctx.caller, owner.id, owner.name, "登记公示异议")
    publicity = _publicity(unit, programme)
    check_objection_window(publicity["opens_at"], publicity["closes_at"], ctx.now)
    content = d.check_opinion(content, "content", "异议内容")
    item = next((i for i in publicity["listed"] if i["application_id"] == application_id), None)
    if item is None or item["status"] != "listed":
        raise invalid("objection.not_listed", f"申请 {application_id} 不在{programme.title}的公示名单中，异议不予登记")
    objection = {"_id": uuid.uuid4().hex, "programme_id": programme.id, "application_id": application_id,
                 "enterprise_name": item["enterprise"]["name"], "objector": objector.strip() or "匿名",
                 "contact": contact.strip(), "content": content, "received_at": ctx.now,
                 "received_seq": storage.next_seq(), "recorded_by": ctx.actor, "status": "open"}
    storage.insert_objection(unit, objection)
    application = load_application(unit, application_id)
    record_history(unit, application, ctx.now, owner_actor(ctx, programme), "objection_recorded",
            level=programme.final_level.level, detail=f"异议人：{objection['objector']}；内容：{content}")
    return objection


def resolve_objection(unit: UnitOfWork, ctx: Context, objection_id: str, upheld: bool,
                      resolution: str) -> dict[str, Any]:
    objection = unit.db.objections.find_one({"_id": objection_id}, session=unit.session)
    if objection is None:
        raise not_found("objection.not_found", f"公示异议 {objection_id} 不存在")
    programme = ctx.catalogue.programme(objection["programme_id"])
    owner = ctx.catalogue.owner_unit(programme)
    check_owner_admin(ctx.caller, owner.id, owner.name, "处理公示异议")
    _publicity(unit, programme)
    if objection["status"] != "open":
        raise precondition("objection.resolved", "该异议已处理，不能重复处理")
    resolution = d.check_opinion(resolution, "resolution", "核查处理意见")
    changes = {"status": "upheld" if upheld else "dismissed", "resolution": resolution,
               "resolved_by": ctx.actor, "resolved_at": ctx.now}
    unit.db.objections.update_one({"_id": objection_id, "status": "open"}, {"$set": changes}, session=unit.session)
    actor = owner_actor(ctx, programme)
    application = load_application(unit, objection["application_id"])
    verdict = "异议成立" if upheld else "异议不成立"
    application = record_history(unit, application, ctx.now, actor, "objection_resolved", level=programme.final_level.level,
                          reason=resolution, detail=f"{verdict}：{resolution}")
    if upheld and application["status"] == d.LISTED:
        reason = f"公示期间异议成立：{resolution}"
        take_off_list(unit, programme.id, application["_id"], reason)
        application = record_history(unit, application, ctx.now, actor, "removed", level=programme.final_level.level,
                              reason=reason, detail=reason)
        storage.update_application(unit, application, {"status": d.REMOVED, "reason": reason})
    return {**objection, **changes}


def publish(unit: UnitOfWork, ctx: Context, programme: Programme) -> tuple[list[pb.Recognition], list[pb.Recognition]]:
    owner = ctx.catalogue.owner_unit(programme)
    check_owner_admin(ctx.caller, owner.id, owner.name, "发布认定结果")
    publicity = _publicity(unit, programme)
    open_objections = unit.db.objections.count_documents({"programme_id": programme.id, "status": "open"},
                                                         session=unit.session)
    check_publish(publicity["closes_at"], ctx.now, open_objections)
    actor = owner_actor(ctx, programme)
    level = programme.final_level.level
    listed_ids = [i["application_id"] for i in sorted(publicity["listed"], key=lambda i: i["rank"])
                  if i["status"] == "listed"]
    recognised, not_recognised = [], []
    for position, application_id in enumerate(listed_ids, start=1):
        application = load_application(unit, application_id)
        application = record_history(unit, application, ctx.now, actor, "recognised", level=level,
                              detail=f"{programme.title}认定名单第{position}位")
        storage.update_application(unit, application, {"status": d.RECOGNISED, "rank": position})
        recognised.append(_recognition(unit, programme, application, ctx.now, position, ""))
    others = storage.applications_of(unit.db, programme.id, (d.RECOMMENDED, d.REMOVED), unit.session)
    for application in others:
        reason = application.get("reason") if application["status"] == d.REMOVED else "未列入择优认定名单"
        application = record_history(unit, application, ctx.now, actor, "not_recognised", level=level, reason=reason,
                              detail=reason)
        storage.update_application(unit, application, {"status": d.NOT_RECOGNISED, "reason": reason, "rank": 0})
        not_recognised.append(_recognition(unit, programme, application, ctx.now, 0, reason))
    storage.set_programme_state(unit, programme.id, {"publicity.state": "publicity"},
                                {"publicity.state": "published", "publicity.published_at": ctx.now,
                                 "publicity.published_by": ctx.actor})
    return recognised, not_recognised


def _recognition(unit: UnitOfWork, programme: Programme, application: dict[str, Any], at: datetime,
                 position: int, reason: str) -> pb.Recognition:
    enterprise = application["enterprise"]
    message = pb.Recognition(
        application_id=application["_id"], programme_id=programme.id, enterprise_id=enterprise["enterprise_id"],
        enterprise_name=enterprise["name"], recognised=position > 0, rank=position, score=_score(application),
        recommend_to=(programme.recommend_to or "") if position else "", published_at=iso(at), reason=reason,
        # another instance (the province's 推荐库) knows the enterprise by its USCC, not by our ids
        uscc=enterprise.get("uscc", ""), region_code=enterprise.get("region_code", ""),
        programme_title=programme.title, owner=programme.owner, owner_name=programme.owner_name)
    unit.emit_event(message, application["_id"], "review.recognised" if position else "review.not_recognised")
    return message


