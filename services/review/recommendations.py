"""The 推荐库: enterprises a city instance recognised and recommends to one of this
instance's programmes (docs/instances.md, "Upward recommendation").

A city's ``review.recognised`` carries ``recommend_to`` (e.g. Hengyang's 种子企业 ->
``hunan-2020-little-giant``). The city's broker shovels these events to this instance's
``upstream.events`` exchange; review consumes them (at least once, applied once by event
id through the inbox) and keeps each as a recommended candidate, keyed by the recognising
programme and the enterprise's USCC. When the enterprise applies here, its reviewers see
the city's recognition with the application (``city_recommendations``).
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from kernel.jurisdiction import serves
from review import storage
from review.catalogue import Catalogue
from review.messages import city_recommendation_message
from zjtx.envelope import Envelope
from zjtx.events import PermanentEventError
from zjtx.mongo import UnitOfWork
from zjtx_api import review_pb2 as pb

log = logging.getLogger(__name__)


def take_city_recognition(unit: UnitOfWork, catalogue: Catalogue, event: Envelope, now: datetime) -> bool:
    """Keep a city's recognition as a recommended candidate; True when kept. A recognition
    that recommends to no programme of this instance (a 'not recognised', or 'national') is
    not ours to keep: skipped, and the inbox remembers it was seen."""
    try:
        payload = event.payload(pb.Recognition)
    except Exception as error:  # json_format raises several types for bad payloads
        raise PermanentEventError(f"review.recognised {event.id}: unreadable payload ({error})") from error
    if not payload.recognised or payload.recommend_to not in catalogue.programmes:
        log.info("city recognition %s of %s recommends to %r, not a programme of this instance: skipped",
                 event.id, payload.programme_id, payload.recommend_to)
        return False
    if not payload.uscc:
        raise PermanentEventError(f"review.recognised {event.id}: no uscc (sent by a release before the 推荐库)")
    if not serves(payload.region_code or payload.owner, catalogue.jurisdiction):
        raise PermanentEventError(f"review.recognised {event.id}: enterprise region {payload.region_code} lies "
                                  f"outside this instance's jurisdiction {catalogue.jurisdiction}")
    storage.save_city_recommendation(unit, {
        "_id": f"{payload.programme_id}:{payload.uscc}", "event_id": event.id, "uscc": payload.uscc,
        "enterprise_name": payload.enterprise_name, "region_code": payload.region_code,
        "from_programme_id": payload.programme_id, "from_programme_title": payload.programme_title,
        "from_owner": payload.owner, "from_owner_name": payload.owner_name, "rank": payload.rank,
        "score": payload.score, "published_at": payload.published_at, "recommend_to": payload.recommend_to,
        "source_application_id": payload.application_id, "received_at": now})
    return True


def listed(db: Any, programme_id: str) -> list[pb.CityRecommendation]:
    """The 推荐库 of one programme, each with the enterprise's application here once it applied."""
    documents = storage.city_recommendations(db, programme_id)
    applied = storage.applications_by_uscc(db, programme_id, {d["uscc"] for d in documents})
    return [city_recommendation_message(d, applied.get(d["uscc"], "")) for d in documents]


def of_application(db: Any, application: dict[str, Any] | None) -> list[pb.CityRecommendation]:
    """A city's recognitions of the enterprise behind ``application``, for its reviewers."""
    if not application:
        return []
    uscc = (application.get("enterprise") or {}).get("uscc", "")
    return [city_recommendation_message(d, application["_id"])
            for d in storage.city_recommendations_of(db, uscc, application["programme_id"])]
