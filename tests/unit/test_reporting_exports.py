"""The writers: XLSX read back with openpyxl, CSV with the csv module, the printed page as text."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, date, datetime

import pytest
from openpyxl import load_workbook

from services.reporting.exports import delimited, printable, workbook
from services.reporting.exports.sheet import Column, Document, Kind, Sheet

GENERATED = datetime(2026, 12, 3, 2, 0, tzinfo=UTC)
LEDGER = Sheet(
    title="台账",
    columns=(
        Column("事项内容"),
        Column("办理时限", Kind.DATE),
        Column("状态"),
        Column("销号日期", Kind.DATE),
        Column("反馈时间", Kind.DATETIME),
        Column("按期反馈率", Kind.PERCENT),
    ),
    rows=(
        ("清理拖欠中小企业账款", date(2026, 11, 20), "已逾期", None, None, 50.0),
        (
            "办结涉党政机关执行案件",
            date(2026, 12, 31),
            "已销号",
            date(2026, 11, 30),
            GENERATED,
            100,
        ),
        ('含"引号",逗号\n与换行', None, "未办结", None, None, None),
    ),
    note="共 3 项",
)
DOCUMENT = Document(
    title="府院联动重点事项工作台账（2026年11月）",
    unit="县府院联动办公室",
    period="2026年11月",
    generated_at=GENERATED,
    sheets=(LEDGER,),
    source="读模型 SHA-256：" + "ab" * 32,
)


def _sheet():
    return load_workbook(io.BytesIO(workbook.write(DOCUMENT)))["台账"]


def test_the_workbook_has_a_merged_title_a_subtitle_and_bold_chinese_headers() -> None:
    ws = _sheet()
    assert ws["A1"].value == DOCUMENT.title
    assert "A1:G1" in {str(r) for r in ws.merged_cells.ranges}
    assert "填报单位：县府院联动办公室" in ws["A2"].value
    assert "数据截至：2026-12-03 10:00" in ws["A2"].value  # Asia/Shanghai
    header = [c.value for c in ws[5]]
    assert header == ["序号", "事项内容", "办理时限", "状态", "销号日期", "反馈时间", "按期反馈率"]
    assert all(c.font.bold and c.border.left.style == "thin" for c in ws[5])


def test_the_workbook_has_one_row_per_item_numbered_with_real_dates() -> None:
    ws = _sheet()
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=6, max_row=8)]
    assert [r[0] for r in rows] == [1, 2, 3]
    assert rows[0][2] == datetime(2026, 11, 20)  # an Excel date (openpyxl reads it as datetime)
    assert ws["C6"].number_format == "yyyy-mm-dd"
    assert ws["C6"].is_date
    assert rows[1][5] == datetime(2026, 12, 3, 10, 0)
    assert rows[1][6] == 1 and ws["G7"].number_format == "0.0%"
    assert rows[2][1] == '含"引号",逗号\n与换行'
    assert ws.cell(row=9, column=1).value is None  # the empty line before the signatures


def test_the_workbook_freezes_the_header_and_prints_a4_landscape_fit_to_width() -> None:
    ws = _sheet()
    assert ws.freeze_panes == "A6"
    assert ws.print_title_rows == "$5:$5"
    assert ws.page_setup.orientation == "landscape"
    assert str(ws.page_setup.paperSize) == ws.PAPERSIZE_A4 == "9"
    assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert "&P" in ws.oddFooter.center.text and "&N" in ws.oddFooter.center.text
    assert "填报人" in ws["A10"].value and "审核人" in ws["A10"].value


def test_column_widths_fit_chinese_text() -> None:
    ws = _sheet()
    # 清理拖欠中小企业账款 is ten wide characters: twenty columns and a margin
    assert ws.column_dimensions["B"].width >= 20
    assert ws.column_dimensions["C"].width >= 10


def test_a_document_of_several_sheets_is_one_workbook_with_a_worksheet_each() -> None:
    prose = Sheet("工作进展", (Column("内容"),), (("本月办结三件。",),))
    document = Document("月报", "某单位", "2026年11月", GENERATED, (prose, LEDGER))
    book = load_workbook(io.BytesIO(workbook.write(document)))
    assert book.sheetnames == ["工作进展", "台账"]
    assert book["工作进展"]["A1"].value == "月报·工作进展"


def test_a_long_sheet_title_is_cut_to_what_excel_accepts() -> None:
    sheet = Sheet("一" * 40 + "/", (Column("内容"),), ())
    book = load_workbook(io.BytesIO(workbook.write(Document("t", "u", "p", GENERATED, (sheet,)))))
    assert book.sheetnames == ["一" * 31]


def test_csv_starts_with_a_bom_and_round_trips_through_the_csv_module() -> None:
    data = delimited.write(DOCUMENT)
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert rows[0] == list(LEDGER.headers)
    assert rows[1:] == [list(r) for r in LEDGER.shown()]
    assert rows[1] == ["1", "清理拖欠中小企业账款", "2026-11-20", "已逾期", "", "", "50%"]
    assert rows[3][1] == '含"引号",逗号\n与换行'


def test_csv_of_several_sheets_titles_each_sheet() -> None:
    prose = Sheet("工作进展", (Column("内容"),), (("本月办结三件。",),))
    data = delimited.write(Document("月报", "u", "p", GENERATED, (prose, LEDGER)))
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert rows[:4] == [["工作进展"], ["序号", "内容"], ["1", "本月办结三件。"], []]
    assert rows[4] == ["台账"] and rows[5] == list(LEDGER.headers)


def test_the_printed_page_is_self_contained_and_holds_every_row() -> None:
    page = printable.render(DOCUMENT)
    assert not re.search(r"https?:", page)
    assert not re.search(r"<(script|link|img)\b", page)
    assert "@page { size: A4 landscape" in page
    assert "thead { display: table-header-group; }" in page
    for row in LEDGER.shown():
        for cell in row:
            escaped = cell.replace("&", "&amp;").replace('"', "&#34;")
            assert escaped in page
    assert page.count("<tr>") == 1 + len(LEDGER.rows)
    for name in ("填报人", "审核人", "联系电话"):
        assert f"{name}：" in page


def test_the_printed_page_escapes_what_the_data_says() -> None:
    sheet = Sheet("台账", (Column("事项内容"),), (("<script>alert(1)</script>",),))
    page = printable.render(Document("t", "u", "p", GENERATED, (sheet,)))
    assert "<script>" not in page and "&lt;script&gt;" in page


def test_a_row_of_the_wrong_length_is_refused() -> None:
    with pytest.raises(ValueError, match="row 0 has 2 cells"):
        Sheet("台账", (Column("事项内容"),), (("a", "b"),))


def test_an_empty_table_prints_as_none_and_later_tables_start_a_new_page() -> None:
    empty = Sheet("具体事例", (Column("事例标题"),), ())
    page = printable.render(Document("月报", "u", "p", GENERATED, (LEDGER, empty)))
    assert '<td colspan="2">（无）</td>' in page
    assert "section + section { page-break-before: always;" in page
    assert page.count("<section>") == 2 and "<h2>具体事例</h2>" in page
