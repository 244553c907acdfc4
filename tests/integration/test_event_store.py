"""One suite, two adapters: the in-memory store must behave exactly like PostgreSQL."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pytest

from contracts.base import Event
from contracts.envelope import Envelope, Message
from contracts.registry import register
from services.runtime.eventstore import (
    AlreadyProcessedError,
    ConcurrencyError,
    DuplicateEventError,
    EventStore,
    InboxEntry,
    NewEvent,
    StreamWrite,
    UnstorableEventError,
)
from services.runtime.eventstore.memory import MemoryEventStore
from services.runtime.eventstore.postgres import PostgresEventStore
from services.runtime.migrations import migrate
from tests.conftest import fresh_pool

pytestmark = pytest.mark.integration


@register
class Noted(Event):
    """A test fact."""

    TYPE = "testing.event.noted.v1"
    n: int
    """A number."""


def note(n: int, event_id: uuid.UUID | None = None) -> NewEvent:
    eid = event_id or uuid.uuid4()
    env = Envelope(event_id=eid, type=Noted.TYPE, occurred_at=datetime.now(UTC),
                   organization="CT410300", correlation_id=eid)  # fmt: skip
    msg: Message[Any] = Message[Noted](envelope=env, data=Noted(n=n))
    return NewEvent(
        msg, f"{Noted.TYPE}.CT410300", {"traceparent": "00-" + "1" * 32 + "-" + "2" * 16 + "-01"}
    )


@pytest.fixture(params=["memory", "postgres"])
async def store(request: pytest.FixtureRequest, postgres_server: str) -> AsyncIterator[EventStore]:
    if request.param == "memory":
        yield MemoryEventStore()
        return
    async with fresh_pool(postgres_server) as pool:
        async with pool.acquire() as conn:
            await migrate(conn, "testing")
        yield PostgresEventStore(pool, "testing")


async def test_appended_events_load_in_version_order(store: EventStore) -> None:
    await store.append(StreamWrite("s-1", 0, [note(1), note(2)]))
    await store.append(StreamWrite("s-1", 2, [note(3)]))
    loaded = await store.load("s-1")
    assert [e.version for e in loaded] == [1, 2, 3]
    assert [e.message["data"]["n"] for e in loaded] == [1, 2, 3]
    assert loaded[0].headers["traceparent"].startswith("00-")
    assert await store.version("s-1") == 3


async def test_append_with_a_stale_expected_version_fails_and_writes_nothing(
    store: EventStore,
) -> None:
    await store.append(StreamWrite("s-1", 0, [note(1)]))
    with pytest.raises(ConcurrencyError):
        await store.append(StreamWrite("s-1", 0, [note(2)]))
    with pytest.raises(ConcurrencyError):
        await store.append(StreamWrite("s-1", 5, [note(2)]))
    assert [e.version for e in await store.load("s-1")] == [1]


async def test_a_failed_stream_write_undoes_the_whole_append(store: EventStore) -> None:
    with pytest.raises(ConcurrencyError):
        await store.append(StreamWrite("a", 0, [note(1)]), StreamWrite("b", 3, [note(2)]),
                           inbox=InboxEntry("c", uuid.uuid4(), "CT410300"))  # fmt: skip
    assert await store.load("a") == []
    assert await store.read_all() == []


async def test_the_same_event_id_cannot_be_stored_twice(store: EventStore) -> None:
    eid = uuid.uuid4()
    await store.append(StreamWrite("a", 0, [note(1, eid)]))
    with pytest.raises(DuplicateEventError):
        await store.append(StreamWrite("b", 0, [note(1, eid)]))


async def test_a_redelivered_message_has_no_second_effect(store: EventStore) -> None:
    message_id = uuid.uuid4()
    await store.append(StreamWrite("a", 0, [note(1)]), inbox=InboxEntry("c", message_id, "CT1"))
    with pytest.raises(AlreadyProcessedError):
        await store.append(StreamWrite("a", 1, [note(2)]), inbox=InboxEntry("c", message_id, "CT1"))
    assert await store.has_processed("c", message_id, "CT1")
    assert not await store.has_processed("other", message_id, "CT1")
    assert len(await store.load("a")) == 1


async def test_the_same_message_id_from_two_senders_is_two_messages(store: EventStore) -> None:
    message_id = uuid.uuid4()
    await store.append(StreamWrite("a", 0, [note(1)]), inbox=InboxEntry("c", message_id, "CT1"))
    await store.append(StreamWrite("a", 1, [note(2)]), inbox=InboxEntry("c", message_id, "NR1"))
    assert await store.has_processed("c", message_id, "NR1")
    assert not await store.has_processed("c", message_id, "BK1")
    assert [e.version for e in await store.load("a")] == [1, 2]


async def test_a_redelivery_from_the_same_sender_in_a_multi_stream_append_has_no_effect(
    store: EventStore,
) -> None:
    message_id = uuid.uuid4()
    first = InboxEntry("c", message_id, "CT1")
    await store.append(StreamWrite("a", 0, [note(1)]), StreamWrite("b", 0, [note(2)]), inbox=first)
    with pytest.raises(AlreadyProcessedError):
        await store.append(StreamWrite("a", 1, [note(3)]), StreamWrite("b", 1, [note(4)]),
                           inbox=first)  # fmt: skip
    await store.append(StreamWrite("a", 1, [note(3)]), StreamWrite("b", 1, [note(4)]),
                       inbox=InboxEntry("c", message_id, "NR1"))  # fmt: skip
    assert len(await store.read_all()) == 4


@pytest.mark.parametrize("streams", [1, 2])
async def test_a_row_recorded_before_senders_were_kept_stops_every_sender(
    store: EventStore, streams: int
) -> None:
    message_id = uuid.uuid4()
    await store.append(StreamWrite("a", 0, [note(1)]), inbox=InboxEntry("c", message_id, ""))
    writes = [StreamWrite(s, v, [note(2)]) for s, v in [("a", 1), ("b", 0)][:streams]]
    with pytest.raises(AlreadyProcessedError):
        await store.append(*writes, inbox=InboxEntry("c", message_id, "CT1"))
    assert await store.has_processed("c", message_id, "CT1")
    assert len(await store.read_all()) == 1


async def test_read_all_returns_committed_events_in_position_order(store: EventStore) -> None:
    await store.append(StreamWrite("a", 0, [note(1)]), StreamWrite("b", 0, [note(2)]))
    await store.append(StreamWrite("a", 1, [note(3)]))
    everything = await store.read_all()
    assert [e.message["data"]["n"] for e in everything] == [1, 2, 3]
    assert [
        e.message["data"]["n"] for e in await store.read_all(after_position=everything[0].position)
    ] == [2, 3]
    assert [e.stream_id for e in await store.read_all(limit=2)] == ["a", "b"]


async def test_concurrent_writers_on_one_stream_never_both_win(store: EventStore) -> None:
    results = await asyncio.gather(
        *(store.append(StreamWrite("race", 0, [note(i)])) for i in range(8)),
        return_exceptions=True,
    )
    assert sum(1 for r in results if not isinstance(r, BaseException)) == 1
    assert all(isinstance(r, ConcurrencyError) for r in results if isinstance(r, BaseException))
    assert len(await store.load("race")) == 1


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


async def test_a_stream_id_no_index_can_hold_is_refused_as_unstorable(store: EventStore) -> None:
    # Digits that do not compress much: PostgreSQL's index refuses them, as the memory store does.
    huge = "case-" + "".join(str(uuid.uuid4().int) for _ in range(3000))
    with pytest.raises(UnstorableEventError):
        await store.append(
            StreamWrite(huge, 0, [note(1)]), inbox=InboxEntry("c", uuid.uuid4(), "CT1")
        )
    assert await store.read_all() == []
