"""What reporting needs of a programme document (from review's ``GetProgramme``)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from zjtx_api import review_pb2

DEFAULT_COLUMNS = (
    ("序号", "row.number"), ("企业名称", "enterprise.name"), ("统一社会信用代码", "enterprise.uscc"),
    ("所属地区", "enterprise.region_name"), ("审核意见", "review.opinion"), ("推荐顺序", "review.rank"),
)


@dataclass(frozen=True)
class FieldInfo:
    section_id: str
    id: str
    label: str
    type: str
    unit: str = ""
    options: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class SectionInfo:
    id: str
    title: str
    fields: tuple[FieldInfo, ...]


@dataclass(frozen=True)
class ProgrammeInfo:
    id: str
    version: int
    title: str
    year: int
    level: str
    owner: str
    owner_name: str
    columns: tuple[tuple[str, str], ...]
    sections: tuple[SectionInfo, ...]
    attachment_titles: dict[str, str]
    pledge_title: str
    pledge_text: str
    focus_titles: dict[str, str]
    level_titles: dict[int, str]
    has_rubric: bool = False
    target_count: int = 0

    @property
    def owner_unit_id(self) -> str:
        """Administrative units are named ``unit-<division code>`` (deploy/units README)."""
        return f"unit-{self.owner}"

    def field(self, section_id: str, field_id: str) -> FieldInfo | None:
        for section in self.sections:
            if section.id == section_id:
                for item in section.fields:
                    if item.id == field_id:
                        return item
        return None

    def level_title(self, level: int) -> str:
        return self.level_titles.get(level, f"第{level}级" if level else "未进入审核")


def from_message(message: review_pb2.Programme) -> ProgrammeInfo:
    sections = tuple(
        SectionInfo(s.id, s.title, tuple(
            FieldInfo(s.id, f.id, f.label, f.type, f.unit, {o.value: o.label for o in f.options}) for f in s.fields
        ))
        for s in message.sections
    )
    columns = tuple((c.title, c.source) for c in message.summary_table_columns) or DEFAULT_COLUMNS
    return ProgrammeInfo(
        id=message.id, version=message.version, title=message.title, year=message.year, level=message.level,
        owner=message.owner, owner_name=message.owner_name, columns=columns, sections=sections,
        attachment_titles={a.kind: a.title for a in message.attachments},
        pledge_title=message.pledge.title, pledge_text=message.pledge.text,
        focus_titles={f.id: f.title for f in message.focus_categories},
        level_titles={c.level: c.title for c in message.review_chain},
        has_rubric=message.has_rubric, target_count=message.target_count,
    )


def document(message: review_pb2.Programme) -> dict[str, Any]:
    """The raw programme document review validated (rubric included)."""
    return json.loads(message.document_json) if message.document_json else {}
