"""Rules by year: a programme pins a dated rule set (MIIT's 2022 专精特新中小企业 indicators)."""

from __future__ import annotations

import copy
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import pytest

from review.rules.programme_parser import parse_programme
from review.rules.programmes import Programme, ProgrammeError, read_yaml
from review.rules.rubric import score
from review.rules.rulesets import load_rulesets, parse_ruleset

ROOT = Path(__file__).resolve().parents[3]
PROGRAMMES = ROOT / "deploy" / "programmes"
RULESETS = PROGRAMMES / "rulesets"


def specialised_raw() -> dict:
    return read_yaml(PROGRAMMES / "hunan-2022-specialised-sme.yaml")


def application() -> dict[str, dict]:
    """An application whose points are worked out by hand below."""
    return {
        "basic": {"niche_years": 7, "employees": 200, "rnd_staff": 24},      # 7 years: 3; 12%: 3
        "economic": {
            "operating_revenue_y1": 5000,
            "main_revenue_y1": 3900,       # 78% of revenue: 3
            "main_revenue_y2": 3600,       # growth 8.33% ...
            "main_revenue_y3": 3200,       # ... and 12.5%: mean 10.42%: 10
            "net_profit_y1": 350,          # 7%: 6
            "total_assets_y1": 4000,
            "total_liabilities_y1": 2200,  # 55%: 3
        },
        "specialisation": {"product_domain": "six_foundations"},             # 3
        "refinement": {"digital_level": "level_2",                           # 3
                       "quality": ["quality_system", "own_brand", "standards"]},  # 3 items: 5
        "local": {"key_chain": True, "market_share": 6},                     # 10 + 3
        "innovation": {"ip_class": "class_i", "invention_patents": 1,        # 6
                       "rnd_expense_y1": 260,                                # 260 万: 4 (5.2%: 4)
                       "rnd_institution": "municipal"},                      # 4
        "direct": {"science_award": False, "rnd_expense_2y_mean": 240, "equity_financing_2y": 0,
                   "maker_china_top500": False},
    }


def test_the_specialised_programme_pins_miit_2022(specialised: Programme) -> None:
    rules = specialised.rules
    assert rules is not None and rules.id == "miit-2022-specialised-sme"
    assert (rules.effective_from, rules.validity_years, rules.annual_update_due) == (date(2022, 8, 1), 3, None)
    rubric = specialised.rubric
    assert rubric is not None and (rubric.total, rubric.pass_line) == (100, 60)
    assert [(g.title, g.max_points) for g in rubric.groups] == [
        ("专业化", 25), ("精细化", 25), ("特色化", 15), ("创新能力", 35),
    ]
    # MIIT's 13 indicators: 12 in the rule set, the 13th (地方特色指标) filled by the province.
    miit = [i for i in rubric.indicators if i.group != "distinctive"]
    assert len(miit) == 12 and len(rules.rubric["indicators"]) == 12
    assert [i.id for i in rubric.indicators if i.group == "distinctive"] == ["key_chain", "market_share"]
    assert [r.id for r in rubric.direct_pass] == ["science_award", "rnd_expense_mean", "equity_financing",
                                                   "maker_china"]
    recorded = {s.item for s in rules.sources}
    assert {i.id for i in miit} | {r.id for r in rubric.direct_pass} | {"pass_line", "validity_years"} <= recorded


def test_the_innovative_programme_keeps_its_own_rubric(innovative: Programme) -> None:
    assert innovative.rules is None and innovative.rubric is not None and innovative.rubric.total == 100


def test_scoring_by_the_2022_indicators(specialised: Programme) -> None:
    assert specialised.rubric is not None
    result = score(specialised.rubric, application())
    assert result.indicator_points == {
        "main_revenue_share": 3, "revenue_growth_2y": 10, "niche_years": 3, "product_domain": 3,
        "digital_level": 3, "quality_management": 5, "net_profit_margin": 6, "debt_ratio": 3,
        "intellectual_property": 6, "rnd_expense": 4, "rnd_staff_share": 3, "rnd_institution": 4,
        "key_chain": 10, "market_share": 3,
    }
    assert result.group_points == {"specialisation": 19, "refinement": 17, "distinctive": 13, "innovation": 17}
    assert result.total == 66 and result.score_passed and result.direct_pass_routes == ()


def test_below_sixty_fails_unless_a_direct_route_holds(specialised: Programme) -> None:
    assert specialised.rubric is not None
    data = application()
    data["local"] = {"key_chain": False, "market_share": 1}        # -13: 53
    assert score(specialised.rubric, data).total == 53
    assert not score(specialised.rubric, data).passed
    data["direct"]["rnd_expense_2y_mean"] = 1000                    # 近两年研发费用均值1000万元以上
    result = score(specialised.rubric, data)
    assert result.passed and not result.score_passed and result.direct_pass_routes == ("rnd_expense_mean",)


def test_mean_growth_and_counted_choices(specialised: Programme) -> None:
    assert specialised.rubric is not None
    data = application()
    data["economic"]["main_revenue_y3"] = 0                         # no base for the older rate: unknown
    data["refinement"]["quality"] = []                              # nothing chosen: 0 items
    result = score(specialised.rubric, data)
    assert result.indicator_points["revenue_growth_2y"] == 0
    assert result.indicator_points["quality_management"] == 0
    data["economic"].update(main_revenue_y1=3000, main_revenue_y2=3000, main_revenue_y3=3000)  # 0%: 2
    data["refinement"]["quality"] = ["own_brand"]                   # one item: 3
    result = score(specialised.rubric, data)
    assert (result.indicator_points["revenue_growth_2y"], result.indicator_points["quality_management"]) == (2, 3)


def test_old_cycles_keep_their_rules() -> None:
    """A later year's rules are a new rule set: the 2022 programme still scores by 2022's."""
    rulesets = load_rulesets(RULESETS)
    later = replace(rulesets["miit-2022-specialised-sme"], id="miit-2026-specialised-sme",
                    effective_from=date(2026, 4, 1), annual_update_due=(5, 31),
                    rubric={**rulesets["miit-2022-specialised-sme"].rubric, "pass_line": 70})
    programme = parse_programme(specialised_raw(), rulesets={**rulesets, later.id: later})
    assert programme.rules is not None and programme.rules.id == "miit-2022-specialised-sme"
    assert programme.rubric is not None and programme.rubric.pass_line == 60
    # A 2022 cycle cannot pin rules that took effect later.
    raw = specialised_raw()
    raw["rules"] = later.id
    with pytest.raises(ProgrammeError) as caught:
        parse_programme(raw, rulesets={**rulesets, later.id: later})
    assert caught.value.errors == [
        "rules: rule set 'miit-2026-specialised-sme' takes effect on 2026-04-01; the programme opens on 2022-09-01",
    ]


def test_pinning_mistakes_are_named() -> None:
    rulesets = load_rulesets(RULESETS)
    raw = specialised_raw()
    raw["rules"] = "miit-2021-specialised-sme"
    with pytest.raises(ProgrammeError) as caught:
        parse_programme(raw, rulesets=rulesets)
    assert caught.value.errors == [
        "rules: no rule set 'miit-2021-specialised-sme' in rulesets/; "
        "loaded: miit-2022-specialised-sme, miit-2026-specialised-sme",
    ]
    raw = specialised_raw()
    raw["rubric"] = read_yaml(PROGRAMMES / "hunan-2022-innovative-sme.yaml")["rubric"]
    with pytest.raises(ProgrammeError) as caught:
        parse_programme(raw, rulesets=rulesets)
    assert caught.value.errors[0].startswith("rubric: a programme pinning 'rules' takes its rubric")
    raw = specialised_raw()
    del raw["local_indicators"]
    with pytest.raises(ProgrammeError) as caught:
        parse_programme(raw, rulesets=rulesets)
    assert caught.value.errors[0] == ("local_indicators: rule set 'miit-2022-specialised-sme' leaves group "
                                      "'distinctive' to the province: list its indicators here (1 to 3)")
    raw = specialised_raw()
    raw["local_indicators"][1]["max_points"] = 10
    raw["local_indicators"][1]["rules"][0]["bands"][0]["points"] = 10
    with pytest.raises(ProgrammeError) as caught:
        parse_programme(raw, rulesets=rulesets)
    assert "rules(miit-2022-specialised-sme).rubric.total: indicator max_points sum to 105, not 100" in caught.value.errors


def test_a_rule_set_must_source_every_figure() -> None:
    raw = copy.deepcopy(read_yaml(RULESETS / "miit-2022-specialised-sme.yaml"))
    raw["sources"] = [s for s in raw["sources"] if s["item"] not in ("debt_ratio", "maker_china")]
    raw["annual_update_due"] = "02-30"
    with pytest.raises(ProgrammeError) as caught:
        parse_ruleset(raw)
    assert caught.value.errors == [
        "annual_update_due: '02-30' is not a month and day as MM-DD (e.g. 05-31)",
        "sources: no source recorded for 'debt_ratio'",
        "sources: no source recorded for 'maker_china'",
    ]


def test_the_2026_rules_carry_the_yearly_update_by_31_may() -> None:
    rules = load_rulesets(RULESETS)["miit-2026-specialised-sme"]
    assert (rules.effective_from, rules.validity_years, rules.annual_update_due) == (date(2026, 4, 1), 3, (5, 31))
    assert [f for f, _, _ in rules.annual_update] == ["operating_revenue", "main_revenue", "total_profit",
                                                     "rnd_expense", "employees", "invention_patents"]
    raw = copy.deepcopy(read_yaml(RULESETS / "miit-2026-specialised-sme.yaml"))
    del raw["annual_update_due"]
    raw["annual_update"].append({"id": "employees", "label": "重复", "kind": "people"})
    with pytest.raises(ProgrammeError) as caught:
        parse_ruleset(raw)
    assert caught.value.errors == ["annual_update[6].kind: 'people' is not one of money, signed_money, count"]
    del raw["annual_update"]
    raw["annual_update_due"] = "05-31"
    with pytest.raises(ProgrammeError) as caught:
        parse_ruleset(raw)
    assert "annual_update_due and annual_update go together" in caught.value.errors[0]


def test_validity_periods() -> None:
    from review.rules.validity import renewed_until, valid_until

    published = datetime.fromisoformat("2020-06-05T10:00:00+08:00")
    assert valid_until(published, 3).isoformat() == "2023-06-04T23:59:59+08:00"
    assert renewed_until(valid_until(published, 3), 3).isoformat() == "2026-06-04T23:59:59+08:00"
    leap = datetime.fromisoformat("2024-02-29T09:00:00+08:00")
    assert valid_until(leap, 3).isoformat() == "2027-02-27T23:59:59+08:00"
