"""The programme catalogue: programme documents loaded and validated at start, served as protos.

A document that does not validate stops the service at start with every error named
(an admin fixes the YAML, not the code).
"""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from nameko import config
from nameko.extensions import DependencyProvider

from kernel.divisions import division_within
from review.rules.programme_parser import load_programmes
from review.rules.programmes import Programme, read_yaml
from review.rules.units import Unit, UnitDirectory, load_units
from zjtx.config import REPO_ROOT, ConfigError
from zjtx.errors import not_found, precondition
from zjtx_api import review_pb2 as pb


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


def programme_message(programme: Programme, document: dict[str, Any]) -> pb.Programme:
    p = programme
    return pb.Programme(
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


class Catalogue:
    """Programmes and review units of this deployment: the instance's own (its file names
    them, ``PROGRAMMES`` / ``UNITS_FILE``), all within its ``JURISDICTION`` (docs/instances.md)."""

    def __init__(self, programmes_dir: Path, units_file: Path, selected: list[str] | None = None,
                 jurisdiction: str | None = None) -> None:
        programmes: dict[str, Programme] = load_programmes(programmes_dir)
        if selected is not None:
            unknown = [pid for pid in selected if pid not in programmes]
            if unknown:
                raise ConfigError(f"instance programmes {unknown} are not in {programmes_dir}; "
                                  f"accepted: {', '.join(sorted(programmes))}")
            programmes = {pid: programmes[pid] for pid in selected}
        self.programmes = programmes
        self.documents = {pid: read_yaml(programmes_dir / f"{pid}.yaml") for pid in self.programmes}
        self.units: UnitDirectory = load_units(units_file)
        self.jurisdiction = jurisdiction or None
        if self.jurisdiction:
            check_jurisdiction(self.jurisdiction, self.programmes, self.units, units_file)
        self.messages = {pid: programme_message(p, self.documents[pid]) for pid, p in self.programmes.items()}

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

    def unit(self, unit_id: str) -> Unit:
        if unit_id not in self.units:
            where = f"本平台（辖区 {self.jurisdiction}）" if self.jurisdiction else ""
            raise not_found("unit.not_found", f"{where}没有审核单位 {unit_id}；本平台只管理其辖区内的审核单位")
        return self.units.get(unit_id)

    def message(self, programme_id: str) -> pb.Programme:
        self.programme(programme_id)
        return self.messages[programme_id]


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

    def get_dependency(self, worker_ctx: Any) -> Catalogue:
        return self.catalogue
