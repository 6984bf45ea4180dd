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
