"""Reporting's MongoDB collections: the event archive and the read models built from it."""

from __future__ import annotations

from zjtx.mongo import simple_index

INDEXES = {
    "event_archive": [simple_index("seq"), simple_index("subject")],
    "enterprises": [simple_index("region_code")],
}
