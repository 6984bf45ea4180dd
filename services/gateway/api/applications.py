"""An enterprise's applications: draft, sections, completeness, attachments (streamed),
pledge, submit, withdraw, resubmit, snapshots and history. Staff read what was submitted
from their jurisdiction (snapshots, attachments, history), never drafts."""

from __future__ import annotations

from typing import Any

from gateway.api import guards, streams
from gateway.api.common import out, rpc, schema
from gateway.formats import PROFILE_FIELDS
from gateway.routes import Context, Download, Registry, Reply, Route, Upload, obj, text
from gateway.rules.access import check_own_enterprise
from zjtx.errors import DomainError
from zjtx_api import registration_pb2 as pb

ENTERPRISE = ("enterprise",)
READERS = ("enterprise", "reviewer", "admin")
KIND_SCHEMA = {"type": "string", "pattern": "^[a-z][a-z0-9_]{0,63}$",
               "x-message": "附件类别为小写字母、数字和下划线，如 financial_statements"}
VALUE_SCHEMA = {"anyOf": [
    {"type": "string", "maxLength": 20000}, {"type": "number"}, {"type": "boolean"}, {"type": "null"},
    {"type": "array", "maxItems": 100, "items": {"type": "string", "maxLength": 200}},
]}
SECTION_DATA = {"type": "object", "maxProperties": 200, "additionalProperties": VALUE_SCHEMA,
                "propertyNames": {"pattern": "^[a-z][a-z0-9_]{0,63}$"},
                "x-message": "字段编号为小写字母、数字和下划线"}
VERSION = {"type": "integer", "minimum": 0, "maximum": 2**31 - 1}
ATTACHMENT_TYPES = ("application/pdf", "image/jpeg", "image/png")


def own_application(ctx: Context, application_id: str) -> pb.Application:
    """The application, if it is the signed-in enterprise's own."""
    application = rpc(ctx, "registration", "GetApplication", pb.GetApplicationRequest(application_id=application_id))
    check_own_enterprise(ctx.who, application.enterprise_id)
    return application


def readable(ctx: Context, application_id: str) -> None:
    """Its enterprise; staff only for what reached their unit (checked against review's record)."""
    if ctx.who.role == "enterprise":
        own_application(ctx, application_id)
    else:
        guards.application_reach(ctx, application_id)


def update_profile(ctx: Context) -> Any:
    request = pb.UpdateEnterpriseProfileRequest(enterprise_id=ctx.who.enterprise_id)
    body = ctx.body
    request.expected_version = body["expected_version"]
    for name in ("name", "region_code", "industry", "park_id"):
        setattr(request, name, body.get(name, ""))
    request.contact.CopyFrom(pb.Contact(**body.get("contact", {})))
    return out(rpc(ctx, "registration", "UpdateEnterpriseProfile", request))


def create_application(ctx: Context) -> Reply:
    request = pb.CreateApplicationRequest(enterprise_id=ctx.who.enterprise_id, programme_id=ctx.body["programme_id"])
    return Reply(out(rpc(ctx, "registration", "CreateApplication", request)), 201)


def list_applications(ctx: Context) -> Any:
    q = ctx.query
    request = pb.ListApplicationsRequest(enterprise_id=ctx.who.enterprise_id, programme_id=q.get("programme_id", ""),
                                         status=q.get("status", ""), page_size=int(q.get("page_size") or 50),
                                         page_token=q.get("page_token", ""))
    return out(rpc(ctx, "registration", "ListApplications", request))


def get_application(ctx: Context) -> Any:
    return out(own_application(ctx, ctx.path["application_id"]))


def save_section(ctx: Context) -> Any:
    application_id = ctx.path["application_id"]
    own_application(ctx, application_id)
    request = pb.SaveSectionRequest(application_id=application_id, section_id=ctx.path["section_id"],
                                    expected_version=ctx.body.get("expected_version", 0))
    request.data.update(ctx.body["data"])
    return out(rpc(ctx, "registration", "SaveSection", request))


def completeness(ctx: Context) -> Any:
    own_application(ctx, ctx.path["application_id"])
    return out(rpc(ctx, "registration", "GetCompleteness",
                   pb.GetCompletenessRequest(application_id=ctx.path["application_id"])))


def upload_attachment(ctx: Context) -> Reply:
    application_id, kind = ctx.path["application_id"], ctx.query["kind"]
    application = own_application(ctx, application_id)
    limit = int(ctx.gw.config["UPLOAD_LIMIT_BYTES"])
    spec = next((a for a in ctx.gw.directory.programme(application.programme_id).attachments if a.kind == kind), None)
    media_types = tuple(spec.media_types) if spec else ATTACHMENT_TYPES
    if spec is not None and spec.max_bytes:
        limit = min(limit, int(spec.max_bytes))
    streams.check_upload_headers(ctx, limit, media_types)
    header = pb.AttachmentChunk(header=pb.AttachmentHeader(application_id=application_id, kind=kind,
                                                           filename=ctx.query["filename"]))
    return Reply(out(streams.upload(ctx, "registration", "UploadAttachment", header,
                                    lambda data: pb.AttachmentChunk(data=data), limit)), 201)


def list_attachments(ctx: Context) -> Any:
    readable(ctx, ctx.path["application_id"])
    return out(rpc(ctx, "registration", "ListAttachments",
                   pb.ListAttachmentsRequest(application_id=ctx.path["application_id"])))


def remove_attachment(ctx: Context) -> Any:
    own_application(ctx, ctx.path["application_id"])
    return out(rpc(ctx, "registration", "RemoveAttachment", pb.RemoveAttachmentRequest(
        application_id=ctx.path["application_id"], attachment_id=ctx.path["attachment_id"])))


def download_attachment(ctx: Context) -> Any:
    readable(ctx, ctx.path["application_id"])
    request = pb.DownloadAttachmentRequest(application_id=ctx.path["application_id"],
                                           attachment_id=ctx.path["attachment_id"])
    first, rest = ctx.gw.upstreams.download("registration", "DownloadAttachment", request, ctx.identity,
                                            ctx.client_address)
    if not first.HasField("info"):
        raise DomainError("service.error", "企业注册与申报服务没有返回附件信息", [], "upstream")
    info = first.info
    return streams.download(b"", rest, filename=info.filename, media_type=info.media_type, sha256=info.sha256,
                            size=int(info.size))


def sign_pledge(ctx: Context) -> Any:
    own_application(ctx, ctx.path["application_id"])
    request = pb.SignPledgeRequest(application_id=ctx.path["application_id"], signer_name=ctx.body["signer_name"],
                                   signer_title=ctx.body.get("signer_title", ""))
    return out(rpc(ctx, "registration", "SignPledge", request))


def submit(ctx: Context) -> Any:
    own_application(ctx, ctx.path["application_id"])
    return out(rpc(ctx, "registration", "Submit", pb.SubmitRequest(
        application_id=ctx.path["application_id"], expected_version=(ctx.body or {}).get("expected_version", 0))))


def resubmit(ctx: Context) -> Any:
    own_application(ctx, ctx.path["application_id"])
    return out(rpc(ctx, "registration", "Resubmit", pb.ResubmitRequest(
        application_id=ctx.path["application_id"], expected_version=(ctx.body or {}).get("expected_version", 0))))


def withdraw(ctx: Context) -> Any:
    own_application(ctx, ctx.path["application_id"])
    return out(rpc(ctx, "registration", "Withdraw", pb.WithdrawRequest(
        application_id=ctx.path["application_id"], reason=(ctx.body or {}).get("reason", ""))))


def snapshot(ctx: Context) -> Any:
    readable(ctx, ctx.path["application_id"])
    return out(rpc(ctx, "registration", "GetSnapshot", pb.GetSnapshotRequest(
        application_id=ctx.path["application_id"], snapshot_version=int(ctx.query.get("version") or 0))))


def history(ctx: Context) -> Any:
    readable(ctx, ctx.path["application_id"])
    return out(rpc(ctx, "registration", "ListApplicationHistory",
                   pb.ListApplicationHistoryRequest(application_id=ctx.path["application_id"])))


def register(r: Registry) -> None:
    r.add(Route("PUT", "/api/v1/enterprise", "updateMyEnterprise",
                "Change the enterprise's profile (a new version; submitted snapshots keep the old one)", "enterprises",
                ENTERPRISE, update_profile, response=schema(pb.Enterprise), action_zh="修改企业信息",
                body=obj({"expected_version": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1},
                          **PROFILE_FIELDS},  # registration's own profile rules (gateway/formats.py)
                         required=("expected_version", "name", "region_code", "industry", "contact"))))
    base = "/api/v1/applications"
    app = f"{base}/{{application_id}}"
    r.add(Route("POST", base, "createApplication", "Open a draft application to a programme", "applications",
                ENTERPRISE, create_application, status=201, response=schema(pb.Application), action_zh="创建申请",
                body=obj({"programme_id": {"type": "string", "pattern": "^[a-z0-9-]{1,64}$",
                                           "x-message": "批次编号，如 hunan-2020-little-giant"}},
                         required=("programme_id",))))
    r.add(Route("GET", base, "listApplications", "The enterprise's own applications", "applications", ENTERPRISE,
                list_applications, response=schema(pb.ListApplicationsResponse), action_zh="查看申请",
                query=obj({"programme_id": {"type": "string", "pattern": "^[a-z0-9-]{1,64}$"},
                           "status": {"type": "string", "pattern": "^[a-z_]{0,32}$"},
                           "page_size": {"type": "integer", "minimum": 1, "maximum": 200},
                           "page_token": {"type": "string", "pattern": "^[A-Za-z0-9_=-]{0,200}$"}})))
    r.add(Route("GET", app, "getApplication", "One application with its sections, attachments, pledge and status",
                "applications", ENTERPRISE, get_application, response=schema(pb.Application), action_zh="查看申请"))
    r.add(Route("PUT", f"{app}/sections/{{section_id}}", "saveSection",
                "Save one section as a draft (the whole section; expected_version as read)", "applications",
                ENTERPRISE, save_section, response=schema(pb.SaveSectionResponse), action_zh="填写申请",
                path_params={"section_id": {"type": "string", "pattern": "^[a-z][a-z0-9_]{0,63}$",
                                            "x-message": "栏目编号为小写字母、数字和下划线"}},
                body=obj({"data": SECTION_DATA, "expected_version": VERSION}, required=("data",)),
                body_limit=1024 * 1024))  # up to 200 fields, text up to 20,000 characters
    r.add(Route("GET", f"{app}/completeness", "getCompleteness", "What is still missing before submission",
                "applications", ENTERPRISE, completeness, response=schema(pb.Completeness), action_zh="查看申请"))
    r.add(Route("POST", f"{app}/attachments", "uploadAttachment",
                "Upload an attachment, streamed (Content-Type = the file's type; the programme's size limit applies)",
                "applications", ENTERPRISE, upload_attachment, status=201, response=schema(pb.Attachment),
                upload=Upload(ATTACHMENT_TYPES, 26214400), action_zh="上传附件",
                query=obj({"kind": KIND_SCHEMA, "filename": {"type": "string", "minLength": 1, "maxLength": 200}},
                          required=("kind", "filename"))))
    r.add(Route("GET", f"{app}/attachments", "listAttachments", "An application's attachments", "applications",
                READERS, list_attachments, response=schema(pb.ListAttachmentsResponse), action_zh="查看附件"))
    r.add(Route("DELETE", f"{app}/attachments/{{attachment_id}}", "removeAttachment",
                "Remove an attachment (draft, or a kind the reviewer returned)", "applications", ENTERPRISE,
                remove_attachment, response=schema(pb.Application), action_zh="删除附件"))
    r.add(Route("GET", f"{app}/attachments/{{attachment_id}}/file", "downloadAttachment",
                "Download an attachment, streamed", "applications", READERS, download_attachment,
                download=Download(ATTACHMENT_TYPES + ("application/octet-stream",)), action_zh="下载附件"))
    r.add(Route("POST", f"{app}/pledge", "signPledge", "Sign the authenticity pledge (真实性承诺)", "applications",
                ENTERPRISE, sign_pledge, response=schema(pb.Application), action_zh="签署承诺",
                body=obj({"signer_name": text(30, 1), "signer_title": text(30)}, required=("signer_name",))))
    r.add(Route("POST", f"{app}/submit", "submitApplication",
                "Submit: refused with every missing item at once; freezes the snapshot", "applications", ENTERPRISE,
                submit, response=schema(pb.SubmitResponse), action_zh="提交申请",
                body=obj({"expected_version": VERSION})))
    r.add(Route("POST", f"{app}/resubmit", "resubmitApplication",
                "Resubmit after a return, with what the reviewer named corrected", "applications", ENTERPRISE,
                resubmit, response=schema(pb.SubmitResponse), action_zh="重新提交申请",
                body=obj({"expected_version": VERSION})))
    r.add(Route("POST", f"{app}/withdraw", "withdrawApplication", "Withdraw before the final decision",
                "applications", ENTERPRISE, withdraw, response=schema(pb.Application), action_zh="撤回申请",
                body=obj({"reason": text(500)})))
    r.add(Route("GET", f"{app}/snapshot", "getSnapshot",
                "A frozen submitted snapshot (version 0 = the latest)", "applications", READERS, snapshot,
                response=schema(pb.ApplicationSnapshot), action_zh="查看申报材料",
                query=obj({"version": {"type": "integer", "minimum": 0, "maximum": 1000}})))
    r.add(Route("GET", f"{app}/history", "getApplicationHistory",
                "Every change of the application: who, when, what, why", "applications", READERS, history,
                response=schema(pb.ListApplicationHistoryResponse), action_zh="查看申请记录"))
