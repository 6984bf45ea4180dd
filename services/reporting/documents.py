"""Reporting's documents as stored: a read model's ``facts`` and an archived event's ``data``
each as one BSON bytes value.

A document is its facts (``rules.projections``: the events' statements, ~180 values for an
application) and the view derived from them (~45 values, which the queries and indexes use).
Nothing queries inside the facts: they are read whole, to apply the next event or to print
the application. So they are stored as one value, ``bson.encode(facts)``: the database server
handles one bytes value instead of decoding, encoding and logging every sub-value on each
write (issue 16: on SecantusDB an insert without secondary indexes fell from ~0.35 to
~0.15 ms), and the projector's compare-and-set filter (``facts`` as read) is a comparison of
bytes. The price: a look at a document in a MongoDB shell shows the facts as binary
(``bson.decode`` them, or read the view fields, which say what the table and the statistics
show).

Documents written before this held their facts as a sub-document; ``loaded`` reads both, and
the next event or a rebuild writes them in this form.

The same for the event archive's payloads (``data``): nothing queries inside them (the archive is
read by key, instant, arrival, type and subject), a rebuild reads every one of them, and the live
handler writes one per event. ``archived`` reads both forms.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import bson
from bson import Binary
from bson.codec_options import CodecOptions

FACTS = "facts"
_DECODING = CodecOptions(tz_aware=True)  # as the service's client reads (the facts hold none, but alike)


def stored(document: Mapping[str, Any]) -> dict[str, Any]:
    """The document to write: its facts as one bytes value."""
    facts = document.get(FACTS)
    return {**document, FACTS: Binary(bson.encode(facts))} if isinstance(facts, Mapping) else dict(document)


def facts_of(value: Any) -> dict[str, Any] | None:
    """Stored facts (bytes, or a sub-document of a document written before) as a dict."""
    if value is None:
        return None
    if isinstance(value, bytes):
        return bson.decode(value, codec_options=_DECODING)
    return dict(value)


def loaded(document: dict[str, Any] | None) -> dict[str, Any] | None:
    """A document as read, with its facts as a dict again (what the rules read)."""
    if document is not None and isinstance(document.get(FACTS), bytes):
        document[FACTS] = facts_of(document[FACTS])
    return document


def unpacked(entry: dict[str, Any]) -> tuple[dict[str, Any], bool]:
    """An archive entry as read, with its payload as a dict again; and whether that payload had
    every contact and personal value removed when it was archived: a payload stored as bytes had
    (``storage.archive_document`` has removed them since 4 December 2026, before the bytes form
    of 5 December); a sub-document may be older than that, and is stripped when replayed."""
    as_bytes = isinstance(entry.get("data"), bytes)
    if as_bytes:
        entry["data"] = bson.decode(entry["data"], codec_options=_DECODING)
    return entry, as_bytes


def archived(entry: dict[str, Any]) -> dict[str, Any]:
    """An archive entry as read, with its payload as a dict again."""
    return unpacked(entry)[0]


def payload(data: Mapping[str, Any]) -> Binary:
    """An event's payload as the archive stores it."""
    return Binary(bson.encode(data))
