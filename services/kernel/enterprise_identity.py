"""An enterprise's identity as sign-up checks it: its USCC (GB 32100-2015) and the county it
registers in, which must lie in the city (or, failing that, the province) whose registration
office issued the USCC.

Registration applies these at sign-up and the gateway's public sign-up check runs the very
same functions as the person types, so the page never carries a copy of the rule.
"""

from __future__ import annotations

from kernel.divisions import DivisionTable
from kernel.uscc import validate_uscc
from zjtx.errors import Violation


def uscc_violations(uscc: str) -> list[Violation]:
    """The USCC's problems (GB 32100-2015), as at sign-up; the gateway's public check runs this same function."""
    return [Violation("uscc", e.code, e.message) for e in validate_uscc(uscc)]


def uscc_area(uscc: str, divisions: DivisionTable) -> tuple[str, str] | None:
    """(code prefix, name) of the city named by positions 3-8 of a USCC, or of its province when the
    registering office is a province's or not a city's (省直辖县, a code since replaced); None for national
    registration (100000) or a code too malformed to tell."""
    code = "".join(c.upper() if "a" <= c <= "z" else c for c in uscc)[2:8]
    if len(code) != 6 or not code.isascii() or not code.isdigit() or code == "100000":
        return None
    city = divisions.get(code[:4] + "00")
    if city is not None and city.level == "city":
        return code[:4], divisions.name_path(city.code)
    province = divisions.get(code[:2] + "0000")
    if province is not None and province.level == "province":
        return code[:2], province.name
    return None


def region_violations(region_code: str, uscc: str, divisions: DivisionTable) -> list[Violation]:
    """The region's problems: a current county-level GB/T 2260 code, within the city (or, failing that, the
    province) whose registration office issued the USCC. Also run by the gateway's public check."""
    problems = [Violation("region_code", e.code, e.message) for e in divisions.validate_region_code(region_code)]
    area = uscc_area(uscc, divisions)
    if problems or area is None or region_code.startswith(area[0]):
        return problems
    return [Violation("region_code", "region.outside_uscc_area",
                      f"所属地区 {region_code}（{divisions.name_path(region_code)}）不在统一社会信用代码第3-8位所示登记机关"
                      f"所在的{area[1]}；请选择{area[1]}下辖的区县（代码以 {area[0]} 开头），或核对统一社会信用代码")]
