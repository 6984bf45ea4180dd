"""A service that cannot start says why in one line, never with a bare stack trace."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from zjtx.config import REPO_ROOT

FIELD_KEY = "00" * 32  # the field-encryption key production mode also asks for (zjtx.crypto)

def start(tmp_path: Path, amqp_uri: str, mongo_uri: str, service: str = "registration",
          **overrides: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("OTEL_", "ZJTX_", "SMTP_", "SMS_")) and not k.endswith("_AMQP_URI")}
    env.update({"PYTHONPATH": str(REPO_ROOT / "services"), "AMQP_URI": amqp_uri, "MONGO_URI": mongo_uri,
                "MONGO_TIMEOUT_MS": "1000", f"{service.upper()}_GRPC_PORT": "0"})
    env.update(overrides)
    return subprocess.run([sys.executable, "-m", "zjtx.launch", service], env=env, capture_output=True,
                          text=True, timeout=60, cwd=tmp_path)


def last_line(result: subprocess.CompletedProcess[str]) -> str:
    return [line for line in result.stderr.splitlines() if line.strip()][-1]


@pytest.fixture
def broken_instance(tmp_path: Path) -> Path:
    path = tmp_path / "broken.yaml"
    path.write_text("registration: {MONGO_URI: [unclosed\n")
    return path


@pytest.fixture
def instance_needing_variable(tmp_path: Path) -> Path:
    path = tmp_path / "needs.yaml"
    path.write_text("registration:\n  MONGO_DATABASE: ${ZJTX_DB_THAT_IS_NOT_SET}\n")
    return path


def test_unreachable_broker(tmp_path: Path, mongo_server: object) -> None:
    result = start(tmp_path, "amqp://guest:guest@127.0.0.1:1/", mongo_server.uri)  # type: ignore[attr-defined]
    assert result.returncode == 2
    assert last_line(result).startswith("zjtx: cannot start: RabbitMQ is not reachable at amqp://guest:***@127.0.0.1:1/")
    assert "rabbitmq-server -detached" in last_line(result)
    assert "Traceback" not in result.stderr


def test_unreachable_database(tmp_path: Path, amqp_uri: str) -> None:
    result = start(tmp_path, amqp_uri, "mongodb://127.0.0.1:1/")
    assert result.returncode == 2
    assert "MongoDB is not reachable at mongodb://127.0.0.1:1/" in last_line(result)
    assert "Traceback" not in result.stderr


def test_malformed_instance_file(tmp_path: Path, amqp_uri: str, mongo_server: object,
                                 broken_instance: Path) -> None:
    result = start(tmp_path, amqp_uri, mongo_server.uri, ZJTX_INSTANCE=str(broken_instance))  # type: ignore[attr-defined]
    assert result.returncode == 2
    assert f"config file {broken_instance} is not valid YAML at line" in last_line(result)


def test_missing_variable(tmp_path: Path, amqp_uri: str, mongo_server: object,
                          instance_needing_variable: Path) -> None:
    result = start(tmp_path, amqp_uri, mongo_server.uri,  # type: ignore[attr-defined]
                   ZJTX_INSTANCE=str(instance_needing_variable))
    assert result.returncode == 2
    assert "ZJTX_DB_THAT_IS_NOT_SET" in last_line(result) and "MONGO_DATABASE" in last_line(result)


def test_unknown_trace_exporter(tmp_path: Path, amqp_uri: str, mongo_server: object) -> None:
    result = start(tmp_path, amqp_uri, mongo_server.uri, OTEL_TRACES_EXPORTER="zipkin")  # type: ignore[attr-defined]
    assert result.returncode == 2
    assert "accepted: otlp, console, none" in last_line(result)


def test_no_key_material_no_start(tmp_path: Path, amqp_uri: str, mongo_server: object) -> None:
    result = start(tmp_path, amqp_uri, mongo_server.uri)  # type: ignore[attr-defined]
    assert result.returncode == 2
    assert last_line(result).startswith("zjtx: cannot start: ZJTX_PKI_DIR is not set; it must name a directory with "
                                        "ca.crt, registration.crt, registration.key, registration.jwt.key")
    incomplete = start(tmp_path, amqp_uri, mongo_server.uri, ZJTX_PKI_DIR=str(tmp_path))  # type: ignore[attr-defined]
    assert incomplete.returncode == 2 and "lacks ca.crt, registration.crt" in last_line(incomplete)


def test_production_mode_refuses_the_brokers_guest_account(tmp_path: Path, mongo_server: object) -> None:
    result = start(tmp_path, "amqp://guest:guest@127.0.0.1:5672/", mongo_server.uri,  # type: ignore[attr-defined]
                   ZJTX_MODE="production")
    assert result.returncode == 2
    assert "ZJTX_MODE=production: REGISTRATION_AMQP_URI (or AMQP_URI) must be set to the service's own broker account" \
        in last_line(result)


def test_production_mode_names_every_secret_it_lacks(tmp_path: Path) -> None:
    """ZJTX_MODE=production: no development default stands in for a secret (zjtx.production)."""
    result = start(tmp_path, "", "", "notification", ZJTX_MODE="production")
    print(last_line(result))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    line = last_line(result)
    assert line.startswith("zjtx: cannot start: ZJTX_MODE=production: NOTIFICATION_AMQP_URI (or AMQP_URI) must be set")
    assert "; MONGO_URI must be set with the component's own database credentials" in line
    assert "; ZJTX_PKI_DIR must name the key material provisioned for notification" in line

    # everything else given: e-mail switched on without its account, SMS without its token
    given = start(tmp_path, "amqp://zjtx-notification:s3cret@127.0.0.1:1/zjtx", "mongodb://notif:s3cret@127.0.0.1:1/",
                  "notification", ZJTX_MODE="production", ZJTX_PKI_DIR=str(tmp_path), ZJTX_FIELD_KEY=FIELD_KEY,
                  SMTP_HOST="smtp.example.cn", SMS_GATEWAY_URL="https://sms.example.cn/send")
    print(last_line(given))
    assert given.returncode == 2
    assert last_line(given) == (
        "zjtx: cannot start: ZJTX_MODE=production: SMTP_USER must be set: SMTP_HOST is set (e-mail on) and mail is "
        "sent through an authenticated submission account in production; SMTP_PASSWORD must be set: SMTP_HOST is set "
        "(e-mail on) and mail is sent through an authenticated submission account in production; SMS_GATEWAY_TOKEN "
        "must be set: SMS_GATEWAY_URL is set (SMS on) and the SMS gateway is called with its bearer token")
    # with them, the secrets pass and start-up goes on to the next check (the broker, unreachable here)
    passed = start(tmp_path, "amqp://zjtx-notification:s3cret@127.0.0.1:1/zjtx", "mongodb://notif:s3cret@127.0.0.1:1/",
                   "notification", ZJTX_MODE="production", ZJTX_PKI_DIR=str(tmp_path), ZJTX_FIELD_KEY=FIELD_KEY,
                   SMTP_HOST="smtp.example.cn",
                   SMTP_USER="zjtx", SMTP_PASSWORD="s3cret", SMS_GATEWAY_URL="https://sms.example.cn/send",
                   SMS_GATEWAY_TOKEN="t0ken")
    assert passed.returncode == 2 and "RabbitMQ is not reachable" in last_line(passed)
