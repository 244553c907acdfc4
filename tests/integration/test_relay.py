"""The relay against a real PostgreSQL and a real JetStream: order, no gaps, no doubles."""

from __future__ import annotations

import asyncio
import contextlib
import random
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


async def published(js: JetStreamContext) -> list[tuple[str, str, int]]:
    """(Nats-Msg-Id, stream id, version) of everything in the stream, in stream order."""
    info = await js.stream_info("TESTING")
    out = []
    for seq in range(info.state.first_seq, info.state.last_seq + 1):
        if info.state.messages == 0:
            break
        m = await js.get_msg("TESTING", seq)
        out.append((m.headers["Nats-Msg-Id"], m.headers.get("Fuyuan-Stream", ""), seq))
    return out


async def drain(relay: Relay, rounds: int = 50) -> None:
    after = await relay.checkpoint()
    for _ in range(rounds):
        after, sent = await relay.step(after)
        if not sent:
            return


async def test_committed_events_go_out_in_order_with_the_event_id_as_message_id(
    store: PostgresEventStore, js: JetStreamContext
) -> None:
    events = [note(i) for i in range(5)]
    await store.append(StreamWrite("a", 0, events[:3]))
    await store.append(StreamWrite("b", 0, events[3:]))
    await drain(Relay(store.pool, "testing", js))
    ids = [m[0] for m in await published(js)]
    assert ids == [str(e.message.envelope.event_id) for e in events]


async def test_a_transaction_that_commits_late_is_not_passed_over(
    store: PostgresEventStore, js: JetStreamContext
) -> None:
    relay = Relay(store.pool, "testing", js)
    early, late = note(1), note(2)
    async with store.pool.acquire() as slow:
        tx = slow.transaction()
        await tx.start()
        # The slow writer takes its position first but commits last.
        await slow.execute(
            "INSERT INTO testing.events (stream_id, version, event_id, type, subject, occurred_at,"
            " message) VALUES ('slow', 1, $1, 't', $2, now(), '{}')",
            early.message.envelope.event_id,
            early.subject,
        )
        await store.append(StreamWrite("fast", 0, [late]))
        await drain(relay)
        assert await published(js) == []  # the fast one waits behind the open transaction
        await tx.commit()
    await drain(relay)
    ids = [m[0] for m in await published(js)]
    assert ids == [str(early.message.envelope.event_id), str(late.message.envelope.event_id)]


async def test_a_rolled_back_event_is_never_published(
    store: PostgresEventStore, js: JetStreamContext
) -> None:
    relay = Relay(store.pool, "testing", js)
    gone = note(1)
    async with store.pool.acquire() as conn:
        tx = conn.transaction()
        await tx.start()
        await conn.execute(
            "INSERT INTO testing.events (stream_id, version, event_id, type, subject, occurred_at,"
            " message) VALUES ('x', 1, $1, 't', $2, now(), '{}')",
            gone.message.envelope.event_id,
            gone.subject,
        )
        await tx.rollback()
    kept = note(2)
    await store.append(StreamWrite("y", 0, [kept]))
    await drain(relay)
    assert [m[0] for m in await published(js)] == [str(kept.message.envelope.event_id)]


async def test_after_a_crash_before_the_checkpoint_nothing_is_delivered_twice(
    store: PostgresEventStore, js: JetStreamContext
) -> None:
    events = [note(i) for i in range(20)]
    await store.append(StreamWrite("a", 0, events))
    crashed = Relay(store.pool, "testing", js, batch_size=8)
    batch = await crashed.pending(await crashed.checkpoint())
    await crashed.publish(batch)  # published, then the process dies before saving
    restarted = Relay(store.pool, "testing", js, batch_size=8)
    await drain(restarted)
    ids = [m[0] for m in await published(js)]
    assert ids == [str(e.message.envelope.event_id) for e in events]
    assert restarted.published == 12  # the 8 sent before the crash were recognised as duplicates


async def test_only_one_relay_publishes_for_a_schema(
    store: PostgresEventStore, js: JetStreamContext
) -> None:
    await store.append(StreamWrite("a", 0, [note(i) for i in range(30)]))
    stop = asyncio.Event()
    relays = [Relay(store.pool, "testing", js, batch_size=5) for _ in range(2)]
    tasks = [asyncio.create_task(r.run(stop)) for r in relays]
    for _ in range(200):
        if (await js.stream_info("TESTING")).state.messages == 30:
            break
        await asyncio.sleep(0.05)
    stop.set()
    await asyncio.gather(*tasks)
    assert sorted(r.published for r in relays) == [0, 30]


async def _writer(
    store: PostgresEventStore, n: int, rng: random.Random, committed: list[str]
) -> None:
    stream = f"w{n}"
    version = 0
    for _ in range(25):
        batch = [note(i) for i in range(rng.randint(1, 4))]
        async with store.pool.acquire() as conn:
            tx = conn.transaction()
            await tx.start()
            # Take a transaction id first, as a handler writing its inbox row does, so ids and
            # positions interleave across writers.
            await conn.execute("SELECT pg_current_xact_id()")
            await asyncio.sleep(rng.random() * 0.01)
            await conn.execute(
                "INSERT INTO testing.events (stream_id, version, event_id, type, subject,"
                " occurred_at, message) SELECT $1, v.version, v.id, 't', 'testing.event.t.v1.X',"
                " now(), '{}' FROM unnest($2::int[], $3::uuid[]) AS v(version, id)",
                stream,
                [version + i + 1 for i in range(len(batch))],
                [b.message.envelope.event_id for b in batch],
            )
            await asyncio.sleep(rng.random() * 0.02)
            if rng.random() < 0.2:
                await tx.rollback()
                continue
            await tx.commit()
        version += len(batch)
        committed += [str(b.message.envelope.event_id) for b in batch]


async def test_under_concurrent_writers_every_committed_event_goes_out_once_in_stream_order(
    store: PostgresEventStore, js: JetStreamContext
) -> None:
    rng = random.Random(42)
    committed: list[str] = []
    stop = asyncio.Event()
    relay = Relay(store.pool, "testing", js, batch_size=16, idle_sleep=0.001)
    relay_task = asyncio.create_task(relay.run(stop))
    await asyncio.gather(
        *(_writer(store, n, random.Random(rng.random()), committed) for n in range(12))
    )
    for _ in range(400):
        if (await js.stream_info("TESTING")).state.messages >= len(committed):
            break
        await asyncio.sleep(0.025)
    stop.set()
    await relay_task
    ids = [m[0] for m in await published(js)]
    assert len(ids) == len(set(ids)) == len(committed)
    assert set(ids) == set(committed)
    order = {eid: i for i, eid in enumerate(ids)}
    rows = await store.pool.fetch("SELECT stream_id, version, event_id::text FROM testing.events")
    by_stream: dict[str, list[tuple[int, str]]] = {}
    for r in rows:
        by_stream.setdefault(r["stream_id"], []).append((r["version"], r["event_id"]))
    for versions in by_stream.values():
        sent_order = [order[eid] for _, eid in sorted(versions)]
        assert sent_order == sorted(sent_order)


async def test_a_leading_relay_is_woken_by_the_commit_not_by_its_poll(
    store: PostgresEventStore, js: JetStreamContext
) -> None:
    # The fallback poll is an hour away: only the commit's notification can wake the leader.
    relay = Relay(store.pool, "testing", js, idle_sleep=3600)
    stop = asyncio.Event()
    running = asyncio.create_task(relay.run(stop))
    try:
        for index in range(3):
            event = note(index)
            # Each append after the leader went idle: it waits for its wake-up.
            for _ in range(200):
                if relay.leading and not relay.appended.is_set():
                    break
                await asyncio.sleep(0.05)
            await store.append(StreamWrite(f"w{index}", 0, [event]))
            for _ in range(200):
                if len(await published(js)) == index + 1:
                    break
                await asyncio.sleep(0.05)
            assert [m[0] for m in await published(js)][-1] == str(event.message.envelope.event_id)
    finally:
        stop.set()
        await asyncio.wait_for(running, 30)


async def test_events_held_behind_a_transaction_that_announces_nothing_go_out_when_it_ends(
    store: PostgresEventStore, js: JetStreamContext
) -> None:
    # The fallback poll is an hour away. A transaction with an id (one that writes, but no
    # event: a projector's step, a heartbeat) holds the horizon while an event commits and wakes
    # the leader; when it ends nothing is announced, yet the event must go out.
    relay = Relay(store.pool, "testing", js, idle_sleep=3600)
    stop = asyncio.Event()
    running = asyncio.create_task(relay.run(stop))
    event = note(1)
    try:
        for _ in range(200):
            if relay.leading and not relay.appended.is_set():
                break
            await asyncio.sleep(0.05)
        async with store.pool.acquire() as other:
            holding = other.transaction()
            await holding.start()
            await other.fetchval("SELECT pg_current_xact_id()")  # takes a transaction id
            await store.append(StreamWrite("held", 0, [event]))
            for _ in range(200):  # the leader was woken and read: the event is held back
                if relay.held_back:
                    break
                await asyncio.sleep(0.05)
            assert relay.held_back
            assert await published(js) == []
            await holding.commit()
        for _ in range(200):
            if await published(js):
                break
            await asyncio.sleep(0.05)
        assert [m[0] for m in await published(js)] == [str(event.message.envelope.event_id)]
    finally:
        stop.set()
        await asyncio.wait_for(running, 30)
