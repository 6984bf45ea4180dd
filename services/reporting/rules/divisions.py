"""Region names and roll-ups for statistics, read from the one GB/T 2260 table
(``kernel.divisions``; ``deploy/divisions/gbt2260.csv``)."""

from __future__ import annotations

from functools import lru_cache

from kernel.divisions import Division, DivisionTable, load_division_table


class Regions:
    def __init__(self, table: DivisionTable) -> None:
        self._table = table

    def get(self, code: str) -> Division | None:
        return self._table.get(code)

    def city_of(self, code: str) -> str:
        """The city-level code above a county (a county directly under a province is its own city)."""
        region = self._table.get(code)
        if region is None:
            return f"{code[:4]}00" if len(code) == 6 and code.isdigit() else code
        if region.level == "county" and region.parent_code:
            parent = self._table.get(region.parent_code)
            return region.parent_code if parent and parent.level == "city" else code
        return code

    def name(self, code: str) -> str:
        region = self._table.get(code)
        return region.name if region else (code or "未知地区")

    def path_name(self, code: str) -> str:
        """'衡阳市 耒阳市' (without the province: reports are per province or city)."""
        names: list[str] = []
        region = self._table.get(code)
        while region is not None and region.level != "province":
            names.insert(0, region.name)
            region = self._table.get(region.parent_code or "")
        return " ".join(names) or self.name(code)


@lru_cache(maxsize=4)
def load_regions(path: str = "") -> Regions:
    return Regions(load_division_table(path or None))
