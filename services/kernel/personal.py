"""Which fields of the platform's data are personal (PIPL), for the services that must not keep them.

Events carry a contact where a service needs to reach someone (notification); a service that
needs no personal field (reporting) drops them before it keeps anything. The list is the
one in docs/personal-data.md.
"""

from __future__ import annotations

from typing import Any

# Contact keys of the events' payloads: an enterprise's contact (person, mobile, e-mail), a
# reviewer's, an objector's. The application form's own fields (the contact the programme's
# section asks for, the pledge's signer) are part of the application document, kept with it.
CONTACT_KEYS = frozenset({"contact", "mobile", "email", "objector"})


def without_contacts(value: Any) -> Any:
    """A copy of ``value`` (JSON-like) with every contact key removed, at any depth."""
    if isinstance(value, dict):
        return {k: without_contacts(v) for k, v in value.items() if k not in CONTACT_KEYS}
    if isinstance(value, list):
        return [without_contacts(v) for v in value]
    return value
