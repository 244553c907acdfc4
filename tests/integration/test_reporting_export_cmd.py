"""`fuyuan export` against PostgreSQL: the golden events observed and folded, then each export
written by the command and read back."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import re
from collections.abc import AsyncIterator, Sequence
from datetime import datetime
from pathlib import Path

import asyncpg
import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner, Result

from services.cli.main import app
from services.reporting import readmodels
from services.reporting.domain.readmodel import Observed
from services.runtime.migrations import migrate
from tests.conftest import fresh_database
from tests.integration.test_reporting_readmodels import insert
from tests.unit.test_reporting_readmodel import ev, golden_events

pytestmark = pytest.mark.integration
SCHEMA = "reporting"
UNIT = "CT410482"


def resubmitted(n: int) -> Observed:
    """The unit's report again, later and with other text: the latest submission is the one."""
    golden = next(e for e in golden_events() if e.name == "report_submitted")
    body = json.loads(json.dumps(dict(golden.body)))
    body["body"]["progress"] = "第一段进展。\n第二段进展。"
    body["report_id"] = "5f000000-0000-4000-8000-0000000000e2"
    return ev(n, golden.type, datetime.fromisoformat("2026-11-25T09:00:00+08:00"), UNIT, **body)


@pytest.fixture
async def url(postgres_server: str) -> AsyncIterator[str]:
    async with fresh_database(postgres_server) as found:
        pool = await asyncpg.create_pool(found, min_size=1, max_size=4)
        try:
            async with pool.acquire() as conn:
                await migrate(conn, SCHEMA)
            events = golden_events()
            for e in [*events, resubmitted(9999)]:
                await insert(pool, e)
            await readmodels.catch_up(pool, SCHEMA)
        finally:
            await pool.close()
        yield found


async def run(url: str, args: Sequence[str]) -> Result:
    env = {"DATABASE_URL": url}
    return await asyncio.to_thread(CliRunner().invoke, app, ["export", *args], env=env)


async def export(url: str, tmp_path: Path, kind: str, fmt: str, *more: str) -> bytes:
    out = tmp_path / f"{kind}.{fmt}"
    args = [kind, "--period", "2026-11", "--format", fmt, "-o", str(out), *more]
    result = await run(url, args)
    assert result.exit_code == 0, result.output
    return out.read_bytes()


def table(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


async def test_the_ledger_workbook_holds_every_item_with_dates_and_print_setup(
    url: str, tmp_path: Path
) -> None:
    pool = await asyncpg.create_pool(url, min_size=1, max_size=2)
    try:
        items = await pool.fetchval(f"SELECT count(*) FROM {SCHEMA}.readmodel WHERE kind = 'item'")
        digest = await readmodels.digest(pool, SCHEMA)
    finally:
        await pool.close()
    assert items > 0
    ws = load_workbook(io.BytesIO(await export(url, tmp_path, "ledger", "xlsx")))["台账"]
    assert ws["A1"].value == "府院联动重点事项工作台账（2026年11月）"
    assert "数据截至" in ws["A2"].value and f"SHA-256 {digest}" in ws["A3"].value
    header = next(r for r in range(1, 10) if ws.cell(row=r, column=1).value == "序号")
    assert ws.freeze_panes == f"A{header + 1}"
    assert ws.print_title_rows == f"${header}:${header}"
    rows = [r for r in ws.iter_rows(min_row=header + 1, values_only=True) if isinstance(r[0], int)]
    assert len(rows) == items
    assert any(isinstance(r[7], datetime) for r in rows)  # 办理时限 as an Excel date
    assert {r[8] for r in rows} <= {"未办结", "即将到期", "已逾期", "已销号"}


async def test_the_overdue_list_as_csv_round_trips_and_as_a_page_holds_every_row(
    url: str, tmp_path: Path
) -> None:
    rows = table(await export(url, tmp_path, "overdue", "csv"))
    assert rows[0][:3] == ["序号", "所属业务", "逾期类型"]
    assert len(rows) > 5
    page = (await export(url, tmp_path, "overdue", "html")).decode()
    assert not re.search(r"https?:", page)
    for row in rows[1:]:
        assert f'<td class="num">{row[0]}</td>' in page


async def test_the_monthly_report_is_the_units_latest_submission_with_its_ledger(
    url: str, tmp_path: Path
) -> None:
    data = await export(url, tmp_path, "report", "xlsx", "--unit", UNIT)
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames[:5] == ["工作进展", "存在问题", "下一步计划", "数据指标", "具体事例"]
    progress = [c.value for c in book["工作进展"]["B"] if c.value]
    assert progress[-2:] == ["第一段进展。", "第二段进展。"]
    values = [r for r in book["数据指标"].iter_rows(values_only=True) if r[0] == 1]
    assert values[0][1:3] == ("ledger_entries_checked_off", "台账销号率")
    status = [r for r in book["报送情况"].iter_rows(values_only=True) if r[4] in ("按时报送",)]
    assert len(status) == 1


async def test_indicators_and_assessment_carry_their_digests(url: str, tmp_path: Path) -> None:
    rows = table(await export(url, tmp_path, "indicators", "csv"))
    assert rows[1][1] == "ledger_entries_checked_off" and rows[1][11] == "0" * 64
    rows = table(await export(url, tmp_path, "assessment", "csv"))
    assert rows[:2] == [["考核结果"], ["排名", "单位", "期间", "总分", "考核结论", "考核依据"]]
    assert rows[2][0] == "1" and rows[2][3] == "80"
    parts = rows[rows.index(["得分明细"]) + 2]
    assert parts[2:4] == ["ledger_entries_checked_off", "台账销号率"] and parts[6] == "0" * 64


async def test_a_request_that_cannot_be_answered_names_its_option(url: str, tmp_path: Path) -> None:
    out = str(tmp_path / "x.xlsx")
    refused = await run(url, ["report", "--period", "2026-11", "-o", out])
    assert refused.exit_code == 2 and "--unit" in refused.output
    as_of = ["assessment", "--period", "2026-11", "--as-of", "2026-11-30", "-o", out]
    refused = await run(url, as_of)
    assert refused.exit_code == 2 and "--as-of" in refused.output
    refused = await run(url, ["ledger", "--period", "2026-13", "-o", out])
    assert refused.exit_code == 2 and "--period" in refused.output
    assert not await asyncio.to_thread(Path(out).exists)


async def test_the_ledger_as_of_a_day_before_anything_happened_is_empty(
    url: str, tmp_path: Path
) -> None:
    rows = table(await export(url, tmp_path, "ledger", "csv", "--as-of", "2000-01-01"))
    assert rows == [rows[0]] and rows[0][:3] == ["序号", "事项类别", "重点事项"]
    ws = load_workbook(
        io.BytesIO(await export(url, tmp_path, "ledger", "xlsx", "--as-of", "2000-01-01"))
    )["台账"]
    assert "数据截至：2000-01-01 23:59" in ws["A2"].value
    assert ws["A4"].value.startswith("共 0 项")
