"""`make up` as a new administrator meets it (issue 21): on a fresh checkout, without
ZJTX_BOOTSTRAP_ADMIN_PASSWORD, the README's sign-in steps work; `make down` during the
start-up stops the set instead of saying that nothing runs.

Each test runs ``python -m zjtx.up`` (what `make up` runs) on free ports, a fresh var/
directory and a vhost of its own, as a fresh clone would.
"""

from __future__ import annotations

import os
import re
import stat
import subprocess
import sys
import threading
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pyotp
import pytest
import requests

from harness import rabbit
from zjtx.config import REPO_ROOT
from zjtx.embedded_mongo import free_port
from zjtx.health import grpc_serving
from zjtx.processes import SERVICES


@contextmanager
def own_vhost() -> Iterator[str]:
    """A vhost of the test's own; a broker too busy to confirm its deletion in time leaves it to
    the next session's clean-up of dead sessions' vhosts rather than failing the test."""
    context = rabbit.vhost()
    name = context.__enter__()
    try:
        yield name
    finally:
        try:
            context.__exit__(None, None, None)
        except requests.Timeout:
            warnings.warn(f"vhost {name} not deleted in time; the next session removes it", stacklevel=1)


@pytest.fixture
def fresh_env(tmp_path: Path) -> Iterator[dict[str, str]]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OTEL_", "ZJTX_", "GATEWAY_"))}
    with own_vhost() as vhost:
        env.update({"PYTHONPATH": str(REPO_ROOT / "services"), "AMQP_URI": rabbit.amqp_uri(vhost),
                    "ZJTX_VAR_DIR": str(tmp_path / "var"), "ZJTX_MONGO_PORT": str(free_port()),
                    "GATEWAY_HTTP_PORT": str(free_port()), "OTEL_TRACES_EXPORTER": "none",
                    "PYTHONUNBUFFERED": "1"})
        env.pop("MONGO_URI", None)
        for service in SERVICES:
            port = free_port()
            env[f"{service.upper()}_GRPC_PORT"] = str(port)
            env[f"{service.upper()}_TARGET"] = f"127.0.0.1:{port}"
            env[f"{service.upper()}_METRICS_PORT"] = str(free_port())
        yield env


class Up:
    """``python -m zjtx.up`` in the background, its output collected line by line."""

    def __init__(self, env: dict[str, str]) -> None:
        self.env = env
        self.lines: list[str] = []
        self.process = subprocess.Popen([sys.executable, "-m", "zjtx.up"], env=env, cwd=REPO_ROOT, text=True,
                                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))
        # reap it at once: `make down` checks the pid, and an unreaped child still answers as alive
        self.process.wait()

    def wait_for(self, pattern: str, timeout: float = 240) -> re.Match[str]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in list(self.lines):
                found = re.search(pattern, line)
                if found:
                    return found
            if self.process.poll() is not None:
                time.sleep(0.5)  # the reader may still be draining
                break
            time.sleep(0.2)
        raise AssertionError(f"no line matching {pattern!r}; output:\n" + "\n".join(self.lines[-30:]))

    def down(self) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "zjtx.up", "--down"], env=self.env, cwd=REPO_ROOT, text=True,
                              capture_output=True, timeout=120)

    def close(self) -> None:
        if self.process.poll() is None:
            self.down()
        try:
            self.process.wait(60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def test_the_readme_sign_in_steps_work_on_a_fresh_make_up(fresh_env: dict[str, str]) -> None:
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    # what the README tells a new administrator
    assert "var/bootstrap-admin-password" in readme and "ZJTX_BOOTSTRAP_ADMIN_PASSWORD" in readme
    assert "POST /api/v1/sessions/staff" in readme and '"username": "admin"' in readme
    up = Up(fresh_env)
    try:
        line = up.wait_for(r"sign in\s+admin \(unit-430000\) with the password in (\S+)")
        up.wait_for(r"zjtx up: healthy in")
        path = Path(line.group(1))
        assert path == Path(fresh_env["ZJTX_VAR_DIR"]) / "bootstrap-admin-password"
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        password = path.read_text().strip()
        gateway = f"http://127.0.0.1:{fresh_env['GATEWAY_HTTP_PORT']}"
        answer = None
        for _ in range(60):  # the bootstrap account is created in the background once review answers
            answer = requests.post(f"{gateway}/api/v1/sessions/staff", json={"username": "admin", "password": password},
                                   timeout=30)
            if answer.status_code == 200:
                break
            time.sleep(1)
        assert answer is not None and answer.status_code == 200, answer.text if answer is not None else None
        # the README's steps: enrol the TOTP secret, give the code, and the bootstrap password must be changed first
        assert answer.json()["second_factor"] == "enrol" and "/api/v1/sessions/staff/enrolment" in readme
        challenge = answer.json()["challenge"]
        secret = requests.post(f"{gateway}/api/v1/sessions/staff/enrolment", json={"challenge": challenge},
                               timeout=30).json()["secret"]
        session = requests.post(f"{gateway}/api/v1/sessions/staff/second-factor",
                                json={"challenge": challenge, "code": pyotp.TOTP(secret).now()}, timeout=30).json()
        assert session["token"] and session["must_change_password"] is True, session
        tasks = requests.get(f"{gateway}/api/v1/tasks", headers={"Authorization": f"Bearer {session['token']}"},
                             timeout=30)
        assert tasks.status_code == 403 and tasks.json()["code"] == "password.change_required"
        stopped = up.down()
        assert stopped.returncode == 0 and "stopped" in stopped.stdout, stopped
        # item 6: no eventlet banner opening the logs, no "killing managed thread" warnings at a clean stop
        for log in (Path(fresh_env["ZJTX_VAR_DIR"]) / "log").glob("*.log"):
            text = log.read_text(encoding="utf-8", errors="replace")
            assert "Eventlet is deprecated" not in text, log.name
            killed = [line for line in text.splitlines() if "killing" in line and '"level": "warning"' in line]
            assert killed == [], (log.name, killed[:3])
    finally:
        up.close()


def test_make_down_during_start_up_stops_the_set(fresh_env: dict[str, str]) -> None:
    up = Up(fresh_env)
    try:
        state = Path(fresh_env["ZJTX_VAR_DIR"]) / "run" / "up.json"
        deadline = time.monotonic() + 60
        while not state.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert state.exists(), up.lines
        stopped = up.down()
        assert stopped.returncode == 0, stopped
        assert "nothing is running" not in stopped.stdout, stopped.stdout
        assert "stopped" in stopped.stdout, stopped.stdout
        assert up.process.wait(60) == 0
        assert not any("healthy in" in line for line in up.lines), up.lines
        assert any("interrupted" in line for line in up.lines), up.lines
        assert not state.exists()
        # nothing finished starting behind our back (up stops and waits for every process it started)
        assert not any(grpc_serving(fresh_env[f"{s.upper()}_TARGET"]) for s in SERVICES)
        with pytest.raises(requests.ConnectionError):
            requests.get(f"http://127.0.0.1:{fresh_env['GATEWAY_HTTP_PORT']}/healthz", timeout=5)
    finally:
        up.close()
