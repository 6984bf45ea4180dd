"""Who did what: the entries of an application's history (who, unit, level, when, what, why)
and of review's tamper-evident audit trail, with the actors the use cases record them for.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from review import storage
from review.rules import decisions as d
from review.rules.programmes import Programme
from zjtx import audit as audit_trail
from zjtx.mongo import UnitOfWork

if TYPE_CHECKING:  # a type only: workflow imports this module, so importing it back at run time would be circular
    from review.workflow import Context


@dataclass(frozen=True)
class Actor:
    """Who did something, as history records it."""

    id: str
    role: str
    unit_id: str = ""
    unit_name: str = ""
    address: str = ""  # the person's client address, from the signed identity token


def reviewer_actor(ctx: Context, task: dict[str, Any]) -> Actor:
    return Actor(ctx.actor, ctx.caller.role, task["unit_id"], task["unit_name"], getattr(ctx.caller, "client_address", ""))


def owner_actor(ctx: Context, programme: Programme) -> Actor:
    owner = ctx.catalogue.owner_unit(programme)
    return Actor(ctx.actor, ctx.caller.role, owner.id, owner.name, getattr(ctx.caller, "client_address", ""))


def enterprise_actor(application: dict[str, Any], who: str = "") -> Actor:
    return Actor(who or application["enterprise"]["enterprise_id"] or "enterprise", "enterprise")


def record_history(unit: UnitOfWork, application: dict[str, Any], at: datetime, actor: Actor, action: str, *,
                   level: int = 0, detail: str = "", task_id: str = "", round: int = 0, opinion: str = "",
                   reason: str = "", reasons: Sequence[d.ReturnReason] = (), defer: bool = False) -> dict[str, Any]:
    """Append one history entry (who, unit, level, when, what, why). ``defer``: the caller
    updates the application next (``storage.append_history``)."""
    return storage.append_history(unit, application, {
        "at": at, "actor": actor.id, "role": actor.role, "unit_id": actor.unit_id, "unit_name": actor.unit_name,
        "level": level, "action": action, "action_label": d.ACTION_LABELS[action], "detail": detail,
        "task_id": task_id, "round": round, "opinion": opinion, "reason": reason,
        "reasons": [r.__dict__ for r in reasons], "client_address": actor.address,
    }, defer=defer)


def audit(unit: UnitOfWork, ctx: Context, action: str, target: str, *, reason: str = "", **details: Any) -> None:
    """One entry in review's tamper-evident trail (zjtx.audit), written in the decision's own
    transaction: who (the verified caller, with the client address the gateway signed), what, why."""
    audit_trail.record(unit, audit_trail.Entry.by(ctx.caller, action, target, reason=reason, details=details))
