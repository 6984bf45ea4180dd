"""A chain with two reviewing levels (county/park, then city or 省直管县, then the province
recognises): passing a level opens the next level's task; a return at level 2 comes
back to level 2 after correction; each unit acts only on its own level's tasks.

No shipped programme has two reviewing levels, so the module adds one: the Hunan 2020
document with a three-level chain (programmes are data; no code is specific to either).
"""

from __future__ import annotations

import re
from typing import Any

import grpc
import pytest
from review_support import EventTap, as_unit, open_task_of, publish_resubmitted, publish_submitted, snapshot

from harness.clients import call, org_body
from harness.files import pdf as pdf_bytes
from kernel.uscc import make_uscc
from zjtx.config import REPO_ROOT
from zjtx_api import review_pb2 as pb
from zjtx_api.review_pb2_grpc import ReviewStub

PROGRAMME = "test-three-level-chain"
CHAIN = """review_chain:
  - {level: 1, unit_kind: county_or_park, title: 县市区、园区工信部门初审, checks: [真实性, 完整性],
     requires_summary_upload: false, final: false}
  - {level: 2, unit_kind: city_or_direct_county, title: 市州、省财政直管县市工信部门审核, checks: [真实性, 完整性],
     requires_summary_upload: true, final: false}
  - {level: 3, unit_kind: province, title: 湖南省工业和信息化厅择优认定, checks: [], requires_summary_upload: false,
     final: true}

"""


def three_levels() -> str:
    text = (REPO_ROOT / "deploy" / "programmes" / "hunan-2020-little-giant.yaml").read_text(encoding="utf-8")
    text = text.replace("id: hunan-2020-little-giant", f"id: {PROGRAMME}")
    text = re.sub(r"^title: .*$", "title: 三级审核链测试批次", text, count=1, flags=re.MULTILINE)
    return text[:text.index("review_chain:")] + CHAIN + text[text.index("focus_categories:"):]


ISOLATED: dict[str, dict[str, Any]] = {}
EXTRA_PROGRAMMES = {PROGRAMME: three_levels()}
COUNTY, PARK, CITY = "unit-430405", "park-430400-baishazhou", "unit-430400"


def test_passing_a_level_opens_the_next_and_returns_stay_at_their_level(review_api: ReviewStub, amqp_uri: str,
                                                                        tap: EventTap, clock: Any) -> None:
    clock("2020-05-10T10:00:00+08:00")
    county_snap = snapshot(PROGRAMME, name="衡阳珠晖三级链有限公司", uscc=make_uscc("9", "1", "430405", org_body("M")),
                           region="430405", sections={"other": {"two_integration": True}})
    park_snap = snapshot(PROGRAMME, name="白沙洲园区三级链有限公司", uscc=make_uscc("9", "1", "430406", org_body("M")),
                         region="430406", park=PARK, sections={"other": {"two_integration": False}})
    for snap in (county_snap, park_snap):
        publish_submitted(amqp_uri, snap)
    county_app, park_app = county_snap.application_id, park_snap.application_id

    first = open_task_of(review_api, county_app)
    assert (first.unit_id, first.level) == (COUNTY, 1)
    assert open_task_of(review_api, park_app).unit_id == PARK
    result = call(review_api.PassTask, pb.PassTaskRequest(task_id=first.id, opinion="初审通过"), metadata=as_unit(COUNTY))
    assert result.application.status == "in_review" and result.next_task.level == 2
    assert (result.next_task.unit_id, result.next_task.level_title) == (CITY, "市州、省财政直管县市工信部门审核")
    assert tap.wait("review.passed", county_app)[0]["data"]["next_level"] == 2
    assert [e["data"]["step"]["level"] for e in tap.wait("review.task_opened", county_app, count=2)] == [1, 2]

    second = open_task_of(review_api, county_app)
    with pytest.raises(grpc.RpcError) as error:  # the county's part is done: level 2 is the city's
        call(review_api.PassTask, pb.PassTaskRequest(task_id=second.id, opinion="通过"), metadata=as_unit(COUNTY))
    assert error.value.code() == grpc.StatusCode.PERMISSION_DENIED
    call(review_api.ReturnTask, pb.ReturnTaskRequest(task_id=second.id, reasons=[
        pb.ReturnReason(target_kind="attachment", target="photos", reason="缺少主要产品照片")]), metadata=as_unit(CITY))
    county_snap.snapshot_version = 2
    publish_resubmitted(amqp_uri, county_snap, 1, second.id)
    third = open_task_of(review_api, county_app)
    assert (third.unit_id, third.level, third.round) == (CITY, 2, 1)

    call(review_api.PassTask, pb.PassTaskRequest(task_id=third.id, opinion="同意推荐"), metadata=as_unit(CITY))
    done = review_api.UploadSummary(iter([pb.SummaryChunk(programme_id=PROGRAMME, unit_id=CITY, filename="衡阳.pdf",
                                                          data=pdf_bytes("Hengyang"))]), timeout=15,
                                    metadata=as_unit(CITY))
    assert list(done.finalised_application_ids) == [county_app]
    recommended = tap.wait("review.recommended", county_app)[0]["data"]
    assert recommended["step"]["level"] == 2 and recommended["step"]["unit_id"] == CITY
    actions = [(e.action, e.level) for e in call(review_api.ListHistory,
                                                 pb.ListHistoryRequest(application_id=county_app)).entries]
    assert actions == [("submitted", 0), ("task_opened", 1), ("passed", 1), ("task_opened", 2), ("returned", 2),
                       ("resubmitted", 2), ("task_opened", 2), ("passed", 2), ("summary_uploaded", 2),
                       ("recommended", 2)]
