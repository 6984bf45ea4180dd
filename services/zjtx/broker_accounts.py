"""Least-privilege RabbitMQ accounts: one per service.

A service's account may write only to its own exchange ``<service>.events`` (so it cannot
publish another service's events), to its own queues (binding them needs that) and to the
dead-letter exchange (RabbitMQ requires it to declare a queue that dead-letters there), and
read only its own queues ``evt-<source>-<type>--<service>.<method>`` (and their dead
letters) plus the event exchanges it binds them to. It may configure (declare, delete) only
its own exchange and its own queues: nameko would declare the exchange of every event it
consumes, so ``zjtx.events`` binds to other services' exchanges and to the dead-letter
exchange by name and checks them with a passive declare (which needs no right); provisioning
declares every exchange first (``provision`` here, ``deploy/rabbitmq/definitions.json`` in
production).

``make up``, ``make demo`` and the tests create the accounts through the management API in
the run's own vhost (``provision``), with a random password each, and give each service its
own ``<SERVICE>_AMQP_URI`` (zjtx.launch prefers it to ``AMQP_URI``). Production declares the
users and permissions in ``deploy/rabbitmq/definitions.json`` (zjtx.broker_definitions)
without passwords; the operator sets each from the secret store
(``rabbitmqctl change_password zjtx-<service> ...``).
"""

from __future__ import annotations

import base64
import hashlib
import logging
import os
import re
import secrets
from typing import Any
from urllib.parse import quote, unquote, urlsplit, urlunsplit

import requests

log = logging.getLogger(__name__)

SERVICES = ("registration", "review", "notification", "reporting")
DEFAULT_MANAGEMENT = "http://guest:guest@127.0.0.1:15672"
USER_TAG = "zjtx-service"


def user_name(service: str) -> str:
    """The production account of a service (deploy/rabbitmq/definitions.json)."""
    return f"zjtx-{service}"


def run_user_name(service: str, vhost: str, owner: int | None = None) -> str:
    """The account ``make up``, the demo or a test session creates: ``zjtx-<service>.<vhost>.p<pid>``,
    so runs sharing a broker (even its "/" vhost) never reset each other's passwords."""
    label = "root" if vhost == "/" else vhost
    return f"zjtx-{service}.{label}.p{owner or os.getpid()}"


_RUN_USER = re.compile(r"^zjtx-[a-z]+\.(?P<vhost>.+)\.p(?P<pid>\d+)$")


def permissions(service: str) -> dict[str, str]:
    own_exchange = re.escape(f"{service}.events")
    own_queues = rf"evt-.*--{re.escape(service)}\.[^.]+(\.dead-letter)?"
    # upstream.events: another instance's events, shovelled in by the broker (docs/instances.md)
    event_exchanges = rf"({'|'.join((*SERVICES, 'upstream'))})\.events"
    from zjtx.events import DEAD_LETTER_EXCHANGE  # here: zjtx.events pulls in Nameko and eventlet, which `make up` need not

    dead_letters = re.escape(DEAD_LETTER_EXCHANGE)
    return {
        # no other service's exchange, nor the dead-letter exchange: provisioning declares those
        "configure": f"^({own_exchange}|{own_queues})$",
        # write on the dead-letter exchange: RabbitMQ requires it to declare a queue that dead-letters there
        "write": f"^({own_exchange}|{dead_letters}|{own_queues})$",
        "read": f"^({event_exchanges}|{dead_letters}|{own_queues})$",
    }


def vhost_of(amqp_uri: str) -> str:
    path = urlsplit(amqp_uri).path
    return unquote(path[1:]) if len(path) > 1 else "/"


def with_account(amqp_uri: str, user: str, password: str) -> str:
    parts = urlsplit(amqp_uri)
    host = parts.hostname or "127.0.0.1"
    netloc = f"{quote(user, safe='')}:{quote(password, safe='')}@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit((parts.scheme, netloc, parts.path or "/", parts.query, parts.fragment))


class Management:
    def __init__(self, uri: str) -> None:
        parts = urlsplit(uri.rstrip("/"))
        self.auth = (unquote(parts.username or "guest"), unquote(parts.password or "guest"))
        self.base = urlunsplit((parts.scheme, f"{parts.hostname}:{parts.port or 15672}", "/api", "", ""))

    def call(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        response = requests.request(method, f"{self.base}{path}", auth=self.auth, timeout=30, **kwargs)
        if response.status_code >= 400 and not (method == "DELETE" and response.status_code == 404):
            raise RuntimeError(f"RabbitMQ management API {method} {path}: {response.status_code} {response.text[:200]}")
        return response


def provision(env: dict[str, str]) -> list[str]:
    """Create (or reset) every service's account in the vhost of ``env['AMQP_URI']`` and set
    ``<SERVICE>_AMQP_URI``; returns the user names. Raises RuntimeError when the API refuses."""
    amqp_uri = env.get("AMQP_URI") or "amqp://guest:guest@127.0.0.1:5672/"
    vhost = vhost_of(amqp_uri)
    api = Management(env.get("RABBIT_MANAGEMENT_URI") or DEFAULT_MANAGEMENT)
    port = urlsplit(amqp_uri).port or 5672
    listeners = {int(entry.get("port", 0)) for entry in api.call("GET", "/overview").json().get("listeners", [])
                 if entry.get("protocol") == "amqp"}
    if port not in listeners:  # e.g. a private broker node of a fault test, without the management plugin
        raise RuntimeError(f"the management API at {api.base} manages AMQP port(s) {sorted(listeners)}, "
                           f"not {port} of AMQP_URI")
    declare_exchanges(api, vhost)
    made = []
    for service in SERVICES:
        user, password = run_user_name(service, vhost), secrets.token_urlsafe(24)
        api.call("PUT", f"/users/{quote(user, safe='')}", json={"password": password, "tags": USER_TAG})
        api.call("PUT", f"/permissions/{quote(vhost, safe='')}/{quote(user, safe='')}", json=permissions(service))
        env[f"{service.upper()}_AMQP_URI"] = with_account(amqp_uri, user, password)
        made.append(user)
    return made


def exchanges() -> list[tuple[str, str]]:
    """(name, type) of every exchange provisioning declares: each service's events exchange,
    upstream.events (where another instance's events arrive by shovel, docs/instances.md) and the
    dead-letter exchange."""
    from zjtx.events import DEAD_LETTER_EXCHANGE

    return [*((f"{s}.events", "topic") for s in (*SERVICES, "upstream")), (DEAD_LETTER_EXCHANGE, "direct")]


def declare_exchanges(api: Management, vhost: str) -> None:
    """Every exchange, declared as the administrator: a service's own account may not declare any but
    its own (as deploy/rabbitmq/definitions.json does)."""
    for name, kind in exchanges():
        api.call("PUT", f"/exchanges/{quote(vhost, safe='')}/{quote(name, safe='')}",
                 json={"type": kind, "durable": True, "auto_delete": False, "internal": False, "arguments": {}})


def password_hash(password: str, salt: bytes | None = None) -> str:
    """RabbitMQ's ``rabbit_password_hashing_sha256``: base64(salt + SHA-256(salt + password)), a 4-byte salt."""
    salt = salt if salt is not None else secrets.token_bytes(4)
    return base64.b64encode(salt + hashlib.sha256(salt + password.encode("utf-8")).digest()).decode("ascii")


def offline_definitions(env: dict[str, str]) -> dict[str, Any]:
    """``provision`` for a broker without the management API (a fault test's private node): the same
    accounts and exchanges as definitions for ``rabbitmqctl import_definitions``, with each password
    hashed; sets ``<SERVICE>_AMQP_URI`` in ``env``."""
    amqp_uri = env.get("AMQP_URI") or "amqp://guest:guest@127.0.0.1:5672/"
    vhost = vhost_of(amqp_uri)
    users, grants = [], []
    for service in SERVICES:
        user, password = run_user_name(service, vhost), secrets.token_urlsafe(24)
        users.append({"name": user, "password_hash": password_hash(password),
                      "hashing_algorithm": "rabbit_password_hashing_sha256", "tags": [USER_TAG]})
        grants.append({"user": user, "vhost": vhost, **permissions(service)})
        env[f"{service.upper()}_AMQP_URI"] = with_account(amqp_uri, user, password)
    declared = [{"name": name, "vhost": vhost, "type": kind, "durable": True, "auto_delete": False,
                 "internal": False, "arguments": {}} for name, kind in exchanges()]
    return {"users": users, "permissions": grants, "exchanges": declared}


def remove(env: dict[str, str], users: list[str]) -> None:
    api = Management(env.get("RABBIT_MANAGEMENT_URI") or DEFAULT_MANAGEMENT)
    for user in users:
        try:
            api.call("DELETE", f"/users/{quote(user, safe='')}")
        except (RuntimeError, requests.RequestException) as exc:
            log.warning("could not remove broker account %s: %s", user, exc)


def remove_stale(env: dict[str, str]) -> list[str]:
    """Accounts of earlier runs on this host that are gone: their vhost no longer exists, or
    the process that created them has ended (a session that died before cleaning up)."""
    from zjtx.processes import process_alive

    api = Management(env.get("RABBIT_MANAGEMENT_URI") or DEFAULT_MANAGEMENT)
    vhosts = {entry["name"] for entry in api.call("GET", "/vhosts").json()}
    stale = []
    for user in api.call("GET", "/users").json():
        match = _RUN_USER.match(user["name"])
        if not match or USER_TAG not in str(user.get("tags")):
            continue
        vhost = "/" if match["vhost"] == "root" else match["vhost"]
        if vhost not in vhosts or not process_alive(int(match["pid"])):
            stale.append(user["name"])
    remove(env, stale)
    return stale


def definitions(vhost: str = "/") -> dict[str, list[dict[str, Any]]]:
    """Users (no password: the operator sets it) and permissions for deploy/rabbitmq/definitions.json."""
    users = [{"name": user_name(s), "password_hash": "", "hashing_algorithm": "rabbit_password_hashing_sha256",
              "tags": [USER_TAG]} for s in SERVICES]
    grants = [{"user": user_name(s), "vhost": vhost, **permissions(s)} for s in SERVICES]
    return {"users": users, "permissions": grants}
