"""The administrator's audit view: who did what, when, and from which address.

The records are the gateway's own ``audit`` collection: the writes the gateway owns
(sign-in, sign-out, passwords, accounts and their state) and every successful staff write
it forwards to a service (``request.<operationId>``). This module is the one place the
view's query is built and read, so switching it to another trail (a hash-chained one)
changes only this file.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from gateway.storage import GatewayStore


def audit_query(*, subject: str = "", action: str = "", since: datetime | None = None,
                until: datetime | None = None) -> dict[str, Any]:
    query: dict[str, Any] = {}
    if subject:
        query["subject"] = subject
    if action:
        query["action"] = {"$regex": f"^{_escape(action)}"}
    if since or until:
        query["at"] = {**({"$gte": since} if since else {}), **({"$lte": until} if until else {})}
    return query


CSV_COLUMNS = ("at", "platform_at", "subject", "role", "unit", "client_address", "action", "target", "result",
               "reason", "trace_id", "details")


def audit_csv(entries: list[dict[str, Any]]) -> bytes:
    """The entries as CSV (UTF-8 with BOM, so spreadsheet programs read the Chinese); details as JSON."""
    import csv
    import io
    import json

    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(CSV_COLUMNS)
    for e in entries:
        # a leading = + - @ would be a formula in a spreadsheet: quote it away (CSV injection)
        row = [json.dumps(e[c], ensure_ascii=False, sort_keys=True) if c == "details" else str(e[c]) for c in CSV_COLUMNS]
        writer.writerow(["'" + v if v[:1] in ("=", "+", "-", "@") else v for v in row])
    return ("\ufeff" + text.getvalue()).encode("utf-8")


def _escape(text: str) -> str:
    return "".join(f"\\{c}" if not c.isalnum() and c not in "_-" else c for c in text)


def audit_entries(store: GatewayStore, query: dict[str, Any], limit: int,
                  visible: Callable[[dict[str, Any]], bool] | None = None) -> list[dict[str, Any]]:
    """Newest first; ``visible`` keeps the records the viewer may see (a city's admin: its own units').
    The scan is bounded (10 x limit records) so a narrow viewer cannot make it read the whole trail."""
    records = store.audit_records(query, limit if visible is None else limit * 10)
    if visible is not None:
        records = [r for r in records if visible(r)][:limit]
    return [{
        "at": r["at"].isoformat() if isinstance(r.get("at"), datetime) else str(r.get("at", "")),
        "platform_at": r["platform_at"].isoformat() if isinstance(r.get("platform_at"), datetime) else "",
        "result": r.get("result", ""), "reason": r.get("reason", ""),
        "action": r.get("action", ""), "target": r.get("target", ""), "subject": r.get("subject", ""),
        "role": r.get("role", ""), "unit": r.get("unit", ""), "client_address": r.get("client_address", ""),
        "trace_id": r.get("trace_id", ""), "details": {k: str(v) for k, v in (r.get("details") or {}).items()},
    } for r in records]
