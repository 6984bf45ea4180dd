"""A tamper-evident audit trail: one append-only, hash-chained collection per service database.

Every decision and every administrative change is one entry::

    {"_id": 17, "seq": 17, "chain": "review", "alg": "sha256",
     "prev": "<hash of entry 16>", "hash": "<digest of this entry's canonical form>",
     "at": <wall clock, UTC>, "platform_at": <platform clock (zjtx.clock), only when it differs>,
     "subject": "<account id>", "role": "reviewer", "unit": "unit-430100", "principal": "gateway",
     "client_address": "203.0.113.7", "action": "task.passed", "target": "task:<id>",
     "result": "ok", "reason": "", "details": {...}, "trace_id": "<32 hex>"}

- ``seq`` (also ``_id``, so unique) numbers the entries 1, 2, 3...: a deleted entry leaves a gap.
- ``prev`` is the previous entry's ``hash`` (``GENESIS`` for entry 1): an entry moved, replaced
  or reordered no longer links.
- ``hash`` is ``alg`` over the entry's canonical serialisation (``canonical``: every field but
  ``_id`` and ``hash``, JSON with sorted keys, no spaces, UTF-8, instants as ISO 8601 UTC with
  milliseconds): an edited field no longer matches.
- ``alg`` names the digest per entry (``DIGESTS``; SHA-256 now, ``register_digest`` adds others,
  e.g. SM3 for a government deployment), so a chain can change algorithm between entries and
  stays verifiable.

Appending (``AuditTrail.append`` or, inside a service's unit of work, ``record``) costs one
read and one insert: the trail remembers the last entry it wrote and checks it is still the
last with one ``_id $in [n, n+1]`` look-up (no sort: the embedded server scans for one). Two
copies of a service appending at once both try ``_id`` n+1: inside a transaction the loser
gets a WriteConflict and the transaction is retried whole; outside one (the gateway) the
loser gets a duplicate key and appends again after the winner. An aborted transaction leaves
the remembered entry missing, which the next look-up notices. Within one process, audited
transactions queue for the head instead (``Store.transact(..., audited=True)``, ``head_lock``).

``verify`` walks the chain in ``seq`` order and names the first broken entry; ``python -m
zjtx.ops audit-verify`` runs it over every service's trail. What the chain cannot show alone:
someone with write access to the database who rewrites an entry *and* every later one, or who
deletes the newest entries. Against that, keep the head ``verify`` prints (seq and hash)
outside the database and give it back with ``--expect seq:hash`` later (docs/security.md).
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from pymongo.collection import Collection
from pymongo.database import Database
from pymongo.errors import DuplicateKeyError

from zjtx import clock, crypto

COLLECTION = "audit"
GENESIS = "0" * 64
DIGEST_VARIABLE = "ZJTX_AUDIT_DIGEST"
# the platform clock is recorded beside the wall clock only when they differ by more than this
PLATFORM_CLOCK_TOLERANCE = timedelta(seconds=2)
# fields of an entry, in the order they are documented; all but _id and hash are hashed
FIELDS = ("seq", "chain", "alg", "prev", "at", "platform_at", "subject", "role", "unit", "principal",
          "client_address", "action", "target", "result", "reason", "details", "trace_id")
RESULTS = ("ok", "refused", "failed")
MAX_APPEND_ATTEMPTS = 20

DIGESTS: dict[str, Callable[[bytes], str]] = {"sha256": lambda data: hashlib.sha256(data).hexdigest(),
                                              # the 商用密码 profile's digest (GB/T 32905; zjtx.crypto)
                                              "sm3": lambda data: crypto.digest(data, "sm3")}


class AuditError(Exception):
    """An entry that cannot be written as asked (an unknown digest, a bad field)."""


def register_digest(name: str, function: Callable[[bytes], str]) -> None:
    """Make ``name`` usable as an entry's ``alg``; ``function`` returns the digest as lower-case hex."""
    DIGESTS[name] = function


def default_digest() -> str:
    """ZJTX_AUDIT_DIGEST, else the crypto profile's (sha256; sm3 under ZJTX_CRYPTO=sm)."""
    name = os.environ.get(DIGEST_VARIABLE, "").strip() or crypto.digest_name()
    if name not in DIGESTS:
        raise AuditError(f"{DIGEST_VARIABLE}={name!r} is not a known digest; accepted: {', '.join(sorted(DIGESTS))}")
    return name


# ---------------------------------------------------------------- canonical form


def _millis(value: datetime) -> datetime:
    """What MongoDB keeps of an instant: UTC, milliseconds."""
    value = value if value.tzinfo else value.replace(tzinfo=UTC)
    value = value.astimezone(UTC)
    return value.replace(microsecond=value.microsecond // 1000 * 1000)


def _plain(value: Any) -> Any:
    """Details as JSON-and-BSON-stable values: text, integers, booleans, null, lists and maps."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, datetime):
        return clock.iso(_millis(value))
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [_plain(v) for v in value]
        return sorted(items, key=repr) if isinstance(value, set | frozenset) else items
    return str(value)  # floats, decimals, ids: their text, so the stored form hashes the same


def _canonical_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return clock.iso(_millis(value))
    if isinstance(value, Mapping):
        return {str(k): _canonical_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_canonical_value(v) for v in value]
    return value


def canonical(entry: Mapping[str, Any]) -> bytes:
    """The bytes an entry's hash covers: every field but ``_id`` and ``hash``."""
    body = {k: _canonical_value(v) for k, v in entry.items() if k not in ("_id", "hash")}
    return json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def digest_of(entry: Mapping[str, Any]) -> str:
    alg = entry.get("alg")
    if alg not in DIGESTS:
        raise AuditError(f"unknown digest {alg!r}; accepted: {', '.join(sorted(DIGESTS))}")
    return DIGESTS[alg](canonical(entry))


# ---------------------------------------------------------------- what is recorded


@dataclass(frozen=True)
class Entry:
    """What happened, by whom, from where; the trail adds seq, chain, times, prev and hash.

    ``subject``/``role``/``unit``: the real person (or the service, role ``system``) as the
    verified identity token proves it; ``principal``: who signed that token (``gateway`` for a
    person, else the calling service or ``ops``); ``client_address``: the person's address as
    the gateway put it in the signed token. ``action`` is a dotted verb (``task.passed``,
    ``account.created``), ``target`` what it acted on (``task:<id>``, ``programme:<id>``).
    """

    action: str
    target: str
    subject: str = ""
    role: str = ""
    unit: str = ""
    principal: str = ""
    client_address: str = ""
    result: str = "ok"
    reason: str = ""
    details: Mapping[str, Any] = field(default_factory=dict)
    trace_id: str = ""

    @classmethod
    def by(cls, caller: Any, action: str, target: str, **kwargs: Any) -> Entry:
        """An entry whose who comes from a verified caller (``zjtx.grpc_support.Caller``, or any
        object with ``subject``, ``role``, ``unit``, ``service``, ``client_address``)."""
        role = getattr(caller, "role", "") or ""
        principal = getattr(caller, "service", "") or ""
        subject = getattr(caller, "subject", "") or (principal if role == "system" else "")
        return cls(action=action, target=target, subject=subject, role=role, unit=getattr(caller, "unit", "") or "",
                   principal=principal, client_address=getattr(caller, "client_address", "") or "", **kwargs)


def current_trace_id() -> str:
    try:
        from opentelemetry import trace
    except ImportError:  # pragma: no cover - every service has it; tools may not
        return ""
    context = trace.get_current_span().get_span_context()
    return format(context.trace_id, "032x") if context.is_valid else ""


# ---------------------------------------------------------------- the trail


EXPIRED = "audit.expired"  # the checkpoint entry a retention run appends before it drops older entries
RETENTION_MINIMUM_DAYS = 180  # Cybersecurity Law art. 21: network logs kept at least six months


class AuditTrail:
    """The audit chain ``chain`` kept in ``db[collection]`` (one per service database)."""

    def __init__(self, db: Database, chain: str, collection: str = COLLECTION, digest: str | None = None,
                 now: Callable[[], datetime] | None = None,
                 platform_now: Callable[[], datetime] | None = None) -> None:
        self.collection: Collection = db[collection]
        self.chain = chain
        self.digest = digest or default_digest()
        if self.digest not in DIGESTS:
            raise AuditError(f"unknown digest {self.digest!r}; accepted: {', '.join(sorted(DIGESTS))}")
        self._wall = now or (lambda: datetime.now(UTC))
        self._platform = platform_now or clock.now
        self._lock = threading.Lock()
        self._last: tuple[int, str] | None = None  # (seq, hash) this process last wrote or saw
        # held by an audited transaction from before it starts until it ends (``Store.transact``)
        self.head_lock = threading.Lock()

    # ---- appending -----------------------------------------------------------------

    def append(self, entry: Entry, session: Any = None) -> dict[str, Any]:
        """Append ``entry``; with ``session`` it commits (or not) with the caller's transaction."""
        if entry.result not in RESULTS:
            raise AuditError(f"result {entry.result!r}; accepted: {', '.join(RESULTS)}")
        if not entry.action or not entry.target:
            raise AuditError("an audit entry needs an action and a target")
        for _ in range(MAX_APPEND_ATTEMPTS):
            seq, prev = self._head(session)
            document = self._document(entry, seq + 1, prev)
            try:
                self.collection.insert_one(document, session=session)
            except DuplicateKeyError:
                # another copy appended first (outside a transaction): re-read the head and go again;
                # inside one the loser gets a WriteConflict instead and the whole transaction is retried
                with self._lock:
                    self._last = None
                continue
            with self._lock:
                self._last = (seq + 1, document["hash"])
            return document
        raise AuditError(f"audit chain {self.chain}: could not append after {MAX_APPEND_ATTEMPTS} attempts")

    def _document(self, entry: Entry, seq: int, prev: str) -> dict[str, Any]:
        wall = _millis(self._wall())
        platform = _millis(self._platform())
        document: dict[str, Any] = {
            "_id": seq, "seq": seq, "chain": self.chain, "alg": self.digest, "prev": prev, "at": wall,
            "platform_at": platform if abs(platform - wall) > PLATFORM_CLOCK_TOLERANCE else None,
            "subject": entry.subject, "role": entry.role, "unit": entry.unit, "principal": entry.principal,
            "client_address": entry.client_address, "action": entry.action, "target": entry.target,
            "result": entry.result, "reason": entry.reason, "details": _plain(dict(entry.details)),
            "trace_id": entry.trace_id or current_trace_id(),
        }
        document["hash"] = digest_of(document)
        return document

    def _head(self, session: Any) -> tuple[int, str]:
        """(seq, hash) of the last entry: one look-up of the remembered entry and the one after it."""
        with self._lock:
            last = self._last
        if last is not None:
            seq, digest = last
            found = {d["_id"]: d["hash"] for d in self.collection.find(
                {"_id": {"$in": [seq, seq + 1]}}, {"hash": 1}, session=session)}
            if found.get(seq) == digest and seq + 1 not in found:
                return last
        # first append of this process, another copy appended meanwhile, or our last write was rolled back
        newest = self.collection.find_one({}, {"hash": 1}, sort=[("_id", -1)], session=session)
        head = (int(newest["_id"]), str(newest["hash"])) if newest else (0, GENESIS)
        with self._lock:
            self._last = head if newest else None
        return head

    # ---- reading and verifying -----------------------------------------------------

    # ---- retention ------------------------------------------------------------------

    def expire(self, before: datetime) -> int:
        """Drop the entries written (wall clock) before ``before``, after appending a checkpoint entry
        (``audit.expired``) that records the last dropped entry's seq and hash: verification then starts
        from the oldest kept entry, whose ``prev`` must be that recorded hash. Returns how many went."""
        last = self.collection.find_one({"at": {"$lt": before}}, sort=[("_id", -1)])
        if last is None:
            return 0
        self.append(Entry(action=EXPIRED, target=f"chain:{self.chain}", subject="retention", role="system",
                          principal="ops", reason=f"entries written before {before.isoformat()} expired by rule",
                          details={"expired_through": int(last["_id"]), "expired_through_hash": str(last["hash"]),
                                   "before": before.isoformat()}))
        return int(self.collection.delete_many({"_id": {"$lte": int(last["_id"])}}).deleted_count)

    def entries(self, since: int = 0) -> Iterable[dict[str, Any]]:
        return self.collection.find({"_id": {"$gt": since}} if since else {}).sort("_id", 1)

    def verify(self, expect: tuple[int, str] | None = None) -> Verification:
        return verify_entries(self.chain, self.entries(), expect)


@dataclass(frozen=True)
class Verification:
    """The outcome of walking one chain: ``intact``, or the first broken entry and why."""

    chain: str
    count: int
    head_seq: int = 0
    head_hash: str = GENESIS
    broken_seq: int | None = None
    problem: str = ""  # edited | deleted | reordered | foreign | unknown_digest | truncated

    @property
    def intact(self) -> bool:
        return self.broken_seq is None

    def describe(self) -> str:
        if self.intact:
            return f"{self.chain}: intact, {self.count} entries (head {self.head_seq}:{self.head_hash})"
        return f"{self.chain}: BROKEN at entry {self.broken_seq}: {self.problem}"


def verify_entries(chain: str, entries: Iterable[Mapping[str, Any]],
                   expect: tuple[int, str] | None = None) -> Verification:
    """Walk ``entries`` (in ``_id`` order) and stop at the first that breaks the chain. A chain whose
    oldest entries expired by rule (``AuditTrail.expire``) starts at its oldest kept entry, provided a
    kept ``audit.expired`` checkpoint records the entry just before it, with the hash it links to."""
    count, previous_seq, previous_hash = 0, 0, GENESIS
    expected_seen = expect is None
    cut: tuple[int, str] | None = None  # (seq, hash) the oldest kept entry follows, when entries expired
    cut_confirmed = False

    def broken(seq: int, problem: str) -> Verification:
        return Verification(chain, count, previous_seq, previous_hash, seq, problem)

    for entry in entries:
        seq = entry.get("_id")
        if count == 0 and previous_seq == 0 and isinstance(seq, int) and seq > 1 and entry.get("seq") == seq:
            cut = (seq - 1, str(entry.get("prev")))
            previous_seq, previous_hash = cut
        if not isinstance(seq, int) or entry.get("seq") != seq:
            return broken(seq if isinstance(seq, int) else previous_seq + 1,
                          f"reordered: stored as _id {seq!r} but numbered seq {entry.get('seq')!r}")
        if seq != previous_seq + 1:
            missing = f"{previous_seq + 1}" if seq == previous_seq + 2 else f"{previous_seq + 1}-{seq - 1}"
            return broken(previous_seq + 1, f"deleted: entry {missing} is missing (entry {previous_seq} is "
                                            f"followed by entry {seq})")
        if entry.get("chain") != chain:
            return broken(seq, f"foreign: the entry belongs to chain {entry.get('chain')!r}")
        if entry.get("alg") not in DIGESTS:
            return broken(seq, f"unknown_digest: {entry.get('alg')!r} (known: {', '.join(sorted(DIGESTS))})")
        if digest_of(entry) != entry.get("hash"):
            return broken(seq, "edited: its content does not match its hash")
        if entry.get("prev") != previous_hash:
            return broken(seq, f"reordered: it does not follow entry {previous_seq} (its prev is not that "
                               "entry's hash: an entry was replaced, moved or re-chained)")
        count, previous_seq, previous_hash = count + 1, seq, str(entry["hash"])
        details = entry.get("details") or {}
        if cut is not None and entry.get("action") == EXPIRED and details.get("expired_through") == cut[0] \
                and details.get("expired_through_hash") == cut[1]:
            cut_confirmed = True
        if expect is not None and seq == expect[0]:
            if previous_hash != expect[1]:
                return Verification(chain, count, previous_seq, previous_hash, seq,
                                    f"edited: entry {seq} no longer has the recorded hash {expect[1]} (the chain "
                                    "was rewritten from there on)")
            expected_seen = True
    if cut is not None and not cut_confirmed:
        missing = "1" if cut[0] == 1 else f"1-{cut[0]}"
        return Verification(chain, count, previous_seq, previous_hash, 1,
                            f"deleted: entry {missing} is missing and no kept checkpoint records its expiry")
    if expect is not None and not expected_seen and expect[0] <= (cut[0] if cut else 0):
        expected_seen = True  # the recorded head expired by rule since: the checkpoint stands for it
    if not expected_seen:
        assert expect is not None
        return Verification(chain, count, previous_seq, previous_hash, expect[0],
                            f"truncated: the chain ends at entry {previous_seq}, before the recorded entry {expect[0]}")
    return Verification(chain, count, previous_seq, previous_hash)


# ---------------------------------------------------------------- per database


_trails: dict[tuple[int, str, str], AuditTrail] = {}
_trails_lock = threading.Lock()


def trail(db: Database, chain: str, collection: str = COLLECTION) -> AuditTrail:
    """The process's trail for ``db`` (one per database, so it remembers its last entry)."""
    key = (id(db.client), db.name, collection)
    with _trails_lock:
        found = _trails.get(key)
        if found is None or found.chain != chain:
            found = _trails[key] = AuditTrail(db, chain, collection)
        return found


def record(unit: Any, entry: Entry) -> dict[str, Any]:
    """Append ``entry`` inside a service's unit of work (``zjtx.mongo.UnitOfWork``): it commits
    with the state change, or not at all."""
    return trail(unit.db, unit.source).append(entry, unit.session)
