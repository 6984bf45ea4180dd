"""A programme with a scoring rubric (hunan-2022-innovative-sme, the MIIT 2022 创新型中小企业
standard as data): review scores each snapshot, the owner ranks by score, and only
applications that meet the standard (score and minimums, or a direct-pass route) may be
recognised. Over gRPC with the real broker and database."""

from __future__ import annotations

from typing import Any

import grpc
import pytest
from review_support import as_unit, open_task_of, publish_submitted, snapshot

from harness.clients import call, domain_error, org_body
from harness.files import pdf as pdf_bytes
from kernel.uscc import make_uscc
from zjtx_api import review_pb2 as pb
from zjtx_api.review_pb2_grpc import ReviewStub

PROGRAMME = "hunan-2022-innovative-sme"
ISOLATED: dict[str, dict[str, Any]] = {}
CS = "unit-430100"
PROVINCE_ADMIN = as_unit("unit-430000", "admin", "admin-hunan")


def figures(ip: str, rnd: int, main21: int, main20: int, liabilities: int, domain: str, award: bool = False) -> dict:
    return {
        "innovation": {"ip_class": ip, "rnd_expense_2021": rnd, "invention_patents": 1},
        "economic": {"operating_revenue_2021": 10000, "main_revenue_2021": main21, "main_revenue_2020": main20,
                     "total_assets_2021": 10000, "total_liabilities_2021": liabilities},
        "specialisation": {"product_domain": domain},
        "direct": {"science_award": award, "qualification": False, "rnd_institution": False, "equity_financing_3y": 0},
        "other": {"two_integration": False},
    }


# key: (figures, expected total)
APPLICANTS = {
    "top": (figures("class_i_high_value", 600, 9000, 7000, 4000, "strategic_emerging"), 100),
    "pass": (figures("class_i", 300, 8000, 7200, 6000, "other"), 65),
    "award": (figures("none", 100, 10000, 9000, 5000, "other", award=True), 50),
    "low": (figures("class_ii", 200, 5200, 4952, 8000, "other"), 30),
}


def test_rubric_scores_rank_and_gate_recognition(review_api: ReviewStub, amqp_uri: str, clock: Any) -> None:
    clock("2022-09-10T10:00:00+08:00")
    apps = {}
    for key, (data, _) in APPLICANTS.items():
        snap = snapshot(PROGRAMME, name=f"长沙{key}创新科技有限公司", uscc=make_uscc("9", "1", "430104", org_body("R")),
                        region="430104", sections=data, submitted_at="2022-09-01T02:00:00.000Z")
        apps[key] = snap.application_id
        publish_submitted(amqp_uri, snap)
    for key, (_, total) in APPLICANTS.items():
        task = open_task_of(review_api, apps[key])
        assert task.score == str(total), key
        call(review_api.PassTask, pb.PassTaskRequest(task_id=task.id, opinion="自评数据经核实"), metadata=as_unit(CS))
    done = review_api.UploadSummary(iter([pb.SummaryChunk(programme_id=PROGRAMME, unit_id=CS, filename="长沙.pdf",
                                                          data=pdf_bytes("Changsha 2022"))]),
                                    timeout=15, metadata=as_unit(CS))
    assert len(done.finalised_application_ids) == 4

    clock("2022-10-20T10:00:00+08:00")
    ranked = call(review_api.RankRecommended, pb.RankRecommendedRequest(programme_id=PROGRAMME), metadata=PROVINCE_ADMIN)
    assert [r.application_id for r in ranked.ranked] == [apps["top"], apps["pass"], apps["award"], apps["low"]]
    assert [r.score for r in ranked.ranked] == ["100", "65", "50", "30"]
    assert [r.rubric_passed for r in ranked.ranked] == [True, True, True, False]
    assert [r.within_target for r in ranked.ranked] == [True, True, True, False]  # no target: all who meet the standard
    assert "符合直通条件：近三年内获得过国家级、省级科技奖励" in ranked.ranked[2].rubric_note
    assert "创新能力10分，低于最低要求20分" in ranked.ranked[3].rubric_note and ranked.target_count == 0

    with pytest.raises(grpc.RpcError) as error:
        call(review_api.Recognise, pb.RecogniseRequest(programme_id=PROGRAMME, application_ids=list(apps.values())),
             metadata=PROVINCE_ADMIN)
    violation = domain_error(error.value).violations[0]
    assert violation.field == "application_ids[3]" and "未达到评价标准：总分30分（及格线60分）" in violation.message
    publicity = call(review_api.Recognise, pb.RecogniseRequest(
        programme_id=PROGRAMME, application_ids=[apps["award"], apps["top"], apps["pass"]]), metadata=PROVINCE_ADMIN)
    assert [(i.application_id, i.score) for i in publicity.listed] == [
        (apps["top"], "100"), (apps["pass"], "65"), (apps["award"], "50")]


def test_self_assessment_is_the_score_reviewers_see(review_api: ReviewStub, amqp_uri: str, clock: Any) -> None:
    """The enterprise's live score of its form data and the reviewers' score of the snapshot
    come from the same rule over gRPC, and equal the score the task carries."""
    import json

    from review_support import as_enterprise

    clock("2022-09-10T10:00:00+08:00")
    data, total = APPLICANTS["pass"]
    live = call(review_api.Assess, pb.AssessRequest(programme_id=PROGRAMME, sections_json=json.dumps(data)),
                metadata=as_enterprise("ent-self-assessment"))
    assert (live.total, live.pass_line, live.passed) == (total, 60, True)
    growth = next(i for i in live.indicators if i.id == "revenue_growth")
    assert (growth.points, growth.value) == (15, "2021年主营业务收入较2020年主营业务收入的增长率 11.1%")
    assert list(growth.hints) == ["2021年主营业务收入较2020年主营业务收入的增长率达到15%以上可得20分"]

    snap = snapshot(PROGRAMME, name="长沙自评创新科技有限公司", uscc=make_uscc("9", "1", "430104", org_body("A")),
                    region="430104", sections=data, submitted_at="2022-09-01T02:00:00.000Z")
    publish_submitted(amqp_uri, snap)
    task = open_task_of(review_api, snap.application_id)
    seen = call(review_api.Assess, pb.AssessRequest(application_id=snap.application_id), metadata=as_unit(CS))
    assert str(seen.total) == task.score == str(total) and seen.application_id == snap.application_id
    assert [(i.id, i.points) for i in seen.indicators] == [(i.id, i.points) for i in live.indicators]
    with pytest.raises(grpc.RpcError) as error:  # another city's reviewers do not reach it
        call(review_api.Assess, pb.AssessRequest(application_id=snap.application_id),
             metadata=as_unit("unit-430200"))
    assert error.value.code() == grpc.StatusCode.PERMISSION_DENIED
    with pytest.raises(grpc.RpcError) as error:
        call(review_api.Assess, pb.AssessRequest(programme_id="hunan-2020-little-giant", sections_json="{}"),
             metadata=as_enterprise("ent-self-assessment"))
    assert domain_error(error.value).code == "assessment.no_rubric"
    with pytest.raises(grpc.RpcError) as error:
        call(review_api.Assess, pb.AssessRequest(programme_id=PROGRAMME, sections_json="[1]"),
             metadata=as_enterprise("ent-self-assessment"))
    assert error.value.code() == grpc.StatusCode.INVALID_ARGUMENT
