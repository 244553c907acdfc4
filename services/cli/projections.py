"""`fuyuan projections`: the tables a service writes from its own events — rebuild them from
position 0, or see how far behind the log they are."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable
from typing import Annotated

import asyncpg
import typer

from services.runtime.eventstore.postgres import PostgresEventStore
from services.runtime.projector import Projector

app = typer.Typer(help="Projections 投影: tables written from a service's own events.")
Service = Annotated[str, typer.Option(help="The service whose projections to act on.")]


def _enforcement(pool: asyncpg.Pool) -> Projector:
    from contracts.enforcement.measures import Catalogue
    from services.enforcement import projections

    store = PostgresEventStore(pool, "enforcement")
    return projections.on_postgres(pool, "enforcement", store, Catalogue.load().on_report())


def _bankruptcy(pool: asyncpg.Pool) -> Projector:
    from services.bankruptcy import projections

    return projections.on_postgres(pool, "bankruptcy", PostgresEventStore(pool, "bankruptcy"))


def _risk(pool: asyncpg.Pool) -> Projector:
    from services.risk import projections
    from services.risk.settings import RiskSettings

    store = PostgresEventStore(pool, "risk")
    return projections.on_postgres(pool, "risk", store, RiskSettings().overdue_period_days)


def _reporting(pool: asyncpg.Pool) -> Projector:
    from services.reporting import projections

    return projections.on_postgres(pool, "reporting", PostgresEventStore(pool, "reporting"))


PROJECTORS: dict[str, Callable[[asyncpg.Pool], Projector]] = {
    "enforcement": _enforcement,
    "bankruptcy": _bankruptcy,
    "risk": _risk,
    "reporting": _reporting,
}
"""Service (its schema) → its projector."""


def _url() -> str:
    url = os.environ.get("DATABASE_URL")
    if not url:
        typer.echo("DATABASE_URL is not set", err=True)
        raise typer.Exit(2)
    return url


def _projector(service: str) -> Callable[[asyncpg.Pool], Projector]:
    if service not in PROJECTORS:
        known = ", ".join(sorted(PROJECTORS))
        raise typer.BadParameter(f"{service!r} has no projections; known: {known}")
    return PROJECTORS[service]


async def rebuild_service(url: str, service: str) -> tuple[int, dict[str, int]]:
    """Events replayed, and the rows of each table after the rebuild."""
    pool = await asyncpg.create_pool(url, min_size=1, max_size=2)
    try:
        p = _projector(service)(pool)
        replayed = await p.rebuild()
        counts = {
            t.name: int(await pool.fetchval(f'SELECT count(*) FROM "{service}"."{t.name}"'))
            for t in p.tables
        }
        return replayed, counts
    finally:
        await pool.close()


async def service_lag(url: str, service: str) -> int:
    pool = await asyncpg.create_pool(url, min_size=1, max_size=2)
    try:
        return await _projector(service)(pool).lag()
    finally:
        await pool.close()


@app.command()
def rebuild(service: Service = "enforcement") -> None:
    """Empty the service's projection tables and replay its log from position 0, in one
    transaction (readers see the old rows until it commits); print the counts."""
    _projector(service)
    replayed, counts = asyncio.run(rebuild_service(_url(), service))
    typer.echo(f"{service}: {replayed} events replayed")
    for table, rows in counts.items():
        typer.echo(f"  {table}: {rows} rows")


@app.command()
def lag(service: Service = "enforcement") -> None:
    """How many committed events the service's projections have not read yet."""
    _projector(service)
    behind = asyncio.run(service_lag(_url(), service))
    typer.echo(f"{service}: {behind} events behind")
