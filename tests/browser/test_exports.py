"""The monthly report downloaded from the 月报 screen as XLSX opens in a spreadsheet program
with its Chinese sheets and headers."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

import openpyxl
import pytest

from tests.browser.conftest import Seat
from tests.browser.stack import REQUESTER

pytestmark = [pytest.mark.browser, pytest.mark.integration]


async def test_the_monthly_report_downloads_as_xlsx_with_chinese_headers(
    seat: Seat, tmp_path: Path
) -> None:
    unit = await seat(REQUESTER)
    await unit.open("reports")
    async with unit.page.expect_download() as waiting:
        await unit.page.locator("#export-report-xlsx").click()
    download = await waiting.value
    assert download.suggested_filename.startswith("report-")
    assert download.suggested_filename.endswith(".xlsx")
    saved = tmp_path / download.suggested_filename
    await download.save_as(saved)
    book = openpyxl.load_workbook(BytesIO(saved.read_bytes()))
    assert "报送情况" in book.sheetnames
    cells = {str(c.value) for sheet in book.worksheets for row in sheet.iter_rows() for c in row}
    assert any("报送" in c for c in cells)
    assert "数据指标" in book.sheetnames
