"""Which unit reviews an application at which level: a level's task opened at the unit the
level routes to (``open_task``, which every step that moves an application to a level calls),
or the application recorded as unroutable for the owner's admins to list and route again once
the units are corrected. The choice of unit is the pure rule ``rules.routing.route_application``.
"""

from __future__ import annotations

import logging
import uuid
from datetime import datetime
from typing import Any

from review import storage
from review.catalogue import Catalogue
from review.history import Actor, record_history
from review.messages import step
from review.rules import decisions as d
from review.rules.programmes import Programme
from review.rules.routing import route_application
from review.rules.units import RoutingError
from zjtx.clock import iso
from zjtx.mongo import UnitOfWork
from zjtx_api import review_pb2 as pb

log = logging.getLogger(__name__)


def open_task(unit: UnitOfWork, catalogue: Catalogue, programme: Programme, application: dict[str, Any],
              level: int, at: datetime, new: bool = False) -> tuple[dict[str, Any] | None, dict[str, Any]]:
    """Route ``level`` for the application and open its task (or record it unroutable).
    ``new``: the application is not written yet (a submission): it is inserted as it ends up."""
    try:
        route = route_application(catalogue.units, programme, application, level)
    except RoutingError as error:
        return None, _mark_unroutable(unit, application, programme, level, error, at, new)
    spec = route.level
    due = programme.review_closes_at(level)
    task = {
        "_id": uuid.uuid4().hex, "application_id": application["_id"], "programme_id": programme.id,
        "level": level, "level_title": spec.title, "checks": list(spec.checks), "unit_id": route.unit.id,
        "unit_name": route.unit.name, "round": application.get("returns", 0), "status": d.TASK_OPEN,
        "opened_at": at, "opened_seq": storage.next_seq(), "due_at": due,
    }
    storage.insert_task(unit, task)
    application = record_history(unit, application, at, Actor("system", "system", route.unit.id, route.unit.name),
                          "task_opened", level=level, task_id=task["_id"], round=task["round"],
                          detail=f"{spec.title}：{route.unit.name}", defer=True)
    application = storage.update_application(unit, application, {
        "status": d.IN_REVIEW, "level": level, "unit_id": route.unit.id, "unit_name": route.unit.name,
        "open_task_id": task["_id"], "unit_ids": sorted({*application.get("unit_ids", []), route.unit.id}),
        "routes": {**(application.get("routes") or {}), str(level): route.unit.id},
    }, unset=("reason", "routing"), insert=new)
    unit.emit_event(pb.TaskOpened(
        step=step(task, application, at), due_at=iso(due) if due else "", round=task["round"]), application["_id"])
    return task, application


def _mark_unroutable(unit: UnitOfWork, application: dict[str, Any], programme: Programme, level: int,
                     error: RoutingError, at: datetime, new: bool = False) -> dict[str, Any]:
    log.warning("application %s of %s cannot be routed at level %d: %s",
                application["_id"], programme.id, level, error.message)
    application = record_history(unit, application, at, Actor("system", "system"), "unroutable", level=level,
                          reason=error.message, detail=error.message, defer=True)
    return storage.update_application(unit, application, {
        "status": d.UNROUTABLE, "level": level, "reason": error.message,
        "routing": {"level": level, "unit_kind": error.unit_kind, "reason": error.message, "at": at},
    }, unset=("open_task_id",), insert=new)
