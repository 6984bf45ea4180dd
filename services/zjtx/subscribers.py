"""Broker accounts of outside systems that subscribe to ZJTX events (credit systems, the
finance 白名单, statistics bureaus...).

An outside system ``<system>`` signs in as ``zjtx-ext-<system>`` and may only:

- declare, bind, consume and delete queues named ``ext.<system>.<anything>``
  (configure + write on them: RabbitMQ checks write on the queue for a binding);
- bind them to the events exchanges ``<service>.events`` (read on those exchanges);
- publish nowhere: it has write on no exchange (not even the default exchange,
  ``amq.default``), so it can neither forge an event nor reach a service's queue.

Operators create an account with ``python -m zjtx.subscribers create <system>`` (``make
subscriber SYSTEM=<system>``): through the RabbitMQ management API
(``RABBIT_MANAGEMENT_URI``), in the vhost of ``AMQP_URI``, with a random password that is
printed once (with the AMQP URI to hand over). Production declares the accounts of the
systems listed in ``deploy/subscribers.yaml`` in ``deploy/rabbitmq/definitions.json``
(zjtx.broker_definitions), without passwords, like the services' accounts: the operator
sets each password from the secret store. ``backfill`` replays past events from
reporting's archive into one of the system's queues (``zjtx.backfill``).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import sys
from pathlib import Path
from typing import Any
from urllib.parse import quote

import yaml

from zjtx.broker_accounts import DEFAULT_MANAGEMENT, SERVICES, Management, vhost_of, with_account
from zjtx.config import REPO_ROOT

USER_TAG = "zjtx-subscriber"
LIST_FILE = REPO_ROOT / "deploy" / "subscribers.yaml"
# a system name is a label: lower case, digits and dashes, so queue names stay readable
SYSTEM = re.compile(r"^[a-z][a-z0-9-]{1,39}$")


class SubscriberError(ValueError):
    """A request about a subscriber that cannot be done; the message says what is accepted."""


def check_system(system: str) -> str:
    if not SYSTEM.fullmatch(system or ""):
        raise SubscriberError(f"system name {system!r} is not accepted: 2 to 40 characters, lower-case letters, "
                              "digits and '-', starting with a letter (e.g. credit, finance-whitelist)")
    return system


def user_name(system: str) -> str:
    return f"zjtx-ext-{check_system(system)}"


def queue_prefix(system: str) -> str:
    return f"ext.{check_system(system)}."


def check_queue(system: str, queue: str) -> str:
    prefix = queue_prefix(system)
    if not queue.startswith(prefix) or len(queue) == len(prefix):
        raise SubscriberError(f"queue {queue!r} is not one of {system}'s: its queues are named {prefix}<name>")
    return queue


def permissions(system: str) -> dict[str, str]:
    own_queues = rf"{re.escape(queue_prefix(system))}.+"
    event_exchanges = rf"({'|'.join(SERVICES)})\.events"
    return {
        "configure": f"^{own_queues}$",
        "write": f"^{own_queues}$",   # queue.bind checks write on the queue; no exchange matches
        "read": f"^({own_queues}|{event_exchanges})$",
    }


def listed(path: Path = LIST_FILE) -> list[dict[str, str]]:
    """The subscribers production declares (deploy/subscribers.yaml)."""
    if not path.exists():
        return []
    document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    entries = document.get("subscribers") or []
    for entry in entries:
        check_system(str(entry.get("system", "")))
    return entries


def definitions(vhost: str = "/", path: Path = LIST_FILE) -> dict[str, list[dict[str, Any]]]:
    """Users (no password) and permissions of the listed subscribers, for definitions.json."""
    systems = [entry["system"] for entry in listed(path)]
    users = [{"name": user_name(s), "password_hash": "", "hashing_algorithm": "rabbit_password_hashing_sha256",
              "tags": [USER_TAG]} for s in systems]
    grants = [{"user": user_name(s), "vhost": vhost, **permissions(s)} for s in systems]
    return {"users": users, "permissions": grants}


def _management(env: dict[str, str]) -> Management:
    return Management(env.get("RABBIT_MANAGEMENT_URI") or DEFAULT_MANAGEMENT)


def create(system: str, env: dict[str, str]) -> dict[str, str]:
    """Create (or reset the password of) ``system``'s account in the vhost of AMQP_URI."""
    amqp_uri = env.get("AMQP_URI") or "amqp://guest:guest@127.0.0.1:5672/"
    vhost, user, password = vhost_of(amqp_uri), user_name(system), secrets.token_urlsafe(24)
    api = _management(env)
    api.call("PUT", f"/users/{quote(user, safe='')}", json={"password": password, "tags": USER_TAG})
    api.call("PUT", f"/permissions/{quote(vhost, safe='')}/{quote(user, safe='')}", json=permissions(system))
    return {"system": system, "user": user, "password": password, "vhost": vhost,
            "amqp_uri": with_account(amqp_uri, user, password), "queue_prefix": queue_prefix(system)}


def remove(system: str, env: dict[str, str]) -> None:
    _management(env).call("DELETE", f"/users/{quote(user_name(system), safe='')}")


def accounts(env: dict[str, str]) -> list[dict[str, Any]]:
    api = _management(env)
    vhost = vhost_of(env.get("AMQP_URI") or "amqp://guest:guest@127.0.0.1:5672/")
    grants = {p["user"]: p for p in api.call("GET", f"/vhosts/{quote(vhost, safe='')}/permissions").json()}
    return [{"user": u["name"], "vhost": vhost, **{k: grants[u["name"]][k] for k in ("configure", "write", "read")}}
            for u in api.call("GET", "/users").json() if USER_TAG in str(u.get("tags")) and u["name"] in grants]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m zjtx.subscribers", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    made = commands.add_parser("create", help="create (or reset) an outside system's broker account")
    made.add_argument("system")
    made.add_argument("--json", action="store_true", help="print the account as JSON")
    gone = commands.add_parser("remove", help="delete an outside system's broker account")
    gone.add_argument("system")
    commands.add_parser("list", help="the subscriber accounts of this vhost")
    back = commands.add_parser("backfill", help="replay archived events into one of the system's queues")
    back.add_argument("system")
    back.add_argument("--queue", required=True, help="the system's queue, ext.<system>.<name>")
    back.add_argument("--type", dest="types", action="append", required=True,
                      help="an event type to replay (repeat for more), e.g. review.recognised")
    back.add_argument("--since", default="", help="only events at or after this ISO 8601 time (envelope time)")
    args = parser.parse_args(argv)
    env = dict(os.environ)
    try:
        if args.command == "create":
            account = create(args.system, env)
            if args.json:
                print(json.dumps(account, ensure_ascii=False))
            else:
                print(f"account {account['user']} in vhost {account['vhost']!r} (password shown once; hand it over "
                      f"through the secret channel)\n  AMQP URI: {account['amqp_uri']}\n  may declare, bind and read "
                      f"queues {account['queue_prefix']}*, bind them to the *.events exchanges, publish nowhere")
        elif args.command == "remove":
            remove(args.system, env)
            print(f"removed {user_name(args.system)}")
        elif args.command == "list":
            for account in accounts(env):
                print(f"{account['user']}  vhost {account['vhost']}  read {account['read']}")
        else:
            from zjtx.backfill import backfill

            report = backfill(args.system, args.queue, args.types, args.since, env)
            print(json.dumps(report, ensure_ascii=False))
    except (SubscriberError, RuntimeError) as error:
        print(f"{args.command} refused: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    # run the imported module's main, not __main__'s: zjtx.backfill raises zjtx.subscribers.SubscriberError,
    # which a second copy of this module (as __main__) would not catch
    from zjtx.subscribers import main as imported_main

    sys.exit(imported_main())
