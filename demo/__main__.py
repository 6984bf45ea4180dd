"""`make demo`: the Hunan 2020 小巨人 programme end to end, through the gateway's HTTP API.

Starts the whole suite on this machine (embedded MongoDB-protocol server unless MONGO_URI
is set, the local RabbitMQ, every service and the gateway as separate processes, on free
ports), replays the programme on its real 2020 dates with the platform clock, and writes
the departments' outputs under out/demo/.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import time
from pathlib import Path

from demo.scenario import Scenario
from demo.sinks import Sinks
from zjtx.clock import set_clock_file
from zjtx.config import REPO_ROOT
from zjtx.embedded_mongo import free_port
from zjtx.processes import SERVICES
from zjtx.up import Suite, broker_problem

ADMIN_USERNAME = "admin"
ADMIN_PASSWORD = "Hunan-admin-2020"
OPS_PASSWORD = "Hunan-ops-2020"


def environment(var: Path, clock_file: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OTEL_")}
    env.update({
        "PYTHONPATH": str(REPO_ROOT / "services"),
        "ZJTX_CLOCK": f"@{clock_file}",
        "ZJTX_VAR_DIR": str(var),
        "OTEL_TRACES_EXPORTER": os.environ.get("OTEL_TRACES_EXPORTER", "none"),
        "ZJTX_BOOTSTRAP_ADMIN_USERNAME": ADMIN_USERNAME,  # the same default administrator as `make up`
        "ZJTX_BOOTSTRAP_ADMIN_PASSWORD": ADMIN_PASSWORD,
        "ZJTX_BOOTSTRAP_ADMIN_UNIT": "unit-430000",
        "ZJTX_BOOTSTRAP_OPERATIONS_USERNAME": "ops",
        "ZJTX_BOOTSTRAP_OPERATIONS_PASSWORD": OPS_PASSWORD,
        "REPORTS_ROOT": str(REPO_ROOT / "out"),
    })
    for service in SERVICES:  # free ports: the demo runs beside a `make up` without clashing
        port = free_port()
        env[f"{service.upper()}_GRPC_PORT"] = str(port)
        env[f"{service.upper()}_TARGET"] = f"127.0.0.1:{port}"
        env[f"{service.upper()}_METRICS_PORT"] = str(free_port())
    env["GATEWAY_HTTP_PORT"] = str(free_port())
    return env


def main() -> int:
    out = REPO_ROOT / "out" / "demo"
    var = REPO_ROOT / "var" / "demo"
    shutil.rmtree(var, ignore_errors=True)
    shutil.rmtree(out, ignore_errors=True)
    var.mkdir(parents=True)
    out.mkdir(parents=True)
    clock_file = var / "clock"
    set_clock_file(clock_file, "")
    env = environment(var, clock_file)
    problem = broker_problem(env)
    if problem:
        print(f"demo: {problem}", file=sys.stderr)
        return 2
    sinks = Sinks(out)
    env.update(sinks.start())
    suite = Suite(env, var / "log")
    started = time.monotonic()
    try:
        suite.log_dir.mkdir(parents=True, exist_ok=True)
        suite.start_mongo(var / "mongo")
        print(f"demo: starting the suite (database {suite.env['MONGO_URI']}) ...", flush=True)
        suite.start()
        print(f"demo: suite healthy in {time.monotonic() - started:.1f}s; gateway {suite.endpoints['gateway']}",
              flush=True)
        print(f"demo: administrator (湖南省工业和信息化厅, unit-430000): sign in as {ADMIN_USERNAME} "
              f"with password {ADMIN_PASSWORD} (POST /api/v1/sessions/staff)", flush=True)
        scenario = Scenario(suite, clock_file, out, ADMIN_PASSWORD, OPS_PASSWORD)
        summary = scenario.run()
    except Exception as exc:
        print(f"demo: failed: {exc}", file=sys.stderr)
        for name in suite.processes:
            print(suite.tail(name, 8), file=sys.stderr)
        return 1
    finally:
        suite.stop()
        sinks.stop()
    summary["mail_received"] = sinks.mailbox.count
    summary["sms_received"] = sinks.sms_count
    print(f"demo: the loopback mail server received {sinks.mailbox.count} e-mails (out/demo/mail/), "
          f"the SMS gateway {sinks.sms_count} messages (out/demo/sms.jsonl)")
    (out / "summary.json").write_text(json.dumps(summary, ensure_ascii=False, indent=2))
    print(f"demo: done in {time.monotonic() - started:.0f}s; outputs in {out.relative_to(REPO_ROOT)}/", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
