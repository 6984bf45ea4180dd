"""The programme catalogue: programme documents loaded and validated at start, served as protos.

A document that does not validate stops the service at start with every error named
(an admin fixes the YAML, not the code).
"""

from __future__ import annotations

import json
import logging
import time
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from nameko import config
from nameko.extensions import DependencyProvider
from pymongo.errors import PyMongoError

from kernel.divisions import division_within
from review import storage
from review.rules.programme_parser import load_programmes, parse_programme
from review.rules.programmes import Programme, read_yaml
from review.rules.rulesets import RULESETS_DIR, RuleSet, load_rulesets
from review.rules.units import Unit, UnitDirectory, load_units, parse_units
from zjtx.clock import now
from zjtx.config import REPO_ROOT, ConfigError
from zjtx.errors import invalid, not_found, precondition
from zjtx.mongo import Store
from zjtx_api import review_pb2 as pb

log = logging.getLogger(__name__)


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, tuple | set):
        return list(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def _text(value: Decimal | None) -> str:
    return "" if value is None else format(value.normalize(), "f")


def _operand(value: Any) -> Any:
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, tuple | list):
        return [_operand(v) for v in value]
    return value


def programme_message(programme: Programme, document: dict[str, Any],
                      record: dict[str, Any] | None = None) -> pb.Programme:
    p = programme
    record = record or {}
    changed_at = record.get("changed_at")
    return pb.Programme(
        target_tolerance=p.target_tolerance, return_grace_days=p.return_grace_days,
        undecided_at_review_deadline=p.undecided_at_review_deadline,
        changed_at=changed_at.isoformat() if isinstance(changed_at, datetime) else "",
        changed_by=record.get("changed_by", ""), change_reason=record.get("reason", ""),
        id=p.id, version=p.version, title=p.title, year=p.year, level=p.level, owner=p.owner,
        owner_name=p.owner_name, target_count=p.target_count or 0, publicity_days=p.publicity_days,
        window=pb.Window(opens_at=p.window.opens_at.isoformat(), closes_at=p.window.closes_at.isoformat(),
                         review_closes_at=p.window.review_closes_at.isoformat()),
        max_return_rounds=p.max_return_rounds,
        review_chain=[pb.ChainLevel(
            level=c.level, unit_kind=c.unit_kind, title=c.title, checks=list(c.checks),
            requires_summary_upload=c.requires_summary_upload, final=c.final,
            requires_report_upload=c.requires_report_upload,
            review_closes_at=c.review_closes_at.isoformat() if c.review_closes_at else "",
        ) for c in p.review_chain],
        sections=[pb.Section(id=s.id, title=s.title, fields=[pb.Field(
            id=f.id, label=f.label, type=f.type, required=f.required, min=_text(f.min), max=_text(f.max),
            min_length=f.min_length or 0, max_length=f.max_length or 0, pattern=f.pattern or "",
            options=[pb.Option(value=o.value, label=o.label) for o in f.options], unit=f.unit or "", help=f.help or "",
        ) for f in s.fields]) for s in p.sections],
        attachments=[pb.AttachmentSpec(
            kind=a.kind, title=a.title, min_count=a.min_count, max_count=a.max_count, media_types=list(a.media_types),
            max_bytes=a.max_bytes, required=a.required, help=a.help or "",
        ) for a in p.attachments],
        pledge=pb.Pledge(required=p.pledge.required, title=p.pledge.title, text=p.pledge.text),
        eligibility_gates=[pb.Gate(
            id=g.id, field=g.condition.field, operator=g.condition.test.operator,
            operand_json=json.dumps(_operand(g.condition.test.operand), ensure_ascii=False), message=g.message,
        ) for g in p.eligibility_gates],
        priority_markers=[pb.PriorityMarker(id=m.id, title=m.title, field=m.field) for m in p.priority_markers],
        focus_categories=[pb.FocusCategory(id=f.id, title=f.title, text=f.text) for f in p.focus_categories],
        summary_table_columns=[pb.SummaryColumn(title=c.title, source=c.source) for c in p.summary_table_columns],
        recommend_to=p.recommend_to or "", has_rubric=p.rubric is not None,
        document_json=json.dumps(document, ensure_ascii=False, default=_json_default),
    )


REFRESH_SECONDS = 2.0  # how stale a replica's copy of the current versions may be


def version_record(programme: Programme, document: dict[str, Any], *, kind: str, at: datetime, by: str = "seed",
                   role: str = "system", unit_id: str = "", reason: str = "", changes: list[str] | None = None,
                   client_address: str = "", extended: bool = False) -> dict[str, Any]:
    """One stored version: the document (JSON-safe) with who, when, from where and why."""
    return {"_id": f"{programme.id}:{programme.version:05d}", "programme_id": programme.id,
            "version": programme.version, "kind": kind, "document": plain(document), "changed_by": by,
            "role": role, "unit_id": unit_id, "changed_at": at, "reason": reason, "changes": changes or [],
            "client_address": client_address, "extended": extended}


def units_record(document: dict[str, Any], version: int, *, kind: str, at: datetime, by: str = "seed",
                 role: str = "system", unit_id: str = "", reason: str = "", changes: list[str] | None = None,
                 client_address: str = "") -> dict[str, Any]:
    """One stored version of the review units: the whole document with who, when, from where and why."""
    return {"_id": f"units:{version:05d}", "version": version, "kind": kind,
            "document": plain({**document, "version": version}), "changed_by": by, "role": role,
            "unit_id": unit_id, "changed_at": at, "reason": reason, "changes": changes or [],
            "client_address": client_address}


def plain(document: Any) -> Any:
    """The document as JSON would carry it (dates as ISO text): storable and parsed the same."""
    return json.loads(json.dumps(document, ensure_ascii=False, default=_json_default))


def _month_day(value: tuple[int, int] | None) -> str | None:
    return f"{value[0]:02d}-{value[1]:02d}" if value else None


def with_ruleset(document: dict[str, Any], programme: Programme) -> dict[str, Any]:
    """The served document names the rule set it pins in full (rubric, validity, sources),
    so an outside reader sees the figures the programme is scored by without the rule set file."""
    rules = programme.rules
    if rules is None:
        return document
    rubric = {**rules.rubric, "indicators": [*(rules.rubric.get("indicators") or []),
                                             *(document.get("local_indicators") or [])]}
    return {**document, "ruleset": {
        "id": rules.id, "title": rules.title, "issuer": rules.issuer, "document": rules.document,
        "effective_from": rules.effective_from, "validity_years": rules.validity_years,
        "annual_update_due": _month_day(rules.annual_update_due),
        "annual_update": [{"id": f, "label": label, "kind": kind} for f, label, kind in rules.annual_update],
        "rubric": rubric,
        "sources": [{"item": s.item, "source": s.source, "verified": s.verified} for s in rules.sources],
    }}


class Catalogue:
    """Programmes and review units of this deployment.

    The programme documents are review's data, with versions (``programme_versions``); the YAML in
    deploy/programmes only seeds a programme the database does not hold yet (first start). Without a
    database attached (in-process tests) the catalogue serves the YAML as version it declares.
    An instance seeds only its own programmes and units (its file names them, ``PROGRAMMES`` /
    ``UNITS_FILE``), all within its ``JURISDICTION`` (docs/instances.md)."""

    def __init__(self, programmes_dir: Path, units_file: Path, selected: list[str] | None = None,
                 jurisdiction: str | None = None) -> None:
        seeds: dict[str, Programme] = load_programmes(programmes_dir)
        if selected is not None:
            unknown = [pid for pid in selected if pid not in seeds]
            if unknown:
                raise ConfigError(f"instance programmes {unknown} are not in {programmes_dir}; "
                                  f"accepted: {', '.join(sorted(seeds))}")
            seeds = {pid: seeds[pid] for pid in selected}
        # the rule sets a programme may pin (rules: <id>), for versions read back from the database
        self.rulesets: dict[str, RuleSet] = load_rulesets(Path(programmes_dir) / RULESETS_DIR)
        self.seed_documents = {pid: plain(read_yaml(programmes_dir / f"{pid}.yaml")) for pid in seeds}
        self.units: UnitDirectory = load_units(units_file)
        # the review units are review's data too: the YAML seeds version 1 (administration.amend_units)
        self.units_document: dict[str, Any] = plain(read_yaml(units_file))
        self.units_version = 0
        self.jurisdiction = jurisdiction or None
        if self.jurisdiction:
            check_jurisdiction(self.jurisdiction, seeds, self.units, units_file)
        self.programmes: dict[str, Programme] = {}
        self.documents: dict[str, dict[str, Any]] = {}  # as served: with the pinned rule set in full
        self.sources: dict[str, dict[str, Any]] = {}
        self.messages: dict[str, pb.Programme] = {}
        self._older: dict[tuple[str, int], pb.Programme] = {}
        for pid, programme in seeds.items():
            self.install(programme, self.seed_documents[pid], {})
        self.db: Any = None
        self.synced_at = 0.0

    # ---- versions in the database

    def install(self, programme: Programme, document: dict[str, Any], record: dict[str, Any]) -> None:
        self.programmes[programme.id] = programme
        served = with_ruleset(document, programme)
        self.sources[programme.id] = document  # as stored: a template for next year's programme
        self.documents[programme.id] = served
        self.messages[programme.id] = programme_message(programme, served, record)

    def attach(self, db: Any, now: datetime) -> None:
        """Seed what the database lacks, then serve the stored current versions."""
        self.db = db
        for pid, document in self.seed_documents.items():
            programme = parse_programme(document, rulesets=self.rulesets)
            if storage.seed_programme(db, version_record(programme, document, kind="seeded", at=now,
                                                         reason="首次启动时由 deploy/programmes 导入")):
                log.info("programme %s v%d seeded from deploy/programmes", pid, programme.version)
        if storage.seed_units(db, units_record(self.units_document, 1, kind="seeded", at=now,
                                                reason="首次启动时由 deploy/units 导入")):
            log.info("review units seeded from deploy/units (%d units)", len(self.units))
        self.refresh(force=True)

    def refresh(self, force: bool = False) -> None:
        """Read the current versions if this copy is older than REFRESH_SECONDS (or at once when forced)."""
        if self.db is None or (not force and time.monotonic() - self.synced_at < REFRESH_SECONDS):
            return
        units_version = storage.units_head(self.db)
        if units_version and units_version != self.units_version:
            record = storage.unit_version(self.db, units_version)
            if record is not None:  # else: the head moved in a transaction not yet visible
                self.units, self.units_document = parse_units(record["document"]), record["document"]
                self.units_version = units_version
        for pid, version in storage.programme_heads(self.db).items():
            loaded = self.programmes.get(pid)
            if loaded is not None and loaded.version == version and pid in self.messages:
                continue
            record = storage.programme_version(self.db, pid, version)
            if record is None:
                continue  # the head moved in a transaction not yet visible: next refresh
            self.install(parse_programme(record["document"], rulesets=self.rulesets), record["document"], record)
        self.synced_at = time.monotonic()

    def versions(self, programme_id: str) -> list[dict[str, Any]]:
        self.programme(programme_id)
        if self.db is None:
            return [{"programme_id": programme_id, "version": self.programmes[programme_id].version, "kind": "seeded"}]
        return storage.programme_versions(self.db, programme_id)

    # ---- lookups

    def programme(self, programme_id: str) -> Programme:
        try:
            return self.programmes[programme_id]
        except KeyError:
            where = f"本平台（辖区 {self.jurisdiction}）" if self.jurisdiction else ""
            raise not_found("programme.not_found",
                            f"{where}没有培育批次 {programme_id}；可选：{'、'.join(sorted(self.programmes))}") from None

    def owner_unit(self, programme: Programme) -> Unit:
        """The unit that ranks, recognises and publishes (the programme's owner)."""
        unit = self.units.for_division(programme.owner)
        if unit is None:
            raise precondition("programme.no_owner_unit",
                               f"本部署没有{programme.owner_name}（{programme.owner}）的审核单位，请在审核单位配置中添加")
        return unit

    def unit_of_owner(self, owner: str, caller_unit: str) -> Unit:
        """The unit of division ``owner`` (default: the caller's own unit): 404 for an unknown one."""
        if not owner:
            if not caller_unit:
                raise invalid("owner.required", "请指定所属单位的行政区划代码（owner），如 430000")
            return self.unit(caller_unit)
        unit = self.units.for_division(owner)
        if unit is None:
            raise not_found("owner.not_found", f"行政区划 {owner} 没有审核单位（所属单位）")
        return unit

    def unit(self, unit_id: str) -> Unit:
        if unit_id not in self.units:
            where = f"本平台（辖区 {self.jurisdiction}）" if self.jurisdiction else ""
            raise not_found("unit.not_found", f"{where}没有审核单位 {unit_id}；本平台只管理其辖区内的审核单位")
        return self.units.get(unit_id)

    def message(self, programme_id: str, version: int = 0) -> pb.Programme:
        """The current version, or an older one (applications keep the version they were submitted under)."""
        current = self.programme(programme_id)
        if not version or version == current.version:
            return self.messages[programme_id]
        key = (programme_id, version)
        if key not in self._older:
            record = storage.programme_version(self.db, programme_id, version) if self.db is not None else None
            if record is None:
                raise not_found("programme.version_not_found",
                                f"培育批次 {programme_id} 没有第{version}版；当前为第{current.version}版")
            older = parse_programme(record["document"], rulesets=self.rulesets)
            self._older[key] = programme_message(older, with_ruleset(record["document"], older), record)
        return self._older[key]


def check_jurisdiction(jurisdiction: str, programmes: dict[str, Programme], units: UnitDirectory,
                       units_file: Path) -> None:
    """An instance serves its jurisdiction only: a programme owned, or a unit placed, outside
    it stops the service at start with every one named."""
    problems = [f"programme {p.id} is owned by {p.owner} ({p.owner_name})" for p in programmes.values()
                if not division_within(p.owner, jurisdiction)]
    problems += [f"unit {u.id} ({u.name}) lies in {u.division_code}" for u in units
                 if not division_within(u.division_code, jurisdiction)]
    if problems:
        raise ConfigError(f"this instance serves JURISDICTION {jurisdiction} only, but "
                          f"{'; '.join(problems[:5])}{' …' if len(problems) > 5 else ''}: remove them from the "
                          f"instance file's programmes or from {units_file}")


class CatalogueProvider(DependencyProvider):
    def setup(self) -> None:
        programmes_dir = Path(config.get("PROGRAMMES_DIR") or REPO_ROOT / "deploy" / "programmes")
        units_file = Path(config.get("UNITS_FILE") or REPO_ROOT / "deploy" / "units" / "hunan.yaml")
        selected = config.get("PROGRAMMES")
        if isinstance(selected, str):  # PROGRAMMES=a,b from the environment
            selected = [p.strip() for p in selected.split(",") if p.strip()]
        self.catalogue = Catalogue(programmes_dir, units_file, selected,
                                   str(config.get("JURISDICTION") or "") or None)

    def _store(self) -> Any:
        return next(d for d in self.container.dependencies if isinstance(d, Store))

    def get_dependency(self, worker_ctx: Any) -> Catalogue:
        # every worker reads the current versions (at most REFRESH_SECONDS old): an extension made on
        # another replica reaches this one's window checks within that time
        if self.catalogue.db is None:
            self.catalogue.attach(self._store().db, now())
        else:
            try:
                self.catalogue.refresh()
            except PyMongoError:  # the database hiccups: serve the versions read a moment ago, say so
                log.warning("programme versions not refreshed; serving those read %.0f s ago",
                            time.monotonic() - self.catalogue.synced_at, exc_info=True)
        return self.catalogue
