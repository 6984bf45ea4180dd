"""Backup and restore of the instance's databases (issue 25 point 7; docs/operations.md).

Mid-programme (an enterprise with a filled draft, its attachments in GridFS, not yet
submitted), the services are stopped, ``python -m zjtx.backup backup`` (what ``make backup``
runs) writes every database, the databases are dropped, ``restore`` puts them back, the
services start again and the programme carries on: the enterprise signs in, submits, and
review opens exactly one task, notification records exactly one inbox message. Nothing
lost (every collection's documents and indexes as before), nothing doubled.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from gwclient import ATTACHMENTS, Api, sections
from pymongo import MongoClient

from harness.wait import until
from registration.storage import FILES_BUCKET
from zjtx import backup
from zjtx.clock import set_clock_file
from zjtx.config import REPO_ROOT
from zjtx.outbox import PUBLISHED
from zjtx.up import GATEWAY, SERVICE_ORDER, Suite

DATABASES = ("zjtx_registration", "zjtx_review", "zjtx_notification", "zjtx_reporting", "zjtx_gateway")


def state(mongo: MongoClient) -> dict[str, dict[str, tuple[int, tuple[str, ...]]]]:
    """Per database and collection: (document count, index names)."""
    return {db: {name: (mongo[db][name].count_documents({}),
                        tuple(sorted(i["name"] for i in mongo[db][name].list_indexes())))
                 for name in sorted(mongo[db].list_collection_names()) if not name.startswith("system.")}
            for db in DATABASES}


def run(suite: Suite, *args: str) -> str:
    done = subprocess.run([sys.executable, "-m", "zjtx.backup", *args], env=suite.env, cwd=REPO_ROOT,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def restart(suite: Suite, attempts: int = 3) -> None:
    """The services and the gateway again; again for any that failed on a busy machine (the shared
    broker near its file-descriptor limit times new connections out)."""
    names: tuple[str, ...] = (*SERVICE_ORDER, GATEWAY)
    for attempt in range(attempts):
        try:
            suite.start(names)
            return
        except RuntimeError:
            if attempt == attempts - 1:
                raise
            time.sleep(5)
            names = tuple(n for n in (*SERVICE_ORDER, GATEWAY)
                          if n not in suite.processes or suite.processes[n].poll() is not None)
            for name in names:
                suite.stop_service(name)


def test_back_up_mid_programme_wipe_restore_and_carry_on(api: Api, suite: Suite, mongo: MongoClient,
                                                         tmp_path: Path, clock_file: Path) -> None:
    set_clock_file(clock_file, "2020-05-10T10:00:00+08:00")  # the Hunan window is open
    try:
        carry_on_after_restore(api, suite, mongo, tmp_path)
    finally:
        set_clock_file(clock_file, "")


def carry_on_after_restore(api: Api, suite: Suite, mongo: MongoClient, tmp_path: Path) -> None:
    enterprise, token = api.register_enterprise()
    created = api.post("/api/v1/applications", {"programme_id": "hunan-2020-little-giant"}, token=token)
    assert created.status == 201, created.body
    app_id = str(created.body["id"])
    for section_id, data in sections(1).items():
        assert api.put(f"/api/v1/applications/{app_id}/sections/{section_id}", {"data": data}, token=token).status == 200
    for kind, filename, media_type, content in ATTACHMENTS:
        api.upload(f"/api/v1/applications/{app_id}/attachments", content, media_type, token=token,
                   params={"kind": kind, "filename": filename})
    assert api.post(f"/api/v1/applications/{app_id}/pledge", {"signer_name": "张三"}, token=token).status == 200
    until(lambda: mongo.zjtx_notification.enterprises.find_one({"_id": enterprise["id"]}), timeout=60,
          what="notification learning the enterprise")
    mine = {"subject": {"$in": [enterprise["id"], app_id]}, "state": {"$ne": PUBLISHED}}
    until(lambda: mongo.zjtx_registration.outbox.count_documents(mine) == 0, timeout=60,
          what="registration's outbox relayed")

    for name in (GATEWAY, *reversed(SERVICE_ORDER)):
        suite.stop_service(name)
    before = state(mongo)
    assert before["zjtx_registration"][f"{FILES_BUCKET}.files"][0] >= len(ATTACHMENTS)  # GridFS is in the backup
    out = tmp_path / "backup"
    started = time.monotonic()
    print(run(suite, "backup", "--out", str(out)))
    backed_up = time.monotonic() - started
    manifest = json.loads((out / "manifest.json").read_text())
    assert set(manifest["databases"]) == set(DATABASES)

    assert sorted(backup.wipe(env=suite.env)) == sorted(DATABASES)
    assert mongo.zjtx_registration.applications.find_one({"_id": app_id}) is None

    # an altered file is found before anything is written
    first = next(out.glob("zjtx_registration/applications.bson"))
    original = first.read_bytes()
    first.write_bytes(original[:-1] + bytes([original[-1] ^ 1]))
    refused = subprocess.run([sys.executable, "-m", "zjtx.backup", "restore", "--from", str(out)], env=suite.env,
                             cwd=REPO_ROOT, capture_output=True, text=True, timeout=300)
    assert refused.returncode == 2 and "altered" in refused.stderr
    assert mongo.zjtx_registration.list_collection_names() == []
    first.write_bytes(original)

    started = time.monotonic()
    print(run(suite, "restore", "--from", str(out)))
    restored = time.monotonic() - started
    assert state(mongo) == before  # every collection: same documents, same indexes
    print(f"backup {backed_up:.1f} s, restore {restored:.1f} s, "
          f"{sum(c[0] for d in before.values() for c in d.values())} documents")

    restart(suite)
    token = api.sign_in_enterprise(enterprise["uscc"])
    submitted = api.post(f"/api/v1/applications/{app_id}/submit", {}, token=token)
    assert submitted.status == 200, submitted.body
    tasks = until(lambda: list(mongo.zjtx_review.tasks.find({"application_id": app_id})), timeout=90,
                  what="review opening the first task after the restore")
    time.sleep(1)  # a doubled event would have opened a second task by now (the first took less)
    assert len(list(mongo.zjtx_review.tasks.find({"application_id": app_id}))) == len(tasks) == 1
    inbox = until(lambda: list(mongo.zjtx_notification.inbox.find({"subject": app_id,
                                                                     "event_type": "application.submitted"})),
                  timeout=90, what="the enterprise's inbox message")
    assert len(inbox) == 1
    assert mongo.zjtx_registration.applications.count_documents({"enterprise_id": enterprise["id"]}) == 1


@pytest.mark.parametrize("count", [0, 3])
def test_batch_counting(count: int) -> None:
    import bson

    raw = b"".join(bson.encode({"_id": i, "x": "y" * i}) for i in range(count))
    assert backup._count(raw) == count
