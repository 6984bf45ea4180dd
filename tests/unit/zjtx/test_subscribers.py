"""Subscriber accounts (zjtx.subscribers): what their permission patterns let through, and
that production's broker definitions carry the listed systems."""

from __future__ import annotations

import re

import pytest

from zjtx import subscribers
from zjtx.broker_definitions import definitions


def allowed(system: str, right: str, resource: str) -> bool:
    return re.fullmatch(subscribers.permissions(system)[right], resource) is not None


def test_a_subscriber_reads_and_binds_only_its_own_queues_and_publishes_nowhere() -> None:
    document = definitions()
    exchanges = [e["name"] for e in document["exchanges"]] + ["amq.default", "amq.topic"]
    service_queues = [q["name"] for q in document["queues"]]
    for exchange in exchanges:
        assert not allowed("credit", "write", exchange), exchange  # publish: nowhere
        assert not allowed("credit", "configure", exchange), exchange
        # bind: the services' events exchanges only (not upstream.events, where another instance's arrive)
        assert allowed("credit", "read", exchange) == (exchange.endswith(".events") and exchange != "upstream.events")
    for queue in service_queues + ["ext.credit", "ext.credit-x.a", "ext.other.a", "ext.credit."]:
        for right in ("configure", "write", "read"):
            assert not allowed("credit", right, queue), (right, queue)
    for right in ("configure", "write", "read"):
        assert allowed("credit", right, "ext.credit.recognitions")


def test_names_are_checked_with_a_message_saying_what_is_accepted() -> None:
    for bad in ("", "Credit", "a", "x" * 41, "credit.sys", "1credit", "信用"):
        with pytest.raises(subscribers.SubscriberError, match="lower-case letters"):
            subscribers.check_system(bad)
    with pytest.raises(subscribers.SubscriberError, match="ext.credit.<name>"):
        subscribers.check_queue("credit", "ext.finance.a")


def test_production_definitions_declare_the_listed_systems_without_passwords() -> None:
    document = definitions()
    systems = [entry["system"] for entry in subscribers.listed()]
    assert systems, "deploy/subscribers.yaml lists the known outside systems"
    users = {u["name"]: u for u in document["users"] if subscribers.USER_TAG in u["tags"]}
    assert set(users) == {f"zjtx-ext-{s}" for s in systems}
    assert all(u["password_hash"] == "" for u in users.values())
    grants = {p["user"]: p for p in document["permissions"]}
    for system in systems:
        assert {k: grants[f"zjtx-ext-{system}"][k] for k in ("configure", "write", "read")} == \
            subscribers.permissions(system)
