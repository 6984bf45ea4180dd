"""Adding and correcting review units (审核单位): the pure rule behind ``AmendUnits``.

The units are one directory with versions, like a programme: a change lists the units it adds
or corrects (all in one version, so that a 省财政直管县市 correction, which touches the county
unit and its city's ``excludes`` together, is checked as a whole); the new directory passes the
same checks as the seed YAML (``units.parse_units``) and stays within the instance's
JURISDICTION. Problems come back in Chinese, naming the unit, the field and what is accepted.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from kernel.divisions import division_within
from zjtx.errors import Violation, invalid, precondition

from .units import UnitDirectory, UnitsError, parse_units

MAX_CHANGES = 50
FIELDS = ("id", "name", "kind", "division_code", "division_name", "covers", "excludes", "parent")
# what each field accepts, said to the admin with every problem found in it
ACCEPTED = {
    "id": "单位编号为小写字母、数字和连字符，如 unit-430481",
    "name": "单位名称为非空文字，如 耒阳市工业和信息化局",
    "kind": "单位类型为 province（省）、city（市州）、direct_county（省财政直管县市）、county（县市区）、park（园区）之一",
    "division_code": "行政区划代码为6位 GB/T 2260 代码，省级以0000结尾、市州以00结尾、县市区不以00结尾；已有单位的代码不能更改",
    "division_name": "行政区划名称为非空文字",
    "covers": "负责区域为6位行政区划代码的列表，须在本单位的行政区划内（园区可为空）",
    "excludes": "排除区域只用于市州，列出本市的省财政直管县市单位的代码（每个省财政直管县市都须列出）",
    "parent": "上级单位：市州和省财政直管县市的上级为省，县市区的上级为市州，园区的上级为市州或省",
    "units": "同一地区在同一审核层级只能由一个单位负责",
}
_PATH = re.compile(r"^units\[(\d+)\](?:\.(\w+))?")


def read_changes(units_json: str) -> list[dict[str, Any]]:
    """The JSON list of units to add or correct; each names its ``id``."""
    example = '[{"id": "unit-430481", "kind": "direct_county", "parent": "unit-430000"}]'
    try:
        changes = json.loads(units_json or "[]")
    except json.JSONDecodeError as error:
        raise invalid("units.not_json", f"审核单位修改内容不是合法的 JSON：{error.msg}（第{error.pos}个字符）",
                      [Violation("units_json", "not_json", error.msg)]) from None
    if not isinstance(changes, list) or not changes or len(changes) > MAX_CHANGES:
        raise invalid("units.empty", f"请列出要新增或更正的审核单位（1至{MAX_CHANGES}个），例如 {example}",
                      [Violation("units", "empty", f"应为1至{MAX_CHANGES}个审核单位的列表")])
    problems = []
    seen: set[str] = set()
    for index, change in enumerate(changes):
        if not isinstance(change, Mapping) or not isinstance(change.get("id"), str) or not change["id"].strip():
            problems.append(Violation(f"units[{index}].id", "required", f"每个审核单位都要写明编号（id）；{ACCEPTED['id']}"))
            continue
        if change["id"] in seen:
            problems.append(Violation(f"units[{index}].id", "duplicate", f"审核单位 {change['id']} 在本次修改中出现了两次"))
        seen.add(change["id"])
        for key in change:
            if key not in FIELDS:
                problems.append(Violation(f"units[{index}].{key}", "unknown",
                                          f"不认识的字段“{key}”；可填写：{'、'.join(FIELDS)}"))
    if problems:  # well-formed, refused by the rules: a precondition (409), as the API's other rule refusals
        raise precondition("units.invalid", "审核单位修改有误，未保存", problems)
    return [dict(change) for change in changes]


def apply_changes(document: Mapping[str, Any], changes: list[dict[str, Any]],
                  jurisdiction: str | None) -> tuple[dict[str, Any], UnitDirectory, list[str]]:
    """The new directory document, its parsed directory, and a description of each change
    ("added:unit-x", "unit-x.parent"); ``invalid`` with every problem otherwise."""
    units = [dict(u) for u in document.get("units", [])]
    at = {u["id"]: i for i, u in enumerate(units)}
    described: list[str] = []
    problems: list[Violation] = []
    changed_index: dict[int, int] = {}  # position in the directory -> position in the request
    for index, change in enumerate(changes):
        unit_id = change["id"]
        if unit_id in at:
            current = units[at[unit_id]]
            if "division_code" in change and str(change["division_code"]) != str(current["division_code"]):
                problems.append(Violation(f"units[{index}].division_code", "fixed",
                                          f"审核单位 {unit_id} 的行政区划代码不能更改；{ACCEPTED['division_code']}"))
                continue
            fields = [k for k in FIELDS if k in change and k != "id" and change[k] != current.get(k)]
            if not fields:
                problems.append(Violation(f"units[{index}]", "unchanged", f"审核单位 {unit_id} 没有要更正的内容"))
                continue
            units[at[unit_id]] = {**current, **{k: change[k] for k in fields}}
            described.extend(f"{unit_id}.{k}" for k in fields)
            changed_index[at[unit_id]] = index
        else:
            missing = [k for k in ("name", "kind", "division_code", "covers", "parent") if k not in change]
            if missing:
                problems.append(Violation(f"units[{index}]", "required",
                                          f"新增审核单位 {unit_id} 还须填写：{'、'.join(missing)}"))
                continue
            at[unit_id] = len(units)
            changed_index[len(units)] = index
            units.append({k: change[k] for k in FIELDS if k in change})
            described.append(f"added:{unit_id}")
    if problems:
        raise precondition("units.invalid", "审核单位修改有误，未保存", problems)
    new_document = {**document, "units": units}
    try:
        directory = parse_units(new_document)
    except UnitsError as error:
        raise precondition("units.invalid", "审核单位修改有误，未保存",
                           [_violation(problem, units, changed_index) for problem in error.errors][:25]) from None
    if jurisdiction:
        outside = [Violation(f"units[{changed_index[at[u.id]]}].division_code", "jurisdiction",
                             f"审核单位 {u.id}（{u.name}）的行政区划 {u.division_code} 不在本平台的辖区 {jurisdiction} 内")
                   for u in directory if at.get(u.id) in changed_index and not division_within(u.division_code, jurisdiction)]
        if outside:
            raise precondition("units.jurisdiction", f"本平台只管理辖区 {jurisdiction} 内的审核单位，未保存", outside)
    return new_document, directory, described


def _violation(problem: str, units: list[dict[str, Any]], changed_index: Mapping[int, int]) -> Violation:
    """A directory check's finding, placed on the change it concerns, in Chinese with what is accepted."""
    match = _PATH.match(problem)
    position = int(match.group(1)) if match else -1
    key = (match.group(2) if match else None) or "units"
    unit_id = units[position].get("id", "") if 0 <= position < len(units) else ""
    field = f"units[{changed_index[position]}].{key}" if position in changed_index else f"units.{unit_id or key}"
    detail = problem.split(": ", 1)[1] if ": " in problem else problem
    hint = ACCEPTED.get(key, ACCEPTED["units"])
    if "also covered" in detail:
        hint = f"{ACCEPTED['units']}；新增省财政直管县市时，请在同一次修改中把它列入所属市州的 excludes"
    return Violation(field, key, f"审核单位 {unit_id}：{hint}（{detail}）")
