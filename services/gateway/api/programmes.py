"""Programmes (培育批次): public, as the notices themselves are; their administration (versions,
a year's programme from a template, amendments and extensions) for the owning unit's admins."""

from __future__ import annotations

import json
from typing import Any

from gateway.api import guards
from gateway.api.common import out, rpc, system_rpc
from gateway.api.common import schema as message_schema
from gateway.protojson import KEY_PATTERN
from gateway.routes import STAFF, Context, Registry, Reply, Route, integer, obj, text
from zjtx_api import review_pb2 as pb

ADMIN = ("admin",)
PROGRAMME_ID = {"type": "string", "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$", "maxLength": 64,
                "x-message": "批次编号为小写字母、数字和连字符，如 hunan-2021-little-giant"}
INSTANT = {"type": "string", "maxLength": 40, "pattern": r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$",
           "x-message": "时间须写成北京时间并带时区，如 2021-05-15T23:59:59+08:00"}
REASON = text(500, 1)


def list_programmes(ctx: Context) -> Any:
    return out(system_rpc(ctx, "review", "ListProgrammes", pb.ListProgrammesRequest()))


def get_programme(ctx: Context) -> Any:
    version = int(ctx.query.get("version") or 0)
    if version:  # an older version (what an application was submitted under) is read as it was
        return out(system_rpc(ctx, "review", "GetProgramme",
                              pb.GetProgrammeRequest(programme_id=ctx.path["programme_id"], version=version)))
    return out(ctx.gw.directory.programme(ctx.path["programme_id"]))


def list_versions(ctx: Context) -> Any:
    guards.owner_admin(ctx, ctx.path["programme_id"])
    return out(rpc(ctx, "review", "ListProgrammeVersions",
                   pb.ListProgrammeVersionsRequest(programme_id=ctx.path["programme_id"])))


def create_programme(ctx: Context) -> Reply:
    body = ctx.body
    guards.owner_admin(ctx, body["from_programme_id"])
    created = rpc(ctx, "review", "CreateProgramme", pb.CreateProgrammeRequest(
        programme_id=body["programme_id"], from_programme_id=body["from_programme_id"], year=body["year"],
        title=body.get("title", ""), opens_at=body["opens_at"], closes_at=body["closes_at"],
        review_closes_at=body.get("review_closes_at", ""), reason=body["reason"]))
    return Reply(out(created), 201)


def amend_programme(ctx: Context) -> Any:
    programme_id = ctx.path["programme_id"]
    guards.owner_admin(ctx, programme_id)
    amended = rpc(ctx, "review", "AmendProgramme", pb.AmendProgrammeRequest(
        programme_id=programme_id, expected_version=ctx.body["expected_version"],
        changes_json=json.dumps(ctx.body["changes"], ensure_ascii=False), reason=ctx.body["reason"]))
    ctx.gw.directory.forget_programme(programme_id)  # this gateway shows the new version at once
    return out(amended)


UNIT_CHANGE = obj({
    "id": {"type": "string", "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$", "maxLength": 64,
           "x-message": "单位编号为小写字母、数字和连字符，如 unit-430481"},
    "name": text(60, 1),
    "kind": {"type": "string", "enum": ["province", "city", "direct_county", "county", "park"],
             "x-message": "单位类型为 province、city、direct_county（省财政直管县市）、county、park 之一"},
    "division_code": {"type": "string", "pattern": "^[0-9]{6}$", "x-message": "行政区划代码为6位数字，如 430481"},
    "division_name": text(30, 1),
    "covers": {"type": "array", "maxItems": 50, "items": {"type": "string", "pattern": "^[0-9]{6}$"},
               "x-message": "负责区域为6位行政区划代码的列表"},
    "excludes": {"type": "array", "maxItems": 50, "items": {"type": "string", "pattern": "^[0-9]{6}$"},
                 "x-message": "排除区域（市州的省财政直管县市）为6位行政区划代码的列表"},
    "parent": {"type": "string", "maxLength": 64, "x-message": "上级单位编号，如 unit-430000"},
}, required=("id",))


def list_units(ctx: Context) -> Any:
    return out(rpc(ctx, "review", "ListUnits", pb.ListUnitsRequest()))


def amend_units(ctx: Context) -> Any:
    amended = rpc(ctx, "review", "AmendUnits", pb.AmendUnitsRequest(
        expected_version=ctx.body["expected_version"], reason=ctx.body["reason"],
        units_json=json.dumps(ctx.body["units"], ensure_ascii=False)))
    ctx.gw.directory.forget_units()  # this gateway reads the corrected units at once (others within their cache)
    return out(amended)


def list_unit_versions(ctx: Context) -> Any:
    return out(rpc(ctx, "review", "ListUnitVersions", pb.ListUnitVersionsRequest()))



# A programme document nests at most this deep below its top-level keys (sections[].fields[].options[].label).
PATCH_DEPTH = 6
# any key the key guard lets through (gateway/rules/validation.py: no "$" first, no "." nor NUL), said in the
# schema so that a client knows it before sending
PATCH_KEY = "^[^$.\\u0000][^.\\u0000]{0,79}$"


def patch_value(depth: int) -> dict[str, Any]:
    """A JSON merge patch value down to ``depth`` levels: scalars, lists and objects with guard-safe keys."""
    if depth == 0:
        return {"type": ["null", "boolean", "number", "string"]}
    inner = patch_value(depth - 1)
    return {"type": ["null", "boolean", "number", "string", "array", "object"], "maxItems": 200, "items": inner,
            "maxProperties": 100, "propertyNames": {"pattern": PATCH_KEY}, "additionalProperties": inner}


def register(r: Registry) -> None:
    r.add(Route("GET", "/api/v1/unit-directory", "listUnits",
                "Every review unit as it stands (the current version): kind, division, the regions it covers and "
                "excludes (a city's 省财政直管县市), parent (staff)", "units", STAFF, list_units,
                response=message_schema(pb.ListUnitsResponse), action_zh="查看审核单位"))
    r.add(Route("PATCH", "/api/v1/unit-directory", "amendUnits",
                "Add or correct review units (admins of the instance's top unit): `units` lists each unit to add "
                "(every field) or correct (its id and the fields that change; the division code is fixed). One new "
                "version of the whole directory, checked as the seed YAML is (parents, the 省财政直管县市 carve-out: "
                "a direct_county unit is listed in its city's excludes in the same change, no region reviewed twice) "
                "and within the instance's jurisdiction, with who, when, from where and why. New applications route "
                "by it; tasks already opened keep their unit. 409 when `expected_version` is no longer current",
                "units", ADMIN, amend_units, response=message_schema(pb.ListUnitsResponse), errors=(409,),
                action_zh="新增或更正审核单位",
                body=obj({"expected_version": integer(1, 100000), "reason": REASON,
                          "units": {"type": "array", "minItems": 1, "maxItems": 50, "items": UNIT_CHANGE,
                                    "x-message": "units 为要新增或更正的审核单位列表（1至50个）"}},
                         required=("expected_version", "reason", "units"))))
    r.add(Route("GET", "/api/v1/unit-directory/versions", "listUnitVersions",
                "Every version of the review units: who changed what, when, from which address and why (admins of "
                "the instance's top unit)", "units", ADMIN, list_unit_versions,
                response=message_schema(pb.ListUnitVersionsResponse), action_zh="查看审核单位修改记录"))
    base = "/api/v1/programmes/{programme_id}"
    r.add(Route("GET", "/api/v1/programmes", "listProgrammes", "Every programme (public)", "programmes", (),
                list_programmes, response=message_schema(pb.ListProgrammesResponse)))
    r.add(Route("GET", base, "getProgramme",
                "One programme: window, review chain, form sections, attachments, pledge (public). `version` reads "
                "an older version, e.g. the one an application was submitted under", "programmes", (),
                get_programme, response=message_schema(pb.Programme), errors=(404,),
                query=obj({"version": integer(1, 100000)})))
    r.add(Route("GET", f"{base}/versions", "listProgrammeVersions",
                "Every version of a programme: who changed what, when, from which address and why (owner admins)",
                "programmes", ADMIN, list_versions, response=message_schema(pb.ListProgrammeVersionsResponse),
                action_zh="查看培育批次修改记录"))
    r.add(Route("POST", "/api/v1/programmes", "createProgramme",
                "Create a year's programme from a template (e.g. last year's): the form, review chain, attachments "
                "and rules are copied; id, year, title and window are new (admins of the template's owner)",
                "programmes", ADMIN, create_programme, status=201, response=message_schema(pb.Programme),
                errors=(409,), action_zh="创建培育批次",
                body=obj({"programme_id": PROGRAMME_ID, "from_programme_id": PROGRAMME_ID,
                          "year": integer(2000, 2100), "title": text(100), "opens_at": INSTANT, "closes_at": INSTANT,
                          "review_closes_at": INSTANT, "reason": REASON},
                         required=("programme_id", "from_programme_id", "year", "opens_at", "closes_at", "reason"))))
    r.add(Route("PATCH", base, "amendProgramme",
                "A new version of a programme. `changes` is a JSON merge patch (RFC 7386) of the programme document "
                "(arrays are replaced whole). Before the window opens anything but id, owner and level may change; "
                "after it opens only what the notices allow: deadlines extended (never earlier) and the target "
                "(target_count, target_tolerance). An extension is announced (programme.amended) to the enterprises "
                "and reviewing units it affects. 409 when `expected_version` is no longer the current version",
                "programmes", ADMIN, amend_programme, response=message_schema(pb.Programme), errors=(409,),
                action_zh="修改培育批次",
                body=obj({"expected_version": integer(1, 100000), "reason": REASON,
                          "changes": {"type": "object", "minProperties": 1, "maxProperties": 40,
                                      "propertyNames": {"pattern": KEY_PATTERN},
                                      "additionalProperties": patch_value(PATCH_DEPTH),
                                      "x-message": "changes 为培育批次文件的 JSON Merge Patch 对象"}},
                         required=("expected_version", "reason", "changes"))))
