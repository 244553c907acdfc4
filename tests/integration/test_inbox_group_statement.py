"""A group's inbox rows go in as one statement: a repeat inside the group, or a legacy row
(recorded before senders were kept) for one of its messages, still stops the whole group."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest

from services.runtime.eventstore import AlreadyProcessedError, InboxEntry, StreamWrite
from services.runtime.eventstore.postgres import PostgresEventStore
from services.runtime.migrations import migrate
from tests.conftest import fresh_pool
from tests.suites.event_store import note

pytestmark = pytest.mark.integration


@pytest.fixture
async def store(postgres_server: str) -> AsyncIterator[PostgresEventStore]:
    async with fresh_pool(postgres_server) as pool:
        async with pool.acquire() as conn:
            await migrate(conn, "testing")
        yield PostgresEventStore(pool, "testing")


def rows(n: int) -> list[InboxEntry]:
    return [InboxEntry("answers", uuid.uuid4(), f"BK{i}") for i in range(n)]


async def nothing_written(store: PostgresEventStore, group: list[InboxEntry]) -> None:
    assert await store.load("case-1") == []
    for r in group:
        if r.sender:
            assert not await store.has_processed(r.consumer, r.message_id, r.sender)


async def test_the_same_message_twice_in_a_group_writes_nothing(
    store: PostgresEventStore,
) -> None:
    group = rows(3)
    group.append(group[1])
    with pytest.raises(AlreadyProcessedError) as raised:
        await store.append_together(StreamWrite("case-1", 0, [note(1)]), inboxes=group)
    assert raised.value.message_id == group[1].message_id
    await nothing_written(store, group[:3])


async def test_a_legacy_row_of_one_message_stops_the_group(store: PostgresEventStore) -> None:
    group = rows(3)
    await store.pool.execute(
        "INSERT INTO testing.inbox (consumer, message_id, sender) VALUES ($1, $2, '')",
        group[2].consumer,
        group[2].message_id,
    )
    with pytest.raises(AlreadyProcessedError) as raised:
        await store.append_together(StreamWrite("case-1", 0, [note(1)]), inboxes=group)
    assert raised.value.message_id == group[2].message_id
    await nothing_written(store, group[:2])


async def test_a_group_of_new_messages_is_recorded_whole(store: PostgresEventStore) -> None:
    group = rows(5)
    await store.append_together(StreamWrite("case-1", 0, [note(1)]), inboxes=group)
    for r in group:
        assert await store.has_processed(r.consumer, r.message_id, r.sender)
