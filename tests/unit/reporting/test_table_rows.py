"""The 推荐汇总表 from stored rows (rules.table) reads and looks like the one openpyxl wrote."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import openpyxl
import pytest

from harness.reporting_events import applicants, programme_from_yaml
from kernel.programme import programme_from_message as from_message
from reporting.rules import summary, table
from reporting.rules.events import normalise
from reporting.rules.projections import fold
from reporting.rules.xlsx import Layout, TableWriter
from zjtx.config import REPO_ROOT

HUNAN = from_message(programme_from_yaml(REPO_ROOT / "deploy" / "programmes" / "hunan-2020-little-giant.yaml"))
T0 = datetime(2020, 5, 10, 2, 0, tzinfo=timezone.utc)
TODAY = datetime(2020, 5, 15, 23, 0, tzinfo=timezone(timedelta(hours=8)))

SIGNATURE = "单位负责人（签字）：　　　经办人（签字）："


def recommended_doc(index: int, rank: int) -> dict:
    a = applicants(index + 1, HUNAN.id)[index]
    events = [normalise(e) for e in (a.submitted(T0), a.passed(T0, "t"), a.recommended(T0, "t", rank))]
    return fold("applications", a.application_id, events)


def both(tmp_path: Path, unit_id: str, docs: list[dict]) -> tuple[openpyxl.Workbook, openpyxl.Workbook]:
    spec = summary.table_spec(HUNAN, unit_id, "长沙市工业和信息化局" if unit_id else "", TODAY)
    layout = Layout("推荐汇总表", spec.title, spec.unit_line, spec.date_line, spec.headers,
                    summary.column_widths(spec), SIGNATURE)
    before = tmp_path / "openpyxl.xlsx"
    writer = TableWriter(before, layout)
    for _ in writer.write(cells for _, cells in summary.rows(docs, spec, HUNAN, lambda u: u)):
        pass
    plan = table.plan_of(HUNAN)
    assert plan is not None
    # as served: rendered, stored in a bucket, its run of rows finished and numbered at once
    bucket = table.encode_rows((table.slot(doc).key, doc["_id"], table.render_row(doc, plan)) for doc in docs)
    finished, count = table.finish_run(table.stored_run(bucket), 1, not unit_id)
    assert count == len(docs)
    after = tmp_path / "stored.xlsx"
    written = list(table.write_workbook(after, layout, [table.Rows(finished, count)]))
    assert written[-1] == len(docs)
    return openpyxl.load_workbook(before), openpyxl.load_workbook(after)


@pytest.mark.parametrize("unit_id", ["", "unit-430100"])
def test_stored_rows_give_the_same_cells_styles_and_layout(tmp_path: Path, unit_id: str) -> None:
    docs = [recommended_doc(i, rank=i + 1) for i in range(4)]
    docs[1]["opinion"] = "同意推荐 <&> \"引号\""  # escaped, not markup
    old, new = (book.active for book in both(tmp_path, unit_id, docs))
    assert [[c.value for c in row] for row in new.iter_rows()] == [[c.value for c in row] for row in old.iter_rows()]
    for old_row, new_row in zip(old.iter_rows(), new.iter_rows(), strict=True):
        for a, b in zip(old_row, new_row, strict=True):
            if a.value is None and not a.has_style:
                continue
            assert (b.font.name, b.font.sz, b.font.b) == (a.font.name, a.font.sz, a.font.b), a.coordinate
            assert (b.alignment.horizontal, b.alignment.wrap_text) == (a.alignment.horizontal, a.alignment.wrap_text)
            assert (b.border.left.style, b.fill.fgColor.rgb) == (a.border.left.style, a.fill.fgColor.rgb), a.coordinate
    assert sorted(map(str, new.merged_cells.ranges)) == sorted(map(str, old.merged_cells.ranges))
    assert {k: d.width for k, d in new.column_dimensions.items()} == {k: d.width for k, d in old.column_dimensions.items()}
    assert (new.print_title_rows, new.freeze_panes) == (old.print_title_rows, old.freeze_panes) == ("$3:$3", "A4")
    assert (new.page_setup.orientation, new.page_setup.fitToWidth, new.page_setup.fitToHeight, new.page_setup.paperSize) \
        == (old.page_setup.orientation, old.page_setup.fitToWidth, old.page_setup.fitToHeight, old.page_setup.paperSize)
    assert new.oddFooter.center.text == old.oddFooter.center.text and new.sheet_properties.pageSetUpPr.fitToPage
    assert new.title == old.title == "推荐汇总表"


def test_a_row_keeps_its_place_and_numbers_come_at_writing() -> None:
    doc = recommended_doc(0, rank=3)
    place = table.slot(doc)
    assert place is not None and place.section == table.RECOMMENDED and place.unit == doc["rec_unit_id"]
    assert place.key.startswith("000000000003|")
    assert table.slot({**doc, "in_table": False, "draft_unit_id": ""}) is None
    plan = table.plan_of(HUNAN)
    assert plan is not None and plan["unit_column"] == 1
    xml = table.render_row(doc, plan)
    assert xml.count(table.NUMBER) == 1 and xml.count(table.UNIT_MARK) == 2
    assert table.finish_row(xml, 7, 10, True).startswith('<row r="10"><c s="5" t="n"><v>7</v></c>')
    assert table.UNIT_MARK not in table.finish_row(xml, 7, 10, False)


def test_a_bucket_is_one_value_its_rows_in_order() -> None:
    rows = [("000000000002|b", "b", '<c s="5" t="inlineStr"><is><t>二 \x00</t></is></c>'),
            ("000000000001|a", "a", "\x01x\x01"), ("000000000003|é", "é", "")]
    data = table.encode_rows(rows)
    assert isinstance(data, bytes) and table.decode_rows(data) == sorted(rows)
    assert table.decode_rows(table.encode_rows([])) == []
    assert table.stored_rows(data) == [(k.encode(), x.encode()) for k, _, x in sorted(rows)]
    for programme_wide in (False, True):  # a run finished at once is its rows finished one by one
        finished, count = table.finish_run(table.stored_run(data), 3, programme_wide)
        assert count == 3 and finished == "".join(table.finish_row(xml, n, n + table.FIRST_ROW - 1, programme_wide)
                                                  for n, (_, _, xml) in enumerate(sorted(rows), start=3)).encode()
    assert table.finish_run(table.stored_run(table.encode_rows([])), 1, True) == (b"", 0)


def test_a_units_rows_are_stored_by_range_of_rank_and_a_drafts_by_application() -> None:
    docs = [{**recommended_doc(0, rank=1), "rec_rank": rank} for rank in (0, 1, 699, 700, 1401)]
    assert [table.slot(d).bucket for d in docs] == ["000000", "000000", "000000", "000001", "000002"]
    assert sorted(table.bucket_id(HUNAN, table.slot(d)) for d in docs) == [table.bucket_id(HUNAN, table.slot(d))
                                                                           for d in docs]  # _id order is rank order
    draft = {"_id": "a1", "draft_unit_id": "unit-430100", "pf_at": "2020-05-10T02:00:00Z"}
    assert table.slot(draft).bucket.startswith("h") and table.slot(draft).section == table.DRAFT
