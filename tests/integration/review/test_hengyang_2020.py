"""The Hengyang 2020 种子企业 programme: 县市区 and 园区 units review first, then the city
recognises. Over gRPC with the real broker and database; steps share the module's state.

- routing at level 1: a district enterprise goes to its district's unit, an enterprise
  that declares a park to the park, an enterprise of 耒阳 to 耒阳's own unit, and one
  registered at city level without a park cannot be routed (listed for the city);
- a park reviewer cannot act on a district's task;
- returns are refused once enterprises can no longer resubmit (their window closed on
  9 October, the units review until 16 October);
- the level needs both the 推荐汇总表 and the 推荐报告: one is not enough;
- the city, not the province, ranks and recognises; recognised seed enterprises are
  candidates for the provincial 小巨人 programme.
"""

from __future__ import annotations

from typing import Any

import grpc
import pytest
from review_support import EventTap, as_unit, open_task_of, publish_submitted, snapshot

from harness.clients import call, domain_error, org_body
from harness.files import pdf as pdf_bytes
from harness.wait import until
from kernel.uscc import make_uscc
from zjtx_api import review_pb2 as pb
from zjtx_api.review_pb2_grpc import ReviewStub

PROGRAMME = "hengyang-2020-seed"
ISOLATED: dict[str, dict[str, Any]] = {}  # its own database; the shipped document as is
CITY_ADMIN = as_unit("unit-430400", "admin", "admin-hengyang")
ZHUHUI, HI_TECH, LEIYANG = "unit-430405", "park-430400-hi-tech", "unit-430481"

# name, region, declared park, 两化融合贯标, invention patents
ENTERPRISES = {
    "zh1": ("衡阳珠晖种子机械有限公司", "430405", "", False, 4),
    "zh2": ("衡阳珠晖退回测试有限公司", "430405", "", True, 0),
    "ht1": ("衡阳高新区光电科技有限公司", "430408", HI_TECH, True, 2),
    "ly1": ("耒阳种子电瓷有限公司", "430481", "", True, 1),
    "city": ("衡阳市本级未填园区有限公司", "430400", "", True, 1),
}

state: dict[str, Any] = {}


def sections(two_integration: bool, patents: int) -> dict[str, Any]:
    return {"basic": {"legal_representative": "李四", "industry": "C38", "employees": 120, "above_scale": True},
            "innovation": {"invention_patents": patents, "rnd_expense_2019": 300},
            "digital": {"cloud_platform": True, "two_integration": two_integration},
            "profile": {"profile_and_plan": "企业简介" * 200}}


def rpc_error(call_: Any) -> grpc.RpcError:
    with pytest.raises(grpc.RpcError) as error:
        call_()
    return error.value


def upload(stub: ReviewStub, unit_id: str, kind: str, data: bytes) -> pb.SummaryUpload:
    chunk = pb.SummaryChunk(programme_id=PROGRAMME, unit_id=unit_id, kind=kind, filename=f"{kind}.pdf", data=data)
    return stub.UploadSummary(iter([chunk]), timeout=15, metadata=as_unit(unit_id))


def test_county_park_and_direct_county_units_review_first(review_api: ReviewStub, amqp_uri: str,
                                                           tap: EventTap, clock: Any) -> None:
    clock("2020-09-20T10:00:00+08:00")
    state["apps"] = {}
    for key, (name, region, park, two, patents) in ENTERPRISES.items():
        snap = snapshot(PROGRAMME, name=name, uscc=make_uscc("9", "1", region, org_body("Y")), region=region,
                        park=park, sections=sections(two, patents), submitted_at="2020-09-20T02:00:00.000Z")
        state["apps"][key] = snap.application_id
        publish_submitted(amqp_uri, snap)
    state["tasks"] = {}
    for key, unit_id in (("zh1", ZHUHUI), ("zh2", ZHUHUI), ("ht1", HI_TECH), ("ly1", LEIYANG)):
        task = open_task_of(review_api, state["apps"][key])
        assert (task.unit_id, task.level) == (unit_id, 1), key
        assert task.due_at == "2020-10-16T15:59:59.000Z"
        state["tasks"][key] = task.id
    mine = set(state["apps"].values())
    park_tasks = call(review_api.ListTasks, pb.ListTasksRequest(programme_id=PROGRAMME), metadata=as_unit(HI_TECH))
    assert [t.unit_name for t in park_tasks.tasks if t.application_id in mine] == ["衡阳高新技术产业开发区管理委员会"]
    # the city's admin supervises the units below it
    below = call(review_api.ListTasks, pb.ListTasksRequest(unit_id=ZHUHUI, programme_id=PROGRAMME), metadata=CITY_ADMIN)
    assert {t.application_id for t in below.tasks} & mine == {state["apps"]["zh1"], state["apps"]["zh2"]}

    unroutable = until(lambda: [u for u in call(review_api.ListUnroutable, pb.ListUnroutableRequest(
        programme_id=PROGRAMME), metadata=CITY_ADMIN).applications if u.application_id in mine],
        what="the unroutable application")
    found = next(u for u in unroutable if u.application_id == state["apps"]["city"])
    assert "请填写企业所在县市区或选择所在园区" in found.reason and found.unit_kind == "county_or_park"


def test_a_park_reviewer_cannot_decide_a_districts_task(review_api: ReviewStub) -> None:
    error = rpc_error(lambda: call(review_api.PassTask, pb.PassTaskRequest(task_id=state["tasks"]["zh1"], opinion="同意"),
                                   metadata=as_unit(HI_TECH)))
    assert error.code() == grpc.StatusCode.PERMISSION_DENIED and "珠晖区" in error.details()


def test_no_return_once_enterprises_can_no_longer_resubmit(review_api: ReviewStub, tap: EventTap,
                                                           clock: Any) -> None:
    clock("2020-10-12T09:00:00+08:00")  # enterprises closed on 9 October, the units review until the 16th
    tap.wait_for("programme.closed", PROGRAMME, lambda data: data["at"] == "2020-10-12T01:00:00.000Z")
    reasons = [pb.ReturnReason(target_kind="section", target="profile", reason="发展规划不足600字")]
    error = rpc_error(lambda: call(review_api.ReturnTask, pb.ReturnTaskRequest(task_id=state["tasks"]["zh2"],
                                                                               reasons=reasons), metadata=as_unit(ZHUHUI)))
    assert domain_error(error).code == "return.window_closed" and "2020年10月9日 23:59:59" in error.details()
    result = call(review_api.RejectTask, pb.RejectTaskRequest(task_id=state["tasks"]["zh2"],
                                                              reason="企业简介及发展规划不符合要求"),
                  metadata=as_unit(ZHUHUI))
    assert result.application.status == "rejected"


def test_the_level_needs_its_summary_table_and_its_report(review_api: ReviewStub, tap: EventTap) -> None:
    for key, unit_id in (("zh1", ZHUHUI), ("ht1", HI_TECH), ("ly1", LEIYANG)):
        call(review_api.PassTask, pb.PassTaskRequest(task_id=state["tasks"][key], opinion="材料真实完整，同意推荐"),
             metadata=as_unit(unit_id))
    summary = upload(review_api, ZHUHUI, "summary_table", pdf_bytes("Zhuhui summary"))
    assert not summary.finalised_application_ids
    error = rpc_error(lambda: call(review_api.FinaliseUnit, pb.UnitProgressRequest(programme_id=PROGRAMME,
                                                                                  unit_id=ZHUHUI),
                                   metadata=as_unit(ZHUHUI)))
    assert domain_error(error).code == "summary.missing" and "推荐报告" in error.details()
    assert "推荐汇总表" not in error.details().split("尚未上传")[1].split("原件")[0]
    report = upload(review_api, ZHUHUI, "recommendation_report", pdf_bytes("Zhuhui report"))
    assert list(report.finalised_application_ids) == [state["apps"]["zh1"]]
    assert tap.wait("review.recommended", state["apps"]["zh1"])[0]["data"]["step"]["unit_id"] == ZHUHUI
    progress = call(review_api.FinaliseUnit, pb.UnitProgressRequest(programme_id=PROGRAMME, unit_id=ZHUHUI),
                    metadata=as_unit(ZHUHUI))
    assert progress.recommended == 1 and progress.rejected == 1 and len(progress.uploads) == 2
    for unit_id in (HI_TECH, LEIYANG):
        upload(review_api, unit_id, "summary_table", pdf_bytes(unit_id))
        done = upload(review_api, unit_id, "recommendation_report", pdf_bytes(unit_id))
        assert len(done.finalised_application_ids) == 1


def test_the_city_recognises_and_publishes(review_api: ReviewStub, tap: EventTap, clock: Any) -> None:
    apps = state["apps"]
    complete = tap.wait("review.recommendations_complete", PROGRAMME)[0]["data"]
    assert complete["recommended"] == 3 and complete["unit_ids"] == sorted([ZHUHUI, HI_TECH, LEIYANG])
    clock("2020-10-20T10:00:00+08:00")
    error = rpc_error(lambda: call(review_api.RankRecommended, pb.RankRecommendedRequest(programme_id=PROGRAMME),
                                   metadata=as_unit("unit-430000", "admin")))
    assert error.code() == grpc.StatusCode.PERMISSION_DENIED and "衡阳市工业和信息化局" in error.details()
    ranked = call(review_api.RankRecommended, pb.RankRecommendedRequest(programme_id=PROGRAMME), metadata=CITY_ADMIN)
    assert [r.application_id for r in ranked.ranked] == [apps["ht1"], apps["ly1"], apps["zh1"]]
    assert ranked.target_count == 50 and all(r.within_target for r in ranked.ranked)
    publicity = call(review_api.Recognise, pb.RecogniseRequest(programme_id=PROGRAMME,
                                                               application_ids=[apps["ly1"], apps["ht1"]]),
                     metadata=CITY_ADMIN)
    assert [i.application_id for i in publicity.listed] == [apps["ht1"], apps["ly1"]]  # kept in ranking order
    assert publicity.closes_at == "2020-10-27T15:59:59.000Z"
    clock("2020-10-28T00:00:00+08:00")
    result = call(review_api.Publish, pb.PublishRequest(programme_id=PROGRAMME), metadata=CITY_ADMIN)
    assert [r.recommend_to for r in result.recognised] == ["hunan-2020-little-giant"] * 2
    assert [r.application_id for r in result.not_recognised] == [apps["zh1"]]
    assert tap.wait("review.recognised", apps["ht1"])[0]["data"]["recommend_to"] == "hunan-2020-little-giant"
    history = call(review_api.ListHistory, pb.ListHistoryRequest(application_id=apps["ht1"]), metadata=CITY_ADMIN)
    assert [e.action for e in history.entries][-3:] == ["recommended", "listed", "recognised"]
    assert history.entries[-1].unit_id == "unit-430400" and history.entries[-1].level == 2
