"""Read models and rule results as gRPC messages."""

from __future__ import annotations

from typing import Any

from reporting.rules import operating, statistics
from zjtx.clock import iso
from zjtx_api import reporting_pb2 as pb


def report_message(report: dict[str, Any]) -> pb.Report:
    return pb.Report(
        id=report["_id"], kind=report["kind"], programme_id=report["programme_id"], unit_id=report.get("unit_id", ""),
        application_id=report.get("application_id", ""), format=report["format"], filename=report["filename"],
        title=report.get("title", ""), sha256=report["sha256"], size=int(report["size"]), rows=int(report.get("rows", 0)),
        created_at=iso(report["created_at"]), path=report.get("path", ""), warnings=list(report.get("warnings", [])),
        job_id=report.get("job_id", ""), chart=report.get("chart", ""), media_type=report.get("media_type", ""),
    )


def progress_message(job_id: str, progress: dict[str, Any]) -> pb.ReportProgress:
    return pb.ReportProgress(
        job_id=job_id, stage=progress.get("stage", ""), done=int(progress.get("done", 0)),
        total=int(progress.get("total", 0)), message=progress.get("message", ""),
        reports=[report_message(r) for r in progress.get("reports", [])], finished=bool(progress.get("finished")),
    )


def job_message(job: dict[str, Any]) -> pb.Job:
    return pb.Job(
        id=job["_id"], kind=job["kind"], programme_id=job.get("programme_id", ""), state=job["state"],
        stage=job.get("stage", ""), done=int(job.get("done", 0)), total=int(job.get("total", 0)),
        message=job.get("message", ""), report_ids=list(job.get("report_ids", [])),
        started_at=iso(job["started_at"]), finished_at=iso(job["finished_at"]) if job.get("finished_at") else "",
        error=job.get("error", ""),
    )


def _buckets(buckets: list[statistics.Bucket]) -> list[pb.Bucket]:
    return [pb.Bucket(key=b.key, label=b.label, count=b.count) for b in buckets]


def statistics_message(stats: statistics.Statistics) -> pb.Statistics:
    return pb.Statistics(
        programme_id=stats.programme_id, programme_title=stats.programme_title, as_of=stats.as_of, scope=stats.scope,
        applications=stats.applications, by_status=_buckets(stats.by_status), by_city=_buckets(stats.by_city),
        by_county=_buckets(stats.by_county), by_industry=_buckets(stats.by_industry),
        by_focus_category=_buckets(stats.by_focus_category), by_level=_buckets(stats.by_level),
        submissions_per_day=[pb.DailyCount(date=d.date, count=d.count, cumulative=d.cumulative)
                             for d in stats.submissions_per_day],
        recognition_by_city=[pb.RegionRecognition(
            region_code=r.region_code, region_name=r.region_name, applications=r.applications,
            recommended=r.recommended, recognised=r.recognised, not_recognised=r.not_recognised,
            rate=r.rate, rate_text=r.rate_text) for r in stats.recognition_by_city],
        region_prefix=stats.region_prefix,
    )


def operating_message(stats: operating.OperatingStatistics) -> pb.OperatingStatistics:
    return pb.OperatingStatistics(
        programme_id=stats.programme_id, group_by=stats.group_by, scope=stats.scope, as_of=stats.as_of,
        periods=[pb.OperatingPeriod(key=key, label=label) for key, label in stats.periods],
        rows=[pb.OperatingRow(period=r.period, period_label=r.period_label, key=r.key, label=r.label,
                              reports=r.reports, totals={k: operating.text(v) for k, v in r.totals.items()})
              for r in stats.rows])
