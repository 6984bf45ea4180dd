"""Programme administration use cases: a year's programme from a template, and new versions of a
programme (an extension among them), each stored with who, when, from where and why.

The same use-case shape as ``workflow``: functions run inside the transaction the entrypoint
opens; the rules are in ``rules/amendments``. The entrypoint refreshes the catalogue after
the commit so this replica's window checks read the new version at once (the others within
``catalogue.REFRESH_SECONDS``).
"""

from __future__ import annotations

from typing import Any

from review import storage
from review.catalogue import units_record, version_record
from review.history import audit
from review.rules.amendments import check_amendment, check_reason, new_programme_document, read_patch
from review.rules.programmes import NATIONAL, Programme
from review.rules.unit_amendments import apply_changes, read_changes
from review.rules.units import Unit
from review.workflow import Context
from zjtx.clock import iso
from zjtx.errors import conflict, forbidden, precondition
from zjtx.mongo import UnitOfWork
from zjtx_api import review_pb2 as pb


def _check_admin(ctx: Context, programme: Programme, what: str) -> None:
    """Only an admin of the programme's owning unit (the province's, or a city's for a city programme)."""
    owner = ctx.catalogue.owner_unit(programme)
    caller = ctx.caller
    if caller.role != "admin" or caller.unit != owner.id:
        raise forbidden("programme.forbidden", f"只有{owner.name}的管理员可以{what}")


def _record(ctx: Context, programme: Programme, document: dict[str, Any], kind: str, reason: str,
            changes: list[str], extended: bool = False) -> dict[str, Any]:
    caller = ctx.caller
    return version_record(programme, document, kind=kind, at=ctx.now, by=ctx.actor, role=caller.role,
                          unit_id=caller.unit, reason=reason, changes=changes, extended=extended,
                          client_address=getattr(caller, "client_address", ""))


def create_programme(unit: UnitOfWork, ctx: Context, request: pb.CreateProgrammeRequest) -> Programme:
    template = ctx.catalogue.programme(request.from_programme_id)
    _check_admin(ctx, template, "以该培育批次为模板创建新批次")
    reason = check_reason(request.reason)
    programme, document = new_programme_document(
        ctx.catalogue.sources[template.id], programme_id=request.programme_id.strip(), year=request.year,
        title=request.title, opens_at=request.opens_at, closes_at=request.closes_at,
        review_closes_at=request.review_closes_at, rulesets=ctx.catalogue.rulesets)
    if programme.recommend_to not in (None, NATIONAL) and programme.recommend_to not in ctx.catalogue.programmes:
        raise precondition("programme.recommend_to", f"推荐去向 {programme.recommend_to} 不存在")
    storage.add_programme_version(unit, _record(ctx, programme, document, "created", reason,
                                                [f"from:{template.id}@{template.version}"]), None)
    audit(unit, ctx, "programme.created", f"programme:{programme.id}", reason=reason, version=programme.version,
          template=f"{template.id}@{template.version}")
    return programme


def amend_programme(unit: UnitOfWork, ctx: Context, programme_id: str, expected_version: int, changes_json: str,
                    reason: str) -> Programme:
    current = ctx.catalogue.programme(programme_id)
    _check_admin(ctx, current, "修改培育批次")
    reason = check_reason(reason)
    patch = read_patch(changes_json)
    stored = storage.programme_version(unit.db, programme_id, expected_version or current.version, unit.session)
    if expected_version and expected_version != current.version or stored is None:
        raise precondition("programme.changed",
                           f"培育批次当前为第{current.version}版，请刷新后在最新版本上修改（提交的是第{expected_version}版）")
    if storage.programme_state(unit.db, programme_id, unit.session).get("publicity"):
        raise precondition("programme.recognised", f"{current.title}的认定名单已确认，培育批次不能再修改")
    programme, document, changes, extended = check_amendment(
        current, stored["document"], patch, ctx.now, ctx.catalogue.rulesets)
    storage.add_programme_version(unit, _record(ctx, programme, document, "amended", reason, changes, extended),
                                  current.version)
    audit(unit, ctx, "programme.amended", f"programme:{programme.id}", reason=reason, version=programme.version,
          previous_version=current.version, changes=changes, extended=extended)
    unit.emit_event(pb.ProgrammeAmended(
        programme_id=programme.id, version=programme.version, previous_version=current.version,
        title=programme.title, changes=changes, reason=reason, extended=extended,
        closes_at=programme.window.closes_at.isoformat(), previous_closes_at=current.window.closes_at.isoformat(),
        review_closes_at=programme.window.review_closes_at.isoformat(),
        previous_review_closes_at=current.window.review_closes_at.isoformat(), changed_by=ctx.actor, at=iso(ctx.now),
        target_count=programme.target_count or 0, target_tolerance=programme.target_tolerance), programme.id)
    return programme


def version_message(record: dict[str, Any], current: int) -> pb.ProgrammeVersion:
    at = record.get("changed_at")
    return pb.ProgrammeVersion(
        programme_id=record["programme_id"], version=record["version"], kind=record.get("kind", ""),
        changed_by=record.get("changed_by", ""), role=record.get("role", ""), unit_id=record.get("unit_id", ""),
        changed_at=iso(at) if at else "", reason=record.get("reason", ""), changes=record.get("changes", []),
        client_address=record.get("client_address", ""), extended=bool(record.get("extended")),
        current=record["version"] == current)


# ---------------------------------------------------------------- review units


def top_unit(ctx: Context) -> Unit:
    """The instance's top unit (the province's, or the city's on a city instance): its admins own the units."""
    return next(u for u in ctx.catalogue.units if u.parent is None)


def amend_units(unit: UnitOfWork, ctx: Context, expected_version: int, units_json: str, reason: str) -> list[str]:
    """Add or correct review units: a new version of the whole directory (who, when, from where, why),
    in review's audit trail. New applications route by it; tasks already opened keep their unit."""
    top = top_unit(ctx)
    if ctx.caller.role != "admin" or ctx.caller.unit != top.id:
        raise forbidden("units.forbidden", f"只有{top.name}的管理员可以新增或更正审核单位")
    reason = check_reason(reason)
    changes = read_changes(units_json)
    current = storage.units_head(unit.db, unit.session)
    if expected_version and expected_version != current:
        raise conflict("units.changed",
                       f"审核单位当前为第{current}版，请刷新后在最新版本上修改（提交的是第{expected_version}版）")
    stored = storage.unit_version(unit.db, current, unit.session)
    if stored is None:
        raise precondition("units.not_seeded", "审核单位尚未初始化，请稍后再试")
    document, _, described = apply_changes(stored["document"], changes, ctx.catalogue.jurisdiction)
    caller = ctx.caller
    storage.add_unit_version(unit, units_record(
        document, current + 1, kind="amended", at=ctx.now, by=ctx.actor, role=caller.role, unit_id=caller.unit,
        reason=reason, changes=described, client_address=getattr(caller, "client_address", "")), current)
    audit(unit, ctx, "units.amended", f"units:{current + 1}", reason=reason, version=current + 1,
          previous_version=current, changes=described)
    return described


def unit_version_message(record: dict[str, Any], current: int) -> pb.UnitDirectoryVersion:
    at = record.get("changed_at")
    return pb.UnitDirectoryVersion(
        version=record["version"], kind=record.get("kind", ""), changed_by=record.get("changed_by", ""),
        role=record.get("role", ""), unit_id=record.get("unit_id", ""), changed_at=iso(at) if at else "",
        reason=record.get("reason", ""), changes=record.get("changes", []),
        client_address=record.get("client_address", ""), current=record["version"] == current)
