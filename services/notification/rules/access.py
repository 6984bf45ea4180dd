"""Who may read and change what (the service checks again what the gateway checked).

- an enterprise: its own inbox and preferences (``enterprise:<its id>``);
- a reviewer: its unit's inbox (``unit:<its unit>``) and its own account's preferences;
- an admin: as a reviewer, plus the inbox of the programmes its unit owns (``admin:<id>``);
- operations staff and services (``system``): everything, and alone the deliveries.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from zjtx.errors import Violation, forbidden, invalid

RECIPIENT = re.compile(r"^(enterprise|unit|admin|account):[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
STAFF = ("operations", "system")


def check_recipient(recipient: str) -> str:
    recipient = recipient.strip()
    if not RECIPIENT.match(recipient):
        raise invalid("recipient.invalid", f"收件人“{recipient}”无效",
                      [Violation("recipient", "recipient",
                                 "收件人格式应为 enterprise:<企业ID>、unit:<审核单位ID>、admin:<批次ID> 或 account:<账号ID>")])
    return recipient


def may_read(role: str, subject: str, unit: str, enterprise_id: str, recipient: str,
             programme_owner_unit: Callable[[str], str | None]) -> bool:
    """``programme_owner_unit(programme_id)`` answers the owning unit id (or None when unknown)."""
    kind, _, key = recipient.partition(":")
    if role in STAFF:
        return True
    if role == "enterprise":
        return kind == "enterprise" and bool(enterprise_id) and key == enterprise_id
    if role in ("reviewer", "admin"):
        if (kind == "unit" and unit and key == unit) or (kind == "account" and subject and key == subject):
            return True
        return role == "admin" and kind == "admin" and bool(unit) and programme_owner_unit(key) == unit
    return False


def check_may_read(role: str, subject: str, unit: str, enterprise_id: str, recipient: str,
                   programme_owner_unit: Callable[[str], str | None]) -> None:
    if not may_read(role, subject, unit, enterprise_id, recipient, programme_owner_unit):
        raise forbidden("recipient.forbidden", f"无权查看或修改“{recipient}”的通知：只能访问本企业、本单位或本人的通知")


def check_staff(role: str) -> None:
    if role not in STAFF:
        raise forbidden("delivery.forbidden", "只有运维人员可以查看和重试投递记录")
