"""Assemble the gateway from its config: database, token key, hasher, upstreams, tracing."""

from __future__ import annotations

import logging
import os
import secrets
from pathlib import Path
from typing import Any

from gateway.app import Gateway
from gateway.auth import Accounts
from gateway.bootstrap import Bootstrap
from gateway.rules.lockout import Policy
from gateway.rules.passwords import Hasher
from gateway.rules.tokens import check_key
from gateway.storage import GatewayStore
from gateway.upstream import Upstreams
from zjtx.config import REPO_ROOT
from zjtx.logs import JsonFormatter

log = logging.getLogger("gateway")


class StartupError(Exception):
    """Why the gateway cannot start, in one line an operator can act on."""


def var_dir() -> Path:
    return Path(os.environ.get("ZJTX_VAR_DIR") or REPO_ROOT / "var")


def token_key(config: dict[str, Any]) -> bytes:
    key = str(config.get("TOKEN_KEY") or "")
    mode = str(config.get("MODE") or "development")
    if mode not in ("development", "production"):
        raise StartupError(f"GATEWAY_MODE={mode!r}; accepted: development, production")
    if key:
        try:
            check_key(key.encode("utf-8"))
        except ValueError as exc:
            raise StartupError(f"GATEWAY_TOKEN_KEY is too short: {exc}") from None
        return key.encode("utf-8")
    if mode == "production":
        raise StartupError("GATEWAY_TOKEN_KEY is not set; production mode needs a signing key of at least 32 bytes "
                           "shared by every gateway instance (e.g. `python -c 'import secrets; "
                           "print(secrets.token_urlsafe(48))'`)")
    path = var_dir() / "gateway" / "token.key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(secrets.token_urlsafe(48))
    log.warning("development mode: GATEWAY_TOKEN_KEY unset, signing tokens with the key in %s", path)
    return path.read_text().strip().encode("utf-8")


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


def hasher_of(config: dict[str, Any]) -> Hasher:
    return Hasher(time_cost=int(config["ARGON2_TIME_COST"]), memory_kib=int(config["ARGON2_MEMORY_KIB"]),
                  parallelism=int(config["ARGON2_PARALLELISM"]))


def build(config: dict[str, Any], store: GatewayStore | None = None) -> Gateway:
    key = token_key(config)
    store = store or connect_store(config)
    accounts = Accounts(store, hasher_of(config), policy_of(config), key, int(config["TOKEN_TTL_SECONDS"]))
    targets = {name: str(config[f"{name.upper()}_TARGET"]) for name in ("registration", "review", "notification",
                                                                         "reporting")}
    upstreams = Upstreams(targets, float(config["GRPC_DEADLINE_SECONDS"]), float(config["GRPC_STREAM_DEADLINE_SECONDS"]))
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
        return json.dumps(line, ensure_ascii=False)


def setup_logging(level: str) -> None:
    from zjtx.logs import setup_logging as platform_logging

    platform_logging("gateway", level)
    for handler in logging.getLogger().handlers:
        handler.setFormatter(AuditJsonFormatter("gateway"))
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)  # "task queue depth" chatter under load
