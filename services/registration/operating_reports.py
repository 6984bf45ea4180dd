"""定期调度 operating reports: recognised and 后备 enterprises file each period's figures in its
window (correcting within it), review's staff see who is late. Rules:
``rules.operating_reports``. Event: registration.operating_report_submitted.

Who may report is read from registration's own applications (their status after
publication and the reason review gave), so no other service is asked on this path.
"""

from __future__ import annotations

from typing import Any

from kernel.divisions import division_within
from kernel.programme import AnnualUpdate, ProgrammeModel, ReportPolicy
from registration import storage
from registration.context import Context
from registration.rules import operating_reports as r
from registration.rules.access import check_write
from zjtx.clock import iso, to_shanghai
from zjtx.errors import forbidden, precondition
from zjtx.mongo import UnitOfWork
from zjtx_api import registration_pb2 as pb


def basis(application: dict[str, Any]) -> str:
    return r.may_report(application.get("status", ""), application.get("decision_reason", ""),
                        application.get("recognition_status", ""))


def update_basis(application: dict[str, Any]) -> str:
    return r.may_update(application.get("status", ""), application.get("recognition_status", ""))


def _policy(programme: ProgrammeModel) -> ReportPolicy:
    if programme.operating_reports is None:
        raise precondition("report.not_required", f"{programme.title}未设定定期调度报告")
    return programme.operating_reports


def report_message(report: dict[str, Any]) -> pb.OperatingReport:
    return pb.OperatingReport(
        id=report["_id"], programme_id=report["programme_id"], period=report["period"],
        period_label=report["period_label"], enterprise_id=report["enterprise_id"],
        enterprise_name=report["enterprise_name"], region_code=report["region_code"], basis=report["basis"],
        figures={k: str(v) for k, v in report["figures"].items()}, note=report.get("note", ""),
        submitted_at=iso(report["submitted_at"]), version=report["version"],
        window_closes_at=iso(report["window_closes_at"]), focus_category=report.get("focus_category", ""),
        kind=report.get("kind", "periodic"))


def _focus(programme: ProgrammeModel, application: dict[str, Any]) -> str:
    ref = programme.focus_field
    if not ref:
        return ""
    section, _, field = ref.partition(".")
    return str((application.get("sections", {}).get(section) or {}).get(field, ""))


def _ended(programme: ProgrammeModel, application: dict[str, Any] | None, what: str) -> None:
    if application and application.get("recognition_status") in ("revoked", "lapsed"):
        raise forbidden("report.not_due", f"贵企业在{programme.title}中的认定已"
                                          f"{'撤销' if application['recognition_status'] == 'revoked' else '失效'}"
                                          f"，无需再{what}")


def _annual(programme: ProgrammeModel) -> AnnualUpdate:
    if programme.annual_update is None:
        raise precondition("update.not_required", f"{programme.title}所用认定标准未设定年度数据更新")
    return programme.annual_update


def first_update_year(programme: ProgrammeModel) -> int:
    return (programme.year or programme.window.closes_at.year) + 1


def submit(ctx: Context, request: pb.SubmitOperatingReportRequest, figures_raw: dict[str, Any]) -> pb.OperatingReport:
    check_write(ctx.caller, request.enterprise_id)
    programme = ctx.directory.programme(request.programme_id)
    application = storage.find_application(ctx.store.db, request.enterprise_id, programme.id)
    if r.is_annual(request.period):  # the yearly data update (a rule set with annual_update_due)
        update = _annual(programme)
        basis_ = update_basis(application) if application else ""
        if not basis_:
            _ended(programme, application, "更新年度数据")
            raise forbidden("update.not_due", f"只有{programme.title}的认定企业需要每年更新企业数据")
        period = r.annual_period(request.period, update.due, first_update_year(programme))
        opens, closes = r.annual_window(period)
        r.check_between(period, opens, closes, ctx.now)
        figures = r.check_figures(figures_raw, request.note, {f: (label, kind) for f, label, kind in update.fields})
        kind = "annual_update"
    else:
        policy = _policy(programme)
        basis_ = basis(application) if application else ""
        if not basis_:
            _ended(programme, application, "报送定期调度报告")
            raise forbidden("report.not_due", f"只有{programme.title}的认定企业和后备企业需要报送定期调度报告")
        period = r.parse_period(request.period, policy.frequency)
        r.check_window(period, policy, ctx.now)
        figures = r.check_figures(figures_raw, request.note)
        _, closes = r.window(period, policy)
        kind = "periodic"
    assert application is not None  # a basis was found
    report_id = f"{programme.id}:{request.enterprise_id}:{period.key}"

    def write(unit: UnitOfWork) -> dict[str, Any]:
        previous = unit.db.operating_reports.find_one({"_id": report_id}, session=unit.session)
        report = {
            "_id": report_id, "programme_id": programme.id, "period": period.key, "period_label": period.label,
            "enterprise_id": request.enterprise_id, "enterprise_name": application["enterprise_name"],
            "region_code": application.get("region_code", ""), "basis": basis_, "figures": figures,
            "note": (request.note or "").strip(), "submitted_at": ctx.now, "submitted_by": ctx.actor,
            "version": (previous or {}).get("version", 0) + 1, "window_closes_at": closes,
            "focus_category": _focus(programme, application), "kind": kind,
        }
        unit.db.operating_reports.replace_one({"_id": report_id}, report, upsert=True, session=unit.session)
        unit.emit_event(pb.OperatingReportSubmitted(report=report_message(report)), request.enterprise_id)
        return report

    return report_message(ctx.store.transact(write))


def _jurisdiction(ctx: Context) -> str | None:
    """None for an enterprise (its own only); a staff unit's division; "" for system/operations."""
    if ctx.caller.role == "enterprise":
        return None
    if ctx.caller.role in ("reviewer", "admin"):
        division = ctx.directory.unit_division(ctx.caller.unit)
        if not division:
            raise forbidden("forbidden.unit", "未知的审核单位，无权查看调度报告")
        return division
    return ""


def list_reports(ctx: Context, request: pb.ListOperatingReportsRequest) -> pb.ListOperatingReportsResponse:
    query: dict[str, Any] = {}
    if request.programme_id:
        query["programme_id"] = request.programme_id
    if request.period:
        query["period"] = request.period
    division = _jurisdiction(ctx)
    if division is None:
        query["enterprise_id"] = ctx.caller.enterprise_id
    elif request.enterprise_id:
        query["enterprise_id"] = request.enterprise_id
    found = [d for d in ctx.store.db.operating_reports.find(query)
             if not division or division_within(d["region_code"], division)]
    found.sort(key=lambda d: (d["period"], d["region_code"], d["enterprise_name"]))
    return pb.ListOperatingReportsResponse(reports=[report_message(d) for d in found])


def late_filers(ctx: Context, request: pb.ListLateFilersRequest) -> pb.ListLateFilersResponse:
    division = _jurisdiction(ctx)
    if division is None:
        raise forbidden("forbidden.role", "只有审核单位的工作人员可以查看逾期未报企业")
    programme = ctx.directory.programme(request.programme_id)
    if request.annual_update or r.is_annual(request.period):
        update = _annual(programme)
        first = first_update_year(programme)
        found = r.annual_period(request.period, update.due, first) if request.period else \
            r.current_annual(update.due, ctx.now, first, open_only=request.open_window)
        if found is None:  # none open now, or none due yet
            return pb.ListLateFilersResponse(programme_id=programme.id)
        period, (_, closes) = found, r.annual_window(found)
        due_rule: Any = update_basis
    else:
        policy = _policy(programme)
        if request.open_window:  # the period being filed now (reminders); none open: an empty answer
            current = r.open_period(policy, ctx.now)
            if current is None:
                return pb.ListLateFilersResponse(programme_id=programme.id)
            period = current
        elif request.period:
            period = r.parse_period(request.period, policy.frequency)
        else:  # the last period whose window has closed
            period = r.previous_period(r.period_containing(to_shanghai(ctx.now).date(), policy.frequency),
                                       policy.frequency)
            if r.window(period, policy)[1] >= ctx.now:
                period = r.previous_period(period, policy.frequency)
        _, closes = r.window(period, policy)
        due_rule = basis
    due = [a for a in ctx.store.db.applications.find({"programme_id": programme.id,
                                                      "status": {"$in": ["recognised", "not_recognised"]}})
           if due_rule(a)
           and (not division or division_within(a.get("region_code", ""), division))]
    filed = {d["enterprise_id"] for d in ctx.store.db.operating_reports.find(
        {"programme_id": programme.id, "period": period.key}, {"enterprise_id": 1})}
    late = [pb.LateFiler(enterprise_id=a["enterprise_id"], enterprise_name=a["enterprise_name"],
                         region_code=a.get("region_code", ""), basis=due_rule(a))
            for a in sorted(due, key=lambda a: (a.get("region_code", ""), a["enterprise_name"]))
            if a["enterprise_id"] not in filed]
    return pb.ListLateFilersResponse(programme_id=programme.id, period=period.key, period_label=period.label,
                                     window_closes_at=iso(closes), window_closed=closes < ctx.now, late=late,
                                     due=len(due))
