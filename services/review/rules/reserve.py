"""The 后备 pool (小巨人（后备）/ 种子（后备）企业): who enters it, what an entry says, and how
a member is marked when it applies again to a later programme of the same owner.

The notices speak throughout of 后备 enterprises: those that passed every reviewing level
but were not chosen at 择优认定 stay under cultivation, and a city recommends candidates
of its own. The pool belongs to the programme's owner (its division code); it carries
over years: a member applying to a later programme of that owner is marked for its
reviewers. A member recognised later leaves the active pool ("recognised"). Pure rules.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from review.rules import decisions as d
from review.rules.programmes import Programme

NOT_RECOGNISED = "not_recognised"
CITY_RECOMMENDATION = "city_recommendation"
SOURCE_LABELS = {NOT_RECOGNISED: "通过审核未获认定", CITY_RECOMMENDATION: "市州推荐"}
ACTIVE = "active"
RECOGNISED = "recognised"
STATUS_LABELS = {ACTIVE: "在库", RECOGNISED: "已获认定"}
NOT_CHOSEN = "未列入择优认定名单"


def enters_pool(previous_status: str, reason: str) -> bool:
    """An application recommended by its last reviewing level and not chosen at 择优认定.

    One taken off the 公示 list after an upheld objection (``removed``) does not enter: an
    objection upheld is a finding against it, not a place in the queue.
    """
    return previous_status == d.RECOMMENDED and reason == NOT_CHOSEN


def entry_id(programme_id: str, enterprise_id: str, source: str) -> str:
    """One entry per enterprise, source programme and source: entering twice changes nothing."""
    return f"{programme_id}:{enterprise_id}:{source}"


def pool_entry(programme: Programme, application: Mapping[str, Any], now: datetime, score: str) -> dict[str, Any]:
    """The pool entry of an application that passed review but was not recognised."""
    enterprise = dict(application["enterprise"])
    return {
        "_id": entry_id(programme.id, enterprise["enterprise_id"], NOT_RECOGNISED),
        "owner": programme.owner, "programme_id": programme.id, "programme_title": programme.title,
        "year": programme.year, "application_id": application["_id"], "enterprise": enterprise, "score": score,
        "source": NOT_RECOGNISED,
        "reason": f"{programme.title}：通过{application.get('recommended_unit_name') or '审核单位'}审核推荐，{NOT_CHOSEN}",
        "listed_at": now, "status": ACTIVE, "recognised_in": "",
    }


def candidate_entry(owner: str, programme_id: str, programme_title: str, year: int, enterprise: Mapping[str, Any],
                    recommended_by: str, note: str, now: datetime) -> dict[str, Any]:
    """A candidate a city's instance recommends into the owner's pool (see ``review.reserve``)."""
    return {
        "_id": entry_id(programme_id, str(enterprise["enterprise_id"]), CITY_RECOMMENDATION),
        "owner": owner, "programme_id": programme_id, "programme_title": programme_title, "year": year,
        "application_id": "", "enterprise": dict(enterprise), "score": "", "source": CITY_RECOMMENDATION,
        "reason": f"{recommended_by}推荐" + (f"：{note}" if note else ""), "listed_at": now, "status": ACTIVE,
        "recognised_in": "",
    }


def carried_entries(programme: Programme, entries: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """The active entries of the programme's owner from earlier years, newest first."""
    found = [e for e in entries
             if e["owner"] == programme.owner and e["status"] == ACTIVE and e["year"] < programme.year]
    return sorted(found, key=lambda e: (-e["year"], e["programme_id"]))


def reserve_note(programme: Programme, entries: Iterable[Mapping[str, Any]]) -> str:
    """What reviewers read on a pool member's application (Chinese), "" for a non-member."""
    carried = carried_entries(programme, entries)
    if not carried:
        return ""
    parts = []
    for e in carried:
        score = f"，评价得分{e['score']}分" if e.get("score") else ""
        parts.append(f"{e['year']}年后备企业（{SOURCE_LABELS.get(e['source'], e['source'])}：{e['reason']}{score}）")
    return "；".join(parts)


def matches(entry: Mapping[str, Any], programme_id: str = "", year: int = 0, region_prefix: str = "",
            status: str = "", source: str = "") -> bool:
    """The list's filters; an empty filter matches everything."""
    return ((not programme_id or entry["programme_id"] == programme_id)
            and (not year or entry["year"] == year)
            and (not region_prefix or str(entry["enterprise"].get("region_code", "")).startswith(region_prefix))
            and (not status or entry["status"] == status)
            and (not source or entry["source"] == source))
