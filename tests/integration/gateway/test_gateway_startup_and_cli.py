"""The gateway refuses to start with one clear line when it lacks its key material (no signing
key, no certificate) or cannot reach its database; the accounts CLI creates the first accounts by hand."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from gwclient import Api

from zjtx.config import REPO_ROOT
from zjtx.up import Suite


def start(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("OTEL_", "ZJTX_", "GATEWAY_"))}
    base.update({"PYTHONPATH": str(REPO_ROOT / "services"), "ZJTX_VAR_DIR": str(tmp_path), "GATEWAY_HTTP_PORT": "0",
                 "MONGO_URI": "mongodb://127.0.0.1:1/", "MONGO_TIMEOUT_MS": "500", **env})
    return subprocess.run([sys.executable, "-m", "gateway"], env=base, capture_output=True, text=True, timeout=60,
                          cwd=tmp_path)


def last_line(result: subprocess.CompletedProcess[str]) -> str:
    return [line for line in result.stderr.splitlines() if line.strip()][-1]


def test_production_mode_needs_its_key_material(tmp_path: Path) -> None:
    result = start(tmp_path, GATEWAY_MODE="production")
    assert result.returncode == 2
    assert last_line(result).startswith("zjtx: cannot start: ZJTX_PKI_DIR is not set; production mode needs")
    assert "Traceback" not in result.stderr


def test_an_incomplete_key_directory_is_named(tmp_path: Path) -> None:
    (tmp_path / "pki").mkdir()
    result = start(tmp_path, GATEWAY_MODE="production", ZJTX_PKI_DIR=str(tmp_path / "pki"))
    assert result.returncode == 2
    assert "lacks ca.crt, gateway.crt, gateway.key, gateway.jwt.key" in last_line(result)


def test_production_mode_refuses_development_secrets(tmp_path: Path) -> None:
    """ZJTX_MODE=production, key material given: the database without credentials and the management
    API's guest account are refused by name (zjtx.production)."""
    from zjtx import pki

    directory = pki.generate(tmp_path / "pki")
    result = start(tmp_path, ZJTX_MODE="production", ZJTX_PKI_DIR=str(directory))
    print(last_line(result))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert last_line(result) == (
        "zjtx: cannot start: ZJTX_MODE=production: MONGO_URI must be set with the component's own database "
        "credentials (mongodb://<user>:<password>@host/..., or authMechanism=MONGODB-X509); RABBIT_MANAGEMENT_URI "
        "must be set to a monitoring account of RabbitMQ's management API with its password (not guest:guest)")
    given = start(tmp_path, ZJTX_MODE="production", ZJTX_PKI_DIR=str(directory),
                  MONGO_URI="mongodb://gw:s3cret@127.0.0.1:1/", RABBIT_MANAGEMENT_URI="http://monitor:s3cret@127.0.0.1:1")
    assert given.returncode == 2 and "MongoDB is not reachable at mongodb://gw:***@127.0.0.1:1/" in last_line(given)


def test_an_unreachable_database_is_named(tmp_path: Path) -> None:
    result = start(tmp_path)
    assert result.returncode == 2
    assert "MongoDB is not reachable at mongodb://127.0.0.1:1/" in last_line(result)


def test_development_mode_makes_its_key_material_once(tmp_path: Path) -> None:
    from gateway import wiring

    os.environ["ZJTX_VAR_DIR"], saved = str(tmp_path), os.environ.get("ZJTX_VAR_DIR")
    try:
        first = wiring.pki_dir({"MODE": "development", "PKI_DIR": ""})
        key = (first / "gateway.jwt.key").read_bytes()
        assert wiring.pki_dir({"MODE": "development", "PKI_DIR": ""}) == first == tmp_path / "pki"
        assert (first / "gateway.jwt.key").read_bytes() == key  # not regenerated
        assert (first / "gateway.jwt.key").stat().st_mode & 0o777 == 0o600
        wiring.token_key(first)
    finally:
        if saved is None:
            os.environ.pop("ZJTX_VAR_DIR")
        else:
            os.environ["ZJTX_VAR_DIR"] = saved


def test_the_cli_creates_an_operations_account(suite: Suite, api: Api, tmp_path: Path) -> None:
    username = f"cli-ops-{os.getpid()}"
    env = {**suite.env, "PYTHONPATH": str(REPO_ROOT / "services")}
    weak = subprocess.run([sys.executable, "-m", "gateway.accounts", "create-operations", "--username", username,
                           "--name", "值班"], input="short\n", env=env, capture_output=True, text=True, timeout=60,
                          cwd=REPO_ROOT)
    assert weak.returncode == 2 and "密码" in weak.stderr
    made = subprocess.run([sys.executable, "-m", "gateway.accounts", "create-operations", "--username", username,
                           "--name", "值班"], input="Cli-ops-password-1\n", env=env, capture_output=True, text=True,
                          timeout=60, cwd=REPO_ROOT)
    assert made.returncode == 0, made.stderr
    token = api.sign_in_staff(username, "Cli-ops-password-1")
    assert api.get("/api/v1/me", token=token).body["role"] == "operations"
    again = subprocess.run([sys.executable, "-m", "gateway.accounts", "create-operations", "--username", username,
                            "--name", "值班"], input="Cli-ops-password-1\n", env=env, capture_output=True, text=True,
                           timeout=60, cwd=REPO_ROOT)
    assert again.returncode == 1 and "account.login_taken" in again.stderr
