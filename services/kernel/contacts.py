"""How a contact's mobile number and e-mail address must look (enterprises and reviewers)."""

from __future__ import annotations

import re

from kernel.patterns import END, WHITESPACE

# Published in the gateway's OpenAPI document as they are, so spelled to mean the same in
# every regex engine (kernel/patterns.py). 11-digit mainland China mobile number.
MOBILE = re.compile(f"^1[3-9][0-9]{{9}}{END}")
EMAIL = re.compile(f"^[^@{WHITESPACE}]+@[^@{WHITESPACE}]+\\.[^@{WHITESPACE}]+{END}")


def is_mobile(text: str) -> bool:
    return MOBILE.match(text) is not None


def is_email(text: str) -> bool:
    return EMAIL.match(text) is not None
