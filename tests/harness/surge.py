"""A deadline surge through the real gRPC APIs, and the count of what arrived.

Used by the reliability tests and the benchmarks:

- ``prepare_drafts``: enterprises register and fill complete Hunan 2020 applications
  (every section, every required attachment, the pledge) through registration's API,
  several clients at once, without submitting them: the state of a province the evening
  before the window closes;
- ``submit_all``: the surge itself, every draft submitted by several clients at once;
  transient gRPC errors (a service restarting, the database away) are retried, which is
  safe because Submit answers a repeated call with the first result;
- ``open_task_ids`` / ``pass_all``: the city reviewers pass what arrived, level 1;
- ``tally_submissions`` / ``tally_decisions``: per consumer, what was sent, what arrived,
  what was lost and what was doubled, read from each service's own database.

Times are wall-clock seconds (``time.time()``) so that they compare with the wall-clock
stamps the services keep (outbox ``created_at``, inbox ``processed_events.applied_at``).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import grpc
from google.protobuf import struct_pb2
from pymongo import MongoClient

from harness.clients import channel as signed_channel
from harness.files import PNG, pdf
from harness.wait import until
from kernel.uscc import make_uscc
from zjtx.grpc_support import Caller
from zjtx_api import registration_pb2 as reg
from zjtx_api import review_pb2 as rev
from zjtx_api.registration_pb2_grpc import RegistrationStub
from zjtx_api.review_pb2_grpc import ReviewStub

PROGRAMME = "hunan-2020-little-giant"
# The last evening of the Hunan 2020 window (it closes 2020-05-15 23:59:59 Beijing time).
SURGE_CLOCK = "2020-05-15T20:00:00+08:00 running"
DEADLINE = 20.0

# District codes (never a 省直管县) of each Hunan 市州: level 1 is the city's own unit.
REGIONS = ("430102", "430202", "430302", "430405", "430502", "430602", "430702", "430802",
           "430902", "431002", "431102", "431202", "431302", "433101")
USCC_LETTERS = "ABCDEFGHJKLMNPQRTUWXY"  # the USCC alphabet's letters, for a tag in the body

SECTIONS: dict[str, dict[str, Any]] = {
    "basic": {"legal_representative": "周建华", "established_on": "2011-03-08", "registered_capital": 3000,
              "registration_type": "private", "industry": "C34", "main_product": "工业齿轮箱",
              "focus_category": "industrial_foundation", "employees": 210, "address": "湖南省长沙市芙蓉区八一路1号",
              "contact_name": "周敏", "contact_phone": "0731-8899001"},
    "economic": {"main_revenue_2017": 9000, "main_revenue_2018": 10500, "main_revenue_2019": 12800,
                 "operating_revenue_2019": 13000, "net_profit_2017": 500, "net_profit_2018": 640,
                 "net_profit_2019": 820, "tax_paid_2019": 410, "total_assets_2019": 16000, "debt_ratio_2019": 38.2},
    "specialisation": {"years_in_segment": 9, "main_product_revenue_2019": 11000, "main_product_share": 85.9,
                       "market_share": 6.4, "supplies_large_enterprises": True},
    "innovation": {"rnd_expense_2019": 700, "rnd_expense_ratio_2019": 5.5, "rnd_staff": 36, "invention_patents": 4,
                   "rnd_institution": "municipal", "high_tech_enterprise": True},
    "other": {"cloud_platform": True, "two_integration": False, "epidemic_supplies": False},
}
ATTACHMENTS = {"authenticity_pledge": 1, "financial_statements": 3, "business_licence": 1, "supporting_evidence": 1,
               "development_report": 1, "photos": 1}
# Worth retrying: the peer or its database is away for a moment, or a write conflicted.
TRANSIENT = {grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED, grpc.StatusCode.INTERNAL,
             grpc.StatusCode.UNKNOWN, grpc.StatusCode.ABORTED, grpc.StatusCode.RESOURCE_EXHAUSTED}


@dataclass(frozen=True)
class Draft:
    enterprise_id: str
    application_id: str
    region_code: str
    unit_id: str  # the level-1 review unit (the city's)


@dataclass
class Submission:
    draft: Draft
    started: float                 # wall clock when the enterprise first pressed 提交
    accepted: float | None = None  # wall clock when registration's answer arrived
    attempts: int = 0
    error: str | None = None       # the last error when it was never accepted


@dataclass
class Decision:
    draft: Draft
    task_id: str
    started: float
    decided: float | None = None
    attempts: int = 0
    error: str | None = None


@dataclass
class Tally:
    what: str
    sent: int
    arrived: int
    lost: int
    doubled: int
    details: list[str] = field(default_factory=list)

    def line(self) -> str:
        return f"{self.what}: sent {self.sent} arrived {self.arrived} lost {self.lost} doubled {self.doubled}"


def unit_of(region_code: str) -> str:
    return f"unit-{region_code[:4]}00"


def reviewer_metadata(unit_id: str) -> tuple[tuple[str, str], ...]:
    return (Caller(subject=f"reviewer-{unit_id}", role="reviewer", unit=unit_id).metadata(),)


def _struct(data: dict[str, Any]) -> struct_pb2.Struct:
    message = struct_pb2.Struct()
    message.update(data)
    return message


def _retrying(action: Callable[[], Any], give_up_after: float) -> tuple[Any, int, str | None]:
    """(result or None, attempts, last error) — transient errors retried with back-off."""
    deadline = time.monotonic() + give_up_after
    attempts, delay = 0, 0.2
    while True:
        attempts += 1
        try:
            return action(), attempts, None
        except grpc.RpcError as error:
            message = f"{error.code().name}: {error.details()}"
            if error.code() not in TRANSIENT or time.monotonic() + delay > deadline:
                return None, attempts, message
        time.sleep(delay)
        delay = min(2.0, delay * 2)


def _in_parallel(work: Callable[[Any], Any], items: Iterable[Any], clients: int) -> list[Any]:
    with ThreadPoolExecutor(max_workers=max(1, clients)) as pool:
        return list(pool.map(work, items))


def prepare_drafts(registration_target: str, count: int, *, clients: int = 4, tag: str = "A",
                   give_up_after: float = 120.0, regions: Sequence[str] = REGIONS) -> list[Draft]:
    """``count`` complete, unsubmitted applications; ``tag`` (one USCC letter) keeps the
    enterprises of different batches on one server apart; ``regions`` (district codes) are
    used in turn (a 省直管县's code routes to its own unit, which ``Draft.unit_id`` does not know)."""
    assert len(tag) == 1 and tag in USCC_LETTERS, f"tag must be one of {USCC_LETTERS}"
    channel = signed_channel(registration_target)
    stub = RegistrationStub(channel)

    def retried(method: Any, request: Any) -> Any:
        result, _, error = _retrying(lambda: method(request, timeout=DEADLINE), give_up_after)
        if error:
            raise RuntimeError(f"preparing drafts: {method} failed: {error}")
        return result

    def one(index: int) -> Draft:
        region = regions[index % len(regions)]
        uscc = make_uscc("9", "1", f"{region[:4]}00", f"{tag}{index:07d}")
        try:
            enterprise = retried(stub.RegisterEnterprise, reg.RegisterEnterpriseRequest(
                uscc=uscc, name=f"湖南省{tag}{index:05d}号精密制造有限公司", region_code=region,
                industry="通用设备制造业",
                contact=reg.Contact(person="周敏", mobile="13807340001", email=f"e{tag}{index}@example.cn")))
        except RuntimeError as error:
            if "ALREADY_EXISTS" not in str(error):
                raise
            raise RuntimeError(f"enterprise {uscc} exists already: use another tag for a second batch") from None
        draft = retried(stub.CreateApplication, reg.CreateApplicationRequest(
            enterprise_id=enterprise.id, programme_id=PROGRAMME))
        for section, data in SECTIONS.items():
            retried(stub.SaveSection, reg.SaveSectionRequest(application_id=draft.id, section_id=section,
                                                              data=_struct(data)))
        for kind, files in ATTACHMENTS.items():
            for number in range(files):
                content = PNG + kind.encode() if kind == "photos" else pdf(f"{kind} {number} {enterprise.id}")
                name = f"{kind}-{number}.{'png' if kind == 'photos' else 'pdf'}"
                retried(stub.UploadAttachment, iter([
                    reg.AttachmentChunk(header=reg.AttachmentHeader(application_id=draft.id, kind=kind,
                                                                    filename=name)),
                    reg.AttachmentChunk(data=content)]))
        retried(stub.SignPledge, reg.SignPledgeRequest(application_id=draft.id, signer_name="周建华",
                                                        signer_title="法定代表人"))
        return Draft(enterprise.id, draft.id, region, unit_of(region))

    try:
        return _in_parallel(one, range(count), clients)
    finally:
        channel.close()


def submit_all(registration_target: str, drafts: Sequence[Draft], *, clients: int = 4, give_up_after: float = 180.0,
               on_accepted: Callable[[Submission], None] | None = None) -> list[Submission]:
    """Submit every draft; each client retries its transient errors until ``give_up_after``."""
    channel = signed_channel(registration_target)
    stub = RegistrationStub(channel)

    def one(draft: Draft) -> Submission:
        submission = Submission(draft, started=time.time())
        request = reg.SubmitRequest(application_id=draft.application_id)
        result, submission.attempts, submission.error = _retrying(
            lambda: stub.Submit(request, timeout=DEADLINE), give_up_after)
        if result is not None:
            submission.accepted = time.time()
            if on_accepted:
                on_accepted(submission)
        return submission

    try:
        return _in_parallel(one, drafts, clients)
    finally:
        channel.close()


def submit_in_background(registration_target: str, drafts: Sequence[Draft], **options: Any
                         ) -> tuple[threading.Thread, list[Submission]]:
    """Start the surge and return at once (the caller injects a fault meanwhile)."""
    results: list[Submission] = []
    thread = threading.Thread(target=lambda: results.extend(submit_all(registration_target, drafts, **options)),
                              name="surge", daemon=True)
    thread.start()
    return thread, results


def open_task_ids(review_target: str, drafts: Sequence[Draft], level: int = 1) -> dict[str, str]:
    """application id -> open task id at ``level``, as each unit's reviewer lists them."""
    wanted = {d.application_id for d in drafts}
    found: dict[str, str] = {}
    with signed_channel(review_target) as channel:
        stub = ReviewStub(channel)
        for unit_id in sorted({d.unit_id for d in drafts}):
            response = stub.ListTasks(rev.ListTasksRequest(unit_id=unit_id, programme_id=PROGRAMME),
                                      timeout=DEADLINE, metadata=reviewer_metadata(unit_id))
            found.update({t.application_id: t.id for t in response.tasks
                          if t.application_id in wanted and t.level == level})
    return found


def pass_all(review_target: str, drafts: Sequence[Draft], task_ids: dict[str, str], *, clients: int = 4,
             give_up_after: float = 180.0) -> list[Decision]:
    """Each draft's reviewer passes its open task (真实性、完整性 checked)."""
    channel = signed_channel(review_target)
    stub = ReviewStub(channel)

    def one(draft: Draft) -> Decision:
        decision = Decision(draft, task_ids[draft.application_id], started=time.time())
        request = rev.PassTaskRequest(task_id=decision.task_id, opinion="材料真实完整，同意推荐")
        metadata = reviewer_metadata(draft.unit_id)

        tries = 0  # decision.attempts is only filled in once _retrying returns

        def attempt() -> Any:
            nonlocal tries
            tries += 1
            try:
                return stub.PassTask(request, timeout=DEADLINE, metadata=metadata)
            except grpc.RpcError as error:
                # a retry after a lost answer finds the task decided already (review answers
                # ABORTED task.decided): that is success when the task is passed
                if error.code() in (grpc.StatusCode.FAILED_PRECONDITION, grpc.StatusCode.ABORTED) and tries > 1:
                    task = stub.GetTask(rev.GetTaskRequest(task_id=decision.task_id), timeout=DEADLINE,
                                        metadata=metadata)
                    if task.status == "passed":
                        return task
                raise

        result, decision.attempts, decision.error = _retrying(attempt, give_up_after)
        if result is not None:
            decision.decided = time.time()
        return decision

    try:
        return _in_parallel(one, [d for d in drafts if d.application_id in task_ids], clients)
    finally:
        channel.close()


def submit_and_pass(registration_target: str, review_target: str, drafts: Sequence[Draft], *,
                    submit_first: Sequence[Draft] = (), timeout: float = 180.0
                    ) -> tuple[list[Submission], list[Decision]]:
    """The surge in one go: submit ``submit_first`` then ``drafts``, wait until each of
    ``drafts`` has its level-1 task, pass them all; every call must have been answered."""
    submissions = submit_all(registration_target, [*submit_first, *drafts])
    assert all(s.accepted for s in submissions), [s.error for s in submissions if not s.accepted][:3]
    task_ids = until(lambda: (lambda found: found if len(found) == len(drafts) else None)(
        open_task_ids(review_target, drafts)), timeout=timeout, interval=1, what="a level-1 task for every submission")
    decisions = pass_all(review_target, drafts, task_ids)
    assert all(d.decided for d in decisions), [d.error for d in decisions if not d.decided][:3]
    return submissions, decisions


# -- counting ---------------------------------------------------------------------------


def _per_subject(collection: Any, query: dict[str, Any], field_name: str = "subject") -> dict[str, int]:
    counts: dict[str, int] = {}
    for document in collection.find(query, {field_name: 1}):
        counts[document[field_name]] = counts.get(document[field_name], 0) + 1
    return counts


def tally(what: str, expected: Iterable[Any], counts: Mapping[Any, int]) -> Tally:
    """Each expected key should have been counted exactly once."""
    expected = list(expected)
    lost = [key for key in expected if counts.get(key, 0) == 0]
    doubled = [key for key in expected if counts.get(key, 0) > 1]
    details = [f"lost {key}" for key in lost[:5]] + [f"doubled {key} x{counts[key]}" for key in doubled[:5]]
    return Tally(what, len(expected), len(expected) - len(lost), len(lost), len(doubled), details)


def tally_submissions(mongo: MongoClient, submissions: Sequence[Submission]) -> list[Tally]:
    """For every accepted submission: one application.submitted event, one level-1 review
    task (and one task_opened event), one acknowledgement in the enterprise's inbox, the
    application in reporting's read model; each consumer applied the event once."""
    accepted = [s.draft.application_id for s in submissions if s.accepted is not None]
    ids = {"$in": accepted}
    registration, review = mongo.zjtx_registration, mongo.zjtx_review
    notification, reporting = mongo.zjtx_notification, mongo.zjtx_reporting
    submitted_events = _per_subject(registration.outbox, {"type": "application.submitted", "subject": ids})
    event_ids = [e["_id"] for e in registration.outbox.find({"type": "application.submitted", "subject": ids},
                                                            {"_id": 1})]
    tallies = [
        tally("registration application.submitted events", accepted, submitted_events),
        tally("review level-1 tasks", accepted, _per_subject(review.tasks, {"application_id": ids, "level": 1},
                                                              "application_id")),
        tally("review task_opened events", accepted,
               _per_subject(review.outbox, {"type": "review.task_opened", "subject": ids})),
        tally("notification acknowledgements in the inbox", accepted,
               _per_subject(notification.inbox, {"event_type": "application.submitted", "subject": ids})),
        tally("reporting read model", accepted, _per_subject(reporting.applications, {"_id": ids}, "_id")),
    ]
    for service, db in (("review", review), ("notification", notification), ("reporting", reporting)):
        applied = _per_subject(db.processed_events, {"event_id": {"$in": event_ids}}, "event_id")
        tallies.append(tally(f"{service} applied application.submitted", event_ids, applied))
    return tallies


def tally_decisions(mongo: MongoClient, decisions: Sequence[Decision]) -> list[Tally]:
    """For every decided task: one review.passed event, the passed status seen by
    registration, one notice in the enterprise's inbox; each consumer applied it once."""
    decided = [d.draft.application_id for d in decisions if d.decided is not None]
    ids = {"$in": decided}
    review, registration, notification = mongo.zjtx_review, mongo.zjtx_registration, mongo.zjtx_notification
    passed = _per_subject(review.outbox, {"type": "review.passed", "subject": ids})
    event_ids = [e["_id"] for e in review.outbox.find({"type": "review.passed", "subject": ids}, {"_id": 1})]
    tallies = [
        tally("review review.passed events", decided, passed),
        tally("notification decisions in the inbox", decided,
               _per_subject(notification.inbox, {"event_type": "review.passed", "subject": ids})),
    ]
    for service, db in (("registration", registration), ("notification", notification),
                        ("reporting", mongo.zjtx_reporting)):
        applied = _per_subject(db.processed_events, {"event_id": {"$in": event_ids}}, "event_id")
        tallies.append(tally(f"{service} applied review.passed", event_ids, applied))
    return tallies


def backlog(mongo: MongoClient) -> int:
    """Outbox entries not yet published, over every service."""
    return sum(mongo[f"zjtx_{s}"].outbox.count_documents({"state": {"$ne": "Published"}})
               for s in ("registration", "review", "notification", "reporting"))
