"""``python -m gateway.accounts``: create the first accounts by hand.

    python -m gateway.accounts create-admin --username hn-admin --unit unit-430000 \\
        --name 张三 --email zhangsan@example.cn [--mobile 13800138000]
    python -m gateway.accounts create-operations --username ops --name 运维值班

The password is read from standard input (one line), never from the command line, so it
stays out of shell history and process lists. The admin is created in review (its unit's
account) and its credential here; operations staff exist only at the gateway. Uses the
gateway's config (MONGO_URI, REVIEW_TARGET, ...).
"""

from __future__ import annotations

import argparse
import sys

from gateway import wiring
from gateway.bootstrap import create_admin, create_operations
from gateway.rules.passwords import password_problems
from zjtx.config import ConfigError, load_config
from zjtx.errors import DomainError


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m gateway.accounts", description="Create gateway accounts")
    commands = parser.add_subparsers(dest="command", required=True)
    admin = commands.add_parser("create-admin", help="a programme admin of a review unit")
    admin.add_argument("--username", required=True)
    admin.add_argument("--unit", required=True, help="review unit id, e.g. unit-430000")
    admin.add_argument("--name", required=True)
    admin.add_argument("--email", required=True)
    admin.add_argument("--mobile", default="")
    ops = commands.add_parser("create-operations", help="an operations staff account")
    ops.add_argument("--username", required=True)
    ops.add_argument("--name", required=True)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    password = sys.stdin.readline().rstrip("\n")
    problems = password_problems(password, login=args.username)
    if problems:
        print(f"accounts: {problems[0].message}", file=sys.stderr)
        return 2
    try:
        config = load_config("gateway")
        gateway = wiring.build(config)
    except (ConfigError, wiring.StartupError) as exc:
        print(f"accounts: {exc}", file=sys.stderr)
        return 2
    try:
        if args.command == "create-admin":
            subject = create_admin(gateway.accounts, gateway.upstreams, username=args.username, password=password,
                                   unit_id=args.unit, name=args.name, email=args.email, mobile=args.mobile,
                                   created_by="cli")
        else:
            subject = create_operations(gateway.accounts, username=args.username, password=password, name=args.name,
                                        created_by="cli")
    except DomainError as error:
        print(f"accounts: {error}", file=sys.stderr)
        return 1
    finally:
        gateway.upstreams.close()
    print(f"accounts: created {args.username} ({subject})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
