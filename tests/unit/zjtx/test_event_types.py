"""The event registry: event type <-> payload message, read from proto/."""

from __future__ import annotations

import pytest

from reporting.rules.events import CONSUMED as REPORTING_CONSUMED
from reporting.rules.projections import _APPLIERS
from reporting.service import ReportingService
from zjtx import event_types
from zjtx.events import handler_name
from zjtx_api import notification_pb2, registration_pb2, review_pb2


def test_every_documented_event_has_its_payload_and_source() -> None:
    registry = event_types.registry()
    assert registry["review.task_opened"].payload is review_pb2.TaskOpened
    assert registry["application.submitted"].source == "registration"
    assert event_types.types_of(review_pb2.Recognition) == ["review.recognised", "review.not_recognised", "review.expired"]
    assert event_types.type_of(registration_pb2.ApplicationWithdrawn()) == "application.withdrawn"
    assert {e.source for e in registry.values()} == {"registration", "review", "notification", "reporting"}
    # after recognition (issue 19): the pool, validity (three), 典型案例, 白名单, 调度 reports
    after = {"review.reserve_listed", "review.recognition_renewed", "review.recognition_lapsed",
             "review.recognition_revoked", "review.typical_case_selected", "review.whitelist_recommended",
             "registration.operating_report_submitted"}
    # erasure after the archive period (issue 25)
    after.add("registration.personal_data_erased")
    assert after <= set(registry) and len(registry) == 25 + len(after)
    assert registry["registration.operating_report_submitted"].source == "registration"
    assert registry["registration.personal_data_erased"].payload is registration_pb2.PersonalDataErased


def test_a_shared_payload_must_be_named_and_an_unknown_type_is_refused() -> None:
    with pytest.raises(event_types.UnknownEventType, match="name the type"):
        event_types.type_of(notification_pb2.DeliveryOutcome())
    with pytest.raises(event_types.UnknownEventType, match="review.task_opened"):
        event_types.event("review.task_opend")


def test_reporting_declares_its_events_once_and_handles_each() -> None:
    assert set(_APPLIERS) == set(REPORTING_CONSUMED) and len(REPORTING_CONSUMED) == 19
    for event_type in REPORTING_CONSUMED:
        handler = getattr(ReportingService, handler_name(event_type))
        assert handler.__qualname__ == f"ReportingService.{handler_name(event_type)}"
        (entrypoint,) = handler.nameko_entrypoints
        assert (entrypoint.source_service, entrypoint.event_type) == (event_types.source_of(event_type), event_type)
