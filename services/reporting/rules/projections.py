"""Projections: ``apply(collection, state, event) -> state`` and the views derived from state.

A state is a set of facts, each kept with the order (event time, event id) of the
event that stated it; where two events state the same fact the later one wins. So
``apply`` is idempotent (an event seen twice changes nothing) and order-insensitive
(events of one application arrive on different queues, and a frozen platform clock gives
them equal times): any replay of the same events gives the same state. The view
(status, level, unit, table fields) is computed from the whole state by ``derive_*``,
never accumulated, so it is the same whatever the arrival order.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from kernel.statuses import STATUS_LABELS
from reporting.rules.events import (
    APPLICATIONS,
    ENTERPRISES,
    PROGRAMMES,
    ProjectionError,
    ProjectionEvent,
    canonical_instant,
)
from zjtx.clock import to_shanghai

# statuses in which an application was recommended upwards (it is on the 推荐汇总表)
RECOMMENDED_STATUSES = ("recommended", "in_publicity", "recognised", "not_recognised")
FIELD_KEY = re.compile(r"^[A-Za-z0-9_\-]{1,128}$")
Facts = dict[str, Any]


def _latest(current: Mapping[str, Any] | None, candidate: dict[str, Any]) -> dict[str, Any]:
    """The fact with the later order; equal orders are the same event (idempotent)."""
    if current is None or list(candidate["order"]) >= list(current["order"]):
        return candidate
    return dict(current)


def _instant(text: Any, fallback: str) -> str:
    """An instant as UTC ISO with Z (producers may write +08:00), so that instants compare as text."""
    if not text:
        return fallback
    try:
        return canonical_instant(str(text))
    except ProjectionError:
        return fallback


# keys found plain already: a programme's form has a few hundred field ids, and a rebuild
# checks every one of them in every application (issue 16); bounded, in case keys are not few
_PLAIN_KEYS: set[str] = set()
_PLAIN_KEYS_KEPT = 10_000
# values that hold no key, as concrete types (isinstance against them needs no ABC look-up)
_LEAVES = (str, int, float, bool, type(None))


def _check_keys(value: Any, path: str) -> None:
    """Form data becomes Mongo keys: refuse keys that Mongo would misread."""
    if isinstance(value, dict) or isinstance(value, Mapping):
        for key, inner in value.items():
            if key not in _PLAIN_KEYS:
                if not FIELD_KEY.match(str(key)):
                    raise ProjectionError(f"{path} has a key {key!r} that is not a plain field id")
                if len(_PLAIN_KEYS) < _PLAIN_KEYS_KEPT:
                    _PLAIN_KEYS.add(key)
            if not isinstance(inner, _LEAVES):
                _check_keys(inner, f"{path}.{key}")
    elif isinstance(value, list):
        for item in value:
            if not isinstance(item, _LEAVES):
                _check_keys(item, path)


def apply(collection: str, state: Facts | None, event: ProjectionEvent) -> Facts:
    """The state after ``event``; ``state`` is not modified."""
    facts: Facts = copy.deepcopy(dict(state or {}))
    _apply_into(collection, facts, event)
    return facts


def _apply_into(collection: str, facts: Facts, event: ProjectionEvent) -> None:
    if collection != event.collection:
        raise ProjectionError(f"{event.type} changes {event.collection}, not {collection}")
    _APPLIERS[event.type](facts, event)


# ---- applications -------------------------------------------------------------------------

def _submitted(facts: Facts, event: ProjectionEvent) -> None:
    snapshot = dict(event.data["application"])
    _check_keys(snapshot.get("sections") or {}, "application.sections")
    version = int(snapshot.get("snapshot_version") or 1)
    snapshot["snapshot_version"] = version
    snapshot["attachments"] = [{**a, "size": int(a.get("size") or 0)} for a in snapshot.get("attachments") or []]
    submissions = facts.setdefault("submissions", {})
    submissions[str(version)] = _latest(submissions.get(str(version)), {
        "submitted_at": _instant(snapshot.get("submitted_at"), event.time),
        "round": int(event.data.get("round") or 0),
        "order": event.order,
    })
    current = facts.get("snapshot")
    candidate = {"rank": [version, *event.order], "data": snapshot}
    if current is None or candidate["rank"] >= list(current["rank"]):
        facts["snapshot"] = candidate


def _withdrawn(facts: Facts, event: ProjectionEvent) -> None:
    data = event.data
    facts["withdrawal"] = _latest(facts.get("withdrawal"), {
        "at": data.get("withdrawn_at") or event.time, "reason": data.get("reason", ""),
        "by": data.get("withdrawn_by", ""), "programme_id": data.get("programme_id", ""),
        "enterprise_id": data.get("enterprise_id", ""), "order": event.order,
    })


def _step(event: ProjectionEvent) -> dict[str, Any]:
    step = event.data.get("step") or {}
    return {
        "task_id": step.get("task_id", ""), "programme_id": step.get("programme_id", ""),
        "level": int(step.get("level") or 0), "unit_id": step.get("unit_id", ""),
        "unit_name": step.get("unit_name", ""), "enterprise_id": step.get("enterprise_id", ""),
        "enterprise_name": step.get("enterprise_name", ""), "reviewer": step.get("reviewer", ""),
        "at": _instant(step.get("at"), event.time), "order": event.order,
    }


def _task(facts: Facts, step: Mapping[str, Any], event: ProjectionEvent) -> dict[str, Any]:
    task_id = step["task_id"] or f"event-{event.id}"
    if not FIELD_KEY.match(task_id):
        raise ProjectionError(f"task id {task_id!r} is not a plain id")
    return facts.setdefault("tasks", {}).setdefault(task_id, {})


def _task_opened(facts: Facts, event: ProjectionEvent) -> None:
    step = _step(event)
    task = _task(facts, step, event)
    task["opened"] = _latest(task.get("opened"), {
        **step, "round": int(event.data.get("round") or 0), "due_at": event.data.get("due_at", ""),
    })


def _decided(facts: Facts, event: ProjectionEvent, outcome: str, extra: dict[str, Any]) -> dict[str, Any]:
    step = _step(event)
    task = _task(facts, step, event)
    task["decision"] = _latest(task.get("decision"), {**step, "outcome": outcome, **extra})
    return step


def _passed(facts: Facts, event: ProjectionEvent) -> None:
    _decided(facts, event, "passed", {"opinion": event.data.get("opinion", ""),
                                      "next_level": int(event.data.get("next_level") or 0)})


def _returned(facts: Facts, event: ProjectionEvent) -> None:
    data = event.data
    reasons = [{k: r.get(k, "") for k in ("target_kind", "target", "target_title", "reason")}
               for r in data.get("reasons") or []]
    round_number = int(data.get("round") or 1)
    step = _decided(facts, event, "returned", {"reasons": reasons, "round": round_number})
    returns = facts.setdefault("returns", {})
    returns[str(round_number)] = _latest(returns.get(str(round_number)), {
        **step, "reasons": reasons, "max_rounds": int(data.get("max_rounds") or 0),
        "resubmit_by": data.get("resubmit_by", ""),
    })


def _rejected(facts: Facts, event: ProjectionEvent) -> None:
    step = _decided(facts, event, "rejected", {"reason": event.data.get("reason", "")})
    facts["rejection"] = _latest(facts.get("rejection"), {**step, "reason": event.data.get("reason", "")})


def _recommended(facts: Facts, event: ProjectionEvent) -> None:
    step = _step(event)
    facts["recommendation"] = _latest(facts.get("recommendation"), {
        **step, "opinion": event.data.get("opinion", ""), "rank": int(event.data.get("unit_rank") or 0),
    })


def _recognition(facts: Facts, event: ProjectionEvent) -> None:
    data = event.data
    facts["recognition"] = _latest(facts.get("recognition"), {
        "recognised": event.type == "review.recognised", "expired": event.type == "review.expired",
        "rank": int(data.get("rank") or 0),
        "score": data.get("score", ""), "recommend_to": data.get("recommend_to", ""),
        "published_at": data.get("published_at") or event.time, "reason": data.get("reason", ""),
        "programme_id": data.get("programme_id", ""), "enterprise_id": data.get("enterprise_id", ""),
        "enterprise_name": data.get("enterprise_name", ""), "order": event.order,
    })


def _recognition_amended(facts: Facts, event: ProjectionEvent) -> None:
    """A corrected list: on the programme, the list version and its reason; on an application it
    moved (``events.fan_out``), its recognition fact replaced (the amendment is later than the
    publication, so it wins in any arrival order)."""
    data = event.data
    if event.collection == PROGRAMMES:
        versions = facts.setdefault("recognition_amendments", {})
        version = str(int(data.get("list_version") or 0))
        versions[version] = _latest(versions.get(version), {
            "reason": data.get("reason", ""), "by": data.get("amended_by", ""), "at": data.get("at") or event.time,
            "removed": [r.get("application_id", "") for r in data.get("removed", [])],
            "added": [r.get("application_id", "") for r in data.get("added", [])], "order": event.order})
        return
    _recognition(facts, event)
    if facts["recognition"]["order"] == event.order:  # this correction is the latest word on the application
        facts["recognition"].update(recognised=bool(data.get("recognised")),
                                    list_version=int(data.get("list_version") or 0))


# ---- enterprises and programmes ------------------------------------------------------------

def _registered(facts: Facts, event: ProjectionEvent) -> None:
    data = event.data
    facts["registered"] = _latest(facts.get("registered"), {
        "uscc": data.get("uscc", ""), "at": event.time, "order": event.order,
        "profile": _profile(data, 1, event),
    })


def _profile(data: Mapping[str, Any], version: int, event: ProjectionEvent) -> dict[str, Any]:
    # no contact: reporting needs no personal field (PIPL art. 6, docs/personal-data.md)
    return {
        "name": data.get("name", ""), "region_code": data.get("region_code", ""),
        "industry": data.get("industry", ""), "park_id": data.get("park_id", ""),
        "rank": [version, *event.order],
    }


def _profile_changed(facts: Facts, event: ProjectionEvent) -> None:
    version = int(event.data.get("version") or 2)
    candidate = _profile(event.data, version, event)
    current = facts.get("profile")
    if current is None or candidate["rank"] >= list(current["rank"]):
        facts["profile"] = candidate


def _programme_fact(name: str) -> Any:
    def record(facts: Facts, event: ProjectionEvent) -> None:
        facts[name] = _latest(facts.get(name), {**event.data, "order": event.order, "event_time": event.time})

    return record


def _summary_uploaded(facts: Facts, event: ProjectionEvent) -> None:
    unit_id = str(event.data.get("unit_id", ""))
    if not FIELD_KEY.match(unit_id):
        raise ProjectionError(f"review.summary_uploaded names no valid unit (got {unit_id!r})")
    uploads = facts.setdefault("summary_uploads", {})
    uploads[unit_id] = _latest(uploads.get(unit_id), {**event.data, "order": event.order})


_APPLIERS = {
    "application.submitted": _submitted,
    "application.resubmitted": _submitted,
    "application.withdrawn": _withdrawn,
    "review.task_opened": _task_opened,
    "review.passed": _passed,
    "review.returned": _returned,
    "review.rejected": _rejected,
    "review.recommended": _recommended,
    "review.recognised": _recognition,
    "review.not_recognised": _recognition,
    "review.expired": _recognition,
    "review.recognition_amended": _recognition_amended,
    "enterprise.registered": _registered,
    "enterprise.profile_changed": _profile_changed,
    "programme.opened": _programme_fact("opened"),
    "programme.closed": _programme_fact("closed"),
    "review.summary_uploaded": _summary_uploaded,
    "review.recommendations_complete": _programme_fact("recommendations_complete"),
    "review.publicity_opened": _programme_fact("publicity"),
}


# ---- views ---------------------------------------------------------------------------------

def derive(collection: str, key: str, facts: Facts) -> dict[str, Any]:
    """The document stored for ``key``: the facts plus the view computed from them."""
    view = {APPLICATIONS: derive_application, ENTERPRISES: derive_enterprise, PROGRAMMES: derive_programme}[collection]
    return {"_id": key, **view(facts), "facts": facts}


def _round_of(task: Mapping[str, Any], submissions: Mapping[str, Any]) -> int:
    """A task's correction round; inferred from resubmission times when task_opened is missing."""
    opened = task.get("opened")
    if opened is not None:
        return int(opened.get("round") or 0)
    decided_at = (task.get("decision") or {}).get("at", "")
    return sum(1 for v, s in submissions.items() if int(v) >= 2 and s["submitted_at"] <= decided_at)


def _task_views(facts: Facts) -> list[dict[str, Any]]:
    submissions = facts.get("submissions", {})
    views = []
    for task_id, task in sorted(facts.get("tasks", {}).items()):
        base = task.get("opened") or task.get("decision") or {}
        decision = task.get("decision") or {}
        views.append({
            "task_id": task_id, "level": base.get("level", 0), "unit_id": base.get("unit_id", ""),
            "unit_name": base.get("unit_name", ""), "round": _round_of(task, submissions),
            "outcome": decision.get("outcome", "open"), "opinion": decision.get("opinion", ""),
            "next_level": decision.get("next_level", 0), "at": decision.get("at") or base.get("at", ""),
            "order": decision.get("order") or base.get("order") or [],
            "programme_id": base.get("programme_id", ""), "enterprise_name": base.get("enterprise_name", ""),
        })
    return views


def _beijing_day(instant: str) -> str:
    if not instant:
        return ""
    try:
        value = datetime.fromisoformat(instant.replace("Z", "+00:00"))
    except ValueError:
        return ""
    return to_shanghai(value).date().isoformat() if value.tzinfo else ""


def unit_sort_key(unit_id: str) -> str:
    """Units in division-code order; an administrative unit before the parks of its city."""
    match = re.search(r"(\d{6})", unit_id or "")
    code = match.group(1) if match else "999999"
    return f"{code}|{0 if unit_id.startswith('unit-') else 1}|{unit_id}"


def _status(facts: Facts, tasks: list[dict[str, Any]], resubmissions: int) -> tuple[str, int, str, str]:
    """(status, level, unit id, unit name) where the application stands."""
    recommendation = facts.get("recommendation")
    final_passes = [t for t in tasks if t["outcome"] == "passed" and t["next_level"] == 0]
    final_level = (recommendation["level"] + 1 if recommendation
                   else max((t["level"] + 1 for t in final_passes), default=max((t["level"] for t in tasks), default=1)))
    if facts.get("recognition"):
        recognition = facts["recognition"]
        status = ("recognised" if recognition["recognised"]
                  else "expired" if recognition.get("expired") else "not_recognised")
        return status, final_level, "", ""
    latest_task = max(tasks, key=lambda t: (t["round"], t["level"], list(t["order"])), default=None)
    if facts.get("withdrawal"):
        return ("withdrawn", latest_task["level"] if latest_task else 1,
                latest_task["unit_id"] if latest_task else "", latest_task["unit_name"] if latest_task else "")
    if facts.get("rejection"):
        rejection = facts["rejection"]
        return "rejected", rejection["level"], rejection["unit_id"], rejection["unit_name"]
    if recommendation:
        return "recommended", final_level, recommendation["unit_id"], recommendation["unit_name"]
    returns = facts.get("returns", {})
    if returns and max(int(r) for r in returns) > resubmissions:
        last = returns[str(max(int(r) for r in returns))]
        return "returned", last["level"], last["unit_id"], last["unit_name"]
    current = [t for t in tasks if t["round"] >= resubmissions]
    if not current:
        return "submitted", 1, "", ""
    top = max(current, key=lambda t: (t["level"], t["outcome"] != "open", list(t["order"])))
    if top["outcome"] == "passed":
        if top["next_level"] == 0:
            return "passed", top["level"], top["unit_id"], top["unit_name"]
        opened_next = [t for t in current if t["level"] == top["next_level"]]
        unit = opened_next[0] if opened_next else {"unit_id": "", "unit_name": ""}
        return "in_review", top["next_level"], unit["unit_id"], unit["unit_name"]
    if top["outcome"] in {"returned", "rejected"}:
        return top["outcome"], top["level"], top["unit_id"], top["unit_name"]
    return "in_review", top["level"], top["unit_id"], top["unit_name"]


def derive_application(facts: Facts) -> dict[str, Any]:
    snapshot = (facts.get("snapshot") or {}).get("data") or {}
    enterprise = snapshot.get("enterprise") or {}
    tasks = _task_views(facts)
    submissions = facts.get("submissions", {})
    versions = [int(v) for v in submissions]
    resubmissions = max(versions, default=1) - 1
    recommendation = facts.get("recommendation") or {}
    recognition = facts.get("recognition") or {}
    if snapshot:
        status, level, unit_id, unit_name = _status(facts, tasks, resubmissions)
    else:
        status, level, unit_id, unit_name = "pending", 0, "", ""
    final_passes = sorted((t for t in tasks if t["outcome"] == "passed" and t["next_level"] == 0),
                          key=lambda t: (t["round"], list(t["order"])))
    final_pass = final_passes[-1] if final_passes else {}
    programme_ids = sorted({p for p in [snapshot.get("programme_id", "")] + [t["programme_id"] for t in tasks]
                            + [recommendation.get("programme_id", ""), recognition.get("programme_id", "")] if p})
    names = [enterprise.get("name", "")] + [t["enterprise_name"] for t in tasks] + [recognition.get("enterprise_name", "")]
    first_submitted = min((s["submitted_at"] for s in submissions.values()), default="")
    in_table = bool(snapshot) and bool(recommendation) and status in RECOMMENDED_STATUSES
    returns = facts.get("returns", {})
    return {
        "programme_id": snapshot.get("programme_id") or (programme_ids[0] if programme_ids else ""),
        "enterprise_id": enterprise.get("enterprise_id", ""),
        "enterprise_name": next((n for n in names if n), ""),
        "uscc": enterprise.get("uscc", ""),
        "region_code": enterprise.get("region_code", ""),
        "region_name": enterprise.get("region_name", ""),
        "industry": enterprise.get("industry", ""),
        "park_id": enterprise.get("park_id", ""),
        "focus_category": snapshot.get("focus_category", ""),
        "submitted": bool(snapshot),
        "snapshot_version": int(snapshot.get("snapshot_version") or 0),
        "content_hash": snapshot.get("content_hash", ""),
        "first_submitted_at": first_submitted,
        "last_submitted_at": snapshot.get("submitted_at", ""),
        "submitted_day": _beijing_day(first_submitted),
        "resubmissions": resubmissions if snapshot else 0,
        "returns": max((int(r) for r in returns), default=0),
        "status": status,
        "status_label": STATUS_LABELS[status],
        "level": level,
        "unit_id": unit_id,
        "unit_name": unit_name,
        "unit_ids": sorted({t["unit_id"] for t in tasks if t["unit_id"]}
                           | ({recommendation["unit_id"]} if recommendation.get("unit_id") else set())),
        "recommended": bool(recommendation),
        "rec_unit_id": recommendation.get("unit_id", ""),
        "rec_unit_name": recommendation.get("unit_name", ""),
        "rec_level": recommendation.get("level", 0),
        "rec_rank": recommendation.get("rank", 0),
        "rec_opinion": recommendation.get("opinion", ""),
        "rec_at": recommendation.get("at", ""),
        "rec_sort": unit_sort_key(recommendation.get("unit_id", "")) if recommendation else "",
        "in_table": in_table,
        "draft_unit_id": final_pass.get("unit_id", "") if status == "passed" else "",
        "pf_unit_id": final_pass.get("unit_id", ""),
        "pf_unit_name": final_pass.get("unit_name", ""),
        "pf_opinion": final_pass.get("opinion", ""),
        "pf_at": final_pass.get("at", ""),
        "opinion": recommendation.get("opinion") or final_pass.get("opinion", ""),
        "recognition_rank": recognition.get("rank", 0),
        "recognition_score": recognition.get("score", ""),
        "published_at": recognition.get("published_at", ""),
        "withdrawn_at": (facts.get("withdrawal") or {}).get("at", ""),
    }


def derive_enterprise(facts: Facts) -> dict[str, Any]:
    registered = facts.get("registered") or {}
    candidates = [p for p in (registered.get("profile"), facts.get("profile")) if p]
    profile = max(candidates, key=lambda p: list(p["rank"])) if candidates else {}
    return {
        "name": profile.get("name", ""), "uscc": registered.get("uscc", ""),
        "region_code": profile.get("region_code", ""), "industry": profile.get("industry", ""),
        "park_id": profile.get("park_id", ""), "version": int(profile["rank"][0]) if profile else 0,
        "registered_at": registered.get("at", ""),
    }


def derive_programme(facts: Facts) -> dict[str, Any]:
    opened, closed = facts.get("opened"), facts.get("closed")
    window = max((f for f in (opened, closed) if f), key=lambda f: list(f["order"]), default={})
    state = "" if not window else ("closed" if window is closed else "open")
    publicity = facts.get("publicity") or {}
    complete = facts.get("recommendations_complete") or {}
    return {
        "title": window.get("title", ""), "version": int(window.get("version") or 0),
        "opens_at": window.get("opens_at", ""), "closes_at": window.get("closes_at", ""),
        "review_closes_at": window.get("review_closes_at", ""), "state": state,
        "publicity_ids": list(publicity.get("application_ids") or []),
        "publicity_opens_at": publicity.get("opens_at", ""), "publicity_closes_at": publicity.get("closes_at", ""),
        "summary_units": sorted(facts.get("summary_uploads", {})),
        "recommendations_complete": bool(complete), "recommended_total": int(complete.get("recommended") or 0),
        "recognition_list_version": max((int(v) for v in facts.get("recognition_amendments", {})), default=1),
    }


def fold(collection: str, key: str, events: list[ProjectionEvent], state: Facts | None = None) -> dict[str, Any]:
    """Apply events in replay order (time, id) and derive the document (one copy of the
    state for the whole fold: a rebuild folds hundreds of thousands of events)."""
    facts: Facts = copy.deepcopy(dict(state or {}))
    for event in sorted(events, key=lambda e: (e.at, e.id)):
        _apply_into(collection, facts, event)
    return derive(collection, key, facts)
