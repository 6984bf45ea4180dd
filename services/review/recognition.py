"""Review's final level: ranking the recommended applications, recognition (择优认定),
the 公示 list with its objections, and publishing the result.

The same use-case shape as ``workflow`` (whose context it shares; actors and history: ``history``):
functions run inside the transaction the entrypoint opens.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from kernel.statuses import STATUS_LABELS
from review import reserve, storage, validity
from review.history import Actor, audit, owner_actor, record_history
from review.rules import decisions as d
from review.rules.access import check_owner_admin
from review.rules.amendments import check_reason
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
from review.workflow import RANKED_STATUSES, Context, candidate_of, load_application, take_off_list
from zjtx.clock import iso
from zjtx.crypto import mask_name
from zjtx.errors import Violation, already_exists, conflict, invalid, not_found, precondition
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
    audit(unit, ctx, "recognition.confirmed", f"programme:{programme.id}", application_ids=chosen,
          ranks=[positions[i] for i in chosen], publicity_opens_at=opens, publicity_closes_at=closes)
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
    audit(unit, ctx, "objection.recorded", f"objection:{objection['_id']}", programme_id=programme.id,
          application_id=application_id, objector=mask_name(objection["objector"]))
    application = load_application(unit, application_id)
    record_history(unit, application, ctx.now, owner_actor(ctx, programme), "objection_recorded",
            level=programme.final_level.level, detail=f"异议人：{mask_name(objection['objector'])}；内容：{content}")
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
    audit(unit, ctx, "objection.upheld" if upheld else "objection.dismissed", f"objection:{objection_id}",
          reason=resolution, programme_id=programme.id, application_id=objection["application_id"])
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


Recognitions = list[pb.Recognition]


def publish(unit: UnitOfWork, ctx: Context, programme: Programme) -> tuple[Recognitions, Recognitions, Recognitions]:
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
        reserve.leave_when_recognised(unit, programme, application["enterprise"]["enterprise_id"])
        validity.record_at_publication(unit, programme, application, ctx.now)
        validity.renew_at_publication(unit, programme, application, ctx.now)
    others = storage.applications_of(unit.db, programme.id, (d.RECOMMENDED, d.REMOVED), unit.session)
    for application in others:
        previous = application["status"]
        reason = application.get("reason") if application["status"] == d.REMOVED else "未列入择优认定名单"
        application = record_history(unit, application, ctx.now, actor, "not_recognised", level=level, reason=reason,
                              detail=reason)
        storage.update_application(unit, application, {"status": d.NOT_RECOGNISED, "reason": reason, "rank": 0})
        not_recognised.append(_recognition(unit, programme, application, ctx.now, 0, reason))
        reserve.enter_at_publication(unit, programme, application, previous, reason, _score(application), ctx.now)
    expired = expire_the_rest(unit, ctx, programme)
    storage.set_programme_state(unit, programme.id, {"publicity.state": "publicity"},
                                {"publicity.state": "published", "publicity.published_at": ctx.now,
                                 "publicity.published_by": ctx.actor})
    audit(unit, ctx, "recognition.published", f"programme:{programme.id}",
          recognised=[r.application_id for r in recognised], not_recognised=[r.application_id for r in not_recognised],
          expired=[r.application_id for r in expired])
    unit.emit_event(pb.ResultsPublished(programme_id=programme.id, title=programme.title, published_at=iso(ctx.now),
                                        recognised=len(recognised), not_recognised=len(not_recognised),
                                        expired=len(expired)), programme.id)
    return recognised, not_recognised, expired


# what expired an application still open at publication, by its status (Recognition.cause)
EXPIRY_CAUSES = {d.RETURNED: "returned", d.PASSED_PENDING_SUMMARY: "unconfirmed_summary", d.UNROUTABLE: "unroutable"}


def expire_the_rest(unit: UnitOfWork, ctx: Context, programme: Programme) -> list[pb.Recognition]:
    """No limbo: every application no decision reached ends as expired at publication, with its reason,
    its history entry and review.expired (its open task is closed as expired)."""
    expired = []
    still_open = (d.IN_REVIEW, d.RETURNED, d.PASSED_PENDING_SUMMARY, d.UNROUTABLE)
    for application in storage.applications_of(unit.db, programme.id, still_open, unit.session):
        task = storage.get_task(unit, application["open_task_id"]) if application.get("open_task_id") else None
        if task is not None and task["status"] == d.TASK_OPEN:
            storage.close_task(unit, task, {"status": d.TASK_EXPIRED, "decided_at": ctx.now, "decided_by": "system"})
        unit_name = task["unit_name"] if task else application.get("unit_name", "")
        reason = d.expiry_reason(programme, application, unit_name, task["level"] if task else None)
        cause = EXPIRY_CAUSES.get(application["status"], "undecided")
        application = record_history(unit, application, ctx.now, Actor("system", "system"), "expired",
                                     level=task["level"] if task else application.get("level", 0),
                                     task_id=task["_id"] if task else "", reason=reason, detail=reason)
        storage.update_application(unit, application, {"status": d.EXPIRED, "reason": reason, "expired_cause": cause},
                                   unset=("open_task_id",) if application.get("open_task_id") else ())
        enterprise = application["enterprise"]
        message = pb.Recognition(
            application_id=application["_id"], programme_id=programme.id, enterprise_id=enterprise["enterprise_id"],
            enterprise_name=enterprise["name"], recognised=False, published_at=iso(ctx.now), reason=reason,
            cause=cause)
        unit.emit_event(message, application["_id"], "review.expired")
        expired.append(message)
    return expired


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




def amend_recognition(unit: UnitOfWork, ctx: Context, programme: Programme, remove: Sequence[str],
                      add: Sequence[str], reason: str, expected_version: int) -> pb.RecognitionAmended:
    """Correct a published list: a new version (who, when, from where, why), each affected application's
    history, and review.recognition_amended. Only recognised ones leave; only not-recognised ones that had
    been recommended enter."""
    owner = ctx.catalogue.owner_unit(programme)
    check_owner_admin(ctx.caller, owner.id, owner.name, "更正认定名单")
    reason = check_reason(reason)
    publicity = storage.programme_state(unit.db, programme.id, unit.session).get("publicity") or {}
    if publicity.get("state") != "published":
        raise precondition("recognition.not_published", f"{programme.title}的认定结果尚未发布，请在公示和发布流程中调整名单")
    current = int(publicity.get("list_version", 1))
    if expected_version and expected_version != current:
        raise conflict("recognition.changed", f"认定名单当前为第{current}版，请刷新后在最新版本上更正")
    applications = {a["_id"]: a for a in storage.applications_of(unit.db, programme.id, RANKED_STATUSES, unit.session)}
    problems = []
    for field, ids, wanted in (("remove_application_ids", remove, d.RECOGNISED),
                               ("add_application_ids", add, d.NOT_RECOGNISED)):
        for index, application_id in enumerate(ids):
            found = applications.get(application_id)
            if found is None or found["status"] != wanted:
                now_is = STATUS_LABELS.get(found["status"], found["status"]) if found else "不在推荐名单中"
                problems.append(Violation(f"{field}[{index}]", "status",
                                          f"申请 {application_id} 当前为“{now_is}”，只能"
                                          f"{'移出已认定的' if wanted == d.RECOGNISED else '补入推荐后未认定的'}申请"))
    if set(remove) & set(add) or not (remove or add):
        problems.append(Violation("application_ids", "empty", "请列出要移出或补入的申请，同一申请不能既移出又补入"))
    if problems:
        raise precondition("recognition.amendment_invalid", "认定名单更正有误，未保存", problems)
    version, actor, level = current + 1, owner_actor(ctx, programme), programme.final_level.level
    detail = f"认定名单第{version}版更正：{reason}"
    removed, added = [], []
    for application_id in remove:
        application = record_history(unit, applications[application_id], ctx.now, actor, "recognition_amended",
                                     level=level, reason=reason, detail=f"{detail}（移出认定名单）")
        application = storage.update_application(unit, application, {"status": d.NOT_RECOGNISED, "rank": 0,
                                                                     "reason": f"认定名单更正：{reason}"})
        removed.append(_outcome(programme, application, ctx.now, 0, f"认定名单更正：{reason}"))
    last = max((int(a.get("rank", 0)) for a in applications.values() if a["status"] == d.RECOGNISED), default=0)
    for position, application_id in enumerate(add, start=last + 1):
        application = record_history(unit, applications[application_id], ctx.now, actor, "recognition_amended",
                                     level=level, reason=reason, detail=f"{detail}（补入认定名单第{position}位）")
        application = storage.update_application(unit, application, {"status": d.RECOGNISED, "rank": position})
        added.append(_outcome(programme, application, ctx.now, position, ""))
    amendment = {"list_version": version, "at": ctx.now, "by": ctx.actor, "reason": reason,
                 "client_address": getattr(ctx.caller, "client_address", ""), "removed": list(remove),
                 "added": list(add)}
    storage.set_programme_state(unit, programme.id, {"publicity.state": "published"},
                                {"publicity.list_version": version,
                                 "publicity.amendments": [*publicity.get("amendments", []), amendment]})
    audit(unit, ctx, "recognition.amended", f"programme:{programme.id}", reason=reason, list_version=version,
          removed=list(remove), added=list(add))
    message = pb.RecognitionAmended(programme_id=programme.id, list_version=version, reason=reason, removed=removed,
                                    added=added, amended_by=ctx.actor, at=iso(ctx.now),
                                    client_address=amendment["client_address"])
    unit.emit_event(message, programme.id)
    return message


def _outcome(programme: Programme, application: dict[str, Any], at: datetime, position: int,
             reason: str) -> pb.Recognition:
    enterprise = application["enterprise"]
    return pb.Recognition(
        application_id=application["_id"], programme_id=programme.id, enterprise_id=enterprise["enterprise_id"],
        enterprise_name=enterprise["name"], recognised=position > 0, rank=position, score=_score(application),
        recommend_to=(programme.recommend_to or "") if position else "", published_at=iso(at), reason=reason)
