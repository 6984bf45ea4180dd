"""docker-compose's one-shot setup (zjtx.compose_setup) on the real RabbitMQ and the embedded
MongoDB-protocol server: each process of an instance gets its own broker user, which may publish
to its own exchange and is refused another's, and its own database user with readWrite on its
own database only; running it again changes nothing but the passwords it is given.
The session's throw-away vhost and user names of this session's own stand in for the instance's."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from kombu import Connection, Exchange, Producer
from pymongo import MongoClient

from harness import rabbit
from zjtx import compose_setup
from zjtx.broker_accounts import Management, with_account

INSTANCE = "hengyang-city"


@pytest.fixture(scope="module")
def secrets(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    path = tmp_path_factory.mktemp("compose") / ".env"
    added = compose_setup.write_env_file(path)
    assert len(added) == len(compose_setup.secret_variables())
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    assert compose_setup.write_env_file(path) == []  # a second run keeps every value
    return compose_setup.read_env_file(path)


@pytest.fixture(scope="module")
def prefix() -> Iterator[str]:
    label = f"compose-test-p{os.getpid()}"
    yield label
    api = Management(rabbit.MANAGEMENT)
    for process in compose_setup.PROCESSES:
        api.call("DELETE", f"/users/{compose_setup.user_name(INSTANCE, process, label)}")


def test_broker_users_have_their_own_rights_only(vhost: str, secrets: dict[str, str], prefix: str) -> None:
    for _ in range(2):  # idempotent
        compose_setup.setup_broker(rabbit.MANAGEMENT, INSTANCE, secrets, vhost=vhost, user_prefix=prefix)

    def connect(process: str) -> Connection:
        password = secrets[compose_setup.password_variable(INSTANCE, process, "BROKER")]
        return Connection(with_account(rabbit.amqp_uri(vhost), compose_setup.user_name(INSTANCE, process, prefix),
                                       password), connect_timeout=10)

    review_events = Exchange("review.events", type="topic", durable=True)
    with connect("review") as connection:
        Producer(connection.channel(), exchange=review_events).publish({"ok": 1}, routing_key="review.passed",
                                                                      declare=[review_events])
    with connect("notification") as connection, pytest.raises(Exception, match="ACCESS_REFUSED"):
        Producer(connection.channel(), exchange=review_events).publish({"forged": 1}, routing_key="review.recognised")
        connection.channel().close()  # the refusal arrives asynchronously: make it surface
    with connect("gateway") as connection, pytest.raises(Exception, match="ACCESS_REFUSED"):
        Producer(connection.channel(), exchange=review_events).publish({"forged": 1}, routing_key="review.recognised")
        connection.channel().close()
    users = {u["user"]: u for u in rabbit.api("GET", f"/vhosts/{vhost}/permissions").json()}
    assert users[compose_setup.user_name(INSTANCE, "gateway", prefix)]["write"] == "^$"


def test_database_users_may_use_their_own_database_only(mongo: MongoClient, secrets: dict[str, str],
                                                         prefix: str) -> None:
    try:
        for _ in range(2):  # idempotent: the second run updates
            made = compose_setup.setup_mongo(mongo, INSTANCE, secrets, user_prefix=prefix)
        for process in compose_setup.PROCESSES:
            user = compose_setup.user_name(INSTANCE, process, prefix)
            (info,) = mongo.admin.command("usersInfo", user)["users"]
            assert info["roles"] == [{"role": "readWrite", "db": made[user]}]
            assert made[user].startswith("zjtx_hengyang_") or process == "gateway"
        assert len(set(made.values())) == len(compose_setup.PROCESSES)
    finally:
        for process in compose_setup.PROCESSES:
            mongo.admin.command("dropUser", compose_setup.user_name(INSTANCE, process, prefix))


def test_setup_refuses_to_run_without_the_secrets(tmp_path: Path) -> None:
    with pytest.raises(SystemExit, match="make compose-env"):
        compose_setup.run([INSTANCE], {"RABBIT_MANAGEMENT_URI": rabbit.MANAGEMENT})
