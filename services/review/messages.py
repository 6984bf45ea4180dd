"""Review's stored documents as protobuf messages (API responses and event payloads)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from google.protobuf import struct_pb2

from kernel.personal import open_sections
from kernel.statuses import STATUS_LABELS
from review.rules.decisions import TASK_LABELS
from zjtx.clock import iso
from zjtx.crypto import field_cipher
from zjtx_api import review_pb2 as pb


def when(value: datetime | None) -> str:
    return iso(value) if value else ""


def enterprise_brief(document: dict[str, Any]) -> pb.EnterpriseBrief:
    e = document.get("enterprise") or {}
    return pb.EnterpriseBrief(enterprise_id=e.get("enterprise_id", ""), uscc=e.get("uscc", ""), name=e.get("name", ""),
                              region_code=e.get("region_code", ""), region_name=e.get("region_name", ""),
                              park_id=e.get("park_id", ""), industry=e.get("industry", ""))


def score_text(application: dict[str, Any]) -> str:
    rubric = application.get("rubric")
    return str(rubric["total"]) if rubric else ""


def reason_messages(reasons: list[dict[str, Any]] | None) -> list[pb.ReturnReason]:
    return [pb.ReturnReason(target_kind=r["target_kind"], target=r["target"], target_title=r["target_title"],
                            reason=r["reason"]) for r in reasons or []]


def attachments(application: dict[str, Any]) -> list[pb.AttachmentInfo]:
    return [pb.AttachmentInfo(**a) for a in application.get("attachments", [])]


def task_message(task: dict[str, Any], application: dict[str, Any] | None, with_sections: bool = False) -> pb.Task:
    message = pb.Task(
        id=task["_id"], application_id=task["application_id"], programme_id=task["programme_id"], level=task["level"],
        level_title=task["level_title"], unit_id=task["unit_id"], unit_name=task["unit_name"], round=task["round"],
        status=task["status"], status_label=TASK_LABELS.get(task["status"], task["status"]),
        opened_at=when(task["opened_at"]), due_at=when(task.get("due_at")), decided_at=when(task.get("decided_at")),
        decided_by=task.get("decided_by", ""), opinion=task.get("opinion", ""),
        reasons=reason_messages(task.get("reasons")), reason=task.get("reason", ""),
        checks=task.get("checks", []),
    )
    if application is not None:
        message.enterprise.CopyFrom(enterprise_brief(application))
        message.snapshot_version = application.get("snapshot_version", 0)
        message.content_hash = application.get("content_hash", "")
        message.submitted_at = when(application.get("submitted_at"))
        message.attachments.extend(attachments(application))
        message.focus_category = application.get("focus_category", "")
        message.score = score_text(application)
        if with_sections:
            # the form's personal values arrive sealed (application.submitted) and stay sealed at rest:
            # opened only for this one view (the reviewer's, audited by the gateway)
            sections = struct_pb2.Struct()
            sections.update(open_sections(field_cipher(), application.get("sections") or {}))
            message.sections.CopyFrom(sections)
    return message


def application_message(application: dict[str, Any], max_return_rounds: int) -> pb.ReviewApplication:
    rubric = application.get("rubric") or {}
    return pb.ReviewApplication(
        application_id=application["_id"], programme_id=application["programme_id"], status=application["status"],
        status_label=STATUS_LABELS.get(application["status"], application["status"]),
        level=application.get("level", 0), unit_id=application.get("unit_id", ""),
        unit_name=application.get("unit_name", ""), returns=application.get("returns", 0),
        max_return_rounds=max_return_rounds, enterprise=enterprise_brief(application),
        first_submitted_at=when(application.get("first_submitted_at")),
        submitted_at=when(application.get("submitted_at")), snapshot_version=application.get("snapshot_version", 0),
        content_hash=application.get("content_hash", ""), open_task_id=application.get("open_task_id", ""),
        score=score_text(application), rubric_note=rubric.get("note", ""), rubric_passed=bool(rubric.get("passed")),
        unit_rank=application.get("unit_rank", 0), rank=application.get("rank", 0),
        reason=application.get("reason", ""), recommended_at=when(application.get("recommended_at")),
        version=application.get("version", 0),
    )


def history_message(entry: dict[str, Any], hide_actor: bool) -> pb.HistoryEntry:
    return pb.HistoryEntry(
        seq=entry["seq"], at=when(entry["at"]), actor="" if hide_actor else entry.get("actor", ""),
        role=entry.get("role", ""), unit_id=entry.get("unit_id", ""), unit_name=entry.get("unit_name", ""),
        level=entry.get("level", 0), action=entry["action"], action_label=entry.get("action_label", ""),
        detail=entry.get("detail", ""), opinion=entry.get("opinion", ""), reason=entry.get("reason", ""),
        reasons=reason_messages(entry.get("reasons")), task_id=entry.get("task_id", ""), round=entry.get("round", 0),
    )


def summary_message(document: dict[str, Any]) -> pb.SummaryUpload:
    return pb.SummaryUpload(
        file_id=document["_id"], programme_id=document["programme_id"], unit_id=document["unit_id"],
        unit_name=document["unit_name"], level=document["level"], kind=document["kind"],
        filename=document.get("filename", ""), media_type=document["media_type"], size=document["size"],
        sha256=document["sha256"], uploaded_by=document["uploaded_by"], uploaded_at=when(document["uploaded_at"]),
        finalised_application_ids=document.get("finalised_application_ids", []),
    )


def objection_message(document: dict[str, Any]) -> pb.Objection:
    return pb.Objection(
        id=document["_id"], programme_id=document["programme_id"], application_id=document["application_id"],
        enterprise_name=document.get("enterprise_name", ""), objector=document.get("objector", ""),
        contact=document.get("contact", ""), content=document["content"], received_at=when(document["received_at"]),
        recorded_by=document.get("recorded_by", ""), status=document["status"],
        resolution=document.get("resolution", ""), resolved_by=document.get("resolved_by", ""),
        resolved_at=when(document.get("resolved_at")),
    )


def publicity_message(state: dict[str, Any], objections: list[dict[str, Any]]) -> pb.Publicity:
    publicity = state.get("publicity") or {}
    return pb.Publicity(
        programme_id=state["_id"], state=publicity.get("state", ""), opens_at=when(publicity.get("opens_at")),
        closes_at=when(publicity.get("closes_at")), recognised_by=publicity.get("recognised_by", ""),
        recognised_at=when(publicity.get("recognised_at")),
        listed=[pb.ListedApplication(
            application_id=item["application_id"], enterprise=enterprise_brief(item), rank=item["rank"],
            score=item.get("score", ""), status=item["status"], removed_reason=item.get("removed_reason", ""),
        ) for item in publicity.get("listed", [])],
        objections=[objection_message(o) for o in objections],
        published_at=when(publicity.get("published_at")),
    )


def step(task: dict[str, Any], application: dict[str, Any], at: datetime, reviewer: str = "") -> pb.ReviewStep:
    """The common part of review.* event payloads."""
    enterprise = application.get("enterprise") or {}
    return pb.ReviewStep(
        task_id=task["_id"], application_id=application["_id"], programme_id=application["programme_id"],
        level=task["level"], unit_id=task["unit_id"], unit_name=task["unit_name"],
        enterprise_id=enterprise.get("enterprise_id", ""), enterprise_name=enterprise.get("name", ""),
        reviewer=reviewer, at=iso(at),
    )


def assessment_message(assessment: Any, programme_id: str, application_id: str = "") -> pb.Assessment:
    """A ``rules.assessment.Assessment`` as its message."""
    a = assessment
    return pb.Assessment(
        programme_id=programme_id, application_id=application_id, rubric_title=a.rubric_title, source=a.source,
        rules_id=a.rules_id, total=a.total, max_total=a.max_total, pass_line=a.pass_line,
        score_passed=a.score_passed, passed=a.passed, summary=a.summary,
        groups=[pb.GroupAssessment(id=g.id, title=g.title, points=g.points, max_points=g.max_points,
                                   min_points=g.min_points) for g in a.groups],
        indicators=[pb.IndicatorAssessment(id=i.id, title=i.title, group=i.group, points=i.points,
                                           max_points=i.max_points, value=i.value, missing=list(i.missing),
                                           hints=list(i.hints)) for i in a.indicators],
        routes=[pb.RouteAssessment(id=r.id, title=r.title, met=r.met) for r in a.routes],
    )
def city_recommendation_message(document: dict[str, Any], application_id: str = "") -> pb.CityRecommendation:
    d = document
    return pb.CityRecommendation(
        event_id=d["event_id"], uscc=d["uscc"], enterprise_name=d.get("enterprise_name", ""),
        region_code=d.get("region_code", ""), from_programme_id=d["from_programme_id"],
        from_programme_title=d.get("from_programme_title", ""), from_owner=d.get("from_owner", ""),
        from_owner_name=d.get("from_owner_name", ""), rank=int(d.get("rank") or 0), score=d.get("score", ""),
        published_at=d.get("published_at", ""), recommend_to=d["recommend_to"], received_at=when(d.get("received_at")),
        application_id=application_id)
