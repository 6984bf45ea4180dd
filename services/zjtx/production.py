"""Production mode: no secret has a usable default (issue 22 point 5).

``ZJTX_MODE=production`` (the one switch for every service and the gateway; the gateway's older
``GATEWAY_MODE`` still works for it alone) makes each process refuse to start, with one line
naming every variable it lacks, unless each secret it uses was given explicitly:

| who | variable | refused when |
| --- | --- | --- |
| every service | ``<SERVICE>_AMQP_URI`` (or ``AMQP_URI``) | unset, RabbitMQ's ``guest``, or no password |
| every service, gateway | ``MONGO_URI`` | unset, or without credentials (user and password, or ``authMechanism=MONGODB-X509``) |
| every service, gateway | ``ZJTX_PKI_DIR`` | unset (TLS certificate and key, JWT signing key, the CA; CSRF keys derive from it) |
| gateway | ``RABBIT_MANAGEMENT_URI`` | left at ``guest:guest`` or without a password (the operations page reads queues with it) |
| registration, review, notification | ``ZJTX_FIELD_KEY`` (or ``_FILE``) | unset (the key sealing personal fields, zjtx.crypto) |
| notification | ``SMTP_USER``, ``SMTP_PASSWORD`` | ``SMTP_HOST`` is set (e-mail on) without them |
| notification | ``SMS_GATEWAY_TOKEN`` | ``SMS_GATEWAY_URL`` is set (SMS on) without it |

Development (the default: ``make up``, ``make demo`` and the tests) keeps its conveniences: the
local ``guest`` broker account or per-run accounts, the embedded database without credentials,
key material generated into ``<var>/pki``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit

MODE_VARIABLE = "ZJTX_MODE"
MODES = ("development", "production")
SERVICES = ("registration", "review", "notification", "reporting")
SEALING = ("registration", "review", "notification")  # the services that seal personal fields (zjtx.crypto)


class SecretsMissing(Exception):
    """Production mode without a secret; the message names each variable."""


@dataclass(frozen=True)
class Missing:
    variable: str
    why: str

    def __str__(self) -> str:
        return f"{self.variable} {self.why}"


def mode(env: Mapping[str, str] | None = None, override: str = "", override_name: str = "") -> str:
    """``development`` or ``production``; ``override`` (e.g. GATEWAY_MODE) wins when set."""
    env = os.environ if env is None else env
    name, value = (override_name, override) if override else (MODE_VARIABLE, env.get(MODE_VARIABLE, ""))
    value = (value or "development").strip()
    if value not in MODES:
        raise SecretsMissing(f"{name or MODE_VARIABLE}={value!r}; accepted: {', '.join(MODES)}")
    return value


def _credentials(uri: str) -> tuple[str, str]:
    parts = urlsplit(uri)
    return unquote(parts.username or ""), unquote(parts.password or "")


def _mongo_authenticated(uri: str) -> bool:
    user, password = _credentials(uri)
    return bool(user and password) or "authmechanism=mongodb-x509" in urlsplit(uri).query.lower()


def missing_secrets(component: str, config: Mapping[str, Any], env: Mapping[str, str] | None = None) -> list[Missing]:
    """Every secret ``component`` (a service's name, or ``gateway``) lacks, in the order to fix them."""
    env = os.environ if env is None else env
    missing: list[Missing] = []
    if component in SERVICES:
        own = env.get(f"{component.upper()}_AMQP_URI") or env.get("AMQP_URI") or ""
        user, password = _credentials(own)
        if not own or user == "guest" or not password:
            missing.append(Missing(f"{component.upper()}_AMQP_URI (or AMQP_URI)",
                                   "must be set to the service's own broker account "
                                   f"(e.g. amqp://zjtx-{component}:<password>@broker:5672/<vhost>), not RabbitMQ's guest"))
    mongo_uri = env.get("MONGO_URI") or ""
    if not mongo_uri or not _mongo_authenticated(mongo_uri):
        missing.append(Missing("MONGO_URI", "must be set with the component's own database credentials "
                               "(mongodb://<user>:<password>@host/..., or authMechanism=MONGODB-X509)"))
    if not (config.get("PKI_DIR") or env.get("ZJTX_PKI_DIR")):
        files = "ca.crt, gateway.crt, gateway.key, gateway.jwt.key" if component == "gateway" else \
            f"ca.crt, {component}.crt, {component}.key, {component}.jwt.key, gateway.jwt.pub"
        missing.append(Missing("ZJTX_PKI_DIR", f"must name the key material provisioned for {component} ({files})"))
    if component in SEALING and not (env.get("ZJTX_FIELD_KEY") or env.get("ZJTX_FIELD_KEY_FILE")):
        missing.append(Missing("ZJTX_FIELD_KEY (or ZJTX_FIELD_KEY_FILE)", "must hold the instance's field-encryption "
                               "key (32 random bytes as 64 hex digits or base64; python -m zjtx.crypto new-key), the "
                               "same for every service of the instance"))
    if component == "gateway":
        user, password = _credentials(str(config.get("RABBIT_MANAGEMENT_URI") or ""))
        if not user or not password or (user, password) == ("guest", "guest"):
            missing.append(Missing("RABBIT_MANAGEMENT_URI", "must be set to a monitoring account of RabbitMQ's "
                                   "management API with its password (not guest:guest)"))
    if component == "notification":
        if config.get("SMTP_HOST"):
            for key in ("SMTP_USER", "SMTP_PASSWORD"):
                if not config.get(key):
                    missing.append(Missing(key, "must be set: SMTP_HOST is set (e-mail on) and mail is sent through "
                                           "an authenticated submission account in production"))
        if config.get("SMS_GATEWAY_URL") and not config.get("SMS_GATEWAY_TOKEN"):
            missing.append(Missing("SMS_GATEWAY_TOKEN", "must be set: SMS_GATEWAY_URL is set (SMS on) and the SMS "
                                   "gateway is called with its bearer token"))
    return missing


def check(component: str, config: Mapping[str, Any], env: Mapping[str, str] | None = None, *,
          override: str = "", override_name: str = "") -> str:
    """The mode; in production, SecretsMissing naming every variable ``component`` lacks."""
    current = mode(env, override, override_name)
    if current != "production":
        return current
    missing = missing_secrets(component, config, env)
    if missing:
        label = f"{override_name}=production" if override else f"{MODE_VARIABLE}=production"
        raise SecretsMissing(f"{label}: " + "; ".join(str(m) for m in missing))
    return current
