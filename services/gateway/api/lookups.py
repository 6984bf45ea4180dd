"""Public look-ups the sign-up form needs: the USCC/region check and the division picker.

One rule, not a copy: the check runs the shared kernel's functions
(``kernel.enterprise_identity.uscc_violations`` / ``region_violations``, the very
functions registration's ``RegisterEnterprise`` applies; pure Python, no broker or database),
in-process, so a check as the person types costs no gRPC round trip.
The divisions come from the same reader and table (``kernel.divisions``,
deploy/divisions/gbt2260.csv or ``ZJTX_DIVISIONS_FILE``). Whether a USCC is already
registered is not told here (that would list who is registered); sign-up says so.
"""

from __future__ import annotations

from typing import Any

from gateway.routes import PUBLIC, Context, Registry, Reply, Route, obj
from kernel.divisions import LEVEL_NAMES, Division, DivisionTable, load_division_table
from kernel.enterprise_identity import region_violations, uscc_area, uscc_violations
from zjtx.errors import not_found

CODE = {"type": "string", "pattern": "^[0-9]{6}$", "x-message": "行政区划代码为6位数字（GB/T 2260），如 430100"}
VIOLATION = obj({"field": {"type": "string"}, "code": {"type": "string"}, "message": {"type": "string"}},
                required=("field", "code", "message"))
AREA = obj({"prefix": {"type": "string"}, "name": {"type": "string"}}, required=("prefix", "name"))
CHECK_SCHEMA = obj({"valid": {"type": "boolean"}, "code": {"type": "string"}, "message": {"type": "string"},
                    "violations": {"type": "array", "items": VIOLATION},
                    "division_code": {"type": "string"}, "division_name": {"type": "string"},
                    "area": {"oneOf": [AREA, {"type": "null"}]}},
                   required=("valid", "code", "message", "violations", "division_code", "division_name", "area"))
DIVISION = obj({"code": {"type": "string"}, "name": {"type": "string"}, "level": {"enum": list(LEVEL_NAMES)},
                "level_name": {"type": "string"}, "has_children": {"type": "boolean"},
                "selectable": {"type": "boolean"}},
               required=("code", "name", "level", "level_name", "has_children", "selectable"))
DIVISIONS_SCHEMA = obj({"parent": {"oneOf": [DIVISION, {"type": "null"}]},
                        "divisions": {"type": "array", "items": DIVISION}}, required=("parent", "divisions"))
CACHE = {"Cache-Control": "public, max-age=3600"}


def table() -> DivisionTable:
    return load_division_table()  # parsed once per path


def check_uscc(ctx: Context) -> dict[str, Any]:
    uscc = ctx.query["uscc"]
    region = ctx.query.get("region_code")
    divisions = table()
    problems = uscc_violations(uscc)
    if region is not None:
        problems += region_violations(region, uscc, divisions)
    area = uscc_area(uscc, divisions) if not problems else None
    division = divisions.get(area[0].ljust(6, "0")) if area else None
    first = problems[0] if problems else None
    return {"valid": not problems, "code": first.code if first else "", "message": first.message if first else "",
            "violations": [{"field": p.field, "code": p.code, "message": p.message} for p in problems],
            "division_code": division.code if division else "", "division_name": division.name if division else "",
            "area": {"prefix": area[0], "name": area[1]} if area else None}


def _division(divisions: DivisionTable, d: Division) -> dict[str, Any]:
    return {"code": d.code, "name": d.name, "level": d.level, "level_name": LEVEL_NAMES[d.level],
            "has_children": bool(divisions.children(d.code)), "selectable": not divisions.validate_region_code(d.code)}


def list_divisions(ctx: Context) -> Reply:
    divisions = table()
    code = ctx.query.get("parent")
    if code is None:
        parent = None
        children = [d for d in divisions if d.parent_code is None and d.current]
    else:
        found = divisions.get(code)
        if found is None or not found.current:
            raise not_found("division.unknown", f"行政区划代码 {code} 不在现行行政区划表中；省级代码如 430000，"
                                                "不带 parent 参数可列出全部省级行政区")
        parent = _division(divisions, found)
        children = divisions.children(code)
    return Reply({"parent": parent, "divisions": [_division(divisions, d) for d in children]}, headers=dict(CACHE))


def register(r: Registry) -> None:
    r.add(Route("GET", "/api/v1/uscc/check", "checkUscc",
                "Check a USCC (and optionally a region against it) by the rule sign-up applies", "lookups", PUBLIC,
                check_uscc, response=CHECK_SCHEMA,
                query=obj({"uscc": {"type": "string", "maxLength": 64},
                           "region_code": {"type": "string", "maxLength": 16}}, required=("uscc",)),
                description="Answers 200 with every problem per field (uscc, region_code) in Chinese, exactly as "
                            "POST /api/v1/enterprises would refuse them (`code`/`message`: the first of them). When "
                            "valid, `division_code`/`division_name` (and `area`: code prefix and full name) are the "
                            "city (or the province) of the USCC's registration office, whose counties the region "
                            "must be one of (`GET /api/v1/divisions?parent=<division_code>`). Whether the USCC is "
                            "already registered is not told."))
    r.add(Route("GET", "/api/v1/divisions", "listDivisions",
                "GB/T 2260 divisions for the region picker: the provinces, or the children of `parent`",
                "lookups", PUBLIC, list_divisions, response=DIVISIONS_SCHEMA, errors=(404,),
                query=obj({"parent": CODE}),
                description="`selectable`: accepted as an enterprise's region (a county, or a city without counties)."))
