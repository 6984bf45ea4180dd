"""定期调度: recognised and 后备 enterprises report their operating figures each period.

Periods are calendar months (``2021-03``) or quarters (``2021-Q1``) as the programme sets.
A period's window opens at 00:00 Beijing time the day after it ends and closes at 23:59:59
on the ``window_days``-th day (quarterly, 15 days: Q1 is filed 1-15 April). Within its
window a report may be filed and corrected; after it, the enterprise is a late filer for
that period until it files. Who reports: an enterprise whose application to the programme
was recognised, or passed every review and was not chosen (the 后备 pool). Pure rules.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from kernel.programme import ReportPolicy
from zjtx.clock import SHANGHAI, to_shanghai
from zjtx.errors import Violation, invalid, precondition

RESERVE_REASON = "未列入择优认定名单"
_PERIOD = re.compile(r"^(\d{4})-(?:(0[1-9]|1[0-2])|Q([1-4]))$")
MAX_NOTE = 2000
# field id -> (label, kind); kind: money (万元, may be negative for profit), count (non-negative integer)
FIELDS: dict[str, tuple[str, str]] = {
    "operating_revenue": ("营业收入（万元）", "money"),
    "total_profit": ("利润总额（万元）", "signed_money"),
    "rnd_expense": ("研发投入（万元）", "money"),
    "employees": ("从业人员（人）", "count"),
    "export_value": ("出口额（万元）", "money"),
    "new_invention_patents": ("新增发明专利（件）", "count"),
}


@dataclass(frozen=True)
class Period:
    key: str  # 2021-03 | 2021-Q1 | 2027 (a yearly data update, filed in that year)
    first_day: date
    last_day: date

    @property
    def label(self) -> str:
        if "-" not in self.key:
            return f"{self.key}年度数据更新（{int(self.key) - 1}年数据）"
        year, rest = self.key.split("-")
        return f"{year}年第{rest[1]}季度" if rest.startswith("Q") else f"{year}年{int(rest)}月"


def parse_period(key: str, frequency: str) -> Period:
    match = _PERIOD.match(key or "")
    wanted = "2021-Q1 形式的季度" if frequency == "quarterly" else "2021-03 形式的月份"
    if not match or not 2000 <= int(match[1]) <= 2099:
        raise invalid("period.invalid", f"报告期“{key}”无效，请填写{wanted}")
    if (frequency == "quarterly") != bool(match[3]):
        # a well-formed period of the other frequency: this programme does not have it
        raise precondition("period.frequency", f"本批次按{'季度' if frequency == 'quarterly' else '月'}调度，"
                                               f"没有报告期“{key}”，请填写{wanted}")
    year = int(match[1])
    if match[3]:
        first_month = (int(match[3]) - 1) * 3 + 1
        first, months = date(year, first_month, 1), 3
    else:
        first, months = date(year, int(match[2]), 1), 1
    next_month = first.month - 1 + months
    after = date(first.year + next_month // 12, next_month % 12 + 1, 1)
    return Period(key, first, after - timedelta(days=1))


def period_containing(day: date, frequency: str) -> Period:
    key = f"{day.year}-Q{(day.month - 1) // 3 + 1}" if frequency == "quarterly" else f"{day.year}-{day.month:02d}"
    return parse_period(key, frequency)


def previous_period(period: Period, frequency: str) -> Period:
    return period_containing(period.first_day - timedelta(days=1), frequency)


def window(period: Period, policy: ReportPolicy) -> tuple[datetime, datetime]:
    opens = datetime.combine(period.last_day + timedelta(days=1), time(0, 0), tzinfo=SHANGHAI)
    closes = datetime.combine(period.last_day + timedelta(days=policy.window_days), time(23, 59, 59), tzinfo=SHANGHAI)
    return opens, closes


def open_period(policy: ReportPolicy, now: datetime) -> Period | None:
    """The period whose window is open at ``now`` (the one just ended), if any."""
    last = previous_period(period_containing(to_shanghai(now).date(), policy.frequency), policy.frequency)
    opens, closes = window(last, policy)
    return last if opens <= now.replace(microsecond=0) <= closes else None


def check_window(period: Period, policy: ReportPolicy, now: datetime) -> None:
    check_between(period, *window(period, policy), now)


def check_between(period: Period, opens: datetime, closes: datetime, now: datetime) -> None:
    instant = now.replace(microsecond=0)
    if instant < opens:
        raise precondition("report.too_early", f"{period.label}的调度报告自{_day(opens)}起填报")
    if instant > closes:
        raise precondition("report.window_closed", f"{period.label}的调度报告填报期已于{_day(closes)} 23:59:59结束")


def _day(moment: datetime) -> str:
    local = to_shanghai(moment)
    return f"{local.year}年{local.month}月{local.day}日"


def may_report(status: str, decision_reason: str, recognition_status: str = "") -> str:
    """'recognised', 'reserve' or '' for an application's status after publication; a recognition
    revoked or lapsed (review's events) reports no more."""
    if recognition_status in ("revoked", "lapsed"):
        return ""
    if status == "recognised":
        return "recognised"
    if status == "not_recognised" and decision_reason == RESERVE_REASON:
        return "reserve"
    return ""


def check_figures(raw: Mapping[str, Any], note: str,
                  fields: Mapping[str, tuple[str, str]] = FIELDS) -> dict[str, Any]:
    """The figures as stored (Decimal as text, counts as int); every problem named at its field."""
    problems: list[Violation] = []
    figures: dict[str, Any] = {}
    for field_id, (label, kind) in fields.items():
        value = raw.get(field_id)
        path = f"figures.{field_id}"
        if value is None or value == "":
            problems.append(Violation(path, "required", f"请填写{label}"))
            continue
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            problems.append(Violation(path, "number", f"{label}须为数字，收到“{value}”"))
            continue
        if not number.is_finite() or (kind != "signed_money" and number < 0):
            problems.append(Violation(path, "range", f"{label}不能为负数"))
        elif kind == "count" and number != number.to_integral_value():
            problems.append(Violation(path, "integer", f"{label}须为整数"))
        else:
            figures[field_id] = int(number) if kind == "count" else format(number.normalize(), "f")
    unknown = sorted(set(raw) - set(fields))
    if unknown:
        problems.append(Violation("figures", "unknown", f"未知的字段：{'、'.join(unknown)}；可填：{'、'.join(fields)}"))
    if len(note or "") > MAX_NOTE:
        problems.append(Violation("note", "too_long", f"情况说明不超过{MAX_NOTE}字，现为{len(note)}字"))
    if problems:
        raise invalid("report.invalid", f"调度报告有{len(problems)}处问题", problems)
    return figures


# ---- the yearly data update (rules effective 2026-04-01: by 31 May each year) ------------------

_YEAR = re.compile(r"^\d{4}$")


def is_annual(key: str) -> bool:
    return bool(_YEAR.match(key or ""))


def annual_period(key: str, due: tuple[int, int], first_year: int) -> Period:
    """The update filed in year ``key`` (the previous year's data): 1 January to the due day. Due from
    the year after the programme's (a recognition of 2026 first updates by 31 May 2027)."""
    if not is_annual(key) or not 2000 <= int(key) <= 2099:
        raise invalid("period.invalid", f"年度数据更新的报告期“{key}”无效，请填写更新所在年份，如 2027")
    if int(key) < first_year:
        raise precondition("update.not_yet", f"首次年度数据更新在{first_year}年（{first_year}年{due[0]}月{due[1]}日前）")
    year = int(key)
    return Period(key, date(year, 1, 1), date(year, *due))


def annual_window(period: Period) -> tuple[datetime, datetime]:
    return (datetime.combine(period.first_day, time(0, 0), tzinfo=SHANGHAI),
            datetime.combine(period.last_day, time(23, 59, 59), tzinfo=SHANGHAI))


def current_annual(due: tuple[int, int], now: datetime, first_year: int, open_only: bool) -> Period | None:
    """``open_only``: the update whose window is open now, if any; else the last whose window has closed."""
    year = to_shanghai(now).year
    if open_only:
        if year < first_year:
            return None
        period = annual_period(str(year), due, first_year)
        return period if now.replace(microsecond=0) <= annual_window(period)[1] else None
    if now.replace(microsecond=0) <= annual_window(Period(str(year), date(year, 1, 1), date(year, *due)))[1]:
        year -= 1
    return annual_period(str(year), due, first_year) if year >= first_year else None


def may_update(status: str, recognition_status: str = "") -> str:
    """Only a recognition still valid updates its data ('recognised'), not the 后备 pool."""
    return "recognised" if status == "recognised" and recognition_status not in ("revoked", "lapsed") else ""
