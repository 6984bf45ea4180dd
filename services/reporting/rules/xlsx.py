"""Streaming XLSX tables (openpyxl write-only mode: rows go to a temporary file as they
come, so memory does not grow with the number of rows), laid out to print and sign:
title rows, header repeated on every page, landscape, fit to page width."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from copy import copy
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from reporting.rules.summary import Value

THIN = Side(style="thin", color="000000")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
FONT_NAME = "宋体"  # what the departments' printers and Office installs have


@dataclass(frozen=True)
class Layout:
    sheet_title: str
    title: str
    left_line: str
    right_line: str
    headers: Sequence[str]
    widths: Sequence[float]
    footer_line: str = ""


class TableWriter:
    """Writes one table; ``write`` yields the count of rows written every ``every`` rows."""

    def __init__(self, path: Path, layout: Layout) -> None:
        self.path = path
        self.layout = layout
        self.rows = 0
        self.workbook = Workbook(write_only=True)
        self.sheet: WriteOnlyWorksheet = self.workbook.create_sheet(layout.sheet_title[:31])
        self._styles()

    def _styles(self) -> None:
        self.title_font = Font(name=FONT_NAME, size=16, bold=True)
        self.line_font = Font(name=FONT_NAME, size=11)
        self.header_font = Font(name=FONT_NAME, size=11, bold=True)
        self.body_font = Font(name=FONT_NAME, size=10)
        self.header_fill = PatternFill("solid", fgColor="D9D9D9")
        self.center = Alignment(horizontal="center", vertical="center", wrap_text=True)
        self.left = Alignment(horizontal="left", vertical="center", wrap_text=True)
        self.right = Alignment(horizontal="right", vertical="center")

    def _cell(self, value: Value, font: Font, alignment: Alignment, border: bool = False,
              fill: PatternFill | None = None) -> WriteOnlyCell:
        cell = WriteOnlyCell(self.sheet, value=value)
        cell.font, cell.alignment = font, alignment
        if border:
            cell.border = BOX
        if fill is not None:
            cell.fill = fill
        return cell

    def _prepare(self) -> None:
        sheet, layout = self.sheet, self.layout
        width = len(layout.headers)
        for index, chars in enumerate(layout.widths, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = chars
        sheet.page_setup.orientation = "landscape"
        sheet.page_setup.paperSize = "9"  # A4
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
        sheet.page_setup.fitToWidth = 1
        sheet.page_setup.fitToHeight = 0  # as many pages down as needed
        sheet.print_options.horizontalCentered = True
        sheet.page_margins.left = sheet.page_margins.right = 0.4
        sheet.print_title_rows = "3:3"
        sheet.freeze_panes = "A4"
        sheet.oddFooter.center.text = "第 &P 页，共 &N 页"
        last = get_column_letter(width)
        split = max(1, width // 2)
        sheet.append([self._cell(layout.title, self.title_font, self.center)])
        sheet.merged_cells.add(f"A1:{last}1")
        second = [self._cell(layout.left_line, self.line_font, self.left)] + [None] * (split - 1)
        second.append(self._cell(layout.right_line, self.line_font, self.right))
        sheet.append(second)
        if split > 1:
            sheet.merged_cells.add(f"A2:{get_column_letter(split)}2")
        if width - split > 1:
            sheet.merged_cells.add(f"{get_column_letter(split + 1)}2:{last}2")
        sheet.append([self._cell(h, self.header_font, self.center, True, self.header_fill) for h in layout.headers])

    def _body(self, value: Value, styles: tuple[StyleArray, StyleArray]) -> WriteOnlyCell:
        # Copying a prepared style array is ~10x faster than assigning font, border and
        # alignment per cell (each assignment hashes the style object): it matters at 100k rows.
        cell = WriteOnlyCell(self.sheet, value=value)
        cell._style = copy(styles[1] if isinstance(value, str) and len(value) >= 8 else styles[0])
        return cell

    def write(self, rows: Iterable[Sequence[Value]], every: int = 500) -> Iterator[int]:
        self._prepare()
        styles = (self._cell(None, self.body_font, self.center, True)._style,
                  self._cell(None, self.body_font, self.left, True)._style)
        for values in rows:
            self.sheet.append([self._body(v, styles) for v in values])
            self.rows += 1
            if self.rows % every == 0:
                yield self.rows
        if self.layout.footer_line:
            self.sheet.append([])
            self.sheet.append([self._cell(self.layout.footer_line, self.line_font, self.left)])
            row = self.rows + 5
            self.sheet.merged_cells.add(f"A{row}:{get_column_letter(len(self.layout.headers))}{row}")
        self.workbook.save(self.path)
        yield self.rows


def progress_step(total: int) -> int:
    """Report about twenty times per run, at most every 500 rows."""
    return max(1, min(500, -(-total // 20))) if total else 500
