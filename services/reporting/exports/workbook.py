"""XLSX laid out the way a joint office keeps its own 台账: a merged title row, a subtitle row
(填报单位、期间、截至日期), a source line, bold bordered Chinese headers, one row per item, real
Excel dates, a frozen header, column widths that fit Chinese text, and a print setup (A4
landscape, fit to width, the header row repeated on each page, page numbers in the footer).
"""

from __future__ import annotations

import io
from datetime import date, datetime

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from services.reporting.exports.sheet import (
    Cell,
    Column,
    Document,
    Kind,
    Sheet,
    display_width,
    local,
)

MAX_WIDTH = 60
"""A column wider than this wraps its text instead (Excel characters)."""
_FORMATS = {
    Kind.DATE: "yyyy-mm-dd",
    Kind.DATETIME: "yyyy-mm-dd hh:mm",
    Kind.NUMBER: "General",
    Kind.PERCENT: "0.0%",
}
_THIN = Side(style="thin")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADER_FILL = PatternFill("solid", fgColor="D9D9D9")
_FONT = "宋体"


def write(document: Document) -> bytes:
    """The workbook's bytes: one worksheet per sheet, each with the document's title block."""
    book = Workbook()
    book.remove(book.worksheets[0])  # the default sheet; ours are added below
    for sheet in document.sheets:
        _fill(book.create_sheet(_sheet_name(sheet.title)), document, sheet)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _sheet_name(title: str) -> str:
    # Excel refuses these characters in a sheet name and more than 31 characters
    cleaned = "".join("_" if ch in "[]:*?/\\" else ch for ch in title)
    return cleaned[:31]


def _fill(ws: Worksheet, document: Document, sheet: Sheet) -> None:
    span = len(sheet.headers)
    title = document.title if len(document.sheets) == 1 else f"{document.title}·{sheet.title}"
    _banner(ws, 1, span, title, Font(name=_FONT, size=16, bold=True), 30)
    _banner(ws, 2, span, document.subtitle, Font(name=_FONT, size=10), 20)
    lines = [line for line in (document.source, sheet.note) if line]
    for n, line in enumerate(lines, start=3):
        _banner(ws, n, span, line, Font(name=_FONT, size=9), 18)
    header = 3 + len(lines)
    _headers(ws, header, sheet)
    for r, row in enumerate(sheet.table(), start=header + 1):
        _row(ws, r, row, sheet.kinds)
    _signatures(ws, header + len(sheet.rows) + 2, span, document.signatures)
    _widths(ws, sheet)
    ws.freeze_panes = ws.cell(row=header + 1, column=1)
    _print_setup(ws, header)


def _banner(ws: Worksheet, row: int, span: int, text: str, font: Font, height: int) -> None:
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=max(span, 1))
    cell = ws.cell(row=row, column=1, value=text)
    cell.font = font
    cell.alignment = Alignment(horizontal="center" if row == 1 else "left", vertical="center")
    ws.row_dimensions[row].height = height


def _headers(ws: Worksheet, row: int, sheet: Sheet) -> None:
    for c, header in enumerate(sheet.headers, start=1):
        cell = ws.cell(row=row, column=c, value=header)
        cell.font = Font(name=_FONT, bold=True)
        cell.border = _BORDER
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)


def _row(ws: Worksheet, r: int, row: tuple[Cell, ...], kinds: tuple[Kind, ...]) -> None:
    for c, (value, kind) in enumerate(zip(row, kinds, strict=True), start=1):
        cell = ws.cell(row=r, column=c, value=_value(value, kind))
        cell.border = _BORDER
        cell.font = Font(name=_FONT)
        cell.alignment = Alignment(vertical="top", wrap_text=kind is Kind.TEXT)
        if kind in _FORMATS:
            cell.number_format = _FORMATS[kind]


def _value(value: Cell, kind: Kind) -> Cell:
    if isinstance(value, datetime):
        moment = local(value)
        return moment.date() if kind is Kind.DATE else moment
    if kind is Kind.PERCENT and isinstance(value, int | float) and not isinstance(value, bool):
        return value / 100  # a percentage; Excel's percent format multiplies by 100
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, date) or value is None or isinstance(value, int | float):
        return value
    return str(value)


def _signatures(ws: Worksheet, row: int, span: int, names: tuple[str, ...]) -> None:
    if names:
        text = "　　　　".join(f"{name}：＿＿＿＿＿＿" for name in names)
        _banner(ws, row, span, text, Font(name=_FONT, size=11), 24)


def _widths(ws: Worksheet, sheet: Sheet) -> None:
    shown = sheet.shown()
    columns: tuple[Column | None, ...] = (None, *sheet.columns) if sheet.numbered else sheet.columns
    for c, (column, header) in enumerate(zip(columns, sheet.headers, strict=True), start=1):
        fitted = max([display_width(header), *(display_width(r[c - 1]) for r in shown)])
        given = column.width if column is not None else None
        ws.column_dimensions[get_column_letter(c)].width = given or min(fitted + 2, MAX_WIDTH)


def _print_setup(ws: Worksheet, header: int) -> None:
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages down as the rows need
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{header}:{header}"
    ws.print_options.horizontalCentered = True
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"
    ws.evenFooter.center.text = "第 &P 页，共 &N 页"
