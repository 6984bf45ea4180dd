"""Producing reports: the service layer between the gRPC entrypoints and the rules.

Each producer is a generator of progress dicts (stage, done, total, message; the last
one carries ``reports``), so a long run streams its progress. Files are written to a
temporary directory, stored in GridFS with their SHA-256, recorded in ``reports`` and
announced with ``report.ready`` in one transaction (the outbox), then optionally copied
to an output directory under the service's reports root.
"""

from __future__ import annotations

import shutil
import tempfile
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from pymongo.database import Database

from kernel.divisions import division_within
from kernel.programme import ProgrammeModel
from reporting import storage, table_store
from reporting.rules import access, charts, operating, pdf, statistics, summary, table
from reporting.rules.divisions import Regions
from reporting.rules.xlsx import Layout, TableWriter, progress_step
from zjtx.clock import iso, to_shanghai
from zjtx.errors import forbidden, invalid, not_found, precondition
from zjtx_api import reporting_pb2

KINDS = ("summary_table", "charts", "recognition_list", "application_pdf", "operating_reports")
MEDIA_TYPES = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
               "pdf": "application/pdf", **charts.MEDIA_TYPES}
SIGNATURE_LINE = "单位负责人（签字）：　　　　　　　　　经办人（签字）：　　　　　　　　　联系电话：　　　　　　　　　"
Progress = dict[str, Any]


@dataclass
class Context:
    db: Database
    transact: Callable[[Callable[[Any], Any]], Any]
    now: Callable[[], datetime]
    requester: access.Requester
    regions: Regions
    unit_names: Callable[[str], str]
    reports_root: Path
    output_dir: Path | None = None
    job_id: str = ""
    font_file: str = ""
    unit_division: Callable[[str], str] = lambda unit_id: ""  # a unit's division code ("" unknown)


def output_directory(root: Path, requested: str) -> Path | None:
    """The directory to copy reports to: under the reports root, or refused."""
    if not requested.strip():
        return None
    base = root.resolve()
    target = Path(requested)
    target = (target if target.is_absolute() else base / target).resolve()
    if target != base and base not in target.parents:
        raise invalid("request.output_dir", f"输出目录必须位于报表根目录 {base} 之下（可写相对路径，如 demo）；"
                      f"收到：{requested}")
    return target


def store(ctx: Context, path: Path, meta: dict[str, Any]) -> dict[str, Any]:
    """GridFS + report record + report.ready (one transaction), then the optional copy."""
    fmt = meta["format"]
    file_id, sha256, size = storage.store_file(ctx.db, path, meta["filename"], MEDIA_TYPES[fmt])
    report = {"_id": uuid.uuid4().hex, "unit_id": "", "application_id": "", "rows": 0, "warnings": [], "chart": "",
              **meta, "sha256": sha256, "size": size, "file_id": file_id, "media_type": MEDIA_TYPES[fmt],
              "created_at": ctx.now(), "job_id": ctx.job_id, "path": "",
              "requested_by": {"role": ctx.requester.role, "unit": ctx.requester.unit,
                               "enterprise_id": ctx.requester.enterprise_id, "subject": ctx.requester.subject}}
    event = reporting_pb2.ReportReady(
        report_id=report["_id"], kind=report["kind"], programme_id=report["programme_id"], unit_id=report["unit_id"],
        format=fmt, sha256=sha256, rows=report["rows"], at=iso(report["created_at"]),
        application_id=report["application_id"], filename=report["filename"], title=report["title"], size=size,
        job_id=ctx.job_id)

    def record(unit: Any) -> None:
        storage.insert_report(unit, report)
        unit.emit_event(event, report["programme_id"])

    try:
        ctx.transact(record)
    except Exception:
        storage.delete_file(ctx.db, file_id)
        raise
    if ctx.output_dir is not None:
        ctx.output_dir.mkdir(parents=True, exist_ok=True)
        final = ctx.output_dir / meta["filename"]
        partial = final.with_name(f".{final.name}.partial")
        shutil.copyfile(path, partial)
        partial.replace(final)
        report["path"] = str(final)
        storage.set_report_path(ctx.db, report["_id"], str(final))
    if ctx.job_id:
        storage.add_job_report(ctx.db, ctx.job_id, report["_id"])
    return report


# ---- 推荐汇总表 ----------------------------------------------------------------------------------

def summary_spec(ctx: Context, programme: ProgrammeModel, unit_id: str, draft: bool) -> summary.TableSpec:
    unit_name = ""
    if unit_id:
        unit_name = storage.unit_name_from_documents(ctx.db, programme.id, unit_id) or ctx.unit_names(unit_id) or unit_id
    return summary.table_spec(programme, unit_id, unit_name, to_shanghai(ctx.now()), draft)


def summary_rows(ctx: Context, programme: ProgrammeModel, unit_id: str, include_pending: bool
                 ) -> tuple[summary.TableSpec, Iterator[tuple[str, str, list[summary.Value]]]]:
    """The table's spec and its rows: (recommending unit id, application id, cells)."""
    access.check_summary_table(ctx.requester, programme.owner_unit_id, unit_id)
    spec = summary_spec(ctx, programme, unit_id, include_pending)
    docs = storage.summary_documents(ctx.db, programme.id, unit_id, include_pending)
    return spec, summary.rows_with_units(docs, spec, programme, ctx.unit_names)


def summary_table(ctx: Context, programme: ProgrammeModel, unit_id: str, include_pending: bool) -> Iterator[Progress]:
    """The workbook from the rows the projector keeps (``table_store``), or, for a programme
    whose rows cannot be kept (a park's name in a column), from the read-model documents."""
    access.check_summary_table(ctx.requester, programme.owner_unit_id, unit_id)
    plan = table.plan_of(programme)
    if plan is None:
        yield from summary_table_from_documents(ctx, programme, unit_id, include_pending)
        return
    spec = summary_spec(ctx, programme, unit_id, include_pending)
    yield {"stage": "rows", "done": 0, "total": 0, "message": f"开始生成{spec.title}"}
    if table_store.ensure(ctx.db, plan, ctx.now):
        yield {"stage": "rows", "done": 0, "total": 0, "message": "首次生成该批次的汇总表：已按申报数据准备各行"}
    scope = unit_id or "programme"
    filename = f"{programme.id}_summary_{scope}{'_draft' if include_pending else ''}.xlsx"
    rows = table_store.table_rows(ctx.db, programme.id, unit_id, include_pending)
    written = 0
    with tempfile.TemporaryDirectory(prefix="zjtx-report-") as scratch:
        path = Path(scratch) / filename
        layout = Layout("推荐汇总表", spec.title, spec.unit_line, spec.date_line, spec.headers,
                        summary.column_widths(spec), SIGNATURE_LINE)
        for written in table.write_workbook(path, layout, rows, every=5000):
            yield {"stage": "rows", "done": written, "total": written, "message": f"已写入 {written} 行"}
        report = store(ctx, path, {"kind": "summary_table", "programme_id": programme.id, "unit_id": unit_id,
                                   "owner_unit": programme.owner_unit_id,
                                   "format": "xlsx", "filename": filename, "title": spec.title, "rows": written})
    yield finished([report], f"{spec.title}已生成（{written} 行）")


def summary_table_from_documents(ctx: Context, programme: ProgrammeModel, unit_id: str,
                                 include_pending: bool) -> Iterator[Progress]:
    """Written from the read-model documents (openpyxl): the way for columns a row cannot keep."""
    spec, rows = summary_rows(ctx, programme, unit_id, include_pending)
    total = storage.summary_count(ctx.db, programme.id, unit_id, include_pending)
    yield {"stage": "rows", "done": 0, "total": total, "message": f"开始生成{spec.title}，共 {total} 行"}
    scope = unit_id or "programme"
    filename = f"{programme.id}_summary_{scope}{'_draft' if include_pending else ''}.xlsx"
    with tempfile.TemporaryDirectory(prefix="zjtx-report-") as scratch:
        path = Path(scratch) / filename
        writer = TableWriter(path, Layout("推荐汇总表", spec.title, spec.unit_line, spec.date_line, spec.headers,
                                          summary.column_widths(spec), SIGNATURE_LINE))
        for written in writer.write((cells for _, _, cells in rows), every=progress_step(total)):
            yield {"stage": "rows", "done": written, "total": total, "message": f"已写入 {written}/{total} 行"}
        report = store(ctx, path, {"kind": "summary_table", "programme_id": programme.id, "unit_id": unit_id,
                                   "owner_unit": programme.owner_unit_id,
                                   "format": "xlsx", "filename": filename, "title": spec.title, "rows": writer.rows})
    yield finished([report], f"{spec.title}已生成（{writer.rows} 行）")


def finished(reports: list[dict[str, Any]], message: str) -> Progress:
    return {"stage": "done", "done": len(reports), "total": len(reports), "message": message, "reports": reports,
            "finished": True}


# ---- statistics and charts ---------------------------------------------------------------------

def compute_statistics(ctx: Context, programme: ProgrammeModel, region_prefix: str) -> statistics.Statistics:
    scope = access.statistics_scope(ctx.requester, programme.owner_unit_id)
    groups, listed = storage.statistics_groups(ctx.db, programme.id, scope, region_prefix)
    return statistics.compute(groups, listed, programme, ctx.regions, iso(ctx.now()), scope,
                              storage.digits(region_prefix))


def chart_reports(ctx: Context, programme: ProgrammeModel, region_prefix: str, formats: list[str]) -> Iterator[Progress]:
    formats = check_formats(formats, ("png", "svg"))
    stats = compute_statistics(ctx, programme, region_prefix)
    total = len(charts.CHARTS) * len(formats)
    yield {"stage": "render", "done": 0, "total": total, "message": f"开始绘制统计图，共 {total} 个文件"}
    made: list[dict[str, Any]] = []
    scope = "" if stats.scope == "programme" else f"_{stats.scope}"
    with tempfile.TemporaryDirectory(prefix="zjtx-charts-") as scratch:
        for chart in charts.render(stats, charts.CHARTS, formats, ctx.font_file):
            filename = f"{programme.id}_chart_{chart.name}{scope}.{chart.format}"
            path = Path(scratch) / filename
            path.write_bytes(chart.data)
            made.append(store(ctx, path, {
                "kind": "chart", "programme_id": programme.id, "owner_unit": programme.owner_unit_id,
                "unit_id": "" if not scope else stats.scope,
                "format": chart.format, "filename": filename, "title": f"{programme.title}{chart.title}",
                "chart": chart.name, "warnings": chart.warnings, "rows": stats.applications}))
            yield {"stage": "render", "done": len(made), "total": total, "message": f"已绘制{chart.title}（{chart.format}）"}
    problems = sorted({w for r in made for w in r["warnings"]})
    note = f"；字体警告 {len(problems)} 条" if problems else "，中文字形完整"
    yield finished(made, f"统计图已生成（{len(made)} 个文件{note}）")


def check_formats(formats: list[str], accepted: tuple[str, ...]) -> list[str]:
    chosen = [f.strip().lower() for f in formats if f.strip()] or list(accepted)
    wrong = [f for f in chosen if f not in accepted]
    if wrong:
        raise invalid("request.formats", f"不支持的格式：{'、'.join(wrong)}；可选：{'、'.join(accepted)}")
    return list(dict.fromkeys(chosen))


# ---- 定期调度 aggregates ------------------------------------------------------------------------------

def operating_scope(ctx: Context, programme: ProgrammeModel) -> tuple[str, str]:
    """("programme" | the unit, "" | the division its reports are limited to)."""
    scope = access.statistics_scope(ctx.requester, programme.owner_unit_id)
    if scope == "programme":
        return scope, ""
    division = ctx.unit_division(scope)
    if not division:
        raise forbidden("access.statistics", f"未知的审核单位（{scope}），无权查看调度汇总")
    return scope, division


def operating_statistics(ctx: Context, programme: ProgrammeModel, group_by: str) -> operating.OperatingStatistics:
    chosen = operating.check_grouping(group_by)
    _, division = operating_scope(ctx, programme)
    reports = [r for r in storage.operating_reports(ctx.db, programme.id)
               if not division or division_within(r.get("region_code", ""), division)]
    rows = operating.aggregate(reports, chosen, ctx.regions, programme.focus_titles)
    return operating.OperatingStatistics(programme.id, programme.title, chosen, division,
                                         operating.periods_of(rows), rows, iso(ctx.now()))


def operating_reports(ctx: Context, programme: ProgrammeModel, group_by: str, formats: list[str]) -> Iterator[Progress]:
    """The aggregates as an XLSX table and the trend chart (PNG, SVG), each stored like every report."""
    formats = check_formats(formats, ("xlsx", "png", "svg"))
    scope, _ = operating_scope(ctx, programme)
    stats = operating_statistics(ctx, programme, group_by)
    grouping = operating.GROUPINGS[stats.group_by]
    title = f"{programme.title}定期调度汇总（按{grouping}）"
    suffix = f"_{stats.group_by}" + ("" if scope == "programme" else f"_{scope}")
    meta = {"kind": "operating_reports", "programme_id": programme.id, "owner_unit": programme.owner_unit_id,
            "unit_id": "" if scope == "programme" else scope, "rows": len(stats.rows)}
    subtitle = f"{programme.title}　截至{pdf.beijing(stats.as_of)}" + (
        f"　范围：{ctx.regions.name(stats.scope)}" if stats.scope else "")
    yield {"stage": "render", "done": 0, "total": len(formats), "message": f"开始生成{title}"}
    made: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="zjtx-operating-") as scratch:
        if "xlsx" in formats:
            headers, widths, rows = operating.table(stats)
            path = Path(scratch) / f"{programme.id}_operating{suffix}.xlsx"
            writer = TableWriter(path, Layout("调度汇总", title, subtitle, summary.chinese_date(to_shanghai(ctx.now())),
                                              headers, widths))
            for _ in writer.write(rows, every=progress_step(len(rows))):
                pass
            made.append(store(ctx, path, {**meta, "format": "xlsx", "filename": path.name, "title": title}))
            yield {"stage": "render", "done": len(made), "total": len(formats), "message": f"已生成{title}（xlsx）"}
        images = [f for f in formats if f != "xlsx"]
        if images:
            drawn = charts.render_drawn("operating", f"定期调度主要指标走势（按{grouping}）",
                                        lambda: operating.draw(stats, subtitle, charts.figure), images, ctx.font_file)
            for chart in drawn:
                path = Path(scratch) / f"{programme.id}_operating_chart{suffix}.{chart.format}"
                path.write_bytes(chart.data)
                made.append(store(ctx, path, {**meta, "format": chart.format, "filename": path.name,
                                              "title": f"{programme.title}{chart.title}", "chart": chart.name,
                                              "warnings": chart.warnings}))
                yield {"stage": "render", "done": len(made), "total": len(formats),
                       "message": f"已绘制{chart.title}（{chart.format}）"}
    problems = sorted({w for r in made for w in r.get("warnings", [])})
    note = f"；字体警告 {len(problems)} 条" if problems else ""
    yield finished(made, f"{title}已生成（{len(stats.rows)} 行，{len(made)} 个文件{note}）")


# ---- the recognition list (公示 and publication) ----------------------------------------------------

def recognition_documents(ctx: Context, programme: ProgrammeModel, stage: str) -> tuple[str, list[dict[str, Any]]]:
    if stage not in ("", "publicity", "final"):
        raise invalid("request.stage", f"名单阶段“{stage}”无效；可选：publicity（公示名单）、final（认定名单），或留空")
    recognised = list(storage.recognised_documents(ctx.db, programme.id)) if stage in ("", "final") else []
    if stage == "final" or (stage == "" and recognised):
        if not recognised:
            raise precondition("recognition.not_published",
                               f"培育批次 {programme.id} 尚未发布认定结果；公示期内可生成公示名单（stage=publicity）")
        return "final", recognised
    listed = storage.programme_document(ctx.db, programme.id).get("publicity_ids") or []
    if not listed:
        raise precondition("recognition.no_publicity", f"培育批次 {programme.id} 尚未开始公示，暂无拟认定企业名单")
    return "publicity", storage.publicity_documents(ctx.db, programme.id, listed)


def recognition_list(ctx: Context, programme: ProgrammeModel, stage: str, formats: list[str]) -> Iterator[Progress]:
    access.check_role(ctx.requester)
    formats = check_formats(formats, ("xlsx", "pdf"))
    stage, docs = recognition_documents(ctx, programme, stage)
    today = to_shanghai(ctx.now())
    programme_doc = storage.programme_document(ctx.db, programme.id)
    if stage == "final":
        title = f"{programme.title}认定企业名单"
        published = max((d.get("published_at", "") for d in docs), default="")
        subtitle = f"发布日期：{pdf.beijing_date(published) or summary.chinese_date(today)}　共 {len(docs)} 家"
    else:
        title = f"{programme.title}拟认定企业名单（公示）"
        subtitle = (f"公示期：{pdf.beijing(programme_doc.get('publicity_opens_at', ''))} 至 "
                    f"{pdf.beijing(programme_doc.get('publicity_closes_at', ''))}　共 {len(docs)} 家")
    headers = ["序号", "企业名称", "统一社会信用代码", "所属地区", "所属行业", "推荐单位"]
    widths = [6.0, 34.0, 22.0, 22.0, 22.0, 26.0]
    if programme.has_rubric:
        headers.append("评价得分")
        widths.append(10.0)
    rows = [recognition_row(i, d, programme) for i, d in enumerate(docs, start=1)]
    yield {"stage": "rows", "done": 0, "total": len(rows) * len(formats), "message": f"开始生成{title}"}
    made = []
    closing = f"{programme.owner_name}　　{summary.chinese_date(today)}"
    with tempfile.TemporaryDirectory(prefix="zjtx-list-") as scratch:
        for fmt in formats:
            filename = f"{programme.id}_recognition_{stage}.{fmt}"
            path = Path(scratch) / filename
            if fmt == "xlsx":
                writer = TableWriter(path, Layout("认定名单" if stage == "final" else "公示名单", title, subtitle,
                                                  closing, headers, widths))
                for _ in writer.write(rows, every=progress_step(len(rows))):
                    pass
            else:
                pdf.write_list(path, title, subtitle, headers, rows, widths, closing)
            made.append(store(ctx, path, {"kind": "recognition_list", "programme_id": programme.id, "format": fmt,
                                          "owner_unit": programme.owner_unit_id,
                                          "filename": filename, "title": title, "rows": len(rows)}))
            yield {"stage": "rows", "done": len(rows) * len(made), "total": len(rows) * len(formats),
                   "message": f"已生成{title}（{fmt}）"}
    yield finished(made, f"{title}已生成（{len(rows)} 家）")


def recognition_row(number: int, doc: dict[str, Any], programme: ProgrammeModel) -> list[summary.Value]:
    row: list[summary.Value] = [number, doc.get("enterprise_name", ""), doc.get("uscc", ""),
                                doc.get("region_name", ""), doc.get("industry", ""), doc.get("rec_unit_name", "")]
    if programme.has_rubric:
        row.append(summary.field_value(None, doc.get("recognition_score")) if doc.get("recognition_score") else None)
    return row


# ---- the paper copy of an application ------------------------------------------------------------

def application_pdf(ctx: Context, programme: ProgrammeModel, application_id: str) -> Iterator[Progress]:
    if not application_id.strip():
        raise invalid("request.application_id", "请填写申报编号（application_id）")
    doc = storage.application(ctx.db, application_id)
    if doc is None or not doc.get("submitted"):
        raise not_found("application.not_found", f"申报 {application_id} 不存在或尚未提交（统计服务尚未收到其提交快照）")
    if doc.get("programme_id") != programme.id:
        raise invalid("request.application_id", f"申报 {application_id} 属于培育批次 {doc.get('programme_id')}，"
                      f"不属于 {programme.id}")
    access.check_application(ctx.requester, programme.owner_unit_id, doc.get("enterprise_id", ""), doc.get("unit_ids", []))
    yield {"stage": "render", "done": 0, "total": 1, "message": f"开始生成{doc.get('enterprise_name', '')}的申报书"}
    filename = f"{programme.id}_application_{doc.get('uscc') or 'unknown'}_{application_id[:12]}.pdf"
    with tempfile.TemporaryDirectory(prefix="zjtx-pdf-") as scratch:
        path = Path(scratch) / filename
        pages = pdf.write_application(path, programme, doc, ctx.now())
        report = store(ctx, path, {"kind": "application_pdf", "programme_id": programme.id,
                                   "owner_unit": programme.owner_unit_id, "enterprise_id": doc.get("enterprise_id", ""),
                                   "unit_ids": list(doc.get("unit_ids", [])),
                                   "application_id": application_id, "format": "pdf", "filename": filename,
                                   "title": f"{doc.get('enterprise_name', '')}申报书", "rows": pages})
    yield finished([report], f"申报书已生成（{pages} 页）")


# ---- who may see stored reports and runs ------------------------------------------------------------

def check_report(requester: access.Requester, report: dict[str, Any]) -> None:
    """The same rule as for producing the report, from what the report record says."""
    owner = report.get("owner_unit", "")
    kind = report["kind"]
    if kind == "summary_table":
        access.check_summary_table(requester, owner, report.get("unit_id", ""))
    elif kind in ("chart", "operating_reports"):
        scope = access.statistics_scope(requester, owner)
        if scope != "programme" and scope != report.get("unit_id"):
            raise forbidden("access.statistics", "无权查看该统计图：审核单位只能查看本单位范围的统计图")
    elif kind == "application_pdf":
        access.check_application(requester, owner, report.get("enterprise_id", ""), report.get("unit_ids", []))
    else:
        access.check_role(requester)


def report_query(requester: access.Requester, programme: ProgrammeModel, kind: str, unit_id: str) -> dict[str, Any]:
    query: dict[str, Any] = {"programme_id": programme.id}
    if kind:
        query["kind"] = kind
    if not access.sees_programme(requester, programme.owner_unit_id):
        if requester.role not in access.STAFF:
            raise forbidden("access.reports", "无权列出该培育批次的报表；企业可凭报表编号下载本企业的申报书")
        if unit_id and unit_id != requester.unit:
            raise forbidden("access.reports", f"审核单位只能列出本单位（{requester.unit}）的报表")
        unit_id = requester.unit
    if unit_id:
        query["unit_id"] = unit_id
    return query


def may_see_job(requester: access.Requester, job: dict[str, Any]) -> bool:
    by = job.get("requested_by") or {}
    return requester.role in access.ALL_SEEING or (
        by.get("role") == requester.role and by.get("subject", "") == requester.subject and
        by.get("unit", "") == requester.unit)


def archive_query(types: list[str], since: str) -> tuple[list[str], datetime | None]:
    """Check what a backfill asks of the archive: event types reporting consumes (only those
    are archived) and an optional ISO 8601 start."""
    from reporting.rules.events import CONSUMED

    wanted = sorted({t.strip() for t in types if t.strip()})
    if not wanted:
        raise invalid("request.types", f"请至少指定一种事件类型；可选：{'、'.join(sorted(CONSUMED))}")
    unknown = [t for t in wanted if t not in CONSUMED]
    if unknown:
        raise invalid("request.types", f"报表服务未存档这些事件类型：{'、'.join(unknown)}；"
                      f"可补发的类型：{'、'.join(sorted(CONSUMED))}")
    if not since.strip():
        return wanted, None
    try:
        start = datetime.fromisoformat(since.strip().replace("Z", "+00:00"))
    except ValueError:
        raise invalid("request.since", f"起始时间“{since}”无效；请使用 ISO 8601 格式，如 2020-05-01T00:00:00Z") from None
    if start.tzinfo is None:
        raise invalid("request.since", f"起始时间“{since}”缺少时区；请写明，如 2020-05-01T00:00:00Z 或 +08:00")
    return wanted, start
