"""``python -m reporting.rebuild``: rebuild the read models from the event archive.

In place (default): the service's read models are dropped and replayed, as the gRPC
``Rebuild`` does. ``--target-database NAME``: replay into another (empty) database and
leave the live one alone, e.g. to compare a rebuild with the live projection first.
Uses MONGO_URI / REPORTING_DATABASE like the service (services/reporting/config.yaml).
"""

from __future__ import annotations

import argparse
import sys
import time
from types import SimpleNamespace
from typing import Any

from reporting import storage
from zjtx.config import ConfigError, load_config
from zjtx.mongo import StoreUnavailable, connect, ensure_indexes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Rebuild reporting's read models from its event archive")
    parser.add_argument("--source-database", help="database holding event_archive (default: the service's)")
    parser.add_argument("--target-database", help="database to rebuild into (default: the source, in place)")
    args = parser.parse_args(argv)
    try:
        config = load_config("reporting")
        # idempotent writes standing alone, as the service's Rebuild makes them: no driver retry
        client = connect(config.get("MONGO_URI") or "mongodb://127.0.0.1:27017/", retry_writes=False)
    except (ConfigError, StoreUnavailable) as exc:
        print(f"reporting rebuild: {exc}", file=sys.stderr)
        return 2
    source = client[args.source_database or config.get("MONGO_DATABASE") or "zjtx_reporting"]
    target = client[args.target_database] if args.target_database else source
    ensure_indexes(target, storage.INDEXES, storage.RETIRED_INDEXES)

    def transact(work: Any) -> Any:
        with client.start_session() as session:
            return session.with_transaction(lambda s: work(SimpleNamespace(db=target, session=s)))

    started = time.monotonic()
    for progress in storage.rebuild(source, target, transact, catch_up=target.name == source.name):
        print(f"[{time.monotonic() - started:7.1f}s] {progress['message']}", flush=True)
    client.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
