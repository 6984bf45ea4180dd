"""The ceiling: the suite's submission path, hop for hop, with nothing but raw kombu and
raw pymongo on the same broker and database server.

    PYTHONPATH=services .venv/bin/python tests/bench/raw_limit.py [--count 2000] [--producers 4]

The suite's path for one application (counted from deploy/rabbitmq/definitions.json and
the services' outboxes):

    client -> registration: state + outbox written        (insert 1)
    registration publishes application.submitted          (publish 1, confirmed)
      -> review, notification, reporting consume it       (consume 3, insert 3)
         review publishes review.task_opened              (publish 2, confirmed)
           -> notification, registration, reporting       (consume 3, insert 3)

So per application the raw chain does 2 confirmed publishes, 6 consumes with acks and
7 inserts, through durable quorum queues (as the suite's handlers declare them), with
persistent messages of the size of a real ``application.submitted`` envelope. Each
"service" is its own OS process (``--role``), each queue consumed by its own
connection and thread with prefetch 10, as nameko's handlers are; ``--producers``
threads play the submitting clients plus registration. Every insert carries the wall
clock of the producer's start, so the same latencies as the surge's come out:
(a) start -> review's insert, (b) start -> notification's insert.

This is the ceiling for this design on this machine: no transaction, no index beyond
``_id``, no business rule, no second read.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import ROOT, broker_pid, cpu_delta, usages  # noqa: E402

EXCHANGES = ("bench.registration.events", "bench.review.events")
# role -> queues it consumes: (queue, exchange index, forwards to exchange index or None)
ROLES: dict[str, list[tuple[str, int, int | None]]] = {
    "review": [("bench-submitted--review", 0, 1)],
    "notification": [("bench-submitted--notification", 0, None), ("bench-task-opened--notification", 1, None)],
    "reporting": [("bench-submitted--reporting", 0, None), ("bench-task-opened--reporting", 1, None)],
    "registration": [("bench-task-opened--registration", 1, None)],
}
INSERTS_PER_APPLICATION = 1 + sum(len(queues) for queues in ROLES.values())
QUEUE_ARGUMENTS = {"x-queue-type": "quorum", "x-delivery-limit": 4}
DATABASE = "zjtx_bench_raw"
# The suite's setting (zjtx.mongo's MONGO_RETRY_WRITES), passed in by the caller: on the
# embedded server every retryable write scans its retry records of the last 30 minutes
# (0.43 ms fresh, 1.63 ms after 6,300 writes), so both sides must write alike.
RETRY_WRITES = True
# generous: on a shared machine one AMQP handshake can take many seconds (the suite's relay waits 20)
CONNECT_TIMEOUT = 30


def _exchange(index: int) -> Any:
    from kombu import Exchange

    return Exchange(EXCHANGES[index], type="topic", durable=True, delivery_mode=2)


def _queue(name: str, index: int) -> Any:
    from kombu import Queue

    return Queue(name, exchange=_exchange(index), routing_key="#", durable=True, queue_arguments=QUEUE_ARGUMENTS)


def declare(amqp_uri: str) -> None:
    from kombu import Connection

    with Connection(amqp_uri, connect_timeout=CONNECT_TIMEOUT) as connection:
        channel = connection.channel()
        for queues in ROLES.values():
            for name, index, _ in queues:
                _queue(name, index)(channel).declare()


def consume_queue(amqp_uri: str, mongo_uri: str, role: str, name: str, index: int, forward: int | None,
                  stop: threading.Event) -> None:
    from kombu import Connection, Consumer
    from pymongo import MongoClient

    collection = MongoClient(mongo_uri, retryWrites=RETRY_WRITES)[DATABASE][role]
    # publishing with confirms from inside a delivery callback needs a connection of its own
    # (the confirm is read by draining the connection the callback is running in)
    with Connection(amqp_uri, connect_timeout=CONNECT_TIMEOUT) as connection, \
            Connection(amqp_uri, transport_options={"confirm_publish": True},
                       connect_timeout=CONNECT_TIMEOUT) as publishing:
        producer = publishing.Producer() if forward is not None else None

        def on_message(body: Any, message: Any) -> None:
            data = json.loads(body) if isinstance(body, str | bytes) else body
            collection.insert_one({"app": data["app"], "queue": name, "started": data["started"],
                                   "done": time.time()})
            if producer is not None:
                producer.publish(json.dumps(data), exchange=_exchange(forward), routing_key="review.task_opened",
                                 content_type="application/json", delivery_mode=2)
            message.ack()

        channel = connection.channel()
        channel.basic_qos(0, 10, False)
        with Consumer(channel, queues=[_queue(name, index)], callbacks=[on_message], accept=["json"]):
            while not stop.is_set():
                try:
                    connection.drain_events(timeout=0.5)
                except TimeoutError:
                    pass


def run_role(role: str, amqp_uri: str, mongo_uri: str) -> None:
    """A consuming 'service' process: one thread and connection per queue, until stdin closes."""
    import kombu  # noqa: F401 - imported once here: kombu's lazy attributes race between threads
    import pymongo  # noqa: F401

    stop = threading.Event()

    def consume(name: str, index: int, forward: int | None) -> None:
        try:
            consume_queue(amqp_uri, mongo_uri, role, name, index, forward, stop)
        except Exception as error:  # a dead consumer must end the run, not stall it
            print(f"raw {role} consumer of {name} failed: {type(error).__name__}: {error}", file=sys.stderr, flush=True)
            os._exit(1)

    threads = [threading.Thread(target=consume, args=queue, daemon=True) for queue in ROLES[role]]
    for thread in threads:
        thread.start()
    print("ready", flush=True)
    sys.stdin.read()  # the parent closes stdin to stop us
    stop.set()
    for thread in threads:
        thread.join(5)


def run_producers(amqp_uri: str, mongo_uri: str, count: int, producers: int, payload_size: int) -> None:
    """The clients plus registration: insert the state, publish with a confirm."""
    import kombu  # noqa: F401 - imported once here: kombu's lazy attributes race between threads
    from kombu import Connection
    from pymongo import MongoClient

    collection = MongoClient(mongo_uri, retryWrites=RETRY_WRITES)[DATABASE]["registration_state"]
    filler = "申" * max(0, (payload_size - 120) // 3)  # 3 bytes each in UTF-8, like the Chinese text

    def produce(offset: int) -> None:
        with Connection(amqp_uri, transport_options={"confirm_publish": True},
                        connect_timeout=CONNECT_TIMEOUT) as connection:
            producer = connection.Producer()
            for app in range(offset, count, producers):
                started = time.time()
                collection.insert_one({"app": app, "started": started, "state": "submitted"})
                producer.publish(json.dumps({"app": app, "started": started, "data": filler}, ensure_ascii=False),
                                 exchange=_exchange(0), routing_key="application.submitted",
                                 content_type="application/json", delivery_mode=2)

    started = time.process_time()  # after the imports, as the roles' CPU is counted from "ready"
    threads = [threading.Thread(target=produce, args=(i,)) for i in range(producers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    print(f"cpu {time.process_time() - started:.6f}", flush=True)


def measure(amqp_uri: str, mongo_uri: str, count: int, producers: int = 4, payload_size: int = 2000,
            timeout: float = 600.0, retry_writes: bool = True, database_pid: int | None = None) -> dict[str, Any]:
    """Run the chain for ``count`` applications; returns rates and latencies, and the CPU seconds
    the chain cost (``cpu_seconds``: its processes from when they are ready, the database server
    when ``database_pid`` is given, the local broker, and this process's polling). ``retry_writes``:
    pymongo's retryWrites for every insert, as the suite's own setting."""
    from pymongo import MongoClient

    client: MongoClient = MongoClient(mongo_uri)
    client.drop_database(DATABASE)
    declare(amqp_uri)
    env = {**os.environ, "PYTHONPATH": str(ROOT / "services")}
    flag = ["--retry-writes", "1" if retry_writes else "0"]
    roles = {role: subprocess.Popen([sys.executable, __file__, "--role", role, "--amqp", amqp_uri, "--mongo", mongo_uri,
                                     *flag],
                                    stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env, text=True)
             for role in ROLES}
    try:
        for role, process in roles.items():
            assert process.stdout is not None
            if process.stdout.readline().strip() != "ready":
                raise RuntimeError(f"raw chain: the {role} consumer did not start")
        watched = {**{f"raw-{role}": process.pid for role, process in roles.items()},
                   **({"database": database_pid} if database_pid else {}),
                   **({"broker": broker} if (broker := broker_pid()) else {}), "harness": os.getpid()}
        before = usages(watched)
        started = time.monotonic()
        producer = subprocess.Popen([sys.executable, __file__, "--produce", str(count), "--producers", str(producers),
                                     "--payload", str(payload_size), "--amqp", amqp_uri, "--mongo", mongo_uri, *flag],
                                    env=env, stdout=subprocess.PIPE, text=True)
        expected = count * INSERTS_PER_APPLICATION
        db = client[DATABASE]
        while True:
            done = sum(db[name].estimated_document_count() for name in [*ROLES, "registration_state"])
            if done >= expected or time.monotonic() - started > timeout:
                break
            dead = [role for role, process in roles.items() if process.poll() is not None]
            if dead or (producer.poll() not in (None, 0)):
                raise RuntimeError(f"raw chain: {', '.join(dead) or 'the producer'} exited early")
            time.sleep(0.2)
        produced, _ = producer.communicate(timeout=60)
        after = usages(watched)
        pids = {f"raw-{role}": process.pid for role, process in roles.items()}
    finally:
        for process in roles.values():
            if process.stdin:
                process.stdin.close()
        for process in roles.values():
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                process.kill()
    spent = cpu_delta(before, after)
    producing = float(next((line.split()[1] for line in produced.splitlines() if line.startswith("cpu ")), 0.0))
    cpu_seconds = {"processes": producing + sum(v for k, v in spent.items() if k.startswith("raw-")),
                   **{k: v for k, v in spent.items() if not k.startswith("raw-")}}
    return {**summarise(client[DATABASE], count, done, pids), "retry_writes": retry_writes,
            "cpu_seconds": cpu_seconds}


def summarise(db: Any, count: int, done: int, pids: dict[str, int]) -> dict[str, Any]:
    states = list(db["registration_state"].find({}, {"started": 1}))
    first = min(s["started"] for s in states)
    accepted_last = max(s["started"] for s in states)
    review = [d["done"] - d["started"] for d in db["review"].find({}, {"done": 1, "started": 1})]
    inbox = [d["done"] - d["started"] for d in db["notification"].find({"queue": "bench-submitted--notification"},
                                                                        {"done": 1, "started": 1})]
    last = max(d["done"] for name in ROLES for d in db[name].find({}, {"done": 1}).sort("done", -1).limit(1))
    return {"applications": count, "inserts": done, "complete": done >= count * INSERTS_PER_APPLICATION,
            "accepted_per_s": len(states) / max(1e-9, accepted_last - first),
            "completed_per_s": count / max(1e-9, last - first),
            "to_review": review, "to_inbox": inbox, "seconds": last - first}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--role")
    parser.add_argument("--produce", type=int)
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--producers", type=int, default=4)
    parser.add_argument("--payload", type=int, default=2000)
    parser.add_argument("--amqp")
    parser.add_argument("--mongo")
    parser.add_argument("--retry-writes", default="1", help="1 or 0: pymongo's retryWrites, as the suite's")
    args = parser.parse_args()
    global RETRY_WRITES
    RETRY_WRITES = args.retry_writes != "0"
    if args.role:
        run_role(args.role, args.amqp, args.mongo)
        return
    if args.produce is not None:
        run_producers(args.amqp, args.mongo, args.produce, args.producers, args.payload)
        return
    # standalone: a throw-away vhost on the local broker and a fresh embedded database server
    import tempfile

    from common import spread

    from harness import rabbit
    from zjtx import embedded_mongo

    with rabbit.vhost() as vhost, tempfile.TemporaryDirectory(prefix="zjtx-raw-") as scratch:
        server = embedded_mongo.start(Path(scratch) / "data")
        try:
            result = measure(rabbit.amqp_uri(vhost), server.uri, args.count, args.producers, args.payload,
                             retry_writes=RETRY_WRITES, database_pid=server.process.pid)
        finally:
            server.stop()
    cpu = " ".join(f"{k} {v / args.count * 1000:,.1f}" for k, v in result["cpu_seconds"].items())
    print(f"raw chain, {args.count} applications, {args.producers} producers, {args.payload} B payload: "
          f"accepted {result['accepted_per_s']:,.0f}/s, completed {result['completed_per_s']:,.0f}/s; "
          f"start->review {spread(result['to_review'])} ms; start->inbox {spread(result['to_inbox'])} ms "
          f"(p50 / p95 / p99 / max); CPU ms per application: {cpu}")


if __name__ == "__main__":
    main()
