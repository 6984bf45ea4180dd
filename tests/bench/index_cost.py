"""What the database server charges a write for each secondary index of its collection.

    PYTHONPATH=services .venv/bin/python tests/bench/index_cost.py [--documents 1500]

On one fresh embedded server (SecantusDB, as the suite's), for collections with 0, 1, 3 and
5 secondary indexes (two keys each) and then 0 again (the server's own drift with age): single-
document inserts of documents shaped like a delivery or an outbox entry (a few short fields and
300 bytes), then one ``$set`` of two fields on each. Prints the server's CPU (utime + stime)
per document for each. Without retryable writes, as the services write. Left out: the client's
CPU, transactions, bulk writes (the per-document index work is the same inside them), and real
MongoDB (which rewrites only the index entries whose keys changed).

Why: an insert or update on SecantusDB reads every index definition of the collection and
rewrites every entry of the document (issue 16): the number of indexes of a collection the
suite writes per application is a cost of each of those writes.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import common
from pymongo import ASCENDING, MongoClient

from zjtx import embedded_mongo


def measure(documents: int, index_counts: tuple[int, ...] = (0, 1, 3, 5, 0)) -> list[tuple[int, float, float]]:
    """(secondary indexes, insert ms, update ms) of server CPU per document, in that order."""
    results = []
    with tempfile.TemporaryDirectory(prefix="zjtx-index-cost-") as scratch:
        server = embedded_mongo.start(Path(scratch) / "data")
        try:
            client = MongoClient(server.uri, retryWrites=False)
            for run, indexes in enumerate(index_counts):
                collection = client.bench[f"indexes_{indexes}_{run}"]
                for i in range(indexes):
                    collection.create_index([(f"f{i}", ASCENDING), ("g", ASCENDING)])
                started = common.usage(server.process.pid).cpu_seconds
                for j in range(documents):
                    collection.insert_one({"_id": j, **{f"f{i}": f"v{j % 50}" for i in range(6)}, "g": j,
                                           "state": "new", "pad": "x" * 300})
                inserted = common.usage(server.process.pid).cpu_seconds
                for j in range(documents):
                    collection.update_one({"_id": j}, {"$set": {"state": "claimed", "at": j}})
                updated = common.usage(server.process.pid).cpu_seconds
                results.append((indexes, 1000 * (inserted - started) / documents,
                                1000 * (updated - inserted) / documents))
            client.close()
        finally:
            server.stop()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=1500)
    args = parser.parse_args()
    print(f"{'secondary indexes':>18} {'insert ms':>10} {'update ms':>10}   (server CPU per document)")
    for indexes, insert_ms, update_ms in measure(args.documents):
        print(f"{indexes:>18} {insert_ms:>10.3f} {update_ms:>10.3f}")


if __name__ == "__main__":
    main()
