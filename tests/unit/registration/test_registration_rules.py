"""Registration's plain rules: the programme model, section values, completeness, gates,
the window, the application's states, snapshots and access."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest
from registration_programme import PLEDGE_TEXT, message, programme

from kernel.divisions import division_within
from kernel.programme import ProgrammeModelError, programme_from_message
from registration.rules.access import check_read, check_register, check_write, list_scope
from registration.rules.applications import (
    DRAFT,
    IN_REVIEW,
    RECOGNISED,
    RETURNED,
    SUBMITTED,
    WITHDRAWN,
    Reopened,
    beijing,
    can_edit,
    check_can_apply,
    check_resubmit,
    check_signer,
    check_withdraw,
    review_change,
)
from registration.rules.completeness import assess, pledge_text_hash
from registration.rules.snapshots import build_snapshot, canonical, canonical_json, content_hash
from registration.rules.values import check_field, missing_required, section_input, section_problems
from zjtx.errors import DomainError
from zjtx.grpc_support import Caller

SHANGHAI = timezone(timedelta(hours=8))
OPEN = datetime(2020, 5, 1, 10, tzinfo=SHANGHAI)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


# --------------------------------------------------------------------------- the model


def test_the_model_is_read_from_reviews_message() -> None:
    p = programme()
    assert (p.id, p.version, p.owner, p.max_return_rounds) == ("test-2020", 3, "430400", 2)
    assert [s.id for s in p.sections] == ["basic", "other"]
    assert p.section("basic").field("staff").min == Decimal(0)  # type: ignore[union-attr]
    assert p.attachment("photos").media_types == ("image/png",)  # type: ignore[union-attr]
    assert p.gates[0].operand is True and p.gates[1].operand == Decimal("100.5")
    assert p.focus_field == "basic.focus"
    assert p.section("nope") is None and p.attachment("nope") is None


def test_an_unusable_message_is_refused() -> None:
    broken = message()
    broken.sections[0].fields[0].type = "strng"
    with pytest.raises(ProgrammeModelError, match="strng"):
        programme_from_message(broken)
    naive = message()
    naive.window.closes_at = "2020-05-15T23:59:59"
    with pytest.raises(ProgrammeModelError):
        programme_from_message(naive)


@pytest.mark.parametrize(("moment", "state"), [
    ("2020-03-29T23:59:59+08:00", "not_open"),
    ("2020-03-30T00:00:00+08:00", "open"),
    ("2020-05-15T23:59:58+08:00", "open"),
    ("2020-05-15T23:59:59.999+08:00", "open"),   # closes_at is the last accepted second
    ("2020-05-16T00:00:00+08:00", "closed"),
    ("2020-05-15T15:59:59+00:00", "open"),       # the same instants in UTC
    ("2020-05-15T16:00:00+00:00", "closed"),
])
def test_the_window_in_shanghai_time_to_the_second(moment: str, state: str) -> None:
    assert programme().window_state(at(moment)) == state


def test_naive_times_are_refused() -> None:
    with pytest.raises(ValueError):
        programme().window_state(datetime(2020, 5, 1))


def test_jurisdiction() -> None:
    assert division_within("430405", "430400") and division_within("430405", "430000")
    assert not division_within("430104", "430400") and not division_within("", "430400")
    assert programme().covers_region("430481") and not programme().covers_region("430104")


# --------------------------------------------------------------------------- values


def test_a_section_is_checked_and_normalised() -> None:
    basic = programme().section("basic")
    assert basic is not None
    stored, problems = section_input(basic, {"name": "张三", "founded": " 2010-01-02 ", "staff": 12.0,
                                             "focus": "a", "phone": ""})
    assert problems == []
    assert stored == {"name": "张三", "founded": "2010-01-02", "staff": 12, "focus": "a"}  # blank left out
    assert isinstance(stored["staff"], int)
    assert [v.field for v in missing_required(basic, {"name": "张三"})] == [
        "sections.basic.founded", "sections.basic.staff", "sections.basic.focus"]


@pytest.mark.parametrize(("values", "expected"), [
    ({"name": "一二三四五六七八九十十"}, {"name": "max_length"}),
    ({"founded": "2020-02-30"}, {"founded": "date"}),
    ({"founded": "20200101"}, {"founded": "date"}),
    ({"staff": -1}, {"staff": "min"}),
    ({"staff": 1.5}, {"staff": "integer"}),
    ({"staff": "12"}, {}),                      # numeric text is a number
    ({"staff": True}, {"staff": "type"}),       # a boolean is not a number
    ({"staff": float("nan")}, {"staff": "type"}),
    ({"focus": "c"}, {"focus": "option"}),
    ({"phone": "abc"}, {"phone": "pattern"}),
    ({"name": "张\n三"}, {"name": "control_char"}),
    ({"$where": "1", "a.b": 2}, {"$where": "unknown_field", "a.b": "unknown_field"}),
])
def test_value_errors_are_named_by_field(values: dict, expected: dict) -> None:
    basic = programme().section("basic")
    assert basic is not None
    _, problems = section_input(basic, values)
    assert {v.field.removeprefix("sections.basic."): v.code for v in problems} == expected
    assert all(v.message for v in problems)


def test_other_types() -> None:
    other = programme().section("other")
    assert other is not None
    stored, problems = section_input(other, {"cloud": False, "revenue": 100000, "tags": ["x", "y"],
                                             "story": "一二 三四\n五"})
    assert problems == [] and stored["cloud"] is False and stored["revenue"] == 100000
    _, problems = section_input(other, {"cloud": "true", "revenue": 100000.01, "tags": ["x", "x"],
                                        "story": "短 短 短 短"})  # whitespace never counts
    assert {v.field.removeprefix("sections.other."): v.code for v in problems} == {
        "cloud": "type", "revenue": "max", "tags": "duplicate_option", "story": "min_length"}
    _, problems = section_input(other, {"revenue": 1.23456789012345678, "tags": "x"})
    assert {v.code for v in problems} == {"precision", "type"}


def test_messages_are_the_ported_chinese_ones() -> None:
    p = programme()
    staff = p.section("basic").field("staff")  # type: ignore[union-attr]
    assert check_field(staff, None) == [("required", "请填写“从业人员数”")]
    assert check_field(staff, -3) == [("min", "“从业人员数”不能小于0人")]
    story = p.section("other").field("story")  # type: ignore[union-attr]
    assert check_field(story, "一二三") == [("min_length", "“企业简介”不少于5字（当前3字）")]


def test_saved_data_is_rechecked_at_submission() -> None:
    basic = programme().section("basic")
    assert basic is not None
    problems = section_problems(basic, {"name": "张三", "founded": "2010-01-02", "staff": 3, "focus": "zz", "old": 1})
    assert {v.field: v.code for v in problems} == {"sections.basic.focus": "option", "sections.basic.old": "unknown_field"}


# --------------------------------------------------------------------------- completeness


def complete_sections() -> dict:
    return {"basic": {"version": 1, "data": {"name": "张三", "founded": "2010-01-02", "staff": 3, "focus": "a"}},
            "other": {"version": 2, "data": {"cloud": True, "revenue": 200}}}


def signed() -> dict:
    return {"signer_name": "张三", "text_sha256": pledge_text_hash(PLEDGE_TEXT)}


def test_a_complete_application_in_the_window() -> None:
    result = assess(programme(), complete_sections(), {"licence": 1}, signed(), OPEN)
    assert result.complete and result.submittable and result.problems == []


def test_every_reason_at_once() -> None:
    sections = complete_sections()
    del sections["basic"]
    sections["other"]["data"] = {"cloud": False, "revenue": 50}
    result = assess(programme(), sections, {"photos": 1}, None, at("2020-05-16T00:00:00+08:00"))
    assert [(v.field, v.code) for v in result.problems] == [
        ("sections.basic", "section_missing"),
        ("attachments.licence", "attachment_missing"),
        ("attachments.photos", "attachment_missing"),  # optional, but once given the bounds apply
        ("pledge", "pledge_missing"),
        ("gates.cloud", "gate"),
        ("gates.big", "gate"),
        ("window", "window_closed"),
    ]
    assert result.problems[-1].message.startswith("“测试批次”申报已于2020年5月15日23:59:59（北京时间）截止")


def test_a_missing_value_fails_its_gate_and_a_changed_pledge_must_be_signed_again() -> None:
    sections = complete_sections()
    del sections["other"]["data"]["revenue"]
    outdated = {"signer_name": "张三", "text_sha256": hashlib.sha256(b"old text").hexdigest()}
    result = assess(programme(), sections, {"licence": 1}, outdated, OPEN)
    assert [(v.field, v.code) for v in result.problems] == [("pledge", "pledge_outdated"), ("gates.big", "gate")]


def test_too_many_files() -> None:
    result = assess(programme(), complete_sections(), {"licence": 2}, signed(), OPEN)
    assert [(v.field, v.code) for v in result.problems] == [("attachments.licence", "attachment_too_many")]


# --------------------------------------------------------------------------- states


def test_what_may_be_edited() -> None:
    reopened = Reopened(frozenset({"basic"}), frozenset({"photos"}), False)
    assert can_edit(DRAFT, Reopened(), "section", "other")
    assert can_edit(RETURNED, reopened, "section", "basic") and not can_edit(RETURNED, reopened, "section", "other")
    assert can_edit(RETURNED, reopened, "attachment", "photos") and not can_edit(RETURNED, reopened, "pledge")
    assert not can_edit(SUBMITTED, reopened, "section", "basic")


def test_review_events() -> None:
    opened = review_change("review.task_opened", SUBMITTED, 0, {"level": 1, "unit_name": "衡阳市工业和信息化局"})
    assert opened.status == IN_REVIEW and opened.set["review"]["level"] == 1
    corrections = [{"target_kind": "section", "target": "basic", "target_title": "基本情况", "reason": "错"},
                   {"target_kind": "pledge", "target": "pledge", "target_title": "承诺", "reason": "重签"}]
    back = review_change("review.returned", IN_REVIEW, 0, {"round": 1, "corrections": corrections})
    assert back.status == RETURNED and back.set["return_round"] == 1
    assert back.set["reopened"] == {"sections": ["basic"], "attachments": [], "pledge": True}
    # the same round again, a task opened before the return, anything after a final decision: ignored
    assert review_change("review.returned", RETURNED, 1, {"round": 1}).ignored
    assert review_change("review.task_opened", RETURNED, 1, {"round": 0}).ignored
    assert not review_change("review.task_opened", "resubmitted", 1, {"round": 1}).ignored
    assert review_change("review.rejected", WITHDRAWN, 0, {}).ignored
    assert review_change("review.recognised", "recommended", 0, {"rank": 3}).status == RECOGNISED


def test_resubmission_and_withdrawal_rules() -> None:
    p = programme()
    assert check_resubmit(p, RETURNED, 1, None, OPEN) == []
    assert [v.code for v in check_resubmit(p, RETURNED, 3, None, OPEN)] == ["rounds_exhausted"]
    assert [v.code for v in check_resubmit(p, RETURNED, 1, at("2020-05-01T09:00:00+08:00"), OPEN)] == [
        "resubmit_deadline"]
    assert [v.code for v in check_resubmit(p, IN_REVIEW, 1, None, OPEN)] == ["not_returned"]
    assert check_withdraw(IN_REVIEW, "  不再申报 ") == "不再申报"
    for status in (DRAFT, RECOGNISED, "rejected"):
        with pytest.raises(DomainError):
            check_withdraw(status, "")
    with pytest.raises(DomainError):
        check_withdraw(SUBMITTED, "x" * 501)


def test_applying() -> None:
    check_can_apply(programme(), "430405", "湖南省 衡阳市 珠晖区", OPEN)
    with pytest.raises(DomainError) as refused:
        check_can_apply(programme(), "430104", "湖南省 长沙市 岳麓区", at("2020-06-01T00:00:00+08:00"))
    assert [v.code for v in refused.value.violations] == ["outside_jurisdiction", "window_closed"]


def test_the_pledge_needs_a_named_signer() -> None:
    assert check_signer(" 张三 ", "") == ("张三", "")
    with pytest.raises(DomainError) as refused:
        check_signer("  ", "x" * 31)
    assert {v.field for v in refused.value.violations} == {"signer_name", "signer_title"}


def test_beijing_time_in_messages() -> None:
    assert beijing(datetime(2020, 5, 15, 15, 59, 59, tzinfo=timezone.utc)) == "2020年5月15日23:59:59（北京时间）"


# --------------------------------------------------------------------------- snapshots


def test_canonical_form_and_hash() -> None:
    assert canonical({"b": 3.0, "a": [1.5, True, None]}) == {"b": 3, "a": [1.5, True, None]}
    assert canonical_json({"b": 3.0, "a": "湘"}) == '{"a":"湘","b":3}'
    sections = {"basic": {"staff": 3}}
    assert content_hash(sections, [], {}) == content_hash({"basic": {"staff": 3.0}}, [], {})
    assert content_hash(sections, [], {}) != content_hash({"basic": {"staff": 4}}, [], {})
    with pytest.raises(ValueError):
        canonical(float("nan"))


def test_a_snapshot_is_plain_frozen_data() -> None:
    p = programme()
    attachments = [{"_id": "b", "kind": "photos", "filename": "p.png", "media_type": "image/png", "size": 5,
                    "sha256": "x", "seq": 1},
                   {"_id": "a", "kind": "licence", "filename": "l.pdf", "media_type": "application/pdf", "size": 7,
                    "sha256": "y", "seq": 2}]
    snapshot = build_snapshot(application_id="app", programme=p, enterprise={"enterprise_id": "e"},
                              sections={"basic": {"focus": "b", "staff": 2.0}}, attachments=attachments,
                              pledge={"signer_name": "张三", "signed_at": "2020-05-01T02:00:00.000Z", "extra": 1},
                              version=1, submitted_at="s", first_submitted_at="s")
    assert [a["kind"] for a in snapshot["attachments"]] == ["licence", "photos"]  # programme order
    assert snapshot["focus_category"] == "b" and snapshot["sections"]["basic"]["staff"] == 2
    assert set(snapshot["pledge"]) == {"signer_name", "signer_title", "signed_at", "text_sha256"}
    assert snapshot["content_hash"] == content_hash(snapshot["sections"], snapshot["attachments"], snapshot["pledge"])
    json.dumps(snapshot)  # plain JSON data throughout


# --------------------------------------------------------------------------- access


def test_access() -> None:
    system = Caller()
    owner = Caller(subject="u1", role="enterprise", enterprise_id="e1")
    reviewer = Caller(subject="r1", role="reviewer", unit="unit-430400")
    check_write(system, "e1")
    check_write(owner, "e1")
    for caller, enterprise in ((owner, "e2"), (reviewer, "e1"), (Caller(role="operations"), "e1")):
        with pytest.raises(DomainError):
            check_write(caller, enterprise)
    check_read(reviewer, "snapshot", "e1", region_code="430405", unit_division="430400")
    with pytest.raises(DomainError):
        check_read(reviewer, "snapshot", "e1", region_code="430104", unit_division="430400")
    with pytest.raises(DomainError):
        check_read(reviewer, "snapshot", "e1", submitted=False, region_code="430405", unit_division="430400")
    check_read(Caller(role="operations"), "history", "e1")
    with pytest.raises(DomainError):
        check_read(Caller(role="operations"), "snapshot", "e1")
    assert list_scope(owner, "") == "e1" and list_scope(system, "") == ""
    check_register(Caller(role="enterprise"))
    with pytest.raises(DomainError):
        check_register(owner)
    with pytest.raises(DomainError):
        check_register(reviewer)
