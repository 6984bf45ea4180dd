"""Registration's use cases: enterprises, drafts, the pledge, submission, withdrawal,
resubmission. Entry points call these with a ``Context``; rules decide, storage writes,
and every change is written with its history line (and its event) in one transaction.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from kernel import personal
from kernel.jurisdiction import check_serves
from kernel.programme import ProgrammeModel
from registration import messages, storage
from registration.context import Context
from registration.rules.access import (
    check_erase,
    check_read,
    check_register,
    check_services_only,
    check_write,
    list_scope,
)
from registration.rules.applications import (
    DRAFT,
    EDITABLE,
    RESUBMITTED,
    RETURNED,
    STATUSES,
    SUBMITTED,
    SUBMITTED_STATES,
    WITHDRAWN,
    Reopened,
    check_can_apply,
    check_can_edit,
    check_resubmit,
    check_signer,
    check_status_for_submit,
    check_withdraw,
    refusal,
    status_label,
)
from registration.rules.completeness import Completeness, assess, pledge_text_hash
from registration.rules.enterprises import EnterpriseProfile, check_profile, duplicate_uscc
from registration.rules.erasure import check_erasable
from registration.rules.snapshots import build_snapshot
from registration.rules.values import echo, missing_required, section_input
from zjtx import audit
from zjtx.clock import iso
from zjtx.crypto import field_cipher, mask_name
from zjtx.errors import Violation, already_exists, conflict, invalid, not_found, precondition
from zjtx.mongo import UnitOfWork
from zjtx_api import registration_pb2 as pb

log = logging.getLogger(__name__)
MAX_PAGE_SIZE = 200
DEFAULT_PAGE_SIZE = 50


class _Moved(Exception):
    """The application changed between reading and the conditional write."""


# --------------------------------------------------------------------------- enterprises


def profile_from(request: Any, uscc: str) -> EnterpriseProfile:
    return EnterpriseProfile(
        uscc=uscc, name=request.name.strip(), region_code=request.region_code.strip(),
        industry=request.industry.strip(), park_id=request.park_id.strip(),
        contact_person=request.contact.person.strip(), contact_mobile=request.contact.mobile.strip(),
        contact_email=request.contact.email.strip())


def profile_record(ctx: Context, profile: EnterpriseProfile) -> dict[str, Any]:
    return {**profile.__dict__, "region_name": ctx.divisions.name_path(profile.region_code)}


def register_enterprise(ctx: Context, request: pb.RegisterEnterpriseRequest) -> dict[str, Any]:
    check_register(ctx.caller)
    profile = profile_from(request, request.uscc)
    check_profile(profile, ctx.divisions)
    check_serves(profile.region_code, ctx.jurisdiction, ctx.divisions, "企业注册", "region_code")
    document = {"_id": uuid.uuid4().hex, "uscc": profile.uscc, "profile": profile_record(ctx, profile), "version": 1,
                "registered_at": ctx.now, "registered_by": ctx.caller.subject or "self-registration"}

    def register(unit: UnitOfWork) -> None:
        if not storage.insert_enterprise(unit, document):
            raise duplicate_uscc(profile.uscc)
        unit.emit_event(messages.enterprise_registered(document), document["_id"])

    ctx.store.transact(register)
    return document


def get_enterprise(ctx: Context, request: pb.GetEnterpriseRequest) -> pb.Enterprise:
    if request.enterprise_id:
        document = ctx.enterprise(request.enterprise_id)
    else:
        document = storage.find_enterprise_by_uscc(ctx.store.db, request.uscc) if request.uscc else None
        if document is None:
            raise not_found("enterprise.not_found", f"统一社会信用代码 {request.uscc or '（未指定）'} 未注册")
    check_read(ctx.caller, "profile", document["_id"])
    if request.version and request.version != document["version"]:
        earlier = storage.get_profile_version(ctx.store.db, document["_id"], request.version)
        if earlier is None:
            raise not_found("enterprise.version_not_found",
                            f"企业信息没有第{request.version}版；当前为第{document['version']}版")
        return messages.enterprise_message(document, earlier["profile"], request.version)
    return messages.enterprise_message(document)


def update_profile(ctx: Context, request: pb.UpdateEnterpriseProfileRequest) -> dict[str, Any]:
    current = ctx.enterprise(request.enterprise_id)
    check_write(ctx.caller, current["_id"])
    profile = profile_from(request, current["uscc"])
    check_profile(profile, ctx.divisions)
    check_serves(profile.region_code, ctx.jurisdiction, ctx.divisions, "企业", "region_code")
    record = profile_record(ctx, profile)

    def change(unit: UnitOfWork) -> dict[str, Any]:
        if not storage.update_profile(unit, current["_id"], request.expected_version, record, ctx.now):
            latest = storage.get_enterprise(unit.db, current["_id"], unit.session) or current
            raise conflict("enterprise.version_conflict",
                           f"企业信息已被修改（当前为第{latest['version']}版，您修改的是第{request.expected_version}版），"
                           "请刷新后重新修改；您的修改未保存")
        document = {**current, "profile": record, "version": request.expected_version + 1}
        storage.insert_profile_version(unit, current["_id"], document["version"], record, ctx.now, ctx.actor)
        # drafts show the current name; snapshots keep theirs
        unit.db.applications.update_many({"enterprise_id": current["_id"]},
                                         {"$set": {"enterprise_name": record["name"]}}, session=unit.session)
        unit.emit_event(messages.profile_changed(document, ctx.now), current["_id"])
        return document

    return ctx.store.transact(change)


# --------------------------------------------------------------------------- applications


def create_application(ctx: Context, enterprise_id: str, programme_id: str) -> tuple[dict[str, Any], ProgrammeModel]:
    enterprise = ctx.enterprise(enterprise_id)
    check_write(ctx.caller, enterprise["_id"])
    programme = ctx.directory.programme(programme_id)
    profile = enterprise["profile"]
    check_serves(programme.owner, ctx.jurisdiction, ctx.divisions, "培育批次", "programme_id")
    check_serves(profile["region_code"], ctx.jurisdiction, ctx.divisions, "申报", "region_code")
    check_can_apply(programme, profile["region_code"], profile.get("region_name", ""), ctx.now)
    document = {
        "_id": uuid.uuid4().hex, "enterprise_id": enterprise["_id"], "enterprise_name": profile["name"],
        "programme_id": programme.id, "programme_version": programme.version, "programme_title": programme.title,
        "status": DRAFT, "version": 1, "sections": {}, "pledge": None, "snapshot_version": 0, "return_round": 0,
        "region_code": profile["region_code"], "created_at": ctx.now, "updated_at": ctx.now, "created_by": ctx.actor,
    }

    def create(unit: UnitOfWork) -> None:
        if not storage.insert_application(unit, document):
            raise _Moved()
        ctx.history(unit, document, "created", f"创建“{programme.title}”申请（草稿）")

    try:
        ctx.store.transact(create)
    except _Moved:
        existing = storage.find_application(ctx.store.db, enterprise["_id"], programme.id) or {}
        raise already_exists("application.exists",
                             f"本企业已有“{programme.title}”的申请（编号 {existing.get('_id', '')}，"
                             f"状态：{status_label(existing.get('status', ''))}），每家企业每个批次只能申请一次，"
                             "请继续填写该申请") from None
    return document, programme


def application_view(ctx: Context, application_id: str) -> pb.Application:
    application, programme = ctx.application_for_read(application_id, "application")
    owner_view = ctx.caller.role in ("system", "enterprise")
    attachments = storage.live_attachments(ctx.store.db, application["_id"]) if owner_view else []
    return messages.application_message(application, programme, attachments, include_content=owner_view)


def list_applications(ctx: Context, request: pb.ListApplicationsRequest) -> pb.ListApplicationsResponse:
    enterprise_id = list_scope(ctx.caller, request.enterprise_id)
    query: dict[str, Any] = {}
    if enterprise_id:
        query["enterprise_id"] = enterprise_id
    if request.programme_id:
        query["programme_id"] = request.programme_id
    if request.status:
        if request.status not in STATUSES:
            raise invalid("list.status", f"状态“{request.status}”无效，可选：{'、'.join(STATUSES)}",
                          [Violation("status", "unknown_status", f"可选：{'、'.join(STATUSES)}")])
        query["status"] = request.status
    size = min(max(request.page_size or DEFAULT_PAGE_SIZE, 1), MAX_PAGE_SIZE)
    offset = _offset(request.page_token)
    found = storage.list_applications(ctx.store.db, query, offset, size + 1)
    token = str(offset + size) if len(found) > size else ""
    return pb.ListApplicationsResponse(applications=[messages.summary_message(d) for d in found[:size]],
                                       next_page_token=token)


MAX_FIND_SUBMITTED = 1000


def find_submitted(ctx: Context, request: pb.FindSubmittedRequest) -> pb.FindSubmittedResponse:
    """Which of the enterprises have submitted to the programme, from registration's own state."""
    check_services_only(ctx.caller, "FindSubmitted")
    ids = list(dict.fromkeys(i for i in request.enterprise_ids if i))
    if not request.programme_id:
        raise invalid("find_submitted.programme_id", "请指定培育批次（programme_id）",
                      [Violation("programme_id", "required", "批次 ID，例如 hunan-2020-little-giant")])
    if len(ids) > MAX_FIND_SUBMITTED:
        raise invalid("find_submitted.too_many", f"一次最多查询{MAX_FIND_SUBMITTED}家企业，本次{len(ids)}家；请分批查询",
                      [Violation("enterprise_ids", "too_many", f"1 到 {MAX_FIND_SUBMITTED} 个企业 ID")])
    found = storage.submitted_enterprises(ctx.store.db, request.programme_id, ids) if ids else set()
    return pb.FindSubmittedResponse(enterprise_ids=[i for i in ids if i in found])


def _offset(token: str) -> int:
    if not token:
        return 0
    if not token.isdigit() or len(token) > 9:
        raise invalid("list.page_token", "分页标记无效，请使用上一页返回的 next_page_token",
                      [Violation("page_token", "invalid", "无效的分页标记")])
    return int(token)


# --------------------------------------------------------------------------- sections


def save_section(ctx: Context, request: pb.SaveSectionRequest, data: Mapping[str, Any]) -> pb.SaveSectionResponse:
    application, programme = ctx.application_for_write(request.application_id)
    section = programme.section(request.section_id)
    if section is None:
        accepted = "、".join(f"{s.id}（{s.title}）" for s in programme.sections)
        raise invalid("section.unknown", f"本批次没有栏目“{echo(request.section_id, 64)}”；栏目有：{accepted}",
                      [Violation("section_id", "unknown_section", f"可选：{accepted}")])
    check_can_edit(application["status"], Reopened.from_document(application.get("reopened")), "section",
                   section.id, section.title)
    stored, problems = section_input(section, data)
    if problems:
        raise invalid("section.invalid", f"栏目“{section.title}”有{len(problems)}处需要修改，未保存", problems)
    state = {"data": stored, "version": request.expected_version + 1, "saved_at": ctx.now, "saved_by": ctx.actor}

    def save(unit: UnitOfWork) -> dict[str, Any]:
        updated = storage.save_section(unit, application["_id"], section.id, request.expected_version,
                                       tuple(EDITABLE), state, ctx.now, programme.personal_fields.get(section.id, ()))
        if updated is None:
            raise _save_refused(unit, application["_id"], section.id, section.title, request.expected_version)
        ctx.history(unit, updated, "section_saved", f"保存栏目“{section.title}”（第{state['version']}版）",
                    data={"section_id": section.id, "section_version": state["version"]})
        return updated

    updated = ctx.store.transact(save)
    reopened = Reopened.from_document(updated.get("reopened"))
    [section_state] = [s for s in messages.section_states(updated, programme, reopened, True) if s.id == section.id]
    return pb.SaveSectionResponse(
        section=section_state, application_version=updated["version"],
        missing=[pb.Problem(field=v.field, code=v.code, message=v.message) for v in missing_required(section, stored)])


def _save_refused(unit: UnitOfWork, application_id: str, section_id: str, title: str, expected: int) -> Exception:
    """Why the conditional save matched nothing: the section moved on, or the status did."""
    current = storage.get_application(unit.db, application_id, unit.session) or {}
    if current.get("status") not in EDITABLE:
        return precondition("application.not_editable",
                            f"申请当前状态为“{status_label(current.get('status', ''))}”，不能修改栏目“{title}”",
                            [Violation("status", "not_editable", status_label(current.get("status", "")))])
    version = ((current.get("sections") or {}).get(section_id) or {}).get("version", 0)
    return conflict("section.version_conflict",
                    f"栏目“{title}”已被他人保存（当前为第{version}版，您基于第{expected}版修改），"
                    "为避免覆盖，本次修改未保存；请刷新后重新填写")


def completeness(ctx: Context, application_id: str) -> pb.Completeness:
    application, programme = ctx.application_for_read(application_id, "application")
    assessment = _assess(ctx, application, programme)
    return pb.Completeness(
        application_id=application["_id"], complete=assessment.complete, submittable=assessment.submittable,
        problems=[pb.Problem(field=v.field, code=v.code, message=v.message) for v in assessment.problems],
        window_state=assessment.window_state, window_closes_at=programme.window.closes_at.isoformat())


def _assess(ctx: Context, application: dict[str, Any], programme: ProgrammeModel,
            attachments: list[dict[str, Any]] | None = None) -> Completeness:
    counts: dict[str, int] = {}
    if attachments is None:
        attachments = storage.live_attachments(ctx.store.db, application["_id"])
    for attachment in attachments:
        counts[attachment["kind"]] = counts.get(attachment["kind"], 0) + 1
    return assess(programme, application.get("sections") or {}, counts, application.get("pledge"), ctx.now)


# --------------------------------------------------------------------------- the pledge


def sign_pledge(ctx: Context, request: pb.SignPledgeRequest) -> dict[str, Any]:
    application, programme = ctx.application_for_write(request.application_id)
    check_can_edit(application["status"], Reopened.from_document(application.get("reopened")), "pledge", "pledge",
                   programme.pledge_title)
    name, title = check_signer(request.signer_name, request.signer_title)
    pledge = {"signer_name": name, "signer_title": title, "signed_at": iso(ctx.now),
              "text_sha256": pledge_text_hash(programme.pledge_text), "signed_by": ctx.actor}

    def sign(unit: UnitOfWork) -> dict[str, Any]:
        updated = storage.change_application(unit, application["_id"], {"status": application["status"]},
                                             {"pledge": pledge}, ctx.now)
        if updated is None:
            raise conflict("application.changed", "申请状态刚刚发生变化，承诺未签署；请刷新后重试")
        # the signer's name is personal: the history line names them masked (张**), the pledge holds it sealed
        ctx.history(unit, updated, "pledge_signed", f"{mask_name(name)}{('（' + title + '）') if title else ''}签署"
                    f"“{programme.pledge_title}”", data={"text_sha256": pledge["text_sha256"]})
        return updated

    return ctx.store.transact(sign)


# --------------------------------------------------------------------------- submission


def submit(ctx: Context, request: pb.SubmitRequest) -> pb.SubmitResponse:
    application, programme = ctx.application_for_write(request.application_id)
    if application["status"] in SUBMITTED_STATES:
        return _repeated(ctx, application)
    check_status_for_submit(application["status"])
    _check_expected(application, request.expected_version)
    attachments = storage.live_attachments(ctx.store.db, application["_id"])  # read once: assessed, then frozen
    assessment = _assess(ctx, application, programme, attachments)
    if assessment.problems:
        raise refusal(assessment.problems)
    enterprise = ctx.enterprise(application["enterprise_id"])
    snapshot = _snapshot(ctx, application, programme, enterprise, version=1, first_submitted_at=iso(ctx.now),
                         attachments=attachments)
    sealed = _sealed(snapshot, programme)

    def work(unit: UnitOfWork) -> dict[str, Any]:
        updated = storage.change_application(unit, application["_id"], {"status": DRAFT, "version": application["version"]}, {
            "status": SUBMITTED, "snapshot_version": 1, "content_hash": snapshot["content_hash"],
            "first_submitted_at": ctx.now, "last_submitted_at": ctx.now, "programme_version": programme.version,
            "region_code": enterprise["profile"]["region_code"], "enterprise_name": enterprise["profile"]["name"],
        }, ctx.now, current=application)
        if updated is None:
            raise _Moved()
        storage.insert_snapshot(unit, sealed)
        ctx.history(unit, updated, "submitted", f"提交申请（第1版材料，内容摘要 {snapshot['content_hash'][:12]}）",
                    data={"snapshot_version": 1, "content_hash": snapshot["content_hash"]})
        unit.emit_event(pb.ApplicationSubmitted(application=messages.snapshot_message(sealed, sealed=True)),
                        application["_id"])
        return updated

    try:
        updated = ctx.store.transact(work)
    except _Moved:
        return _after_race(ctx, application["_id"])
    return messages.submit_response(updated, snapshot, already=False)


def resubmit(ctx: Context, request: pb.ResubmitRequest) -> pb.SubmitResponse:
    application, programme = ctx.application_for_write(request.application_id)
    round_ = application.get("return_round", 0)
    if round_ and application.get("resubmitted_round") == round_ and application["status"] in SUBMITTED_STATES:
        return _repeated(ctx, application)
    _check_expected(application, request.expected_version)
    resubmit_by = _instant(application.get("resubmit_by"))
    problems = check_resubmit(programme, application["status"], round_, resubmit_by, ctx.now)
    if application["status"] != RETURNED:
        raise precondition("application.not_returned", problems[0].message, problems)
    attachments = storage.live_attachments(ctx.store.db, application["_id"])
    assessment = _assess(ctx, application, programme, attachments)
    problems = [*assessment.missing, *assessment.gates, *problems]
    if problems:
        raise refusal(problems, resubmission=True)
    enterprise = ctx.enterprise(application["enterprise_id"])
    version = application.get("snapshot_version", 0) + 1
    snapshot = _snapshot(ctx, application, programme, enterprise, version=version,
                         first_submitted_at=messages.when(application.get("first_submitted_at")), attachments=attachments)
    snapshot["round"] = round_
    sealed = _sealed(snapshot, programme)

    def work(unit: UnitOfWork) -> dict[str, Any]:
        updated = storage.change_application(
            unit, application["_id"], {"status": RETURNED, "version": application["version"]},
            {"status": RESUBMITTED, "snapshot_version": version, "content_hash": snapshot["content_hash"],
             "last_submitted_at": ctx.now, "resubmitted_round": round_, "programme_version": programme.version,
             "region_code": enterprise["profile"]["region_code"], "enterprise_name": enterprise["profile"]["name"]},
            ctx.now, unset=("reopened",), current=application)
        if updated is None:
            raise _Moved()
        storage.insert_snapshot(unit, sealed)
        ctx.history(unit, updated, "resubmitted",
                    f"第{round_}次退回后重新提交（第{version}版材料，内容摘要 {snapshot['content_hash'][:12]}）",
                    data={"snapshot_version": version, "round": round_, "content_hash": snapshot["content_hash"]})
        unit.emit_event(pb.ApplicationResubmitted(
            application=messages.snapshot_message(sealed, sealed=True), round=round_,
            returned_task_id=application.get("returned_task_id", "")), application["_id"])
        return updated

    try:
        updated = ctx.store.transact(work)
    except _Moved:
        return _after_race(ctx, application["_id"])
    return messages.submit_response(updated, snapshot, already=False)


def _check_expected(application: dict[str, Any], expected: int) -> None:
    if expected and expected != application["version"]:
        raise conflict("application.version_conflict",
                       f"申请已被修改（当前为第{application['version']}版，您查看的是第{expected}版），"
                       "请刷新核对后再提交")


def _instant(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text.replace("Z", "+00:00")) if text else None


def _snapshot(ctx: Context, application: dict[str, Any], programme: ProgrammeModel, enterprise: dict[str, Any], *,
              version: int, first_submitted_at: str, attachments: list[dict[str, Any]]) -> dict[str, Any]:
    sections = {s.id: ((application.get("sections") or {}).get(s.id) or {}).get("data") or {}
                for s in programme.sections}
    return build_snapshot(
        application_id=application["_id"], programme=programme, enterprise=messages.enterprise_snapshot(enterprise),
        sections=sections, attachments=attachments,
        pledge=application.get("pledge"), version=version, submitted_at=iso(ctx.now),
        first_submitted_at=first_submitted_at)


def _sealed(snapshot: dict[str, Any], programme: ProgrammeModel) -> dict[str, Any]:
    """The snapshot as stored and sent: hashed over the clear values first (build_snapshot), then
    its personal values sealed (kernel.personal; CPU only)."""
    return personal.seal_snapshot(field_cipher(), snapshot, programme.personal_fields)


def _repeated(ctx: Context, application: dict[str, Any]) -> pb.SubmitResponse:
    """The answer to a repeated (re)submission: the latest snapshot, no new event."""
    snapshot = storage.get_snapshot(ctx.store.db, application["_id"], application["snapshot_version"])
    if snapshot is None:  # cannot happen: the snapshot is written with the status
        raise not_found("snapshot.not_found", f"申请 {application['_id']} 的提交记录不存在")
    return messages.submit_response(application, snapshot, already=True)


def _after_race(ctx: Context, application_id: str) -> pb.SubmitResponse:
    """A concurrent request changed the application first: if it submitted, that is the answer."""
    current = storage.get_application(ctx.store.db, application_id) or {}
    if current.get("status") in SUBMITTED_STATES and current.get("snapshot_version"):
        return _repeated(ctx, current)
    raise conflict("application.changed", "申请在提交时被修改，未提交；请刷新核对后重新提交")


# --------------------------------------------------------------------------- withdrawal


def withdraw(ctx: Context, request: pb.WithdrawRequest) -> dict[str, Any]:
    application, programme = ctx.application_for_write(request.application_id)
    if application["status"] == WITHDRAWN:
        return application
    reason = check_withdraw(application["status"], request.reason)
    before = application["status"]

    def work(unit: UnitOfWork) -> dict[str, Any]:
        updated = storage.change_application(
            unit, application["_id"], {"status": before, "version": application["version"]},
            {"status": WITHDRAWN, "withdrawn_at": ctx.now, "withdrawn_by": ctx.actor, "withdraw_reason": reason,
             "status_before": before}, ctx.now, unset=("reopened",), current=application)
        if updated is None:
            raise _Moved()
        ctx.history(unit, updated, "withdrawn", f"企业撤回申请（撤回前状态：{status_label(before)}）", reason=reason)
        unit.emit_event(pb.ApplicationWithdrawn(
            application_id=application["_id"], programme_id=programme.id, enterprise_id=application["enterprise_id"],
            reason=reason, withdrawn_at=iso(ctx.now), withdrawn_by=ctx.actor,
            snapshot_version=application.get("snapshot_version", 0), status_before=before), application["_id"])
        return updated

    try:
        return ctx.store.transact(work)
    except _Moved:
        current = storage.get_application(ctx.store.db, application["_id"]) or {}
        if current.get("status") == WITHDRAWN:
            return current
        raise conflict("application.changed",
                       f"申请状态刚刚变为“{status_label(current.get('status', ''))}”，未撤回；请刷新后重试") from None


# --------------------------------------------------------------------------- reading


def snapshot_view(ctx: Context, request: pb.GetSnapshotRequest) -> pb.ApplicationSnapshot:
    application, _ = ctx.application_for_read(request.application_id, "snapshot")
    version = request.snapshot_version or application.get("snapshot_version", 0)
    snapshot = storage.get_snapshot(ctx.store.db, application["_id"], version) if version else None
    if snapshot is None:
        latest = application.get("snapshot_version", 0)
        raise not_found("snapshot.not_found", "申请尚未提交，没有提交版本" if not latest else
                        f"申请没有第{version}版提交材料；已有第1至{latest}版")
    return messages.snapshot_message(snapshot)


def history_view(ctx: Context, application_id: str) -> pb.ListApplicationHistoryResponse:
    application, _ = ctx.application_for_read(application_id, "history")
    return pb.ListApplicationHistoryResponse(
        entries=[messages.history_message(e) for e in storage.history(ctx.store.db, application["_id"])])



# --------------------------------------------------------------------------- erasure (PIPL art. 47)


def erase_personal_data(ctx: Context, request: pb.ErasePersonalDataRequest) -> pb.PersonalDataErased:
    """Erase the enterprise's personal data once every programme's archive period has passed
    (registration/rules/erasure.py); every other service follows registration.personal_data_erased."""
    check_erase(ctx.caller)
    enterprise = ctx.enterprise(request.enterprise_id)
    reason = request.reason.strip()[:500]
    earlier = enterprise.get("personal_data_erased")
    contact = enterprise["profile"]
    if earlier and all(contact.get(k) == personal.ERASED for k in storage.SEALED_PROFILE_FIELDS):
        return _erased_message(enterprise["_id"], earlier)  # repeated: nothing new to erase (not corrected since)
    applications = list(ctx.store.db.applications.find({"enterprise_id": enterprise["_id"]},
                                                       {"_id": 1, "programme_id": 1}))
    programmes = {pid: ctx.directory.programme(pid) for pid in {a["programme_id"] for a in applications}}
    until = check_erasable(contact.get("name", ""), list(programmes.values()), ctx.now)
    record = {"at": ctx.now, "by": ctx.actor, "reason": reason, "archived_until": iso(until) if until else "",
              "application_ids": [a["_id"] for a in applications]}
    fields = {a["_id"]: programmes[a["programme_id"]].personal_fields for a in applications}

    def erase(unit: UnitOfWork) -> None:
        record["application_ids"] = storage.erase_personal_data(unit, enterprise["_id"], fields, record)
        for application_id in record["application_ids"]:
            storage.append_history(unit, {
                "application_id": application_id, "at": ctx.now, "actor": ctx.actor, "role": ctx.caller.role,
                "action": "personal_data_erased", "detail": "档案保存期满，企业的个人信息已删除（申请记录保留）",
                "reason": reason, "version": 0, "data": {"archived_until": record["archived_until"]},
                "client_address": getattr(ctx.caller, "client_address", "")})
        # the act is in registration's hash-chained audit trail (who, when, from where, why), which the
        # system administrator who acts cannot alter and the audit administrator verifies (make audit-verify)
        audit.record(unit, audit.Entry.by(ctx.caller, "personal_data.erased", f"enterprise:{enterprise['_id']}",
                                          reason=reason, details={"applications": len(record["application_ids"]),
                                                                  "archived_until": record["archived_until"]}))
        unit.emit_event(_erased_message(enterprise["_id"], record), enterprise["_id"])

    ctx.store.transact(erase, audited=True)
    log.info("personal data of enterprise %s erased (%d applications) by %s", enterprise["_id"],
             len(record["application_ids"]), ctx.actor)
    return _erased_message(enterprise["_id"], record)


def _erased_message(enterprise_id: str, record: dict[str, Any]) -> pb.PersonalDataErased:
    return pb.PersonalDataErased(
        enterprise_id=enterprise_id, application_ids=record.get("application_ids", []),
        erased_at=iso(record["at"]) if isinstance(record["at"], datetime) else str(record["at"]),
        erased_by=record.get("by", ""), reason=record.get("reason", ""),
        archived_until=record.get("archived_until", ""), erased_marker=personal.ERASED)
