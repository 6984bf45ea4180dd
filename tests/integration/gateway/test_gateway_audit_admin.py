"""Issue 25 point 3 against the running gateway: a failed sign-in is recorded with the login tried, the
audit administrator searches and exports (CSV) the trail, the export is itself recorded as a download,
and an edited or deleted entry of the gateway's own hash-chained trail is named by the verification."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
import time
from typing import Any

from gwclient import Api
from pymongo import MongoClient

from zjtx import audit
from zjtx.config import REPO_ROOT
from zjtx.embedded_mongo import EmbeddedMongo


def verify(mongo_server: EmbeddedMongo) -> tuple[int, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZJTX_")}
    env.update({"MONGO_URI": mongo_server.uri, "PYTHONPATH": str(REPO_ROOT / "services")})
    done = subprocess.run([sys.executable, "-m", "zjtx.ops", "audit-verify", "--service", "gateway"], env=env,
                          cwd=REPO_ROOT, capture_output=True, text=True, timeout=120)
    return done.returncode, done.stdout


def test_failures_and_exports_are_in_the_trail_the_audit_administrator_searches_and_exports(api: Api) -> None:
    login = f"nobody-{time.monotonic_ns() % 10**9}"
    refused = api.post("/api/v1/sessions/staff", {"username": login, "password": "Wrong-password-1"}, token="",
                       headers={"X-Forwarded-For": "203.0.113.9"})
    assert refused.status == 401
    auditor = api.audit_admin()
    found = api.get("/api/v1/audit", params={"action": "session.signin_failed", "limit": 20}, token=auditor)
    assert found.status == 200, found.body
    entry = next(e for e in found.body["entries"] if e["details"].get("login") == f"staff:{login}")
    assert (entry["result"], entry["role"], entry["client_address"]) == ("refused", "anonymous", "203.0.113.9")
    assert entry["at"] and entry["trace_id"]

    exported = api.get("/api/v1/audit/export", params={"action": "session.", "limit": 500}, token=auditor)
    assert exported.status == 200 and exported.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(exported.body.decode("utf-8-sig"))))
    assert any(r["action"] == "session.signin_failed" and f"staff:{login}" in r["details"] for r in rows)
    assert {"at", "platform_at", "subject", "client_address", "action", "target", "result"} <= set(rows[0])
    downloads = api.get("/api/v1/audit", params={"action": "download.exportAudit", "limit": 5}, token=auditor)
    assert downloads.body["entries"] and downloads.body["entries"][0]["role"] == "audit_admin"


def test_verification_names_an_edited_then_a_deleted_gateway_entry(api: Api, mongo: MongoClient,
                                                                  mongo_server: EmbeddedMongo) -> None:
    api.audit_admin()  # a sign-in: entries of this session in the gateway's trail
    trail = mongo.zjtx_gateway.audit
    status, out = verify(mongo_server)
    assert status == 0 and "gateway: intact" in out, out
    last: list[dict[str, Any]] = list(trail.find().sort("seq", -1).limit(3))
    edited, deleted = last[2], last[1]
    chain = audit.AuditTrail(mongo.zjtx_gateway, "gateway")  # the command's own check, in process (quicker)
    try:
        # someone with the database rewrites who signed in
        trail.update_one({"_id": edited["_id"]}, {"$set": {"subject": "someone-else"}})
        status, out = verify(mongo_server)
        assert status == 1 and f"gateway: BROKEN at entry {edited['seq']}: edited" in out, out
    finally:
        trail.replace_one({"_id": edited["_id"]}, edited)
    try:
        trail.delete_one({"_id": deleted["_id"]})
        found = chain.verify()
        assert (found.broken_seq, found.problem.split(":")[0]) == (deleted["seq"], "deleted"), found.describe()
    finally:
        trail.insert_one(deleted)
    assert chain.verify().intact
