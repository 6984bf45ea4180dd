"""The owning authority's final level: status, ranking, 择优认定, 公示, objections, publishing.

Only admins of the unit whose division owns the programme; the 公示 list itself (names,
regions, ranks, the period) is public, as a 公示 is; objections and contacts are not.
"""

from __future__ import annotations

from typing import Any

from gateway.api import guards
from gateway.api.common import build, out, rpc, schema
from gateway.routes import Context, Registry, Route, array, obj, text
from zjtx.errors import not_found
from zjtx_api import review_pb2 as pb

ADMIN = ("admin",)
APP_ID = {"type": "string", "pattern": "^[A-Za-z0-9_-]{1,64}$", "x-message": "申请编号由字母、数字、下划线或连字符组成"}
PUBLIC_LIST_SCHEMA = obj({
    "programme_id": {"type": "string"}, "title": {"type": "string"}, "state": {"type": "string"},
    "opens_at": {"type": "string"}, "closes_at": {"type": "string"}, "published_at": {"type": "string"},
    "listed": {"type": "array", "items": obj({
        "rank": {"type": "integer"}, "enterprise_name": {"type": "string"}, "region_name": {"type": "string"},
        "industry": {"type": "string"}}, required=("rank", "enterprise_name", "region_name", "industry"))},
}, required=("programme_id", "title", "state", "opens_at", "closes_at", "published_at", "listed"))


def programme_status(ctx: Context) -> Any:
    guards.owner_admin(ctx, ctx.path["programme_id"])
    return out(rpc(ctx, "review", "GetProgrammeStatus", pb.GetProgrammeStatusRequest(programme_id=ctx.path["programme_id"])))


def ranking(ctx: Context) -> Any:
    guards.owner_admin(ctx, ctx.path["programme_id"])
    return out(rpc(ctx, "review", "RankRecommended", pb.RankRecommendedRequest(programme_id=ctx.path["programme_id"])))


def recognise(ctx: Context) -> Any:
    guards.owner_admin(ctx, ctx.path["programme_id"])
    return out(rpc(ctx, "review", "Recognise", build(pb.RecogniseRequest, ctx.body, programme_id=ctx.path["programme_id"])))


def publicity(ctx: Context) -> Any:
    guards.owner_admin(ctx, ctx.path["programme_id"])
    return out(rpc(ctx, "review", "GetPublicity", pb.GetPublicityRequest(programme_id=ctx.path["programme_id"])))


def public_list(ctx: Context) -> Any:
    programme = ctx.gw.directory.programme(ctx.path["programme_id"])
    # read as the system: what follows is filtered down to what a 公示 shows everyone
    found = ctx.gw.upstreams.call("review", "GetPublicity", pb.GetPublicityRequest(programme_id=programme.id))
    return {"programme_id": programme.id, "title": programme.title, "state": found.state, "opens_at": found.opens_at,
            "closes_at": found.closes_at, "published_at": found.published_at,
            "listed": [{"rank": item.rank, "enterprise_name": item.enterprise.name,
                        "region_name": item.enterprise.region_name, "industry": item.enterprise.industry}
                       for item in found.listed if item.status == "listed"]}


def record_objection(ctx: Context) -> Any:
    guards.owner_admin(ctx, ctx.path["programme_id"])
    return out(rpc(ctx, "review", "RecordObjection",
                   build(pb.RecordObjectionRequest, ctx.body, programme_id=ctx.path["programme_id"])))


def resolve_objection(ctx: Context) -> Any:
    programme_id, objection_id = ctx.path["programme_id"], ctx.path["objection_id"]
    guards.owner_admin(ctx, programme_id)
    found = rpc(ctx, "review", "GetPublicity", pb.GetPublicityRequest(programme_id=programme_id))
    if objection_id not in {o.id for o in found.objections}:
        raise not_found("objection.not_found", "该批次的公示中没有这条异议")
    return out(rpc(ctx, "review", "ResolveObjection", build(pb.ResolveObjectionRequest, ctx.body,
                                                            objection_id=objection_id)))


def publish(ctx: Context) -> Any:
    guards.owner_admin(ctx, ctx.path["programme_id"])
    return out(rpc(ctx, "review", "Publish", pb.PublishRequest(programme_id=ctx.path["programme_id"])))


def amend_recognition(ctx: Context) -> Any:
    guards.owner_admin(ctx, ctx.path["programme_id"])
    return out(rpc(ctx, "review", "AmendRecognition",
                   build(pb.AmendRecognitionRequest, ctx.body, programme_id=ctx.path["programme_id"])))


def register(r: Registry) -> None:
    base = "/api/v1/programmes/{programme_id}"
    r.add(Route("GET", f"{base}/status", "getProgrammeStatus",
                "Where a programme stands: window, reviews closed, counts by status (owner admins)", "final", ADMIN,
                programme_status, response=schema(pb.ProgrammeStatus), action_zh="查看批次进度"))
    r.add(Route("GET", f"{base}/ranking", "rankRecommended",
                "Recommended applications best first (rubric, priority markers, tie-break; owner admins)", "final",
                ADMIN, ranking, response=schema(pb.RankRecommendedResponse), action_zh="查看择优排序"))
    r.add(Route("POST", f"{base}/recognition", "recognise",
                "Confirm the recognition list (at most the target) and open the 公示 (owner admins)", "final", ADMIN,
                recognise, response=schema(pb.Publicity), action_zh="择优认定",
                body=obj({"application_ids": array(APP_ID, 2000, minItems=1, uniqueItems=True)},
                         required=("application_ids",))))
    r.add(Route("GET", f"{base}/publicity", "getPublicity",
                "The 公示 with its objections (owner admins)", "final", ADMIN, publicity,
                response=schema(pb.Publicity), action_zh="查看公示"))
    r.add(Route("GET", f"{base}/publicity/list", "getPublicList",
                "The 公示 list as everyone may see it: names, regions, ranks, period (public)", "final", (),
                public_list, response=PUBLIC_LIST_SCHEMA))
    r.add(Route("POST", f"{base}/objections", "recordObjection", "Record an objection received during the 公示",
                "final", ADMIN, record_objection, response=schema(pb.Objection), status=201, action_zh="登记异议",
                body=obj({"application_id": APP_ID, "objector": text(100), "contact": text(100),
                          "content": text(5000, 1)}, required=("application_id", "content"))))
    r.add(Route("POST", f"{base}/objections/{{objection_id}}/resolve", "resolveObjection",
                "Resolve an objection (upheld takes the application off the list)", "final", ADMIN,
                resolve_objection, response=schema(pb.Objection), action_zh="处理异议",
                body=obj({"upheld": {"type": "boolean"}, "resolution": text(5000, 1)},
                         required=("upheld", "resolution"))))
    r.add(Route("POST", f"{base}/publish", "publish",
                "Publish after the 公示: review.recognised / review.not_recognised (owner admins)", "final", ADMIN,
                publish, response=schema(pb.PublishResult), action_zh="发布认定结果"))
    r.add(Route("POST", f"{base}/recognition/amendments", "amendRecognition",
                "Correct a published recognition list: a new, audited version with a reason, announced as "
                "review.recognition_amended to the enterprises it changes (owner admins)", "final", ADMIN,
                amend_recognition, response=schema(pb.RecognitionAmended), action_zh="更正认定名单", errors=(409,),
                body=obj({"remove_application_ids": array(APP_ID, 500, uniqueItems=True),
                          "add_application_ids": array(APP_ID, 500, uniqueItems=True), "reason": text(500, 1),
                          "expected_list_version": {"type": "integer", "minimum": 0, "maximum": 10000}},
                         required=("reason",))))
