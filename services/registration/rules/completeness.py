"""What an application still lacks before it can be submitted: computed at any time,
the same list Submit refuses with (every reason at once).

Order: sections and their fields (programme order), attachments, the pledge, the
eligibility gates, the window. Each problem is a ``Violation`` whose field names the
target (``sections.economic``, ``sections.economic.main_revenue_2019``,
``attachments.photos``, ``pledge``, ``gates.cloud_platform``, ``window``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from kernel.programme import ProgrammeModel
from registration.rules.applications import window_violation
from registration.rules.attachments import count_problems
from registration.rules.values import section_problems
from zjtx.errors import Violation


def pledge_text_hash(text: str) -> str:
    """SHA-256 (hex) of the pledge text as the programme states it (UTF-8)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Completeness:
    missing: list[Violation]  # sections, fields, attachments, pledge
    gates: list[Violation]
    window: list[Violation]
    window_state: str

    @property
    def complete(self) -> bool:
        return not self.missing

    @property
    def problems(self) -> list[Violation]:
        return [*self.missing, *self.gates, *self.window]

    @property
    def submittable(self) -> bool:
        return not self.problems


def section_data(sections: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """``{section: {field: value}}`` from the stored ``{section: {"data": ..., "version": n}}``."""
    return {sid: dict(state.get("data") or {}) for sid, state in sections.items()}


def missing_parts(programme: ProgrammeModel, sections: Mapping[str, Any], attachment_counts: Mapping[str, int],
                  pledge: Mapping[str, Any] | None) -> list[Violation]:
    problems: list[Violation] = []
    for section in programme.sections:
        state = sections.get(section.id)
        if not state or not state.get("version"):
            problems.append(Violation(f"sections.{section.id}", "section_missing", f"栏目“{section.title}”尚未填写"))
            continue
        problems += section_problems(section, state.get("data") or {})
    problems += count_problems(programme, attachment_counts)
    problems += pledge_problems(programme, pledge)
    return problems


def pledge_problems(programme: ProgrammeModel, pledge: Mapping[str, Any] | None) -> list[Violation]:
    if not programme.pledge_required:
        return []
    if not pledge or not pledge.get("signer_name"):
        return [Violation("pledge", "pledge_missing", f"尚未签署“{programme.pledge_title}”")]
    if pledge.get("text_sha256") != pledge_text_hash(programme.pledge_text):
        return [Violation("pledge", "pledge_outdated",
                          f"“{programme.pledge_title}”的承诺内容已更新，请阅读后重新签署")]
    return []


def gate_problems(programme: ProgrammeModel, data: Mapping[str, Mapping[str, Any]]) -> list[Violation]:
    """The eligibility gates ``data`` does not meet (a missing value fails its gate)."""
    return [Violation(f"gates.{gate.id}", "gate", gate.message) for gate in programme.gates if not gate.holds(data)]


def assess(programme: ProgrammeModel, sections: Mapping[str, Any], attachment_counts: Mapping[str, int],
           pledge: Mapping[str, Any] | None, now: datetime) -> Completeness:
    state = programme.window_state(now)
    return Completeness(
        missing=missing_parts(programme, sections, attachment_counts, pledge),
        gates=gate_problems(programme, section_data(sections)),
        window=[] if state == "open" else [window_violation(programme, now)],
        window_state=state,
    )
