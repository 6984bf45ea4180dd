"""定期调度 aggregates: the latest version of each operating report (registration's
``registration.operating_report_submitted``), summed per period by 区县 (``county``, the
first reviewing level's jurisdiction), 市州 (``city``) or 培育重点 (``focus``), and the
charts and workbook rows made from them. Pure rules; the documents come from storage.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from reporting.rules.divisions import Regions
from zjtx.errors import invalid

GROUPINGS = {"county": "区县", "city": "市州", "focus": "培育重点"}
# the figures a report carries (registration's rules.operating_reports.FIELDS), in the order shown
FIGURES: dict[str, str] = {
    "operating_revenue": "营业收入（万元）", "total_profit": "利润总额（万元）", "rnd_expense": "研发投入（万元）",
    "employees": "从业人员（人）", "export_value": "出口额（万元）", "new_invention_patents": "新增发明专利（件）",
}
CHARTED = ("operating_revenue", "rnd_expense")  # the trends drawn, one panel each
MAX_LINES = 8                                     # groups drawn per panel; the rest summed as 其他
UNKNOWN_FOCUS = "未填报培育重点"


@dataclass
class Row:
    period: str
    period_label: str
    key: str
    label: str
    reports: int = 0
    totals: dict[str, Decimal] = field(default_factory=lambda: {name: Decimal(0) for name in FIGURES})


@dataclass(frozen=True)
class OperatingStatistics:
    programme_id: str
    programme_title: str
    group_by: str
    scope: str                 # "" = the whole programme, else the division code it is limited to
    periods: list[tuple[str, str]]  # (key, label), oldest first
    rows: list[Row]            # by period, then group label
    as_of: str


def document(report: Any, event_id: str) -> dict[str, Any]:
    """What is kept of an ``OperatingReport`` (the event's payload); ValueError when it names nothing."""
    if not report.id or not report.programme_id or not report.period:
        raise ValueError("the report has no id, programme or period")
    return {"_id": report.id, "programme_id": report.programme_id, "period": report.period,
            "period_label": report.period_label, "enterprise_id": report.enterprise_id,
            "enterprise_name": report.enterprise_name, "region_code": report.region_code, "basis": report.basis,
            "focus_category": report.focus_category, "figures": dict(report.figures), "version": report.version,
            "submitted_at": report.submitted_at, "event_id": event_id}


def check_grouping(group_by: str) -> str:
    chosen = (group_by or "city").strip()
    if chosen not in GROUPINGS:
        raise invalid("request.group_by", f"汇总维度“{group_by}”无效；可选：" +
                      "、".join(f"{k}（{v}）" for k, v in GROUPINGS.items()))
    return chosen


def _number(value: Any) -> Decimal:
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return Decimal(0)
    return number if number.is_finite() else Decimal(0)


def group_of(report: Mapping[str, Any], group_by: str, regions: Regions,
             focus_titles: Mapping[str, str]) -> tuple[str, str]:
    """(key, label) of the group a report is counted in."""
    region = str(report.get("region_code", ""))
    if group_by == "county":
        return region, regions.path_name(region) if region else "未知地区"
    if group_by == "city":
        city = regions.city_of(region)
        return city, regions.name(city)
    focus = str(report.get("focus_category", ""))
    return (focus, focus_titles.get(focus, focus)) if focus else ("", UNKNOWN_FOCUS)


def aggregate(reports: Iterable[Mapping[str, Any]], group_by: str, regions: Regions,
              focus_titles: Mapping[str, str]) -> list[Row]:
    """Sums per (period, group); periods sort by their key (2021-Q1 < 2021-Q2, 2021-03 < 2021-04)."""
    rows: dict[tuple[str, str], Row] = {}
    for report in reports:
        key, label = group_of(report, group_by, regions, focus_titles)
        row = rows.setdefault((report["period"], key), Row(report["period"], report.get("period_label", ""), key,
                                                           label))
        row.reports += 1
        for name in FIGURES:
            row.totals[name] += _number((report.get("figures") or {}).get(name, 0))
    order = list(focus_titles) if group_by == "focus" else []
    return sorted(rows.values(), key=lambda r: (r.period, order.index(r.key) if r.key in order else len(order),
                                                r.key))


def periods_of(rows: Sequence[Row]) -> list[tuple[str, str]]:
    return sorted({(r.period, r.period_label) for r in rows})


def text(value: Decimal) -> str:
    """A total as people read it: no exponent, no trailing zeros."""
    return format(value.normalize(), "f") if value else "0"


def table(stats: OperatingStatistics) -> tuple[list[str], list[float], list[list[Any]]]:
    """The workbook's headers, column widths and rows (numbers as numbers, for Excel's sums)."""
    headers = ["报告期", GROUPINGS[stats.group_by], "报送企业数", *FIGURES.values()]
    widths = [14.0, 28.0, 12.0, *([16.0] * len(FIGURES))]
    rows = [[r.period_label or r.period, r.label, r.reports,
             *(float(r.totals[name]) if r.totals[name] != r.totals[name].to_integral_value()
               else int(r.totals[name]) for name in FIGURES)] for r in stats.rows]
    return headers, widths, rows


def draw(stats: OperatingStatistics, subtitle: str, make_figure: Callable[[str, str, float], Figure]) -> Figure:
    """Trend lines per group over the periods: 营业收入 and 研发投入 (the largest groups; the rest as 其他)."""
    figure = make_figure(f"定期调度主要指标走势（按{GROUPINGS[stats.group_by]}）", subtitle, 8.0)
    labels = [label or key for key, label in stats.periods]
    keys = [key for key, _ in stats.periods]
    for index, name in enumerate(CHARTED, start=1):
        axes = figure.add_subplot(len(CHARTED), 1, index)
        if not stats.rows:
            axes.text(0.5, 0.5, "暂无数据", ha="center", va="center", fontsize=16, color="#888888")
            axes.set_axis_off()
            continue
        series: dict[str, dict[str, Decimal]] = {}
        for row in stats.rows:
            series.setdefault(row.label, {})[row.period] = row.totals[name]
        ranked = sorted(series, key=lambda g: -sum(series[g].values()))
        if len(ranked) > MAX_LINES:
            rest = {p: sum((series[g].get(p, Decimal(0)) for g in ranked[MAX_LINES - 1:]), Decimal(0)) for p in keys}
            series = {**{g: series[g] for g in ranked[:MAX_LINES - 1]}, f"其他（{len(ranked) - MAX_LINES + 1}项）": rest}
            ranked = list(series)
        for group in ranked:
            axes.plot(labels, [float(series[group].get(p, 0)) for p in keys], marker="o", markersize=3, label=group)
        axes.set_ylabel(FIGURES[name])
        axes.yaxis.set_major_locator(MaxNLocator(nbins=6))
        axes.tick_params(axis="x", labelrotation=30 if len(labels) > 6 else 0, labelsize=8)
        axes.legend(fontsize=8, loc="upper left", ncol=2)
    figure.tight_layout(rect=(0, 0.03, 1, 0.95))
    return figure
