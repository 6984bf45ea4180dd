"""Statistics and reports for programme admins (within their jurisdiction)."""

from __future__ import annotations

from typing import Any

from gateway.api.common import out, rpc, schema
from gateway.routes import Context, Registry, Route, obj
from zjtx.errors import forbidden
from zjtx_api import reporting_pb2 as pb


def jurisdiction_prefix(division: str) -> str:
    """430000 -> "43", 430400 -> "4304", 430405 -> "430405"."""
    if division.endswith("0000"):
        return division[:2]
    if division.endswith("00"):
        return division[:4]
    return division


def check_region_prefix(ctx: Context, prefix: str) -> str:
    who = ctx.who
    if who.role == "operations":
        return prefix
    own = jurisdiction_prefix(ctx.gw.directory.unit_division(who))
    if not prefix:
        return own
    if not prefix.startswith(own):
        raise forbidden("forbidden.other_region", f"只能查询本辖区（区划代码以{own}开头）的统计")
    return prefix


def count_enterprises(ctx: Context) -> Any:
    prefix = check_region_prefix(ctx, ctx.query.get("region_prefix", ""))
    return out(rpc(ctx, "reporting", "CountEnterprises", pb.CountEnterprisesRequest(region_prefix=prefix)))


def register(r: Registry) -> None:
    r.add(Route("GET", "/api/v1/statistics/enterprises", "countEnterprises",
                "Registered enterprises in a region (admins: their own jurisdiction)", "reports",
                ("admin", "operations"), count_enterprises, response=schema(pb.CountEnterprisesResponse),
                action_zh="查看统计", query=obj({"region_prefix": {"type": "string", "pattern": "^[0-9]{0,6}$",
                                                                  "x-message": "区划代码前缀为0到6位数字，如 43、4304"}})))
