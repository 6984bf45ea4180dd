"""A recognition's life after publication: how long it is valid, renewal by a 复核 cycle,
lapse when not renewed, revocation with a reason. Pure rules; Chinese texts for people.

- Valid from the day of publication through the day before the same date ``validity_years``
  later, 23:59:59 Beijing time (published 2020-06-05, 3 years: through 2023-06-04).
- A 复核 cycle (a programme with ``renews``) recognises an enterprise again on the rules
  current then: its recognition by the renewed programme, still valid, is extended by the
  cycle's validity from its old end.
- Not renewed by its end: it lapses at the first clock tick after, with a notice.
- Revoked at any time by the owner's admin, with a reason (e.g. 弄虚作假, 重大安全事故).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from review.rules.decisions import beijing
from zjtx.clock import SHANGHAI, to_shanghai
from zjtx.errors import invalid, precondition

VALID = "valid"
LAPSED = "lapsed"
REVOKED = "revoked"
STATUS_LABELS = {VALID: "有效", LAPSED: "已失效（有效期届满未复核）", REVOKED: "已撤销"}
MAX_REASON = 2000


def _years_later(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def valid_until(start: datetime, years: int) -> datetime:
    """The last valid second of a recognition that starts at ``start`` and lasts ``years``."""
    last_day = _years_later(to_shanghai(start).date(), years) - timedelta(days=1)
    return datetime.combine(last_day, time(23, 59, 59), tzinfo=SHANGHAI)


def renewed_until(current_end: datetime, years: int) -> datetime:
    """A renewal continues from the old end: the next day starts the new period."""
    return valid_until(current_end + timedelta(seconds=1), years)


def is_due_to_lapse(status: str, end: datetime | None, now: datetime) -> bool:
    return status == VALID and end is not None and now.replace(microsecond=0) > end


def check_can_renew(status: str, end: datetime | None, now: datetime, title: str) -> None:
    if status != VALID:
        raise precondition("recognition.not_valid", f"{title}认定{STATUS_LABELS.get(status, status)}，不能通过复核续期")
    if end is not None and now.replace(microsecond=0) > end:
        raise precondition("recognition.expired", f"{title}认定已于{beijing(end)}届满，不能续期")


def check_revocation(status: str, reason: str) -> str:
    text = (reason or "").strip()
    if not text:
        raise invalid("reason.required", "撤销认定须填写理由")
    if len(text) > MAX_REASON:
        raise invalid("reason.too_long", f"撤销理由不超过{MAX_REASON}字，现为{len(text)}字")
    if status != VALID:
        raise precondition("recognition.not_valid", f"该认定{STATUS_LABELS.get(status, status)}，不能撤销")
    return text


def lapse_notice(enterprise_name: str, title: str, end: datetime) -> str:
    return (f"{enterprise_name}：贵企业经{title}获得的认定，有效期已于{beijing(end)}届满，"
            f"未通过复核续期，认定自动失效。如需再次认定，请在以后年度按通知重新申报。")


def revoke_notice(enterprise_name: str, title: str, reason: str) -> str:
    return f"{enterprise_name}：贵企业经{title}获得的认定已被撤销。撤销理由：{reason}"


def renew_notice(enterprise_name: str, title: str, end: datetime) -> str:
    return f"{enterprise_name}：贵企业通过复核，{title}认定有效期延续至{beijing(end)}。"
