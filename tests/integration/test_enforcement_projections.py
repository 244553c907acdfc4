"""The enforcement projections on PostgreSQL: the log of a case run through the service in
memory, stored in PostgreSQL, gives the same rows as in memory; rebuilt from position 0 it gives
the same rows again; and every event applied a second time changes nothing."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import asyncpg
import pytest

from contracts.registry import parse_message
from services.cli.projections import rebuild_service, service_lag
from services.enforcement import projections
from services.enforcement.projections import DUE_CASES, SANCTION_PARTIES
from services.runtime.eventstore import NewEvent, StreamWrite
from services.runtime.eventstore.postgres import PostgresEventStore
from services.runtime.migrations import migrate
from services.runtime.projector import Projector, Row
from tests.fast.builders import COURT, DEBTOR, frozen, imposed, lift, query, registered, restrict
from tests.fast.harness import Harness, reference_data

pytestmark = pytest.mark.integration


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[asyncpg.Pool]:
    pool = await asyncpg.create_pool(database_url, min_size=1, max_size=10)
    try:
        async with pool.acquire() as conn:
            await migrate(conn, "enforcement")
        yield pool
    finally:
        await pool.close()


async def a_case() -> Harness:
    """A case with a query past its deadline, a freeze, a restriction lifted and one in force."""
    h = Harness()
    await registered(h)
    await h.send(query(DEBTOR), COURT)
    await frozen(h)
    lifted = await imposed(h, restrict())
    await h.send(lift(lifted, "performed"), COURT)
    await imposed(h, restrict())
    h.clock.advance(timedelta(hours=73))
    await h.tick_deadlines()
    return h


def plain(rows: list[Row]) -> list[dict[str, Any]]:
    return [{k: str(v) if isinstance(v, uuid.UUID) else v for k, v in r.items()} for r in rows]


async def rows(p: Projector) -> dict[str, list[dict[str, Any]]]:
    return {t.name: plain(await p.select(t)) for t in (DUE_CASES, SANCTION_PARTIES)}


async def stored(h: Harness, db: asyncpg.Pool) -> PostgresEventStore:
    """The harness's log, event by event, in a PostgreSQL store."""
    store = PostgresEventStore(db, "enforcement")
    for e in await h.store.read_all(limit=10_000):
        new = NewEvent(parse_message(e.message), e.subject, e.headers)
        await store.append(StreamWrite(e.stream_id, e.version - 1, [new]))
    return store


async def test_postgres_rows_match_memory_rebuild_and_reapplying(db: asyncpg.Pool) -> None:
    h = await a_case()
    store = await stored(h, db)
    on_report = reference_data()[1].on_report()
    p = projections.on_postgres(db, "enforcement", store, on_report)
    assert await p.catch_up() == len(await h.store.read_all(limit=10_000))
    await h.projector.catch_up()
    expected = await rows(h.projector)
    assert expected["due_cases"] and len(expected["sanction_parties"]) == 2
    assert await rows(p) == expected

    assert await p.rebuild() > 0
    assert await rows(p) == expected

    # every event again, on rows already written (the checkpoint forgotten, the rows kept)
    await db.execute("DELETE FROM enforcement.projection_checkpoint")
    again = projections.on_postgres(db, "enforcement", store, on_report)
    assert await again.catch_up() > 0
    assert await rows(again) == expected


async def test_the_rebuild_command_replays_the_log_and_counts_the_rows(
    db: asyncpg.Pool, database_url: str
) -> None:
    assert await rebuild_service(database_url, "enforcement") == (
        0,
        {"debtor_cases": 0, "due_cases": 0, "sanction_parties": 0},
    )
    h = await a_case()
    await stored(h, db)
    events = len(await h.store.read_all(limit=10_000))
    assert await service_lag(database_url, "enforcement") == events
    replayed, counts = await rebuild_service(database_url, "enforcement")
    assert (replayed, counts) == (
        events,
        {"debtor_cases": 0, "due_cases": 1, "sanction_parties": 2},
    )
    assert await service_lag(database_url, "enforcement") == 0
