"""`fuyuan export`: 台账, 逾期清单, 月报, 考核, 数据指标 and 反馈用时 as XLSX, CSV or a print-ready
page, read from the reporting read models (DATABASE_URL)."""

from __future__ import annotations

import asyncio
import os
from datetime import datetime
from pathlib import Path
from typing import Annotated

import asyncpg
import typer

from services.reporting.exports.build import (
    Export,
    ExportError,
    Format,
    Request,
    catalogue,
    document,
    parse_period,
    registry_names,
    write,
)


def export(
    kind: Annotated[Export, typer.Argument(help="What to export.")],
    period: Annotated[str, typer.Option(help="The month, YYYY-MM (期间).")],
    output: Annotated[Path, typer.Option("--output", "-o", help="The file to write.")],
    fmt: Annotated[Format, typer.Option("--format", help="xlsx, csv or html (print).")] = (
        Format.XLSX
    ),
    unit: Annotated[str | None, typer.Option(help="One unit's organization code.")] = None,
    key_item: Annotated[str | None, typer.Option(help="One key item (ledger).")] = None,
    indicator: Annotated[str | None, typer.Option(help="One indicator id.")] = None,
    as_of: Annotated[
        datetime | None,
        typer.Option(
            formats=["%Y-%m-%d"], help="Data as of the end of this day (ledger, overdue)."
        ),
    ] = None,
    schema: Annotated[str, typer.Option(help="The reporting schema.")] = "reporting",
) -> None:
    """Export a ledger, the overdue list, a unit's monthly report, the assessment, the indicators
    or the bureaus' response times (reads DATABASE_URL)."""
    url = os.environ.get("DATABASE_URL")
    if not url:
        typer.echo("DATABASE_URL is not set", err=True)
        raise typer.Exit(2)
    day = as_of.date() if as_of else None
    try:
        request = Request(kind, parse_period(period), unit, key_item, indicator, day)
        data = asyncio.run(_render(url, schema, request, fmt))
    except ExportError as error:
        typer.echo(f"--{error.field.replace('_', '-')}: {error.reason}", err=True)
        raise typer.Exit(2) from None
    output.write_bytes(data)
    typer.echo(f"{output}: {len(data)} bytes")


async def _render(url: str, schema: str, request: Request, fmt: Format) -> bytes:
    pool = await asyncpg.create_pool(url, min_size=1, max_size=2)
    try:
        now = datetime.now().astimezone()
        found = await document(pool, schema, request, now, catalogue(), registry_names())
        return write(found, fmt)
    finally:
        await pool.close()
