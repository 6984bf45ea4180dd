"""The programme owner's 后备 pool (小巨人（后备）/ 种子（后备）企业): list with filters, and
export as CSV (UTF-8 with BOM, so spreadsheet programs read the Chinese). The owner unit's
reviewers and admins; review checks again."""

from __future__ import annotations

import csv
import io
from typing import Any

from werkzeug.wrappers import Response

from gateway.api import streams
from gateway.api.common import out, rpc, schema
from gateway.routes import STAFF, Context, Download, Registry, Route, obj
from zjtx_api import review_pb2 as pb

QUERY = obj({
    "owner": {"type": "string", "pattern": "^[0-9]{6}$", "x-message": "所属单位为6位行政区划代码，如 430000"},
    "programme_id": {"type": "string", "pattern": "^[a-z0-9-]{1,64}$"},
    "year": {"type": "integer", "minimum": 2000, "maximum": 2100},
    "region_prefix": {"type": "string", "pattern": "^[0-9]{2,6}$", "x-message": "地区为2到6位行政区划代码前缀，如 4304"},
    "status": {"type": "string", "enum": ["active", "recognised"]},
    "source": {"type": "string", "enum": ["not_recognised", "city_recommendation"]},
})
COLUMNS = ("序号", "企业名称", "统一社会信用代码", "所在地区", "行政区划代码", "所属行业", "入库批次", "年度", "入库来源",
           "入库原因", "评价得分", "入库时间", "状态", "后续认定批次")


def _request(ctx: Context) -> pb.ListReserveRequest:
    q = ctx.query
    return pb.ListReserveRequest(owner=q.get("owner", ""), programme_id=q.get("programme_id", ""),
                                 year=int(q.get("year") or 0), region_prefix=q.get("region_prefix", ""),
                                 status=q.get("status", ""), source=q.get("source", ""))


def list_reserve(ctx: Context) -> Any:
    return out(rpc(ctx, "review", "ListReserve", _request(ctx)))


def export_reserve(ctx: Context) -> Response:
    found = rpc(ctx, "review", "ListReserve", _request(ctx))
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(COLUMNS)
    for number, e in enumerate(found.entries, start=1):
        writer.writerow((number, e.enterprise.name, e.enterprise.uscc, e.enterprise.region_name,
                         e.enterprise.region_code, e.enterprise.industry, e.programme_id, e.year, e.source_label,
                         e.reason, e.score, e.listed_at, e.status_label, e.recognised_in))
    data = ("\ufeff" + text.getvalue()).encode("utf-8")
    return streams.download(data, iter(()), filename="后备企业库.csv", media_type="text/csv", size=len(data))


def register(r: Registry) -> None:
    r.add(Route("GET", "/api/v1/reserve", "listReserve",
                "The owner's 后备 pool: passed review but not recognised, and cities' recommended candidates, "
                "filtered (the owner unit's reviewers and admins)", "reserve", STAFF, list_reserve, query=QUERY,
                response=schema(pb.ListReserveResponse), action_zh="查看后备企业库"))
    r.add(Route("GET", "/api/v1/reserve/export", "exportReserve",
                "The same list as CSV (UTF-8 with BOM)", "reserve", STAFF, export_reserve, query=QUERY,
                download=Download(("text/csv",)), action_zh="导出后备企业库"))
