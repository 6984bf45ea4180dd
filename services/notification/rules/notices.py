"""Who hears what: the targets of a notice and the field values its templates get.

Recipients (see notification.proto): an enterprise is ``enterprise:<id>`` on every
channel (e-mail and SMS go to its contact person); a review unit's reviewers share the
inbox ``unit:<unit id>`` and each gets e-mail/SMS as ``account:<account id>``; a
programme's admins (admin accounts of the owner's unit) share ``admin:<programme id>``
and get e-mail/SMS as ``account:<account id>``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from kernel.personal import ERASED
from kernel.programme import ProgrammeModel
from notification.rules.catalogue import FIELDS
from zjtx.clock import SHANGHAI

DAY = timedelta(days=1)
TARGET_KINDS = {"section": "栏目", "attachment": "附件", "pledge": "真实性承诺"}


@dataclass(frozen=True)
class Contact:
    person: str = ""
    mobile: str = ""
    email: str = ""


@dataclass(frozen=True)
class Account:
    account_id: str
    name: str
    email: str = ""
    mobile: str = ""
    role: str = "reviewer"


@dataclass(frozen=True)
class Target:
    recipient: str   # the key deliveries and preferences use
    channel: str     # inbox | email | sms
    address: str     # e-mail address or mobile; "" for the inbox
    name: str        # how the message addresses the recipient


@dataclass(frozen=True)
class Notice:
    kind: str
    event_id: str
    event_type: str
    subject: str
    fields: dict[str, str]
    targets: tuple[Target, ...]


# -- formatting ------------------------------------------------------------------------


def parse_time(value: str | datetime) -> datetime | None:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    if not value:
        return None
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def fmt_time(value: str | datetime) -> str:
    """Beijing time as people read it: 2020年5月15日 23:59."""
    moment = parse_time(value)
    if moment is None:
        return "（未定）"
    local = moment.astimezone(SHANGHAI)
    return f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}"


def days_left(now: datetime, deadline: datetime) -> int:
    """Whole days left, rounded up (23 hours before the deadline is 1 day)."""
    return max(0, math.ceil((deadline - now) / DAY))


def or_default(text: str, default: str) -> str:
    return text.strip() or default


def format_reasons(reasons: Iterable[tuple[str, str, str, str]]) -> str:
    """The reviewer's reasons, one numbered line per section / attachment, in the reviewer's order.

    Each reason is ``(target_kind, target, target_title, reason)``.
    """
    grouped: dict[tuple[str, str], tuple[str, list[str]]] = {}
    for kind, target, title, reason in reasons:
        label = f"【{TARGET_KINDS.get(kind, kind)}】{title or target or TARGET_KINDS.get(kind, kind)}"
        grouped.setdefault((kind, target), (label, []))[1].append(reason.strip() or "（未填写具体意见）")
    if not grouped:
        return "（审核单位未填写具体意见，请联系审核单位）"
    return "\n".join(f"{n}. {label}：{'；'.join(texts)}" for n, (label, texts) in enumerate(grouped.values(), 1))


def next_step_text(programme: ProgrammeModel, next_level: int) -> str:
    if next_level > 0:
        return f"申报材料已转入第{next_level}级审核（{programme.level_title(next_level)}）"
    return "已通过最后一级审核，待审核单位上传推荐汇总表后正式推荐"


def round_text(round_number: int) -> str:
    return "首次审核" if round_number <= 0 else f"第{round_number}次修改后重新提交"


# -- targets ---------------------------------------------------------------------------


def enterprise_targets(enterprise_id: str, enterprise_name: str, contact: Contact) -> tuple[Target, ...]:
    """The enterprise's inbox, and its contact person's e-mail and mobile."""
    key = f"enterprise:{enterprise_id}"
    name = contact.person or enterprise_name
    if contact.email == ERASED or contact.mobile == ERASED:  # erased after the archive period: inbox only
        return (Target(key, "inbox", "", enterprise_name),)
    return (Target(key, "inbox", "", enterprise_name),
            Target(key, "email", contact.email.strip(), name),
            Target(key, "sms", contact.mobile.strip(), name))


def account_targets(accounts: Sequence[Account], roles: Iterable[str]) -> tuple[Target, ...]:
    wanted = set(roles)
    targets: list[Target] = []
    for account in accounts:
        if account.role in wanted:
            key = f"account:{account.account_id}"
            targets += [Target(key, "email", account.email.strip(), account.name),
                        Target(key, "sms", account.mobile.strip(), account.name)]
    return tuple(targets)


def unit_targets(unit_id: str, unit_name: str, accounts: Sequence[Account]) -> tuple[Target, ...]:
    """The unit's shared inbox and each reviewer of the unit."""
    return (Target(f"unit:{unit_id}", "inbox", "", unit_name), *account_targets(accounts, ("reviewer",)))


def admin_targets(programme: ProgrammeModel, accounts: Sequence[Account]) -> tuple[Target, ...]:
    """The programme admins' shared inbox and each admin account of the owner's unit."""
    return (Target(f"admin:{programme.id}", "inbox", "", f"{programme.owner_name}管理员"),
            *account_targets(accounts, ("admin",)))


def checked_fields(kind: str, values: dict[str, object]) -> dict[str, str]:
    """The values as text, exactly the kind's fields (a builder that forgets one is a bug)."""
    expected = set(FIELDS[kind])
    if set(values) != expected:
        raise ValueError(f"{kind}: builder gave {sorted(values)}, catalogue declares {sorted(expected)}")
    return {key: str(value) for key, value in values.items()}


def programme_fields(programme: ProgrammeModel) -> dict[str, object]:
    return {"programme_title": programme.title, "owner_name": programme.owner_name}
