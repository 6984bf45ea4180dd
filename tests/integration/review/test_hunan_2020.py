"""The Hunan 2020 小巨人 programme through review, over gRPC with the real broker and database.

Enterprises in three cities (长沙, 衡阳, 株洲) and one 省财政直管县市 (耒阳) apply; one
from outside Hunan cannot be routed. The city / 省直管县 units review (真实性, 完整性):
one application is returned twice and resubmitted, one is rejected, a reviewer tries
another unit's task, a decision comes one second after the deadline, a unit tries to
finalise without its 推荐汇总表. The province ranks the recommended, recognises up to a
small target (the programme document's ``target_count`` set to 3: a programme is data),
opens the 公示, records an objection, upholds it and publishes.

The module runs one programme, so its tests share one timeline; but none relies on an
earlier test having passed. Each asks ``hunan`` (a ``Timeline``) for the stage it starts
from: ``submitted()``, ``returned_twice()``, ``decided()``, ``passed()``, ``uploaded()``,
``closed()``, ``in_publicity()``. A stage asks review what is already done and does only
the rest, in the order of the programme's calendar, so a test that fails leaves the next
ones to build their own state (and a test run alone builds everything before it).
"""

from __future__ import annotations

import hashlib
from typing import Any

import grpc
import pytest
from pymongo import MongoClient
from review_support import (
    EventTap,
    as_enterprise,
    as_unit,
    open_task_of,
    publish_resubmitted,
    publish_submitted,
    publish_withdrawn,
    snapshot,
)

from harness import rabbit
from harness.clients import call, domain_error, org_body
from harness.files import PNG as PNG_BYTES
from harness.files import pdf as pdf_bytes
from harness.otlp import OtlpReceiver
from harness.wait import until
from kernel.uscc import make_uscc
from zjtx import audit
from zjtx.up import Suite
from zjtx_api import review_pb2 as pb
from zjtx_api.review_pb2_grpc import ReviewStub

PROGRAMME = "hunan-2020-little-giant"
ISOLATED = {PROGRAMME: {"target_count": 3}}
PROVINCE_ADMIN = as_unit("unit-430000", "admin", "admin-hunan")
CS, HY, ZZ, LY = "unit-430100", "unit-430400", "unit-430200", "unit-430481"

# name, region, 两化融合贯标, invention patents
ENTERPRISES = {
    "cs1": ("长沙岳麓精密机械有限公司", "430104", True, 2),
    "cs2": ("长沙县智能装备有限公司", "430121", False, 5),
    "hy1": ("衡阳珠晖新材料有限公司", "430405", True, 0),
    "hy2": ("衡南县电机制造有限公司", "430422", True, 3),
    "zz1": ("株洲荷塘轨道配件有限公司", "430202", True, 1),
    "ly1": ("耒阳市电瓷电器有限公司", "430481", True, 1),
    "wd1": ("长沙芙蓉撤回测试有限公司", "430102", False, 0),
    "gz1": ("广州天河外省企业有限公司", "440106", True, 1),
}

OPINION = "经审核，材料真实、完整，同意推荐"
REJECTION = "企业未提供上云上平台凭据，经核实不是“上云上平台”企业"
RETURN_REASONS = [
    pb.ReturnReason(target_kind="section", target="economic", reason="2019年主营业务收入与财务报表不一致"),
    pb.ReturnReason(target_kind="attachment", target="financial_statements", reason="缺少2018年度审计报告")]
PASSES = (("cs1", CS), ("cs2", CS), ("ly1", LY), ("hy1", HY))
IN_WINDOW, LAST_SECOND, CLOSED, RANKING = ("2020-05-10T10:00:00+08:00", "2020-05-15T23:59:59+08:00",
                                           "2020-05-16T00:00:00+08:00", "2020-05-20T10:00:00+08:00")


def sections(two_integration: bool, patents: int) -> dict[str, Any]:
    return {
        "basic": {"legal_representative": "张三", "established_on": "2010-06-01", "registered_capital": 5000,
                  "registration_type": "private", "industry": "C35", "main_product": "数控机床主轴",
                  "focus_category": "industrial_foundation", "employees": 260},
        "economic": {"main_revenue_2017": 12000, "main_revenue_2018": 15000, "main_revenue_2019": 18000},
        "innovation": {"rnd_expense_2019": 900, "invention_patents": patents, "high_tech_enterprise": True},
        "other": {"cloud_platform": True, "two_integration": two_integration, "epidemic_supplies": False},
    }


def rpc_error(call_: Any) -> grpc.RpcError:
    with pytest.raises(grpc.RpcError) as error:
        call_()
    return error.value


def upload(stub: ReviewStub, unit_id: str, data: bytes, filename: str, kind: str = "", metadata: Any = None,
           chunk: int = 700) -> pb.SummaryUpload:
    def chunks() -> Any:
        yield pb.SummaryChunk(programme_id=PROGRAMME, unit_id=unit_id, kind=kind, filename=filename, data=data[:chunk])
        for start in range(chunk, len(data), chunk):
            yield pb.SummaryChunk(data=data[start:start + chunk])

    return stub.UploadSummary(chunks(), timeout=15, metadata=metadata or as_unit(unit_id))


class Timeline:
    """The module's programme, brought to a stage on demand (see the module's docstring)."""

    def __init__(self, api: ReviewStub, amqp_uri: str, tap: EventTap, clock: Any) -> None:
        self.api, self.amqp_uri, self.tap, self.clock = api, amqp_uri, tap, clock
        self.snapshots: dict[str, Any] = {}
        self.apps: dict[str, str] = {}
        self.tasks: dict[str, str] = {}
        self.returned_task = ""

    def application(self, key: str) -> pb.Application:
        return call(self.api.GetApplication, pb.GetApplicationRequest(application_id=self.apps[key]))

    def status(self, key: str) -> str:
        return self.application(key).status

    def submitted(self) -> Timeline:
        """Every enterprise's application submitted in the window; each routable one has its first task."""
        if self.tasks.keys() >= set(ENTERPRISES) - {"gz1"}:
            return self
        self.clock(IN_WINDOW)
        self.tap.wait_for("programme.opened", PROGRAMME, lambda data: data["at"] == "2020-05-10T02:00:00.000Z")
        for index, (key, (name, region, two, patents)) in enumerate(ENTERPRISES.items()):
            if key not in self.snapshots:
                snap = snapshot(PROGRAMME, name=name, uscc=make_uscc("9", "1", region, org_body("H")), region=region,
                                sections=sections(two, patents), submitted_at=f"2020-05-0{index + 1}T02:00:00.000Z")
                self.snapshots[key], self.apps[key] = snap, snap.application_id
                publish_submitted(self.amqp_uri, snap)
        for key in ENTERPRISES:
            if key != "gz1" and key not in self.tasks:
                self.tasks[key] = open_task_of(self.api, self.apps[key]).id
        return self

    def return_cs2(self) -> pb.DecisionResult:
        """长沙's reviewer returns cs2 (economic section, financial statements)."""
        task_id = open_task_of(self.api, self.apps["cs2"]).id
        result = call(self.api.ReturnTask, pb.ReturnTaskRequest(task_id=task_id, reasons=RETURN_REASONS),
                      metadata=as_unit(CS, subject="reviewer-cs-li"))
        self.returned_task = task_id
        return result

    def resubmit_cs2(self, round_: int) -> Any:
        """The enterprise corrects cs2 and resubmits a new snapshot version; the reopened task."""
        snap = self.snapshots["cs2"]
        snap.snapshot_version = round_ + 1
        snap.content_hash = hashlib.sha256(f"cs2-v{round_ + 1}".encode()).hexdigest()
        publish_resubmitted(self.amqp_uri, snap, round_, self.returned_task)
        reopened = until(lambda: (t := open_task_of(self.api, self.apps["cs2"])).round == round_ and t,
                         what=f"cs2's task of round {round_}")
        self.tasks["cs2"] = reopened.id
        return reopened

    def returned_twice(self) -> Timeline:
        """cs2 returned twice (the programme's limit) and resubmitted each time: open at round 2."""
        self.submitted()
        for _ in range(4):
            application = self.application("cs2")
            if application.status == "returned":
                self.resubmit_cs2(application.returns)
            elif application.status == "in_review" and application.returns < 2:
                self.return_cs2()
            else:
                break
        application = self.application("cs2")
        if application.status == "in_review":
            self.tasks["cs2"] = application.open_task_id
        return self

    def decided(self) -> Timeline:
        """Also: zz1 rejected by 株洲, wd1 withdrawn by its enterprise."""
        self.returned_twice()
        if self.status("zz1") == "in_review":
            call(self.api.RejectTask, pb.RejectTaskRequest(task_id=self.tasks["zz1"], reason=REJECTION),
                 metadata=as_unit(ZZ))
        if self.status("wd1") != "withdrawn":
            publish_withdrawn(self.amqp_uri, self.apps["wd1"], PROGRAMME, "企业决定明年再申报")
            until(lambda: self.status("wd1") == "withdrawn", what="the withdrawal")
        return self

    def passed(self) -> Timeline:
        """Also: cs1, cs2, ly1 and hy1 passed at level 1 (waiting for their unit's 推荐汇总表)."""
        self.decided()
        for key, unit_id in PASSES:
            if self.status(key) == "in_review":
                call(self.api.PassTask, pb.PassTaskRequest(task_id=self.tasks[key], opinion=OPINION),
                     metadata=as_unit(unit_id))
        return self

    def uploaded(self) -> Timeline:
        """Also: 长沙 (PDF) and 耒阳 (PNG) uploaded their 推荐汇总表; 长沙 confirmed its recommendations."""
        self.passed()
        if self.status("cs1") == "passed_pending_summary":
            upload(self.api, CS, pdf_bytes("2020 Hunan little giant summary: Changsha"), "长沙市推荐汇总表.pdf")
        progress = call(self.api.GetUnitProgress, pb.UnitProgressRequest(programme_id=PROGRAMME), metadata=as_unit(CS))
        if not progress.finalised_at:
            call(self.api.FinaliseUnit, pb.UnitProgressRequest(programme_id=PROGRAMME), metadata=as_unit(CS))
        if self.status("ly1") == "passed_pending_summary":
            upload(self.api, LY, PNG_BYTES, "耒阳推荐汇总表.png")
        return self

    def closed(self) -> Timeline:
        """Also: 衡阳 uploaded at the last second; then the window and the reviews closed."""
        self.uploaded()
        if self.status("hy1") == "passed_pending_summary":
            self.clock(LAST_SECOND)
            upload(self.api, HY, pdf_bytes("Hengyang"), "衡阳市推荐汇总表.pdf")
        self.clock(CLOSED)
        self.tap.wait_for("programme.closed", PROGRAMME, lambda data: data["at"] == "2020-05-15T16:00:00.000Z")
        return self

    def in_publicity(self) -> Timeline:
        """Also: the province recognised the three best ranked; the 公示 is open."""
        self.closed()
        self.clock(RANKING)
        publicity = call(self.api.GetPublicity, pb.GetPublicityRequest(programme_id=PROGRAMME), metadata=PROVINCE_ADMIN)
        if publicity.state not in ("publicity", "published"):
            ranked = call(self.api.RankRecommended, pb.RankRecommendedRequest(programme_id=PROGRAMME),
                          metadata=PROVINCE_ADMIN)
            call(self.api.Recognise, pb.RecogniseRequest(
                programme_id=PROGRAMME, application_ids=[r.application_id for r in ranked.ranked][:3]),
                metadata=PROVINCE_ADMIN)
        return self


@pytest.fixture(scope="module")
def hunan(review_api: ReviewStub, amqp_uri: str, tap: EventTap, clock: Any) -> Timeline:
    return Timeline(review_api, amqp_uri, tap, clock)


def test_submissions_open_tasks_at_the_unit_of_each_region(hunan: Timeline, review_api: ReviewStub,
                                                             tap: EventTap) -> None:
    hunan.submitted()
    opened = tap.wait_for("programme.opened", PROGRAMME, lambda data: data["at"] == "2020-05-10T02:00:00.000Z")
    assert opened["closes_at"] == "2020-05-15T23:59:59+08:00" and opened["version"] == 1

    expected = {"cs1": CS, "cs2": CS, "hy1": HY, "hy2": HY, "zz1": ZZ, "ly1": LY, "wd1": CS}
    for key, unit_id in expected.items():
        task = call(review_api.GetTask, pb.GetTaskRequest(task_id=hunan.tasks[key]))
        assert (task.unit_id, task.level, task.round) == (unit_id, 1, 0), key
        assert task.due_at == "2020-05-15T15:59:59.000Z"  # 23:59:59 Beijing time
        assert list(task.checks) == ["真实性", "完整性"]
        opened_event = tap.wait("review.task_opened", hunan.apps[key])[0]["data"]
        assert opened_event["step"]["unit_id"] == unit_id and opened_event["step"]["enterprise_name"] == task.enterprise.name

    # 耒阳 is a 省财政直管县市: its own unit reviews it, not 衡阳市
    hengyang = call(review_api.ListTasks, pb.ListTasksRequest(programme_id=PROGRAMME), metadata=as_unit(HY))
    mine = {t.application_id for t in hengyang.tasks} & set(hunan.apps.values())
    assert mine == {hunan.apps["hy1"], hunan.apps["hy2"]}
    assert {t.unit_name for t in hengyang.tasks} == {"衡阳市工业和信息化局"}


def test_a_submission_delivered_again_opens_no_second_task(hunan: Timeline, review_api: ReviewStub, amqp_uri: str,
                                                           vhost: str, mongo: MongoClient, review_db: str,
                                                           suite: Suite) -> None:
    cs1 = hunan.submitted().snapshots["cs1"]
    again = publish_submitted(amqp_uri, cs1)  # registration re-emitting: a new event id, the same application
    rabbit.publish(amqp_uri, "registration.events", "application.submitted", again)  # and delivered twice
    until(lambda: f"event {again['id']} already applied" in (suite.log_dir / "review.log").read_text(),
          what="review to skip the duplicate delivery")
    assert mongo[review_db].tasks.count_documents({"application_id": cs1.application_id}) == 1
    assert len(call(review_api.ListHistory, pb.ListHistoryRequest(application_id=cs1.application_id)).entries) == 2

    queue = "evt-registration-application.submitted--review.on_application_submitted.dead-letter"
    before = rabbit.queue_depth(vhost, queue)
    unknown = snapshot("hunan-2019-little-giant", name="未知批次企业", uscc=make_uscc("9", "1", "430104", org_body("U")),
                       region="430104")
    publish_submitted(amqp_uri, unknown)  # a programme this deployment does not run: never applicable
    until(lambda: rabbit.queue_depth(vhost, queue) == before + 1, what="the dead-lettered submission")
    assert mongo[review_db].applications.count_documents({"_id": unknown.application_id}) == 0


def test_an_enterprise_no_unit_covers_is_listed_for_the_owner_not_lost(hunan: Timeline, review_api: ReviewStub) -> None:
    gz1 = hunan.submitted().apps["gz1"]
    found = until(lambda: next((a for a in call(review_api.ListUnroutable, pb.ListUnroutableRequest(
        programme_id=PROGRAMME), metadata=PROVINCE_ADMIN).applications if a.application_id == gz1), None),
        what="the unroutable application")
    assert "440106" in found.reason and "湖南省工业和信息化厅" in found.reason
    application = call(review_api.GetApplication, pb.GetApplicationRequest(application_id=gz1))
    assert application.status == "unroutable" and application.status_label == "无法分派审核单位"
    error = rpc_error(lambda: call(review_api.ListUnroutable, pb.ListUnroutableRequest(programme_id=PROGRAMME),
                                   metadata=as_unit(CS)))
    assert error.code() == grpc.StatusCode.PERMISSION_DENIED
    # re-routing only helps once the units data covers the region
    error = rpc_error(lambda: call(review_api.RetryRouting, pb.RetryRoutingRequest(application_id=gz1),
                                   metadata=PROVINCE_ADMIN))
    assert domain_error(error).code == "routing.still_unroutable" and "440106" in error.details()


def test_a_reviewer_cannot_see_or_decide_another_units_task(hunan: Timeline, review_api: ReviewStub) -> None:
    hy1_task = hunan.submitted().tasks["hy1"]
    error = rpc_error(lambda: call(review_api.GetTask, pb.GetTaskRequest(task_id=hy1_task), metadata=as_unit(CS)))
    assert error.code() == grpc.StatusCode.PERMISSION_DENIED
    error = rpc_error(lambda: call(review_api.PassTask, pb.PassTaskRequest(task_id=hy1_task, opinion="材料真实完整"),
                                   metadata=as_unit(CS)))
    assert error.code() == grpc.StatusCode.PERMISSION_DENIED
    assert domain_error(error).code == "review.other_unit"
    assert "衡阳市工业和信息化局" in error.details() and "只能处理本单位" in error.details()
    # the city of 衡阳 has no say over the 省直管 耒阳 at the province's programme
    error = rpc_error(lambda: call(review_api.RejectTask, pb.RejectTaskRequest(task_id=hunan.tasks["ly1"], reason="x"),
                                   metadata=as_unit(HY)))
    assert error.code() == grpc.StatusCode.PERMISSION_DENIED
    error = rpc_error(lambda: call(review_api.ListTasks, pb.ListTasksRequest(unit_id=HY), metadata=as_unit(CS)))
    assert error.code() == grpc.StatusCode.PERMISSION_DENIED
    assert call(review_api.GetTask, pb.GetTaskRequest(task_id=hy1_task), metadata=as_unit(HY)).status == "open"


def test_return_names_what_to_fix_and_is_bounded_resubmission_reopens(hunan: Timeline, review_api: ReviewStub,
                                                                      tap: EventTap) -> None:
    cs2 = hunan.submitted().apps["cs2"]
    bad = pb.ReturnTaskRequest(task_id=hunan.tasks["cs2"], reasons=[
        pb.ReturnReason(target_kind="section", target="finance", reason="数据有误"),
        pb.ReturnReason(target_kind="attachment", target="financial_statements", reason=" ")])
    error = rpc_error(lambda: call(review_api.ReturnTask, bad, metadata=as_unit(CS)))
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    problems = {v.field: v.message for v in domain_error(error).violations}
    assert "economic（经济效益）" in problems["reasons[0].target"]
    assert "财务报表" in problems["reasons[1].reason"]

    for round_ in (1, 2):
        result = hunan.return_cs2()
        assert result.application.status == "returned" and result.application.returns == round_
        assert not result.application.open_task_id
        returned = tap.wait("review.returned", cs2, count=round_)[-1]["data"]
        assert returned["round"] == round_ and returned["max_rounds"] == 2
        assert returned["resubmit_by"] == "2020-05-15T15:59:59.000Z"
        assert [(r["target"], r["target_title"]) for r in returned["reasons"]] == [
            ("economic", "经济效益"), ("financial_statements", "财务报表")]
        assert returned["step"]["reviewer"] == "reviewer-cs-li"
        reopened = hunan.resubmit_cs2(round_)
        assert (reopened.unit_id, reopened.level, reopened.round) == (CS, 1, round_)
        assert reopened.snapshot_version == round_ + 1
        assert tap.wait("review.task_opened", cs2, count=round_ + 1)[-1]["data"]["round"] == round_

    error = rpc_error(lambda: call(review_api.ReturnTask, pb.ReturnTaskRequest(task_id=hunan.tasks["cs2"],
                                                                               reasons=RETURN_REASONS),
                                   metadata=as_unit(CS)))
    assert error.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert domain_error(error).code == "return.rounds_exhausted" and "2次" in error.details()


def test_rejection_needs_a_reason(hunan: Timeline, review_api: ReviewStub, tap: EventTap) -> None:
    zz1, task_id = hunan.submitted().apps["zz1"], hunan.tasks["zz1"]
    error = rpc_error(lambda: call(review_api.RejectTask, pb.RejectTaskRequest(task_id=task_id, reason="  "),
                                   metadata=as_unit(ZZ)))
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT and "不通过的理由" in error.details()
    result = call(review_api.RejectTask, pb.RejectTaskRequest(task_id=task_id, reason=REJECTION), metadata=as_unit(ZZ))
    assert result.application.status == "rejected" and result.task.reason == REJECTION
    assert tap.wait("review.rejected", zz1)[0]["data"]["reason"] == REJECTION
    error = rpc_error(lambda: call(review_api.PassTask, pb.PassTaskRequest(task_id=task_id, opinion="通过"),
                                   metadata=as_unit(ZZ)))
    assert error.code() == grpc.StatusCode.ABORTED and domain_error(error).code == "task.decided"


def test_withdrawal_closes_the_open_task(hunan: Timeline, review_api: ReviewStub, amqp_uri: str) -> None:
    wd1 = hunan.submitted().apps["wd1"]
    publish_withdrawn(amqp_uri, wd1, PROGRAMME, "企业决定明年再申报")
    until(lambda: call(review_api.GetApplication, pb.GetApplicationRequest(application_id=wd1)).status == "withdrawn",
          what="the withdrawal")
    task = call(review_api.GetTask, pb.GetTaskRequest(task_id=hunan.tasks["wd1"]))
    assert task.status == "withdrawn"
    error = rpc_error(lambda: call(review_api.PassTask, pb.PassTaskRequest(task_id=task.id, opinion="通过"),
                                   metadata=as_unit(CS)))
    assert error.code() == grpc.StatusCode.ABORTED


def test_passing_needs_an_opinion_and_waits_for_the_summary(hunan: Timeline, review_api: ReviewStub,
                                                           tap: EventTap) -> None:
    hunan.decided()
    error = rpc_error(lambda: call(review_api.PassTask, pb.PassTaskRequest(task_id=hunan.tasks["cs1"], opinion=""),
                                   metadata=as_unit(CS)))
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT and "审核意见" in error.details()
    for key, unit_id in PASSES:
        result = call(review_api.PassTask, pb.PassTaskRequest(task_id=hunan.tasks[key], opinion=OPINION),
                      metadata=as_unit(unit_id))
        assert result.application.status == "passed_pending_summary"
        assert result.application.status_label == "审核通过，待上传推荐汇总表"
        passed = tap.wait("review.passed", hunan.apps[key])[0]["data"]
        assert passed["next_level"] == 0 and passed["opinion"] == OPINION
    assert not tap.find("review.recommended", hunan.apps["cs1"])
    progress = call(review_api.GetUnitProgress, pb.UnitProgressRequest(programme_id=PROGRAMME), metadata=as_unit(CS))
    assert progress.pending_summary == 2 and list(progress.missing) == ["推荐汇总表"]
    assert "待上传推荐汇总表" in progress.note


def test_a_unit_cannot_finalise_without_its_summary_table(hunan: Timeline, review_api: ReviewStub) -> None:
    hunan.passed()
    error = rpc_error(lambda: call(review_api.FinaliseUnit, pb.UnitProgressRequest(programme_id=PROGRAMME),
                                   metadata=as_unit(CS)))
    assert error.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert domain_error(error).code == "summary.missing"
    assert "尚未上传推荐汇总表" in error.details() and "2个审核通过的申请推荐未生效" in error.details()
    ranked = call(review_api.RankRecommended, pb.RankRecommendedRequest(programme_id=PROGRAMME), metadata=PROVINCE_ADMIN)
    assert hunan.apps["cs1"] not in {r.application_id for r in ranked.ranked}


def test_the_summary_upload_is_checked_and_makes_recommendations_final(hunan: Timeline, review_api: ReviewStub,
                                                                        tap: EventTap, mongo: MongoClient,
                                                                        review_db: str) -> None:
    apps = hunan.passed().apps
    files = mongo[review_db]["summary_files.files"]
    before = files.count_documents({})
    error = rpc_error(lambda: upload(review_api, CS, "这不是扫描件".encode() * 50, "汇总表.pdf"))
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT and domain_error(error).code == "summary.media_type"
    assert "PDF、JPG或PNG" in error.details()
    error = rpc_error(lambda: upload(review_api, CS, pdf_bytes(), "汇总表.pdf", metadata=as_unit(HY)))
    assert error.code() == grpc.StatusCode.PERMISSION_DENIED
    assert files.count_documents({}) == before, "a refused upload leaves nothing behind"

    scan = pdf_bytes("2020 Hunan little giant summary: Changsha")
    done = upload(review_api, CS, scan, "长沙市推荐汇总表.pdf")
    assert done.sha256 == hashlib.sha256(scan).hexdigest() and done.media_type == "application/pdf"
    assert done.size == len(scan) and done.level == 1 and done.kind == "summary_table"
    assert set(done.finalised_application_ids) == {apps["cs1"], apps["cs2"]}
    stored = files.find_one({"_id": done.file_id})
    assert stored["length"] == len(scan) and stored["metadata"]["sha256"] == done.sha256
    back = b"".join(c.data for c in review_api.DownloadSummary(pb.DownloadSummaryRequest(file_id=done.file_id),
                                                               timeout=15, metadata=PROVINCE_ADMIN))
    assert back == scan

    uploaded = tap.wait("review.summary_uploaded", PROGRAMME)[-1]["data"]
    assert uploaded["sha256"] == done.sha256 and uploaded["unit_id"] == CS
    ranks = {key: tap.wait("review.recommended", apps[key])[0]["data"]["unit_rank"] for key in ("cs1", "cs2")}
    assert ranks == {"cs1": 1, "cs2": 2}  # 两化融合贯标 first
    progress = call(review_api.FinaliseUnit, pb.UnitProgressRequest(programme_id=PROGRAMME), metadata=as_unit(CS))
    assert progress.finalised_at and progress.recommended == 2 and progress.pending_summary == 0

    png = upload(review_api, LY, PNG_BYTES, "耒阳推荐汇总表.png")
    assert png.media_type == "image/png" and list(png.finalised_application_ids) == [apps["ly1"]]


def test_a_decision_one_second_after_the_deadline_is_refused(hunan: Timeline, review_api: ReviewStub, tap: EventTap,
                                                             clock: Any) -> None:
    hunan.uploaded()
    clock(LAST_SECOND)  # the last accepted second
    done = upload(review_api, HY, pdf_bytes("Hengyang"), "衡阳市推荐汇总表.pdf")
    assert list(done.finalised_application_ids) == [hunan.apps["hy1"]]

    clock(CLOSED)
    error = rpc_error(lambda: call(review_api.PassTask, pb.PassTaskRequest(task_id=hunan.tasks["hy2"], opinion="同意推荐"),
                                   metadata=as_unit(HY)))
    assert error.code() == grpc.StatusCode.FAILED_PRECONDITION and domain_error(error).code == "review.closed"
    assert "2020年5月15日 23:59:59（北京时间）" in error.details() and "过期不予受理" in error.details()
    assert call(review_api.GetTask, pb.GetTaskRequest(task_id=hunan.tasks["hy2"])).status == "open"
    error = rpc_error(lambda: upload(review_api, HY, pdf_bytes("late"), "迟交.pdf"))
    assert domain_error(error).code == "review.closed"

    tap.wait_for("programme.closed", PROGRAMME, lambda data: data["at"] == "2020-05-15T16:00:00.000Z")
    complete = tap.wait("review.recommendations_complete", PROGRAMME)[0]["data"]
    assert complete["recommended"] == 4 and complete["unit_ids"] == sorted([CS, HY, LY])


def test_every_decision_is_in_the_append_only_history(hunan: Timeline, review_api: ReviewStub, mongo: MongoClient,
                                                      review_db: str, otlp: OtlpReceiver) -> None:
    cs2 = hunan.closed().apps["cs2"]
    entries = call(review_api.ListHistory, pb.ListHistoryRequest(application_id=cs2)).entries
    assert [e.action for e in entries] == [
        "submitted", "task_opened", "returned", "resubmitted", "task_opened", "returned", "resubmitted",
        "task_opened", "passed", "summary_uploaded", "recommended"]
    assert [e.seq for e in entries] == list(range(1, len(entries) + 1))
    first_return = entries[2]
    assert (first_return.actor, first_return.unit_id, first_return.unit_name, first_return.level, first_return.round) == (
        "reviewer-cs-li", CS, "长沙市工业和信息化局", 1, 1)
    assert first_return.at == "2020-05-10T02:00:00.000Z" and first_return.action_label == "退回修改"
    assert [r.target_title for r in first_return.reasons] == ["经济效益", "财务报表"]
    assert "第1次退回修改（上限2次）" in first_return.detail
    assert entries[8].opinion == OPINION
    assert mongo[review_db].history.count_documents({"application_id": cs2}) == len(entries)

    own = as_enterprise(hunan.snapshots["cs2"].enterprise.enterprise_id)
    seen = call(review_api.ListHistory, pb.ListHistoryRequest(application_id=cs2), metadata=own).entries
    assert len(seen) == len(entries) and not any(e.actor for e in seen)
    error = rpc_error(lambda: call(review_api.ListHistory, pb.ListHistoryRequest(application_id=cs2),
                                   metadata=as_enterprise("someone-else")))
    assert error.code() == grpc.StatusCode.PERMISSION_DENIED
    # a decision names its task, yet its trace is found by the application id
    until(lambda: any(span.service == "review" and "ReturnTask" in span.name
                      and span.attributes.get("zjtx.application.id") == cs2 for span in list(otlp.spans)),
          what="the ReturnTask span tagged with the application id")
    rejected = call(review_api.ListHistory, pb.ListHistoryRequest(application_id=hunan.apps["zz1"])).entries
    assert rejected[-1].action == "rejected" and "上云上平台" in rejected[-1].reason


def test_ranking_and_recognition_up_to_the_target(hunan: Timeline, review_api: ReviewStub, tap: EventTap,
                                                  clock: Any) -> None:
    apps = hunan.closed().apps
    clock(RANKING)
    ranked = call(review_api.RankRecommended, pb.RankRecommendedRequest(programme_id=PROGRAMME), metadata=PROVINCE_ADMIN)
    # no rubric: 两化融合贯标 first, then more invention patents
    assert [r.application_id for r in ranked.ranked] == [apps["cs1"], apps["ly1"], apps["hy1"], apps["cs2"]]
    assert [r.within_target for r in ranked.ranked] == [True, True, True, False] and ranked.target_count == 3
    assert [(m.title, m.value) for m in ranked.ranked[0].markers] == [("两化融合贯标", "true"), ("发明专利", "2")]
    error = rpc_error(lambda: call(review_api.RankRecommended, pb.RankRecommendedRequest(programme_id=PROGRAMME),
                                   metadata=as_unit(CS, "admin")))
    assert error.code() == grpc.StatusCode.PERMISSION_DENIED

    everyone = [r.application_id for r in ranked.ranked]
    error = rpc_error(lambda: call(review_api.Recognise, pb.RecogniseRequest(programme_id=PROGRAMME,
                                                                             application_ids=everyone),
                                   metadata=PROVINCE_ADMIN))
    assert domain_error(error).code == "recognition.over_target" and "认定目标为3家" in error.details()
    error = rpc_error(lambda: call(review_api.Recognise, pb.RecogniseRequest(
        programme_id=PROGRAMME, application_ids=[apps["cs1"], apps["hy2"]]), metadata=PROVINCE_ADMIN))
    violation = domain_error(error).violations[0]
    assert violation.field == "application_ids[1]" and "审核中" in violation.message
    error = rpc_error(lambda: call(review_api.Recognise, pb.RecogniseRequest(
        programme_id=PROGRAMME, application_ids=everyone[:3]), metadata=as_unit("unit-430000", "reviewer")))
    assert error.code() == grpc.StatusCode.PERMISSION_DENIED

    publicity = call(review_api.Recognise, pb.RecogniseRequest(programme_id=PROGRAMME, application_ids=everyone[:3]),
                     metadata=PROVINCE_ADMIN)
    assert publicity.state == "publicity" and publicity.closes_at == "2020-05-27T15:59:59.000Z"  # 7 days, Beijing
    assert [(i.application_id, i.rank) for i in publicity.listed] == [(a, n) for n, a in enumerate(everyone[:3], 1)]
    opened = tap.wait("review.publicity_opened", PROGRAMME)[0]["data"]
    assert opened["application_ids"] == everyone[:3]
    error = rpc_error(lambda: call(review_api.Recognise, pb.RecogniseRequest(
        programme_id=PROGRAMME, application_ids=everyone[:1]), metadata=PROVINCE_ADMIN))
    assert error.code() == grpc.StatusCode.ALREADY_EXISTS


def test_publicity_with_an_objection_then_publication(hunan: Timeline, review_api: ReviewStub, tap: EventTap,
                                                      clock: Any, mongo: MongoClient, review_db: str) -> None:
    apps = hunan.in_publicity().apps
    error = rpc_error(lambda: call(review_api.RecordObjection, pb.RecordObjectionRequest(
        programme_id=PROGRAMME, application_id=apps["cs2"], content="不应推荐"), metadata=PROVINCE_ADMIN))
    assert domain_error(error).code == "objection.not_listed"
    objection = call(review_api.RecordObjection, pb.RecordObjectionRequest(
        programme_id=PROGRAMME, application_id=apps["hy1"], objector="王某", contact="13900000000",
        content="该企业2019年研发投入数据与实际不符"), metadata=PROVINCE_ADMIN)
    assert objection.status == "open" and objection.enterprise_name == "衡阳珠晖新材料有限公司"

    clock("2020-05-25T10:00:00+08:00")
    error = rpc_error(lambda: call(review_api.Publish, pb.PublishRequest(programme_id=PROGRAMME), metadata=PROVINCE_ADMIN))
    assert domain_error(error).code == "publish.publicity_running" and "2020年5月27日 23:59:59" in error.details()

    clock("2020-05-28T09:00:00+08:00")
    error = rpc_error(lambda: call(review_api.RecordObjection, pb.RecordObjectionRequest(
        programme_id=PROGRAMME, application_id=apps["cs1"], content="迟到的异议"), metadata=PROVINCE_ADMIN))
    assert domain_error(error).code == "objection.outside_publicity"
    error = rpc_error(lambda: call(review_api.Publish, pb.PublishRequest(programme_id=PROGRAMME), metadata=PROVINCE_ADMIN))
    assert domain_error(error).code == "publish.open_objections" and "1条" in error.details()

    resolved = call(review_api.ResolveObjection, pb.ResolveObjectionRequest(
        objection_id=objection.id, upheld=True, resolution="经核查，研发投入数据不实，异议成立"), metadata=PROVINCE_ADMIN)
    assert resolved.status == "upheld"
    publicity = call(review_api.GetPublicity, pb.GetPublicityRequest(programme_id=PROGRAMME), metadata=PROVINCE_ADMIN)
    assert {i.application_id: i.status for i in publicity.listed}[apps["hy1"]] == "removed"

    result = call(review_api.Publish, pb.PublishRequest(programme_id=PROGRAMME), metadata=PROVINCE_ADMIN)
    assert [(r.application_id, r.rank) for r in result.recognised] == [(apps["cs1"], 1), (apps["ly1"], 2)]
    assert {r.application_id: r.reason for r in result.not_recognised} == {
        apps["cs2"]: "未列入择优认定名单", apps["hy1"]: "公示期间异议成立：经核查，研发投入数据不实，异议成立"}
    recognised = tap.wait("review.recognised", apps["cs1"])[0]["data"]
    assert recognised["recognised"] and recognised["recommend_to"] == "national" and recognised["rank"] == 1
    not_recognised = tap.wait("review.not_recognised", apps["hy1"])[0]["data"]
    assert not not_recognised["recognised"] and "异议成立" in not_recognised["reason"]
    assert tap.wait("review.not_recognised", apps["cs2"])
    # the recommended application not chosen enters the province's 后备 pool; the one whose objection was upheld does not
    listed = tap.wait("review.reserve_listed", apps["cs2"])[0]["data"]["entry"]
    assert (listed["owner"], listed["year"], listed["source"]) == ("430000", 2020, "not_recognised")
    pool = call(review_api.ListReserve, pb.ListReserveRequest(), metadata=PROVINCE_ADMIN)
    assert [e.application_id for e in pool.entries if e.programme_id == PROGRAMME] == [apps["cs2"]]
    assert not tap.find("review.reserve_listed", apps["hy1"])
    statuses = {k: call(review_api.GetApplication, pb.GetApplicationRequest(application_id=apps[k])).status
                for k in ("cs1", "ly1", "cs2", "hy1", "hy2", "zz1")}
    # no limbo (issue 18): the application 衡阳 never decided expires at publication, with its reason and event
    assert statuses == {"cs1": "recognised", "ly1": "recognised", "cs2": "not_recognised", "hy1": "not_recognised",
                        "hy2": "expired", "zz1": "rejected"}
    expired = {r.application_id: r.cause for r in result.expired}
    assert expired[apps["hy2"]] == "undecided" and tap.wait("review.expired", apps["hy2"])
    error = rpc_error(lambda: call(review_api.Publish, pb.PublishRequest(programme_id=PROGRAMME), metadata=PROVINCE_ADMIN))
    assert domain_error(error).code == "publicity.published"

    # every decision of the programme is also in review's hash-chained audit trail (zjtx.audit), intact
    trail = audit.AuditTrail(mongo[review_db], "review")
    actions = {e["action"] for e in trail.entries()}
    assert {"task.returned", "task.rejected", "task.passed", "summary.uploaded", "unit.finalised",
            "recognition.confirmed", "objection.recorded", "objection.upheld", "recognition.published"} <= actions
    published = mongo[review_db].audit.find_one({"action": "recognition.published", "target": f"programme:{PROGRAMME}"})
    assert (published["subject"], published["role"], published["unit"], published["target"]) == (
        "admin-hunan", "admin", "unit-430000", f"programme:{PROGRAMME}")
    assert published["platform_at"] is not None  # the platform clock (2020) differs from the wall clock
    assert sorted(published["details"]["recognised"]) == sorted([apps["cs1"], apps["ly1"]])
    result = trail.verify()
    print(result.describe())
    assert result.intact and result.count == mongo[review_db].audit.count_documents({})

def test_recognitions_carry_validity_are_revoked_and_lapse(hunan: Timeline, review_api: ReviewStub, tap: EventTap,
                                                           clock: Any) -> None:
    """After publication (28 May 2020): each recognition valid 3 years; one revoked with a reason in
    2021; the other lapses on the clock after its end (no 复核 renewed it), both announced on review.events."""
    apps = hunan.apps
    found = call(review_api.ListRecognitions, pb.ListRecognitionsRequest(programme_id=PROGRAMME),
                 metadata=PROVINCE_ADMIN).recognitions
    by_app = {r.application_id: r for r in found}
    assert set(by_app) == {apps["cs1"], apps["ly1"]}
    assert {r.valid_until for r in found} == {"2023-05-27T15:59:59.000Z"} and {r.status for r in found} == {"valid"}

    clock("2021-03-01T10:00:00+08:00")
    revoked = call(review_api.RevokeRecognition, pb.RevokeRecognitionRequest(
        id=by_app[apps["ly1"]].id, reason="发生重大安全生产事故"), metadata=PROVINCE_ADMIN)
    assert (revoked.status, revoked.revoked_reason) == ("revoked", "发生重大安全生产事故")
    enterprise_ly1 = by_app[apps["ly1"]].enterprise.enterprise_id
    assert tap.wait("review.recognition_revoked", enterprise_ly1)[0]["data"]["reason"] == "发生重大安全生产事故"

    clock("2023-05-28T00:00:05+08:00")
    enterprise_cs1 = by_app[apps["cs1"]].enterprise.enterprise_id
    lapsed = tap.wait("review.recognition_lapsed", enterprise_cs1, timeout=60)[0]["data"]
    assert lapsed["recognition"]["status"] == "lapsed" and "认定自动失效" in lapsed["notice"]
    assert not tap.find("review.recognition_lapsed", enterprise_ly1)  # a revoked one does not lapse
