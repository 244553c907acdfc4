"""Migrations are versioned and idempotent; the event log refuses change in the database itself."""

from __future__ import annotations

import uuid

import asyncpg
import pytest

from services.runtime.eventstore import InboxEntry, StreamWrite
from services.runtime.eventstore.postgres import PostgresEventStore
from services.runtime.migrations import Migration, MigrationChangedError, migrate
from tests.integration.test_event_store import note

pytestmark = pytest.mark.integration


async def test_migrating_twice_applies_nothing_the_second_time(pool: asyncpg.Pool) -> None:
    async with pool.acquire() as conn:
        first = await migrate(conn, "testing")
        second = await migrate(conn, "testing")
    assert first and second == []


async def test_a_migration_changed_after_it_was_applied_is_an_error(
    pool: asyncpg.Pool, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with pool.acquire() as conn:
        await migrate(conn, "testing")
        from services.runtime import migrations

        original = migrations.migrations_for("testing")
        changed = [Migration(original[0].name, original[0].sql + "\n-- edited")]
        monkeypatch.setattr(migrations, "migrations_for", lambda schema: changed)
        with pytest.raises(MigrationChangedError):
            await migrate(conn, "testing")


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE testing.events SET type = 'forged'",
        "DELETE FROM testing.events",
        "TRUNCATE testing.events",
        "DELETE FROM testing.inbox",
    ],
)
async def test_the_database_refuses_to_change_history(pool: asyncpg.Pool, statement: str) -> None:
    async with pool.acquire() as conn:
        await migrate(conn, "testing")
    store = PostgresEventStore(pool, "testing")
    await store.append(StreamWrite("a", 0, [note(1)]), inbox=InboxEntry("c", uuid.uuid4(), "CT1"))
    with pytest.raises(asyncpg.InsufficientPrivilegeError, match="append-only"):
        await pool.execute(statement)
    assert len(await store.load("a")) == 1
