"""zjtx.grpc_wakeup replaces nameko-grpc's 10 ms polling loop (docs/performance.md): calls,
streams and deadlines must behave as before, and an idle connection must stop spinning."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

from zjtx.config import REPO_ROOT
from zjtx.embedded_mongo import free_port

SCRIPT = REPO_ROOT / "tests" / "integration" / "scripts" / "grpc_wakeup_check.py"


def run_check(wakeup: str) -> dict[str, Any]:
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT / "services"), "ZJTX_GRPC_WAKEUP": wakeup}
    result = subprocess.run([sys.executable, str(SCRIPT), str(free_port())], capture_output=True, text=True,
                            timeout=120, env=env)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_calls_streams_and_deadlines_without_polling() -> None:
    findings = run_check("1")
    assert findings["installed"] is True
    assert findings["sequential_ok"] == 50 and findings["concurrent_ok"] == 20
    assert findings["streamed"] == 3
    assert findings["deadline"] == "DEADLINE_EXCEEDED" and findings["after_deadline_ok"]
    assert findings["after_idle_ok"] and findings["client_stopped"]
    # two loops (client and server end) at one turn a second at most while idle; the
    # stock loop turns ~100 times a second each (~400 in 2 s)
    assert findings["idle_turns"] <= 4 * (findings["idle_seconds"] + 1), findings


def test_switch_keeps_nameko_grpc_own_loop() -> None:
    findings = run_check("0")
    assert findings["installed"] is False
    assert findings["sequential_ok"] == 50 and findings["deadline"] == "DEADLINE_EXCEEDED"
    assert findings["idle_turns"] == 0  # the counter sits in grpc_wakeup's loop, which is not used
