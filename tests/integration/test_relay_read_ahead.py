"""The relay reads the batch after a full one while it publishes, and uses it only if the
next step starts where the last one ended."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

import asyncpg
import pytest
from nats.aio.client import Client
from nats.js import JetStreamContext

from services.runtime import streams
from services.runtime.eventstore import StreamWrite
from services.runtime.eventstore.postgres import PostgresEventStore
from services.runtime.migrations import migrate
from services.runtime.relay import Relay
from tests.integration.test_event_store import note

pytestmark = pytest.mark.integration


@pytest.fixture
async def js(nc: Client) -> JetStreamContext:
    context = nc.jetstream()
    with contextlib.suppress(Exception):
        await context.delete_stream("TESTING")
    await streams.ensure(context, streams.context_stream("testing", 1))
    return context


@pytest.fixture
async def store(pool: asyncpg.Pool) -> AsyncIterator[PostgresEventStore]:
    async with pool.acquire() as conn:
        await migrate(conn, "testing")
    yield PostgresEventStore(pool, "testing")


async def ids(js: JetStreamContext) -> list[str]:
    info = await js.stream_info("TESTING")
    if not info.state.messages:
        return []
    out = []
    for seq in range(info.state.first_seq, info.state.last_seq + 1):
        headers = (await js.get_msg("TESTING", seq)).headers or {}
        out.append(headers["Nats-Msg-Id"])
    return out


async def test_the_batch_read_ahead_is_published_next_and_only_from_where_it_starts(
    store: PostgresEventStore, js: JetStreamContext
) -> None:
    events = [note(i) for i in range(10)]
    for i, e in enumerate(events):
        await store.append(StreamWrite(f"s{i}", 0, [e]))
    expected = [str(e.message.envelope.event_id) for e in events]
    relay = Relay(store.pool, "testing", js, batch_size=4)
    try:
        first, sent = await relay.step((0, 0))
        assert sent == 4
        assert relay._ahead is not None and relay._ahead[0] == first  # the next 4, being read
        # A step from elsewhere (a checkpoint that did not move) ignores what was read ahead.
        again, sent = await relay.step((0, 0))
        assert (again, sent) == (first, 4)
        second, sent = await relay.step(first)
        assert sent == 4
        third, sent = await relay.step(second)
        assert sent == 2
        assert relay._ahead is None  # a short batch: nothing behind it to read
        assert await relay.step(third) == (third, 0)
    finally:
        await relay.close()
    published = await ids(js)
    # The repeated first batch is dropped by JetStream's duplicate window.
    assert published == expected


async def test_the_checkpoint_save_leaves_the_session_as_it_was(
    store: PostgresEventStore, js: JetStreamContext
) -> None:
    # The save turns off the wait for its flush for its own transaction only: the pooled
    # connection it ran on (one of the services' own) keeps synchronous commits.
    await store.append(StreamWrite("s", 0, [note(1)]))
    async with store.pool.acquire() as conn:
        await conn.execute("SET synchronous_commit = on")  # the tests' server runs without
        relay = Relay(conn, "testing", js)  # one session, to look at
        after, sent = await relay.step((0, 0))
        assert sent == 1
        assert await relay.checkpoint() == after
        assert await conn.fetchval("SHOW synchronous_commit") == "on"
