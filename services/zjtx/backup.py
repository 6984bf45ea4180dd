"""Backup and restore of an instance's databases with pymongo alone (no mongodump here).

``python -m zjtx.backup backup [--instance NAME] [--out DIR]`` writes, for every service of
the instance (registration, review, notification, reporting, gateway), each collection of its
database as BSON (``<db>/<collection>.bson``: the documents one after another, as mongodump
writes them; GridFS buckets are their ``.files`` and ``.chunks`` collections) and its indexes
(``<db>/<collection>.indexes.json``), plus ``manifest.json`` with each file's document count
and digest (SHA-256, SM3 under ``ZJTX_CRYPTO=sm``).

``python -m zjtx.backup restore --from DIR [--instance NAME]`` checks every digest first, then
replaces each database's collections with the backup's (dropped, re-created with the same
indexes, documents inserted in batches). Restore with the instance's services stopped.

Consistency: the backup reads every collection in one snapshot session, which real MongoDB
(a replica set, 5.0+) serves at one point in time across databases; the embedded test server
accepts the session but does not isolate it, so back it up with the services stopped (as the
test does). The databases come from each service's config (``MONGO_DATABASE``, with the
instance file's overrides), the server from ``MONGO_URI`` or, beside a running ``make up``,
from ``var/run/up.json``. Sealed personal fields stay sealed: a backup is readable only with
the instance's ``ZJTX_FIELD_KEY``, kept apart from it.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import bson
from bson import json_util
from pymongo import MongoClient
from pymongo.database import Database
from pymongo.errors import OperationFailure

from zjtx.config import REPO_ROOT, ConfigError, load_config
from zjtx.crypto import digest, digest_name

SERVICES = ("registration", "review", "notification", "reporting", "gateway")
BATCH = 500
SNAPSHOT_UNAVAILABLE = 246
FORMAT = "zjtx-backup/1"
# index options kept when an index is re-created (everything MongoDB reports that can be given back)
INDEX_OPTIONS = ("unique", "sparse", "expireAfterSeconds", "partialFilterExpression", "collation",
                 "hidden", "weights", "default_language", "language_override", "textIndexVersion",
                 "2dsphereIndexVersion", "bits", "min", "max", "wildcardProjection")


class BackupError(RuntimeError):
    """A backup that cannot be made or restored, said in one line."""


@dataclass(frozen=True)
class Target:
    service: str
    uri: str
    database: str


def targets(instance: str | None = None, env: dict[str, str] | None = None) -> list[Target]:
    """Each service's database of the instance, and the server it lives on."""
    env = dict(os.environ) if env is None else env
    if not env.get("MONGO_URI"):
        state = REPO_ROOT / "var" / "run" / "up.json"
        uri = _running_uri(state)
        if uri:
            env["MONGO_URI"] = uri
    found = []
    for service in SERVICES:
        try:
            config = load_config(service, instance, env)
        except ConfigError as exc:
            raise BackupError(str(exc)) from None
        found.append(Target(service, str(config.get("MONGO_URI") or "mongodb://127.0.0.1:27017/"),
                            str(config["MONGO_DATABASE"])))
    return found


def _running_uri(state: Path) -> str:
    try:
        return str(json.loads(state.read_text()).get("mongo_uri") or "")
    except (OSError, ValueError):
        return ""


def _file_digest(path: Path, name: str) -> str:
    return digest(path.read_bytes(), name)


def backup(instance: str | None, out: Path, env: dict[str, str] | None = None) -> dict[str, Any]:
    """Write the instance's databases under ``out`` (which must not exist); returns the manifest."""
    if out.exists() and any(out.iterdir()):
        raise BackupError(f"{out} exists and is not empty; name a new directory")
    out.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    algorithm = digest_name(env)
    manifest: dict[str, Any] = {"format": FORMAT, "instance": instance or "", "digest": algorithm,
                                "started_at": datetime.now(timezone.utc).isoformat(), "databases": {}}
    clients: dict[str, MongoClient] = {}
    try:
        for target in targets(instance, env):
            client = clients.setdefault(target.uri, MongoClient(target.uri, tz_aware=True))
            db = client[target.database]
            try:
                with client.start_session(snapshot=_snapshots(client)) as session:
                    listed = _dump_database(db, out / target.database, session, algorithm)
                    snapshot = session.options.snapshot
            except OperationFailure as exc:
                if exc.code != SNAPSHOT_UNAVAILABLE:
                    raise
                # a server that says it is a replica set but refuses snapshot reads (the embedded one)
                listed, snapshot = _dump_database(db, out / target.database, None, algorithm), False
            manifest["databases"][target.database] = {"service": target.service, "snapshot": bool(snapshot),
                                                      "collections": listed}
    finally:
        for client in clients.values():
            client.close()
    manifest["seconds"] = round(time.monotonic() - started, 3)
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False), encoding="utf-8")
    return manifest


def _snapshots(client: MongoClient) -> bool:
    """Snapshot reads need a replica set (or sharded cluster) of MongoDB 5.0+."""
    try:
        hello = client.admin.command("hello")
    except Exception:
        return False
    return bool(hello.get("setName") or hello.get("msg") == "isdbgrid")


def _dump_database(db: Database, directory: Path, session: Any, algorithm: str) -> dict[str, Any]:
    directory.mkdir(parents=True, exist_ok=True)
    listed: dict[str, Any] = {}
    for name in sorted(db.list_collection_names()):  # listCollections takes no snapshot read concern
        if name.startswith("system."):
            continue
        path = directory / f"{name}.bson"
        count = 0
        with path.open("wb") as file:
            for raw in db.get_collection(name).find_raw_batches({}, session=session, sort=[("_id", 1)]):
                file.write(raw)
                count += _count(raw)
        indexes = [_index_spec(i) for i in db[name].list_indexes() if i["name"] != "_id_"]
        index_path = directory / f"{name}.indexes.json"
        index_path.write_text(json_util.dumps(indexes, indent=1), encoding="utf-8")
        listed[name] = {"documents": count, "indexes": len(indexes), "digest": _file_digest(path, algorithm),
                        "indexes_digest": _file_digest(index_path, algorithm)}
    return listed


def _count(raw: bytes) -> int:
    """Documents in a raw batch: each BSON document starts with its length (int32, little-endian)."""
    count = offset = 0
    while offset < len(raw):
        offset += int.from_bytes(raw[offset:offset + 4], "little")
        count += 1
    return count


def _index_spec(index: Any) -> dict[str, Any]:
    spec = {"name": index["name"], "key": list(dict(index["key"]).items())}
    spec.update({k: index[k] for k in INDEX_OPTIONS if k in index})
    return spec


def _documents(path: Path) -> Iterator[dict[str, Any]]:
    with path.open("rb") as file:
        yield from bson.decode_file_iter(file)


def verify(source: Path) -> dict[str, Any]:
    """The manifest, after every file's digest has been checked."""
    try:
        manifest = json.loads((source / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BackupError(f"{source}/manifest.json cannot be read ({exc}); is this a backup directory?") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{source} is format {manifest.get('format')!r}; this restores {FORMAT}")
    algorithm = manifest["digest"]
    for database, entry in manifest["databases"].items():
        for name, facts in entry["collections"].items():
            for suffix, key in ((".bson", "digest"), (".indexes.json", "indexes_digest")):
                path = source / database / f"{name}{suffix}"
                if not path.exists() or _file_digest(path, algorithm) != facts[key]:
                    raise BackupError(f"{path} is missing or altered (its {algorithm} differs from the manifest); "
                                      "nothing was restored")
    return manifest


def restore(source: Path, instance: str | None = None, env: dict[str, str] | None = None) -> dict[str, Any]:
    """Replace the instance's databases with the backup at ``source``; returns counts per database."""
    started = time.monotonic()
    manifest = verify(source)
    wanted = {t.database: t for t in targets(instance, env)}
    missing = sorted(set(wanted) - set(manifest["databases"]))
    if missing:
        raise BackupError(f"the backup holds no database {', '.join(missing)} of this instance "
                          f"(it has {', '.join(sorted(manifest['databases']))}); check --instance")
    restored: dict[str, Any] = {}
    clients: dict[str, MongoClient] = {}
    try:
        for database, target in wanted.items():
            client = clients.setdefault(target.uri, MongoClient(target.uri, tz_aware=True))
            db = client[database]
            collections = manifest["databases"][database]["collections"]
            for name in db.list_collection_names():
                if name not in collections and not name.startswith("system."):
                    db.drop_collection(name)  # made after the backup: not part of the restored state
            counts = {}
            for name in collections:
                counts[name] = _restore_collection(db, name, source / database)
            restored[database] = counts
    finally:
        for client in clients.values():
            client.close()
    return {"databases": restored, "seconds": round(time.monotonic() - started, 3)}


def _restore_collection(db: Database, name: str, directory: Path) -> int:
    db.drop_collection(name)
    collection = db.create_collection(name)
    count = 0
    batch: list[dict[str, Any]] = []
    for document in _documents(directory / f"{name}.bson"):
        batch.append(document)
        if len(batch) >= BATCH:
            collection.insert_many(batch, ordered=True)
            count += len(batch)
            batch = []
    if batch:
        collection.insert_many(batch, ordered=True)
        count += len(batch)
    for spec in json_util.loads((directory / f"{name}.indexes.json").read_text(encoding="utf-8")):
        options = {k: v for k, v in spec.items() if k != "key"}
        collection.create_index([(field, direction) for field, direction in spec["key"]], **options)
    return count


def wipe(instance: str | None = None, env: dict[str, str] | None = None) -> list[str]:
    """Drop the instance's databases (tests and disaster drills only)."""
    dropped = []
    for target in targets(instance, env):
        with MongoClient(target.uri) as client:
            client.drop_database(target.database)
        dropped.append(target.database)
    return dropped


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m zjtx.backup", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    made = commands.add_parser("backup", help="back up the instance's databases")
    made.add_argument("--instance", default=os.environ.get("ZJTX_INSTANCE") or None)
    made.add_argument("--out", type=Path, default=None, help="directory (default var/backups/<instance>-<UTC time>)")
    back = commands.add_parser("restore", help="replace the instance's databases with a backup (services stopped)")
    back.add_argument("--instance", default=os.environ.get("ZJTX_INSTANCE") or None)
    back.add_argument("--from", dest="source", type=Path, required=True)
    args = parser.parse_args(argv)
    try:
        if args.command == "backup":
            stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
            out = args.out or REPO_ROOT / "var" / "backups" / f"{args.instance or 'default'}-{stamp}"
            manifest = backup(args.instance, out)
            total = sum(c["documents"] for d in manifest["databases"].values() for c in d["collections"].values())
            print(f"zjtx backup: {len(manifest['databases'])} databases, {total} documents in "
                  f"{manifest['seconds']} s -> {out}")
        else:
            result = restore(args.source, args.instance)
            total = sum(sum(d.values()) for d in result["databases"].values())
            print(f"zjtx restore: {len(result['databases'])} databases, {total} documents in {result['seconds']} s "
                  f"from {args.source}")
    except BackupError as exc:
        print(f"zjtx backup: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

