"""Review units (审核单位) as data, and routing an application to the unit that reviews it.

A unit is a province, a city (市州), a 省财政直管县市 (``direct_county``), a county or
district, or a park (园区). ``covers`` lists GB/T 2260 codes; a code covers itself and
everything beneath it (430000: the whole province, 430100: 长沙市 and its counties,
430481: 耒阳市 only), minus the unit's ``excludes`` (a city excludes its counties that
are 省直管县 units: for a province-level programme they report to the province
directly, not through the city).

Routing a chain level (``unit_kind``) for an enterprise in ``region_code``:

- ``province``: the province unit covering the region;
- ``city_or_direct_county``: the 省直管县 unit covering the region if there is one,
  else the city covering it (the carve-out above makes exactly one match);
- ``city``: the city the region lies in, by code. The 省直管县 carve-out is fiscal and
  applies to province programmes only; a city still runs its own programmes for all
  its counties (衡阳市 reviews 耒阳 enterprises in its 种子企业 programme);
- ``county_or_park``: the park the enterprise declares, if any (it must lie in the
  enterprise's city), else the county or district unit covering the region.

Units YAML: ``deploy/units/<province>.yaml``, documented in deploy/programmes/README.md.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kernel.divisions import division_within, is_division_code

from .programmes import UNIT_KINDS, ChainLevel, read_yaml

KINDS = ("province", "city", "direct_county", "county", "park")
UNIT_ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# Which unit kinds may sit directly above each kind.
PARENT_KINDS = {
    "province": (),
    "city": ("province",),
    "direct_county": ("province",),  # the fiscal line: reports to the province
    "county": ("city",),
    "park": ("city", "province"),
}
# Unit kinds a chain level may route to, most specific first.
ROUTE_KINDS = {
    "county_or_park": ("park", "direct_county", "county"),
    "city_or_direct_county": ("direct_county", "city"),
    "city": ("city",),
    "province": ("province",),
}


class UnitsError(ValueError):
    """An invalid units document; ``errors`` lists every problem with its path."""

    def __init__(self, errors: Sequence[str], source: str | None = None) -> None:
        self.errors = list(errors)
        self.source = source
        head = f"{source}: " if source else ""
        lines = "\n".join(f"  - {error}" for error in self.errors)
        super().__init__(f"{head}{len(self.errors)} error(s) in units document:\n{lines}")


class RoutingError(LookupError):
    """No unit (or no single unit) reviews this region at this level.

    ``message`` is Chinese: it can reach the enterprise when submission fails.
    """

    def __init__(self, message: str, *, unit_kind: str, region_code: str, park_id: str | None):
        super().__init__(message)
        self.message = message
        self.unit_kind = unit_kind
        self.region_code = region_code
        self.park_id = park_id


_Fail = Callable[[str], "RoutingError"]


def city_of(code: str) -> str:
    """The city-level code a county-level code belongs to (430481 -> 430400)."""
    return code[:4] + "00"


@dataclass(frozen=True)
class Unit:
    id: str
    name: str
    kind: str
    division_code: str
    covers: tuple[str, ...]
    parent: str | None
    excludes: tuple[str, ...] = ()
    division_name: str | None = None

    def covers_region(self, code: str) -> bool:
        """True if enterprises in ``code`` are within this unit's jurisdiction."""
        if any(division_within(code, area) for area in self.excludes):
            return False
        return any(division_within(code, area) for area in self.covers)


class UnitDirectory:
    """All review units of a deployment, with routing."""

    def __init__(self, units: Iterable[Unit]) -> None:
        self._units: dict[str, Unit] = {}
        for unit in units:
            if unit.id in self._units:
                raise ValueError(f"duplicate unit id {unit.id!r}")
            self._units[unit.id] = unit

    def __iter__(self) -> Iterator[Unit]:
        return iter(self._units.values())

    def __len__(self) -> int:
        return len(self._units)

    def __contains__(self, unit_id: object) -> bool:
        return unit_id in self._units

    def get(self, unit_id: str) -> Unit:
        try:
            return self._units[unit_id]
        except KeyError:
            raise KeyError(f"no review unit {unit_id!r}") from None

    def of_kind(self, *kinds: str) -> list[Unit]:
        return [unit for unit in self._units.values() if unit.kind in kinds]

    def children(self, unit_id: str) -> list[Unit]:
        return [unit for unit in self._units.values() if unit.parent == unit_id]

    def for_division(self, code: str) -> Unit | None:
        """The non-park unit whose own division is ``code`` (e.g. a programme's owner)."""
        return next(
            (u for u in self._units.values() if u.division_code == code and u.kind != "park"),
            None,
        )

    def parks_in(self, city_code: str) -> list[Unit]:
        """Parks an enterprise of this city may declare (for the application form)."""
        return [u for u in self.of_kind("park") if city_of(u.division_code) == city_of(city_code)]

    # -- routing

    def route(
        self, level: ChainLevel | str, region_code: str, park_id: str | None = None
    ) -> Unit:
        """The unit reviewing an application at ``level`` for an enterprise in
        ``region_code`` that declared park ``park_id`` (or None). RoutingError if none.
        """
        unit_kind = level.unit_kind if isinstance(level, ChainLevel) else level
        if unit_kind not in UNIT_KINDS:
            raise ValueError(f"unknown unit_kind {unit_kind!r}; accepted: {', '.join(UNIT_KINDS)}")

        def fail(message: str) -> RoutingError:
            return RoutingError(message, unit_kind=unit_kind, region_code=region_code, park_id=park_id)

        if not is_division_code(region_code):
            raise fail(f"所属地区代码“{region_code}”无效，应为6位行政区划代码")
        if unit_kind == "county_or_park" and park_id:
            return self._route_park(park_id, region_code, fail)
        if unit_kind == "city":
            return self._route_city(region_code, fail)
        return self._route_covering(unit_kind, region_code, fail)

    def route_chain(
        self, chain: Sequence[ChainLevel], region_code: str, park_id: str | None = None
    ) -> list[Unit]:
        """The unit for every level of a review chain, in order."""
        return [self.route(level, region_code, park_id) for level in chain]

    def _route_park(self, park_id: str, region_code: str, fail: _Fail) -> Unit:
        park = self._units.get(park_id)
        if park is None or park.kind != "park":
            raise fail(f"没有园区审核单位“{park_id}”")
        if city_of(park.division_code) != city_of(region_code):
            raise fail(f"{park.name}不在企业所在地区（{region_code}）所属的市州，请重新选择园区")
        return park

    def _route_city(self, region_code: str, fail: _Fail) -> Unit:
        city = city_of(region_code)
        for unit in self.of_kind("city"):
            if unit.division_code == city:
                return unit
        raise fail(f"没有负责地区 {region_code} 的市州审核单位（{city}）")

    def _route_covering(self, unit_kind: str, region_code: str, fail: _Fail) -> Unit:
        for kind in ROUTE_KINDS[unit_kind]:
            matches = [u for u in self.of_kind(kind) if u.covers_region(region_code)]
            if len(matches) > 1:
                names = "、".join(u.name for u in matches)
                raise fail(f"地区 {region_code} 同时由多个审核单位负责（{names}），请联系管理员")
            if matches:
                return matches[0]
        if unit_kind == "county_or_park":
            raise fail(f"没有负责地区 {region_code} 的县市区审核单位，请填写企业所在县市区或选择所在园区")
        raise fail(f"没有负责地区 {region_code} 的审核单位（{unit_kind}）")


# --------------------------------------------------------------------------- loading

_UNIT_REQUIRED = ("id", "name", "kind", "division_code", "covers", "parent")
_UNIT_OPTIONAL = ("excludes", "division_name")


def load_units(path: str | Path) -> UnitDirectory:
    """Load and validate a units document; UnitsError lists every problem."""
    source = str(path)
    try:
        raw = read_yaml(path)
    except (OSError, ValueError) as exc:
        raise UnitsError([str(exc)], source) from exc
    return parse_units(raw, source)


def parse_units(raw: Any, source: str | None = None) -> UnitDirectory:
    errors: list[str] = []
    if not isinstance(raw, dict) or not isinstance(raw.get("units"), list):
        raise UnitsError(["(document): expected a mapping with a 'units' list"], source)
    for key in raw:
        if key not in ("version", "title", "units"):
            errors.append(f"{key}: unknown key; accepted: version, title, units")
    units: list[Unit] = []
    seen: dict[str, str] = {}
    for index, item in enumerate(raw["units"]):
        path = f"units[{index}]"
        unit = _parse_unit(item, path, errors)
        if unit is None:
            continue
        if unit.id in seen:
            errors.append(f"{path}.id: duplicate unit id '{unit.id}' (first at {seen[unit.id]})")
            continue
        seen[unit.id] = path
        units.append(unit)
    errors.extend(_check_directory(units, seen))
    if errors:
        raise UnitsError(errors, source)
    return UnitDirectory(units)


def _code(value: Any) -> str | None:
    text = str(value) if isinstance(value, int) and not isinstance(value, bool) else value
    return text if is_division_code(text) else None


def _codes(value: Any, path: str, errors: list[str]) -> tuple[str, ...] | None:
    if not isinstance(value, list):
        errors.append(f"{path}: expected a list of 6-digit codes")
        return None
    codes = [_code(item) for item in value]
    for index, (item, code) in enumerate(zip(value, codes, strict=True)):
        if code is None:
            errors.append(f"{path}[{index}]: expected a 6-digit GB/T 2260 code, got {item!r}")
    return None if None in codes else tuple(codes)


def _text(m: Mapping[str, Any], key: str, path: str, errors: list[str]) -> str | None:
    value = m.get(key)
    if isinstance(value, str) and value.strip():
        return value.strip()
    errors.append(f"{path}.{key}: expected a non-empty string")
    return None


def _parse_unit(item: Any, path: str, errors: list[str]) -> Unit | None:
    if not isinstance(item, dict):
        errors.append(f"{path}: expected a mapping")
        return None
    before = len(errors)
    for key in _UNIT_REQUIRED:
        if key not in item:
            errors.append(f"{path}.{key}: required key missing")
    for key in item:
        if key not in _UNIT_REQUIRED + _UNIT_OPTIONAL:
            accepted = ", ".join(_UNIT_REQUIRED + _UNIT_OPTIONAL)
            errors.append(f"{path}.{key}: unknown key; accepted: {accepted}")
    if len(errors) > before:
        return None
    unit_id = _text(item, "id", path, errors)
    if unit_id is not None and not UNIT_ID_RE.match(unit_id):
        errors.append(f"{path}.id: '{unit_id}' is not a lowercase ascii kebab-case id")
    name = _text(item, "name", path, errors)
    kind = item["kind"]
    if kind not in KINDS:
        errors.append(f"{path}.kind: unknown kind {kind!r}; accepted: {', '.join(KINDS)}")
    division = _code(item["division_code"])
    if division is None:
        errors.append(f"{path}.division_code: expected a 6-digit GB/T 2260 code")
    covers = _codes(item["covers"], f"{path}.covers", errors)
    excludes = _codes(item.get("excludes") or [], f"{path}.excludes", errors)
    parent = item["parent"]
    if parent is not None and not isinstance(parent, str):
        errors.append(f"{path}.parent: expected a unit id or null")
    division_name = item.get("division_name")
    if division_name is not None and not (isinstance(division_name, str) and division_name.strip()):
        errors.append(f"{path}.division_name: expected a non-empty string")
    if len(errors) > before:
        return None
    unit = Unit(unit_id, name, kind, division, covers, parent, excludes, division_name)
    errors.extend(f"{path}.{problem}" for problem in _check_unit(unit))
    return unit


def _check_unit(unit: Unit) -> list[str]:
    """Shape rules for one unit; each problem starts with the offending key."""
    problems = []
    code = unit.division_code
    expected_level = {
        "province": code.endswith("0000"),
        "city": code.endswith("00") and not code.endswith("0000"),
        "direct_county": not code.endswith("00"),
        "county": not code.endswith("00"),
        "park": True,
    }
    if not expected_level[unit.kind]:
        problems.append(f"division_code: {code} is not a code a {unit.kind} unit can have")
    if not unit.covers and unit.kind != "park":
        # Parks are reached through the park the enterprise declares, not its region.
        problems.append("covers: only a park may cover no region")
    for area in unit.covers:
        if not division_within(area, code) and unit.kind != "park":
            problems.append(f"covers: {area} lies outside the unit's own division {code}")
        if unit.kind == "park" and city_of(area) != city_of(code):
            problems.append(f"covers: {area} lies outside the park's city {city_of(code)}")
    if unit.excludes and unit.kind != "city":
        problems.append("excludes: only a city excludes regions (its 省直管县)")
    for area in unit.excludes:
        if not division_within(area, code) or area == code:
            problems.append(f"excludes: {area} is not a county of {code}")
    return problems


def _check_directory(units: Sequence[Unit], paths: Mapping[str, str]) -> list[str]:
    """Rules across units: parents, the 省直管县 carve-out and no double coverage.

    ``paths`` maps unit ids to their place in the document, for the messages.
    """
    by_id = {unit.id: unit for unit in units}
    problems = []
    # one top unit (parent null): the province in a province's instance, the city in a
    # city's own instance (deploy/instances/, docs/instances.md); every other unit needs a parent
    roots = [unit for unit in units if unit.parent is None]
    if len(roots) > 1:
        problems.extend(f"{paths[unit.id]}.parent: only one unit may have no parent (the instance's top "
                        f"unit, here {roots[0].id}); a {unit.kind} unit needs a parent" for unit in roots[1:])
    for unit in units:
        if unit.parent is not None:
            problems.extend(f"{paths[unit.id]}.parent: {p}" for p in _check_parent(unit, by_id))
    problems.extend(_check_carve_out(units, paths))
    for route_kinds in (("park", "direct_county", "county"), ("direct_county", "city"), ("province",)):
        problems.extend(_check_overlaps([u for u in units if u.kind in route_kinds], paths))
    return problems


def _check_parent(unit: Unit, by_id: Mapping[str, Unit]) -> list[str]:
    accepted = PARENT_KINDS[unit.kind]
    parent = by_id.get(unit.parent)
    if parent is None:
        return [f"no unit '{unit.parent}'"]
    if parent.kind not in accepted:
        return [f"a {unit.kind} cannot report to a {parent.kind} ({parent.id})"]
    if not division_within(unit.division_code, parent.division_code):
        return [f"{parent.id} does not contain {unit.division_code}"]
    return []


def _check_carve_out(units: Sequence[Unit], paths: Mapping[str, str]) -> list[str]:
    """Every 省直管县 is excluded from its city, and a city excludes only those."""
    direct = sorted(u.division_code for u in units if u.kind == "direct_county")
    problems = []
    for city in (u for u in units if u.kind == "city"):
        path = f"{paths[city.id]}.excludes"
        for area in city.excludes:
            if area not in direct:
                problems.append(f"{path}: {area} is not a direct_county unit")
        for code in direct:
            if city_of(code) == city.division_code and code not in city.excludes:
                problems.append(f"{path}: must list {code}, a direct_county unit in the city")
    return problems


def _check_overlaps(units: Sequence[Unit], paths: Mapping[str, str]) -> list[str]:
    """No region may be covered by two units that routing would choose between."""
    problems = []
    for index, first in enumerate(units):
        for second in units[index + 1:]:
            shared = _shared_region(first, second)
            if shared is not None:
                problems.append(f"{paths[second.id]}.covers: {shared} is also covered by {first.id}")
    return problems


def _shared_region(first: Unit, second: Unit) -> str | None:
    for a in first.covers:
        for b in second.covers:
            for code in (a, b):
                if first.covers_region(code) and second.covers_region(code):
                    return code
    return None
