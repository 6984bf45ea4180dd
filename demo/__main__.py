"""`make demo`: the Hunan 2020 小巨人 programme end to end, through the gateway's HTTP API.

Starts the whole suite on this machine (embedded MongoDB-protocol server unless MONGO_URI
is set, the local RabbitMQ, every service and the gateway as separate processes, on free
ports), replays the programme on its real 2020 dates with the platform clock, and writes
the departments' outputs under out/demo/.

``--keep`` (``make demo KEEP=1``) leaves the suite running afterwards, with the web front at
the gateway's URL, so a person can click through the finished programme; it prints the URL
and the accounts, writes them to var/demo/keep.json, and stops on Ctrl-C or
``--stop`` (``make demo-stop``).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import sys
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

from demo.data import ENTERPRISES, PROGRAMME
from demo.http import changed_password
from demo.scenario import PASSWORD, STAFF_PASSWORD, UNITS, Scenario
from demo.sinks import Sinks
from zjtx.broker_accounts import DEFAULT_MANAGEMENT, Management
from zjtx.clock import set_clock_file
from zjtx.config import REPO_ROOT
from zjtx.embedded_mongo import free_port
from zjtx.processes import SERVICES
from zjtx.up import Suite, broker_problem

ADMIN_USERNAME = "admin"
ADMIN_PASSWORD = "Hunan-admin-2020"
OPS_PASSWORD = "Hunan-ops-2020"


DEMO_VHOST = "zjtx-demo"


def own_vhost(env: dict[str, str]) -> str | None:
    """A RabbitMQ vhost of the demo's own, made afresh, so a `make up` set on the same broker never
    consumes the demo's events nor the demo its; AMQP_URI points into it. None: it is done; else
    what is wrong."""
    api = Management(env.get("RABBIT_MANAGEMENT_URI") or DEFAULT_MANAGEMENT)
    path = f"/vhosts/{quote(DEMO_VHOST, safe='')}"
    try:
        api.call("DELETE", path)  # what an earlier demo left
        api.call("PUT", path)
        api.call("PUT", f"/permissions/{quote(DEMO_VHOST, safe='')}/{quote(api.auth[0], safe='')}",
                 json={"configure": ".*", "write": ".*", "read": ".*"})
    except (OSError, RuntimeError) as exc:
        return (f"cannot make the demo's own RabbitMQ vhost {DEMO_VHOST} through the management API ({exc}); "
                "run `rabbitmq-plugins enable rabbitmq_management` (make demo does it through `make broker`)")
    parts = urlsplit(env.get("AMQP_URI") or "amqp://guest:guest@127.0.0.1:5672/")
    env["AMQP_URI"] = urlunsplit((parts.scheme, parts.netloc, "/" + quote(DEMO_VHOST, safe=""), parts.query, ""))
    return None


def drop_vhost(env: dict[str, str]) -> None:
    try:
        Management(env.get("RABBIT_MANAGEMENT_URI") or DEFAULT_MANAGEMENT).call(
            "DELETE", f"/vhosts/{quote(DEMO_VHOST, safe='')}")
    except (OSError, RuntimeError) as exc:
        print(f"demo: the vhost {DEMO_VHOST} was left on the broker ({exc}); the next demo replaces it",
              file=sys.stderr)


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


KEEP_FILE = REPO_ROOT / "var" / "demo" / "keep.json"


def kept_pid() -> int:
    """The pid of a demo left running by --keep, or 0."""
    try:
        pid = int(json.loads(KEEP_FILE.read_text())["pid"])
        os.kill(pid, 0)
    except (OSError, ValueError, KeyError):
        return 0
    return pid


def stop_kept() -> int:
    pid = kept_pid()
    if not pid:
        print("demo: no demo is kept running")
        KEEP_FILE.unlink(missing_ok=True)
        return 0
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + 90
    while kept_pid() == pid and time.monotonic() < deadline:
        time.sleep(0.3)
    if kept_pid() == pid:
        print(f"demo: the kept demo (pid {pid}) did not stop within 90 s", file=sys.stderr)
        return 1
    print("demo: the kept demo stopped")
    return 0


def accounts(totp: dict[str, str] | None = None) -> dict[str, Any]:
    """Who a person can sign in as after the demo: staff with the password they changed to at their first
    sign-in and the TOTP secret they enrolled (add it to an authenticator app)."""
    totp = totp or {}
    reviewers = [f"reviewer-{unit.removeprefix('unit-')}" for unit in sorted(set(UNITS.values()))]
    return {
        "admin": {"username": ADMIN_USERNAME, "password": changed_password(ADMIN_PASSWORD), "unit": "unit-430000",
                  "totp_secret": totp.get(ADMIN_USERNAME, "")},
        "reviewers": [{"username": name, "password": changed_password(STAFF_PASSWORD), "unit": f"unit-{name[9:]}",
                       "totp_secret": totp.get(name, "")} for name in reviewers],
        "enterprises": [{"uscc": e.uscc, "name": e.name, "password": PASSWORD} for e in ENTERPRISES],
        "programme": PROGRAMME,
    }


def hold(suite: Suite, totp: dict[str, str]) -> None:
    """Keep the suite up for a person in a browser until Ctrl-C, SIGTERM (make demo-stop) or a process dies."""
    url = suite.endpoints["gateway"].rstrip("/") + "/"
    people = accounts(totp)
    KEEP_FILE.write_text(json.dumps({"pid": os.getpid(), "url": url, **people}, ensure_ascii=False, indent=2))
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    reviewer = people["reviewers"][0]
    first = people["enterprises"][0]
    print(f"""
demo: the suite stays up with the finished Hunan 2020 programme (platform clock 2020-06-05).
  web front      {url}
  public list    {url}public/{PROGRAMME}
  administrator  {people['admin']['username']} / {people['admin']['password']}, TOTP secret {people['admin']['totp_secret']}
  reviewers      reviewer-430100 (长沙), -430200 (株洲), -430400 (衡阳), -430481 (耒阳) / {reviewer['password']}
                 staff confirm sign-in with a TOTP code: add the secret to an authenticator app (each in {KEEP_FILE})
  enterprises    USCC e.g. {first['uscc']} ({first['name']}) / {first['password']}; all in {KEEP_FILE}
  stop           Ctrl-C here, or `make demo-stop` from another shell""", flush=True)
    while not stop.is_set():
        dead = [name for name, process in suite.processes.items() if process.poll() is not None]
        if dead:
            print(f"demo: {', '.join(dead)} exited; stopping the rest", file=sys.stderr)
            for name in dead:
                print(suite.tail(name, 8), file=sys.stderr)
            break
        stop.wait(1.0)
    KEEP_FILE.unlink(missing_ok=True)
    print("demo: stopping the kept suite", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make demo", description="The Hunan 2020 programme end to end")
    parser.add_argument("--keep", action="store_true", help="leave the suite running afterwards (make demo KEEP=1)")
    parser.add_argument("--stop", action="store_true", help="stop a demo left running by --keep (make demo-stop)")
    args = parser.parse_args(argv)
    if args.stop:
        return stop_kept()
    if kept_pid():
        print(f"demo: a demo is kept running (pid {kept_pid()}, {KEEP_FILE}); `make demo-stop` first", file=sys.stderr)
        return 2
    out = REPO_ROOT / "out" / "demo"
    var = REPO_ROOT / "var" / "demo"
    shutil.rmtree(var, ignore_errors=True)
    shutil.rmtree(out, ignore_errors=True)
    var.mkdir(parents=True)
    out.mkdir(parents=True)
    clock_file = var / "clock"
    set_clock_file(clock_file, "")
    env = environment(var, clock_file)
    problem = broker_problem(env) or own_vhost(env)
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
        print(f"demo: suite healthy in {time.monotonic() - started:.1f}s; gateway {suite.endpoints['gateway']}; "
              f"web front {suite.endpoints['gateway'].rstrip('/')}/", flush=True)
        print(f"demo: administrator (湖南省工业和信息化厅, unit-430000): sign in as {ADMIN_USERNAME} "
              f"with password {ADMIN_PASSWORD} (POST /api/v1/sessions/staff)", flush=True)
        scenario = Scenario(suite, clock_file, out, ADMIN_PASSWORD, OPS_PASSWORD)
        summary = scenario.run()
        if args.keep:
            report(summary, sinks, out, started)
            hold(suite, scenario.api.totp)
    except Exception as exc:
        print(f"demo: failed: {exc}", file=sys.stderr)
        for name in suite.processes:
            print(suite.tail(name, 8), file=sys.stderr)
        return 1
    finally:
        suite.stop()
        sinks.stop()
        drop_vhost(env)
    if not args.keep:
        report(summary, sinks, out, started)
    return 0


def report(summary: dict[str, Any], sinks: Sinks, out: Path, started: float) -> None:
    summary["mail_received"] = sinks.mailbox.count
    summary["sms_received"] = sinks.sms_count
    print(f"demo: the loopback mail server received {sinks.mailbox.count} e-mails (out/demo/mail/), "
          f"the SMS gateway {sinks.sms_count} messages (out/demo/sms.jsonl)")
    (out / "summary.json").write_text(json.dumps(summary, ensure_ascii=False, indent=2))
    print(f"demo: done in {time.monotonic() - started:.0f}s; outputs in {out.relative_to(REPO_ROOT)}/", flush=True)


if __name__ == "__main__":
    raise SystemExit(main())
