"""Several messages decided together are recorded in the inbox together: every row with the
events in one transaction, or none of them (PostgreSQL and the memory store alike)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest

from services.runtime.eventstore import AlreadyProcessedError, EventStore, InboxEntry, StreamWrite
from services.runtime.eventstore.memory import MemoryEventStore
from services.runtime.eventstore.postgres import PostgresEventStore
from services.runtime.migrations import migrate
from tests.conftest import fresh_pool
from tests.suites.event_store import note

pytestmark = pytest.mark.integration


@pytest.fixture(params=["postgres", "memory"])
async def store(request: pytest.FixtureRequest, postgres_server: str) -> AsyncIterator[EventStore]:
    if request.param == "memory":
        yield MemoryEventStore()
        return
    async with fresh_pool(postgres_server) as pool:
        async with pool.acquire() as conn:
            await migrate(conn, "testing")
        yield PostgresEventStore(pool, "testing")


def rows(n: int) -> list[InboxEntry]:
    return [InboxEntry("answers", uuid.uuid4(), f"BK{i}") for i in range(n)]


async def test_every_message_of_a_group_is_in_the_inbox_after_one_append(store: EventStore) -> None:
    together = rows(8)
    await store.append_together(
        StreamWrite("case-1", 0, [note(i) for i in range(8)]), inboxes=together
    )
    assert [e.version for e in await store.load("case-1")] == list(range(1, 9))
    for r in together:
        assert await store.has_processed(r.consumer, r.message_id, r.sender)


async def test_one_message_of_a_group_already_processed_writes_nothing(store: EventStore) -> None:
    together = rows(3)
    await store.append(StreamWrite("case-1", 0, [note(0)]), inbox=together[1])
    with pytest.raises(AlreadyProcessedError) as raised:
        await store.append_together(StreamWrite("case-1", 1, [note(1), note(2)]), inboxes=together)
    assert raised.value.message_id == together[1].message_id
    assert [e.version for e in await store.load("case-1")] == [1]
    assert not await store.has_processed("answers", together[0].message_id, "BK0")
    assert not await store.has_processed("answers", together[2].message_id, "BK2")


async def test_a_stale_version_records_no_message_of_the_group(store: EventStore) -> None:
    together = rows(2)
    await store.append(StreamWrite("case-1", 0, [note(0)]))
    with pytest.raises(Exception, match="version"):
        await store.append_together(StreamWrite("case-1", 0, [note(1)]), inboxes=together)
    for r in together:
        assert not await store.has_processed(r.consumer, r.message_id, r.sender)
