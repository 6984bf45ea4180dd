"""Run under eventlet: concurrent green pymongo operations, and a server-selection timeout
that must not stall the hub. Prints one JSON line of findings (read by the test)."""

from __future__ import annotations

import eventlet

eventlet.monkey_patch()

import json  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

from pymongo import MongoClient  # noqa: E402
from pymongo.errors import ServerSelectionTimeoutError  # noqa: E402

uri = sys.argv[1]
client: MongoClient = MongoClient(uri)
collection = client.zjtx_green_check.counters
collection.drop()


def upserts(worker: int) -> None:
    for n in range(50):
        collection.update_one({"_id": f"{worker}-{n}"}, {"$inc": {"hits": 1}}, upsert=True)


started = time.monotonic()
pool = eventlet.GreenPool(20)
for worker in range(20):
    pool.spawn(upserts, worker)
pool.waitall()
upsert_seconds = time.monotonic() - started

# While one green thread waits for an unreachable server, others must keep running.
ticks = 0


def ticker() -> None:
    global ticks
    while True:
        ticks += 1
        eventlet.sleep(0.05)


ticker_thread = eventlet.spawn(ticker)
dead = MongoClient("mongodb://127.0.0.1:1/", serverSelectionTimeoutMS=1000)
timed_out = False
waited_from = time.monotonic()
try:
    dead.admin.command("ping")
except ServerSelectionTimeoutError:
    timed_out = True
waited = time.monotonic() - waited_from
ticker_thread.kill()
print(json.dumps({"documents": collection.count_documents({}), "hits": sum(d["hits"] for d in collection.find()),
                  "upsert_seconds": upsert_seconds, "timed_out": timed_out, "waited": waited, "ticks": ticks}))
