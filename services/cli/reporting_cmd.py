"""`fuyuan reporting`: the reporting read models 台账 — rebuild them from the observed events, or
print their digest (as they stand, or folded as of a past day)."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Awaitable, Callable
from datetime import date, datetime, time
from typing import Annotated, TypeVar

import asyncpg
import typer

from services.reporting import readmodels
from services.reporting.domain.obligations import SHANGHAI

app = typer.Typer(help="Reporting 台账: the read models folded from the observed events.")
Schema = Annotated[str, typer.Option(help="The reporting service's schema.")]
T = TypeVar("T")


def _url() -> str:
    url = os.environ.get("DATABASE_URL")
    if not url:
        typer.echo("DATABASE_URL is not set", err=True)
        raise typer.Exit(2)
    return url


async def _with_pool(work: Callable[[asyncpg.Pool], Awaitable[T]]) -> T:
    pool = await asyncpg.create_pool(_url(), min_size=1, max_size=2)
    try:
        return await work(pool)
    finally:
        await pool.close()


def end_of(day: date) -> datetime:
    """The last moment of the day in Asia/Shanghai: "as of" a day reads everything of it."""
    return datetime.combine(day, time.max, SHANGHAI)


async def rebuild_readmodels(pool: asyncpg.Pool, schema: str) -> tuple[str, int, str]:
    """The digest before, the events applied, the digest after."""
    before = await readmodels.digest(pool, schema)
    applied = await readmodels.rebuild(pool, schema)
    return before, applied, await readmodels.digest(pool, schema)


@app.command()
def rebuild(schema: Schema = "reporting") -> None:
    """Empty the read models and apply the observed events from position 0, in one transaction
    (readers see the old rows until it commits); print the digest before and after."""
    before, applied, after = asyncio.run(_with_pool(lambda p: rebuild_readmodels(p, schema)))
    typer.echo(f"before: {before}")
    typer.echo(f"{applied} observed events applied")
    typer.echo(f"after:  {after}" + ("  (same)" if before == after else "  (changed)"))


@app.command()
def digest(
    as_of: Annotated[
        datetime | None,
        typer.Option(formats=["%Y-%m-%d"], help="Fold the events up to the end of this day."),
    ] = None,
    schema: Schema = "reporting",
) -> None:
    """SHA-256 of the read models' canonical rows: as they stand, or as of a past day."""
    moment = end_of(as_of.date()) if as_of is not None else None
    typer.echo(asyncio.run(_with_pool(lambda p: readmodels.digest(p, schema, moment))))
