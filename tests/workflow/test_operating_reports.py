"""定期调度 in process: recognised and 后备 enterprises file quarterly operating reports in each
period's window (correcting within it); others and late ones are refused with the reason; the
event is written; a unit sees its late filers."""

from __future__ import annotations

from datetime import datetime

import pytest
from google.protobuf import struct_pb2
from workflow_support import draft, outbox, registration_ctx, reviewer

from registration import operating_reports
from registration import storage as registration_storage
from zjtx.errors import DomainError
from zjtx.mongo import StoreHandle
from zjtx_api import registration_pb2 as pb

HUNAN = "hunan-2020-little-giant"
IN_Q1_WINDOW = datetime.fromisoformat("2021-04-10T10:00:00+08:00")
FIGURES = {"operating_revenue": 5230.5, "total_profit": -12, "rnd_expense": 260, "employees": 182,
           "export_value": 0, "new_invention_patents": 1}


@pytest.fixture
def registration(open_store) -> StoreHandle:
    return open_store("registration", registration_storage.INDEXES)


def settled(store: StoreHandle, status: str, reason: str = "", region: str = "430405") -> tuple[str, str]:
    """An enterprise whose Hunan 2020 application ended ``status`` (as review's events leave it)."""
    as_enterprise, application = draft(store, region=region)
    store.db.applications.update_one({"_id": application["_id"]},
                                     {"$set": {"status": status, "decision_reason": reason}})
    return application["enterprise_id"], as_enterprise.caller.subject


def report(store: StoreHandle, enterprise_id: str, at: datetime, period: str = "2021-Q1",
           figures: dict | None = None, note: str = "") -> pb.OperatingReport:
    from workflow_support import enterprise_caller

    data = struct_pb2.Struct()
    data.update(figures or FIGURES)
    ctx = registration_ctx(store, enterprise_caller(enterprise_id), at)
    request = pb.SubmitOperatingReportRequest(enterprise_id=enterprise_id, programme_id=HUNAN, period=period,
                                              figures=data, note=note)
    return operating_reports.submit(ctx, request, dict(figures or FIGURES))


def test_recognised_and_reserve_enterprises_report_in_the_window(registration: StoreHandle) -> None:
    recognised, _ = settled(registration, "recognised")
    reserve, _ = settled(registration, "not_recognised", "未列入择优认定名单")
    removed, _ = settled(registration, "not_recognised", "公示期间异议成立：数据不实")

    filed = report(registration, recognised, IN_Q1_WINDOW, note="一季度订单饱满")
    assert (filed.period_label, filed.basis, filed.version) == ("2021年第1季度", "recognised", 1)
    assert dict(filed.figures) == {"operating_revenue": "5230.5", "total_profit": "-12", "rnd_expense": "260",
                                   "employees": "182", "export_value": "0", "new_invention_patents": "1"}
    assert filed.window_closes_at == "2021-04-15T15:59:59.000Z"
    again = report(registration, recognised, IN_Q1_WINDOW, figures={**FIGURES, "employees": 185})
    assert again.version == 2 and again.figures["employees"] == "185"
    assert report(registration, reserve, IN_Q1_WINDOW).basis == "reserve"
    events = outbox(registration, "registration.operating_report_submitted")
    assert [e.subject for e in events] == [recognised, recognised, reserve]

    with pytest.raises(DomainError) as error:
        report(registration, removed, IN_Q1_WINDOW)
    assert error.value.code == "report.not_due"
    with pytest.raises(DomainError) as error:
        report(registration, recognised, datetime.fromisoformat("2021-04-16T00:00:00+08:00"))
    assert error.value.code == "report.window_closed" and "2021年4月15日 23:59:59" in error.value.message
    with pytest.raises(DomainError) as error:
        report(registration, recognised, IN_Q1_WINDOW, period="2021-03")
    assert error.value.code == "period.frequency" and "2021-Q1" in error.value.message
    with pytest.raises(DomainError) as error:
        report(registration, recognised, IN_Q1_WINDOW, period="0000-Q1")
    assert error.value.code == "period.invalid"
    with pytest.raises(DomainError) as error:
        report(registration, recognised, IN_Q1_WINDOW, figures={**FIGURES, "employees": -1, "rnd_expense": "很多"})
    assert [v.field for v in error.value.violations] == ["figures.rnd_expense", "figures.employees"]


def test_a_unit_sees_its_late_filers(registration: StoreHandle) -> None:
    on_time, _ = settled(registration, "recognised")
    late, _ = settled(registration, "recognised")
    changsha, _ = settled(registration, "recognised", region="430104")
    report(registration, on_time, IN_Q1_WINDOW)
    after = datetime.fromisoformat("2021-04-20T10:00:00+08:00")
    hengyang = registration_ctx(registration, reviewer("unit-430400"), after)
    found = operating_reports.late_filers(hengyang, pb.ListLateFilersRequest(programme_id=HUNAN))
    assert (found.period, found.window_closed, found.due) == ("2021-Q1", True, 2)
    assert [f.enterprise_id for f in found.late] == [late]   # Changsha's is not Hengyang's to see
    province = registration_ctx(registration, reviewer("unit-430000"), after)
    everyone = operating_reports.late_filers(province, pb.ListLateFilersRequest(programme_id=HUNAN, period="2021-Q1"))
    assert sorted(f.enterprise_id for f in everyone.late) == sorted([late, changsha])
    mine = operating_reports.list_reports(hengyang, pb.ListOperatingReportsRequest(programme_id=HUNAN))
    assert [r.enterprise_id for r in mine.reports] == [on_time]
