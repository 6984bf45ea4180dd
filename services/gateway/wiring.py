"""Assemble the gateway from its config: key material, database, hasher, upstreams, tracing."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from gateway.app import Gateway
from gateway.auth import Accounts
from gateway.bootstrap import Bootstrap
from gateway.rules.lockout import Policy
from gateway.rules.passwords import Hasher
from gateway.rules.tokens import check_key
from gateway.storage import GatewayStore
from gateway.upstream import Upstreams
from zjtx import grpc_tls
from zjtx.config import REPO_ROOT
from zjtx.crypto import redact
from zjtx.identity import Keyring
from zjtx.logs import JsonFormatter

log = logging.getLogger("gateway")


class StartupError(Exception):
    """Why the gateway cannot start, in one line an operator can act on."""


def var_dir() -> Path:
    return Path(os.environ.get("ZJTX_VAR_DIR") or REPO_ROOT / "var")


def pki_dir(config: dict[str, Any]) -> Path:
    """The gateway's key material (zjtx.pki): development generates a set into <var>/pki once;
    production refuses to start without ZJTX_PKI_DIR holding the gateway's certificate and keys."""
    from zjtx import pki

    mode = run_mode(config)
    directory = str(config.get("PKI_DIR") or "")
    if not directory:
        if mode == "production":
            raise StartupError("ZJTX_PKI_DIR is not set; production mode needs the project CA (ca.crt), the gateway's "
                               "TLS certificate and key (gateway.crt, gateway.key) and its token signing key "
                               "(gateway.jwt.key, Ed25519) shared by every gateway instance; `python -m zjtx.pki "
                               "generate DIR` makes a set")
        path = pki.ensure(var_dir() / "pki")
        log.warning("development mode: ZJTX_PKI_DIR unset, using the key material generated in %s", path)
        return path
    try:
        return pki.check_principal(directory, "gateway")
    except pki.PkiError as exc:
        raise StartupError(str(exc)) from None


def run_mode(config: dict[str, Any]) -> str:
    """``ZJTX_MODE`` (every component's switch), or the gateway's own ``GATEWAY_MODE`` when set."""
    from zjtx import production as secrets

    try:
        return secrets.mode(override=str(config.get("MODE") or ""), override_name="GATEWAY_MODE")
    except secrets.SecretsMissing as exc:
        raise StartupError(str(exc)) from None


def check_secrets(config: dict[str, Any], directory: Path) -> None:
    """Production refuses to start without each secret the gateway uses (zjtx.secrets)."""
    from zjtx import production as secrets

    try:
        secrets.check("gateway", {**config, "PKI_DIR": str(directory)},
                      override=str(config.get("MODE") or ""), override_name="GATEWAY_MODE")
    except secrets.SecretsMissing as exc:
        raise StartupError(str(exc)) from None


def token_key(directory: Path) -> Ed25519PrivateKey:
    from zjtx import pki
    from zjtx.identity import load_private_key

    try:
        key = load_private_key(pki.jwt_key_path(directory, "gateway"))
        check_key(key)
    except (OSError, ValueError, pki.PkiError) as exc:
        raise StartupError(f"the gateway's token signing key cannot be used: {exc}") from None
    return key


def keyring(directory: Path) -> Keyring:
    return Keyring.from_directory(directory, "gateway")


def connect_store(config: dict[str, Any]) -> GatewayStore:
    from zjtx.mongo import StoreUnavailable, connect

    try:
        client = connect(str(config.get("MONGO_URI") or "mongodb://127.0.0.1:27017/"),
                         int(config.get("MONGO_TIMEOUT_MS") or 5000))
    except StoreUnavailable as exc:
        raise StartupError(str(exc)) from None
    store = GatewayStore(client, str(config.get("MONGO_DATABASE") or "zjtx_gateway"))
    store.ensure_indexes()
    return store


def policy_of(config: dict[str, Any]) -> Policy:
    return Policy(base_delay=float(config["SIGNIN_BASE_DELAY_SECONDS"]), max_delay=float(config["SIGNIN_MAX_DELAY_SECONDS"]),
                  lock_after=int(config["SIGNIN_LOCK_AFTER"]), lock_seconds=float(config["SIGNIN_LOCK_SECONDS"]),
                  reset_after=float(config["SIGNIN_RESET_AFTER_SECONDS"]))


def second_factor_of(config: dict[str, Any]) -> bool:
    value = str(config.get("SECOND_FACTOR", "on")).strip().lower()  # YAML reads on/off as booleans
    if value not in ("on", "true", "off", "false"):
        raise StartupError(f"GATEWAY_SECOND_FACTOR={value!r}; accepted: on (the default), off")
    on = value in ("on", "true")
    if not on and run_mode(config) == "production":
        raise StartupError("GATEWAY_SECOND_FACTOR=off is refused in production mode: staff sign in with a TOTP code")
    return on


def audit_retention_of(config: dict[str, Any]) -> int:
    """Days the audit trail is kept (ZJTX_AUDIT_RETENTION_DAYS): never shorter than the law's six months."""
    from zjtx.audit import RETENTION_MINIMUM_DAYS

    text = str(config.get("AUDIT_RETENTION_DAYS") or RETENTION_MINIMUM_DAYS).strip()
    if not text.isdigit() or int(text) < RETENTION_MINIMUM_DAYS:
        raise StartupError(f"ZJTX_AUDIT_RETENTION_DAYS={text!r}; accepted: a whole number of days, at least "
                           f"{RETENTION_MINIMUM_DAYS} (Cybersecurity Law art. 21: network logs kept six months)")
    return int(text)


def hasher_of(config: dict[str, Any]) -> Hasher:
    return Hasher(time_cost=int(config["ARGON2_TIME_COST"]), memory_kib=int(config["ARGON2_MEMORY_KIB"]),
                  parallelism=int(config["ARGON2_PARALLELISM"]))


def build(config: dict[str, Any], store: GatewayStore | None = None) -> Gateway:
    directory = pki_dir(config)
    check_secrets(config, directory)
    audit_retention_of(config)
    key = token_key(directory)
    store = store or connect_store(config)
    accounts = Accounts(store, hasher_of(config), policy_of(config), key, int(config["TOKEN_TTL_SECONDS"]),
                        idle=int(config["SESSION_IDLE_SECONDS"]), second_factor=second_factor_of(config),
                        issuer=str(config["SECOND_FACTOR_ISSUER"]))
    targets = {name: str(config[f"{name.upper()}_TARGET"]) for name in ("registration", "review", "notification",
                                                                         "reporting")}
    upstreams = Upstreams(targets, float(config["GRPC_DEADLINE_SECONDS"]), float(config["GRPC_STREAM_DEADLINE_SECONDS"]),
                          keyring(directory), grpc_tls.credentials(directory, "gateway"))
    gateway = Gateway(config, accounts, upstreams)
    gateway.bootstrap = Bootstrap(config, accounts, upstreams)
    return gateway


class AuditJsonFormatter(JsonFormatter):
    """The platform's JSON lines, plus the audit fields of the gateway's write log."""

    def format(self, record: logging.LogRecord) -> str:
        import json

        line = json.loads(super().format(record))
        audit = getattr(record, "audit", None)
        if isinstance(audit, dict):
            line.update(audit)
        return redact(json.dumps(line, ensure_ascii=False))


def setup_logging(level: str) -> None:
    from zjtx.logs import setup_logging as platform_logging

    platform_logging("gateway", level)
    for handler in logging.getLogger().handlers:
        handler.setFormatter(AuditJsonFormatter("gateway"))
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)  # "task queue depth" chatter under load
