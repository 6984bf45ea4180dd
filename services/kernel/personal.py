"""Which fields of the platform's data are personal (PIPL), declared once for every service.

Two kinds:

- **contacts in events** (an enterprise's contact person, a reviewer's, an objector's):
  the keys ``CONTACT_KEYS``; reporting, which needs none, drops them;
- **the application form's own personal fields**: the fields a programme marks
  ``personal: true`` in its document (deploy/programmes), and, for documents that do not
  mark them, the field ids every notice's 申报书 uses for people (``PERSONAL_FIELD_IDS``),
  plus the pledge's signer (``PLEDGE_PERSONAL_KEYS``). ``ProgrammeModel.personal_fields``
  answers from both.

A personal form value is *sealed* (``zjtx.crypto``: ``enc:1:<alg>:<base64>``) in every
database that keeps it and in every event that carries it, with its path as associated
data: ``sections.<section>.<field>``, ``pledge.signer_name``, ``contact.<person|mobile|email>``.
The same sealed string is stored by registration, carried by application.submitted and kept
by review, so sealing costs one encryption per value at submission and nothing after.
This module only walks the documents; the cipher (anything with ``encrypt(aad, value)`` and
``decrypt(aad, value)``, i.e. ``zjtx.crypto.FieldCipher``) is passed in, so the kernel stays
free of cryptography.

Erasure (PIPL art. 47) replaces each of these values with ``ERASED``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Protocol

# Contact keys of the events' payloads: an enterprise's contact (person, mobile, e-mail, also
# sealed), a reviewer's, an objector's.
CONTACT_KEYS = frozenset({"contact", "sealed_contact", "mobile", "email", "objector"})
# The form's fields that name or reach a person, as every notice's 申报书 calls them: personal
# even where a programme document does not mark them.
PERSONAL_FIELD_IDS = frozenset({"legal_representative", "contact_name", "contact_phone", "contact_email",
                                "contact_mobile", "contact_person"})
PLEDGE_PERSONAL_KEYS = ("signer_name",)
CONTACT_FIELDS = ("person", "mobile", "email")
# What erasure leaves in place of a personal value (shown as it is to anyone reading the record).
ERASED = "〔已删除〕"
# zjtx.crypto.PREFIX's family: a sealed value is recognised without importing the cipher.
SEALED_MARK = "enc:"
# Default archive period of a programme's records (years) when its document names none: an
# assumption (docs/personal-data.md, no rule fixes it for these files), the 定期10年 keeping
# period of administrative files (文书档案保管期限规定); a programme sets its own with ``archive_years``.
DEFAULT_ARCHIVE_YEARS = 10


class Cipher(Protocol):
    def encrypt(self, field: str, value: str) -> str: ...

    def decrypt(self, field: str, value: str) -> str: ...


def is_sealed(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(SEALED_MARK)


# every key without_contacts drops, in one set (one look-up a key)
DROPPED_KEYS = CONTACT_KEYS | PERSONAL_FIELD_IDS | frozenset(PLEDGE_PERSONAL_KEYS)


def without_contacts(value: Any) -> Any:
    """A copy of ``value`` (JSON-like) with every contact key, every sealed value and every
    personal form field removed, at any depth (reporting keeps none).

    Every event reporting archives or replays goes through here (a rebuild of 10,000
    applications: 1.6 million values), so a leaf is handled where it is found instead of
    in a call of its own (issue 16: 3-4x less CPU than the call per value)."""
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            if k in DROPPED_KEYS:
                continue
            if isinstance(v, str):
                if v.startswith(SEALED_MARK):
                    continue
                out[k] = v
            elif isinstance(v, dict | list):
                out[k] = without_contacts(v)
            else:
                out[k] = v
        return out
    if isinstance(value, list):
        return [without_contacts(v) if isinstance(v, dict | list) else v for v in value if not is_sealed(v)]
    return value


# ---- the form's personal fields, sealed and opened by path ------------------------------


def section_path(section_id: str, field_id: str) -> str:
    return f"sections.{section_id}.{field_id}"


def seal_section(cipher: Cipher, section_id: str, data: Mapping[str, Any], personal: Iterable[str]) -> dict[str, Any]:
    """``data`` (one section's values) with the ``personal`` field ids sealed."""
    wanted = set(personal)
    return {k: cipher.encrypt(section_path(section_id, k), v) if k in wanted and isinstance(v, str) else v
            for k, v in data.items()}


def open_section(cipher: Cipher, section_id: str, data: Mapping[str, Any]) -> dict[str, Any]:
    """``data`` with every sealed value opened (no programme needed: sealed values say so)."""
    return {k: cipher.decrypt(section_path(section_id, k), v) if is_sealed(v) else v for k, v in data.items()}


def seal_sections(cipher: Cipher, sections: Mapping[str, Mapping[str, Any]],
                  personal: Mapping[str, Iterable[str]]) -> dict[str, Any]:
    """``{section: {field: value}}`` with each section's personal fields sealed."""
    return {sid: seal_section(cipher, sid, values, personal.get(sid, ())) if isinstance(values, Mapping) else values
            for sid, values in sections.items()}


def open_sections(cipher: Cipher, sections: Mapping[str, Any]) -> dict[str, Any]:
    return {sid: open_section(cipher, sid, values) if isinstance(values, Mapping) else values
            for sid, values in sections.items()}


def seal_pledge(cipher: Cipher, pledge: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if pledge is None:
        return None
    return {k: cipher.encrypt(f"pledge.{k}", v) if k in PLEDGE_PERSONAL_KEYS and isinstance(v, str) else v
            for k, v in pledge.items()}


def open_pledge(cipher: Cipher, pledge: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if pledge is None:
        return None
    return {k: cipher.decrypt(f"pledge.{k}", v) if is_sealed(v) else v for k, v in pledge.items()}


def seal_contact(cipher: Cipher, contact: Mapping[str, Any] | None) -> dict[str, str]:
    contact = contact or {}
    return {k: cipher.encrypt(f"contact.{k}", str(contact.get(k, "") or "")) for k in CONTACT_FIELDS}


def open_contact(cipher: Cipher, contact: Mapping[str, Any] | None) -> dict[str, str]:
    contact = contact or {}
    return {k: cipher.decrypt(f"contact.{k}", str(contact.get(k, "") or "")) for k in CONTACT_FIELDS}


def seal_snapshot(cipher: Cipher, snapshot: Mapping[str, Any], personal: Mapping[str, Iterable[str]]) -> dict[str, Any]:
    """The snapshot as stored and sent: its personal values sealed. Its ``content_hash`` was
    computed over the clear values before (registration/rules/snapshots.py), so whoever opens
    the snapshot can still recompute it."""
    sealed = dict(snapshot)
    sealed["sections"] = seal_sections(cipher, snapshot.get("sections") or {}, personal)
    sealed["pledge"] = seal_pledge(cipher, snapshot.get("pledge")) or {}
    if isinstance(snapshot.get("enterprise"), Mapping):
        enterprise = dict(snapshot["enterprise"])
        if "contact" in enterprise:
            enterprise["contact"] = seal_contact(cipher, enterprise["contact"])
        sealed["enterprise"] = enterprise
    return sealed


def open_snapshot(cipher: Cipher, snapshot: Mapping[str, Any]) -> dict[str, Any]:
    opened = dict(snapshot)
    opened["sections"] = open_sections(cipher, snapshot.get("sections") or {})
    opened["pledge"] = open_pledge(cipher, snapshot.get("pledge")) or {}
    if isinstance(snapshot.get("enterprise"), Mapping) and "contact" in snapshot["enterprise"]:
        opened["enterprise"] = {**snapshot["enterprise"], "contact": open_contact(cipher, snapshot["enterprise"]["contact"])}
    return opened


def erase_sections(sections: Mapping[str, Any], personal: Mapping[str, Iterable[str]]) -> dict[str, Any]:
    """Sections with every personal value (declared, or sealed) replaced by ``ERASED``."""
    out: dict[str, Any] = {}
    for sid, values in sections.items():
        if not isinstance(values, Mapping):
            out[sid] = values
            continue
        wanted = set(personal.get(sid, ()))
        out[sid] = {k: ERASED if (k in wanted or k in PERSONAL_FIELD_IDS or is_sealed(v)) and v not in ("", None)
                    else v for k, v in values.items()}
    return out


def erase_pledge(pledge: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if pledge is None:
        return None
    return {k: ERASED if k in PLEDGE_PERSONAL_KEYS and v else v for k, v in pledge.items()}


def erased_contact() -> dict[str, str]:
    return {k: ERASED for k in CONTACT_FIELDS}
