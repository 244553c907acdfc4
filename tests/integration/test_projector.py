"""The PostgreSQL projector passes the shared projector suite (the memory one passes it in the
fast tier), and reads as the relay does: an event whose transaction commits after a
later-numbered one is applied, not passed over."""

from __future__ import annotations

from collections.abc import AsyncIterator

import asyncpg
import pytest

from services.runtime.eventstore import EventStore, StreamWrite
from services.runtime.eventstore.postgres import PostgresEventStore
from services.runtime.migrations import migrate
from services.runtime.projector import PostgresProjector, Projected, Projection, Rows
from tests.conftest import fresh_database, fresh_pool
from tests.suites.event_store import note
from tests.suites.projector import TALLY, TALLY_SQL, Make, ProjectorSuite, Tally, tallies, write

pytestmark = pytest.mark.integration


@pytest.fixture
async def db(postgres_server: str) -> AsyncIterator[asyncpg.Pool]:
    async with fresh_pool(postgres_server) as pool:
        async with pool.acquire() as conn:
            await migrate(conn, "testing")
            await conn.execute(f"SET search_path TO testing; {TALLY_SQL}")
        yield pool


class TestPostgresProjector(ProjectorSuite):
    @pytest.fixture
    def store(self, db: asyncpg.Pool) -> EventStore:
        return PostgresEventStore(db, "testing")

    @pytest.fixture
    def projector(self, db: asyncpg.Pool) -> Make:
        def make(projections: list[Projection]) -> PostgresProjector:
            return PostgresProjector(db, "testing", "testing", projections)

        return make


async def test_a_transaction_that_commits_late_is_not_passed_over(db: asyncpg.Pool) -> None:
    store = PostgresEventStore(db, "testing")
    p = PostgresProjector(db, "testing", "testing", [Tally()])
    async with db.acquire() as conn:
        slow = conn.transaction()
        await slow.start()
        # an append that has its position (and transaction id) but has not committed yet
        e = note(1)
        await conn.execute(
            "INSERT INTO testing.events (stream_id, version, event_id, type, subject, "
            "occurred_at, message, headers) VALUES ('a', 1, $1, $2, $3, $4, $5::jsonb, '{}')",
            e.message.envelope.event_id,
            e.message.envelope.type,
            e.subject,
            e.message.envelope.occurred_at,
            e.message.model_dump_json(),
        )
        await write(store, "b", 10)  # a later position, committed first
        assert await p.catch_up() == 0  # b waits behind the transaction still in progress
        await slow.commit()
    assert await p.catch_up() == 2
    assert tallies(await p.select(TALLY)) == {"a": (1, [1]), "b": (10, [10])}
    await store.append(StreamWrite("a", 1, [note(2)]))
    assert await p.catch_up() == 1
    assert tallies(await p.select(TALLY, equal={"stream_id": "a"})) == {"a": (3, [1, 2])}


async def test_a_step_commits_without_waiting_for_the_flush_and_leaves_the_session_as_it_was(
    postgres_server: str,
) -> None:
    settings: list[str] = []

    class Watching(Tally):
        async def apply(self, event: Projected, rows: Rows) -> None:
            await super().apply(event, rows)
            conn = rows.conn  # type: ignore[attr-defined]
            settings.append(await conn.fetchval("SHOW synchronous_commit"))

    async with fresh_database(postgres_server) as url:
        pool = await asyncpg.create_pool(
            url, min_size=1, max_size=2, server_settings={"synchronous_commit": "on"}
        )
        try:
            async with pool.acquire() as conn:
                await migrate(conn, "testing")
                await conn.execute(f"SET search_path TO testing; {TALLY_SQL}; RESET search_path")
            await write(PostgresEventStore(pool, "testing"), "a", 1)
            p = PostgresProjector(pool, "testing", "testing", [Watching()])
            assert await p.catch_up() == 1
            assert settings == ["off"]
            for _ in range(pool.get_size()):  # every session is back to its own setting
                async with pool.acquire() as conn:
                    assert await conn.fetchval("SHOW synchronous_commit") == "on"
        finally:
            await pool.close()
