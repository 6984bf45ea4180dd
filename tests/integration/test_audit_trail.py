"""The tamper-evident audit trail (zjtx.audit, issue 22 point 4): every administrative change
and decision is one hash-chained entry; ``python -m zjtx.ops audit-verify`` names the first
entry that was edited, deleted or reordered in the database.

The first tests act on the session's running suite (review's own trail, written by the review
process); the last ones drive ``AuditTrail`` directly on a scratch database of the session's
server: two writers appending at once, in and out of transactions.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import uuid
from typing import Any

import grpc
import pytest
from pymongo import MongoClient

from harness.clients import call
from zjtx import audit
from zjtx.config import REPO_ROOT
from zjtx.embedded_mongo import EmbeddedMongo
from zjtx.grpc_support import Caller
from zjtx_api import review_pb2
from zjtx_api.review_pb2_grpc import ReviewStub

ADMIN = Caller(subject="admin-hunan", role="admin", unit="unit-430000", client_address="198.51.100.7")


def verify(mongo_server: EmbeddedMongo, *args: str) -> tuple[int, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZJTX_")}
    env.update({"MONGO_URI": mongo_server.uri, "PYTHONPATH": str(REPO_ROOT / "services")})
    done = subprocess.run([sys.executable, "-m", "zjtx.ops", "audit-verify", *args], env=env, cwd=REPO_ROOT,
                          capture_output=True, text=True, timeout=120)
    print(done.stdout.strip(), done.stderr.strip()[-500:])
    return done.returncode, done.stdout


def create_reviewer(channels: dict[str, grpc.Channel], name: str) -> review_pb2.Reviewer:
    return call(ReviewStub(channels["review"]).CreateReviewer, review_pb2.CreateReviewerRequest(
        unit_id="unit-430100", name=name, email=f"{uuid.uuid4().hex[:8]}@example.cn", role="reviewer"),
        metadata=(ADMIN.metadata(),))


@pytest.fixture(scope="module")
def entries(channels: dict[str, grpc.Channel], mongo: MongoClient) -> list[dict[str, Any]]:
    """Three accounts created by the province's admin: three entries in review's trail."""
    made = [create_reviewer(channels, name) for name in ("审计甲", "审计乙", "审计丙")]
    found = [mongo.zjtx_review.audit.find_one({"target": f"reviewer:{r.account_id}"}) for r in made]
    assert all(found), "an account was created without its audit entry"
    return found  # type: ignore[return-value]


def test_an_administrative_change_is_one_entry_naming_who_from_where(entries: list[dict[str, Any]]) -> None:
    entry = entries[0]
    assert (entry["action"], entry["subject"], entry["role"], entry["unit"], entry["principal"],
            entry["client_address"], entry["result"]) == (
        "reviewer.created", "admin-hunan", "admin", "unit-430000", "gateway", "198.51.100.7", "ok")
    assert entry["details"] == {"unit_id": "unit-430100", "role": "reviewer", "name": "审计甲"}
    assert entry["alg"] == "sha256" and len(entry["hash"]) == 64 and entry["trace_id"]
    assert entry["at"].tzinfo is not None  # wall clock; platform_at only when the platform clock differs
    assert [e["seq"] for e in entries] == list(range(entries[0]["seq"], entries[0]["seq"] + 3))
    assert entries[1]["prev"] == entries[0]["hash"] and entries[2]["prev"] == entries[1]["hash"]


def test_verification_names_an_edited_then_a_deleted_entry(entries: list[dict[str, Any]], mongo: MongoClient,
                                                          mongo_server: EmbeddedMongo) -> None:
    status, out = verify(mongo_server, "--service", "review")
    assert status == 0 and "review: intact" in out
    trail = mongo.zjtx_review.audit
    edited, deleted = entries[0], entries[1]
    try:
        # someone with database access turns the reviewer they created into an admin after the fact
        trail.update_one({"_id": edited["_id"]}, {"$set": {"details.role": "admin"}})
        status, out = verify(mongo_server, "--service", "review")
        assert status == 1 and f"review: BROKEN at entry {edited['seq']}: edited" in out
    finally:
        trail.replace_one({"_id": edited["_id"]}, edited)
    try:
        trail.delete_one({"_id": deleted["_id"]})
        status, out = verify(mongo_server, "--service", "review")
        assert status == 1 and f"review: BROKEN at entry {deleted['seq']}: deleted" in out
    finally:
        trail.insert_one(deleted)
    status, out = verify(mongo_server, "--service", "review")
    assert status == 0 and "review: intact" in out


# ---------------------------------------------------------------- the building block itself


@pytest.fixture()
def scratch(mongo: MongoClient) -> Any:
    name = f"audit_scratch_{uuid.uuid4().hex[:8]}"
    yield mongo[name]
    mongo.drop_database(name)


def entry(n: int) -> audit.Entry:
    return audit.Entry(action="test.appended", target=f"thing:{n}", subject="tester", role="admin",
                       details={"n": n, "what": ["a", n]})


def test_two_writers_appending_at_once_keep_one_unbroken_chain(scratch: Any, mongo: MongoClient) -> None:
    """Two copies of a service (two trails on one database): half outside transactions, half inside."""
    writers = [audit.AuditTrail(scratch, "scratch"), audit.AuditTrail(scratch, "scratch")]
    per_writer, errors = 12, []

    def run(trail: audit.AuditTrail, base: int) -> None:
        try:
            for i in range(per_writer):
                if i % 2:
                    trail.append(entry(base + i))
                else:
                    with mongo.start_session() as session:
                        session.with_transaction(lambda s, n=base + i: trail.append(entry(n), s))
        except Exception as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=run, args=(w, k * 100)) for k, w in enumerate(writers)]
    [t.start() for t in threads]
    [t.join(120) for t in threads]
    assert not errors
    result = writers[0].verify()
    print(result.describe())
    assert result.intact and result.count == 2 * per_writer
    assert sorted(e["details"]["n"] for e in scratch.audit.find()) == sorted(
        k * 100 + i for k in range(2) for i in range(per_writer))


def test_a_rolled_back_append_leaves_no_gap(scratch: Any, mongo: MongoClient) -> None:
    trail = audit.AuditTrail(scratch, "scratch")
    trail.append(entry(1))
    with mongo.start_session() as session, pytest.raises(RuntimeError):
        def work(s: Any) -> None:
            trail.append(entry(2), s)
            raise RuntimeError("the state change failed: the entry goes with it")

        session.with_transaction(work)
    trail.append(entry(3))
    assert trail.verify().intact and [e["details"]["n"] for e in trail.entries()] == [1, 3]


def test_reordering_and_a_rewritten_tail_are_found(scratch: Any) -> None:
    trail = audit.AuditTrail(scratch, "scratch")
    for n in range(1, 5):
        trail.append(entry(n))
    head = trail.verify()
    assert head.intact and head.head_seq == 4
    second, third = scratch.audit.find_one({"_id": 2}), scratch.audit.find_one({"_id": 3})
    # swap the contents of entries 2 and 3, each keeping its own number and a hash of its own
    for target, source in ((2, third), (3, second)):
        moved = {**source, "_id": target, "seq": target}
        moved["hash"] = audit.digest_of(moved)
        scratch.audit.replace_one({"_id": target}, moved)
    result = trail.verify()
    assert not result.intact and result.broken_seq == 2 and result.problem.startswith("reordered")

    # a rewrite of the whole chain from entry 1 on verifies by itself, but not against a head kept elsewhere
    previous = audit.GENESIS
    for document in list(scratch.audit.find().sort("_id", 1)):
        document["prev"] = previous
        document["hash"] = previous = audit.digest_of(document)
        scratch.audit.replace_one({"_id": document["_id"]}, document)
    assert trail.verify().intact
    result = trail.verify(expect=(head.head_seq, head.head_hash))
    assert not result.intact and result.broken_seq == 4 and "rewritten" in result.problem
    scratch.audit.delete_one({"_id": 4})
    result = trail.verify(expect=(head.head_seq, head.head_hash))
    assert not result.intact and result.problem.startswith("truncated")


def test_the_digest_is_named_in_each_entry_and_pluggable(scratch: Any) -> None:
    audit.register_digest("sha512-test", lambda data: __import__("hashlib").sha512(data).hexdigest())
    try:
        audit.AuditTrail(scratch, "scratch").append(entry(1))
        audit.AuditTrail(scratch, "scratch", digest="sha512-test").append(entry(2))
        algs = [e["alg"] for e in scratch.audit.find().sort("_id", 1)]
        assert algs == ["sha256", "sha512-test"] and audit.AuditTrail(scratch, "scratch").verify().intact
    finally:
        audit.DIGESTS.pop("sha512-test")
    result = audit.AuditTrail(scratch, "scratch").verify()
    assert result.broken_seq == 2 and result.problem.startswith("unknown_digest")


def test_the_sm_profile_chains_with_sm3(scratch: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """ZJTX_CRYPTO=sm (商用密码, GB/T 39786-2021): new entries are chained with SM3 (zjtx.crypto), and an
    edit is found as with SHA-256 (issue 25 point 5)."""
    monkeypatch.setenv("ZJTX_CRYPTO", "sm")
    monkeypatch.delenv(audit.DIGEST_VARIABLE, raising=False)
    trail = audit.AuditTrail(scratch, "scratch")
    for n in (1, 2, 3):
        trail.append(entry(n))
    assert {e["alg"] for e in scratch.audit.find()} == {"sm3"} and trail.verify().intact
    scratch.audit.update_one({"seq": 2}, {"$set": {"subject": "someone-else"}})
    assert trail.verify().broken_seq == 2


def test_entries_past_retention_expire_behind_a_checkpoint_the_verification_starts_from(scratch: Any) -> None:
    """Issue 25 point 3: kept 180 days, then expired by rule; the oldest kept entry must follow the hash a
    kept checkpoint recorded, so deleting kept entries is still found."""
    from datetime import UTC, datetime, timedelta

    from zjtx.ops import audit_expire_main

    now = datetime.now(UTC)
    at = [now - timedelta(days=200)]
    chain = audit.AuditTrail(scratch, "scratch", now=lambda: at[0])
    for n in range(4):
        chain.append(entry(n))
    at[0] = now - timedelta(days=10)
    for n in range(4, 6):
        chain.append(entry(n))
    assert chain.expire(now - timedelta(days=180)) == 4
    kept = list(scratch[audit.COLLECTION].find().sort("_id", 1))
    assert [e["seq"] for e in kept] == [5, 6, 7] and kept[-1]["action"] == audit.EXPIRED
    assert kept[-1]["details"]["expired_through"] == 4
    result = chain.verify()
    assert result.intact and result.count == 3, result.describe()
    assert chain.expire(now - timedelta(days=180)) == 0  # nothing more is old enough
    # the oldest kept entry deleted by hand: no checkpoint records entry 5
    oldest = scratch[audit.COLLECTION].find_one({"_id": 5})
    scratch[audit.COLLECTION].delete_one({"_id": 5})
    broken = chain.verify()
    assert not broken.intact and broken.problem.startswith("deleted"), broken.describe()
    scratch[audit.COLLECTION].insert_one(oldest)
    assert chain.verify().intact
    assert audit_expire_main(["--days", "30"], {}) == 2  # never shorter than 180 days
