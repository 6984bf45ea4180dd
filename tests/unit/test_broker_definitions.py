from __future__ import annotations

import json

from zjtx.broker_definitions import TARGET, definitions, render


def test_committed_definitions_match_the_code() -> None:
    assert TARGET.read_text() == render(), "run `python -m zjtx.broker_definitions` and commit the result"


def test_every_handler_queue_is_quorum_with_a_dead_letter_queue() -> None:
    queues = {q["name"]: q for q in definitions()["queues"]}
    handler_queues = [name for name in queues if not name.endswith(".dead-letter")]
    assert handler_queues
    for name in handler_queues:
        arguments = queues[name]["arguments"]
        assert arguments["x-queue-type"] == "quorum"
        assert arguments["x-dead-letter-exchange"] == "zjtx.dead-letter"
        assert f"{name}.dead-letter" in queues
    json.dumps(definitions())


def test_each_service_may_write_only_its_own_exchange_and_read_only_its_own_queues() -> None:
    import re

    document = definitions()
    services = {u["name"] for u in document["users"] if "zjtx-service" in u["tags"]}  # subscribers: below
    grants = {p["user"]: p for p in document["permissions"] if p["user"] in services}
    assert services == set(grants) == {
        "zjtx-registration", "zjtx-review", "zjtx-notification", "zjtx-reporting"}
    assert all(u["password_hash"] == "" for u in document["users"])  # no secret in the repository
    queues = [q["name"] for q in document["queues"]]
    for user, grant in grants.items():
        service = user.removeprefix("zjtx-")
        for exchange in (e["name"] for e in document["exchanges"]):
            writable = exchange in (f"{service}.events", "zjtx.dead-letter")  # see zjtx.broker_accounts
            assert bool(re.fullmatch(grant["write"], exchange)) == writable, (user, exchange)
        for queue in queues:
            own = f"--{service}." in queue
            assert bool(re.fullmatch(grant["read"], queue)) == own, (user, queue)
            assert bool(re.fullmatch(grant["write"], queue)) == own, (user, queue)
