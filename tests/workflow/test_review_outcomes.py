"""Outcomes the notices publish, in process: a 典型案例 chosen from valid recognitions, and the
产融合作“白名单” recommendation list of valid recognitions and the active 后备 pool."""

from __future__ import annotations

from datetime import datetime

import pytest
from test_review_reserve import publish_hunan, recommended
from workflow_support import outbox

from review import outcomes, storage, validity
from zjtx.errors import DomainError
from zjtx.mongo import StoreHandle
from zjtx_api import review_pb2

LATER = datetime.fromisoformat("2021-04-01T10:00:00+08:00")


@pytest.fixture
def review(open_store) -> StoreHandle:
    return open_store("review", storage.INDEXES)


def test_typical_cases_and_the_whitelist(review: StoreHandle) -> None:
    for key in ("A", "B", "C"):
        recommended(review, key, "430405")
    publish_hunan(review, ["app-A-iant", "app-B-iant"])          # C stays in the 后备 pool
    review.transact(lambda unit: validity.revoke(unit, "hunan-2020-little-giant:ent-B", "弄虚作假", "admin", LATER))

    with pytest.raises(DomainError) as error:                     # a revoked recognition is no example
        review.transact(lambda unit: outcomes.select_case(unit, "hunan-2020-little-giant:ent-B", "标题", "简介",
                                                          "admin", LATER))
    assert error.value.code == "recognition.not_valid"
    review.transact(lambda unit: outcomes.select_case(
        unit, "hunan-2020-little-giant:ent-A", "深耕智能装备细分领域", "十年专注仓储物流装备……", "admin", LATER))
    [case] = outcomes.list_cases(review.db, "430000")
    assert (case["enterprise"]["name"], case["title"]) == ("A科技有限公司", "深耕智能装备细分领域")
    [event] = outbox(review, "review.typical_case_selected")
    assert event.payload(review_pb2.TypicalCase).title == "深耕智能装备细分领域" and event.subject == "ent-A"

    batch = review.transact(lambda unit: outcomes.recommend_whitelist(unit, "430000", "2021年第一批", True, "admin",
                                                                      LATER))
    assert [(e.enterprise.name, e.basis) for e in batch.entries] == [("A科技有限公司", "recognised"),
                                                                    ("C科技有限公司", "reserve")]
    assert batch.entries[0].valid_until == "2023-06-09T15:59:59.000Z"
    [announced] = outbox(review, "review.whitelist_recommended")
    assert len(announced.payload(review_pb2.WhitelistBatch).entries) == 2
    only_recognised = review.transact(lambda unit: outcomes.recommend_whitelist(unit, "430000", "", False, "admin",
                                                                                LATER))
    assert [e.enterprise.name for e in only_recognised.entries] == ["A科技有限公司"]
