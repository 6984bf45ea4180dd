"""Statistics, 推荐汇总表 rows, generated reports (workbooks, PDFs, charts) and their download.

Who sees what: the owner's admins a whole programme; a unit's staff their unit's table
and figures (the reporting service scopes a reviewer's statistics to its unit); an
enterprise the printable PDF of its own application.
"""

from __future__ import annotations

from typing import Any

from gateway.api import guards, streams
from gateway.api.common import out, rpc, schema
from gateway.routes import STAFF, Context, Download, Registry, Route, obj
from zjtx.errors import forbidden, invalid
from zjtx_api import reporting_pb2 as pb

ID = {"type": "string", "pattern": "^[A-Za-z0-9_-]{1,64}$", "x-message": "编号由字母、数字、下划线或连字符组成"}
KINDS = ["summary_table", "charts", "recognition_list", "application_pdf", "operating_reports"]
GROUPINGS = {"type": "string", "enum": ["", "county", "city", "focus"],
             "x-message": "汇总维度：county（区县）、city（市州）或 focus（培育重点）"}
REPORT_TYPES = ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "application/pdf", "image/png",
                "image/svg+xml", "application/octet-stream")


def statistics(ctx: Context) -> Any:
    programme = ctx.gw.directory.programme(ctx.path["programme_id"])
    prefix = ctx.query.get("region_prefix", "")
    return out(rpc(ctx, "reporting", "GetStatistics", pb.StatisticsRequest(programme_id=programme.id,
                                                                            region_prefix=prefix)))


def operating_statistics(ctx: Context) -> Any:
    """定期调度 sums; reporting scopes a unit's staff to its division (the owner's see the programme)."""
    programme = ctx.gw.directory.programme(ctx.path["programme_id"])
    request = pb.OperatingStatisticsRequest(programme_id=programme.id, group_by=ctx.query.get("group_by", ""))
    return out(rpc(ctx, "reporting", "GetOperatingStatistics", request))


def summary_rows(ctx: Context) -> Any:
    programme_id, unit_id = ctx.path["programme_id"], ctx.query.get("unit_id", "")
    if unit_id:
        programme = ctx.gw.directory.programme(programme_id)
        if not guards.is_owner_staff(ctx, programme, ("reviewer", "admin")):
            guards.view_unit(ctx, unit_id)
    else:
        guards.owner_staff(ctx, programme_id)
    request = pb.SummaryRowsRequest(programme_id=programme_id, unit_id=unit_id,
                                    include_pending=bool(ctx.query.get("include_pending")),
                                    limit=int(ctx.query.get("limit") or 1000))
    return out(rpc(ctx, "reporting", "GetSummaryRows", request))


def check_report_scope(ctx: Context, programme_id: str, kind: str, unit_id: str, application_id: str,
                       generating: bool = False) -> None:
    who = ctx.who
    if kind == "application_pdf" or application_id:
        if not application_id:
            raise invalid("report.application_missing", "生成申请书PDF需要提供 application_id")
        guards.application_reach(ctx, application_id)
        return
    if who.role == "enterprise":
        raise forbidden("forbidden.role", "企业只能生成本企业申请书的PDF")
    programme = ctx.gw.directory.programme(programme_id)
    if guards.is_owner_staff(ctx, programme, ("admin",)):
        return
    if kind == "summary_table" and unit_id:
        guards.view_unit(ctx, unit_id)
        return
    if kind == "operating_reports" and who.role in STAFF:
        if unit_id:  # a stored one, made for that unit's division
            guards.view_unit(ctx, unit_id)
        elif generating:  # reporting scopes it to the caller's division
            return
        elif not guards.is_owner_staff(ctx, programme, STAFF):
            raise forbidden("forbidden.other_programme", f"只有“{programme.title}”主管部门可以查看全批次的调度汇总")
        return
    raise forbidden("forbidden.other_programme", f"只有“{programme.title}”主管部门的管理员可以生成全批次的报表")


def generate(ctx: Context) -> Any:
    programme_id, body = ctx.path["programme_id"], ctx.body
    check_report_scope(ctx, programme_id, body["kind"], body.get("unit_id", ""), body.get("application_id", ""),
                       generating=True)
    request = pb.GenerateReportRequest(programme_id=programme_id, kind=body["kind"], unit_id=body.get("unit_id", ""),
                                       application_id=body.get("application_id", ""), stage=body.get("stage", ""),
                                       include_pending=bool(body.get("include_pending")),
                                       formats=list(body.get("formats", [])), group_by=body.get("group_by", ""))
    last = pb.ReportProgress()
    for progress in ctx.gw.upstreams.stream("reporting", "GenerateReport", request, ctx.identity, ctx.client_address):
        last = progress  # the last message (finished) lists the reports made
    return out(last)


def list_reports(ctx: Context) -> Any:
    programme_id, unit_id = ctx.path["programme_id"], ctx.query.get("unit_id", "")
    programme = ctx.gw.directory.programme(programme_id)
    if not guards.is_owner_staff(ctx, programme, ("admin",)):
        unit_id = unit_id or ctx.who.unit
        guards.view_unit(ctx, unit_id)
    request = pb.ListReportsRequest(programme_id=programme_id, kind=ctx.query.get("kind", ""), unit_id=unit_id,
                                    limit=int(ctx.query.get("limit") or 50))
    return out(rpc(ctx, "reporting", "ListReports", request))


def report_reach(ctx: Context, report_id: str) -> Any:
    report = rpc(ctx, "reporting", "GetReport", pb.GetReportRequest(report_id=report_id))
    check_report_scope(ctx, report.programme_id, report.kind, report.unit_id, report.application_id)
    return report


def get_report(ctx: Context) -> Any:
    return out(report_reach(ctx, ctx.path["report_id"]))


def download_report(ctx: Context) -> Any:
    report = report_reach(ctx, ctx.path["report_id"])
    first, rest = ctx.gw.upstreams.download("reporting", "DownloadReport", pb.DownloadReportRequest(report_id=report.id),
                                            ctx.identity, ctx.client_address)
    return streams.download(bytes(first.data), rest, filename=first.filename or report.filename,
                            media_type=first.media_type or report.media_type, sha256=first.sha256 or report.sha256,
                            size=int(first.size or report.size))


def get_job(ctx: Context) -> Any:
    job = rpc(ctx, "reporting", "GetJob", pb.GetJobRequest(job_id=ctx.path["job_id"]))
    programme = ctx.gw.directory.programme(job.programme_id) if job.programme_id else None
    if programme is not None and guards.is_owner_staff(ctx, programme, ("admin",)):
        return out(job)
    if not job.report_ids:
        raise forbidden("forbidden.other_programme", "只能查看本人有权查看的报表的生成进度")
    for report_id in job.report_ids:  # a run is visible to whoever may see everything it made
        report_reach(ctx, report_id)
    return out(job)


def register(r: Registry) -> None:
    base = "/api/v1/programmes/{programme_id}"
    r.add(Route("GET", f"{base}/statistics", "getStatistics",
                "A programme's figures by status, region, industry, focus category, level and day "
                "(a reviewer's are scoped to its unit)", "reports", STAFF, statistics,
                response=schema(pb.Statistics), action_zh="查看统计",
                query=obj({"region_prefix": {"type": "string", "pattern": "^[0-9]{0,6}$",
                                             "x-message": "区划代码前缀为0到6位数字，如 43、4304"}})))
    r.add(Route("GET", f"{base}/operating-statistics", "getOperatingStatistics",
                "定期调度 operating reports summed per period by 区县, 市州 or 培育重点 (a unit's staff: its division's)",
                "reports", STAFF, operating_statistics, response=schema(pb.OperatingStatistics),
                action_zh="查看调度汇总", query=obj({"group_by": GROUPINGS})))
    r.add(Route("GET", f"{base}/summary-rows", "getSummaryRows",
                "The rows of a 推荐汇总表 as the workbook holds them (a unit's, or programme-wide for the owner)",
                "reports", STAFF, summary_rows, response=schema(pb.SummaryRows), action_zh="查看推荐汇总表",
                query=obj({"unit_id": ID, "include_pending": {"type": "boolean"},
                           "limit": {"type": "integer", "minimum": 1, "maximum": 10000}})))
    r.add(Route("POST", f"{base}/reports", "generateReport",
                "Produce a report (summary_table, charts, recognition_list, application_pdf, operating_reports: "
                "XLSX and trend charts of the 定期调度 sums) and wait for it",
                "reports", ("enterprise", "reviewer", "admin"), generate, response=schema(pb.ReportProgress),
                status=201, action_zh="生成报表",
                body=obj({"kind": {"type": "string", "enum": KINDS}, "unit_id": ID, "application_id": ID,
                          "stage": {"type": "string", "enum": ["", "publicity", "final"]},
                          "include_pending": {"type": "boolean"}, "group_by": GROUPINGS,
                          "formats": {"type": "array", "maxItems": 4, "uniqueItems": True,
                                      "items": {"type": "string", "enum": ["xlsx", "pdf", "png", "svg"]}}},
                         required=("kind",),
                         # an application's PDF names its application (check_report_scope)
                         **{"if": {"properties": {"kind": {"const": "application_pdf"}}, "required": ["kind"]},
                            "then": {"required": ["application_id"]}})))
    r.add(Route("GET", f"{base}/reports", "listReports", "Reports made for a programme (a unit's staff: its unit's)",
                "reports", STAFF, list_reports, response=schema(pb.ListReportsResponse), action_zh="查看报表",
                query=obj({"kind": {"type": "string", "enum": KINDS + ["chart"]}, "unit_id": ID,
                           "limit": {"type": "integer", "minimum": 1, "maximum": 500}})))
    r.add(Route("GET", "/api/v1/reports/{report_id}", "getReport", "One report's record", "reports",
                ("enterprise", "reviewer", "admin"), get_report, response=schema(pb.Report), action_zh="查看报表"))
    r.add(Route("GET", "/api/v1/report-jobs/{job_id}", "getReportJob",
                "A report run's progress (the generate call already waits for it)", "reports",
                ("enterprise", "reviewer", "admin"), get_job, response=schema(pb.Job), action_zh="查看报表生成进度"))
    r.add(Route("GET", "/api/v1/reports/{report_id}/file", "downloadReport", "Download a report file, streamed",
                "reports", ("enterprise", "reviewer", "admin"), download_report, download=Download(REPORT_TYPES),
                action_zh="下载报表"))
