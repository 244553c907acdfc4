"""The PostgreSQL event store passes the shared store suite (the memory store passes it in the
fast tier), and reads inbox rows written before senders were kept."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest

from services.runtime.eventstore import AlreadyProcessedError, EventStore, InboxEntry, StreamWrite
from services.runtime.eventstore.postgres import PostgresEventStore
from services.runtime.migrations import migrate
from tests.conftest import fresh_pool
from tests.suites.event_store import EventStoreSuite, note

pytestmark = pytest.mark.integration


class TestPostgresEventStore(EventStoreSuite):
    @pytest.fixture
    async def store(self, postgres_server: str) -> AsyncIterator[EventStore]:
        async with fresh_pool(postgres_server) as pool:
            async with pool.acquire() as conn:
                await migrate(conn, "testing")
            yield PostgresEventStore(pool, "testing")


async def test_inbox_rows_from_before_senders_were_kept_still_stop_a_redelivery(
    postgres_server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from services.runtime import migrations

    message_id = uuid.uuid4()
    everything = migrations.migrations_for("testing")
    async with fresh_pool(postgres_server) as pool:
        async with pool.acquire() as conn:
            monkeypatch.setattr(migrations, "migrations_for", lambda schema: everything[:1])
            await migrate(conn, "testing")
            await conn.execute(
                "INSERT INTO testing.inbox (consumer, message_id) VALUES ('c', $1)", message_id
            )
            monkeypatch.setattr(migrations, "migrations_for", lambda schema: everything)
            assert "eventstore/0002_inbox_sender.sql" in await migrate(conn, "testing")
        store = PostgresEventStore(pool, "testing")
        assert await pool.fetchval("SELECT sender FROM testing.inbox") == ""
        with pytest.raises(AlreadyProcessedError):
            await store.append(
                StreamWrite("a", 0, [note(1)]), inbox=InboxEntry("c", message_id, "CT1")
            )
        await store.append(
            StreamWrite("a", 0, [note(1)]), inbox=InboxEntry("c", uuid.uuid4(), "CT1")
        )
        assert await store.has_processed("c", message_id, "NR1")
