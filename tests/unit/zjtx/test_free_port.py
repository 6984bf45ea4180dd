"""``embedded_mongo.free_port`` never hands out a port twice in one process: a test suite takes
its services' ports before any of them binds, and the kernel may offer the same free port again
(seen: registration and notification both given 35775, both bound with SO_REUSEPORT)."""

from __future__ import annotations

from typing import Any

import pytest

from zjtx import embedded_mongo


class Probe:
    """A socket whose port, once bound to port 0, comes from a list (the kernel's offers)."""

    offers: list[int] = []

    def __init__(self, *args: Any) -> None:
        self.port = 0

    def __enter__(self) -> Probe:
        return self

    def __exit__(self, *exc: Any) -> None:
        pass

    def bind(self, address: tuple[str, int]) -> None:
        self.port = Probe.offers.pop(0)

    def getsockname(self) -> tuple[str, int]:
        return ("127.0.0.1", self.port)


def test_a_port_offered_again_is_not_handed_out_again(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(embedded_mongo.socket, "socket", Probe)
    monkeypatch.setattr(embedded_mongo, "_HANDED_OUT", set())
    Probe.offers = [41001, 41001, 41001, 41002]
    assert [embedded_mongo.free_port(), embedded_mongo.free_port()] == [41001, 41002]


def test_ports_taken_one_after_another_are_all_different() -> None:
    ports = [embedded_mongo.free_port() for _ in range(50)]
    assert len(set(ports)) == len(ports)
