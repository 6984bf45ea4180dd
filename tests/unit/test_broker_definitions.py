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
