"""Review's MongoDB collections and the indexes they need."""

from __future__ import annotations

from zjtx.mongo import simple_index

INDEXES = {
    "enterprises": [simple_index("uscc", unique=True), simple_index("region_code")],
    "reviewers": [simple_index("unit_id", "created_at")],
}
