"""pymongo 4.16 dropped eventlet support officially; the services still run pymongo under
eventlet. This catches a regression: green operations must run concurrently and exactly,
and a blocked operation must not freeze the hub (docs/stack.md)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from zjtx.config import REPO_ROOT
from zjtx.embedded_mongo import EmbeddedMongo


def test_green_threads_share_pymongo_without_stalling(mongo_server: EmbeddedMongo) -> None:
    script = REPO_ROOT / "tests" / "integration" / "scripts" / "green_pymongo.py"
    result = subprocess.run([sys.executable, str(script), mongo_server.uri], capture_output=True, text=True,
                            timeout=180, env={**os.environ, "PYTHONPATH": str(REPO_ROOT / "services")})
    assert result.returncode == 0, result.stderr
    findings = json.loads(result.stdout.strip().splitlines()[-1])
    assert findings["documents"] == 1000 and findings["hits"] == 1000
    assert findings["timed_out"] and findings["waited"] < 5
    # ~1 s of waiting at a 50 ms tick: the hub kept running the other green thread
    assert findings["ticks"] >= 10, findings


def test_inbox_records_finished_together_share_one_write(mongo_server: EmbeddedMongo) -> None:
    """Forty handlers finishing at once: each record written once (or reported applied already),
    in far fewer writes than records; with the database away each caller gets the error, none hangs."""
    script = REPO_ROOT / "tests" / "integration" / "scripts" / "grouped_inbox.py"
    result = subprocess.run([sys.executable, str(script), mongo_server.uri], capture_output=True, text=True,
                            timeout=120, env={**os.environ, "PYTHONPATH": str(REPO_ROOT / "services")})
    assert result.returncode == 0, result.stderr
    findings = json.loads(result.stdout.strip().splitlines()[-1])
    outcome = findings["outcome"]
    assert sorted(k for k, v in outcome.items() if v == "already applied") == [f"event-{n}" for n in range(5)]
    assert sum(v == "written" for v in outcome.values()) == 35 and findings["stored"] == 40
    assert findings["inserts"] <= 3, findings["inserts"]  # the first alone, the rest together
    assert set(findings["unreachable"].values()) == {"ServerSelectionTimeoutError"}, findings["unreachable"]
