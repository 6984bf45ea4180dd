"""Recognitions after publication: validity, renewals by a 复核 cycle, lapse, revocation.
The owner unit's staff list them, its admins revoke with a reason; an enterprise sees its own."""

from __future__ import annotations

from typing import Any

from gateway.api.common import out, rpc, schema, system_rpc
from gateway.routes import Context, Registry, Route, obj, text
from zjtx_api import review_pb2 as pb

RECORD_ID = {"type": "string", "pattern": "^[a-z0-9-]{1,64}:[A-Za-z0-9_-]{1,64}$",
             "x-message": "认定记录编号形如 <批次编号>:<企业编号>"}
QUERY = obj({
    "owner": {"type": "string", "pattern": "^[0-9]{6}$", "x-message": "所属单位为6位行政区划代码，如 430000"},
    "programme_id": {"type": "string", "pattern": "^[a-z0-9-]{1,64}$"},
    "status": {"type": "string", "enum": ["valid", "lapsed", "revoked"]},
})


def list_recognitions(ctx: Context) -> Any:
    q = ctx.query
    request = pb.ListRecognitionsRequest(owner=q.get("owner", ""), programme_id=q.get("programme_id", ""),
                                         status=q.get("status", ""))
    return out(rpc(ctx, "review", "ListRecognitions", request))


def revoke(ctx: Context) -> Any:
    request = pb.RevokeRecognitionRequest(id=ctx.path["recognition_id"], reason=ctx.body["reason"])
    return out(rpc(ctx, "review", "RevokeRecognition", request))


def select_case(ctx: Context) -> Any:
    request = pb.SelectTypicalCaseRequest(recognition_id=ctx.path["recognition_id"], title=ctx.body["title"],
                                          summary=ctx.body["summary"])
    return out(rpc(ctx, "review", "SelectTypicalCase", request))


def list_cases(ctx: Context) -> Any:
    # public, as the province publishes its 典型案例
    return out(system_rpc(ctx, "review", "ListTypicalCases", pb.ListTypicalCasesRequest(owner=ctx.query["owner"])))


def recommend_whitelist(ctx: Context) -> Any:
    request = pb.RecommendWhitelistRequest(owner=ctx.body.get("owner", ""), note=ctx.body.get("note", ""),
                                           include_reserve=bool(ctx.body.get("include_reserve")))
    return out(rpc(ctx, "review", "RecommendWhitelist", request))


def register(r: Registry) -> None:
    r.add(Route("GET", "/api/v1/recognitions", "listRecognitions",
                "Recognitions with their validity, renewals, lapse or revocation (the owner unit's staff; an "
                "enterprise its own)", "recognitions", ("enterprise", "reviewer", "admin"), list_recognitions,
                query=QUERY, response=schema(pb.ListRecognitionsResponse), action_zh="查看认定企业"))
    r.add(Route("POST", "/api/v1/recognitions/{recognition_id}/revoke", "revokeRecognition",
                "Revoke a valid recognition with a reason (the owner's admins): review.recognition_revoked",
                "recognitions", ("admin",), revoke, response=schema(pb.RecognitionRecord), action_zh="撤销认定",
                path_params={"recognition_id": RECORD_ID},
                body=obj({"reason": text(2000, 1)}, required=("reason",))))
    r.add(Route("POST", "/api/v1/recognitions/{recognition_id}/typical-case", "selectTypicalCase",
                "Select a valid recognition as a 典型案例 with a title and its story (the owner's admins): "
                "review.typical_case_selected", "recognitions", ("admin",), select_case,
                response=schema(pb.TypicalCase), action_zh="选树典型案例", path_params={"recognition_id": RECORD_ID},
                body=obj({"title": text(100, 1), "summary": text(5000, 1)}, required=("title", "summary"))))
    r.add(Route("GET", "/api/v1/typical-cases", "listTypicalCases", "The 典型案例 an authority published (public)",
                "recognitions", (), list_cases, response=schema(pb.ListTypicalCasesResponse),
                query=obj({"owner": QUERY["properties"]["owner"]}, required=("owner",))))
    r.add(Route("POST", "/api/v1/whitelist", "recommendWhitelist",
                "Recommend the 产融合作“白名单”: valid recognitions, and the active 后备 pool if asked (the owner's "
                "admins): review.whitelist_recommended", "recognitions", ("admin",), recommend_whitelist,
                response=schema(pb.WhitelistBatch), action_zh="推荐产融合作白名单",
                body=obj({"owner": QUERY["properties"]["owner"], "note": text(500),
                          "include_reserve": {"type": "boolean"}})))
