"""定期调度 in process: recognised and 后备 enterprises file quarterly operating reports in each
period's window (correcting within it); others and late ones are refused with the reason; the
event is written; a unit sees its late filers."""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
from google.protobuf import struct_pb2
from workflow_support import HUNAN, ReviewAnswers, draft, enterprise_caller, outbox, registration_ctx, reviewer

from kernel.divisions import load_division_table
from kernel.programme import programme_from_message
from notification import dispatch
from notification import storage as notification_storage
from notification.dispatch import Deps
from notification.providers import DEFAULT_TEMPLATES, load_settings
from notification.rules.deliveries import SKIPPED, SUBMITTED_SINCE
from notification.rules.templates import load_templates
from registration import operating_reports, review_events
from registration import storage as registration_storage
from registration.context import Context
from registration.directory import Directory
from reporting import storage as reporting_storage
from reporting import workflow as reporting_workflow
from reporting.rules import access, operating
from reporting.rules.divisions import load_regions
from review.catalogue import Catalogue
from review.rules.programme_parser import parse_programme
from review.rules.programmes import read_yaml
from zjtx.config import REPO_ROOT
from zjtx.envelope import Envelope, payload_to_data
from zjtx.errors import DomainError
from zjtx.grpc_support import Caller
from zjtx.mongo import StoreHandle
from zjtx_api import registration_pb2 as pb
from zjtx_api import review_pb2

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


def ended(store: StoreHandle, enterprise_id: str, event_type: str, reason: str = "") -> bool:
    application = store.db.applications.find_one({"enterprise_id": enterprise_id})
    record = review_pb2.RecognitionRecord(id=f"{HUNAN}:{enterprise_id}", programme_id=HUNAN,
                                          application_id=application["_id"], status=event_type.rsplit("_", 1)[1])
    payload = review_pb2.RecognitionChanged(recognition=record, change=record.status, reason=reason)
    event = Envelope(type=event_type, source="review", subject=record.id, data=payload_to_data(payload))
    return store.transact(lambda unit: review_events.end_recognition(unit, event))


def test_a_revoked_or_lapsed_recognition_reports_no_more(registration: StoreHandle) -> None:
    revoked, _ = settled(registration, "recognised")
    lapsed, _ = settled(registration, "recognised")
    still, _ = settled(registration, "recognised")
    assert ended(registration, revoked, "review.recognition_revoked", "数据造假")
    assert not ended(registration, revoked, "review.recognition_revoked", "数据造假")   # redelivered: once
    assert ended(registration, lapsed, "review.recognition_lapsed")

    with pytest.raises(DomainError) as error:
        report(registration, revoked, IN_Q1_WINDOW)
    assert error.value.code == "report.not_due" and "已撤销" in error.value.message
    province = registration_ctx(registration, reviewer("unit-430000"), IN_Q1_WINDOW)
    open_now = operating_reports.late_filers(province, pb.ListLateFilersRequest(programme_id=HUNAN, open_window=True))
    assert (open_now.period, open_now.window_closed, open_now.due) == ("2021-Q1", False, 1)
    assert [f.enterprise_id for f in open_now.late] == [still]
    history = registration.db.application_history.find_one({"action": "recognition_revoked"})
    assert history["reason"] == "数据造假"
    between = registration_ctx(registration, reviewer("unit-430000"), datetime.fromisoformat("2021-05-10T10:00:00+08:00"))
    assert operating_reports.late_filers(between, pb.ListLateFilersRequest(programme_id=HUNAN,
                                                                           open_window=True)).period == ""


class RegistrationAnswers:
    """Stands where notification holds a gRPC proxy of registration: answers from registration's use case
    on its own store, as the platform's services (role system) are answered, at ``at``."""

    def __init__(self, store: StoreHandle, review: ReviewAnswers | None = None) -> None:
        self.store, self.at, self.review = store, IN_Q1_WINDOW, review or ReviewAnswers()

    def ListLateFilers(self, request: pb.ListLateFilersRequest, **_: object) -> pb.ListLateFilersResponse:
        ctx = Context(self.store, Directory(self.review), load_division_table(None), Caller(subject="notification"),
                      self.at)
        return operating_reports.late_filers(ctx, request)



def test_reminders_before_the_window_closes_go_once_to_who_has_not_filed(registration: StoreHandle,
                                                                          open_store) -> None:
    notification = open_store("notification", notification_storage.INDEXES)
    filed, files_later, revoked = (settled(registration, "recognised")[0] for _ in range(3))
    report(registration, filed, IN_Q1_WINDOW)
    ended(registration, revoked, "review.recognition_revoked", "数据造假")
    notification.db.enterprises.insert_one({"_id": files_later, "contact": {"person": "王五",
                                                                        "email": "wangwu@example.cn"}})
    answers = RegistrationAnswers(registration)
    deps = Deps(ReviewAnswers(), load_templates(DEFAULT_TEMPLATES),
                load_settings({"SMTP_HOST": "127.0.0.1", "MAIL_FROM": "平台 <noreply@zjtx.local>"}), answers)
    hunan = deps.programme(HUNAN)

    # 10 April: the window (to 15 April) is open, but the reminder is 3 days before its close
    assert dispatch.report_reminders(deps, notification, hunan, IN_Q1_WINDOW) == 0
    answers.at = datetime.fromisoformat("2021-04-13T09:00:00+08:00")
    assert dispatch.report_reminders(deps, notification, hunan, answers.at) == 1
    assert dispatch.report_reminders(deps, notification, hunan, answers.at) == 0   # each step once
    [inbox] = notification.db.inbox.find({"recipient": f"enterprise:{files_later}"})
    assert "2021年第1季度" in inbox["title"] and "2021年4月15日 23:59" in inbox["body"]
    assert notification.db.deliveries.count_documents({"kind": "reminder.report"}) == 2   # inbox + e-mail

    # it files before the e-mail leaves: the sender asks registration again and skips it
    report(registration, files_later, answers.at)
    assert dispatch.send_pass(notification, deps.settings, answers) == 1
    email = notification.db.deliveries.find_one({"kind": "reminder.report", "channel": "email"})
    assert (email["state"], email["skip_reason"]) == (SKIPPED, SUBMITTED_SINCE)


def test_reporting_sums_the_reports_per_period_by_city_and_focus_with_a_workbook_and_charts(
        registration: StoreHandle, open_store, tmp_path: Path) -> None:
    reporting = open_store("reporting", reporting_storage.INDEXES)
    hengyang, changsha = settled(registration, "recognised")[0], settled(registration, "recognised", region="430104")[0]
    report(registration, hengyang, IN_Q1_WINDOW)
    report(registration, hengyang, IN_Q1_WINDOW, figures={**FIGURES, "operating_revenue": 6000})   # corrected
    report(registration, changsha, IN_Q1_WINDOW, figures={**FIGURES, "operating_revenue": "100.25"})
    report(registration, hengyang, datetime.fromisoformat("2021-07-05T10:00:00+08:00"), period="2021-Q2")
    events = outbox(registration, "registration.operating_report_submitted")
    for event in [*reversed(events), events[0]]:   # any order, redelivered: the latest version counts once
        document = operating.document(event.payload(pb.OperatingReportSubmitted).report, event.id)
        reporting.transact(lambda unit, d=document: reporting_storage.save_operating_report(unit, d))

    def ctx(unit: str) -> reporting_workflow.Context:
        return reporting_workflow.Context(
            db=reporting.db, transact=reporting.transact, now=lambda: IN_Q1_WINDOW, regions=load_regions(""),
            requester=access.Requester(role="admin", unit=unit, subject="staff"), unit_names=lambda u: u,
            reports_root=tmp_path, unit_division=lambda u: u.removeprefix("unit-"))

    hunan = programme_from_message(ReviewAnswers().catalogue.message(HUNAN))
    by_city = reporting_workflow.operating_statistics(ctx("unit-430000"), hunan, "")
    assert [(r.period, r.label, r.reports, str(r.totals["operating_revenue"])) for r in by_city.rows] == [
        ("2021-Q1", "长沙市", 1, "100.25"), ("2021-Q1", "衡阳市", 1, "6000"), ("2021-Q2", "衡阳市", 1, "5230.5")]
    mine = reporting_workflow.operating_statistics(ctx("unit-430400"), hunan, "county")
    assert (mine.scope, {r.key for r in mine.rows}) == ("430400", {"430405"})   # Hengyang sees its own only
    by_focus = reporting_workflow.operating_statistics(ctx("unit-430000"), hunan, "focus")
    assert {r.label for r in by_focus.rows} <= {*hunan.focus_titles.values(), operating.UNKNOWN_FOCUS}
    with pytest.raises(DomainError) as error:
        reporting_workflow.operating_statistics(ctx("unit-430000"), hunan, "industry")
    assert error.value.code == "request.group_by" and "focus（培育重点）" in error.value.message

    *_, last = reporting_workflow.operating_reports(ctx("unit-430000"), hunan, "city", [])
    made = {r["format"]: r for r in last["reports"]}
    assert set(made) == {"xlsx", "png", "svg"} and not made["png"]["warnings"]   # every glyph in the font
    data = b"".join(reporting_storage.read_file(reporting.db, made["xlsx"]["file_id"], 1 << 16))
    sheet = openpyxl.load_workbook(io.BytesIO(data))
    rows = [row for row in sheet.active.iter_rows(min_row=4, values_only=True) if row[0]]
    assert rows[0][:4] == ("2021年第1季度", "长沙市", 1, 100.25)


UPDATE_FIGURES = {"operating_revenue": 8800, "main_revenue": 8100, "total_profit": 640, "rnd_expense": 520,
                  "employees": 230, "invention_patents": 7}


def under_2026_rules() -> ReviewAnswers:
    """Review's answers with a programme pinning the rules effective 2026-04-01 (hunan-2022-specialised-sme
    run again in 2026, as an admin would create it)."""
    answers = ReviewAnswers()
    answers.catalogue = Catalogue(REPO_ROOT / "deploy" / "programmes", REPO_ROOT / "deploy" / "units" / "hunan.yaml")
    document = read_yaml(REPO_ROOT / "deploy" / "programmes" / "hunan-2022-specialised-sme.yaml")
    document.update(id="hunan-2026-specialised-sme", year=2026, title="2026年湖南省专精特新中小企业认定",
                    rules="miit-2026-specialised-sme",
                    window={"opens_at": "2026-05-01T00:00:00+08:00", "closes_at": "2026-06-30T23:59:59+08:00",
                            "review_closes_at": "2026-07-15T23:59:59+08:00"})
    answers.catalogue.install(parse_programme(document, rulesets=answers.catalogue.rulesets), document, {})
    return answers


def test_recognised_enterprises_under_the_2026_rules_update_their_data_by_31_may(registration: StoreHandle,
                                                                                 open_store) -> None:
    answers = under_2026_rules()
    ids = []
    for region in ("430405", "430405", "430104"):
        enterprise_id, _ = settled(registration, "recognised", region=region)
        held = registration.db.applications.find_one({"enterprise_id": enterprise_id})
        registration.db.applications.insert_one({**held, "_id": f"{held['_id']}-2026",
                                                 "programme_id": "hunan-2026-specialised-sme"})
        ids.append(enterprise_id)
    updated, late, revoked = ids
    registration.db.applications.update_one({"_id": {"$regex": "-2026$"}, "enterprise_id": revoked},
                                            {"$set": {"recognition_status": "revoked"}})

    def ctx(caller: Caller, at: str) -> Context:
        return Context(registration, Directory(answers), load_division_table(None), caller,
                       datetime.fromisoformat(at))

    def update(enterprise_id: str, at: str, figures: dict | None = None, period: str = "2027") -> pb.OperatingReport:
        request = pb.SubmitOperatingReportRequest(enterprise_id=enterprise_id, programme_id="hunan-2026-specialised-sme",
                                                  period=period)
        return operating_reports.submit(ctx(enterprise_caller(enterprise_id), at), request,
                                        dict(UPDATE_FIGURES if figures is None else figures))

    done = update(updated, "2027-05-31T20:00:00+08:00")
    assert (done.kind, done.period_label, done.figures["main_revenue"]) == (
        "annual_update", "2027年度数据更新（2026年数据）", "8100")
    assert done.window_closes_at == "2027-05-31T15:59:59.000Z"
    for who, at, figures, period, code in [
            (late, "2027-06-01T00:00:00+08:00", None, "2027", "report.window_closed"),
            (late, "2027-05-01T00:00:00+08:00", FIGURES, "2027", "report.invalid"),   # the 定期调度 figures
            (late, "2026-12-01T00:00:00+08:00", None, "2026", "update.not_yet"),
            (revoked, "2027-05-01T00:00:00+08:00", None, "2027", "report.not_due")]:
        with pytest.raises(DomainError) as error:
            update(who, at, figures, period)
        assert error.value.code == code, (who, at, error.value)

    # after 31 May the province flags who did not update; a unit sees its own
    flagged = operating_reports.late_filers(ctx(reviewer("unit-430000"), "2027-06-02T09:00:00+08:00"),
                                            pb.ListLateFilersRequest(programme_id="hunan-2026-specialised-sme",
                                                                     annual_update=True))
    assert (flagged.period, flagged.window_closed, flagged.due) == ("2027", True, 2)
    assert [f.enterprise_id for f in flagged.late] == [late]
    assert operating_reports.late_filers(ctx(reviewer("unit-430100"), "2027-06-02T09:00:00+08:00"),
                                         pb.ListLateFilersRequest(programme_id="hunan-2026-specialised-sme",
                                                                  period="2027")).late == []

    # notification reminds a month and a week before 31 May, once per step, who has not updated
    notification = open_store("notification", notification_storage.INDEXES)
    answers_registration = RegistrationAnswers(registration, answers)
    deps = Deps(answers, load_templates(DEFAULT_TEMPLATES), load_settings({}), answers_registration)
    programme = deps.programme("hunan-2026-specialised-sme")
    answers_registration.at = datetime.fromisoformat("2027-05-02T09:00:00+08:00")
    registration.db.operating_reports.delete_many({})   # before anyone updated
    assert dispatch.report_reminders(deps, notification, programme, answers_registration.at) == 2
    assert dispatch.report_reminders(deps, notification, programme, answers_registration.at) == 0
    titles = {d["title"] for d in notification.db.inbox.find({"event_type": "reminder.report"})}
    assert titles == {"报送提醒：2027年度数据更新（2026年数据）还有30天截止"}
