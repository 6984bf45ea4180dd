"""Printable PDFs (reportlab): an application's paper copy and the recognition list.

Chinese text is set in a TrueType CJK font embedded as a subset (only the glyphs used),
so a reader without Chinese fonts shows the text: by default WenQuanYi Micro Hei (文泉驿微米黑,
Apache-2.0 or GPLv3 with the font exception, TrueType outlines) from the pinned
``paperang-p2-fonts-cjk`` package. SimHei, which ``mplfonts`` also ships, is a commercial
font and is not used; mplfonts' Noto fonts are CFF-outline OTFs, which reportlab cannot embed.
``use_font(path)`` embeds another TrueType font (TTF or TTC; ``PDF_FONT_FILE``);
``use_font("cid")`` goes back to reportlab's built-in CID font STSong-Light, which is not
embedded (readers must bring their own Chinese font).
"""

from __future__ import annotations

import importlib.util
import logging
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from kernel.programme import ProgrammeModel
from reporting.rules.summary import chinese_date, display, field_value
from zjtx.clock import to_shanghai

log = logging.getLogger(__name__)
CID_FONT = "STSong-Light"
BUNDLED_PACKAGE = "paperang_p2_fonts_cjk"
BUNDLED_FONT = "wqy-microhei.ttc"  # in <package>/fonts/: TrueType outlines, embeddable by reportlab
NUMERALS = "一二三四五六七八九十"
_font = {"name": ""}


def bundled_font() -> Path | None:
    """The CJK TrueType font shipped by the pinned font package, if installed."""
    spec = importlib.util.find_spec(BUNDLED_PACKAGE)  # locates the package without importing it
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "fonts" / BUNDLED_FONT
    return path if path.is_file() else None


def use_font(path: str = "") -> str:
    """Use an embedded TrueType font from ``path`` ("" = the bundled one; "cid" = the built-in,
    not embedded CID font); returns its name."""
    if not path:
        bundled = bundled_font()
        if bundled is None:
            log.warning("PDF font: %s/fonts/%s not found (run `make venv`); using the CID font %s, "
                        "which is not embedded", BUNDLED_PACKAGE, BUNDLED_FONT, CID_FONT)
            path = "cid"
        else:
            path = str(bundled)
    if path == "cid":
        _register()
        _font["name"] = CID_FONT
        return CID_FONT
    name = f"ZJTX-{Path(path).stem}"
    if name not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(name, path, subfontIndex=0))
    _font["name"] = name
    return name


def font() -> str:
    return _font["name"] or use_font("")


def _register() -> None:
    if CID_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(CID_FONT))


def _style(size: float = 10, leading: float | None = None, align: int = 0, bold: bool = False) -> ParagraphStyle:
    return ParagraphStyle(f"s{size}-{align}", fontName=font(), fontSize=size, leading=leading or size * 1.45,
                          alignment=align, wordWrap="CJK")


def para(text: Any, size: float = 10, align: int = 0) -> Paragraph:
    return Paragraph(escape(str(text)).replace("\n", "<br/>"), _style(size, align=align))


def beijing(instant: str) -> str:
    """'2020年5月15日 23:59' from an ISO instant ('' stays '')."""
    if not instant:
        return ""
    try:
        value = to_shanghai(datetime.fromisoformat(instant.replace("Z", "+00:00")))
    except ValueError:
        return instant
    return f"{chinese_date(value)} {value:%H:%M}"


def beijing_date(instant: str) -> str:
    """'2020年6月5日' from an ISO instant ('' stays ''), without the time of day."""
    return beijing(instant).split(" ", 1)[0]


def numeral(index: int) -> str:
    if index <= 10:
        return NUMERALS[index - 1]
    return f"十{NUMERALS[index - 11]}" if index < 20 else str(index)


def _grid(rows: list[list[Any]], widths: Sequence[float], header: bool = False) -> Table:
    table = Table(rows, colWidths=list(widths), repeatRows=1 if header else 0)
    style = [("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
             ("FONTNAME", (0, 0), (-1, -1), font()), ("FONTSIZE", (0, 0), (-1, -1), 9)]
    if header:
        style.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#D9D9D9")))
    table.setStyle(TableStyle(style))
    return table


def _footer(text: str) -> Any:
    def draw(canvas: Any, document: Any) -> None:
        canvas.saveState()
        canvas.setFont(font(), 8)
        width = document.pagesize[0]
        canvas.drawCentredString(width / 2, 10 * mm, f"{text}  第 {canvas.getPageNumber()} 页")
        canvas.restoreState()

    return draw


def _unit(info: Any) -> str:
    return f" {info.unit}" if info is not None and info.unit else ""


# reporting keeps no personal field (kernel.personal), so the 申报书 it renders says where they are
PERSONAL_OMITTED = "（个人信息，不在本导出中）"


def application_story(programme: ProgrammeModel, doc: Mapping[str, Any], generated: datetime) -> list[Any]:
    snapshot = ((doc.get("facts") or {}).get("snapshot") or {}).get("data") or {}
    enterprise = snapshot.get("enterprise") or {}
    sections = snapshot.get("sections") or {}
    story: list[Any] = [para(programme.title, 16, 1), para("申报书", 14, 1), Spacer(1, 4 * mm)]
    focus = snapshot.get("focus_category", "")
    submissions = (doc.get("facts") or {}).get("submissions") or {}
    first = min((s["submitted_at"] for s in submissions.values()), default=snapshot.get("submitted_at", ""))
    info = [
        ("企业名称", enterprise.get("name", "")), ("统一社会信用代码", enterprise.get("uscc", "")),
        ("所属地区", enterprise.get("region_name") or enterprise.get("region_code", "")),
        ("所属行业", enterprise.get("industry", "")),
        ("培育重点方向", programme.focus_titles.get(focus, focus) or "（未选择）"),
        ("申报编号", doc.get("_id", "")), ("首次提交时间", beijing(first)),
        ("本版提交时间", beijing(snapshot.get("submitted_at", ""))),
        ("申报材料版本", f"第{snapshot.get('snapshot_version') or 1}版"
                   f"（培育批次文件第{snapshot.get('programme_version') or '-'}版）"),
        (f"申报内容摘要（{'SM3' if snapshot.get('content_hash_alg') == 'sm3' else 'SHA-256'}）",
         snapshot.get("content_hash", "")),
    ]
    story.append(_grid([[para(k, 9), para(v, 9)] for k, v in info], [45 * mm, 125 * mm]))
    number = 0
    known: set[tuple[str, str]] = set()
    personal = programme.personal_fields
    for section in programme.sections:
        number += 1
        story += [Spacer(1, 4 * mm), para(f"{numeral(number)}、{section.title}", 12)]
        rows = []
        for item in section.fields:
            known.add((section.id, item.id))
            value = field_value(item, (sections.get(section.id) or {}).get(item.id))
            if item.id in personal.get(section.id, ()):  # reporting keeps no personal data (PIPL art. 6)
                text = PERSONAL_OMITTED
            else:
                text = "（未填写）" if value is None else f"{display(value)}{_unit(item)}"
            rows.append([para(item.label, 9), para(text, 9)])
        story.append(_grid(rows, [60 * mm, 110 * mm]))
    extra = [(s, f, v) for s, values in sorted(sections.items()) if isinstance(values, Mapping)
             for f, v in sorted(values.items()) if (s, f) not in known]
    if extra:
        number += 1
        story += [Spacer(1, 4 * mm), para(f"{numeral(number)}、其他填写内容（培育批次文件未列出的字段）", 12),
                  _grid([[para(f"{s}.{f}", 9), para(display(field_value(None, v)), 9)] for s, f, v in extra],
                        [60 * mm, 110 * mm])]
    number += 1
    story += [Spacer(1, 4 * mm), para(f"{numeral(number)}、附件清单", 12)]
    attachments = [[para(h, 9) for h in ("序号", "材料", "文件名", "大小（字节）", "SHA-256")]]
    for index, item in enumerate(snapshot.get("attachments") or [], start=1):
        title = programme.attachment_titles.get(item.get("kind", ""), item.get("kind", ""))
        attachments.append([para(index, 9), para(title, 9), para(item.get("filename", ""), 8),
                            para(f"{int(item.get('size') or 0):,}", 8), para(item.get("sha256", ""), 7)])
    if len(attachments) == 1:
        attachments.append([para("—", 9), para("（无附件）", 9), "", "", ""])
    story.append(_grid(attachments, [10 * mm, 32 * mm, 40 * mm, 22 * mm, 66 * mm], header=True))
    pledge = snapshot.get("pledge") or {}
    number += 1
    story += [Spacer(1, 4 * mm), para(f"{numeral(number)}、{programme.pledge_title or '申报材料真实性承诺'}", 12),
              para(programme.pledge_text or "", 10), Spacer(1, 2 * mm),
              _grid([[para("签署人", 9), para(f"{PERSONAL_OMITTED}（{pledge.get('signer_title', '')}）", 9)],
                     [para("签署时间", 9), para(beijing(pledge.get("signed_at", "")), 9)],
                     [para("承诺文本摘要（SHA-256）", 9), para(pledge.get("text_sha256", ""), 8)]],
                    [45 * mm, 125 * mm]),
              Spacer(1, 10 * mm),
              para("企业（盖章）：　　　　　　　　　　法定代表人（签字）：　　　　　　　　　　日期：　　年　　月　　日", 10),
              Spacer(1, 4 * mm), para(f"本申报书由平台根据企业提交的申报材料生成，生成时间：{beijing_now(generated)}", 8),
              para("按个人信息保护要求，联系人、法定代表人、签署人等个人信息不在本导出中；"
                   "审核人员可在审核页面查看（查看留有审计记录）。", 8)]
    return story


def beijing_now(moment: datetime) -> str:
    value = to_shanghai(moment)
    return f"{chinese_date(value)} {value:%H:%M}"


def write_application(path: Path, programme: ProgrammeModel, doc: Mapping[str, Any], generated: datetime) -> int:
    """The paper copy of one application; returns the page count."""
    _register()
    snapshot = ((doc.get("facts") or {}).get("snapshot") or {}).get("data") or {}
    name = (snapshot.get("enterprise") or {}).get("name", "")
    document = SimpleDocTemplate(str(path), pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm,
                                 topMargin=18 * mm, bottomMargin=18 * mm, title=f"{name} 申报书", author="ZJTX")
    footer = _footer(f"{name}　申报编号 {doc.get('_id', '')}")
    document.build(application_story(programme, doc, generated), onFirstPage=footer, onLaterPages=footer)
    return int(document.page)


def write_list(path: Path, title: str, subtitle: str, headers: Sequence[str], rows: Iterable[Sequence[Any]],
               widths_mm: Sequence[float], closing: str) -> int:
    """A landscape list (the 公示 / recognition list) with the header on every page."""
    _register()
    data = [[para(h, 9, 1) for h in headers]] + [[para(display(v) if not isinstance(v, str) else v, 9) for v in row]
                                                  for row in rows]
    document = SimpleDocTemplate(str(path), pagesize=landscape(A4), leftMargin=15 * mm, rightMargin=15 * mm,
                                 topMargin=15 * mm, bottomMargin=18 * mm, title=title, author="ZJTX")
    scale = document.width / (sum(widths_mm) * mm)  # the columns' proportions, fitted to the page width
    story = [para(title, 16, 1), Spacer(1, 2 * mm), para(subtitle, 10, 1), Spacer(1, 4 * mm),
             _grid(data, [w * mm * scale for w in widths_mm], header=True), Spacer(1, 8 * mm), para(closing, 11, 2)]
    footer = _footer(title)
    document.build(story, onFirstPage=footer, onLaterPages=footer)
    return int(document.page)
