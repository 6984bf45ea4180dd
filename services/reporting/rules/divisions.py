"""Region names and roll-ups for statistics, from the shipped GB/T 2260 table
(``deploy/divisions/gbt2260.csv``; columns code,name,level,parent_code,status)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from zjtx.config import REPO_ROOT

DEFAULT_TABLE = REPO_ROOT / "deploy" / "divisions" / "gbt2260.csv"


@dataclass(frozen=True)
class Region:
    code: str
    name: str
    level: str
    parent: str


class Regions:
    def __init__(self, regions: dict[str, Region]) -> None:
        self._regions = regions

    def get(self, code: str) -> Region | None:
        return self._regions.get(code)

    def city_of(self, code: str) -> str:
        """The city-level code above a county (a county directly under a province is its own city)."""
        region = self._regions.get(code)
        if region is None:
            return f"{code[:4]}00" if len(code) == 6 and code.isdigit() else code
        if region.level == "county" and region.parent:
            parent = self._regions.get(region.parent)
            return region.parent if parent and parent.level == "city" else code
        return code

    def name(self, code: str) -> str:
        region = self._regions.get(code)
        return region.name if region else (code or "未知地区")

    def path_name(self, code: str) -> str:
        """'衡阳市 耒阳市' (without the province: reports are per province or city)."""
        names: list[str] = []
        region = self._regions.get(code)
        while region is not None and region.level != "province":
            names.insert(0, region.name)
            region = self._regions.get(region.parent)
        return " ".join(names) or self.name(code)


@lru_cache(maxsize=4)
def load_regions(path: str = "") -> Regions:
    table = Path(path) if path else DEFAULT_TABLE
    regions: dict[str, Region] = {}
    with table.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            code = row["code"].strip()
            regions[code] = Region(code, row["name"].strip(), row["level"].strip(), (row.get("parent_code") or "").strip())
    return Regions(regions)
