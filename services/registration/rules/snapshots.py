"""The frozen snapshot of a submitted application and its content hash.

A snapshot copies everything a reviewer judges (the enterprise's profile at that moment,
the sections, the attachments' references with their SHA-256, the pledge) so nothing in
it is a live reference: a later profile change or correction makes a new profile version
or a new snapshot, never a different old one.

Content hash: SHA-256 (hex; SM3 under the 商用密码 profile ``ZJTX_CRYPTO=sm``, named by
``content_hash_alg``, so a snapshot hashed under either profile still verifies) of the canonical JSON of
``{"attachments": [...], "pledge": {...}, "sections": {...}}``: keys sorted, separators
``,`` and ``:``, UTF-8 (no ``\\u`` escapes), integral numbers as integers (``3`` not
``3.0``, as a protobuf Struct would otherwise turn them), attachments in programme-kind
then upload order; an attachment stored under the 商用密码 profile also carries
``digest_alg`` and ``digest`` (its SM3) in its reference. Anyone holding the opened snapshot
(GetSnapshot; the instance's services open the event's sealed personal values) can recompute it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from kernel.conditions import lookup
from kernel.programme import ProgrammeModel
from zjtx.crypto import digest, digest_name

ATTACHMENT_KEYS = ("attachment_id", "kind", "filename", "media_type", "size", "sha256")
# present only on files stored under the 商用密码 profile (zjtx.files): SM3 beside the SHA-256
PROFILE_DIGEST_KEYS = ("digest_alg", "digest")
PLEDGE_KEYS = ("signer_name", "signer_title", "signed_at", "text_sha256")


def canonical(value: Any) -> Any:
    """Plain JSON data with integral floats as ints (what a Struct round trip loses)."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError("NaN and infinity have no canonical form")
        return int(value) if value.is_integer() and abs(value) < 2**53 else value
    if isinstance(value, int):
        return value
    if isinstance(value, Mapping):
        return {str(k): canonical(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [canonical(v) for v in value]
    raise TypeError(f"not plain JSON data: {type(value).__name__}")


def canonical_json(value: Any) -> str:
    return json.dumps(canonical(value), sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def content_hash(sections: Mapping[str, Any], attachments: Sequence[Mapping[str, Any]],
                 pledge: Mapping[str, Any], alg: str = "sha256") -> str:
    """``alg``: "sha256" ("" in snapshots made before the algorithm was named) or "sm3"."""
    body = {"sections": sections, "attachments": [_hashed_ref(a) for a in attachments], "pledge": pledge}
    return digest(canonical_json(body).encode("utf-8"), alg or "sha256")


def _hashed_ref(ref: Mapping[str, Any]) -> dict[str, Any]:
    """An attachment's reference as hashed: the profile's digest only where the file has one (a protobuf
    round trip fills the fields with "" on files stored under SHA-256 alone)."""
    return {k: v for k, v in ref.items() if k not in PROFILE_DIGEST_KEYS or ref.get("digest_alg")}


def attachment_ref(document: Mapping[str, Any]) -> dict[str, Any]:
    ref = {key: document[key] for key in ATTACHMENT_KEYS if key != "attachment_id"}
    ref.update({key: document[key] for key in PROFILE_DIGEST_KEYS if document.get(key)})
    return {"attachment_id": document["_id"], **ref}


def ordered_attachments(programme: ProgrammeModel, documents: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """References in programme-kind order, then upload order within a kind."""
    rank = {spec.kind: index for index, spec in enumerate(programme.attachments)}
    ordered = sorted(documents, key=lambda d: (rank.get(d["kind"], len(rank)), d["seq"], d["_id"]))
    return [attachment_ref(d) for d in ordered]


def pledge_ref(pledge: Mapping[str, Any] | None) -> dict[str, Any]:
    pledge = pledge or {}
    return {key: str(pledge.get(key, "")) for key in PLEDGE_KEYS}


def build_snapshot(*, application_id: str, programme: ProgrammeModel, enterprise: Mapping[str, Any],
                   sections: Mapping[str, Mapping[str, Any]], attachments: Sequence[Mapping[str, Any]],
                   pledge: Mapping[str, Any] | None, version: int, submitted_at: str,
                   first_submitted_at: str) -> dict[str, Any]:
    """The snapshot as plain data (stored, and sent in application.submitted/resubmitted).

    ``enterprise``: the profile fields (enterprise_id, uscc, name, region_code,
    region_name, industry, park_id, contact{person, mobile, email}, profile_version).
    """
    frozen_sections = canonical({sid: dict(values) for sid, values in sections.items()})
    alg = digest_name()  # SHA-256, or SM3 under the 商用密码 profile
    references = ordered_attachments(programme, attachments)
    signature = pledge_ref(pledge)
    focus = lookup(frozen_sections, programme.focus_field) if programme.focus_field else None
    return {
        "application_id": application_id,
        "programme_id": programme.id,
        "programme_version": programme.version,
        "programme_title": programme.title,
        "enterprise": dict(enterprise),
        "snapshot_version": version,
        "content_hash": content_hash(frozen_sections, references, signature, alg),
        "content_hash_alg": alg,
        "submitted_at": submitted_at,
        "first_submitted_at": first_submitted_at,
        "sections": frozen_sections,
        "attachments": references,
        "pledge": signature,
        "focus_category": focus if isinstance(focus, str) else "",
    }
