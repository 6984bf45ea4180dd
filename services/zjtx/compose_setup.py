"""docker-compose's accounts: no guest, one RabbitMQ user and one MongoDB user per process.

docker-compose.yml runs both instances (profiles ``province`` and ``city``) on one RabbitMQ
and one MongoDB, each instance in its own vhost and databases. Nothing there has a default
password:

- ``python -m zjtx.compose_setup env`` (``make compose-env``) writes ``.env`` beside
  docker-compose.yml (mode 0600), which Compose reads for ``${...}``: a random password for
  RabbitMQ's administrator (the management UI; the image makes no guest when it is given
  one), MongoDB's root and replica-set key, and for each instance and process its own broker
  and database password. Existing values are kept, so running it again changes nothing.
- ``python -m zjtx.compose_setup run --instance <instance>`` is the one-shot ``setup-<instance>``
  container the processes wait for: it creates the instance's vhost, each service's broker
  user with the least-privilege permissions of zjtx.broker_accounts, a monitoring-only user
  for the gateway, the policies of deploy/rabbitmq/definitions.json, and each process's MongoDB
  user with ``readWrite`` on its own database only (creating or updating: idempotent).

User names: ``<instance>-<process>``, e.g. ``hengyang-city-review``.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

import yaml

from zjtx.config import REPO_ROOT, load_config

PROCESSES = ("registration", "review", "notification", "reporting", "gateway")
SERVICES = PROCESSES[:-1]
INSTANCES = ("hunan-province", "hengyang-city")
PROFILES = {"hunan-province": "province", "hengyang-city": "city"}
ENV_FILE = REPO_ROOT / ".env"
DEFINITIONS = REPO_ROOT / "deploy" / "rabbitmq" / "definitions.json"


def instance_vhost(instance: str) -> str:
    """The instance file's ``vhost`` (deploy/instances), or ``zjtx-<instance>``."""
    document = yaml.safe_load((REPO_ROOT / "deploy" / "instances" / f"{instance}.yaml").read_text()) or {}
    return str(document.get("vhost") or f"zjtx-{instance}")


def user_name(instance: str, process: str, prefix: str | None = None) -> str:
    return f"{prefix or instance}-{process}"


def password_variable(instance: str, process: str, system: str) -> str:
    """``ZJTX_HENGYANG_CITY_REVIEW_BROKER_PASSWORD``; system: BROKER or MONGO."""
    return f"ZJTX_{instance.upper().replace('-', '_')}_{process.upper()}_{system}_PASSWORD"


GLOBAL_SECRETS = ("ZJTX_RABBITMQ_ADMIN_PASSWORD", "ZJTX_MONGO_ROOT_PASSWORD", "ZJTX_MONGO_REPLICA_KEY", "ZJTX_FIELD_KEY")


def secret_variables() -> list[str]:
    names = list(GLOBAL_SECRETS)
    for instance in INSTANCES:
        for process in PROCESSES:
            names += [password_variable(instance, process, "BROKER"), password_variable(instance, process, "MONGO")]
    return names


def read_env_file(path: Path) -> dict[str, str]:
    values = {}
    if path.exists():
        for line in path.read_text().splitlines():
            if "=" in line and not line.lstrip().startswith("#"):
                key, _, value = line.partition("=")
                values[key.strip()] = value.strip()
    return values


def write_env_file(path: Path = ENV_FILE) -> list[str]:
    """Fill ``path`` with every missing secret (hex: safe in URIs unescaped); returns the names added."""
    values = read_env_file(path)
    added = [name for name in secret_variables() if not values.get(name)]
    for name in added:
        # the field key (zjtx.crypto) is 32 bytes: 64 hex digits
        values[name] = secrets.token_hex({"ZJTX_MONGO_REPLICA_KEY": 48, "ZJTX_FIELD_KEY": 32}.get(name, 24))
    values.setdefault("COMPOSE_PROFILES", "province")
    text = ("# docker compose secrets, written by `make compose-env` (python -m zjtx.compose_setup env).\n"
            "# Keep this file private; COMPOSE_PROFILES picks the instances `docker compose up` starts\n"
            "# (province, city, or province,city).\n"
            + "".join(f"{key}={value}\n" for key, value in values.items()))
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(text)
    os.chmod(path, 0o600)
    return added


def database(instance: str, process: str, env: dict[str, str]) -> str:
    """The database ``process`` of ``instance`` uses, with the environment it runs with."""
    return str(load_config(process, instance, env=env)["MONGO_DATABASE"])


def broker_grants() -> list[tuple[str, str, dict[str, str]]]:
    """(process, tags, permissions) of every process of an instance."""
    from zjtx import broker_accounts

    grants = [(s, "", broker_accounts.permissions(s)) for s in SERVICES]
    grants.append(("gateway", "monitoring", {"configure": "^$", "write": "^$", "read": "^$"}))
    return grants


def policies(vhost: str) -> list[dict[str, Any]]:
    declared = json.loads(DEFINITIONS.read_text()).get("policies") or []
    return [{**p, "vhost": vhost} for p in declared]


def setup_broker(management_uri: str, instance: str, env: dict[str, str], vhost: str | None = None,
                 user_prefix: str | None = None) -> str:
    """The instance's vhost (``vhost`` overrides the instance file's: the tests' own), its users
    (``user_prefix`` instead of the instance name) and their permissions, and the policies."""
    from zjtx.broker_accounts import Management

    api = Management(management_uri)
    vhost = vhost or instance_vhost(instance)
    api.call("PUT", f"/vhosts/{quote(vhost, safe='')}", json={"description": f"ZJTX {instance}"})
    for process, tags, permissions in broker_grants():
        user, password = user_name(instance, process, user_prefix), env[password_variable(instance, process, "BROKER")]
        api.call("PUT", f"/users/{quote(user, safe='')}", json={"password": password, "tags": tags})
        api.call("PUT", f"/permissions/{quote(vhost, safe='')}/{quote(user, safe='')}", json=permissions)
    for policy in policies(vhost):
        body = {k: v for k, v in policy.items() if k not in ("vhost", "name")}
        api.call("PUT", f"/policies/{quote(vhost, safe='')}/{quote(policy['name'], safe='')}", json=body)
    return vhost


def setup_mongo(client: Any, instance: str, env: dict[str, str], user_prefix: str | None = None) -> dict[str, str]:
    """Create or update each process's user (in ``admin``) with readWrite on its database only."""
    made = {}
    admin = client.admin
    for process in PROCESSES:
        user, db = user_name(instance, process, user_prefix), database(instance, process, env)
        roles = [{"role": "readWrite", "db": db}]
        password = env[password_variable(instance, process, "MONGO")]
        if admin.command("usersInfo", user).get("users"):
            admin.command("updateUser", user, pwd=password, roles=roles)
        else:
            admin.command("createUser", user, pwd=password, roles=roles)
        made[user] = db
    return made


def wait(what: str, attempt: Any, timeout: float = 180.0) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        try:
            return attempt()
        except Exception as exc:  # the broker or the database is still starting
            if time.monotonic() > deadline:
                raise SystemExit(f"zjtx compose setup: {what} not reachable after {timeout:.0f} s: {exc}") from None
            time.sleep(2)


def run(instances: list[str], env: dict[str, str]) -> None:
    from pymongo import MongoClient

    missing = [n for i in instances for p in PROCESSES for n in
               (password_variable(i, p, "BROKER"), password_variable(i, p, "MONGO")) if not env.get(n)]
    for name in ("RABBIT_MANAGEMENT_URI", "MONGO_ROOT_URI"):
        if not env.get(name):
            missing.append(name)
    if missing:
        raise SystemExit(f"zjtx compose setup: {', '.join(missing)} not set; run `make compose-env` first")
    for instance in instances:
        vhost = wait("RabbitMQ's management API", lambda i=instance: setup_broker(env["RABBIT_MANAGEMENT_URI"], i, env))
        client = MongoClient(env["MONGO_ROOT_URI"], serverSelectionTimeoutMS=5000)
        users = wait("MongoDB", lambda i=instance, c=client: setup_mongo(c, i, env))
        client.close()
        print(f"zjtx compose setup: {instance}: vhost {vhost}, broker and database users "
              f"{', '.join(f'{u} ({d})' for u, d in users.items())}", flush=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="docker-compose's accounts (no guest, one user per process)")
    sub = parser.add_subparsers(dest="command", required=True)
    env_command = sub.add_parser("env", help="write the missing secrets into .env (0600)")
    env_command.add_argument("--file", type=Path, default=ENV_FILE)
    run_command = sub.add_parser("run", help="create the vhost and the users of the instances")
    run_command.add_argument("--instance", action="append", choices=INSTANCES, required=True)
    args = parser.parse_args(argv)
    if args.command == "env":
        added = write_env_file(args.file)
        print(f"zjtx compose setup: {args.file}: {len(added)} secret(s) added", file=sys.stderr)
        return
    run(args.instance, dict(os.environ))


if __name__ == "__main__":
    main()
