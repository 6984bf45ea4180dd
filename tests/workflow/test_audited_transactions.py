"""Audited transactions of one process queue for the audit chain's head (``Store.transact(...,
audited=True)``): every one writes the chain's next entry, so run at once they conflicted in the
database and the losers were retried whole (issue 16: a reviewer's decision took two attempts
on average in a surge of decisions, and the database's work per decision fell by two fifths
once they queued). Without the flag they still conflict, and are retried, as before."""

from __future__ import annotations

import threading
import time
from typing import Any

from zjtx import audit
from zjtx.mongo import StoreHandle, UnitOfWork

WRITERS, EACH = 4, 3


def run_at_once(store: StoreHandle, audited: bool) -> dict[str, int]:
    """WRITERS threads, each EACH transactions that append to the trail and then take a while
    (as a decision's further writes do): how many attempts each transaction took."""
    attempts: dict[str, int] = {}
    errors: list[BaseException] = []
    lock = threading.Lock()

    def work(name: str) -> Any:
        def attempt(unit: UnitOfWork) -> None:
            with lock:
                attempts[name] = attempts.get(name, 0) + 1
            audit.record(unit, audit.Entry(action="test.decided", target=name, subject="tester", role="reviewer"))
            unit.update_later("tasks", {"_id": name}, {"$set": {"decided": True}}, upsert=True)
            time.sleep(0.05)  # the rest of the decision: the window in which another one would conflict
        return attempt

    def writer(k: int) -> None:
        try:
            for i in range(EACH):
                store.transact(work(f"task-{k}-{i}"), audited=audited)
        except BaseException as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=writer, args=(k,)) for k in range(WRITERS)]
    [t.start() for t in threads]
    [t.join(120) for t in threads]
    assert not errors, errors
    return attempts


def test_audited_transactions_of_one_process_run_once_each_and_keep_one_chain(open_store: Any) -> None:
    store = open_store("review", {})
    attempts = run_at_once(store, audited=True)
    assert len(attempts) == WRITERS * EACH and set(attempts.values()) == {1}, attempts
    trail = audit.AuditTrail(store.db, "review")
    result = trail.verify()
    assert result.intact and result.count == WRITERS * EACH, result.describe()
    assert store.db.tasks.count_documents({"decided": True}) == WRITERS * EACH


def test_without_the_flag_they_conflict_and_are_retried_and_the_chain_still_holds(open_store: Any) -> None:
    """What the flag spares (and the proof that the test above can fail): the same transactions
    unqueued take more attempts than there are transactions; the chain is whole either way."""
    store = open_store("review", {})
    attempts = run_at_once(store, audited=False)
    assert sum(attempts.values()) > WRITERS * EACH, attempts
    result = audit.AuditTrail(store.db, "review").verify()
    assert result.intact and result.count == WRITERS * EACH, result.describe()
