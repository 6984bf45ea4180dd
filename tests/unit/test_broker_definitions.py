from __future__ import annotations

import json

from zjtx.broker_definitions import definitions, files


def test_committed_definitions_match_the_code() -> None:
    for path, text in files().items():
        assert path.exists() and path.read_text() == text, f"{path}: run `python -m zjtx.broker_definitions` and commit"


def test_the_delivery_limit_is_a_policy_not_an_argument() -> None:
    for instance in ("hunan-province", "hengyang-city"):
        document = definitions(instance)
        assert [(p["name"], p["pattern"], p["definition"]) for p in document["policies"]] == [
            ("zjtx-delivery-limit", "^evt-", {"delivery-limit": 4})]
        assert all("x-delivery-limit" not in q["arguments"] for q in document["queues"])
        assert {p["vhost"] for p in document["policies"]} == {document["vhosts"][0]["name"]}


def test_the_city_declares_its_upward_queue_and_the_province_the_shovels_only_right() -> None:
    city, province = definitions("hengyang-city"), definitions("hunan-province")
    assert city["vhosts"] == [{"name": "zjtx-hengyang-city"}] and province["vhosts"] == [{"name": "zjtx-hunan-province"}]
    assert {"source": "review.events", "destination": "zjtx.upstream.hunan-province", "routing_key": "review.recognised"
            } in [{k: b[k] for k in ("source", "destination", "routing_key")} for b in city["bindings"]]
    grant = next(p for p in province["permissions"] if p["user"] == "zjtx-upstream")
    assert (grant["write"], grant["read"], grant["configure"]) == ("^upstream\\.events$", "^$", "^$")


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
        "zjtx-registration", "zjtx-review", "zjtx-notification", "zjtx-reporting", "zjtx-upstream"}
    assert all(u["password_hash"] == "" for u in document["users"])  # no secret in the repository
    queues = [q["name"] for q in document["queues"]]
    for user, grant in grants.items():
        if user == "zjtx-upstream":  # the shovel's: the test above
            continue
        service = user.removeprefix("zjtx-")
        for exchange in (e["name"] for e in document["exchanges"]):
            writable = exchange in (f"{service}.events", "zjtx.dead-letter")  # see zjtx.broker_accounts
            assert bool(re.fullmatch(grant["write"], exchange)) == writable, (user, exchange)
        for queue in queues:
            own = f"--{service}." in queue
            assert bool(re.fullmatch(grant["read"], queue)) == own, (user, queue)
            assert bool(re.fullmatch(grant["write"], queue)) == own, (user, queue)


def test_the_link_declares_the_queue_the_province_review_consumes() -> None:
    from zjtx import upstream

    assert upstream.RECEIVER_QUEUE in {q["name"] for q in definitions("hunan-province")["queues"]}
