"""How a contact's mobile number and e-mail address must look (enterprises and reviewers)."""

from __future__ import annotations

import re

# 11-digit mainland China mobile number.
MOBILE = re.compile(r"^1[3-9]\d{9}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def is_mobile(text: str) -> bool:
    return MOBILE.match(text) is not None


def is_email(text: str) -> bool:
    return EMAIL.match(text) is not None
