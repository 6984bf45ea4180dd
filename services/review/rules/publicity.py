"""The final level: 择优认定 up to the target, 公示 with objections, then publishing.

- Recognition happens after the reviews: once every reviewing level's deadline has
  passed, or earlier when every unit has finalised (recommendations complete).
- The owner's admin confirms a list of recommended applications, at most
  ``target_count`` (the notices say "about N": the platform treats N as the ceiling
  and leaves the choice below it to the admin). Under a rubric only applications that
  meet the standard (score or a direct-pass route) may be listed.
- Confirming opens the 公示: ``publicity_days`` whole calendar days after the day of
  confirmation, closing at 23:59:59 Beijing time of the last day.
- Objections are recorded only during the 公示 and each is resolved with a reason;
  an upheld one takes the application off the list.
- Publishing needs the 公示 to be over and every objection resolved.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from review.rules.decisions import beijing
from review.rules.programmes import Programme
from zjtx.clock import SHANGHAI, to_shanghai
from zjtx.errors import Violation, precondition


@dataclass(frozen=True)
class Eligibility:
    """What recognition needs to know of one application."""

    status: str  # review status (decisions.RECOMMENDED is the only one that may be listed)
    status_label: str
    rubric_passed: bool | None = None  # None without a rubric
    rubric_note: str = ""  # Chinese, why the rubric is not met


def reviews_closed(programme: Programme, now: datetime) -> bool:
    """True once no reviewing level accepts decisions any more."""
    return all(not programme.review_open(now, level.level) for level in programme.reviewing_levels) and (
        now >= programme.window.opens_at
    )


def last_review_deadline(programme: Programme) -> datetime:
    deadlines = [programme.review_closes_at(level.level) for level in programme.reviewing_levels]
    return max(d for d in deadlines if d is not None)


def check_recognition_open(programme: Programme, now: datetime, complete: bool) -> None:
    if complete or reviews_closed(programme, now):
        return
    raise precondition("recognition.too_early",
                       f"各级审核截止（{beijing(last_review_deadline(programme))}）且各审核单位推荐完成后，"
                       "方可择优认定")


def check_selection(programme: Programme, requested: Sequence[str],
                    candidates: Mapping[str, Eligibility], recommended_status: str) -> list[str]:
    """The confirmed list (order kept, no duplicates); every problem named."""
    problems: list[Violation] = []
    chosen: list[str] = []
    for index, application_id in enumerate(requested):
        path = f"application_ids[{index}]"
        if application_id in chosen:
            problems.append(Violation(path, "duplicate", f"申请 {application_id} 重复列出"))
            continue
        found = candidates.get(application_id)
        if found is None:
            problems.append(Violation(path, "unknown", f"申请 {application_id} 不属于{programme.title}"))
        elif found.status != recommended_status:
            problems.append(Violation(path, "not_recommended",
                                      f"申请 {application_id} 当前状态为“{found.status_label}”，只有已推荐的申请可以认定"))
        elif found.rubric_passed is False:
            problems.append(Violation(path, "rubric", f"申请 {application_id} 未达到评价标准：{found.rubric_note}"))
        chosen.append(application_id)
    if not requested:
        problems.append(Violation("application_ids", "required", "请至少选择一个拟认定的申请"))
    if problems:
        # what the list may hold depends on the programme's state, not on its shape: a conflict (409), like a
        # list beyond the target (the gateway's schema already refuses duplicates and an empty list)
        raise precondition("recognition.invalid", f"认定名单有{len(problems)}处问题", problems)
    target = programme.target_count
    if target is not None and len(chosen) > target:
        raise precondition("recognition.over_target",
                      f"{programme.title}的认定目标为{target}家，名单有{len(chosen)}家，超出{len(chosen) - target}家；"
                      f"请按排序择优选择不超过{target}家",
                      [Violation("application_ids", "over_target", f"最多{target}家")])
    return chosen


def publicity_period(now: datetime, days: int) -> tuple[datetime, datetime]:
    """公示 opens now and ends at 23:59:59 Beijing time ``days`` calendar days later."""
    last_day = to_shanghai(now).date() + timedelta(days=days)
    closes = datetime.combine(last_day, time(23, 59, 59), tzinfo=SHANGHAI)
    return now, closes


def check_objection_window(opens_at: datetime, closes_at: datetime, now: datetime) -> None:
    instant = now.replace(microsecond=0)
    if opens_at.replace(microsecond=0) <= instant <= closes_at:
        return
    raise precondition("objection.outside_publicity",
                       f"公示期为{beijing(opens_at)}至{beijing(closes_at)}，不在公示期内的异议不予登记")


def check_publish(closes_at: datetime, now: datetime, open_objections: int) -> None:
    if now.replace(microsecond=0) <= closes_at:
        raise precondition("publish.publicity_running",
                           f"公示期至{beijing(closes_at)}结束，公示期满后方可发布认定结果")
    if open_objections:
        raise precondition("publish.open_objections",
                           f"尚有{open_objections}条公示异议未处理，请逐条核实处理后再发布")
