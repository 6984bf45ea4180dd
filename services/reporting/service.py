"""Reporting service entrypoints (gRPC and events); rules in ``rules/``, storage in
``storage``, report production (the use cases) in ``workflow``."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from nameko import config

from kernel.programme import ProgrammeModel
from reporting import directory, storage, workflow
from reporting.messages import (
    job_message,
    operating_message,
    progress_message,
    report_message,
    statistics_message,
)
from reporting.rules import access, operating, pdf
from reporting.rules.divisions import load_regions
from reporting.rules.events import CONSUMED, ProjectionError, normalise
from reporting.rules.summary import display
from zjtx.clock import now
from zjtx.config import REPO_ROOT
from zjtx.envelope import Envelope
from zjtx.errors import DomainError, invalid, not_found
from zjtx.events import PermanentEventError, consumes, handles
from zjtx.grpc_client import ServiceClient
from zjtx.grpc_support import GrpcOperations, api, caller_of
from zjtx.mongo import Store, UnitOfWork
from zjtx_api import registration_pb2
from zjtx_api import reporting_pb2 as pb
from zjtx_api.reporting_pb2_grpc import ReportingStub
from zjtx_api.review_pb2_grpc import ReviewStub

DOWNLOAD_CHUNK, MAX_CHUNK = 256 * 1024, 4 * 1024 * 1024


# Events: one handler per type in CONSUMED (on_passed, on_application_submitted...), each
# archiving and projecting the event without a transaction, its writes idempotent and its
# inbox record written last (_project; storage.archive_and_apply).
@consumes(*CONSUMED, via="_project", transaction=False)
class ReportingService(GrpcOperations):
    name = "reporting"
    grpc_service_names = ("zjtx.reporting.v1.Reporting",)

    store = Store(indexes=storage.INDEXES, retired=storage.RETIRED_INDEXES)
    review = ServiceClient(ReviewStub, "REVIEW_TARGET")
    cache = directory.Cache()

    # ---- helpers (not entrypoints) ------------------------------------------------------

    def _requester(self, context: Any) -> access.Requester:
        caller = caller_of(context)
        return access.Requester(role=caller.role, unit=caller.unit, enterprise_id=caller.enterprise_id,
                                subject=caller.subject)

    def _context(self, requester: access.Requester, output_dir: str = "") -> workflow.Context:
        root = Path(config.get("REPORTS_ROOT") or REPO_ROOT / "out")
        pdf.use_font(str(config.get("PDF_FONT_FILE") or ""))
        access.check_output_dir(requester, output_dir)
        return workflow.Context(
            db=self.store.db, transact=self.store.transact, now=now, requester=requester,
            regions=load_regions(str(config.get("DIVISIONS_FILE") or "")),
            unit_names=lambda unit_id: directory.unit_name(self.review, self.cache, unit_id),
            reports_root=root, output_dir=workflow.output_directory(root, output_dir),
            font_file=str(config.get("CJK_FONT_FILE") or ""),
            unit_division=lambda unit_id: directory.unit_division(self.review, self.cache, unit_id),
        )

    def _programme(self, programme_id: str) -> ProgrammeModel:
        access.check_programme_id(programme_id)
        return directory.fetch_programme(self.review, self.cache, programme_id.strip())

    def _run(self, ctx: workflow.Context, kind: str, programme_id: str,
             producer: Iterator[dict[str, Any]]) -> Iterator[pb.ReportProgress]:
        """Stream a producer's progress and keep its job record (pollable with GetJob)."""
        requested_by = {"role": ctx.requester.role, "unit": ctx.requester.unit, "subject": ctx.requester.subject}
        job_id = storage.create_job(self.store.db, kind, programme_id, requested_by, now())
        ctx.job_id = job_id
        try:
            for progress in producer:
                storage.update_job(self.store.db, job_id, stage=progress["stage"], done=progress["done"],
                                   total=progress["total"], message=progress["message"])
                yield progress_message(job_id, progress)
        except GeneratorExit:  # the client went away: the run stops with it
            storage.update_job(self.store.db, job_id, state="failed", error="客户端已断开，报表生成已中止", finished_at=now())
            raise
        except Exception as error:
            message = error.message if isinstance(error, DomainError) else f"{type(error).__name__}: {error}"
            storage.update_job(self.store.db, job_id, state="failed", error=message, finished_at=now())
            raise
        storage.update_job(self.store.db, job_id, state="done", finished_at=now())

    def _project(self, unit: UnitOfWork, event: Envelope) -> None:
        envelope = event.to_dict()
        try:
            projected = normalise(envelope)
        except ProjectionError as error:
            raise PermanentEventError(f"reporting cannot apply event {event.id}: {error}") from None
        storage.archive_and_apply(unit, envelope, projected)

    # ---- gRPC ---------------------------------------------------------------------------

    @api(ReportingStub)
    def CountEnterprises(self, request: pb.CountEnterprisesRequest, context: Any) -> pb.CountEnterprisesResponse:
        return pb.CountEnterprisesResponse(count=storage.count_enterprises(self.store.db, request.region_prefix))

    @api(ReportingStub)
    def GetStatistics(self, request: pb.StatisticsRequest, context: Any) -> pb.Statistics:
        programme = self._programme(request.programme_id)
        ctx = self._context(self._requester(context))
        return statistics_message(workflow.compute_statistics(ctx, programme, request.region_prefix))

    @api(ReportingStub)
    def GetSummaryRows(self, request: pb.SummaryRowsRequest, context: Any) -> pb.SummaryRows:
        programme = self._programme(request.programme_id)
        ctx = self._context(self._requester(context))
        spec, rows = workflow.summary_rows(ctx, programme, request.unit_id, request.include_pending)
        limit = max(1, min(request.limit or 1000, 10000))
        total = storage.summary_count(self.store.db, programme.id, request.unit_id, request.include_pending)
        shown = [pb.SummaryRow(application_id=app_id, unit_id=unit, cells=[display(v) for v in cells])
                 for _, (unit, app_id, cells) in zip(range(limit), rows, strict=False)]
        return pb.SummaryRows(title=spec.title, unit_id=request.unit_id, unit_name=spec.unit_name, headers=spec.headers,
                              rows=shown, total=total, truncated=total > len(shown))

    @api(ReportingStub)
    def GenerateReport(self, request: pb.GenerateReportRequest, context: Any) -> Iterator[pb.ReportProgress]:
        kind = request.kind.strip()
        if kind not in workflow.KINDS:
            raise invalid("request.kind", f"报表类型“{kind}”无效；可选：summary_table（推荐汇总表）、charts（统计图）、"
                          "recognition_list（公示/认定名单）、application_pdf（申报书PDF）、"
                          "operating_reports（定期调度汇总）")
        programme = self._programme(request.programme_id)
        ctx = self._context(self._requester(context), request.output_dir)
        producers = {
            "summary_table": lambda: workflow.summary_table(ctx, programme, request.unit_id.strip(), request.include_pending),
            "charts": lambda: workflow.chart_reports(ctx, programme, "", list(request.formats)),
            "recognition_list": lambda: workflow.recognition_list(ctx, programme, request.stage.strip(),
                                                                 list(request.formats)),
            "application_pdf": lambda: workflow.application_pdf(ctx, programme, request.application_id.strip()),
            "operating_reports": lambda: workflow.operating_reports(ctx, programme, request.group_by,
                                                                   list(request.formats)),
        }
        yield from self._run(ctx, kind, programme.id, producers[kind]())

    @api(ReportingStub)
    def GetOperatingStatistics(self, request: pb.OperatingStatisticsRequest, context: Any) -> pb.OperatingStatistics:
        programme = self._programme(request.programme_id)
        ctx = self._context(self._requester(context))
        return operating_message(workflow.operating_statistics(ctx, programme, request.group_by))

    @handles("registration", "registration.operating_report_submitted")
    def on_operating_report_submitted(self, unit: UnitOfWork, event: Envelope) -> None:
        """定期调度: keep the latest version of each report for the aggregates (not archived for a rebuild)."""
        payload = event.payload(registration_pb2.OperatingReportSubmitted)
        if payload.report.kind == "annual_update":  # the yearly data update is not a 定期调度 period
            return
        try:
            document = operating.document(payload.report, event.id)
        except ValueError as error:
            raise PermanentEventError(f"{event.type} {event.id}: {error}") from None
        storage.save_operating_report(unit, document)

    @api(ReportingStub)
    def GetJob(self, request: pb.GetJobRequest, context: Any) -> pb.Job:
        job = storage.get_job(self.store.db, request.job_id)
        requester = self._requester(context)
        if job is None or not workflow.may_see_job(requester, job):
            raise not_found("job.not_found", f"报表任务 {request.job_id} 不存在")
        return job_message(job)

    @api(ReportingStub)
    def GetReport(self, request: pb.GetReportRequest, context: Any) -> pb.Report:
        return report_message(self._visible_report(request.report_id, context))

    @api(ReportingStub)
    def ListReports(self, request: pb.ListReportsRequest, context: Any) -> pb.ListReportsResponse:
        programme = self._programme(request.programme_id)
        query = workflow.report_query(self._requester(context), programme, request.kind.strip(), request.unit_id.strip())
        limit = max(1, min(request.limit or 50, 500))
        return pb.ListReportsResponse(reports=[report_message(r) for r in storage.list_reports(self.store.db, query, limit)])

    @api(ReportingStub)
    def DownloadReport(self, request: pb.DownloadReportRequest, context: Any) -> Iterator[pb.ReportChunk]:
        report = self._visible_report(request.report_id, context)
        size = max(1024, min(request.chunk_size or DOWNLOAD_CHUNK, MAX_CHUNK))
        offset = 0
        for chunk in storage.read_file(self.store.db, report["file_id"], size):
            first = offset == 0
            yield pb.ReportChunk(data=chunk, offset=offset, size=report["size"] if first else 0,
                                 sha256=report["sha256"] if first else "", filename=report["filename"] if first else "",
                                 media_type=report["media_type"] if first else "")
            offset += len(chunk)

    def _visible_report(self, report_id: str, context: Any) -> dict[str, Any]:
        report = storage.get_report(self.store.db, report_id.strip())
        if report is None:
            raise not_found("report.not_found", f"报表 {report_id} 不存在")
        workflow.check_report(self._requester(context), report)
        return report

    @api(ReportingStub)
    def Rebuild(self, request: pb.RebuildRequest, context: Any) -> Iterator[pb.ReportProgress]:
        requester = self._requester(context)
        access.check_rebuild(requester)
        ctx = self._context(requester)
        # the replay's writes stand alone and are idempotent (inserts of documents it rebuilds, rows
        # written compare-and-set), like the handlers': without the driver's retry, which costs the
        # embedded server a scan of its retry records per write (docs/performance.md)
        producer = storage.rebuild(self.store.db, self.store.standalone_db, transact=self.store.transact)
        yield from self._run(ctx, "rebuild", "", producer)

    @api(ReportingStub)
    def ListArchivedEvents(self, request: pb.ListArchivedEventsRequest, context: Any) -> Iterator[pb.ArchivedEvent]:
        access.check_archive(self._requester(context))
        types, since = workflow.archive_query(list(request.types), request.since)
        for envelope in storage.archived_events(self.store.db, types, since):
            yield pb.ArchivedEvent(id=str(envelope["id"]), type=str(envelope["type"]),
                                   envelope_json=json.dumps(envelope, ensure_ascii=False))
