"""review.rules.accounts: who may create reviewer accounts (own unit or above), and what
a valid account is, against the Hunan units shipped in deploy/units."""

from __future__ import annotations

import pytest

from review.rules.accounts import check_account, check_can_manage, within
from review.rules.units import UnitDirectory
from zjtx.errors import DomainError

PROVINCE, HENGYANG, ZHUHUI, CHANGSHA, LEIYANG = "unit-430000", "unit-430400", "unit-430405", "unit-430100", "unit-430481"


def test_a_unit_is_within_itself_and_its_ancestors(units: UnitDirectory) -> None:
    assert within(units, ZHUHUI, ZHUHUI)
    assert within(units, ZHUHUI, HENGYANG)
    assert within(units, ZHUHUI, PROVINCE)
    assert not within(units, HENGYANG, ZHUHUI)
    assert not within(units, ZHUHUI, CHANGSHA)
    assert not within(units, LEIYANG, HENGYANG)  # 省直管县: directly under the province


@pytest.mark.parametrize("role, caller_unit, unit_id", [
    ("admin", HENGYANG, HENGYANG), ("admin", HENGYANG, ZHUHUI), ("admin", PROVINCE, LEIYANG), ("system", "", ZHUHUI),
])
def test_an_admin_manages_its_unit_and_those_beneath(units: UnitDirectory, role: str, caller_unit: str,
                                                     unit_id: str) -> None:
    check_can_manage(units, role, caller_unit, unit_id)


@pytest.mark.parametrize("role, caller_unit, unit_id", [
    ("admin", ZHUHUI, HENGYANG), ("admin", CHANGSHA, ZHUHUI), ("reviewer", HENGYANG, HENGYANG), ("admin", "", ZHUHUI),
    ("enterprise", "", ZHUHUI),
])
def test_no_one_else_manages_accounts(units: UnitDirectory, role: str, caller_unit: str, unit_id: str) -> None:
    with pytest.raises(DomainError) as error:
        check_can_manage(units, role, caller_unit, unit_id)
    assert (error.value.kind, error.value.code) == ("forbidden", "reviewer.forbidden")


def test_a_valid_account_passes(units: UnitDirectory) -> None:
    check_account(units, HENGYANG, "周审核", "zhou@hengyang.gov.cn", "13800138000", "reviewer")
    check_account(units, HENGYANG, "吴管理", "wu@hengyang.gov.cn", "", "admin")  # the mobile is optional


def test_every_problem_of_an_account_is_named(units: UnitDirectory) -> None:
    with pytest.raises(DomainError) as error:
        check_account(units, "unit-999999", " ", "zhou", "0734-8123456", "owner")
    found = {v.field: v.code for v in error.value.violations}
    assert found == {"unit_id": "unit.unknown", "name": "name", "email": "email", "mobile": "mobile", "role": "role"}
    assert error.value.message == "审核账号信息有5处需要修改"
    role = next(v for v in error.value.violations if v.field == "role")
    assert "reviewer（审核人）、admin（管理员）" in role.message


def test_a_name_over_thirty_characters_is_refused(units: UnitDirectory) -> None:
    with pytest.raises(DomainError) as error:
        check_account(units, HENGYANG, "名" * 31, "zhou@hengyang.gov.cn", "", "reviewer")
    assert [v.field for v in error.value.violations] == ["name"]
