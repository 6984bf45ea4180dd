"""Scoring against the 创新型中小企业 rubric (MIIT 2022 model, figures from the YAML)."""

from __future__ import annotations

import copy

import pytest

from review.rules.programmes import Programme, Rubric
from review.rules.rubric import score, score_programme


@pytest.fixture(scope="module")
def rubric(innovative: Programme) -> Rubric:
    assert innovative.rubric is not None
    return innovative.rubric


def strong_application() -> dict[str, dict]:
    return {
        "economic": {
            "operating_revenue_2021": 3000,
            "main_revenue_2021": 2800,     # 93% of revenue: 20
            "main_revenue_2020": 2400,     # growth 16.7%: 20
            "total_assets_2021": 2000,
            "total_liabilities_2021": 1000,  # debt ratio 50%: 10
        },
        "innovation": {
            "ip_class": "class_i",         # 10
            "invention_patents": 2,
            "rnd_expense_2021": 450,       # 450 万 -> 15, but 15% of revenue -> 20
        },
        "specialisation": {"product_domain": "strategic_emerging"},  # 10
        "direct": {"science_award": False, "qualification": False, "rnd_institution": False,
                   "equity_financing_3y": 0},
    }


def test_rubric_is_the_documented_scheme(rubric: Rubric) -> None:
    assert (rubric.total, rubric.pass_line) == (100, 60)
    assert [(g.id, g.max_points, g.min_points) for g in rubric.groups] == [
        ("innovation", 40, 20), ("growth", 30, 15), ("specialisation", 30, 15),
    ]
    assert len(rubric.indicators) == 6
    assert [r.id for r in rubric.direct_pass] == ["science_award", "qualification", "rnd_institution",
                                                   "equity_financing"]


def test_a_strong_application_passes_on_score(rubric: Rubric) -> None:
    result = score(rubric, strong_application())
    assert result.indicator_points == {
        "intellectual_property": 10, "rnd_expense": 20, "revenue_growth": 20,
        "debt_ratio": 10, "product_domain": 10, "main_revenue_share": 20,
    }
    assert result.group_points == {"innovation": 30, "growth": 30, "specialisation": 30}
    assert result.total == 90
    assert result.score_passed and result.passed
    assert result.failed_minimums == () and result.direct_pass_routes == () and result.missing == ()


def test_enough_points_but_a_weak_group_fails(rubric: Rubric) -> None:
    data = strong_application()
    data["innovation"].update(ip_class="none", rnd_expense_2021=100)  # 0 + 5 (3.3% of revenue)
    result = score(rubric, data)
    assert result.total == 65 and result.total >= result.pass_line
    assert result.group_points["innovation"] == 5
    assert result.failed_minimums == ("innovation",)
    assert not result.score_passed and not result.passed


def test_a_direct_pass_route_passes_whatever_the_score(rubric: Rubric) -> None:
    data = strong_application()
    data["innovation"].update(ip_class="none", rnd_expense_2021=100)
    data["direct"]["equity_financing_3y"] = "499.99"
    assert not score(rubric, data).passed
    data["direct"]["equity_financing_3y"] = "500"     # 500万元以上 includes 500
    result = score(rubric, data)
    assert result.direct_pass_routes == ("equity_financing",)
    assert not result.score_passed and result.passed
    data["direct"]["science_award"] = True
    assert score(rubric, data).direct_pass_routes == ("science_award", "equity_financing")


def test_band_edges_and_undefined_values(rubric: Rubric) -> None:
    data = strong_application()
    data["economic"].update(main_revenue_2021=2300, main_revenue_2020=2000)  # exactly 15%: top band
    data["economic"].update(total_assets_2021=2000, total_liabilities_2021=1100)  # exactly 55%: 10
    result = score(rubric, data)
    assert result.indicator_points["revenue_growth"] == 20
    assert result.indicator_points["debt_ratio"] == 10
    data["economic"]["main_revenue_2020"] = 0  # growth from zero is not a rate: 0 points
    assert score(rubric, data).indicator_points["revenue_growth"] == 0


def test_missing_values_score_zero_and_are_reported(rubric: Rubric) -> None:
    data = copy.deepcopy(strong_application())
    del data["economic"]["main_revenue_2020"]
    data["innovation"]["ip_class"] = None
    result = score(rubric, data)
    assert result.indicator_points["revenue_growth"] == 0
    assert result.indicator_points["intellectual_property"] == 0
    assert result.missing == ("innovation.ip_class", "economic.main_revenue_2020")
    assert result.as_dict()["missing"] == ["innovation.ip_class", "economic.main_revenue_2020"]


def test_programmes_without_a_rubric_have_no_score(hunan: Programme, innovative: Programme) -> None:
    assert score_programme(hunan, {}) is None
    assert score_programme(innovative, strong_application()).total == 90
