"""Workbook, PDF and chart writers: what a department opens, prints and reads."""

from __future__ import annotations

import io
import tracemalloc
import warnings
from datetime import datetime, timezone
from pathlib import Path

from openpyxl import load_workbook
from pypdf import PdfReader

from harness.reporting_events import applicants, programme_from_yaml
from kernel.programme import programme_from_message as from_message
from reporting.rules import charts, pdf
from reporting.rules.divisions import load_regions
from reporting.rules.events import normalise
from reporting.rules.projections import fold
from reporting.rules.statistics import compute
from reporting.rules.xlsx import Layout, TableWriter
from zjtx.config import REPO_ROOT

HUNAN = from_message(programme_from_yaml(REPO_ROOT / "deploy" / "programmes" / "hunan-2020-little-giant.yaml"))
T0 = datetime(2020, 5, 10, 2, 0, tzinfo=timezone.utc)


def layout(headers: list[str]) -> Layout:
    return Layout("推荐汇总表", "测试推荐汇总表", "推荐单位（盖章）：长沙市工业和信息化局", "日期：2020年5月15日",
                  headers, [10.0] * len(headers), "单位负责人（签字）：")


def test_workbook_is_laid_out_to_print_and_sign(tmp_path: Path) -> None:
    path = tmp_path / "t.xlsx"
    writer = TableWriter(path, layout(["序号", "企业名称", "金额"]))
    progress = list(writer.write(([i, f"企业{i}", i * 1.5] for i in range(1, 8)), every=3))
    assert progress == [3, 6, 7] and writer.rows == 7
    sheet = load_workbook(path).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][0] == "测试推荐汇总表" and values[1][0].endswith("长沙市工业和信息化局")
    assert [v for v in values[1] if v][-1] == "日期：2020年5月15日"
    assert values[2] == ("序号", "企业名称", "金额") and values[3] == (1, "企业1", 1.5) and values[9][0] == 7
    assert values[-1][0] == "单位负责人（签字）："
    assert sheet.page_setup.orientation == "landscape" and sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.page_setup.fitToWidth == 1 and sheet.page_setup.fitToHeight == 0
    assert sheet.print_title_rows == "$3:$3" and "A1:C1" in {str(r) for r in sheet.merged_cells.ranges}


def test_workbook_memory_does_not_grow_with_rows(tmp_path: Path) -> None:
    def peak(rows: int) -> int:
        tracemalloc.start()
        writer = TableWriter(tmp_path / f"{rows}.xlsx", layout([f"列{i}" for i in range(13)]))
        for _ in writer.write([n, f"某某科技有限公司{n}", "91430100MA4L000000", 12345.67] * 3 + [n] for n in range(rows)):
            pass
        _, top = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        return top

    small, large = peak(200), peak(1600)
    assert large < small * 1.5 + 2_000_000, (small, large)


def test_application_pdf_text_comes_back(tmp_path: Path) -> None:
    a = applicants(1, HUNAN.id, prefix="P")[0]
    doc = fold("applications", a.application_id, [normalise(a.submitted(T0))])
    path = tmp_path / "a.pdf"
    pages = pdf.write_application(path, HUNAN, doc, T0)
    text = "".join(page.extract_text() for page in PdfReader(path).pages).replace("\n", "")
    assert pages >= 2
    for expected in (a.name, a.uscc, "企业基础信息", "经济效益", "附件清单", "财务报表", doc["facts"]["snapshot"]["data"]
                     ["attachments"][1]["sha256"], "真实性承诺", "申报企业对申报材料的完整性、真实性、合法性负责",
                     "个人信息，不在本导出中", "个人信息不在本导出中"):
        assert expected in text, expected
    assert "法人0" not in text  # the signer and the form's contacts are personal: reporting renders none


def test_charts_render_chinese_without_missing_glyphs() -> None:
    groups = [{"status": s, "region_code": r, "industry": "计算机、通信和其他电子设备制造业",
               "focus_category": "new_infrastructure", "level": 1, "submitted_day": d, "n": n}
              for s, r, d, n in (("submitted", "430104", "2020-04-01", 2), ("recognised", "433101", "2020-05-15", 9),
                                 ("recommended", "430481", "2020-05-14", 4))]
    stats = compute(groups, [], HUNAN, load_regions(), "2020-05-16T00:00:00.000Z")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        made = list(charts.render(stats))
    assert [c for c in caught if "missing from font" in str(c.message) or "Glyph" in str(c.message)] == []
    assert {(c.name, c.format) for c in made} == {(n, f) for n in charts.CHARTS for f in ("png", "svg")}
    assert all(c.warnings == [] for c in made)
    png = next(c for c in made if c.name == "city" and c.format == "png")
    assert png.data.startswith(b"\x89PNG")
    svg = next(c for c in made if c.name == "daily" and c.format == "svg").data.decode()
    assert "<svg" in svg and "<path" in svg


def test_a_font_without_chinese_glyphs_is_reported() -> None:
    import matplotlib

    dejavu = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"
    stats = compute([], [], HUNAN, load_regions(), "2020-05-16T00:00:00.000Z")
    made = list(charts.render(stats, ["status"], ["png"], font_file=str(dejavu)))
    assert any("missing from font" in w for w in made[0].warnings)
    assert io.BytesIO(made[0].data).read(4) == b"\x89PNG"


def test_an_embedded_truetype_font_can_replace_the_cid_font(tmp_path: Path) -> None:
    import matplotlib

    dejavu = str(Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf")
    a = applicants(1, HUNAN.id, prefix="Q")[0]
    doc = fold("applications", a.application_id, [normalise(a.submitted(T0))])
    try:
        assert pdf.use_font(dejavu) == "ZJTX-DejaVuSans"
        pdf.write_application(tmp_path / "e.pdf", HUNAN, doc, T0)
    finally:
        pdf.use_font("")
    page = PdfReader(tmp_path / "e.pdf").pages[0]
    fonts = [str(f.get_object()["/BaseFont"]) for f in page["/Resources"]["/Font"].values()]
    assert any("DejaVuSans" in f for f in fonts) and a.uscc in PdfReader(tmp_path / "e.pdf").pages[0].extract_text()


def test_pdfs_embed_a_chinese_font_by_default(tmp_path: Path) -> None:
    """Issue 21: the CID font was not embedded, so a reader without Chinese fonts showed blanks."""
    a = applicants(1, HUNAN.id, prefix="R")[0]
    doc = fold("applications", a.application_id, [normalise(a.submitted(T0))])
    pdf.use_font("")
    pdf.write_application(tmp_path / "e.pdf", HUNAN, doc, T0)
    reader = PdfReader(tmp_path / "e.pdf")
    fonts = [f.get_object() for f in reader.pages[0]["/Resources"]["/Font"].values()]
    assert not any("STSong" in str(f["/BaseFont"]) for f in fonts)
    # reportlab's canvas always declares Helvetica (a standard-14 font every reader has); the rest
    # are the TrueType subsets, embedded with /FontFile2
    fonts = [f for f in fonts if str(f["/BaseFont"]) != "/Helvetica"]
    assert fonts
    for font in fonts:
        descriptor = font["/FontDescriptor"].get_object()
        assert "/FontFile2" in descriptor, font
        assert "MicroHei" in str(font["/BaseFont"]), font["/BaseFont"]
    text = reader.pages[0].extract_text()
    assert "申报书" in text and a.name in text, text[:200]


def test_the_list_date_has_no_stray_hour() -> None:
    """Issue 21: "发布日期：2020年6月5日 0" (the first 11 characters of a date and time)."""
    assert pdf.beijing_date("2020-06-05T01:30:00Z") == "2020年6月5日"
    assert pdf.beijing_date("2020-12-15T01:30:00Z") == "2020年12月15日"
    assert pdf.beijing_date("") == ""


def test_count_charts_have_whole_number_ticks() -> None:
    """Issue 21: with few applications the count axes read 0.5, 1.5 件."""
    groups = [{"status": s, "region_code": r, "industry": "通用设备制造业", "focus_category": "new_infrastructure",
               "level": 1, "submitted_day": d, "n": n}
              for s, r, d, n in (("submitted", "430104", "2020-04-01", 1), ("recognised", "433101", "2020-04-02", 2))]
    stats = compute(groups, [], HUNAN, load_regions(), "2020-05-16T00:00:00.000Z")
    for name, axis in (("status", "x"), ("city", "y"), ("daily", "y")):
        figure = charts.draw(name, stats)
        for axes in figure.axes:
            ticks = axes.get_xticks() if axis == "x" else axes.get_yticks()
            assert len(ticks) and all(float(t).is_integer() for t in ticks), (name, list(ticks))
