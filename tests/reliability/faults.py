"""The surge every infrastructure-fault test runs, and what each one checks at the end.

Shape of a fault test (broker restart, service killed, database restart):

1. ``Surge.prepare``: complete drafts for ``n`` enterprises; the first half is submitted
   and its level-1 review tasks opened before any fault (so there are decisions to take);
2. ``Surge.start``: in background threads the second half is submitted while the city
   reviewers pass the first half: submissions and decisions are under way together;
3. the test injects its fault mid-surge (``Surge.wait_under_way`` says when) and ends it;
4. ``Surge.recover``: seconds from the fault's end until every effect of everything the
   clients had been told was accepted by then has arrived at every consumer and every
   outbox is drained (the recovery time), then the rest of the surge finishes;
5. ``conclude``: per consumer sent / arrived / lost / doubled (both must be zero), the
   consistency of each service's records (no application submitted without its event, no
   review task without its application...), no dead letters; one ``RELIABILITY`` line
   per test for the closing summary.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from urllib.parse import quote

import requests
from kombu import Connection
from pymongo import MongoClient

from harness.surge import (
    Decision,
    Draft,
    Submission,
    Tally,
    backlog,
    open_task_ids,
    pass_all,
    prepare_drafts,
    submit_all,
    tally_decisions,
    tally_submissions,
)
from reliability.rig import Rig, seconds_until


def budget_for(n: int) -> float:
    """How long one wait may take for a surge of ``n`` (4 min at the default size; more for make soak)."""
    return max(240.0, 2.0 * n)


def complete(tallies: Sequence[Tally]) -> bool:
    return all(t.lost == 0 for t in tallies)


@dataclass
class Surge:
    rig: Rig
    drafts: list[Draft]
    first: list[Draft]                     # submitted before the fault; decided during it
    second: list[Draft]                    # submitted during the fault
    task_ids: dict[str, str]
    submissions: list[Submission] = field(default_factory=list)
    decisions: list[Decision] = field(default_factory=list)
    accepted_during: list[Submission] = field(default_factory=list)
    threads: list[threading.Thread] = field(default_factory=list)
    budget: float = 240.0                  # seconds any one wait may take (grows with the surge)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @classmethod
    def prepare(cls, rig: Rig, n: int) -> Surge:
        give_up_after = budget_for(n)
        registration, review = rig.targets["registration"], rig.targets["review"]
        drafts = prepare_drafts(registration, n)
        first, second = drafts[: n // 2], drafts[n // 2:]
        submitted = submit_all(registration, first, give_up_after=give_up_after)
        refused = [s for s in submitted if s.accepted is None]
        assert not refused, f"before any fault, {len(refused)} submissions failed: {refused[0].error}"
        found: dict[str, str] = {}

        def all_opened() -> bool:
            found.update(open_task_ids(review, first))
            return len(found) == len(first)

        seconds_until(all_opened, give_up_after, f"level-1 tasks for the first {len(first)} submissions")
        return cls(rig, drafts, first, second, found, submissions=list(submitted), budget=give_up_after)

    def start(self, *, clients: int = 4) -> None:
        give_up_after = self.budget
        registration, review = self.rig.targets["registration"], self.rig.targets["review"]

        def accepted(submission: Submission) -> None:
            with self._lock:
                self.accepted_during.append(submission)

        def submit() -> None:
            self.submissions.extend(submit_all(registration, self.second, clients=clients,
                                               give_up_after=give_up_after, on_accepted=accepted))

        def decide() -> None:
            self.decisions.extend(pass_all(review, self.first, self.task_ids, clients=clients,
                                           give_up_after=give_up_after))

        self.threads = [threading.Thread(target=submit, name="surge-submit", daemon=True),
                        threading.Thread(target=decide, name="surge-decide", daemon=True)]
        for thread in self.threads:
            thread.start()

    def accepted_count(self) -> int:
        with self._lock:
            return len(self.accepted_during)

    def decided_count(self) -> int:
        """Decisions already taken, as review's own records say (the client threads report at the end)."""
        return self.rig.mongo.zjtx_review.tasks.count_documents(
            {"_id": {"$in": list(self.task_ids.values())}, "status": {"$ne": "open"}})

    def wait_under_way(self, submitted: int = 5, decided: int = 3, timeout: float = 120.0) -> None:
        """Until the surge is visibly in progress (some accepted, some decided), still unfinished."""
        seconds_until(lambda: self.accepted_count() >= min(submitted, len(self.second))
                      and self.decided_count() >= min(decided, len(self.first)),
                      timeout, "surge under way")

    def running(self) -> bool:
        return any(thread.is_alive() for thread in self.threads)

    def join(self, timeout: float | None = None) -> None:
        timeout = timeout or self.budget + 60
        deadline = time.monotonic() + timeout
        for thread in self.threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        assert not self.running(), f"the surge's clients had not finished after {timeout:.0f}s"

    def tallies(self, submissions: Sequence[Submission], decisions: Sequence[Decision]) -> list[Tally]:
        return tally_submissions(self.rig.mongo, submissions) + tally_decisions(self.rig.mongo, decisions)

    def recover(self, since: float | None = None) -> tuple[float, float]:
        """(recovery seconds, seconds until the whole surge was done), both from the fault's
        end: ``since`` (a ``time.monotonic()`` reading) or now.

        Recovery: every effect of what had been accepted by then (the submissions the clients
        had an answer for, the decisions review had recorded) arrived, and no outbox holds
        anything unpublished."""
        timeout = self.budget
        started = time.monotonic() if since is None else since
        with self._lock:
            accepted = list(self.submissions) + list(self.accepted_during)
        decided_ids = {task["_id"] for task in self.rig.mongo.zjtx_review.tasks.find(
            {"_id": {"$in": list(self.task_ids.values())}, "status": "passed"}, {"_id": 1})}
        by_task = {task_id: app_id for app_id, task_id in self.task_ids.items()}
        drafts = {d.application_id: d for d in self.first}
        decided = [Decision(drafts[by_task[t]], t, started=0.0, decided=0.0) for t in decided_ids]
        seconds_until(lambda: complete(self.tallies(accepted, decided)) and backlog(self.rig.mongo) == 0,
                      timeout, "recovery (every effect of what was accepted before the fault ended, outboxes drained)")
        recovery = time.monotonic() - started
        self.join(timeout)
        seconds_until(lambda: complete(self.tallies(self.submissions, self.decisions)) and backlog(self.rig.mongo) == 0,
                      timeout, "the whole surge's effects")
        return recovery, time.monotonic() - started


# -- checks ------------------------------------------------------------------------------


def consistency_problems(mongo: MongoClient, application_ids: Sequence[str]) -> list[str]:
    """Records that only make sense together, each checked both ways: a transaction cut by
    the fault would leave one without the other."""
    problems: list[str] = []
    ids = {"$in": list(application_ids)}
    registration, review = mongo.zjtx_registration, mongo.zjtx_review

    def count(collection: object, query: dict[str, object], key: str) -> dict[str, int]:
        counts: dict[str, int] = {}
        for document in collection.find(query, {key: 1}):  # type: ignore[attr-defined]
            counts[document[key]] = counts.get(document[key], 0) + 1
        return counts

    submitted = {a["_id"] for a in registration.applications.find({"_id": ids, "status": {"$ne": "draft"}}, {"_id": 1})}
    events = count(registration.outbox, {"type": "application.submitted", "subject": ids}, "subject")
    snapshots = count(registration.snapshots, {"application_id": ids}, "application_id")
    for app in sorted(submitted):
        if events.get(app, 0) != 1:
            problems.append(f"registration: submitted application {app} has {events.get(app, 0)} submitted events")
        if snapshots.get(app, 0) != 1:
            problems.append(f"registration: submitted application {app} has {snapshots.get(app, 0)} snapshots")
    for app in sorted(set(events) - submitted):
        problems.append(f"registration: application.submitted event for {app}, which is not submitted")
    for app in sorted(set(snapshots) - submitted):
        problems.append(f"registration: snapshot of {app}, which is not submitted")

    in_review = {a["_id"] for a in review.applications.find({"_id": ids}, {"_id": 1})}
    tasks = list(review.tasks.find({"application_id": ids}, {"application_id": 1, "level": 1, "status": 1}))
    level1 = count(review.tasks, {"application_id": ids, "level": 1}, "application_id")
    for task in tasks:
        if task["application_id"] not in in_review:
            problems.append(f"review: task {task['_id']} without its application record {task['application_id']}")
    for app in sorted(in_review):
        if level1.get(app, 0) != 1:
            problems.append(f"review: application {app} has {level1.get(app, 0)} level-1 tasks")
        if app not in submitted:
            problems.append(f"review: application {app} in review but not submitted at registration")
    passed = {t["application_id"] for t in tasks if t["level"] == 1 and t["status"] == "passed"}
    passed_events = count(review.outbox, {"type": "review.passed", "subject": ids}, "subject")
    for app in sorted(passed | set(passed_events)):
        if app not in passed or passed_events.get(app, 0) != 1:
            problems.append(f"review: {app} passed={app in passed} with {passed_events.get(app, 0)} review.passed events")
    return problems


def dead_letters(amqp_uri: str, queue_names: Sequence[str]) -> dict[str, int]:
    """Messages waiting in each dead-letter queue (passive declares over AMQP)."""
    found: dict[str, int] = {}
    with Connection(amqp_uri, connect_timeout=10) as connection:
        for name in queue_names:
            if name.endswith(".dead-letter"):
                _, count, _ = connection.channel().queue_declare(name, passive=True)
                found[name] = int(count)
    return found


def management_queue_names(rig: Rig) -> list[str]:
    assert rig.management, "this rig has no management API; list the queues another way"
    response = requests.get(f"{rig.management}/api/queues/{quote(rig.vhost, safe='')}", timeout=30)
    response.raise_for_status()
    return [q["name"] for q in response.json()]


def conclude(rig: Rig, name: str, surge: Surge, recovery: float, total: float, queue_names: Sequence[str],
             note: str = "") -> None:
    """Report and assert: nothing lost, nothing doubled, records consistent, no dead letters."""
    refused = [s for s in surge.submissions if s.accepted is None]
    undecided = [d for d in surge.decisions if d.decided is None]
    submissions = tally_submissions(rig.mongo, surge.submissions)
    decisions = tally_decisions(rig.mongo, surge.decisions)
    problems = consistency_problems(rig.mongo, [d.application_id for d in surge.drafts])
    dead = {q: n for q, n in dead_letters(rig.amqp_uri, queue_names).items() if n}

    def headline(what: str, tallies: Sequence[Tally], sent: int) -> str:
        # arrived: at the consumer that got the fewest; lost/doubled: summed over consumers
        return (f"{what} sent {sent} arrived {min(t.arrived for t in tallies)} lost {sum(t.lost for t in tallies)} "
                f"doubled {sum(t.doubled for t in tallies)}")

    rig.report(f"RELIABILITY {name}: {headline('submissions', submissions, len(surge.submissions))}; "
               f"{headline('decisions', decisions, len(surge.decisions))}; recovery {recovery:.1f} s "
               f"(whole surge done {total:.1f} s after the fault){'; ' + note if note else ''}")
    for tally in submissions + decisions:
        rig.report(f"RELIABILITY {name}:   {tally.line()}{' ' + ', '.join(tally.details) if tally.details else ''}")
    rig.report(f"RELIABILITY {name}:   client attempts: submissions {sum(s.attempts for s in surge.submissions)} "
               f"for {len(surge.submissions)}, decisions {sum(d.attempts for d in surge.decisions)} "
               f"for {len(surge.decisions)}; consistency problems {len(problems)}; dead letters {sum(dead.values())}")

    assert not refused, f"{len(refused)} submissions never accepted; first: {refused[0].error}"
    assert not undecided, f"{len(undecided)} decisions never taken; first: {undecided[0].error}"
    assert len(surge.submissions) == len(surge.drafts) and len(surge.decisions) == len(surge.first)
    for tally in submissions + decisions:
        assert tally.lost == 0 and tally.doubled == 0, f"{tally.line()}: {tally.details}"
    assert not problems, "\n".join(problems[:20])
    assert not dead, f"dead-lettered: {dead}"
