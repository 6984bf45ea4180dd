"""Reporting on the real broker and database: events in, workbooks, figures, charts and PDFs out.

One programme scenario (Hunan 2020) is published once per module as registration and
review publish it, to their exchanges: recommendations in two units (one returned and
corrected first), one passed but not yet recommended, one rejected, one withdrawn, one
only submitted; then the 公示 and the recognition results.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import grpc
import pytest
from kombu import Connection, Exchange, Queue
from openpyxl import load_workbook
from pymongo import MongoClient
from pypdf import PdfReader

from harness import rabbit
from harness.clients import domain_error, org_body
from harness.reporting_events import Applicant, programme_event
from harness.wait import until
from kernel.programme import programme_from_message as from_message
from kernel.uscc import make_uscc
from reporting import storage
from reporting.rules import summary
from zjtx.clock import set_clock_file
from zjtx.config import REPO_ROOT
from zjtx.up import Suite
from zjtx_api import reporting_pb2 as pb
from zjtx_api import reporting_pb2_grpc, review_pb2, review_pb2_grpc

PROGRAMME = "hunan-2020-little-giant"
NOW = "2020-05-20T10:00:00+08:00"
XIANGXI = ("433101", "湖南省 湘西土家族苗族自治州 吉首市", "unit-433100", "湘西土家族苗族自治州工业和信息化局")
YONGZHOU = ("431102", "湖南省 永州市 零陵区", "unit-431100", "永州市工业和信息化局")
T0 = datetime(2020, 5, 1, 1, 0, tzinfo=timezone.utc)
DEADLINE = 120.0


def caller(role: str, unit: str = "", enterprise_id: str = "", subject: str = "") -> tuple[tuple[str, str], ...]:
    return (("x-zjtx-caller", json.dumps({"role": role, "unit": unit, "enterprise_id": enterprise_id,
                                          "subject": subject or f"{role}-1"})),)


class Scenario:
    def __init__(self) -> None:
        token = uuid.uuid4().hex[:6]
        self.apps: dict[str, Applicant] = {}
        plan = [("A1", XIANGXI), ("A2", XIANGXI), ("A3", XIANGXI), ("A4", XIANGXI), ("D", XIANGXI), ("C", XIANGXI),
                ("B1", YONGZHOU), ("B2", YONGZHOU), ("E", YONGZHOU), ("F", XIANGXI), ("G", YONGZHOU)]
        industries = (("C35", "专用设备制造业"), ("C39", "计算机、通信和其他电子设备制造业"), ("I65", "软件和信息技术服务业"))
        for index, (label, (county, region, unit_id, unit_name)) in enumerate(plan):
            uscc = make_uscc("9", "1", county, org_body("R"))
            code, industry = industries[index % 3]
            self.apps[label] = Applicant(index, PROGRAMME, uscc, f"{region.split()[-1]}{label}报表验证{token}有限公司",
                                         county, region, unit_id, unit_name, code, industry,
                                         ("manufacturing_chain", "new_infrastructure")[index % 2])
        self.events = list(self._events())
        self.publicity = [self.apps[k].application_id for k in ("A1", "A2", "B1", "A4")]

    def at(self, hours: float) -> datetime:
        return T0 + timedelta(hours=hours)

    def _events(self) -> Iterator[dict[str, Any]]:
        a = self.apps
        for n, label in enumerate(a):
            yield a[label].submitted(self.at(24 * (n % 4) + n))
        for label in ("A1", "A2", "A3", "A4", "C", "B1", "B2", "E", "F", "D"):
            yield a[label].task_opened(self.at(100), f"t-{a[label].application_id}")
        yield a["D"].returned(self.at(101), f"t-{a['D'].application_id}")
        yield a["D"].resubmitted(self.at(102), 1, f"t-{a['D'].application_id}")
        yield a["D"].task_opened(self.at(103), f"t2-{a['D'].application_id}", round_number=1)
        for label in ("A1", "A2", "A3", "A4", "C", "B1", "B2"):
            yield a[label].passed(self.at(110), f"t-{a[label].application_id}", opinion=f"{label}材料真实完整，同意推荐")
        yield a["D"].passed(self.at(111), f"t2-{a['D'].application_id}", opinion="D整改后材料完整，同意推荐")
        yield a["E"].rejected(self.at(110), f"t-{a['E'].application_id}")
        yield a["F"].withdrawn(self.at(105))
        # published in an order unlike the ranks: the table follows 推荐顺序
        for label, rank in (("A3", 3), ("D", 5), ("A1", 1), ("A4", 4), ("A2", 2), ("B2", 2), ("B1", 1)):
            task = f"t2-{a[label].application_id}" if label == "D" else f"t-{a[label].application_id}"
            yield a[label].recommended(self.at(120), task, rank, opinion=f"{label}同意推荐")
        yield programme_event("review.publicity_opened", PROGRAMME, {
            "application_ids": [a[k].application_id for k in ("A1", "A2", "B1", "A4")],
            "opens_at": "2020-05-20T00:00:00Z", "closes_at": "2020-05-27T00:00:00Z"}, self.at(300))
        yield a["A1"].recognition(self.at(400), True, 1)
        yield a["B1"].recognition(self.at(400), True, 2)
        yield a["A2"].recognition(self.at(400), False)

    def ids(self, *labels: str) -> list[str]:
        return [self.apps[label].application_id for label in labels]


def publish(amqp_uri: str, event: dict[str, Any]) -> None:
    rabbit.publish(amqp_uri, f"{event['source']}.events", event["type"], event)


def stub(channels: dict[str, grpc.Channel]) -> reporting_pb2_grpc.ReportingStub:
    return reporting_pb2_grpc.ReportingStub(channels["reporting"])


def statistics(channels: dict[str, grpc.Channel]) -> pb.Statistics:
    return stub(channels).GetStatistics(pb.StatisticsRequest(programme_id=PROGRAMME), timeout=30)


@pytest.fixture(scope="module")
def clock(clock_file: Path) -> Iterator[None]:
    set_clock_file(clock_file, NOW)
    yield
    set_clock_file(clock_file, "")


@pytest.fixture(scope="module")
def scenario(suite: Suite, channels: dict[str, grpc.Channel], mongo: MongoClient, amqp_uri: str,
             clock: None) -> Iterator[Scenario]:
    chosen = Scenario()
    chosen.baseline = statistics(channels)  # type: ignore[attr-defined]
    for event in chosen.events:
        publish(amqp_uri, event)
    # G is only submitted: the review service, which consumes the same events, may open its task
    expected = {"A1": "recognised", "B1": "recognised", "A2": "not_recognised", "A3": "recommended",
                "A4": "recommended", "D": "recommended", "B2": "recommended", "C": "passed", "E": "rejected",
                "F": "withdrawn", "G": "submitted|in_review"}

    def projected() -> bool:
        docs = {d["_id"]: d["status"] for d in mongo.zjtx_reporting.applications.find(
            {"_id": {"$in": chosen.ids(*expected)}}, {"status": 1})}
        return all(docs.get(chosen.apps[k].application_id) in v.split("|") for k, v in expected.items()) and bool(
            mongo.zjtx_reporting.programmes.find_one({"_id": PROGRAMME, "publicity_ids": chosen.publicity[0]}))

    until(projected, timeout=90, interval=0.3, what="reporting's projection of the scenario")
    settled(mongo, chosen)
    yield chosen


def settled(mongo: MongoClient, chosen: Scenario) -> None:
    """Wait until review's own reactions to the scenario (task_opened...) have arrived too."""
    seen: list[int] = []

    def stable() -> bool:
        seen.append(mongo.zjtx_reporting.event_archive.count_documents({"subject": {"$in": chosen.ids(*chosen.apps)}}))
        return len(seen) >= 3 and seen[-1] == seen[-3]

    until(stable, timeout=60, interval=1.0, what="the scenario's events to settle")


def generate(channels: dict[str, grpc.Channel], metadata: tuple[tuple[str, str], ...] = (),
             **fields: Any) -> list[pb.ReportProgress]:
    request = pb.GenerateReportRequest(programme_id=PROGRAMME, **fields)
    return list(stub(channels).GenerateReport(request, timeout=DEADLINE, metadata=metadata))


def download(channels: dict[str, grpc.Channel], report: pb.Report,
             metadata: tuple[tuple[str, str], ...] = ()) -> bytes:
    chunks = list(stub(channels).DownloadReport(pb.DownloadReportRequest(report_id=report.id, chunk_size=4096),
                                                timeout=DEADLINE, metadata=metadata))
    data = b"".join(c.data for c in chunks)
    assert chunks[0].sha256 == report.sha256 == hashlib.sha256(data).hexdigest()
    assert chunks[0].size == len(data) == report.size and chunks[0].filename == report.filename
    return data


def sheet_rows(data: bytes) -> list[tuple[Any, ...]]:
    return list(load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))


def columns(channels: dict[str, grpc.Channel]) -> list[str]:
    programme = review_pb2_grpc.ReviewStub(channels["review"]).GetProgramme(
        review_pb2.GetProgrammeRequest(programme_id=PROGRAMME), timeout=15)
    return [c.title for c in programme.summary_table_columns]


def pdf_text(data: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages).replace("\n", "")


def error_of(call: Any) -> Any:
    with pytest.raises(grpc.RpcError) as caught:
        call()
    return caught.value


# ---- 推荐汇总表 -----------------------------------------------------------------------------------

def test_unit_workbook_has_title_rows_headers_and_one_row_per_recommendation_in_order(
        scenario: Scenario, channels: dict[str, grpc.Channel], amqp_uri: str) -> None:
    with Connection(amqp_uri) as connection:
        ready = Queue(f"test-report-ready-{uuid.uuid4().hex[:8]}", Exchange("reporting.events", type="topic", durable=True),
                      routing_key="report.ready", exclusive=True)
        ready(connection.channel()).declare()
        progress = generate(channels, kind="summary_table", unit_id=XIANGXI[2])
        final = progress[-1]
        assert final.finished and len(final.reports) == 1 and final.job_id
        assert [p.stage for p in progress[:-1]] == ["rows"] * (len(progress) - 1) and len(progress) >= 3
        assert progress[-2].done == progress[-2].total == 5
        report = final.reports[0]
        rows = sheet_rows(download(channels, report))
        # the outbox relay publishes after the commit: wait for it rather than race it
        bound = ready(connection.channel())
        announced = until(lambda: bound.get(no_ack=True), timeout=30, what="report.ready on reporting.events")
        body = json.loads(announced.body)
        assert body["type"] == "report.ready" and body["data"]["report_id"] == report.id
        assert body["data"]["sha256"] == report.sha256 and body["subject"] == PROGRAMME

    headers = columns(channels)
    assert rows[0][0] == "2020年湖南省“专精特新”小巨人企业培育认定推荐汇总表"
    assert rows[1][0] == f"推荐单位（盖章）：{XIANGXI[3]}" and "日期：2020年5月20日" in rows[1]
    assert list(rows[2]) == headers
    data = [dict(zip(headers, r, strict=True)) for r in rows[3:] if isinstance(r[0], int)]
    assert [d["企业名称"] for d in data] == [scenario.apps[k].name for k in ("A1", "A2", "A3", "A4", "D")]
    assert [d["推荐顺序"] for d in data] == [1, 2, 3, 4, 5] and [d["序号"] for d in data] == [1, 2, 3, 4, 5]
    assert data[0]["统一社会信用代码"] == scenario.apps["A1"].uscc and data[0]["审核意见"] == "A1同意推荐"
    assert data[0]["所属行业"] == "专用设备制造业" and data[0]["上云上平台"] == "是"
    assert rows[-1][0].startswith("单位负责人（签字）")
    sheet = load_workbook(io.BytesIO(download(channels, report))).active
    assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.fitToWidth == 1
    assert sheet.print_title_rows == "$3:$3"

    job = stub(channels).GetJob(pb.GetJobRequest(job_id=final.job_id), timeout=15)
    assert job.state == "done" and list(job.report_ids) == [report.id] and job.done == 1


def test_programme_workbook_at_the_owner_lists_every_unit_in_order(scenario: Scenario,
                                                                   channels: dict[str, grpc.Channel]) -> None:
    owner = caller("admin", "unit-430000")
    report = generate(channels, owner, kind="summary_table")[-1].reports[0]
    rows = sheet_rows(download(channels, report, owner))
    assert rows[1][0] == "汇总单位：湖南省工业和信息化厅" and rows[2][:2] == ("序号", "推荐单位")
    mine = {a.name for a in scenario.apps.values()}
    listed = [(r[1], r[2]) for r in rows[3:] if r[2] in mine]
    # 永州 (431100) before 湘西 (433100), each unit in its own 推荐顺序
    assert listed == [(YONGZHOU[3], scenario.apps[k].name) for k in ("B1", "B2")] + \
        [(XIANGXI[3], scenario.apps[k].name) for k in ("A1", "A2", "A3", "A4", "D")]
    numbers = [r[0] for r in rows[3:] if isinstance(r[0], int)]
    assert numbers == list(range(1, len(numbers) + 1))


def test_draft_table_adds_passed_applications_after_the_recommended(scenario: Scenario,
                                                                    channels: dict[str, grpc.Channel]) -> None:
    rows = stub(channels).GetSummaryRows(pb.SummaryRowsRequest(programme_id=PROGRAMME, unit_id=XIANGXI[2],
                                                               include_pending=True), timeout=30)
    assert rows.title.endswith("（草表）") and rows.unit_name == XIANGXI[3] and rows.total == 6
    assert [r.application_id for r in rows.rows] == scenario.ids("A1", "A2", "A3", "A4", "D", "C")
    rank = list(rows.headers).index("推荐顺序")
    assert [r.cells[rank] for r in rows.rows] == ["1", "2", "3", "4", "5", ""]


# ---- statistics, duplicates, rebuild ------------------------------------------------------------------

def delta(after: Any, before: Any) -> dict[str, int]:
    counts = {b.key: b.count for b in after}
    for b in before:
        counts[b.key] = counts.get(b.key, 0) - b.count
    return {k: v for k, v in counts.items() if v}


def test_statistics_count_by_status_region_focus_and_day(scenario: Scenario, channels: dict[str, grpc.Channel]) -> None:
    before, after = scenario.baseline, statistics(channels)  # type: ignore[attr-defined]
    assert after.applications - before.applications == 11
    statuses = delta(after.by_status, before.by_status)
    # G is submitted, or in review if the review service opened its task
    assert statuses.pop("submitted", 0) + statuses.pop("in_review", 0) == 1
    assert statuses == {"recognised": 2, "not_recognised": 1, "in_publicity": 1, "recommended": 3, "passed": 1,
                        "rejected": 1, "withdrawn": 1}
    assert delta(after.by_city, before.by_city) == {"433100": 7, "431100": 4}
    assert delta(after.by_county, before.by_county) == {"433101": 7, "431102": 4}
    assert delta(after.by_focus_category, before.by_focus_category) == {"manufacturing_chain": 6, "new_infrastructure": 5}
    assert sum(delta(after.by_level, before.by_level).values()) == 11
    assert sum(d.count for d in after.submissions_per_day) == after.applications
    xiangxi = next(r for r in after.recognition_by_city if r.region_code == "433100")
    assert xiangxi.region_name == "湘西土家族苗族自治州" and xiangxi.recognised >= 1
    labels = {b.key: b.label for b in after.by_status}
    assert labels["in_publicity"] == "公示中" and labels["recognised"] == "已认定"
    reviewer = stub(channels).GetStatistics(pb.StatisticsRequest(programme_id=PROGRAMME), timeout=30,
                                            metadata=caller("reviewer", YONGZHOU[2]))
    assert reviewer.scope == YONGZHOU[2] and {b.key for b in reviewer.by_city} <= {"431100"}


def test_an_event_delivered_again_changes_no_figure(scenario: Scenario, channels: dict[str, grpc.Channel],
                                                    mongo: MongoClient, amqp_uri: str, suite: Suite) -> None:
    before = statistics(channels)
    doc_before = mongo.zjtx_reporting.applications.find_one({"_id": scenario.apps["A3"].application_id})
    again = [e for e in scenario.events if e["subject"] == scenario.apps["A3"].application_id]
    for event in again:
        publish(amqp_uri, event)
    for event in again:
        until(lambda e=event: f"event {e['id']} already applied" in (suite.log_dir / "reporting.log").read_text(),
              timeout=30, what=f"reporting to skip the duplicate {event['type']}")
    assert statistics(channels).SerializeToString() == before.SerializeToString()
    assert mongo.zjtx_reporting.applications.find_one({"_id": scenario.apps["A3"].application_id}) == doc_before
    assert mongo.zjtx_reporting.event_archive.count_documents({"_id": {"$in": [e["id"] for e in again]}}) == len(again)


def summary_rows(channels: dict[str, grpc.Channel], unit_id: str = "") -> list[tuple[str, tuple[str, ...]]]:
    rows = stub(channels).GetSummaryRows(pb.SummaryRowsRequest(programme_id=PROGRAMME, unit_id=unit_id, limit=10000),
                                         timeout=60)
    return [(r.application_id, tuple(r.cells)) for r in rows.rows]


def test_rebuild_from_the_archive_gives_the_live_rows_and_figures(scenario: Scenario,
                                                                  channels: dict[str, grpc.Channel]) -> None:
    mine = set(scenario.ids(*scenario.apps))
    live_rows = [r for r in summary_rows(channels) if r[0] in mine]
    live_unit = summary_rows(channels, XIANGXI[2])
    live_stats = statistics(channels)
    denied = error_of(lambda: list(stub(channels).Rebuild(pb.RebuildRequest(), timeout=DEADLINE,
                                                          metadata=caller("admin", "unit-430000"))))
    assert denied.code() == grpc.StatusCode.PERMISSION_DENIED

    progress = list(stub(channels).Rebuild(pb.RebuildRequest(), timeout=600, metadata=caller("operations")))
    assert progress[0].stage == "replay" and progress[-1].finished and "重建完成" in progress[-1].message
    assert progress[-1].done == progress[-1].total > 0
    assert [r for r in summary_rows(channels) if r[0] in mine] == live_rows and len(live_rows) == 7
    assert summary_rows(channels, XIANGXI[2]) == live_unit
    rebuilt = statistics(channels)
    assert rebuilt.by_status == live_stats.by_status and rebuilt.by_city == live_stats.by_city
    assert rebuilt.submissions_per_day == live_stats.submissions_per_day


def test_replay_into_an_empty_database_gives_the_same_workbook_rows(
        scenario: Scenario, channels: dict[str, grpc.Channel], mongo: MongoClient, suite: Suite) -> None:
    target = f"zjtx_reporting_replay_{uuid.uuid4().hex[:8]}"
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT / "services"), "MONGO_URI": suite.env["MONGO_URI"]}
    try:
        done = subprocess.run([sys.executable, "-m", "reporting.rebuild", "--target-database", target],
                              env=env, capture_output=True, text=True, timeout=600, check=False)
        assert done.returncode == 0, done.stderr
        assert "重建完成" in done.stdout
        programme = from_message(review_pb2_grpc.ReviewStub(channels["review"]).GetProgramme(
            review_pb2.GetProgrammeRequest(programme_id=PROGRAMME), timeout=15))
        spec = summary.table_spec(programme, XIANGXI[2], XIANGXI[3], datetime.now(timezone.utc))
        docs = storage.summary_documents(mongo[target], PROGRAMME, XIANGXI[2], False)
        replayed = [(app_id, tuple(summary.display(v) for v in cells))
                    for app_id, cells in summary.rows(docs, spec, programme, lambda unit: unit)]
        assert replayed == summary_rows(channels, XIANGXI[2])
        assert mongo[target].applications.count_documents({}) == mongo.zjtx_reporting.applications.count_documents({})
    finally:
        mongo.drop_database(target)


# ---- recognition list, application PDF, charts --------------------------------------------------------

def test_recognition_list_for_publication_and_for_the_publicity(scenario: Scenario,
                                                                channels: dict[str, grpc.Channel]) -> None:
    anyone = caller("enterprise", enterprise_id=scenario.apps["G"].enterprise_id)
    final = generate(channels, anyone, kind="recognition_list", stage="final")[-1].reports
    assert {r.format for r in final} == {"xlsx", "pdf"}
    xlsx = next(r for r in final if r.format == "xlsx")
    rows = sheet_rows(download(channels, xlsx, anyone))
    assert rows[0][0] == "2020年湖南省“专精特新”小巨人企业培育认定认定企业名单"
    mine = {a.name for a in scenario.apps.values()}
    assert [r[1] for r in rows[3:] if r[1] in mine] == [scenario.apps["A1"].name, scenario.apps["B1"].name]
    text = pdf_text(download(channels, next(r for r in final if r.format == "pdf"), anyone))
    assert scenario.apps["A1"].name in text and scenario.apps["B1"].uscc in text and scenario.apps["A2"].name not in text

    publicity = generate(channels, kind="recognition_list", stage="publicity", formats=["xlsx"])[-1].reports[0]
    rows = sheet_rows(download(channels, publicity))
    assert "公示" in rows[0][0] and "公示期" in rows[1][0]
    assert [r[1] for r in rows[3:] if r[1] in mine] == [scenario.apps[k].name for k in ("A1", "A2", "B1", "A4")]


def test_application_pdf_has_every_section_attachments_and_pledge(scenario: Scenario,
                                                                  channels: dict[str, grpc.Channel]) -> None:
    applicant = scenario.apps["D"]
    own = caller("enterprise", enterprise_id=applicant.enterprise_id)
    report = generate(channels, own, kind="application_pdf", application_id=applicant.application_id)[-1].reports[0]
    text = pdf_text(download(channels, report, own))
    for expected in (applicant.name, applicant.uscc, "企业基础信息", "经济效益", "专业化程度", "创新能力", "其他",
                     "附件清单", "营业执照", hashlib.sha256(f"{applicant.application_id}photos".encode()).hexdigest(),
                     "湖南省小巨人企业申报材料真实性承诺", "第2版", "个人信息，不在本导出中"):
        assert expected in text, expected
    assert f"法人{applicant.index}" not in text  # reporting keeps no personal field (docs/personal-data.md)
    other = caller("enterprise", enterprise_id=scenario.apps["G"].enterprise_id)
    for call in (lambda: generate(channels, other, kind="application_pdf", application_id=applicant.application_id),
                 lambda: download(channels, report, other)):
        assert error_of(call).code() == grpc.StatusCode.PERMISSION_DENIED
    reviewer = caller("reviewer", XIANGXI[2])
    assert applicant.name in pdf_text(download(channels, report, reviewer))


def test_charts_are_png_and_svg_with_no_missing_glyphs(scenario: Scenario, channels: dict[str, grpc.Channel],
                                                       suite: Suite) -> None:
    final = generate(channels, kind="charts")[-1]
    assert final.finished and "中文字形完整" in final.message
    made = {(r.chart, r.format): r for r in final.reports}
    assert {c for c, _ in made} == {"status", "city", "county", "industry", "focus", "level", "daily", "recognition"}
    assert all(not r.warnings for r in final.reports)
    assert download(channels, made[("city", "png")]).startswith(b"\x89PNG")
    assert b"<svg" in download(channels, made[("daily", "svg")])
    log = (suite.log_dir / "reporting.log").read_text()
    assert "missing from font" not in log and "findfont" not in log


# ---- refusals and output directories ------------------------------------------------------------------

def test_bad_requests_are_refused_in_chinese(scenario: Scenario, channels: dict[str, grpc.Channel]) -> None:
    cases = [
        (dict(kind="pie"), grpc.StatusCode.INVALID_ARGUMENT, "报表类型", ()),
        (dict(kind="summary_table", programme_id="no-such"), grpc.StatusCode.NOT_FOUND, "no-such", ()),
        (dict(kind="summary_table", unit_id=XIANGXI[2]), grpc.StatusCode.PERMISSION_DENIED, "本单位",
         caller("reviewer", YONGZHOU[2])),
        (dict(kind="summary_table", output_dir="/etc"), grpc.StatusCode.INVALID_ARGUMENT, "输出目录", ()),
        (dict(kind="summary_table", output_dir="x"), grpc.StatusCode.PERMISSION_DENIED, "下载",
         caller("admin", "unit-430000")),
        (dict(kind="application_pdf", application_id="missing"), grpc.StatusCode.NOT_FOUND, "missing", ()),
        (dict(kind="charts", formats=["gif"]), grpc.StatusCode.INVALID_ARGUMENT, "gif", ()),
        (dict(kind="recognition_list", stage="soon"), grpc.StatusCode.INVALID_ARGUMENT, "publicity", ()),
    ]
    for fields, code, words, metadata in cases:
        fields.setdefault("programme_id", PROGRAMME)
        request = pb.GenerateReportRequest(**fields)
        error = error_of(lambda r=request, m=metadata: list(stub(channels).GenerateReport(r, timeout=30, metadata=m)))
        assert error.code() == code, (fields, error.details())
        assert words in domain_error(error).message, (fields, error.details())
    missing = error_of(lambda: download(channels, pb.Report(id="nope")))
    assert missing.code() == grpc.StatusCode.NOT_FOUND and "报表" in missing.details()


def test_reports_are_also_written_to_a_directory_under_the_reports_root(scenario: Scenario,
                                                                         channels: dict[str, grpc.Channel]) -> None:
    folder = f"test-{uuid.uuid4().hex[:8]}"
    target = REPO_ROOT / "out" / folder
    try:
        report = generate(channels, kind="summary_table", unit_id=YONGZHOU[2], output_dir=folder)[-1].reports[0]
        written = Path(report.path)
        assert written.parent == target and written.read_bytes() == download(channels, report)
        listed = stub(channels).ListReports(pb.ListReportsRequest(programme_id=PROGRAMME, unit_id=YONGZHOU[2]),
                                            timeout=15, metadata=caller("reviewer", YONGZHOU[2]))
        assert report.id in {r.id for r in listed.reports} and all(r.unit_id == YONGZHOU[2] for r in listed.reports)
    finally:
        for path in target.glob("*"):
            path.unlink()
        if target.exists():
            target.rmdir()


def test_a_payload_reporting_can_never_apply_is_dead_lettered_at_once(scenario: Scenario, amqp_uri: str, vhost: str,
                                                                      mongo: MongoClient) -> None:
    queue = "evt-registration-application.submitted--reporting.on_application_submitted.dead-letter"
    before = rabbit.queue_depth(vhost, queue)
    event = scenario.apps["G"].submitted(T0)
    event["data"]["application"]["snapshot_version"] = "not a number"
    publish(amqp_uri, event)
    until(lambda: rabbit.queue_depth(vhost, queue) == before + 1, timeout=30, what="the dead letter")
    assert mongo.zjtx_reporting.event_archive.count_documents({"_id": event["id"]}) == 0


# ---- the demo's export and the rebuild's meeting with live events ----------------------------------------

def test_export_downloads_the_programme_set_into_a_folder(scenario: Scenario, channels: dict[str, grpc.Channel],
                                                          suite: Suite, tmp_path: Path) -> None:
    from reporting.export import export

    written = export(suite.endpoints["reporting"], PROGRAMME, tmp_path, max_pdfs=2, say=lambda line: None)
    names = {p.name for p in written}
    assert f"{PROGRAMME}_summary_programme.xlsx" in names
    assert {f"{PROGRAMME}_summary_{XIANGXI[2]}.xlsx", f"{PROGRAMME}_summary_{YONGZHOU[2]}.xlsx"} <= names
    assert {f"{PROGRAMME}_chart_daily.png", f"{PROGRAMME}_chart_recognition.svg"} <= names
    assert {f"{PROGRAMME}_recognition_final.xlsx", f"{PROGRAMME}_recognition_final.pdf"} <= names
    assert len([n for n in names if "_application_" in n]) == 2
    assert all(p.stat().st_size > 0 for p in written)


def test_rebuilt_documents_meet_live_ones_without_losing_either(scenario: Scenario, mongo: MongoClient) -> None:
    from reporting.rules.events import normalise
    from reporting.rules.projections import fold

    db = mongo[f"zjtx_reporting_merge_{uuid.uuid4().hex[:8]}"]
    try:
        applicant = scenario.apps["A3"]
        events = [normalise(e) for e in scenario.events if e["subject"] == applicant.application_id]
        live = [e for e in events if e.type == "review.recommended"]
        # a live write meanwhile, with its facts as a sub-document as written before they were
        # stored as bytes: read, applied to and written in the new form
        db.applications.insert_one(fold("applications", applicant.application_id, live))
        replayed = [e for e in events if e.type != "review.recommended"]
        storage._write_folded(db, "applications", [(fold("applications", applicant.application_id, replayed), replayed)])
        assert isinstance(db.applications.find_one({"_id": applicant.application_id})["facts"], bytes)
        merged = storage.application(db, applicant.application_id)
        assert merged == {**fold("applications", applicant.application_id, events), "_id": applicant.application_id}
        assert merged["status"] == "recommended" and merged["uscc"] == applicant.uscc
    finally:
        mongo.drop_database(db.name)


def test_a_corrected_recognition_list_moves_the_list_and_the_figures(scenario: Scenario, channels: dict[str, grpc.Channel],
                                                                     mongo: MongoClient, amqp_uri: str) -> None:
    """review.recognition_amended (issue 18): B1 taken off the published list, A2 added; reporting's
    recognition list and statistics follow the corrected list. Last in the module: it changes the scenario."""
    before = statistics(channels)
    b1, a2 = scenario.apps["B1"], scenario.apps["A2"]
    at = T0 + timedelta(days=60)

    def outcome(applicant: Applicant, rank: int) -> dict[str, Any]:
        return {"application_id": applicant.application_id, "programme_id": PROGRAMME,
                "enterprise_id": applicant.enterprise_id, "enterprise_name": applicant.name, "recognised": rank > 0,
                "rank": rank, "reason": "" if rank else "认定名单更正：经核查申报数据不实"}

    publish(amqp_uri, programme_event("review.recognition_amended", PROGRAMME, {
        "list_version": 2, "reason": "经核查申报数据不实", "removed": [outcome(b1, 0)], "added": [outcome(a2, 3)],
        "amended_by": "admin-hn", "at": at.isoformat()}, at))
    statuses = {b1.application_id: "not_recognised", a2.application_id: "recognised"}
    until(lambda: all(mongo.zjtx_reporting.applications.find_one({"_id": k})["status"] == v for k, v in statuses.items()),
          timeout=60, what="reporting to apply the corrected list")
    assert delta(statistics(channels).by_status, before.by_status) == {}  # one out, one in
    assert mongo.zjtx_reporting.programmes.find_one({"_id": PROGRAMME})["recognition_list_version"] == 2
    final = generate(channels, kind="recognition_list", stage="final", formats=["xlsx"])[-1].reports[0]
    mine = {a.name for a in scenario.apps.values()}
    assert [r[1] for r in sheet_rows(download(channels, final))[3:] if r[1] in mine] == [
        scenario.apps["A1"].name, a2.name]
