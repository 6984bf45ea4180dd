"""In-process workflow tests: each service's use cases run against the embedded
MongoDB-protocol server (over TCP, started once per session by ``mongo_server`` in
tests/conftest.py), with no broker and no service process.

A use case gets a real ``StoreHandle`` (``zjtx.mongo.StandaloneStore``): its state
changes and events commit in one transaction, and the events stay in the service's
``outbox`` collection (no relay runs), where the tests read them. Every test gets fresh
databases, so no test depends on another.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence

import pytest
from pymongo import IndexModel, MongoClient

from zjtx.mongo import StandaloneStore, StoreHandle

OpenStore = Callable[[str, Mapping[str, Sequence[IndexModel]]], StoreHandle]


@pytest.fixture
def open_store(mongo: MongoClient) -> Iterator[OpenStore]:
    """``open_store("review", review.storage.INDEXES)``: a handle on a fresh database for that service."""
    opened: list[str] = []

    def open_(service: str, indexes: Mapping[str, Sequence[IndexModel]]) -> StoreHandle:
        name = f"wf_{service}_{uuid.uuid4().hex[:10]}"
        opened.append(name)
        return StandaloneStore(mongo, name, service, indexes).handle()

    yield open_
    for name in opened:
        mongo.drop_database(name)
