"""Statistics charts (PNG and SVG) with Chinese labels, drawn with matplotlib's Agg canvas.

The CJK font comes from PyPI so a fresh machine has it: ``mplfonts`` ships Noto Sans CJK
SC (SIL Open Font License); ``CJK_FONT_FILE`` may name another TTF/OTF. The font file is
registered with matplotlib's font manager and used for every text. Any "Glyph ... missing
from font" or "findfont" message during rendering is collected and returned with the
chart, so a missing glyph is reported rather than silently drawn as a box.
"""

from __future__ import annotations

import importlib.util
import io
import logging
import warnings
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from pathlib import Path

import matplotlib
from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from reporting.rules.pdf import beijing
from reporting.rules.statistics import Bucket, Statistics

BUNDLED_FONT = "NotoSansCJKsc-Regular.otf"
CHARTS = ("status", "city", "county", "industry", "focus", "level", "daily", "recognition")
CHART_TITLES = {
    "status": "各状态申报数", "city": "各市州申报数", "county": "各县市区申报数", "industry": "各行业申报数",
    "focus": "各培育重点方向申报数", "level": "各审核层级申报数", "daily": "每日申报数与累计申报数",
    "recognition": "各市州认定率",
}
MEDIA_TYPES = {"png": "image/png", "svg": "image/svg+xml"}
BLUE, ORANGE = "#2F5597", "#C55A11"


class FontMissing(RuntimeError):
    pass


@dataclass
class Chart:
    name: str
    title: str
    format: str
    data: bytes
    warnings: list[str] = field(default_factory=list)


def bundled_font() -> Path:
    spec = importlib.util.find_spec("mplfonts")  # locates the package without importing it
    if spec is None or not spec.submodule_search_locations:
        raise FontMissing("the CJK font package mplfonts is not installed; run `make venv` "
                          "(or set CJK_FONT_FILE to a TTF/OTF with Chinese glyphs)")
    return Path(next(iter(spec.submodule_search_locations))) / "fonts" / BUNDLED_FONT


@lru_cache(maxsize=4)
def register_font(path: str = "") -> str:
    """Register the CJK font file with matplotlib; returns its family name."""
    font = Path(path) if path else bundled_font()
    if not font.is_file():
        raise FontMissing(f"CJK font file {font} does not exist")
    font_manager.fontManager.addfont(str(font))
    return font_manager.FontProperties(fname=str(font)).get_name()


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def _figure(title: str, subtitle: str, height: float = 6.0) -> Figure:
    figure = Figure(figsize=(11, height), dpi=110)
    FigureCanvasAgg(figure)
    figure.suptitle(title, fontsize=14)
    figure.text(0.99, 0.01, subtitle, ha="right", va="bottom", fontsize=8, color="#555555")
    return figure


def _empty(axes: matplotlib.axes.Axes) -> None:
    axes.text(0.5, 0.5, "暂无数据", ha="center", va="center", fontsize=16, color="#888888")
    axes.set_axis_off()


def _labelled(axes: matplotlib.axes.Axes, bars: object, texts: Sequence[str]) -> None:
    axes.bar_label(bars, labels=list(texts), padding=2, fontsize=8)


def _horizontal(figure: Figure, buckets: Sequence[Bucket], limit: int = 25) -> None:
    axes = figure.add_subplot(1, 1, 1)
    if not buckets:
        _empty(axes)
        return
    shown = list(buckets[:limit])
    if len(buckets) > limit:
        shown.append(Bucket("other", f"其他（{len(buckets) - limit}项）", sum(b.count for b in buckets[limit:])))
    shown.reverse()
    bars = axes.barh([b.label for b in shown], [b.count for b in shown], color=BLUE)
    _labelled(axes, bars, [str(b.count) for b in shown])
    axes.set_xlabel("申报数（件）")
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))  # counts: no 0.5 件
    axes.margins(x=0.1)


def _vertical(figure: Figure, buckets: Sequence[Bucket]) -> None:
    axes = figure.add_subplot(1, 1, 1)
    if not buckets:
        _empty(axes)
        return
    bars = axes.bar([b.label for b in buckets], [b.count for b in buckets], color=BLUE)
    _labelled(axes, bars, [str(b.count) for b in buckets])
    axes.set_ylabel("申报数（件）")
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.tick_params(axis="x", labelrotation=30 if len(buckets) > 6 else 0, labelsize=9)
    axes.margins(y=0.12)


def _daily(figure: Figure, stats: Statistics) -> None:
    axes = figure.add_subplot(1, 1, 1)
    days = stats.submissions_per_day
    if not days:
        _empty(axes)
        return
    labels = [d.date[5:] for d in days]
    axes.bar(labels, [d.count for d in days], color=BLUE, label="当日申报数")
    axes.set_ylabel("当日申报数（件）")
    twin = axes.twinx()
    twin.plot(labels, [d.cumulative for d in days], color=ORANGE, marker="o", markersize=3, label="累计申报数")
    twin.set_ylabel("累计申报数（件）")
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    twin.yaxis.set_major_locator(MaxNLocator(integer=True))
    step = max(1, len(labels) // 15)
    axes.set_xticks(range(0, len(labels), step), labels[::step], rotation=45, fontsize=8)
    axes.set_xlabel("首次提交日期（北京时间）")
    peak = max(days, key=lambda d: d.count)
    axes.annotate(f"高峰 {peak.date}：{peak.count}件", xy=(labels.index(peak.date[5:]), peak.count),
                  xytext=(0, 12), textcoords="offset points", ha="center", fontsize=9, color=ORANGE)
    figure.legend(loc="upper left", bbox_to_anchor=(0.08, 0.9), fontsize=9)


def _recognition(figure: Figure, stats: Statistics) -> None:
    axes = figure.add_subplot(1, 1, 1)
    rows = [r for r in stats.recognition_by_city if r.applications]
    if not rows:
        _empty(axes)
        return
    bars = axes.bar([r.region_name for r in rows], [r.rate * 100 for r in rows], color=BLUE)
    _labelled(axes, bars, [f"{r.rate_text}（{r.recognised}/{r.applications}）" for r in rows])
    axes.set_ylabel("认定率（%）")
    axes.set_ylim(0, max(100.0, max(r.rate * 100 for r in rows) * 1.15))
    axes.tick_params(axis="x", labelrotation=30 if len(rows) > 6 else 0, labelsize=9)


def draw(name: str, stats: Statistics) -> Figure:
    subtitle = f"{stats.programme_title}　截至{beijing(stats.as_of)}" + (
        f"　范围：{stats.scope}" if stats.scope != "programme" else "")
    title = CHART_TITLES[name]
    if name == "county":
        figure = _figure(title, subtitle, height=max(6.0, 0.28 * min(len(stats.by_county), 26) + 1.5))
    else:
        figure = _figure(title, subtitle)
    buckets = {"status": stats.by_status, "industry": stats.by_industry, "focus": stats.by_focus_category,
               "county": stats.by_county}
    if name in buckets:
        _horizontal(figure, buckets[name], limit=15 if name == "industry" else 25)
    elif name == "city":
        _vertical(figure, stats.by_city)
    elif name == "level":
        _vertical(figure, stats.by_level)
    elif name == "daily":
        _daily(figure, stats)
    else:
        _recognition(figure, stats)
    figure.tight_layout(rect=(0, 0.03, 1, 0.95))
    return figure


def render(stats: Statistics, names: Sequence[str] = CHARTS, formats: Sequence[str] = ("png", "svg"),
           font_file: str = "") -> Iterator[Chart]:
    """Each chart in each format, with the font warnings raised while drawing it."""
    for name in names:
        yield from render_drawn(name, CHART_TITLES[name], lambda name=name: draw(name, stats), formats, font_file)


def render_drawn(name: str, title: str, drawing: Callable[[], Figure], formats: Sequence[str] = ("png", "svg"),
                 font_file: str = "") -> Iterator[Chart]:
    """One figure (``drawing`` makes it, e.g. with ``figure``) in each format, drawn with the CJK
    font and with the font warnings raised while drawing it."""
    family = register_font(font_file)
    settings = {"font.family": [family], "font.sans-serif": [family], "axes.unicode_minus": False,
                "svg.fonttype": "path", "svg.hashsalt": "zjtx"}
    collector = _Collect()
    loggers = [logging.getLogger("matplotlib.font_manager"), logging.getLogger("matplotlib")]
    for logger in loggers:
        logger.addHandler(collector)
    try:
        with warnings.catch_warnings(record=True) as caught, matplotlib.rc_context(settings):
            warnings.simplefilter("always")
            made = drawing()
            outputs = {}
            for fmt in formats:
                buffer = io.BytesIO()
                made.savefig(buffer, format=fmt, metadata={"Date": None} if fmt == "svg" else None)
                outputs[fmt] = buffer.getvalue()
            problems = [str(w.message) for w in caught if "lyph" in str(w.message) or "font" in str(w.message)]
            problems += [m for m in collector.messages if "font" in m.lower() or "lyph" in m]
    finally:
        for logger in loggers:
            logger.removeHandler(collector)
    for fmt, data in outputs.items():
        yield Chart(name, title, fmt, data, list(problems))


def figure(title: str, subtitle: str, height: float = 6.0) -> Figure:
    """A blank figure with the charts' title and footnote (for drawings outside this module)."""
    return _figure(title, subtitle, height)


def chart_date(moment: datetime) -> str:
    return moment.strftime("%Y%m%d")
