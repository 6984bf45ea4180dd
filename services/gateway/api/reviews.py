"""Reviewers and admins at work: their unit's tasks and decisions, applications in review
and their history, the unit's 推荐汇总表 / 推荐报告 uploads, progress and confirmation."""

from __future__ import annotations

from typing import Any

from gateway.api import guards, streams
from gateway.api.common import body_schema, build, out, rpc, schema
from gateway.routes import STAFF, Context, Download, Registry, Route, Upload, obj, text
from zjtx.errors import not_found
from zjtx_api import review_pb2 as pb

READERS = ("enterprise", "reviewer", "admin")
TASK_STATUS = {"type": "string", "enum": ["open", "passed", "returned", "rejected", "withdrawn", "expired", "escalated",
                                        "all"]}
SUMMARY_KINDS = ["summary_table", "recommendation_report"]


def list_tasks(ctx: Context) -> Any:
    unit_id = ctx.query.get("unit_id") or ctx.who.unit
    guards.view_unit(ctx, unit_id)
    request = pb.ListTasksRequest(unit_id=unit_id, programme_id=ctx.query.get("programme_id", ""),
                                  status=ctx.query.get("status", ""))
    return out(rpc(ctx, "review", "ListTasks", request))


def get_task(ctx: Context) -> Any:
    return out(guards.task_reach(ctx, ctx.path["task_id"]))


def pass_task(ctx: Context) -> Any:
    guards.task_reach(ctx, ctx.path["task_id"], act="审核")
    return out(rpc(ctx, "review", "PassTask", build(pb.PassTaskRequest, ctx.body, task_id=ctx.path["task_id"])))


def return_task(ctx: Context) -> Any:
    guards.task_reach(ctx, ctx.path["task_id"], act="退回")
    return out(rpc(ctx, "review", "ReturnTask", build(pb.ReturnTaskRequest, ctx.body, task_id=ctx.path["task_id"])))


def reject_task(ctx: Context) -> Any:
    guards.task_reach(ctx, ctx.path["task_id"], act="不予通过")
    return out(rpc(ctx, "review", "RejectTask", build(pb.RejectTaskRequest, ctx.body, task_id=ctx.path["task_id"])))


def get_review_record(ctx: Context) -> Any:
    return out(guards.application_reach(ctx, ctx.path["application_id"]))


def list_history(ctx: Context) -> Any:
    guards.application_reach(ctx, ctx.path["application_id"])
    return out(rpc(ctx, "review", "ListHistory", pb.ListHistoryRequest(application_id=ctx.path["application_id"])))


def list_unroutable(ctx: Context) -> Any:
    guards.owner_staff(ctx, ctx.path["programme_id"])
    return out(rpc(ctx, "review", "ListUnroutable", pb.ListUnroutableRequest(programme_id=ctx.path["programme_id"])))


def retry_routing(ctx: Context) -> Any:
    application = rpc(ctx, "review", "GetApplication", pb.GetApplicationRequest(application_id=ctx.path["application_id"]))
    guards.owner_admin(ctx, application.programme_id)
    return out(rpc(ctx, "review", "RetryRouting", pb.RetryRoutingRequest(application_id=ctx.path["application_id"])))


def list_city_recommendations(ctx: Context) -> Any:
    guards.owner_admin(ctx, ctx.path["programme_id"])
    return out(rpc(ctx, "review", "ListCityRecommendations", pb.ListCityRecommendationsRequest(
        programme_id=ctx.path["programme_id"])))


def unit_progress(ctx: Context) -> Any:
    guards.view_unit(ctx, ctx.path["unit_id"])
    ctx.gw.directory.programme(ctx.path["programme_id"])
    return out(rpc(ctx, "review", "GetUnitProgress", pb.UnitProgressRequest(
        programme_id=ctx.path["programme_id"], unit_id=ctx.path["unit_id"])))


def finalise_unit(ctx: Context) -> Any:
    guards.act_in_unit(ctx, ctx.path["unit_id"], "提交")
    ctx.gw.directory.programme(ctx.path["programme_id"])
    return out(rpc(ctx, "review", "FinaliseUnit", pb.UnitProgressRequest(
        programme_id=ctx.path["programme_id"], unit_id=ctx.path["unit_id"])))


def upload_summary(ctx: Context) -> Any:
    programme_id, unit_id = ctx.path["programme_id"], ctx.path["unit_id"]
    guards.act_in_unit(ctx, unit_id, "上传")
    ctx.gw.directory.programme(programme_id)
    limit = int(ctx.gw.config["UPLOAD_LIMIT_BYTES"])
    streams.check_upload_headers(ctx, limit)
    first = pb.SummaryChunk(programme_id=programme_id, unit_id=unit_id, kind=ctx.query.get("kind") or "summary_table",
                            filename=ctx.query["filename"])
    return out(streams.upload(ctx, "review", "UploadSummary", first, lambda data: pb.SummaryChunk(data=data), limit))


def download_summary(ctx: Context) -> Any:
    programme_id, unit_id, file_id = ctx.path["programme_id"], ctx.path["unit_id"], ctx.path["file_id"]
    programme = ctx.gw.directory.programme(programme_id)
    if not (guards.can_view_unit(ctx, unit_id) or guards.is_owner_staff(ctx, programme, ("reviewer", "admin"))):
        guards.view_unit(ctx, unit_id)
    progress = rpc(ctx, "review", "GetUnitProgress", pb.UnitProgressRequest(programme_id=programme_id, unit_id=unit_id))
    uploads = {u.file_id: u for u in progress.uploads}
    if file_id not in uploads:
        raise not_found("summary.not_found", "该单位没有这份上传的文件")
    first, rest = ctx.gw.upstreams.download("review", "DownloadSummary", pb.DownloadSummaryRequest(file_id=file_id),
                                            ctx.identity, ctx.client_address)
    meta = uploads[file_id]
    return streams.download(bytes(first.data), rest, filename=first.filename or meta.filename,
                            media_type=first.media_type or meta.media_type, sha256=first.sha256 or meta.sha256,
                            size=int(meta.size))


def register(r: Registry) -> None:
    task_path = "/api/v1/tasks/{task_id}"
    r.add(Route("GET", "/api/v1/tasks", "listTasks",
                "A unit's review tasks (default: own unit, open ones); admins may list the units below", "review",
                STAFF, list_tasks, response=schema(pb.ListTasksResponse), action_zh="查看审核任务",
                query=obj({"unit_id": {"type": "string", "pattern": "^[a-z0-9-]{1,64}$",
                                       "x-message": "单位编号，如 unit-430400"},
                           "programme_id": {"type": "string", "pattern": "^[a-z0-9-]{1,64}$",
                                            "x-message": "批次编号，如 hunan-2020-little-giant"},
                           "status": TASK_STATUS})))
    r.add(Route("GET", task_path, "getTask", "One task with the application snapshot it reviews", "review", STAFF,
                get_task, response=schema(pb.Task), action_zh="查看审核任务"))
    r.add(Route("POST", f"{task_path}/pass", "passTask", "Pass with an opinion (own unit's task only)", "review", STAFF,
                pass_task, response=schema(pb.DecisionResult), action_zh="审核通过",
                body=obj({"opinion": text(2000, 1)}, required=("opinion",))))
    r.add(Route("POST", f"{task_path}/return", "returnTask",
                "Return for correction, naming each section/attachment and why (own unit's task only)", "review", STAFF,
                return_task, response=schema(pb.DecisionResult), action_zh="退回修改",
                body=body_schema(pb.ReturnTaskRequest, exclude=("task_id",), required=("reasons",), overrides={
                    "reasons": {"type": "array", "minItems": 1, "maxItems": 50, "items": obj({
                        "target_kind": {"type": "string", "enum": ["section", "attachment", "pledge"]},
                        "target": {"type": "string", "maxLength": 64},
                        "reason": text(1000, 1)}, required=("target_kind", "reason"))}}),
                body_limit=1024 * 1024))  # up to 50 reasons of 1,000 characters
    r.add(Route("POST", f"{task_path}/reject", "rejectTask", "Reject with a reason (own unit's task only)", "review",
                STAFF, reject_task, response=schema(pb.DecisionResult), action_zh="不予通过",
                body=obj({"reason": text(2000, 1)}, required=("reason",))))
    app_path = "/api/v1/review/applications/{application_id}"
    r.add(Route("GET", app_path, "getReviewRecord",
                "An application's review record: status, level, unit, score, ranks", "review", READERS,
                get_review_record, response=schema(pb.ReviewApplication), action_zh="查看审核进度"))
    r.add(Route("GET", f"{app_path}/history", "listHistory",
                "Every decision on an application: who, unit, level, when, what, why", "review", READERS,
                list_history, response=schema(pb.ListHistoryResponse), action_zh="查看审核记录"))
    r.add(Route("POST", f"{app_path}/retry-routing", "retryRouting",
                "Route an unroutable application again (admins of the owner)", "final", ("admin",), retry_routing,
                response=schema(pb.ReviewApplication), action_zh="重新分派审核单位"))
    r.add(Route("GET", "/api/v1/programmes/{programme_id}/unroutable", "listUnroutable",
                "Applications no review unit could be found for (owner unit's staff)", "final", STAFF,
                list_unroutable, response=schema(pb.ListUnroutableResponse), action_zh="查看无法分派的申请"))
    r.add(Route("GET", "/api/v1/programmes/{programme_id}/city-recommendations", "listCityRecommendations",
                "推荐库: enterprises city instances recognised and recommend to this programme, with their "
                "application here once they applied (the owner's admins)", "final", ("admin",),
                list_city_recommendations, response=schema(pb.ListCityRecommendationsResponse),
                action_zh="查看推荐库"))
    unit_path = "/api/v1/programmes/{programme_id}/units/{unit_id}"
    r.add(Route("GET", f"{unit_path}/progress", "getUnitProgress",
                "A unit's progress in a programme: open tasks, pending 推荐汇总表, uploads", "review", STAFF,
                unit_progress, response=schema(pb.UnitProgress), action_zh="查看单位审核进度"))
    r.add(Route("POST", f"{unit_path}/finalise", "finaliseUnit",
                "Confirm the unit's recommendations (提交推荐; own unit only)", "review", STAFF, finalise_unit,
                response=schema(pb.UnitProgress), action_zh="提交推荐"))
    r.add(Route("POST", f"{unit_path}/summaries", "uploadSummary",
                "Upload the unit's signed 推荐汇总表 (or 推荐报告) scan, streamed; own unit only", "review", STAFF,
                upload_summary, response=schema(pb.SummaryUpload), status=201, action_zh="上传推荐汇总表",
                upload=Upload(streams.UPLOAD_TYPES, 26214400),
                query=obj({"kind": {"type": "string", "enum": SUMMARY_KINDS},
                           "filename": {"type": "string", "minLength": 1, "maxLength": 200}}, required=("filename",))))
    r.add(Route("GET", f"{unit_path}/summaries/{{file_id}}", "downloadSummary",
                "Download an uploaded 推荐汇总表 scan, streamed", "review", STAFF, download_summary,
                download=Download(streams.UPLOAD_TYPES), action_zh="下载推荐汇总表"))
