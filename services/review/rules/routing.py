"""Routing: the unit that reviews an application at a level of the programme's chain.

A level routes by the enterprise's region and park (``UnitDirectory.route``) within the
programme's jurisdiction; an application keeps the unit a level was routed to. Pure: no
Nameko, no pymongo (the task it opens is ``review.routing``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from review.rules.programmes import ChainLevel, Programme
from review.rules.units import RoutingError, Unit, UnitDirectory


@dataclass(frozen=True)
class Route:
    level: ChainLevel
    unit: Unit


def route_level(units: UnitDirectory, programme: Programme, level: int, region_code: str, park_id: str) -> Route:
    """The unit reviewing ``level`` for this enterprise; RoutingError (Chinese) if none."""
    spec = programme.level_spec(level)
    if not programme.covers_region(region_code):
        raise RoutingError(
            f"企业所在地区（{region_code or '未填写'}）不在{programme.owner_name}的管辖范围内，不能参加{programme.title}",
            unit_kind=spec.unit_kind, region_code=region_code, park_id=park_id or None,
        )
    return Route(spec, units.route(spec, region_code, park_id or None))


def route_application(units: UnitDirectory, programme: Programme, application: Mapping[str, Any],
                      level: int) -> Route:
    """The unit reviewing ``level`` of this application; RoutingError (Chinese) if none."""
    # an application keeps the unit a level was routed to (a resubmission goes back to it) even if
    # the units were corrected since; a level it reaches for the first time routes by the current units
    pinned = (application.get("routes") or {}).get(str(level))
    if pinned in units:
        return Route(programme.level_spec(level), units.get(pinned))
    enterprise = application["enterprise"]
    return route_level(units, programme, level, enterprise["region_code"], enterprise["park_id"])
