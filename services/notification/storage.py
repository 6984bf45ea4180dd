"""Notification's MongoDB collections and the indexes they need."""

from __future__ import annotations

from pymongo import DESCENDING, IndexModel

from zjtx.mongo import simple_index

INDEXES = {
    "inbox": [IndexModel([("recipient", 1), ("created_at", DESCENDING)], name="by_recipient"),
              simple_index("recipient", "event_id", unique=True, name="once_per_event")],
}
