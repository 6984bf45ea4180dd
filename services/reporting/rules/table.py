"""The 推荐汇总表 kept row by row: what the projector stores for each application on the
table, and the workbook written from those stored rows.

Writing the table per request from the full read-model documents cost 6 s at 10,000
applications and 170 s at 100,000 (reading the documents alone ~16 s, openpyxl ~4k rows/s).
So the projector keeps each row finished (its cells as sheet XML, issue 16) as events
arrive, and a request only orders the stored rows and streams them into the package:
the number column (序号) and the row number are the only parts written per request.

A *plan* is what the projector needs to render a row without the programme (which lives
in review): the programme-wide table's columns, and the form fields' types and option
labels. It is stored by the first request for a programme's table; its signature changes
with the columns or the fields, and then the rows are rendered again.

Everything here is pure: no pymongo, no nameko. The package is written with zipfile
(deflate level 1, streamed), laid out like ``rules.xlsx.TableWriter``'s (same styles,
title rows, header on every page, widths, merged cells, footer).
"""

from __future__ import annotations

import hashlib
import json
import re
import struct
import zipfile
import zlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reporting.rules import summary
from reporting.rules.xlsx import FONT_NAME, Layout

# Sections of the stored table: recommended rows (推荐顺序), then, in a draft, the passed ones.
RECOMMENDED, DRAFT = "r", "d"
NUMBER = "\x00"  # where 序号 goes in a stored row
UNIT_MARK = "\x01"  # around the 推荐单位 cell the programme-wide table adds (cut for a unit's table)
ROW_MARK = "\x02"  # before each row in a bucket's run of rows (cell text never holds it: ILLEGAL)
# A unit's recommended rows are stored by range of 推荐顺序, this many ranks a bucket, so its
# buckets in _id order are its rows in order and a request joins them without merging; a
# draft's passed rows (ordered by pass time) go to one of DRAFT_BUCKETS buckets by application.
RANKS_PER_BUCKET = 700
DRAFT_BUCKETS = 16
# how buckets store rows (3: keys apart from one run of the rows' XML); part of a plan's
# signature, so rows stored in an older form are built again
FORMAT = 3
BUCKET_HEAD = struct.Struct("<II")  # a bucket's row count and the length of its keys and ids
FRAME = struct.Struct("<II")  # a stored row's order key and application id lengths (UTF-8 bytes)
FIRST_ROW = 4  # the sheet row of the table's first row (title, unit and date line, header above)
ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # not allowed in XML 1.0 (openpyxl refuses them too)
# cell styles (cellXfs indexes of STYLES below)
TITLE, LINE_LEFT, LINE_RIGHT, HEADER, BODY, BODY_LEFT = 1, 2, 3, 4, 5, 6


# ---- the plan -------------------------------------------------------------------------------

@dataclass(frozen=True)
class PlanField:
    """A form field as a cell shows it (``summary.field_value`` reads ``type`` and labels)."""

    type: str
    labels: Mapping[str, str]

    def option_label(self, value: str) -> str | None:
        return self.labels.get(value)


class PlanFields:
    """The programme's ``field(section, field)`` look-up, from a stored plan."""

    def __init__(self, fields: Mapping[str, Mapping[str, Any]]) -> None:
        self._fields = {key: PlanField(str(f.get("type", "")), dict(f.get("labels") or {})) for key, f in fields.items()}

    def field(self, section_id: str, field_id: str) -> PlanField | None:
        return self._fields.get(f"{section_id}.{field_id}")


def plan_of(programme: Any) -> dict[str, Any] | None:
    """The stored plan for a programme (a ``ProgrammeModel``); None when its rows cannot be
    kept without asking another service (a park's name comes from review's directory)."""
    spec = summary.table_spec(programme, "", "", datetime(2000, 1, 1))
    columns = [list(c) for c in spec.columns]
    if any(source == "enterprise.park_name" for _, source in columns):
        return None
    declared = {source for _, source in (programme.columns or summary.DEFAULT_COLUMNS)}
    unit_column = next((i for i, (_, source) in enumerate(columns) if source == summary.UNIT_COLUMN[1]), -1) \
        if summary.UNIT_COLUMN[1] not in declared else -1
    fields: dict[str, dict[str, Any]] = {}
    for _, source in columns:
        parts = source.split(".")
        if parts[0] == "application" and len(parts) == 3:
            info = programme.field(parts[1], parts[2])
            if info is not None:
                fields[f"{parts[1]}.{parts[2]}"] = {"type": info.type,
                                                    "labels": {o.value: o.label for o in info.options}}
    body = {"columns": columns, "unit_column": unit_column, "fields": fields, "format": FORMAT}
    signature = hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:16]
    return {"_id": programme.id, **body, "signature": signature}


# ---- a row ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Slot:
    """Where an application's row is stored: (section, group) in table order, its unit, and
    its order within the group."""

    section: str
    group: str
    unit: str
    key: str
    bucket: str  # which of the group's stored documents holds it


def slot(doc: Mapping[str, Any]) -> Slot | None:
    """The row's place, from the read-model document's view fields (None: not on the table)."""
    if doc.get("in_table"):
        rank = int(doc.get("rec_rank") or 0)
        return Slot(RECOMMENDED, str(doc.get("rec_sort", "")), str(doc.get("rec_unit_id", "")),
                    f"{rank:012d}|{doc['_id']}", f"{rank // RANKS_PER_BUCKET:06d}")
    if doc.get("draft_unit_id"):
        unit = str(doc["draft_unit_id"])
        number = int(hashlib.md5(str(doc["_id"]).encode()).hexdigest()[:8], 16) % DRAFT_BUCKETS
        return Slot(DRAFT, unit, unit, f"{doc.get('pf_at', '')}|{doc['_id']}", f"h{number:02d}")
    return None


def bucket_id(programme_id: str, place: Slot) -> str:
    return f"{programme_id}|{place.section}|{place.group}|{place.bucket}"


def encode_rows(rows: Iterable[tuple[str, str, str]]) -> bytes:
    """A bucket's rows, (order key, application id, row XML) sorted by order key, as one
    zlib-compressed value: the database stores and returns one bytes value instead of decoding a
    sub-document per row (issue 16: 144 documents of ~1,200 sub-values took 25.7 s). The keys
    and ids come first, then the rows' XML as one run, each row after a ``ROW_MARK``: a request
    takes the run as it is (``stored_run``) instead of slicing row by row."""
    ordered = sorted(rows)
    heads = b"".join(key.encode() + app_id.encode() for key, app_id, _ in ordered)
    frames = b"".join(FRAME.pack(len(key.encode()), len(app_id.encode())) for key, app_id, _ in ordered)
    run = "".join(ROW_MARK + xml for _, _, xml in ordered).encode()
    return zlib.compress(BUCKET_HEAD.pack(len(ordered), len(heads)) + frames + heads + run, 1)


def _parts(data: bytes) -> tuple[bytes, int, int]:
    """A stored bucket decompressed, where its keys begin and where its run of rows begins."""
    raw = zlib.decompress(data)
    count, heads = BUCKET_HEAD.unpack_from(raw)
    heads_at = BUCKET_HEAD.size + count * FRAME.size
    return raw, heads_at, heads_at + heads


def _keys(raw: bytes, heads_at: int) -> list[tuple[bytes, bytes]]:
    keys: list[tuple[bytes, bytes]] = []
    offset = heads_at
    for a, b in FRAME.iter_unpack(raw[BUCKET_HEAD.size:heads_at]):
        keys.append((raw[offset:offset + a], raw[offset + a:offset + a + b]))
        offset += a + b
    return keys


def decode_rows(data: bytes) -> list[tuple[str, str, str]]:
    """``encode_rows`` undone, in order."""
    raw, heads_at, run_at = _parts(data)
    xml = raw[run_at:].decode().split(ROW_MARK)[1:]
    return [(key.decode(), app_id.decode(), row) for (key, app_id), row in zip(_keys(raw, heads_at), xml, strict=True)]


def stored_rows(data: bytes) -> list[tuple[bytes, bytes]]:
    """A bucket's rows for a request that merges buckets: (order key, row XML) as UTF-8 bytes, in
    order (byte order is the keys' order)."""
    raw, heads_at, run_at = _parts(data)
    xml = raw[run_at:].split(ROW_MARK_BYTES)[1:]
    return [(key, row) for (key, _), row in zip(_keys(raw, heads_at), xml, strict=True)]


def stored_run(data: bytes) -> bytes:
    """A bucket's rows for a request that takes its buckets in order: their XML as one run, each
    row after a ``ROW_MARK`` (``finish_run``)."""
    raw, _, run_at = _parts(data)
    return raw[run_at:]


_FIELDS: dict[str, PlanFields] = {}  # by plan signature (a hash of its columns and fields)


def _plan_fields(plan: Mapping[str, Any]) -> PlanFields:
    """The plan's field look-up, built once per plan rather than once per row (a rebuild renders
    10,000 rows and more)."""
    signature = plan.get("signature")
    if not signature:
        return PlanFields(plan.get("fields") or {})
    found = _FIELDS.get(signature)
    if found is None:
        if len(_FIELDS) >= 64:  # plans of programmes since; bounded
            _FIELDS.clear()
        found = _FIELDS[signature] = PlanFields(plan.get("fields") or {})
    return found


def render_row(doc: Mapping[str, Any], plan: Mapping[str, Any]) -> str:
    """The row's cells as sheet XML, 序号 left as ``NUMBER``, the added 推荐单位 cell marked."""
    fields = _plan_fields(plan)
    unit_column = int(plan.get("unit_column", -1))
    parts = []
    for index, (_, source) in enumerate(plan["columns"]):
        if source == "row.number":
            parts.append(NUMBER)
            continue
        value = summary.cell_value(source, 0, doc, fields, lambda unit_id: unit_id)
        text = cell(value)
        parts.append(f"{UNIT_MARK}{text}{UNIT_MARK}" if index == unit_column else text)
    return "".join(parts)


def cell(value: summary.Value, style: int | None = None) -> str:
    """One body cell as openpyxl writes it: numbers as numbers, text inline; long text left."""
    if value is None:
        return f'<c s="{style or BODY}"/>'
    if isinstance(value, bool):
        value = "是" if value else "否"
    if isinstance(value, int | float):
        return f'<c s="{style or BODY}" t="n"><v>{value!r}</v></c>'
    if not isinstance(value, str):
        return f'<c s="{style or BODY}" t="n"><v>{summary.display(value)}</v></c>'
    chosen = style or (BODY_LEFT if len(value) >= 8 else BODY)
    return f'<c s="{chosen}" t="inlineStr"><is>{_text(value)}</is></c>'


def _text(value: str) -> str:
    value = ILLEGAL.sub("", value)
    space = ' xml:space="preserve"' if value != value.strip() else ""
    return f"<t{space}>{escape(value)}</t>"


NUMBER_BYTES, UNIT_MARK_BYTES, ROW_MARK_BYTES = NUMBER.encode(), UNIT_MARK.encode(), ROW_MARK.encode()
UNIT_CELL = re.compile(re.escape(UNIT_MARK_BYTES) + b"[^" + UNIT_MARK_BYTES + b"]*" + re.escape(UNIT_MARK_BYTES))
NUMBER_CELL = b'<c s="%d" t="n"><v>%%d</v></c>' % BODY


def finish_run(run: bytes, first: int, programme_wide: bool) -> tuple[bytes, int]:
    """A run of stored rows (``stored_run``, or several joined) as the sheet's rows numbered
    ``first``, ``first + 1``... (序号; the sheet row follows from it): (the rows, how many). The
    推荐单位 cell is cut or kept over the whole run at once; per row only the two numbers are
    written, as ``finish_row`` does row by row."""
    run = run.replace(UNIT_MARK_BYTES, b"") if programme_wide else UNIT_CELL.sub(b"", run)
    rows = run.split(ROW_MARK_BYTES)[1:]
    offset = FIRST_ROW - 1
    finished = b"".join([b'<row r="%d">%s</row>' % (number + offset, row.replace(NUMBER_BYTES, NUMBER_CELL % number))
                         for number, row in enumerate(rows, start=first)])
    return finished, len(rows)


def finish_row(stored: str, number: int, row: int, programme_wide: bool) -> str:
    """A stored row as the sheet's row ``row`` numbered ``number`` (序号)."""
    if UNIT_MARK in stored:
        if programme_wide:
            stored = stored.replace(UNIT_MARK, "")
        else:
            head, _, rest = stored.partition(UNIT_MARK)
            stored = head + rest.partition(UNIT_MARK)[2]
    return f'<row r="{row}">' + stored.replace(NUMBER, f'<c s="{BODY}" t="n"><v>{number}</v></c>') + "</row>"


# ---- the package ----------------------------------------------------------------------------

def _column(index: int) -> str:
    """1 -> A, 27 -> AA."""
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _line(text: str, ref: str, style: int) -> str:
    return f'<c r="{ref}" s="{style}" t="inlineStr"><is>{_text(text)}</is></c>'


@dataclass(frozen=True)
class Rows:
    """Several finished ``<row>`` elements at once (UTF-8), and how many."""

    data: bytes
    count: int


def write_workbook(path: Path, layout: Layout, rows: Iterable[str | bytes | Rows], every: int = 500) -> Iterator[int]:
    """Write the package; ``rows`` are finished ``<row>`` elements (text or UTF-8, or several in
    ``Rows``) from sheet row ``FIRST_ROW`` on. Yields the count of rows written about every
    ``every`` rows, and at the end."""
    width = len(layout.headers)
    last = _column(width)
    split = max(1, width // 2)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as package:
        for name, text in _static_parts(layout.sheet_title[:31]).items():
            package.writestr(name, text)
        written = 0
        with package.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(_sheet_head(layout).encode())
            head = [f'<row r="1">{_line(layout.title, "A1", TITLE)}</row>',
                    f'<row r="2">{_line(layout.left_line, "A2", LINE_LEFT)}'
                    f'{_line(layout.right_line, f"{_column(split + 1)}2", LINE_RIGHT)}</row>',
                    '<row r="3">' + "".join(_line(h, f"{_column(i)}3", HEADER)
                                            for i, h in enumerate(layout.headers, start=1)) + "</row>"]
            sheet.write("".join(head).encode())
            chunk: list[bytes] = []
            reported = 0
            for row in rows:
                if isinstance(row, Rows):
                    sheet.write(b"".join(chunk))
                    sheet.write(row.data)
                    chunk = []
                    written += row.count
                else:
                    chunk.append(row if isinstance(row, bytes) else row.encode())
                    written += 1
                    if len(chunk) >= 1000:
                        sheet.write(b"".join(chunk))
                        chunk = []
                if written - reported >= every:
                    reported = written - written % every
                    yield written
            sheet.write(b"".join(chunk))
            merges = [f"A1:{last}1"]
            if split > 1:
                merges.append(f"A2:{_column(split)}2")
            if width - split > 1:
                merges.append(f"{_column(split + 1)}2:{last}2")
            tail = []
            if layout.footer_line:
                footer = written + 5
                tail.append(f'<row r="{footer}">{_line(layout.footer_line, f"A{footer}", LINE_LEFT)}</row>')
                merges.append(f"A{footer}:{last}{footer}")
            sheet.write(("".join(tail) + "</sheetData>" + _sheet_tail(merges)).encode())
    yield written


def _sheet_head(layout: Layout) -> str:
    cols = "".join(f'<col min="{i}" max="{i}" width="{w:g}" customWidth="1"/>'
                   for i, w in enumerate(layout.widths, start=1))
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<worksheet xmlns="{MAIN}" xmlns:r="{REL}">'
            '<sheetPr><outlinePr summaryBelow="1" summaryRight="1"/><pageSetUpPr fitToPage="1"/></sheetPr>'
            '<sheetViews><sheetView workbookViewId="0">'
            '<pane ySplit="3" topLeftCell="A4" activePane="bottomLeft" state="frozen"/>'
            '<selection pane="bottomLeft"/></sheetView></sheetViews>'
            '<sheetFormatPr baseColWidth="8" defaultRowHeight="15"/>'
            f"<cols>{cols}</cols><sheetData>")


def _sheet_tail(merges: Sequence[str]) -> str:
    cells = "".join(f'<mergeCell ref="{m}"/>' for m in merges)
    return (f'<mergeCells count="{len(merges)}">{cells}</mergeCells>'
            '<printOptions horizontalCentered="1"/>'
            '<pageMargins left="0.4" right="0.4" top="1" bottom="1" header="0.5" footer="0.5"/>'
            '<pageSetup orientation="landscape" paperSize="9" fitToHeight="0" fitToWidth="1"/>'
            '<headerFooter><oddFooter>&amp;C第 &amp;P 页，共 &amp;N 页</oddFooter></headerFooter>'
            "</worksheet>")


MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006"
FONT = FONT_NAME

STYLES = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="{MAIN}"><fonts count="5">\
<font><sz val="11"/><color theme="1"/><name val="Calibri"/><family val="2"/><scheme val="minor"/></font>\
<font><b val="1"/><sz val="16"/><name val="{FONT}"/></font>\
<font><sz val="11"/><name val="{FONT}"/></font>\
<font><b val="1"/><sz val="11"/><name val="{FONT}"/></font>\
<font><sz val="10"/><name val="{FONT}"/></font></fonts>\
<fills count="3"><fill><patternFill/></fill><fill><patternFill patternType="gray125"/></fill>\
<fill><patternFill patternType="solid"><fgColor rgb="00D9D9D9"/></patternFill></fill></fills>\
<borders count="2"><border><left/><right/><top/><bottom/><diagonal/></border>\
<border><left style="thin"><color rgb="00000000"/></left><right style="thin"><color rgb="00000000"/></right>\
<top style="thin"><color rgb="00000000"/></top><bottom style="thin"><color rgb="00000000"/></bottom><diagonal/></border>\
</borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>\
<cellXfs count="7"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" pivotButton="0" quotePrefix="0" xfId="0"/>\
<xf numFmtId="0" fontId="1" fillId="0" borderId="0" applyFont="1" applyAlignment="1" xfId="0">\
<alignment horizontal="center" vertical="center" wrapText="1"/></xf>\
<xf numFmtId="0" fontId="2" fillId="0" borderId="0" applyFont="1" applyAlignment="1" xfId="0">\
<alignment horizontal="left" vertical="center" wrapText="1"/></xf>\
<xf numFmtId="0" fontId="2" fillId="0" borderId="0" applyFont="1" applyAlignment="1" xfId="0">\
<alignment horizontal="right" vertical="center"/></xf>\
<xf numFmtId="0" fontId="3" fillId="2" borderId="1" applyFont="1" applyFill="1" applyBorder="1" applyAlignment="1" \
xfId="0"><alignment horizontal="center" vertical="center" wrapText="1"/></xf>\
<xf numFmtId="0" fontId="4" fillId="0" borderId="1" applyFont="1" applyBorder="1" applyAlignment="1" xfId="0">\
<alignment horizontal="center" vertical="center" wrapText="1"/></xf>\
<xf numFmtId="0" fontId="4" fillId="0" borderId="1" applyFont="1" applyBorder="1" applyAlignment="1" xfId="0">\
<alignment horizontal="left" vertical="center" wrapText="1"/></xf></cellXfs>\
<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>\
<tableStyles count="0" defaultTableStyle="TableStyleMedium9" defaultPivotStyle="PivotStyleLight16"/></styleSheet>"""


def _static_parts(sheet_title: str) -> dict[str, str]:
    head = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    quoted = "'" + sheet_title.replace("'", "''") + "'"
    office = "http://schemas.openxmlformats.org/officeDocument/2006"
    return {
        "[Content_Types].xml": head + f'<Types xmlns="{PKG}/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '<Override PartName="/xl/styles.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
        '<Override PartName="/docProps/app.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/></Types>',
        "_rels/.rels": head + f'<Relationships xmlns="{PKG}/relationships">'
        f'<Relationship Id="rId1" Type="{office}/relationships/officeDocument" Target="xl/workbook.xml"/>'
        f'<Relationship Id="rId2" Type="{PKG}/relationships/metadata/core-properties" Target="docProps/core.xml"/>'
        f'<Relationship Id="rId3" Type="{office}/relationships/extended-properties" Target="docProps/app.xml"/>'
        "</Relationships>",
        "docProps/app.xml": head + f'<Properties xmlns="{office}/extended-properties">'
        "<Application>ZJTX reporting</Application></Properties>",
        "docProps/core.xml": head + f'<cp:coreProperties xmlns:cp="{PKG}/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator>ZJTX</dc:creator></cp:coreProperties>',
        "xl/workbook.xml": head + f'<workbook xmlns="{MAIN}" xmlns:r="{REL}"><workbookPr/>'
        '<bookViews><workbookView activeTab="0"/></bookViews>'
        f'<sheets><sheet name="{escape(sheet_title)}" sheetId="1" r:id="rId1"/></sheets>'
        f'<definedNames><definedName name="_xlnm.Print_Titles" localSheetId="0">{escape(quoted)}!$3:$3'
        '</definedName></definedNames><calcPr calcId="124519" fullCalcOnLoad="1"/></workbook>',
        "xl/_rels/workbook.xml.rels": head + f'<Relationships xmlns="{PKG}/relationships">'
        f'<Relationship Id="rId1" Type="{office}/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{office}/relationships/styles" Target="styles.xml"/></Relationships>',
        "xl/styles.xml": STYLES,
    }


