"""What an instance serves: the enterprises, units and programmes within its jurisdiction.

An instance (deploy/instances/, docs/instances.md) runs for one GB/T 2260 code: the
province's instance for 430000, a city's own for, e.g., 430400. Anything outside is
refused with a message saying which jurisdiction this platform serves and what it accepts.
"""

from __future__ import annotations

from kernel.divisions import DivisionTable, division_within, region_prefix
from zjtx.errors import DomainError, Violation, invalid


def serves(code: str, jurisdiction: str | None) -> bool:
    """True when an instance for ``jurisdiction`` (None: no limit) serves division ``code``."""
    return not jurisdiction or division_within(code, jurisdiction)


def outside(code: str, jurisdiction: str, divisions: DivisionTable, what: str, field: str) -> DomainError:
    """The refusal of ``what`` (e.g. 企业注册) for ``code``, outside ``jurisdiction``."""
    area = divisions.name_path(jurisdiction) or jurisdiction
    place = divisions.name_path(code) or code
    message = (f"本平台为{area}（{jurisdiction}）的申报平台，只受理{area}辖区内的{what}；"
               f"“{place}”（{code}）不在本辖区，请到所在地区的申报平台办理。"
               f"可接受：{area}的行政区划代码（以{region_prefix(jurisdiction)}开头）")
    return invalid("jurisdiction.outside", message, [Violation(field, "jurisdiction.outside", message)])


def check_serves(code: str, jurisdiction: str | None, divisions: DivisionTable, what: str, field: str) -> None:
    if not serves(code, jurisdiction):
        raise outside(code, str(jurisdiction), divisions, what, field)
