"""How an append wakes the relay: directly when the relay leads in the same process, with a
notification on `<schema>_appended` when it leads elsewhere (another instance, another pool)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable

import asyncpg
import pytest
from nats.aio.client import Client
from nats.js import JetStreamContext

from services.runtime import streams
from services.runtime.eventstore import InboxEntry, StreamWrite
from services.runtime.eventstore.postgres import PostgresEventStore, appended_channel
from services.runtime.migrations import migrate
from services.runtime.relay import Relay
from tests.integration.test_event_store import note

pytestmark = pytest.mark.integration

SCHEMA = "testing"


@pytest.fixture
async def js(nc: Client) -> JetStreamContext:
    context = nc.jetstream()
    with contextlib.suppress(Exception):
        await context.delete_stream("TESTING")
    await streams.ensure(context, streams.context_stream(SCHEMA, 1))
    return context


@pytest.fixture
async def store(database_url: str) -> AsyncIterator[PostgresEventStore]:
    pool = await asyncpg.create_pool(database_url, min_size=1, max_size=5)
    try:
        async with pool.acquire() as conn:
            await migrate(conn, SCHEMA)
        yield PostgresEventStore(pool, SCHEMA)
    finally:
        await pool.close()


@pytest.fixture
async def other_instance(database_url: str) -> AsyncIterator[PostgresEventStore]:
    """The same schema through a pool of its own, as another instance of the service has."""
    pool = await asyncpg.create_pool(database_url, min_size=1, max_size=2)
    try:
        yield PostgresEventStore(pool, SCHEMA)
    finally:
        await pool.close()


@pytest.fixture
async def heard(database_url: str) -> AsyncIterator[list[str]]:
    """The payloads notified on the schema's channel, as a listener elsewhere hears them."""
    conn = await asyncpg.connect(database_url)
    payloads: list[str] = []
    await conn.add_listener(appended_channel(SCHEMA), lambda *a: payloads.append(a[3]))
    try:
        yield payloads
    finally:
        await conn.close()


async def until(fact: Callable[[], Awaitable[bool]], what: str) -> None:
    for _ in range(200):
        if await fact():
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"not within 10 s: {what}")


async def published(js: JetStreamContext) -> int:
    return int((await js.stream_info("TESTING")).state.messages)


async def marker(store: PostgresEventStore, heard: list[str]) -> list[str]:
    """Notify a marker and wait for it: notifications arrive in commit order, so what was heard
    before it is everything the appends before it notified."""
    await store.pool.execute(f"NOTIFY {appended_channel(SCHEMA)}, 'marker'")

    async def came() -> bool:
        return "marker" in heard

    await until(came, "the marker notification")
    return heard[: heard.index("marker")]


@contextlib.asynccontextmanager
async def leading(relay: Relay) -> AsyncIterator[None]:
    stop = asyncio.Event()
    running = asyncio.create_task(relay.run(stop))

    async def leads() -> bool:
        return relay.leading

    try:
        await until(leads, "the relay leading")
        yield
    finally:
        stop.set()
        await asyncio.wait_for(running, 30)


async def test_without_a_leader_in_this_process_every_kind_of_append_notifies(
    store: PostgresEventStore, heard: list[str]
) -> None:
    await store.append(StreamWrite("one", 0, [note(1)]))
    await store.append(StreamWrite("many", 0, [note(2), note(3)]))
    inbox = InboxEntry("c", note(0).message.envelope.event_id, "CT410300")
    await store.append(StreamWrite("one-inbox", 0, [note(4)]), inbox=inbox)
    await store.append(StreamWrite("a", 0, [note(5)]), StreamWrite("b", 0, [note(6)]))
    assert len(await marker(store, heard)) == 4


async def test_a_refused_append_notifies_nothing(
    store: PostgresEventStore, heard: list[str]
) -> None:
    await store.append(StreamWrite("s", 0, [note(1)]))
    with contextlib.suppress(Exception):
        await store.append(StreamWrite("s", 0, [note(2)]))  # stale version: nothing written
    assert len(await marker(store, heard)) == 1


async def test_a_local_leader_is_woken_directly_and_nothing_is_notified(
    store: PostgresEventStore, js: JetStreamContext, heard: list[str]
) -> None:
    # The fallback poll is an hour away: only the direct wake-up can make it publish.
    async with leading(Relay(store.pool, SCHEMA, js, idle_sleep=3600)):
        for i in range(3):
            await store.append(StreamWrite(f"w{i}", 0, [note(i)]))

            async def out(n: int = i + 1) -> bool:
                return await published(js) == n

            await until(out, f"append {i + 1} published")
        assert await marker(store, heard) == []
    # Stepped down: appends notify again.
    heard.clear()
    await store.append(StreamWrite("after", 0, [note(9)]))
    assert len(await marker(store, heard)) == 1


async def test_an_append_of_another_instance_wakes_the_leader_by_notification(
    store: PostgresEventStore, other_instance: PostgresEventStore, js: JetStreamContext
) -> None:
    async with leading(Relay(store.pool, SCHEMA, js, idle_sleep=3600)):
        for i in range(3):
            await other_instance.append(StreamWrite(f"o{i}", 0, [note(i)]))

            async def out(n: int = i + 1) -> bool:
                return await published(js) == n

            await until(out, f"append {i + 1} of the other instance published")
