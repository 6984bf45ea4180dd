"""Outside systems subscribing to review events (issue 20), on the real broker and suite:

- a subscriber account (zjtx.subscribers) binds its own queue to review.events and
  receives review.recognised from the real review service; it is refused when it
  publishes to review.events (or the default exchange), reads a service's queue, declares
  a queue outside ext.<system>.*, or binds to the dead-letter exchange (each refusal is
  printed: ``pytest -s``);
- the Node.js subscriber (examples/subscriber-node) signs in with that account, reads the
  AsyncAPI document from the gateway's /asyncapi.json, and validates the live message;
- a backfill replays the archived events from reporting into the system's own queue only,
  with their original ids.

Here, in review's folder, because causing a recognition needs review on a database of its
own (``ISOLATED``): the module adds a small programme of its own (a copy of Hunan 2020) and
recognises one application, so it shares the restart of the other isolated modules.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import amqp
import grpc
import jsonschema
import pytest
import requests
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7
from review_support import as_unit, open_task_of, publish_submitted, snapshot

from harness import rabbit
from harness.clients import call, org_body
from harness.files import pdf as pdf_bytes
from harness.wait import until
from kernel.uscc import make_uscc
from zjtx import subscribers
from zjtx.backfill import BACKFILL_HEADER
from zjtx.broker_definitions import handlers
from zjtx.config import REPO_ROOT
from zjtx.protos import ASYNCAPI, OUTPUT_ROOT, PACKAGE
from zjtx.up import GATEWAY, Suite
from zjtx_api import reporting_pb2
from zjtx_api import review_pb2 as pb
from zjtx_api.reporting_pb2_grpc import ReportingStub
from zjtx_api.review_pb2_grpc import ReviewStub

PROGRAMME = "test-subscriber-feed"
ISOLATED: dict[str, dict[str, Any]] = {}
EXTRA_PROGRAMMES = {PROGRAMME: (REPO_ROOT / "deploy" / "programmes" / "hunan-2020-little-giant.yaml")
                    .read_text(encoding="utf-8").replace("id: hunan-2020-little-giant", f"id: {PROGRAMME}", 1)}
CS = "unit-430100"
PROVINCE_ADMIN = as_unit("unit-430000", "admin", "admin-hunan")
NODE_PROJECT = REPO_ROOT / "examples" / "subscriber-node"
DOCUMENT = json.loads((OUTPUT_ROOT / PACKAGE / ASYNCAPI).read_text(encoding="utf-8"))

state: dict[str, Any] = {}


def connect(uri: str) -> amqp.Connection:
    parts = urlsplit(uri)
    connection = amqp.Connection(host=f"{parts.hostname}:{parts.port or 5672}", userid=unquote(parts.username or ""),
                                 password=unquote(parts.password or ""), virtual_host=unquote(parts.path[1:]) or "/",
                                 confirm_publish=True, connect_timeout=30)
    connection.connect()
    return connection


def env_of(amqp_uri: str) -> dict[str, str]:
    return {**os.environ, "AMQP_URI": amqp_uri, "RABBIT_MANAGEMENT_URI": rabbit.MANAGEMENT}


@pytest.fixture(scope="module")
def account(amqp_uri: str, review_api: ReviewStub) -> Iterator[dict[str, str]]:
    """A fresh subscriber, once the suite (with review on this module's database) runs: the
    services declare the events exchanges, which a subscriber may not."""
    system = f"t{uuid.uuid4().hex[:8]}"  # broker users are global: one per test run
    made = subscribers.create(system, env_of(amqp_uri))
    yield made
    subscribers.remove(system, env_of(amqp_uri))


def validate(body: dict[str, Any]) -> None:
    root = "urn:zjtx:asyncapi"
    registry = Registry().with_resource(root, Resource(contents=DOCUMENT, specification=DRAFT7))
    jsonschema.Draft7Validator({"$ref": f"{root}#/components/messages/{body['type']}/payload"},
                               registry=registry).validate(body)


def refused(action: Any, what: str) -> str:
    with pytest.raises(amqp.exceptions.AccessRefused) as error:
        action()
    print(f"refused ({what}): {error.value}")
    return str(error.value)


def test_the_account_binds_its_own_queue_and_is_refused_everything_else(account: dict[str, str]) -> None:
    prefix, user = account["queue_prefix"], account["user"]
    connection = connect(account["amqp_uri"])
    try:
        channel = connection.channel()
        channel.queue_declare(f"{prefix}live", durable=True, auto_delete=False)
        channel.queue_bind(f"{prefix}live", "review.events", "review.recognised")
        channel.queue_declare(f"{prefix}backfill", durable=True, auto_delete=False)  # no binding: backfill only
        service_queue = next(f"evt-{s}-{t}--{c}.{m}" for c, m, s, t in handlers() if c == "reporting")
        forged = json.dumps({"id": "forged", "type": "review.recognised", "source": "review"})
        attempts = [
            (lambda c: c.basic_publish(amqp.Message(forged), exchange="review.events", routing_key="review.recognised"),
             "publish to review.events", "exchange 'review.events'"),
            (lambda c: c.basic_publish(amqp.Message(forged), exchange="", routing_key=service_queue),
             "publish to a service's queue through the default exchange", "exchange 'amq.default'"),
            (lambda c: c.basic_get(service_queue), "read a service's queue", f"queue '{service_queue}'"),
            (lambda c: c.queue_declare("elsewhere.queue", durable=True, auto_delete=False),
             "declare a queue outside its prefix", "queue 'elsewhere.queue'"),
            (lambda c: c.queue_bind(f"{prefix}live", "zjtx.dead-letter", "#"), "bind to the dead-letter exchange",
             "exchange 'zjtx.dead-letter'"),
        ]
        for action, what, resource in attempts:
            # each refusal closes its channel: a fresh one per attempt
            message = refused(lambda action=action: action(connection.channel()), what)
            assert resource in message and user in message, message
    finally:
        connection.collect()


@pytest.fixture(scope="module")
def node_modules() -> Path:
    """The example's own dependencies, from its lock file (a few seconds the first time)."""
    if not shutil.which("npm"):
        pytest.fail("npm (Node.js 20) is required: the Node subscriber example is part of the tests")
    stamp = NODE_PROJECT / "node_modules" / ".zjtx-installed"
    if not stamp.exists() or stamp.stat().st_mtime < (NODE_PROJECT / "package-lock.json").stat().st_mtime:
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=NODE_PROJECT, check=True,
                       timeout=300)
        stamp.touch()
    return NODE_PROJECT / "node_modules"


def test_the_gateway_serves_the_committed_asyncapi_document(suite: Suite) -> None:
    answer = requests.get(f"{suite.endpoints[GATEWAY]}/asyncapi.json", timeout=15)
    assert answer.status_code == 200 and answer.headers["Content-Type"].startswith("application/json")
    assert answer.json() == DOCUMENT


def recognise_one(review_api: ReviewStub, amqp_uri: str, clock: Any) -> str:
    """One application of the module's programme through review to review.recognised."""
    clock("2020-05-10T10:00:00+08:00")
    snap = snapshot(PROGRAMME, name="长沙订阅示例科技有限公司", uscc=make_uscc("9", "1", "430104", org_body("T")),
                    region="430104", sections={"other": {"two_integration": True}})
    publish_submitted(amqp_uri, snap)
    task = open_task_of(review_api, snap.application_id)
    call(review_api.PassTask, pb.PassTaskRequest(task_id=task.id, opinion="材料真实完整，同意推荐"), metadata=as_unit(CS))
    done = review_api.UploadSummary(iter([pb.SummaryChunk(programme_id=PROGRAMME, unit_id=CS, filename="长沙.pdf",
                                                          data=pdf_bytes("Changsha subscribers"))]),
                                    timeout=15, metadata=as_unit(CS))
    assert list(done.finalised_application_ids) == [snap.application_id]
    clock("2020-05-20T10:00:00+08:00")
    call(review_api.Recognise, pb.RecogniseRequest(programme_id=PROGRAMME, application_ids=[snap.application_id]),
         metadata=PROVINCE_ADMIN)
    clock("2020-05-28T09:00:00+08:00")
    result = call(review_api.Publish, pb.PublishRequest(programme_id=PROGRAMME), metadata=PROVINCE_ADMIN)
    assert [r.application_id for r in result.recognised] == [snap.application_id]
    return snap.application_id


def test_node_and_python_subscribers_receive_review_recognised_live(
        account: dict[str, str], suite: Suite, review_api: ReviewStub, amqp_uri: str, clock: Any,
        node_modules: Path) -> None:
    node = subprocess.Popen(
        ["node", str(NODE_PROJECT / "consumer.js")], cwd=NODE_PROJECT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True, env={**os.environ, "AMQP_URL": account["amqp_uri"], "SYSTEM": account["system"],
                        "EVENTS": "review.recognised", "MAX_MESSAGES": "1",
                        "ASYNCAPI": f"{suite.endpoints[GATEWAY]}/asyncapi.json"})
    try:
        ready = json.loads(node.stdout.readline() or "{}")  # the queue is bound before anything is published
        assert ready.get("ready") and ready["queue"] == f"{account['queue_prefix']}node", node.stderr.read()
        application_id = recognise_one(review_api, amqp_uri, clock)
        out, err = node.communicate(timeout=60)
    finally:
        if node.poll() is None:
            node.kill()
    print(f"node subscriber ({ready['queue']}):\n{out}{err}")
    lines = [json.loads(line) for line in out.splitlines() if line.strip()]
    assert node.returncode == 0 and lines, err
    assert lines[0]["valid"] and lines[0]["type"] == "review.recognised" and lines[0]["subject"] == application_id
    assert lines[0]["data"]["recognised"] is True and re.fullmatch(r"00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}",
                                                                   lines[0]["traceparent"])

    connection = connect(account["amqp_uri"])  # the Python subscriber's queue, bound in the first test
    try:
        channel = connection.channel()
        message = until(lambda: channel.basic_get(f"{account['queue_prefix']}live", no_ack=True),
                        timeout=30, what="review.recognised in the subscriber's own queue")
    finally:
        connection.collect()
    body = json.loads(message.body)
    validate(body)
    assert (body["type"], body["subject"], body["id"]) == ("review.recognised", application_id, lines[0]["id"])
    assert message.properties["application_headers"]["traceparent"] == body["traceparent"]
    state.update(application_id=application_id, event_id=body["id"])


def test_a_backfill_replays_the_archive_into_the_systems_queue_only(
        account: dict[str, str], suite: Suite, amqp_uri: str, channels: dict[str, grpc.Channel], vhost: str) -> None:
    assert state, "needs the recognition of the test before"
    reporting = ReportingStub(channels["reporting"])

    def archived() -> list[reporting_pb2.ArchivedEvent]:
        return [e for e in reporting.ListArchivedEvents(reporting_pb2.ListArchivedEventsRequest(
            types=["review.recognised", "review.recommended"]), timeout=30)
            if json.loads(e.envelope_json)["subject"] == state["application_id"]]

    expected = until(lambda: len(archived()) == 2 and archived(), timeout=30, what="reporting archived both events")
    with pytest.raises(grpc.RpcError) as error:  # only the types reporting archives
        list(reporting.ListArchivedEvents(reporting_pb2.ListArchivedEventsRequest(types=["notification.failed"]),
                                          timeout=10))
    assert error.value.code() == grpc.StatusCode.INVALID_ARGUMENT and "可补发的类型" in error.value.details()

    queue, live = f"{account['queue_prefix']}backfill", f"{account['queue_prefix']}live"
    env = {**env_of(amqp_uri), "REPORTING_TARGET": suite.endpoints["reporting"], "PYTHONPATH": str(REPO_ROOT / "services"),
           "ZJTX_PKI_DIR": str(suite.pki_dir)}
    command = [sys.executable, "-m", "zjtx.subscribers", "backfill", account["system"], "--queue", queue,
               "--type", "review.recognised", "--type", "review.recommended"]
    wrong = subprocess.run([*command[:-6], "--queue", "elsewhere.queue", "--type", "review.recognised"], env=env,
                           capture_output=True, text=True, timeout=60)
    assert wrong.returncode == 1 and wrong.stderr.startswith("backfill refused: queue 'elsewhere.queue'"), wrong.stderr
    print(f"backfill into another queue: {wrong.stderr.strip()}")
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    print(f"backfill: {report}")

    connection = connect(account["amqp_uri"])
    try:
        channel = connection.channel()
        copies = []
        while (message := channel.basic_get(queue, no_ack=True)) is not None:
            copies.append(message)
        assert channel.basic_get(live, no_ack=True) is None  # nothing reached the live queue again
    finally:
        connection.collect()
    assert len(copies) == report["replayed"] >= 2
    bodies = [json.loads(m.body) for m in copies]
    mine = [b for b in bodies if b["subject"] == state["application_id"]]
    assert {b["id"] for b in mine} == {e.id for e in expected}
    assert state["event_id"] in {b["id"] for b in mine}  # the original id: the subscriber's dedup drops it
    for message, body in zip(copies, bodies, strict=True):
        assert message.properties["application_headers"][BACKFILL_HEADER] is True
        assert message.properties["message_id"] == body["id"]
    # this application's events against the contract (the session's archive also holds the hand-made
    # events other modules publish to test reporting, written before later payload fields existed)
    for body in mine:
        validate(body)
    times = [(b["time"], b["id"]) for b in bodies]
    assert [b["type"] for b in mine] == ["review.recommended", "review.recognised"] and times == sorted(times)
    assert rabbit.queue_depth(vhost, queue) == 0
