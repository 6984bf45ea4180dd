"""定期调度 operating reports: an enterprise files a period's figures; staff list the reports and
the late filers of their jurisdiction (registration scopes both again)."""

from __future__ import annotations

from typing import Any

from google.protobuf import struct_pb2

from gateway.api.common import out, rpc, schema
from gateway.routes import STAFF, Context, Registry, Route, obj, text
from zjtx_api import registration_pb2 as pb

PROGRAMME = {"type": "string", "pattern": "^[a-z0-9-]{1,64}$"}
PERIOD = {"type": "string", "pattern": "^20[0-9]{2}(-(0[1-9]|1[0-2]|Q[1-4]))?$",
          "x-message": "报告期为 2021-03 形式的月份、2021-Q1 形式的季度，或年度数据更新所在年份如 2027（2000至2099年）"}
AMOUNT = {"anyOf": [{"type": "number"}, {"type": "string", "maxLength": 30}]}
# 定期调度: operating_revenue, total_profit, rnd_expense, employees, export_value, new_invention_patents;
# the yearly data update: the fields its rule set lists. Registration checks each by name.
FIGURES = {"type": "object", "maxProperties": 20, "additionalProperties": AMOUNT,
           "description": "定期调度：operating_revenue、total_profit、rnd_expense、employees、export_value、"
                          "new_invention_patents；年度数据更新：认定标准所列字段"}


def submit(ctx: Context) -> Any:
    figures = struct_pb2.Struct()
    figures.update(ctx.body["figures"])
    request = pb.SubmitOperatingReportRequest(enterprise_id=ctx.who.enterprise_id,
                                              programme_id=ctx.path["programme_id"], period=ctx.path["period"],
                                              figures=figures, note=ctx.body.get("note", ""))
    return out(rpc(ctx, "registration", "SubmitOperatingReport", request))


def list_reports(ctx: Context) -> Any:
    request = pb.ListOperatingReportsRequest(programme_id=ctx.path["programme_id"], period=ctx.query.get("period", ""))
    return out(rpc(ctx, "registration", "ListOperatingReports", request))


def late(ctx: Context) -> Any:
    request = pb.ListLateFilersRequest(programme_id=ctx.path["programme_id"], period=ctx.query.get("period", ""),
                                       annual_update=bool(ctx.query.get("annual_update")))
    return out(rpc(ctx, "registration", "ListLateFilers", request))


def register(r: Registry) -> None:
    base = "/api/v1/programmes/{programme_id}/operating-reports"
    r.add(Route("PUT", f"{base}/periods/{{period}}", "submitOperatingReport",
                "File or correct (within its window) a period's 定期调度 operating report (recognised and 后备 "
                "enterprises), or the yearly data update (period = the year, under a rule set with one): "
                "registration.operating_report_submitted", "operating-reports", ("enterprise",), submit,
                response=schema(pb.OperatingReport), action_zh="报送调度报告", path_params={"period": PERIOD},
                body=obj({"figures": FIGURES, "note": text(2000)}, required=("figures",))))
    r.add(Route("GET", base, "listOperatingReports",
                "The reports: an enterprise its own; staff those of their jurisdiction", "operating-reports",
                ("enterprise", *STAFF), list_reports, response=schema(pb.ListOperatingReportsResponse), errors=(409,),
                query=obj({"period": PERIOD}), action_zh="查看调度报告"))
    r.add(Route("GET", f"{base}/late-filers", "listLateFilers",
                "Enterprises due to report a period that have not (the last closed period by default), in the "
                "staff's jurisdiction", "operating-reports", STAFF, late, response=schema(pb.ListLateFilersResponse),
                query=obj({"period": PERIOD, "annual_update": {"type": "boolean"}}), action_zh="查看逾期未报企业",
                errors=(409,)))  # no 定期调度 (report.not_required), or a period of the other frequency
