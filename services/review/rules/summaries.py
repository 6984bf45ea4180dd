"""A unit's signed 推荐汇总表 (and, where the programme asks, its 推荐报告).

The notices want the original, signed and stamped, as a scan: the upload is checked by
its content (PDF, JPEG or PNG magic bytes), never by the file name or the media type
the client claims, and is kept with its SHA-256.

A unit's passed applications wait ("passed pending summary") until the unit has uploaded
every document its level requires after passing them; then they are final (recommended,
or on to the next reviewing level).
"""

from __future__ import annotations

from collections.abc import Iterable

from kernel.files import sniff_media_type
from review.rules.programmes import ChainLevel, Programme
from review.rules.units import ROUTE_KINDS, Unit
from zjtx.errors import Violation, invalid, precondition

SUMMARY_TABLE = "summary_table"
RECOMMENDATION_REPORT = "recommendation_report"
KIND_TITLES = {SUMMARY_TABLE: "推荐汇总表", RECOMMENDATION_REPORT: "推荐报告"}

# What a signed scan may be (sniffed by kernel.files from its first bytes).
SCAN_TYPES = ("application/pdf", "image/jpeg", "image/png")
DEFAULT_MAX_BYTES = 20 * 1024 * 1024


def detect_media_type(head: bytes) -> str | None:
    """The media type the file's first bytes say it is, if it is one we accept."""
    media_type = sniff_media_type(head)
    return media_type if media_type in SCAN_TYPES else None


def required_kinds(level: ChainLevel) -> tuple[str, ...]:
    kinds = [SUMMARY_TABLE] if level.requires_summary_upload else []
    if level.requires_report_upload:
        kinds.append(RECOMMENDATION_REPORT)
    return tuple(kinds)


def upload_level(programme: Programme, unit: Unit) -> ChainLevel:
    """The reviewing level at which ``unit`` uploads its documents for ``programme``."""
    for level in programme.reviewing_levels:
        if required_kinds(level) and unit.kind in ROUTE_KINDS[level.unit_kind]:
            return level
    raise invalid("summary.not_required", f"{unit.name}在{programme.title}中不需要上传推荐汇总表",
                  [Violation("unit_id", "not_required", "该单位在本批次不上传推荐材料")])


def check_kind(level: ChainLevel, kind: str) -> str:
    """The document kind of an upload ("" means the 推荐汇总表)."""
    kind = kind.strip() or SUMMARY_TABLE
    if kind not in KIND_TITLES:
        raise invalid("summary.kind", f"上传类型“{kind}”无效，可选：summary_table（推荐汇总表）、"
                      "recommendation_report（推荐报告）", [Violation("kind", "kind", "上传类型无效")])
    if kind not in required_kinds(level):
        raise invalid("summary.not_required", f"{level.title}不需要上传{KIND_TITLES[kind]}",
                      [Violation("kind", "not_required", f"本级审核不需要上传{KIND_TITLES[kind]}")])
    return kind


def check_scan(kind: str, media_type: str | None, size: int, max_bytes: int) -> str:
    """The detected media type, or a refusal saying what is accepted."""
    title = KIND_TITLES[kind]
    if size == 0:
        raise invalid("summary.empty", f"上传的{title}文件为空，请上传签字盖章后的原件扫描件",
                      [Violation("data", "empty", "文件为空")])
    if size > max_bytes:
        raise invalid("summary.too_large",
                      f"{title}文件超过{max_bytes // (1024 * 1024)}MB上限，请降低扫描分辨率后重新上传",
                      [Violation("data", "too_large", f"最大{max_bytes}字节")])
    if media_type is None:
        raise invalid("summary.media_type",
                      f"{title}须为PDF、JPG或PNG格式的原件扫描件；所传文件按内容识别不是这三种格式",
                      [Violation("data", "media_type", "只接受PDF、JPG、PNG")])
    return media_type


def missing_kinds(required: Iterable[str], uploaded: Iterable[str]) -> list[str]:
    """Titles of the required documents not uploaded (in the required order)."""
    have = set(uploaded)
    return [KIND_TITLES[k] for k in required if k not in have]


def check_can_finalise(unit_name: str, pending: int, missing: list[str], open_tasks: int) -> None:
    """A unit confirms its recommendations: every passed application must be covered
    by the uploads its level requires."""
    if pending and missing:
        raise precondition(
            "summary.missing",
            f"{unit_name}尚未上传{'和'.join(missing)}原件扫描件，{pending}个审核通过的申请推荐未生效；"
            f"请上传签字盖章后的{'和'.join(missing)}（PDF、JPG或PNG）后再提交推荐",
        )
    if open_tasks:
        raise precondition("summary.open_tasks",
                           f"{unit_name}还有{open_tasks}个待审核任务，请全部处理后再提交推荐")
