"""Stored documents -> the protobuf messages of registration.proto."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from google.protobuf import struct_pb2

from kernel import personal
from kernel.programme import ProgrammeModel
from kernel.statuses import status_label
from registration.rules.applications import EDITABLE, Reopened, can_edit
from zjtx.clock import iso
from zjtx.crypto import field_cipher
from zjtx_api import registration_pb2 as pb


def when(value: datetime | None) -> str:
    return iso(value) if value else ""


def struct(data: dict[str, Any] | None) -> struct_pb2.Struct:
    message = struct_pb2.Struct()
    message.update(data or {})
    return message


def contact(profile: dict[str, Any]) -> pb.Contact:
    return pb.Contact(person=profile["contact_person"], mobile=profile["contact_mobile"], email=profile["contact_email"])


def sealed_contact(profile: dict[str, Any]) -> pb.Contact:
    """The contact for an event: each value sealed with the instance's field key (no clear personal
    value in an outbox record, a dead letter or an outside subscriber's queue)."""
    return pb.Contact(**personal.seal_contact(field_cipher(), {
        "person": profile["contact_person"], "mobile": profile["contact_mobile"], "email": profile["contact_email"]}))


def enterprise_message(document: dict[str, Any], profile: dict[str, Any] | None = None,
                       version: int | None = None) -> pb.Enterprise:
    profile = profile or document["profile"]
    return pb.Enterprise(
        id=document["_id"], uscc=document["uscc"], name=profile["name"], region_code=profile["region_code"],
        region_name=profile.get("region_name", ""), industry=profile["industry"], park_id=profile["park_id"],
        contact=contact(profile), version=version or document["version"], registered_at=iso(document["registered_at"]),
    )


def enterprise_registered(document: dict[str, Any]) -> pb.EnterpriseRegistered:
    profile = document["profile"]
    return pb.EnterpriseRegistered(
        enterprise_id=document["_id"], uscc=document["uscc"], name=profile["name"], region_code=profile["region_code"],
        industry=profile["industry"], park_id=profile["park_id"], sealed_contact=sealed_contact(profile))


def profile_changed(document: dict[str, Any], at: datetime) -> pb.EnterpriseProfileChanged:
    profile = document["profile"]
    return pb.EnterpriseProfileChanged(
        enterprise_id=document["_id"], version=document["version"], name=profile["name"],
        region_code=profile["region_code"], industry=profile["industry"], park_id=profile["park_id"],
        sealed_contact=sealed_contact(profile), changed_at=iso(at))


def enterprise_snapshot(document: dict[str, Any]) -> dict[str, Any]:
    """The enterprise as it is now, for a snapshot (plain data)."""
    profile = document["profile"]
    return {
        "enterprise_id": document["_id"], "uscc": document["uscc"], "name": profile["name"],
        "region_code": profile["region_code"], "region_name": profile.get("region_name", ""),
        "industry": profile["industry"], "park_id": profile["park_id"],
        "contact": {"person": profile["contact_person"], "mobile": profile["contact_mobile"],
                    "email": profile["contact_email"]},
        "profile_version": document["version"],
    }


def attachment_message(document: dict[str, Any], programme: ProgrammeModel | None) -> pb.Attachment:
    spec = programme.attachment(document["kind"]) if programme else None
    return pb.Attachment(
        id=document["_id"], application_id=document["application_id"], kind=document["kind"],
        kind_title=spec.title if spec else document["kind"], filename=document["filename"],
        media_type=document["media_type"], size=document["size"], sha256=document["sha256"],
        digest_alg=document.get("digest_alg", ""), digest=document.get("digest", ""),
        uploaded_at=when(document.get("uploaded_at")), uploaded_by=document.get("uploaded_by", ""))


def pledge_message(pledge: dict[str, Any] | None) -> pb.PledgeSignature:
    pledge = pledge or {}
    return pb.PledgeSignature(signer_name=pledge.get("signer_name", ""), signer_title=pledge.get("signer_title", ""),
                              signed_at=str(pledge.get("signed_at", "")), text_sha256=pledge.get("text_sha256", ""))


def section_states(document: dict[str, Any], programme: ProgrammeModel, reopened: Reopened,
                   include_data: bool) -> list[pb.SectionState]:
    states = []
    for section in programme.sections:
        state = (document.get("sections") or {}).get(section.id) or {}
        states.append(pb.SectionState(
            id=section.id, title=section.title, data=struct(state.get("data") if include_data else None),
            version=state.get("version", 0), editable=can_edit(document["status"], reopened, "section", section.id),
            saved_at=when(state.get("saved_at")), saved_by=state.get("saved_by", "")))
    return states


def application_message(document: dict[str, Any], programme: ProgrammeModel, attachments: list[dict[str, Any]],
                        include_content: bool = True) -> pb.Application:
    """``include_content``: False for callers who may see the status but not the contents."""
    status = document["status"]
    reopened = Reopened.from_document(document.get("reopened"))
    review = document.get("review") or {}
    editable_kinds = [a.kind for a in programme.attachments if can_edit(status, reopened, "attachment", a.kind)]
    return pb.Application(
        id=document["_id"], enterprise_id=document["enterprise_id"], enterprise_name=document.get("enterprise_name", ""),
        programme_id=document["programme_id"], programme_version=document.get("programme_version", 0),
        programme_title=document.get("programme_title", programme.title), status=status,
        status_label=status_label(status), version=document["version"],
        sections=section_states(document, programme, reopened, include_content),
        attachments=[attachment_message(a, programme) for a in attachments] if include_content else [],
        pledge=pledge_message(document.get("pledge") if include_content else None),
        pledge_title=programme.pledge_title, pledge_text=programme.pledge_text,
        snapshot_version=document.get("snapshot_version", 0), content_hash=document.get("content_hash", ""),
        first_submitted_at=when(document.get("first_submitted_at")),
        last_submitted_at=when(document.get("last_submitted_at")),
        review_level=review.get("level", 0), review_unit_id=review.get("unit_id", ""),
        review_unit_name=review.get("unit_name", ""), return_round=document.get("return_round", 0),
        max_return_rounds=programme.max_return_rounds,
        corrections=[pb.Correction(**c) for c in document.get("corrections") or []] if status == "returned" else [],
        resubmit_by=document.get("resubmit_by") or "" if status == "returned" else "",
        decision_reason=document.get("decision_reason", ""), created_at=when(document.get("created_at")),
        updated_at=when(document.get("updated_at")),
        pledge_editable=status in EDITABLE and can_edit(status, reopened, "pledge"),
        editable_attachment_kinds=editable_kinds,
    )


def summary_message(document: dict[str, Any]) -> pb.ApplicationSummary:
    status = document["status"]
    return pb.ApplicationSummary(
        id=document["_id"], enterprise_id=document["enterprise_id"], enterprise_name=document.get("enterprise_name", ""),
        programme_id=document["programme_id"], programme_title=document.get("programme_title", ""), status=status,
        status_label=status_label(status), version=document["version"],
        snapshot_version=document.get("snapshot_version", 0),
        first_submitted_at=when(document.get("first_submitted_at")), updated_at=when(document.get("updated_at")))


def snapshot_message(snapshot: dict[str, Any], sealed: bool = False) -> pb.ApplicationSnapshot:
    """``sealed``: the snapshot as stored (its personal values sealed), for an event; else opened."""
    enterprise = dict(snapshot["enterprise"])
    contact_message = pb.Contact(**enterprise.pop("contact"))
    enterprise_message = (pb.EnterpriseSnapshot(**enterprise, sealed_contact=contact_message) if sealed
                          else pb.EnterpriseSnapshot(**enterprise, contact=contact_message))
    return pb.ApplicationSnapshot(
        application_id=snapshot["application_id"], programme_id=snapshot["programme_id"],
        programme_version=snapshot["programme_version"],
        enterprise=enterprise_message, sealed_fields=sealed_paths(snapshot) if sealed else [],
        snapshot_version=snapshot["snapshot_version"], content_hash=snapshot["content_hash"],
        content_hash_alg=snapshot.get("content_hash_alg", ""),
        submitted_at=snapshot["submitted_at"], sections=struct(snapshot["sections"]),
        attachments=[pb.AttachmentRef(**a) for a in snapshot["attachments"]],
        pledge=pb.PledgeSignature(**snapshot["pledge"]), focus_category=snapshot.get("focus_category", ""),
        first_submitted_at=snapshot.get("first_submitted_at", ""), programme_title=snapshot.get("programme_title", ""),
    )


def sealed_paths(snapshot: dict[str, Any]) -> list[str]:
    """The paths of the snapshot's sections and pledge whose values are sealed."""
    paths = [personal.section_path(sid, fid) for sid, values in (snapshot.get("sections") or {}).items()
             if isinstance(values, dict) for fid, value in values.items() if personal.is_sealed(value)]
    return paths + [f"pledge.{k}" for k, v in (snapshot.get("pledge") or {}).items() if personal.is_sealed(v)]


def submit_response(document: dict[str, Any], snapshot: dict[str, Any], already: bool) -> pb.SubmitResponse:
    return pb.SubmitResponse(
        application_id=document["_id"], status=document["status"], snapshot_version=snapshot["snapshot_version"],
        content_hash=snapshot["content_hash"], submitted_at=snapshot["submitted_at"], already_submitted=already,
        round=snapshot.get("round", 0))


def history_message(entry: dict[str, Any]) -> pb.HistoryEntry:
    return pb.HistoryEntry(
        at=when(entry.get("at")), actor=entry.get("actor", ""), role=entry.get("role", ""), action=entry["action"],
        detail=entry.get("detail", ""), reason=entry.get("reason", ""), version=entry.get("version", 0),
        data=struct(entry.get("data")))
