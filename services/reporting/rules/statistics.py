"""Programme statistics from grouped counts of the applications read model.

Storage groups submitted applications by (status, region, industry, focus category,
level, day of first submission) and counts them; these functions roll the groups up into
the figures the departments ask for. Applications on the open 公示 list are counted as
``in_publicity`` instead of ``recommended`` (the list is a programme fact).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from kernel.programme import ProgrammeModel
from kernel.statuses import STATUS_LABELS
from reporting.rules.divisions import Regions
from reporting.rules.projections import RECOMMENDED_STATUSES

DIMENSIONS = ("status", "region_code", "industry", "focus_category", "level", "submitted_day")
STATUS_ORDER = ("submitted", "in_review", "returned", "passed", "recommended", "in_publicity", "recognised",
                "not_recognised", "rejected", "withdrawn")


@dataclass(frozen=True)
class Bucket:
    key: str
    label: str
    count: int


@dataclass(frozen=True)
class DailyCount:
    date: str
    count: int
    cumulative: int


@dataclass(frozen=True)
class RegionRecognition:
    region_code: str
    region_name: str
    applications: int
    recommended: int
    recognised: int
    not_recognised: int

    @property
    def rate(self) -> float:
        return self.recognised / self.applications if self.applications else 0.0

    @property
    def rate_text(self) -> str:
        return f"{self.rate * 100:.1f}%"


@dataclass(frozen=True)
class Statistics:
    programme_id: str
    programme_title: str
    as_of: str
    scope: str
    region_prefix: str
    applications: int
    by_status: list[Bucket] = field(default_factory=list)
    by_city: list[Bucket] = field(default_factory=list)
    by_county: list[Bucket] = field(default_factory=list)
    by_industry: list[Bucket] = field(default_factory=list)
    by_focus_category: list[Bucket] = field(default_factory=list)
    by_level: list[Bucket] = field(default_factory=list)
    submissions_per_day: list[DailyCount] = field(default_factory=list)
    recognition_by_city: list[RegionRecognition] = field(default_factory=list)


def _key(row: Mapping[str, Any]) -> tuple[Any, ...]:
    return tuple(row.get(d) if row.get(d) is not None else "" for d in DIMENSIONS)


def combine(groups: Iterable[Mapping[str, Any]], in_publicity: Iterable[Mapping[str, Any]]) -> Counter[tuple[Any, ...]]:
    """Counts per dimension tuple, with applications on the 公示 list moved to in_publicity."""
    counts: Counter[tuple[Any, ...]] = Counter()
    for row in groups:
        counts[_key(row)] += int(row["n"])
    for row in in_publicity:
        listed = _key(row)
        moved = min(int(row["n"]), counts[listed])
        counts[listed] -= moved
        counts[("in_publicity", *listed[1:])] += moved
    return +counts


def _roll(counts: Counter[tuple[Any, ...]], index: int) -> Counter[Any]:
    rolled: Counter[Any] = Counter()
    for key, n in counts.items():
        rolled[key[index]] += n
    return rolled


def _by_count(rolled: Counter[Any], label: Any) -> list[Bucket]:
    return [Bucket(str(k), label(k), n) for k, n in sorted(rolled.items(), key=lambda kv: (-kv[1], str(kv[0])))]


def daily(rolled: Counter[Any]) -> list[DailyCount]:
    """Submissions per day, every day from the first to the last (the deadline surge shows)."""
    days = sorted(d for d in rolled if d)
    if not days:
        return []
    first, last = date.fromisoformat(days[0]), date.fromisoformat(days[-1])
    out, total, day = [], 0, first
    while day <= last:
        n = rolled.get(day.isoformat(), 0)
        total += n
        out.append(DailyCount(day.isoformat(), n, total))
        day += timedelta(days=1)
    return out


def recognition_by_city(counts: Counter[tuple[Any, ...]], regions: Regions) -> list[RegionRecognition]:
    per_city: dict[str, Counter[str]] = {}
    for (status, region, *_), n in counts.items():
        city = per_city.setdefault(regions.city_of(str(region)), Counter())
        if status != "withdrawn":
            city["total:applications"] += n
        if status in RECOMMENDED_STATUSES:
            city["total:recommended"] += n
        city[status] += n
    return [RegionRecognition(code, regions.name(code), c["total:applications"], c["total:recommended"],
                              c["recognised"], c["not_recognised"]) for code, c in sorted(per_city.items())]


def compute(groups: Iterable[Mapping[str, Any]], in_publicity: Iterable[Mapping[str, Any]], programme: ProgrammeModel,
            regions: Regions, as_of: str, scope: str = "programme", region_prefix: str = "") -> Statistics:
    counts = combine(groups, in_publicity)
    statuses = _roll(counts, 0)
    focus_order = list(programme.focus_titles)
    focus = _roll(counts, 3)
    return Statistics(
        programme_id=programme.id, programme_title=programme.title, as_of=as_of, scope=scope,
        region_prefix=region_prefix, applications=sum(counts.values()),
        by_status=[Bucket(s, STATUS_LABELS[s], statuses[s]) for s in STATUS_ORDER if statuses.get(s)],
        by_city=_by_count(Counter({c: n for c, n in _city_counts(counts, regions).items()}), regions.name),
        by_county=[Bucket(str(k), regions.path_name(str(k)), n) for k, n in sorted(_roll(counts, 1).items())],
        by_industry=_by_count(_roll(counts, 2), lambda k: str(k) or "未填写"),
        by_focus_category=[Bucket(str(k), programme.focus_titles.get(str(k)) or (str(k) or "未选择"), n)
                           for k, n in sorted(focus.items(), key=lambda kv: (
                               focus_order.index(kv[0]) if kv[0] in focus_order else len(focus_order), str(kv[0])))],
        by_level=[Bucket(str(k), programme.level_title(int(k or 0)), n)
                  for k, n in sorted(_roll(counts, 4).items(), key=lambda kv: int(kv[0] or 0))],
        submissions_per_day=daily(_roll(counts, 5)),
        recognition_by_city=recognition_by_city(counts, regions),
    )


def _city_counts(counts: Counter[tuple[Any, ...]], regions: Regions) -> Counter[str]:
    cities: Counter[str] = Counter()
    for key, n in counts.items():
        cities[regions.city_of(str(key[1]))] += n
    return cities
