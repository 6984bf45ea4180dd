"""Projections: idempotent, order-insensitive, and the status an application stands in."""

from __future__ import annotations

import itertools
import json
import random
from datetime import datetime, timedelta, timezone

import pytest

from harness.reporting_events import Applicant, applicants, keys_in, programme_event, values_in
from kernel.personal import without_contacts
from reporting.rules.events import ProjectionError, canonical_instant, normalise, parse_time
from reporting.rules.projections import apply, derive, fold
from zjtx.clock import iso

T0 = datetime(2020, 5, 10, 2, 0, tzinfo=timezone.utc)
PROGRAMME = "hunan-2020-little-giant"


def applicant(index: int = 1) -> Applicant:
    return applicants(index + 1, PROGRAMME)[index]


def view(events: list[dict], collection: str = "applications") -> dict:
    normalised = [normalise(e) for e in events]
    return fold(collection, normalised[0].key, normalised)


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


def test_submitted_reviewed_and_recommended() -> None:
    a = applicant()
    doc = view([a.submitted(at(0)), a.task_opened(at(1), "t1"), a.passed(at(2), "t1"), a.recommended(at(3), "t1", 2)])
    assert doc["status"] == "recommended" and doc["level"] == 2
    assert doc["rec_unit_id"] == a.unit_id and doc["rec_rank"] == 2 and doc["in_table"]
    assert doc["uscc"] == a.uscc and doc["enterprise_name"] == a.name
    assert doc["submitted_day"] == "2020-05-10" and doc["unit_ids"] == [a.unit_id]


def test_every_order_of_the_same_events_gives_the_same_document() -> None:
    a = applicant()
    events = [a.submitted(at(0)), a.task_opened(at(1), "t1"), a.returned(at(2), "t1"),
              a.resubmitted(at(3), 1, "t1"), a.task_opened(at(4), "t2", round_number=1), a.passed(at(5), "t2"),
              a.recommended(at(6), "t2", 1)]
    normalised = [normalise(e) for e in events]
    expected = None
    for order in itertools.islice(itertools.permutations(normalised), 0, None, 97):
        state = None
        for event in order:
            state = apply("applications", state, event)
        document = derive("applications", a.application_id, state)
        expected = expected or document
        assert document == expected
    assert expected["status"] == "recommended" and expected["resubmissions"] == 1 and expected["returns"] == 1


def test_equal_times_do_not_change_the_result() -> None:
    """A frozen platform clock gives every event the same time: ids then decide, and the
    view must not depend on them."""
    a = applicant()
    events = [a.submitted(T0), a.task_opened(T0, "t1"), a.passed(T0, "t1")]
    for _ in range(20):
        random.shuffle(events)
        for e in events:
            e["id"] = random.randbytes(8).hex()
        assert view(events)["status"] == "passed"


def test_an_event_applied_twice_changes_nothing() -> None:
    a = applicant()
    events = [normalise(e) for e in (a.submitted(at(0)), a.task_opened(at(1), "t1"), a.passed(at(2), "t1"))]
    state = None
    for event in events:
        state = apply("applications", state, event)
    once = derive("applications", a.application_id, state)
    for event in events:
        state = apply("applications", state, event)
    assert derive("applications", a.application_id, state) == once


@pytest.mark.parametrize(("steps", "status", "level"), [
    (lambda a: [a.submitted(at(0))], "submitted", 1),
    (lambda a: [a.submitted(at(0)), a.task_opened(at(1), "t1")], "in_review", 1),
    (lambda a: [a.submitted(at(0)), a.task_opened(at(1), "t1"), a.returned(at(2), "t1")], "returned", 1),
    (lambda a: [a.submitted(at(0)), a.task_opened(at(1), "t1"), a.returned(at(2), "t1"), a.resubmitted(at(3), 1, "t1")],
     "submitted", 1),
    (lambda a: [a.submitted(at(0)), a.task_opened(at(1), "t1"), a.passed(at(2), "t1")], "passed", 1),
    (lambda a: [a.submitted(at(0)), a.task_opened(at(1), "t1"), a.passed(at(2), "t1", next_level=2)], "in_review", 2),
    (lambda a: [a.submitted(at(0)), a.task_opened(at(1), "t1"), a.rejected(at(2), "t1")], "rejected", 1),
    (lambda a: [a.submitted(at(0)), a.withdrawn(at(1))], "withdrawn", 1),
    (lambda a: [a.submitted(at(0)), a.passed(at(2), "t1"), a.recommended(at(3), "t1", 1), a.recognition(at(4), True, 3)],
     "recognised", 2),
    (lambda a: [a.submitted(at(0)), a.passed(at(2), "t1"), a.recommended(at(3), "t1", 1), a.recognition(at(4), False)],
     "not_recognised", 2),
    (lambda a: [a.task_opened(at(1), "t1")], "pending", 0),
])
def test_status_and_level(steps, status: str, level: int) -> None:
    doc = view(steps(applicant()))
    assert (doc["status"], doc["level"]) == (status, level)
    assert doc["in_table"] == (status in ("recommended", "recognised", "not_recognised"))


def test_passed_application_is_a_draft_row_of_its_unit() -> None:
    a = applicant()
    doc = view([a.submitted(at(0)), a.task_opened(at(1), "t1"), a.passed(at(2), "t1", opinion="同意")])
    assert doc["draft_unit_id"] == a.unit_id and doc["opinion"] == "同意" and not doc["in_table"]


def test_latest_snapshot_wins_whatever_the_order() -> None:
    a = applicant()
    first, second = a.submitted(at(0)), a.resubmitted(at(5), 1, "t1")
    second["data"]["application"]["enterprise"]["name"] = "更名后的企业"
    assert view([second, first])["enterprise_name"] == "更名后的企业"
    assert view([first, second])["first_submitted_at"] == first["data"]["application"]["submitted_at"]


def test_enterprise_profile_keeps_highest_version() -> None:
    a = applicant()
    registered = a.registered(at(0))
    changed = {**registered, "id": "c1", "type": "enterprise.profile_changed", "time": "2020-05-01T00:00:00.000Z",
               "data": {"enterprise_id": a.enterprise_id, "version": 2, "name": "新名称", "region_code": "430104"}}
    for events in ([registered, changed], [changed, registered]):
        doc = view(events, "enterprises")
        assert (doc["name"], doc["uscc"], doc["version"]) == ("新名称", a.uscc, 2)


def test_programme_window_state_and_publicity() -> None:
    opened = programme_event("programme.opened", PROGRAMME, {"title": "批次", "version": 1}, at(0))
    closed = programme_event("programme.closed", PROGRAMME, {"title": "批次", "version": 1}, at(10))
    listed = programme_event("review.publicity_opened", PROGRAMME, {"application_ids": ["a2", "a1"]}, at(20))
    doc = view([closed, listed, opened], "programmes")
    assert doc["state"] == "closed" and doc["publicity_ids"] == ["a2", "a1"]


@pytest.mark.parametrize("mutate", [
    lambda e: e.update(type="application.unknown"),
    lambda e: e.update(source="review"),
    lambda e: e["data"]["application"].update(application_id=""),
    lambda e: e["data"]["application"].update(snapshot_version="many"),
    lambda e: e.update(time="yesterday"),
    lambda e: e.update(data=[1, 2]),
])
def test_malformed_events_are_refused(mutate) -> None:
    event = applicant().submitted(at(0))
    event["subject"] = ""
    mutate(event)
    with pytest.raises(ProjectionError):
        normalise(event)


def test_form_keys_mongo_would_misread_are_refused() -> None:
    event = applicant().submitted(at(0))
    event["data"]["application"]["sections"]["basic"]["$where"] = "1"
    with pytest.raises(ProjectionError):
        apply("applications", None, normalise(event))


def test_instants_written_in_beijing_time_compare_with_utc_ones() -> None:
    a = applicant()
    first = a.submitted(at(0))
    first["data"]["application"]["submitted_at"] = "2020-05-10T10:00:00+08:00"  # = 02:00Z
    later = a.resubmitted(at(30), 1, "t1")
    doc = view([first, later])
    assert doc["first_submitted_at"] == "2020-05-10T02:00:00.000Z" and doc["submitted_day"] == "2020-05-10"


def test_payloads_get_every_field_and_json_names_are_accepted() -> None:
    a = applicant()
    event = a.passed(at(1), "t1")
    step = event["data"]["step"]
    step["applicationId"] = step.pop("application_id")  # the JSON name, as an outside producer may write it
    event["data"]["extra"] = {"ignored": True}
    data = normalise(event).data
    assert data["step"]["application_id"] == a.application_id and "extra" not in data
    assert data["next_level"] == 0 and data["step"]["reviewer"] == "reviewer-1"
    bare = normalise({**a.task_opened(at(2), "t2"), "data": {"step": {"application_id": a.application_id}}}).data
    assert bare["round"] == 0 and bare["due_at"] == "" and bare["step"]["level"] == 0
    assert normalise(event, trusted=True).data == data


def test_contacts_are_dropped_from_a_payload_and_not_filled_in_again_when_it_is_replayed() -> None:
    """A received payload loses every contact and personal value; the archive keeps it so, and a
    replay (``stripped``: not walked again) gets the same data: the fields reporting keeps no value
    of are not filled in with defaults either."""
    event = applicant().submitted(at(0))
    assert {"张三", "13800138000", "法人1"} <= set(values_in(event["data"]))  # the harness's form and contacts
    received = normalise(event)
    assert not {"张三", "13800138000", "法人1"} & set(values_in(received.data))
    assert not {"contact", "contact_name", "legal_representative"} & set(keys_in(received.data))
    archived = {**event, "data": json.loads(json.dumps(without_contacts(event["data"])))}
    assert normalise(archived, trusted=True, stripped=True).data == received.data


@pytest.mark.parametrize("text", ["2020-05-10T02:00:00.000Z", "2020-05-10T10:00:00+08:00", "2020-05-10T02:00:00Z",
                                  "2020-05-10T02:00:00.123456+00:00", "2020-05-10T02:00:00.5Z"])
def test_an_instant_is_written_one_way_whatever_form_it_came_in(text: str) -> None:
    assert canonical_instant(text) == iso(parse_time(text)) == canonical_instant(text, parse_time(text))


@pytest.mark.parametrize("text", ["2020-13-45T02:00:00.000Z", "2020-05-10T02:00:00.000", "yesterday"])
def test_what_is_no_instant_is_refused_also_in_the_canonical_form(text: str) -> None:
    with pytest.raises(ProjectionError):
        canonical_instant(text)
