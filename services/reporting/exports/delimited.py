"""CSV in UTF-8 with a byte-order mark, so Excel on Chinese Windows opens it in the right
encoding; CRLF line ends. A one-sheet document is its header row and its rows; a document of
several sheets (the monthly report) gives each sheet a line with its title, its header row, its
rows and an empty line after them. Cells are written as `Sheet.shown` shows them.
"""

from __future__ import annotations

import csv
import io

from services.reporting.exports.sheet import Document, Sheet

BOM = "\ufeff"


def write(document: Document) -> bytes:
    out = io.StringIO()
    out.write(BOM)
    several = len(document.sheets) > 1
    rows = [row for sheet in document.sheets for row in _rows(sheet, titled=several)]
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode("utf-8")


def _rows(sheet: Sheet, *, titled: bool) -> list[tuple[str, ...]]:
    rows: list[tuple[str, ...]] = [sheet.headers, *sheet.shown()]
    return [(sheet.title,), *rows, ()] if titled else rows
