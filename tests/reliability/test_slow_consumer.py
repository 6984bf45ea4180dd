"""A consumer much slower than its producers during a deadline surge.

Reporting (the read models behind every statistic) is slowed about tenfold from outside:
a duty cycle of SIGSTOP / SIGCONT on its process lets it run 0.1 s in every second, as
if the machine it shares were starved. The surge submits and passes applications at full
speed meanwhile. What the test shows, sampled twice a second:

- reporting's queues grow (messages ready, from the broker's management API);
- the messages reporting holds unacknowledged never exceed its prefetch per queue
  (``PREFETCH_COUNT``), which is what bounds its memory: the rest waits in the broker;
- its resident memory (VmRSS) is printed, not asserted (it is not deterministic);
- once it runs freely again it catches up, and nothing was dropped or doubled.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from dataclasses import dataclass
from urllib.parse import quote

import requests
from kombu import Connection

from harness.surge import prepare_drafts, submit_and_pass, tally_decisions, tally_submissions
from reliability import effects
from reliability.rig import PATIENCE, SURGE_N, Rig, seconds_until

SLOW = "reporting"
RUN_SECONDS, STOP_SECONDS = 0.1, 0.9  # runs a tenth of the time


@dataclass(frozen=True)
class Sample:
    at: float                 # seconds since the slowdown began
    ready: int                # messages waiting in the slow service's queues
    unacked: int              # messages it holds unacknowledged, over all its queues
    unacked_max_queue: int    # the most it holds on any one queue
    rss_kb: int


def rss_kb(pid: int) -> int:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


class DutyCycle(threading.Thread):
    """SIGSTOP / SIGCONT on one process until stopped; always leaves it running."""

    def __init__(self, pid: int) -> None:
        super().__init__(name="duty-cycle", daemon=True)
        self.pid = pid
        self.done = threading.Event()
        self.cycles = 0

    def run(self) -> None:
        try:
            while not self.done.is_set():
                os.kill(self.pid, signal.SIGSTOP)
                self.done.wait(STOP_SECONDS)
                os.kill(self.pid, signal.SIGCONT)
                self.cycles += 1
                self.done.wait(RUN_SECONDS)
        finally:
            os.kill(self.pid, signal.SIGCONT)

    def stop(self) -> None:
        self.done.set()
        self.join(timeout=10)
        os.kill(self.pid, signal.SIGCONT)


def slow_queues() -> list[str]:
    """The slow service's consumer queues (nameko's names, from its handler declarations)."""
    return sorted(f"evt-{source}-{event_type}--{SLOW}.{consumer.split('.')[1]}"
                  for (source, event_type), consumers in effects.subscribers().items()
                  for service, consumer in consumers if service == SLOW)


class Sampler(threading.Thread):
    """Depth exactly (passive declares over AMQP); unacked from the management API, whose
    figures are refreshed every few seconds (each is still a true value of its moment)."""

    def __init__(self, rig: Rig, pid: int) -> None:
        super().__init__(name="sampler", daemon=True)
        self.amqp_uri = rig.amqp_uri
        self.url = f"{rig.management}/api/queues/{quote(rig.vhost, safe='')}"
        self.queues = slow_queues()
        self.pid = pid
        self.started = time.monotonic()
        self.samples: list[Sample] = []
        self.done = threading.Event()

    def sample(self, connection: Connection) -> Sample:
        channel = connection.channel()
        try:
            ready = sum(int(channel.queue_declare(name, passive=True)[1]) for name in self.queues)
        finally:
            channel.close()
        listed = requests.get(self.url, params={"columns": "name,messages_unacknowledged"}, timeout=10).json()
        unacked = [int(q.get("messages_unacknowledged") or 0) for q in listed if q["name"] in self.queues]
        return Sample(time.monotonic() - self.started, ready, sum(unacked), max(unacked, default=0),
                      rss_kb(self.pid))

    def run(self) -> None:
        with Connection(self.amqp_uri) as connection:
            while not self.done.wait(0.5):
                try:
                    self.samples.append(self.sample(connection))
                except (requests.RequestException, ValueError, OSError):
                    continue  # a missed sample is only a missed sample

    def last(self) -> Sample:
        with Connection(self.amqp_uri) as connection:
            return self.sample(connection)

    def stop(self) -> list[Sample]:
        self.done.set()
        self.join(timeout=15)
        return self.samples


def test_slow_consumer_queues_grow_memory_stays_bounded_nothing_dropped(rig: Rig) -> None:
    registration, review = rig.targets["registration"], rig.targets["review"]
    prefetch = int(rig.suite.env.get("PREFETCH_COUNT", "10"))
    pid = rig.pids()[SLOW]
    queues = len(slow_queues())
    drafts = prepare_drafts(registration, SURGE_N, tag="W")
    rss_before = rss_kb(pid)

    sampler, duty = Sampler(rig, pid), DutyCycle(pid)
    sampler.start()
    duty.start()
    try:
        surge_started = time.monotonic()
        submissions, decisions = submit_and_pass(registration, review, drafts, timeout=PATIENCE)
        surge_seconds = time.monotonic() - surge_started
    finally:
        duty.stop()
    slow_seconds = time.monotonic() - surge_started
    subjects = [d.application_id for d in drafts] + [d.enterprise_id for d in drafts]

    def caught_up() -> bool:
        tallies = tally_submissions(rig.mongo, submissions) + tally_decisions(rig.mongo, decisions)
        events = effects.consumed(effects.events_about(rig.mongo, subjects))
        return all(t.lost == 0 for t in tallies + effects.applied_once(rig.mongo, events))

    catch_up = seconds_until(caught_up, timeout=PATIENCE, what="the slow consumer catching up")
    time.sleep(1)
    samples = sampler.stop()
    samples.append(sampler.last())

    events = effects.consumed(effects.events_about(rig.mongo, subjects))
    tallies = (tally_submissions(rig.mongo, submissions) + tally_decisions(rig.mongo, decisions)
               + effects.applied_once(rig.mongo, events) + effects.effects_once(rig.mongo, events))
    peak = max(samples, key=lambda s: s.ready)
    rss = [s.rss_kb for s in samples]
    rig.report(f"RELIABILITY slow consumer: {SLOW} run {RUN_SECONDS}s in every {RUN_SECONDS + STOP_SECONDS:.0f}s "
               f"(SIGSTOP/SIGCONT, {duty.cycles} cycles) for {slow_seconds:.1f}s while {len(drafts)} applications "
               f"were submitted and passed in {surge_seconds:.1f}s; caught up {catch_up:.1f}s after it ran freely")
    rig.report(f"RELIABILITY slow consumer: {SLOW} queues peaked at {peak.ready} ready (at {peak.at:.1f}s); "
               f"unacked at most {max(s.unacked_max_queue for s in samples)} on one queue (prefetch {prefetch}) and "
               f"{max(s.unacked for s in samples)} over its {queues} queues, in {len(samples)} samples")
    rig.report(f"RELIABILITY slow consumer: {SLOW} VmRSS {rss_before / 1024:.0f} MB before, peak "
               f"{max(rss) / 1024:.0f} MB, {rss[-1] / 1024:.0f} MB after catching up")
    timeline = ", ".join(f"{s.at:.0f}s:{s.ready}r/{s.unacked}u/{s.rss_kb // 1024}M"
                         for s in samples[:: max(1, len(samples) // 12)])
    rig.report(f"RELIABILITY slow consumer: samples (ready/unacked/RSS) {timeline}")
    for t in tallies:
        rig.report(f"RELIABILITY slow consumer: {t.line()}" + (f" ({'; '.join(t.details)})" if t.details else ""))

    assert len(samples) >= 10, "too few samples to say anything"
    assert peak.ready > prefetch, "the queues never grew: the consumer was not slower than its producers"
    assert all(s.unacked_max_queue <= prefetch for s in samples), [s for s in samples if s.unacked_max_queue > prefetch]
    assert all(s.unacked <= prefetch * queues for s in samples)
    for t in tallies:
        assert t.sent > 0 and t.lost == 0 and t.doubled == 0, t.line() + " " + "; ".join(t.details)
    assert not effects.dead_letters(rig.suite.env), "nothing was dead-lettered"
