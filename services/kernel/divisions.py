"""GB/T 2260 administrative divisions: the one reader of the shipped table, checks on
region codes, and containment (does a code lie in a province, city or county).

The table is ``deploy/divisions/gbt2260.csv`` (see the README beside it) with columns
``code,name,level,parent_code,status``; ``status`` is ``current`` or ``historical``
(a code that was in force in 2020, kept so older records still resolve).
"""

from __future__ import annotations

import csv
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

ENV_VAR = "ZJTX_DIVISIONS_FILE"
TABLE_RELATIVE_PATH = Path("deploy") / "divisions" / "gbt2260.csv"
LEVELS = ("province", "city", "county")
LEVEL_NAMES = {"province": "省级", "city": "市级", "county": "县级"}
STATUSES = ("current", "historical")
REQUIRED_COLUMNS = ("code", "name", "level", "parent_code")
# Examples in messages come from this province when nothing closer matches: the
# platform's first deployment is Hunan.
HOME_PROVINCE_PREFIX = "43"
# A division code as programme documents and units write it: six digits, not starting with 0.
DIVISION_RE = re.compile(r"^[1-9]\d{5}$")


def is_division_code(code: object) -> bool:
    return isinstance(code, str) and DIVISION_RE.match(code) is not None


def region_prefix(division: str) -> str:
    """The code prefix shared by a division and everything beneath it (430000 -> 43, 430400 -> 4304)."""
    code = division.strip()
    while len(code) > 2 and code.endswith("00"):
        code = code[:-2]
    return code


def division_within(code: str, area: str) -> bool:
    """True if division ``code`` lies in ``area`` (a province, city or county code); both must
    be 6-digit codes."""
    if len(area) != 6 or len(code) != 6 or not (area.isascii() and area.isdigit() and code.isascii()
                                                 and code.isdigit()):
        return False
    return code.startswith(region_prefix(area))


@dataclass(frozen=True)
class Division:
    code: str
    name: str
    level: str  # province | city | county
    parent_code: str | None
    current: bool = True  # False: replaced since 2020, kept for old records


@dataclass(frozen=True)
class DivisionError:
    """A problem with a region code: a stable ``code`` and a Chinese message."""

    code: str
    message: str


class DivisionTable:
    """In-memory division table; lookups by 6-digit code."""

    def __init__(self, divisions: Iterable[Division]) -> None:
        self._by_code: dict[str, Division] = {}
        for division in divisions:
            if division.code in self._by_code:
                raise ValueError(f"duplicate division code {division.code}")
            self._by_code[division.code] = division
        self._children: dict[str, list[Division]] = {}
        for division in sorted(self._by_code.values(), key=lambda d: d.code):
            if division.parent_code is None:
                continue
            if division.parent_code not in self._by_code:
                raise ValueError(
                    f"division {division.code} has unknown parent {division.parent_code}"
                )
            self._children.setdefault(division.parent_code, []).append(division)

    @classmethod
    def from_csv(cls, path: str | os.PathLike[str]) -> DivisionTable:
        return cls(read_divisions_csv(Path(path)))

    def __len__(self) -> int:
        return len(self._by_code)

    def __iter__(self) -> Iterator[Division]:
        return iter(sorted(self._by_code.values(), key=lambda d: d.code))

    def get(self, code: str) -> Division | None:
        """The division with this code, current or historical; None if unknown."""
        return self._by_code.get(code)

    def is_known(self, code: str, *, include_historical: bool = False) -> bool:
        division = self._by_code.get(code)
        return division is not None and (division.current or include_historical)

    def children(self, code: str, *, include_historical: bool = False) -> list[Division]:
        """Direct subordinates in code order. KeyError if ``code`` is unknown."""
        self._require(code)
        return [
            d for d in self._children.get(code, []) if d.current or include_historical
        ]

    def parent_chain(self, code: str) -> list[Division]:
        """The division and its ancestors: county -> city -> province.

        A county directly under a province (省直辖县级行政区) has no city in its
        chain. KeyError if ``code`` is unknown.
        """
        chain = [self._require(code)]
        while chain[-1].parent_code is not None:
            chain.append(self._by_code[chain[-1].parent_code])
        return chain

    def name_path(self, code: str) -> str:
        """'湖南省 衡阳市 耒阳市' for 430481. KeyError if ``code`` is unknown."""
        return " ".join(d.name for d in reversed(self.parent_chain(code)))

    def validate_region_code(
        self,
        code: str,
        *,
        levels: tuple[str, ...] = ("county",),
        allow_historical: bool = False,
    ) -> list[DivisionError]:
        """Problems with ``code`` as an enterprise's (or unit's) region; [] if fine.

        ``levels`` are the accepted levels. A city with no counties of its own
        (东莞市, 中山市, 嘉峪关市...) counts as county level as well.
        """
        accepted = "或".join(LEVEL_NAMES[level] for level in levels)
        if len(code) != 6 or not all("0" <= c <= "9" for c in code):
            return [DivisionError(
                "division.format",
                f"所属地区代码应为6位数字，当前填写为“{code}”，请填写6位{accepted}行政区划代码，"
                f"例如 {self.example(code, levels)}",
            )]
        division = self._by_code.get(code)
        if division is None:
            return [DivisionError(
                "division.unknown",
                f"所属地区代码 {code} 不在行政区划表中，请填写6位{accepted}行政区划代码，"
                f"例如 {self.example(code, levels)}",
            )]
        if not division.current and not allow_historical:
            return [DivisionError(
                "division.historical",
                f"所属地区代码 {code}（{division.name}）已不是现行行政区划代码，"
                f"请填写现行的6位{accepted}行政区划代码，例如 {self.example(code, levels)}",
            )]
        if not self._effective_levels(division) & set(levels):
            below = self.accepted_below(code, levels)
            if below:  # a city's (or province's) code: say which codes under it are accepted
                shown = "、".join(f"{d.code} {d.name}" for d in below[:LISTED_BELOW])
                more = f"等{len(below)}个" if len(below) > LISTED_BELOW else f"共{len(below)}个"
                return [DivisionError(
                    "division.level",
                    f"所属地区代码 {code} 是{division.name}（{LEVEL_NAMES[division.level]}）的代码，"
                    f"请填写企业所在区县的6位{accepted}行政区划代码（统一社会信用代码第3-8位是登记机关所在地的代码，"
                    f"可能是市级代码，不能直接填写）。{division.name}下可填写：{shown}{more}；"
                    f"完整列表见 GB/T 2260 行政区划代码表（平台数据 deploy/divisions/gbt2260.csv，"
                    f"以 {code[:4] if division.level == 'city' else code[:2]} 开头的{accepted}代码）",
                )]
            return [DivisionError(
                "division.level",
                f"所属地区代码 {code} 是{division.name}（{LEVEL_NAMES[division.level]}）的代码，"
                f"请填写6位{accepted}行政区划代码，例如 {self.example(code, levels)}",
            )]
        return []

    def accepted_below(self, code: str, levels: tuple[str, ...] = ("county",)) -> list[Division]:
        """Current divisions of an accepted level under ``code`` (a city's or a province's), in code order."""
        found: list[Division] = []
        pending = list(self._children.get(code, []))
        while pending:
            division = pending.pop(0)
            if not division.current:
                continue
            if self._effective_levels(division) & set(levels):
                found.append(division)
            else:
                pending.extend(self._children.get(division.code, []))
        return sorted(found, key=lambda d: d.code)

    def example(self, code: str, levels: tuple[str, ...] = ("county",)) -> str:
        """A current code of an accepted level close to ``code``, for messages.

        Same city first, then same province, then the home province; within a group
        the highest code (430499 -> 430482 常宁市).
        """
        candidates = [
            d for d in self._by_code.values()
            if d.current and self._effective_levels(d) & set(levels)
        ]
        for prefix in _prefixes(code):
            matches = [d.code for d in candidates if d.code.startswith(prefix)]
            if matches:
                return max(matches)
        return min(d.code for d in candidates) if candidates else ""

    def _effective_levels(self, division: Division) -> set[str]:
        levels = {division.level}
        if division.level == "city" and not any(
            child.current for child in self._children.get(division.code, [])
        ):
            levels.add("county")
        return levels

    def _require(self, code: str) -> Division:
        division = self._by_code.get(code)
        if division is None:
            raise KeyError(f"unknown division code {code!r}")
        return division


LISTED_BELOW = 5  # codes named in a message; the rest are counted


def _prefixes(code: str) -> list[str]:
    digits = code if len(code) == 6 and code.isascii() and code.isdigit() else ""
    prefixes = [digits[:4], digits[:2]] if digits else []
    return [p for p in prefixes if p.strip("0")] + [HOME_PROVINCE_PREFIX]


def read_divisions_csv(path: Path) -> list[Division]:
    """Parse the table; ValueError naming the file and line on a malformed row."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in REQUIRED_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise ValueError(f"{path}: missing columns {', '.join(missing)}")
        return [_parse_row(row, path, reader.line_num) for row in reader]


def _parse_row(row: dict[str, str], path: Path, line: int) -> Division:
    code, name, level = row["code"].strip(), row["name"].strip(), row["level"].strip()
    parent = row["parent_code"].strip() or None
    status = (row.get("status") or "current").strip()
    if len(code) != 6 or not code.isascii() or not code.isdigit():
        raise ValueError(f"{path}:{line}: bad code {code!r}")
    if not name or level not in LEVELS or status not in STATUSES:
        raise ValueError(f"{path}:{line}: bad name, level or status in {row!r}")
    return Division(code, name, level, parent, current=status == "current")


def default_table_path() -> Path:
    """``$ZJTX_DIVISIONS_FILE`` if set, else deploy/divisions/gbt2260.csv in the repo."""
    override = os.environ.get(ENV_VAR, "").strip()
    if override:
        return Path(override)
    for directory in Path(__file__).resolve().parents:
        candidate = directory / TABLE_RELATIVE_PATH
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(
        f"{TABLE_RELATIVE_PATH} not found above {Path(__file__).parent}; set {ENV_VAR}"
    )


def load_division_table(path: str | os.PathLike[str] | None = None) -> DivisionTable:
    """The table at ``path`` (default: ``default_table_path()``), parsed once per path."""
    # asked on every request: the path is found (a walk up the tree, a stat per level) once per
    # argument and override, not each time (1.9% of registration's CPU in a surge, issue 16)
    return _table_for(None if path is None else os.fspath(path), os.environ.get(ENV_VAR, "").strip())


@lru_cache(maxsize=8)
def _table_for(path: str | None, override: str) -> DivisionTable:
    # ``override`` ($ZJTX_DIVISIONS_FILE, read by default_table_path) is part of the key only
    resolved = Path(path) if path is not None else default_table_path()
    return _load_cached(str(resolved.resolve()))


@lru_cache(maxsize=8)
def _load_cached(path: str) -> DivisionTable:
    return DivisionTable.from_csv(path)
