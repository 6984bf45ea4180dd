"""gateway.rules.access: roles a route admits, and the resource checks its handlers make."""

from __future__ import annotations

import pytest

from gateway.rules.access import (
    Identity,
    check_own_enterprise,
    check_own_unit,
    check_programme_owner,
    require_role,
    units_within,
)
from zjtx.errors import DomainError

ENTERPRISE = Identity(subject="acc-1", role="enterprise", enterprise_id="e1")
REVIEWER = Identity(subject="rev-1", role="reviewer", unit="unit-430400")
ADMIN = Identity(subject="adm-1", role="admin", unit="unit-430000")
OPS = Identity(subject="ops-1", role="operations")
# unit -> parent: 珠晖区 under 衡阳市 under the province
PARENTS = {"unit-430405": "unit-430400", "unit-430400": "unit-430000"}


def refused(check, *args) -> DomainError:
    with pytest.raises(DomainError) as error:
        check(*args)
    assert error.value.kind == "forbidden"
    return error.value


def test_a_route_admits_only_its_roles_and_names_them_in_chinese() -> None:
    require_role(REVIEWER, ("reviewer", "admin"), "查看审核任务")
    error = refused(require_role, OPS, ("reviewer", "admin"), "查看审核任务")
    assert error.code == "forbidden.role"
    assert error.message == "运维人员无权查看审核任务；只有审核人、管理员可以"


def test_an_unknown_role_is_named_as_it_came() -> None:
    error = refused(require_role, Identity(subject="x", role="robot"), ("admin",), "创建账号")
    assert error.message.startswith("robot无权创建账号")


def test_an_enterprise_sees_only_its_own_enterprise() -> None:
    check_own_enterprise(ENTERPRISE, "e1")
    assert refused(check_own_enterprise, ENTERPRISE, "e2").code == "forbidden.other_enterprise"
    check_own_enterprise(REVIEWER, "e2")  # staff are checked by unit and jurisdiction, not here


def test_staff_act_only_in_their_own_unit() -> None:
    check_own_unit(REVIEWER, "unit-430400", "处理")
    error = refused(check_own_unit, REVIEWER, "unit-430100", "处理")
    assert error.code == "forbidden.other_unit" and error.message.startswith("只能处理本单位的审核任务")


def test_only_the_owning_jurisdictions_admin_manages_a_programme() -> None:
    check_programme_owner(ADMIN, "430000", "430000", "2020年小巨人")
    for identity, division in ((ADMIN, "430400"), (REVIEWER, "430000"), (ADMIN, "")):
        error = refused(check_programme_owner, identity, "430000", division, "2020年小巨人")
        assert error.code == "forbidden.other_programme" and "“2020年小巨人”主管部门" in error.message


@pytest.mark.parametrize("unit, ancestor, expected", [
    ("unit-430405", "unit-430405", True),
    ("unit-430405", "unit-430400", True),
    ("unit-430405", "unit-430000", True),
    ("unit-430400", "unit-430405", False),
    ("unit-430100", "unit-430400", False),
])
def test_units_within_follows_the_parents(unit: str, ancestor: str, expected: bool) -> None:
    assert units_within(unit, ancestor, PARENTS) is expected


def test_units_within_ends_on_a_cycle() -> None:
    assert units_within("a", "z", {"a": "b", "b": "a"}) is False
