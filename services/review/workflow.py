"""Review's use cases, each run inside one unit of work (state, history and events commit
together). The service's entrypoints call these; the rules they apply live in ``rules/``.

Every function takes a ``Context`` (catalogue, caller, platform clock reading) and the
unit of work; none of them reads the clock itself, so a decision is judged at the
instant the request arrived. Which unit a level's task opens at is ``routing``; the
history and audit entries the use cases write are ``history``.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from opentelemetry import trace

from kernel.statuses import STATUS_LABELS
from review import storage
from review.catalogue import Catalogue
from review.history import Actor, audit, enterprise_actor, record_history, reviewer_actor
from review.messages import step
from review.routing import open_task
from review.rules import decisions as d
from review.rules.access import CallerLike, actor_of, check_can_act, check_owner_admin
from review.rules.intake import rubric_record
from review.rules.programmes import Programme
from review.rules.progress import announcement, recommendations_complete
from review.rules.ranking import Candidate, candidate_from, rank
from review.rules.summaries import (
    KIND_TITLES,
    check_can_finalise,
    check_kind,
    missing_kinds,
    required_kinds,
    upload_level,
)
from zjtx import audit as audit_trail
from zjtx import payload_json
from zjtx.attributes import APPLICATION_ID
from zjtx.clock import iso
from zjtx.errors import invalid, not_found, precondition
from zjtx.mongo import UnitOfWork
from zjtx_api import registration_pb2
from zjtx_api import review_pb2 as pb

log = logging.getLogger(__name__)

# Statuses of applications that reached recommendation (they take part in ranking).
RANKED_STATUSES = (d.RECOMMENDED, d.LISTED, d.REMOVED, d.RECOGNISED, d.NOT_RECOGNISED)


@dataclass(frozen=True)
class Context:
    catalogue: Catalogue
    caller: CallerLike
    now: datetime

    @property
    def actor(self) -> str:
        return actor_of(self.caller)


@dataclass
class Outcome:
    """What a decision changed, for the response."""

    task: dict[str, Any]
    application: dict[str, Any]
    next_task: dict[str, Any] | None = None


@dataclass
class Finalised:
    application_ids: list[str] = field(default_factory=list)


# ---------------------------------------------------------------- helpers


def tag_application(application_id: str) -> None:
    """Mark the current span (a call that names a task, not the application) so staff
    find it among the traces of the application."""
    trace.get_current_span().set_attribute(APPLICATION_ID, application_id)


def _load_task(unit: UnitOfWork, task_id: str) -> dict[str, Any]:
    task = storage.get_task(unit, task_id)
    if task is None:
        raise not_found("task.not_found", f"审核任务 {task_id} 不存在")
    return task


def load_application(unit: UnitOfWork, application_id: str) -> dict[str, Any]:
    application = storage.get_application(unit, application_id)
    if application is None:
        raise not_found("application.not_found", f"申请 {application_id} 不在审核中")
    return application


def _snapshot_fields(programme: Programme, snapshot: registration_pb2.ApplicationSnapshot,
                     received_at: datetime) -> dict[str, Any]:
    """What review keeps of a (re)submitted snapshot."""
    e = snapshot.enterprise
    sections = payload_json.struct_data(snapshot.sections) if snapshot.HasField("sections") else {}
    titles = {a.kind: a.title for a in programme.attachments}
    submitted_at = _parse_time(snapshot.submitted_at) or received_at
    return {
        "programme_version": snapshot.programme_version,
        "enterprise": {"enterprise_id": e.enterprise_id, "uscc": e.uscc, "name": e.name,
                       "region_code": e.region_code, "region_name": e.region_name, "park_id": e.park_id,
                       "industry": e.industry},
        "sections": sections,
        "attachments": [{"attachment_id": a.attachment_id, "kind": a.kind, "title": titles.get(a.kind, a.kind),
                         "filename": a.filename, "media_type": a.media_type, "size": a.size, "sha256": a.sha256}
                        for a in snapshot.attachments],
        "focus_category": snapshot.focus_category,
        "content_hash": snapshot.content_hash,
        "content_hash_alg": snapshot.content_hash_alg,  # "sm3" under the 商用密码 profile
        "snapshot_version": snapshot.snapshot_version,
        "submitted_at": submitted_at,
        "rubric": rubric_record(programme, sections),
    }


def _parse_time(text: str) -> datetime | None:
    """An ISO 8601 instant from a payload; naive means UTC (the envelope convention)."""
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00")) if text else None
    except ValueError:
        return None
    return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value


# ---------------------------------------------------------------- events from registration


def take_submitted(unit: UnitOfWork, catalogue: Catalogue, snapshot: registration_pb2.ApplicationSnapshot,
                   at: datetime) -> None:
    programme = catalogue.programmes[snapshot.programme_id]
    if storage.get_application(unit, snapshot.application_id) is not None:
        # a re-emitted submission (new event id, same application): review has it already
        log.info("application %s is already in review; submission ignored", snapshot.application_id)
        return
    fields = _snapshot_fields(programme, snapshot, at)
    application = {
        "_id": snapshot.application_id, "programme_id": programme.id, **fields,
        "first_submitted_at": fields["submitted_at"],
        "first_submitted_seq": storage.next_seq(), "status": d.IN_REVIEW, "returns": 0, "level": 0,
        "unit_ids": [], "version": 1, "history_seq": 0,
    }
    # written once, by open_task, as it ends up (routed or unroutable): not inserted then updated
    # the enterprise's step is recorded at the time it took it; review's own steps at "now"
    application = record_history(unit, application, fields["submitted_at"], enterprise_actor(application), "submitted",
                          detail=f"第{snapshot.snapshot_version or 1}版申请材料（内容摘要 {snapshot.content_hash[:12]}）",
                          defer=True)  # open_task writes the application next, whatever the route
    open_task(unit, catalogue, programme, application, programme.review_chain[0].level, at, new=True)


def take_resubmitted(unit: UnitOfWork, catalogue: Catalogue, payload: registration_pb2.ApplicationResubmitted,
                     at: datetime) -> None:
    snapshot = payload.application
    programme = catalogue.programmes[snapshot.programme_id]
    application = storage.get_application(unit, snapshot.application_id)
    if application is None:
        # the submission has not been applied yet (separate queue): retry later
        raise LookupError(f"application {snapshot.application_id} resubmitted before review received it")
    if snapshot.snapshot_version and snapshot.snapshot_version <= application.get("snapshot_version", 0):
        log.info("resubmission %s v%d already applied", application["_id"], snapshot.snapshot_version)
        return
    if application["status"] != d.RETURNED:
        log.warning("application %s resubmitted while %s; ignored", application["_id"], application["status"])
        return
    fields = _snapshot_fields(programme, snapshot, at)
    application = storage.update_application(unit, application, fields)
    application = record_history(unit, application, fields["submitted_at"], enterprise_actor(application), "resubmitted",
                          level=application["level"], round=payload.round or application["returns"],
                          detail=f"第{snapshot.snapshot_version}版申请材料（内容摘要 {snapshot.content_hash[:12]}）",
                          defer=True)
    open_task(unit, catalogue, programme, application, application["level"], at)


def take_withdrawn(unit: UnitOfWork, catalogue: Catalogue, payload: registration_pb2.ApplicationWithdrawn,
                   at: datetime) -> None:
    application = storage.get_application(unit, payload.application_id)
    reason = payload.reason.strip() or "企业撤回申请"
    if application is None:
        # withdrawn before review saw the submission: keep a tombstone so a late
        # application.submitted does not open a task for it
        storage.insert_application(unit, {
            "_id": payload.application_id, "programme_id": payload.programme_id, "status": d.WITHDRAWN,
            "reason": reason, "enterprise": {"enterprise_id": payload.enterprise_id, "uscc": "", "name": "",
                                             "region_code": "", "region_name": "", "park_id": "", "industry": ""},
            "returns": 0, "level": 0, "unit_ids": [], "version": 1, "history_seq": 0,
            "first_submitted_seq": storage.next_seq(),
        })
        return
    if application["status"] in d.FINAL_STATUSES:
        log.warning("application %s withdrawn while %s; ignored", application["_id"], application["status"])
        return
    task_id = application.get("open_task_id")
    if task_id:
        task = _load_task(unit, task_id)
        storage.close_task(unit, task, {"status": d.TASK_WITHDRAWN, "decided_at": at, "reason": reason})
    if application["status"] == d.LISTED:
        take_off_list(unit, application["programme_id"], application["_id"], f"企业撤回申请：{reason}")
    application = record_history(unit, application, _parse_time(payload.withdrawn_at) or at,
                          enterprise_actor(application, payload.withdrawn_by), "withdrawn",
                          level=application.get("level", 0), reason=reason, detail=reason, task_id=task_id or "")
    application = storage.update_application(unit, application, {"status": d.WITHDRAWN, "reason": reason},
                                             unset=("open_task_id",))
    programme = catalogue.programmes.get(application["programme_id"])
    if programme is not None:
        check_complete(unit, programme, at)


# ---------------------------------------------------------------- decisions


def _decision_start(unit: UnitOfWork, ctx: Context, task_id: str) -> tuple[Programme, dict[str, Any], dict[str, Any]]:
    """Load and check what every decision needs: the caller's unit, an open task, the deadline."""
    task = _load_task(unit, task_id)
    tag_application(task["application_id"])
    check_can_act(ctx.catalogue.units, ctx.caller, task["unit_id"])
    d.check_task_open(task["status"])
    programme = ctx.catalogue.programme(task["programme_id"])
    d.check_review_open(programme, task["level"], ctx.now)
    return programme, task, load_application(unit, task["application_id"])


def decide_pass(unit: UnitOfWork, ctx: Context, task_id: str, opinion: str) -> Outcome:
    programme, task, application = _decision_start(unit, ctx, task_id)
    opinion = d.check_opinion(opinion)
    task = storage.close_task(unit, task, {"status": d.TASK_PASSED, "decided_at": ctx.now,
                                           "decided_by": ctx.actor, "opinion": opinion})
    spec = programme.level_spec(task["level"])
    # a task escalated to the recognising level (escalate_overdue): its pass recommends at once
    following = spec if spec.final else d.next_level(programme, task["level"])
    waits = not spec.final and bool(required_kinds(spec))
    note = (f"；待{task['unit_name']}上传{'和'.join(KIND_TITLES[k] for k in required_kinds(spec))}后生效" if waits else "")
    application = record_history(unit, application, ctx.now, reviewer_actor(ctx, task), "passed", level=task["level"],
                          task_id=task["_id"], round=task["round"], opinion=opinion, detail=f"{opinion}{note}",
                          defer=True)
    # written with the status the pass leads to (each branch below writes the application)
    application = storage.update_application(unit, application, {
        "passed_opinion": opinion, "passed_by": ctx.actor, "last_task_id": task["_id"],
    }, unset=("open_task_id",), defer=True)
    audit(unit, ctx, "task.passed", f"task:{task['_id']}", application_id=application["_id"],
          programme_id=task["programme_id"], unit_id=task["unit_id"], level=task["level"], opinion=opinion)
    unit.emit_event(pb.Passed(
        step=step(task, application, ctx.now, ctx.actor), opinion=opinion,
        next_level=0 if following.final else following.level), application["_id"])
    next_task = None
    if waits:
        application = storage.update_application(unit, application, {
            "status": d.PASSED_PENDING_SUMMARY, "pending_unit_id": task["unit_id"], "pending_level": task["level"],
            "covered": {},
        })
    elif spec.final:
        application = _recommend(unit, programme, [application], task, ctx.now)[-1]
    else:
        next_task, application = _advance(unit, ctx.catalogue, programme, [application], task, ctx.now)
    check_complete(unit, programme, ctx.now)
    return Outcome(task, application, next_task)


def decide_return(unit: UnitOfWork, ctx: Context, task_id: str, items: Sequence[tuple[str, str, str]]) -> Outcome:
    programme, task, application = _decision_start(unit, ctx, task_id)
    reasons = d.check_return_reasons(programme, items)
    round_ = d.check_return_allowed(programme, application.get("returns", 0), ctx.now)
    task = storage.close_task(unit, task, {"status": d.TASK_RETURNED, "decided_at": ctx.now, "decided_by": ctx.actor,
                                           "reasons": [r.__dict__ for r in reasons]})
    summary = d.describe_reasons(reasons)
    application = record_history(unit, application, ctx.now, reviewer_actor(ctx, task), "returned", level=task["level"],
                          task_id=task["_id"], round=round_, reasons=reasons,
                          detail=f"第{round_}次退回修改（上限{programme.max_return_rounds}次）：{summary}", defer=True)
    application = storage.update_application(unit, application, {
        "status": d.RETURNED, "returns": round_, "last_task_id": task["_id"],
    }, unset=("open_task_id",))
    audit(unit, ctx, "task.returned", f"task:{task['_id']}", reason=summary, application_id=application["_id"],
          programme_id=task["programme_id"], unit_id=task["unit_id"], level=task["level"], round=round_,
          reasons=[r.__dict__ for r in reasons])
    unit.emit_event(pb.Returned(
        step=step(task, application, ctx.now, ctx.actor),
        reasons=[pb.ReturnReason(**r.__dict__) for r in reasons], round=round_,
        max_rounds=programme.max_return_rounds, resubmit_by=iso(programme.resubmit_by(ctx.now))), application["_id"])
    return Outcome(task, application)


def decide_reject(unit: UnitOfWork, ctx: Context, task_id: str, reason: str) -> Outcome:
    programme, task, application = _decision_start(unit, ctx, task_id)
    reason = d.check_opinion(reason, "reason", "不通过的理由")
    task = storage.close_task(unit, task, {"status": d.TASK_REJECTED, "decided_at": ctx.now, "decided_by": ctx.actor,
                                           "reason": reason})
    application = record_history(unit, application, ctx.now, reviewer_actor(ctx, task), "rejected", level=task["level"],
                          task_id=task["_id"], round=task["round"], reason=reason, detail=reason, defer=True)
    application = storage.update_application(unit, application, {
        "status": d.REJECTED, "reason": reason, "last_task_id": task["_id"],
    }, unset=("open_task_id",))
    audit(unit, ctx, "task.rejected", f"task:{task['_id']}", reason=reason, application_id=application["_id"],
          programme_id=task["programme_id"], unit_id=task["unit_id"], level=task["level"])
    unit.emit_event(pb.Rejected(
        step=step(task, application, ctx.now, ctx.actor), reason=reason), application["_id"])
    check_complete(unit, programme, ctx.now)
    return Outcome(task, application)


def _advance(unit: UnitOfWork, catalogue: Catalogue, programme: Programme, applications: list[dict[str, Any]],
             task: dict[str, Any], at: datetime) -> tuple[dict[str, Any] | None, dict[str, Any]]:
    """Move applications passed at ``task``'s level on: the next reviewing level's task,
    or recommended when the next level is the final one. Returns (next task, application)
    for the last one (a single pass advances exactly one)."""
    following = d.next_level(programme, task["level"])
    if following.final:
        updated = _recommend(unit, programme, applications, task, at)
        return None, updated[-1]
    next_task, application = None, applications[-1]
    for application in applications:
        next_task, application = open_task(unit, catalogue, programme, application, following.level, at)
    return next_task, application


def _recommend(unit: UnitOfWork, programme: Programme, applications: list[dict[str, Any]],
               task: dict[str, Any], at: datetime) -> list[dict[str, Any]]:
    """Make applications recommended by ``task``'s unit; 推荐顺序 is the unit's ranking."""
    unit_id = task["unit_id"]
    earlier = storage.recommended_by_unit(unit, programme.id, unit_id)
    fresh_ids = {a["_id"] for a in applications}
    everyone = [a for a in earlier if a["_id"] not in fresh_ids] + applications
    order = {c.application_id: i + 1 for i, c in enumerate(rank(candidate_of(programme, a) for a in everyone))}
    for other in earlier:
        if other["_id"] not in fresh_ids and other.get("unit_rank") != order[other["_id"]]:
            storage.set_unit_rank(unit, other["_id"], order[other["_id"]])
    updated = []
    for application in applications:
        unit_task = {**task, "_id": application.get("last_task_id") or task["_id"]}
        application = record_history(unit, application, at, Actor("system", "system", unit_id, task["unit_name"]),
                              "recommended", level=task["level"], task_id=unit_task["_id"],
                              detail=f"{task['unit_name']}推荐，推荐顺序第{order[application['_id']]}位", defer=True)
        application = storage.update_application(unit, application, {
            "status": d.RECOMMENDED, "recommended_unit_id": unit_id, "recommended_unit_name": task["unit_name"],
            "recommended_level": task["level"], "recommended_at": at, "unit_rank": order[application["_id"]],
        }, unset=("pending_unit_id", "pending_level", "covered"))
        unit.emit_event(pb.Recommended(
            step=step(unit_task, application, at, application.get("passed_by", "")),
            opinion=application.get("passed_opinion", ""), unit_rank=order[application["_id"]]), application["_id"])
        updated.append(application)
    return updated


def candidate_of(programme: Programme, application: dict[str, Any]) -> Candidate:
    rubric = application.get("rubric")
    return candidate_from(programme, application_id=application["_id"], uscc=application["enterprise"]["uscc"],
                          submitted_at=application["first_submitted_at"], data=application.get("sections") or {},
                          score=rubric["total"] if rubric else None)


# ---------------------------------------------------------------- 推荐汇总表


@dataclass(frozen=True)
class UploadPlan:
    programme: Programme
    unit_id: str
    unit_name: str
    level: int
    kind: str


def plan_upload(ctx: Context, programme_id: str, unit_id: str, kind: str) -> UploadPlan:
    """Everything an upload must satisfy before its bytes are read: programme, unit, the
    caller's unit, the document kind its level requires, the level's deadline."""
    programme = ctx.catalogue.programme(programme_id)
    if not unit_id:
        raise invalid("unit_id.required", "请指定上传推荐汇总表的审核单位（unit_id）")
    unit = ctx.catalogue.unit(unit_id)
    check_can_act(ctx.catalogue.units, ctx.caller, unit.id, "上传该单位的推荐汇总表")
    level = upload_level(programme, unit)
    checked = check_kind(level, kind)
    d.check_review_open(programme, level.level, ctx.now, "推荐汇总表")
    return UploadPlan(programme, unit.id, unit.name, level.level, checked)


def record_upload(unit: UnitOfWork, ctx: Context, plan: UploadPlan, stored: dict[str, Any]) -> dict[str, Any]:
    """The upload is in GridFS; record it and make final what it completes."""
    programme = plan.programme
    upload = {"_id": stored["file_id"], "programme_id": programme.id, "unit_id": plan.unit_id,
              "unit_name": plan.unit_name, "level": plan.level, "kind": plan.kind, "filename": stored["filename"],
              "media_type": stored["media_type"], "size": stored["size"], "sha256": stored["sha256"],
              "uploaded_by": ctx.actor, "uploaded_at": ctx.now, "uploaded_seq": storage.next_seq()}
    needed = required_kinds(programme.level_spec(plan.level))
    complete: list[dict[str, Any]] = []
    uploader = Actor(ctx.actor, ctx.caller.role, plan.unit_id, plan.unit_name)
    for application in storage.pending_of_unit(unit, programme.id, plan.unit_id):
        if application.get("pending_level") != plan.level:
            continue
        covered = {**application.get("covered", {}), plan.kind: upload["_id"]}
        application = record_history(unit, application, ctx.now, uploader, "summary_uploaded", level=plan.level,
                              detail=f"{plan.unit_name}上传{KIND_TITLES[plan.kind]}（SHA-256 {stored['sha256'][:16]}…）")
        application = storage.update_application(unit, application, {"covered": covered})
        if all(kind in covered for kind in needed):
            complete.append(application)
    if complete:
        task = {"_id": "", "level": plan.level, "unit_id": plan.unit_id, "unit_name": plan.unit_name}
        _advance(unit, ctx.catalogue, programme, complete, task, ctx.now)
    upload["finalised_application_ids"] = [a["_id"] for a in complete]
    storage.insert_summary(unit, upload)
    audit(unit, ctx, "summary.uploaded", f"summary:{upload['_id']}", programme_id=programme.id, unit_id=plan.unit_id,
          level=plan.level, kind=plan.kind, sha256=upload["sha256"], size=upload["size"],
          finalised_application_ids=upload["finalised_application_ids"])
    unit.emit_event(pb.SummaryUploaded(
        programme_id=programme.id, unit_id=plan.unit_id, unit_name=plan.unit_name, level=plan.level,
        file_id=upload["_id"], sha256=upload["sha256"], media_type=upload["media_type"],
        application_ids=upload["finalised_application_ids"], uploaded_by=ctx.actor, at=iso(ctx.now)), programme.id)
    check_complete(unit, programme, ctx.now)
    return upload


def unit_missing(pending: list[dict[str, Any]], required: Sequence[str]) -> list[str]:
    """Titles of documents some pending application still lacks."""
    lacking: list[str] = []
    for application in pending:
        for title in missing_kinds(required, application.get("covered", {})):
            if title not in lacking:
                lacking.append(title)
    return lacking


def finalise_unit(unit: UnitOfWork, ctx: Context, programme: Programme, unit_id: str) -> None:
    """The unit confirms its recommendations (提交推荐)."""
    units = ctx.catalogue.units
    check_can_act(units, ctx.caller, unit_id, "提交该单位的推荐")
    level = upload_level(programme, units.get(unit_id))
    d.check_review_open(programme, level.level, ctx.now, "推荐")
    pending = storage.pending_of_unit(unit, programme.id, unit_id)
    open_tasks = storage.count_tasks(unit.db, {"programme_id": programme.id, "unit_id": unit_id,
                                               "status": d.TASK_OPEN}, unit.session)
    check_can_finalise(units.get(unit_id).name, len(pending), unit_missing(pending, required_kinds(level)), open_tasks)
    storage.set_unit_finalised(unit, programme.id, unit_id, {"finalised_at": ctx.now, "finalised_by": ctx.actor})
    audit(unit, ctx, "unit.finalised", f"unit:{unit_id}", programme_id=programme.id, level=level.level,
          recommended=len(pending))
    check_complete(unit, programme, ctx.now)


# ---------------------------------------------------------------- programme transitions


def announce_window(unit: UnitOfWork, programme: Programme, now: datetime) -> str | None:
    """Emit programme.opened / programme.closed once per window-state change."""
    state = storage.programme_state(unit.db, programme.id, unit.session)
    previous = state.get("announced_state")
    current = programme.window_state(now)
    if previous == current:
        return None
    storage.set_programme_state(unit, programme.id, {"announced_state": previous}, {
        "announced_state": current, "announced_version": programme.version, "announced_at": now})
    event = announcement(previous, current)
    if event:
        window = programme.window
        unit.emit_event(pb.ProgrammeWindowChanged(
            programme_id=programme.id, version=programme.version, title=programme.title,
            opens_at=window.opens_at.isoformat(), closes_at=window.closes_at.isoformat(),
            review_closes_at=window.review_closes_at.isoformat(), at=iso(now)), programme.id, event)
    return event


def _all_recommended(db: Any, session: Any, programme: Programme, now: datetime) -> bool:
    applications = db.applications.count_documents({"programme_id": programme.id, "level": {"$gte": 1}},
                                                   session=session)
    if not applications:
        return False
    open_tasks = storage.count_tasks(db, {"programme_id": programme.id, "status": d.TASK_OPEN}, session)
    pending = db.applications.count_documents({"programme_id": programme.id, "status": d.PASSED_PENDING_SUMMARY},
                                              session=session)
    return recommendations_complete(programme, now, applications=applications, open_tasks=open_tasks,
                                    pending_summary=pending)


def may_be_complete(db: Any, programme: Programme, now: datetime) -> bool:
    """``check_complete``'s counting without a transaction: the clock's look before it opens one."""
    return programme.window_state(now) == "closed" and _all_recommended(db, None, programme, now)


def check_complete(unit: UnitOfWork, programme: Programme, now: datetime) -> bool:
    """Emit review.recommendations_complete once, when every unit is done."""
    if programme.window_state(now) != "closed":
        return False  # enterprises may still apply: cheap answer before any counting
    state = storage.programme_state(unit.db, programme.id, unit.session)
    if state.get("recommendations_complete_at"):
        return False
    db, session = unit.db, unit.session
    if not _all_recommended(db, session, programme, now):
        return False
    recommended = storage.applications_of(db, programme.id, RANKED_STATUSES, session)
    storage.set_programme_state(unit, programme.id, {"recommendations_complete_at": None},
                                {"recommendations_complete_at": now})
    unit.emit_event(pb.RecommendationsComplete(
        programme_id=programme.id, recommended=len(recommended),
        unit_ids=sorted({a["recommended_unit_id"] for a in recommended}), at=iso(now)), programme.id)
    return True


def escalate_overdue(unit: UnitOfWork, catalogue: Catalogue, programme: Programme, now: datetime) -> int:
    """A programme whose ``undecided_at_review_deadline`` is ``escalate``: every task still open after
    its level's review deadline moves to the next level of the chain (its task closed as escalated, the
    reason in history and the audit trail, the next level's task opened at the unit that level routes
    to: that unit decides; at the recognising level a pass recommends at once). Repeated while the next
    level's deadline has passed too; a task at the chain's last level is not moved: undecided, it
    expires at publication (``recognition.expire_the_rest``). Returns how many tasks moved."""
    if not any(d.escalation_due(programme, spec.level, now) for spec in programme.review_chain):
        return 0  # the usual answer, without a query: no level's deadline has passed (or expire)
    moved = 0
    for _ in programme.review_chain:  # each pass moves a task at most one level up
        overdue = [t for t in unit.db.tasks.find({"programme_id": programme.id, "status": d.TASK_OPEN},
                                                 {"sections": 0}, session=unit.session)
                   if d.escalation_due(programme, t["level"], now)]
        if not overdue:
            break
        for task in overdue:
            following = d.next_level(programme, task["level"])
            reason = d.escalation_reason(programme, task["level"], task["unit_name"], following.title)
            storage.close_task(unit, task, {"status": d.TASK_ESCALATED, "decided_at": now, "decided_by": "system",
                                            "reason": reason})
            application = load_application(unit, task["application_id"])
            application = record_history(unit, application, now, Actor("system", "system", task["unit_id"],
                                                                       task["unit_name"]),
                                         "escalated", level=task["level"], task_id=task["_id"], round=task["round"],
                                         reason=reason, detail=reason)
            application = storage.update_application(unit, application, {"last_task_id": task["_id"]},
                                                     unset=("open_task_id",))
            audit_trail.record(unit, audit_trail.Entry(
                action="task.escalated", target=f"task:{task['_id']}", subject="review", role="system",
                principal="review", reason=reason, details={
                    "application_id": application["_id"], "programme_id": programme.id, "unit_id": task["unit_id"],
                    "level": task["level"], "next_level": following.level}))
            open_task(unit, catalogue, programme, application, following.level, now)
            moved += 1
    return moved


def take_off_list(unit: UnitOfWork, programme_id: str, application_id: str, reason: str) -> None:
    # the list is rewritten whole: simpler than a positional update, and it stays small
    publicity = storage.programme_state(unit.db, programme_id, unit.session)["publicity"]
    listed = [{**i, "status": "removed", "removed_reason": reason} if i["application_id"] == application_id else i
              for i in publicity["listed"]]
    storage.set_programme_state(unit, programme_id, {}, {"publicity.listed": listed})


def retry_routing(unit: UnitOfWork, ctx: Context, application_id: str) -> dict[str, Any]:
    """Route an unroutable application again (after the units data was corrected)."""
    application = load_application(unit, application_id)
    programme = ctx.catalogue.programme(application["programme_id"])
    owner = ctx.catalogue.owner_unit(programme)
    check_owner_admin(ctx.caller, owner.id, owner.name, "重新分派审核单位")
    if application["status"] != d.UNROUTABLE:
        raise precondition("routing.not_unroutable",
                           f"该申请当前状态为“{STATUS_LABELS[application['status']]}”，无需重新分派")
    _, application = open_task(unit, ctx.catalogue, programme, application, application["level"], ctx.now)
    if application["status"] == d.UNROUTABLE:
        raise precondition("routing.still_unroutable", f"仍无法分派审核单位：{application['reason']}")
    audit(unit, ctx, "application.rerouted", f"application:{application_id}", programme_id=programme.id,
          unit_id=application.get("unit_id", ""), level=application["level"])
    return application
