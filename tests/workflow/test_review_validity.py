"""Recognitions after publication, in process: publication records each recognition with its
validity; the owner's admin revokes one with a reason; a 复核 cycle in 2023 renews those it
recognises again on the current rules; the clock lapses the rest at their end, with notice."""

from __future__ import annotations

from datetime import datetime

import pytest
from test_review_reserve import publish_hunan, recommended
from workflow_support import PROVINCE_UNIT, catalogue, outbox, reviewer

from review import recognition, storage, validity, workflow
from zjtx.errors import DomainError
from zjtx.mongo import StoreHandle
from zjtx_api import review_pb2

REVIEW_2023 = "hunan-2023-little-giant-review"


@pytest.fixture
def review(open_store) -> StoreHandle:
    return open_store("review", storage.INDEXES)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def changes(review: StoreHandle, change: str) -> list[review_pb2.RecognitionChanged]:
    return [e.payload(review_pb2.RecognitionChanged) for e in outbox(review, f"review.recognition_{change}")]


def test_validity_revocation_renewal_and_lapse(review: StoreHandle) -> None:
    for key in ("A", "B", "C"):
        recommended(review, key, "430405")
    publish_hunan(review, ["app-A-iant", "app-B-iant", "app-C-iant"])   # published 2020-06-10
    records = validity.list_records(review.db, "430000")
    assert [(r["enterprise"]["name"], r["status"], r["validity_years"]) for r in records] == [
        ("A科技有限公司", "valid", 3), ("B科技有限公司", "valid", 3), ("C科技有限公司", "valid", 3)]
    assert validity.record_message(records[0]).valid_until == "2023-06-09T15:59:59.000Z"  # 2023-06-09 23:59:59 Beijing

    # 2021: C is revoked with a reason; a second revocation and a blank reason are refused
    with pytest.raises(DomainError) as error:
        review.transact(lambda unit: validity.revoke(unit, "hunan-2020-little-giant:ent-C", "  ", "admin",
                                                     at("2021-03-01T10:00:00+08:00")))
    assert error.value.code == "reason.required"
    review.transact(lambda unit: validity.revoke(unit, "hunan-2020-little-giant:ent-C", "发生重大安全生产事故",
                                                 "admin", at("2021-03-01T10:00:00+08:00")))
    [revoked] = changes(review, "revoked")
    assert (revoked.reason, revoked.recognition.status) == ("发生重大安全生产事故", "revoked")
    assert "撤销理由：发生重大安全生产事故" in revoked.notice
    with pytest.raises(DomainError) as error:
        review.transact(lambda unit: validity.revoke(unit, "hunan-2020-little-giant:ent-C", "再次撤销", "admin",
                                                     at("2021-03-02T10:00:00+08:00")))
    assert error.value.code == "recognition.not_valid"

    # 2023 复核: A applies and is recognised again on the current rules; B does not take part
    renewing = recommended(review, "A", "430405", programme_id=REVIEW_2023)
    programme = catalogue().programme(REVIEW_2023)
    admin = reviewer(PROVINCE_UNIT, "admin")
    review.transact(lambda unit: recognition.recognise(
        unit, workflow.Context(catalogue(), admin, at("2023-05-05T10:00:00+08:00")), programme, [renewing]))
    review.transact(lambda unit: recognition.publish(
        unit, workflow.Context(catalogue(), admin, at("2023-05-20T10:00:00+08:00")), programme))
    [renewed] = changes(review, "renewed")
    assert renewed.recognition.enterprise.name == "A科技有限公司"
    assert renewed.recognition.valid_until == "2026-06-09T15:59:59.000Z"
    assert renewed.recognition.rules_id == "miit-2022-specialised-sme"
    assert [r.programme_id for r in renewed.recognition.renewals] == [REVIEW_2023]
    assert len(validity.list_records(review.db, "430000")) == 3  # the 复核 records no recognition of its own

    # the clock: nothing lapses on the last valid day; B lapses the day after, with notice
    assert review.transact(lambda unit: validity.lapse_due(unit, at("2023-06-09T23:59:59+08:00"))) == 0
    assert review.transact(lambda unit: validity.lapse_due(unit, at("2023-06-10T00:00:01+08:00"))) == 1
    [lapsed] = changes(review, "lapsed")
    assert lapsed.recognition.enterprise.name == "B科技有限公司" and "未通过复核续期，认定自动失效" in lapsed.notice
    statuses = {r["enterprise"]["name"]: r["status"] for r in validity.list_records(review.db, "430000")}
    assert statuses == {"A科技有限公司": "valid", "B科技有限公司": "lapsed", "C科技有限公司": "revoked"}
    expiring = validity.list_records(review.db, "430000", expiring_before=at("2026-07-01T00:00:00+08:00"))
    assert [r["enterprise"]["name"] for r in expiring] == ["A科技有限公司"]
