"""Self-assessment: the live score indicator by indicator, and what would raise it."""

from __future__ import annotations

from test_rulesets import application

from review.rules.assessment import assess
from review.rules.programmes import Programme
from review.rules.rubric import score


def test_the_assessment_is_the_stored_score(specialised: Programme) -> None:
    data = application()
    result = assess(specialised, data)
    assert result is not None and specialised.rubric is not None
    assert result.total == score(specialised.rubric, data).total == 66
    assert (result.rules_id, result.max_total, result.pass_line, result.passed) == ("miit-2022-specialised-sme",
                                                                                     100, 60, True)
    assert result.summary == "自评得分66分，达到60分的标准"
    assert [(g.title, g.points) for g in result.groups] == [("专业化", 19), ("精细化", 17), ("特色化", 13),
                                                           ("创新能力", 17)]


def test_each_indicator_says_what_would_raise_it(specialised: Programme) -> None:
    result = assess(specialised, application())
    assert result is not None
    by_id = {i.id: i for i in result.indicators}
    share = by_id["main_revenue_share"]
    assert (share.points, share.max_points) == (3, 5)
    assert share.value == "2021年主营业务收入占2021年营业收入总额的比重 78%"
    assert share.hints == ("2021年主营业务收入占2021年营业收入总额的比重达到80%以上可得5分",)
    assert by_id["rnd_expense"].hints == ("2021年研发费用总额达到300万元以上可得6分",
                                          "2021年研发费用总额占2021年营业收入总额的比重达到6%以上可得6分")
    assert by_id["debt_ratio"].hints == ("2021年末负债总额占2021年末资产总额的比重降至50%以下可得5分",)
    assert by_id["product_domain"].hints[0].startswith("主导产品所属领域情况为“在产业链供应链关键环节")
    assert by_id["quality_management"].hints == () and by_id["revenue_growth_2y"].hints == ()  # at the maximum


def test_empty_fields_are_named_first(specialised: Programme, innovative: Programme) -> None:
    data = application()
    del data["innovation"]["rnd_institution"]
    data["direct"]["equity_financing_2y"] = 7000
    result = assess(specialised, data)
    assert result is not None
    institution = next(i for i in result.indicators if i.id == "rnd_institution")
    assert institution.missing == ("建立研发机构级别",)
    assert institution.hints == ("请填写建立研发机构级别", "建立研发机构级别为“市级以下”可得2分")
    assert result.summary == ("自评得分62分，达到60分的标准；符合直通条件："
                              "近两年新增股权融资总额（合格机构投资者的实缴额）6000万元以上")
    blank = assess(innovative, {})
    assert blank is not None and blank.total == 0 and not blank.passed
    assert blank.summary == ("自评得分0分，距60分还差60分；创新能力0分低于最低要求20分；成长性0分低于最低要求15分；"
                             "专业化0分低于最低要求15分")


def test_no_rubric_no_assessment(hunan: Programme) -> None:
    assert assess(hunan, {}) is None
