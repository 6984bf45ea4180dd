"""When an enterprise's personal data may be erased (PIPL art. 47).

The government record of an application is kept for its programme's archive period
(``archive_years``, default ``kernel.personal.DEFAULT_ARCHIVE_YEARS``), counted from the
programme's window close (the last day anything could be submitted). Once the longest such
period of every programme the enterprise applied to has passed, its personal data may be
erased; before, the refusal names the day it becomes possible.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from kernel.programme import ProgrammeModel
from zjtx.clock import to_shanghai
from zjtx.errors import Violation, precondition


def archived_until(programme: ProgrammeModel) -> datetime:
    closes = programme.closes_at
    try:
        return closes.replace(year=closes.year + programme.archive_years)
    except ValueError:  # 29 February into a common year: the day after
        return closes.replace(year=closes.year + programme.archive_years, month=3, day=1)


def check_erasable(enterprise_name: str, programmes: Sequence[ProgrammeModel], now: datetime) -> datetime | None:
    """The end of the longest archive period (None: the enterprise applied to nothing); refused before it."""
    if not programmes:
        return None
    latest = max(programmes, key=archived_until)
    until = archived_until(latest)
    if now < until:
        day = to_shanghai(until)
        when = f"{day.year}年{day.month}月{day.day}日"
        message = (f"企业“{enterprise_name}”的申报档案须保存至{when}（“{latest.title}”的档案保存期为"
                   f"{latest.archive_years}年，自申报截止之日起算），{when}之后方可删除其个人信息；"
                   "如需更正联系人等信息，请由企业在“企业信息”中修改")
        raise precondition("personal_data.archive_period", message,
                           [Violation("archive_period", "not_passed", f"可删除时间：{when}之后")])
    return until
