"""The MongoDB-protocol server stopped and started again on the same port and data, mid-surge.

The database here is SecantusDB, the embedded MongoDB-protocol test server (real MongoDB
cannot be installed on these machines; see docs/stack.md). It is stopped with
SIGTERM, which it survives with every acknowledged write; SIGKILL would lose acknowledged
writes, a property of this test server that real MongoDB does not share, so it is not
what this test is about.

While it is away: Submit and PassTask answer UNAVAILABLE with a Chinese message asking
to retry (never INTERNAL), and the clients retry; event handlers that hit the outage keep
their message and retry in place without spending its delivery limit (nothing may be
dead-lettered); outbox relays back off. Transactions in flight either commit or leave
nothing: no application submitted without its event and snapshot, no review task without
its application record, no decision without its event. Nothing lost or doubled.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import grpc

from harness.clients import channel as signed_channel
from reliability.faults import Surge, conclude, management_queue_names
from reliability.rig import SURGE_N, Rig
from zjtx_api import registration_pb2 as reg
from zjtx_api.registration_pb2_grpc import RegistrationStub

DOWN_SECONDS = 8.0


def probe_submit(target: str, answers: list[grpc.RpcError | str]) -> None:
    """What an enterprise pressing 提交 sees while the database is away."""
    with signed_channel(target) as channel:
        try:
            RegistrationStub(channel).Submit(reg.SubmitRequest(application_id="probe-during-outage"), timeout=30)
            answers.append("answered OK while the database was down")
        except grpc.RpcError as error:
            answers.append(error)


def waits_logged(log_dir: Path) -> dict[str, int]:
    """Per service, how often a handler waited out the outage in place (zjtx.events' warning)."""
    return {path.stem: text.count("infrastructure unavailable")
            for path in sorted(log_dir.glob("*.log"))
            if (text := path.read_text(encoding="utf-8", errors="replace")).count("infrastructure unavailable")}


def test_database_restart_mid_surge_keeps_every_write_whole(rig: Rig) -> None:
    surge = Surge.prepare(rig, SURGE_N)
    surge.start()
    # early in the surge: the database must go away while most of it is still to come
    surge.wait_under_way(submitted=2, decided=1)
    accepted_before, decided_before = surge.accepted_count(), surge.decided_count()

    stopping = time.monotonic()
    rig.db_server.stop()  # SIGTERM: SecantusDB flushes and exits
    stopped = time.monotonic()
    answers: list[grpc.RpcError | str] = []
    probe = threading.Thread(target=probe_submit, args=(rig.targets["registration"], answers))
    probe.start()
    time.sleep(DOWN_SECONDS)
    probe.join(timeout=30)
    accepted_down = surge.accepted_count() - accepted_before
    rig.db_server.start()  # same port, same data
    back = time.monotonic()

    assert answers and isinstance(answers[0], grpc.RpcError), f"Submit during the outage: {answers}"
    assert answers[0].code() == grpc.StatusCode.UNAVAILABLE, f"{answers[0].code()}: {answers[0].details()}"
    assert "请稍后重试" in (answers[0].details() or ""), answers[0].details()

    recovery, total = surge.recover(since=back)
    waits = waits_logged(rig.log_dir)
    conclude(rig, "database-restart", surge, recovery, total, management_queue_names(rig),
             note=(f"SecantusDB (the MongoDB-protocol test server) stopped with SIGTERM ({stopped - stopping:.1f} s to "
                   f"exit), down {back - stopped:.1f} s, restarted on the same port and data; "
                   f"{len(surge.second) - accepted_before} submissions and {len(surge.first) - decided_before} "
                   f"decisions still to come when it stopped, {accepted_down} answered meanwhile; Submit during the "
                   f"outage answered {answers[0].code().name}; handlers waited in place {sum(waits.values())} times "
                   f"({', '.join(f'{k} {v}' for k, v in waits.items()) or 'none'}); recovery counted from the restart"))
