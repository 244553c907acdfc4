"""The shared failure policy against a real JetStream: redelivery, order, dead letters, replay."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import asyncpg
import nats
import pytest
from nats.aio.client import Client
from nats.js import JetStreamContext

from services.runtime import streams
from services.runtime.consumer import Consumer, Delivery, start
from services.runtime.deadletters import list_deadletters, replay
from services.runtime.devstack import EmbeddedNats, EmbeddedPostgres

pytestmark = pytest.mark.integration


@pytest.fixture
async def js(nc: Client) -> JetStreamContext:
    context = nc.jetstream()
    for name in ("TESTING", "DEADLETTER", "REPLAY"):
        with contextlib.suppress(Exception):
            await context.delete_stream(name)
    await streams.ensure_all(context, ("testing",), 1)
    return context


@pytest.fixture
async def started(js: JetStreamContext) -> AsyncIterator[Callable[[Consumer], Awaitable[None]]]:
    stop = asyncio.Event()
    tasks: list[asyncio.Task[None]] = []

    async def begin(consumer: Consumer) -> None:
        tasks.append(start(js, consumer, stop))

    yield begin
    stop.set()
    await asyncio.gather(*tasks)


async def until(predicate: Callable[[], bool], seconds: float = 15) -> None:
    for _ in range(int(seconds / 0.02)):
        if predicate():
            return
        await asyncio.sleep(0.02)
    raise AssertionError("condition not reached in time")


def consumer(handle: Callable[[Delivery], Awaitable[None]], **kw: object) -> Consumer:
    return Consumer(
        context="testing",
        durable="testing_worker",
        subject="testing.>",
        handle=handle,
        backoff=(0.05, 0.1),
        **kw,
    )  # type: ignore[arg-type]


async def test_messages_of_a_batch_are_handled_one_after_another_in_stream_order(
    js: JetStreamContext, started: Callable[[Consumer], Awaitable[None]]
) -> None:
    seen: list[int] = []
    busy = False

    async def handle(d: Delivery) -> None:
        nonlocal busy
        assert not busy, "two messages handled at once"
        busy = True
        await asyncio.sleep(0.001)
        seen.append(int(d.data))
        busy = False

    for i in range(100):
        await js.publish("testing.event.n.v1.X", str(i).encode())
    await started(consumer(handle, batch_size=32))
    await until(lambda: len(seen) == 100)
    assert seen == list(range(100))


async def test_a_failing_handler_gets_the_message_again_with_backoff(
    js: JetStreamContext, started: Callable[[Consumer], Awaitable[None]]
) -> None:
    attempts: list[int] = []

    async def handle(d: Delivery) -> None:
        attempts.append(d.attempt)
        if d.attempt < 3:
            raise RuntimeError("database briefly away")

    await js.publish("testing.event.n.v1.X", b"1")
    await started(consumer(handle))
    await until(lambda: attempts[-1:] == [3])
    await asyncio.sleep(0.3)
    assert attempts == [1, 2, 3]
    assert await list_deadletters(js) == []


async def test_a_message_that_keeps_failing_is_set_aside_and_the_consumer_goes_on(
    js: JetStreamContext, started: Callable[[Consumer], Awaitable[None]]
) -> None:
    done: list[bytes] = []
    broken = {b"poison"}

    async def handle(d: Delivery) -> None:
        if d.data in broken:
            raise ValueError("cannot handle poison")
        done.append(d.data)

    await js.publish("testing.event.n.v1.X", b"poison")
    await js.publish("testing.event.n.v1.X", b"fine")
    await started(consumer(handle, max_attempts=3))
    await until(lambda: b"fine" in done)
    letters: list = []

    async def has_letter() -> None:
        letters[:] = await list_deadletters(js)

    for _ in range(200):
        await has_letter()
        if letters:
            break
        await asyncio.sleep(0.02)
    [letter] = letters
    assert letter.original_subject == "testing.event.n.v1.X"
    assert letter.attempts == 3
    assert "cannot handle poison" in letter.error
    assert letter.consumer == "testing_worker"

    broken.clear()  # the operator fixed the cause; replay it
    await replay(js, letter)
    await until(lambda: b"poison" in done)
    assert await list_deadletters(js) == []


@pytest.fixture
async def own_postgres(tmp_path: Path) -> AsyncIterator[EmbeddedPostgres]:
    """A PostgreSQL server of this test's own, so the test can stop and start it."""
    server = await asyncio.to_thread(EmbeddedPostgres(tmp_path / "pg", durable=False).start)
    try:
        yield server
    finally:
        await asyncio.to_thread(server.stop)


async def test_a_database_outage_longer_than_all_attempts_sets_nothing_aside(
    js: JetStreamContext,
    started: Callable[[Consumer], Awaitable[None]],
    own_postgres: EmbeddedPostgres,
) -> None:
    pool = await asyncpg.create_pool(own_postgres.url, min_size=1, max_size=2)
    await pool.execute("CREATE TABLE done (n int PRIMARY KEY)")
    tries: list[int] = []
    attempts: list[int] = []

    async def handle(d: Delivery) -> None:
        tries.append(int(d.data))
        async with pool.acquire() as conn:
            await conn.execute("INSERT INTO done VALUES ($1) ON CONFLICT DO NOTHING", int(d.data))
        attempts.append(d.attempt)

    c = consumer(handle, max_attempts=3, pause=(0.05, 0.1, 0.2), batch_size=8)
    try:
        await started(c)
        await js.publish("testing.command.n.v1.X", b"0")
        await until(lambda: attempts == [1])
        await asyncio.to_thread(own_postgres.stop)
        for i in range(1, 21):
            await js.publish("testing.command.n.v1.X", str(i).encode())
        # Far more tries than max_attempts × backoff would allow before the server is back.
        await until(lambda: len(tries) > 10 * c.max_attempts)
        assert set(tries[1:]) == {1}, "a later message overtook the one in hand"
        await asyncio.to_thread(own_postgres.start)
        await until(lambda: len(attempts) == 21, seconds=60)
        rows = await pool.fetch("SELECT n FROM done ORDER BY n")
        assert [r["n"] for r in rows] == list(range(21))
        assert attempts == [1] * 21, "an outage spent an attempt"
        assert await list_deadletters(js) == []
    finally:
        await pool.close()


async def test_a_batch_handler_waits_out_a_database_outage_with_the_same_batch(
    js: JetStreamContext,
    started: Callable[[Consumer], Awaitable[None]],
    own_postgres: EmbeddedPostgres,
) -> None:
    pool = await asyncpg.create_pool(own_postgres.url, min_size=1, max_size=2)
    await pool.execute("CREATE TABLE done (n int PRIMARY KEY, attempt int)")
    batches: list[list[int]] = []

    async def handle_batch(ds: list[Delivery]) -> None:
        batches.append([int(d.data) for d in ds])
        async with pool.acquire() as conn, conn.transaction():
            await conn.executemany(
                "INSERT INTO done VALUES ($1, $2) ON CONFLICT DO NOTHING",
                [(int(d.data), d.attempt) for d in ds],
            )

    async def handle(d: Delivery) -> None:
        await handle_batch([d])

    c = consumer(handle, handle_batch=handle_batch, max_attempts=2, pause=(0.05, 0.1), batch_size=8)
    try:
        await asyncio.to_thread(own_postgres.stop)
        for i in range(20):
            await js.publish("testing.command.n.v1.X", str(i).encode())
        await started(c)
        await until(lambda: len(batches) > 10 * c.max_attempts)
        assert all(b == batches[0] for b in batches), "the batch in hand changed during the outage"
        await asyncio.to_thread(own_postgres.start)
        rows: list[asyncpg.Record] = []

        async def all_written() -> bool:
            rows[:] = await pool.fetch("SELECT n, attempt FROM done ORDER BY n")
            return len(rows) == 20

        for _ in range(600):
            if await all_written():
                break
            await asyncio.sleep(0.05)
        assert [(r["n"], r["attempt"]) for r in rows] == [(i, 1) for i in range(20)]
        assert await list_deadletters(js) == []
    finally:
        await pool.close()


async def test_the_consumer_lives_through_a_nats_restart_and_handles_every_message(
    tmp_path: Path,
) -> None:
    server = EmbeddedNats(tmp_path / "nats").start()
    client = await nats.connect(
        servers=[server.url], reconnect_time_wait=0.2, max_reconnect_attempts=-1
    )
    stop = asyncio.Event()
    seen: list[bytes] = []
    release, entered = asyncio.Event(), asyncio.Event()

    async def handle(d: Delivery) -> None:
        if d.data == b"held" and not release.is_set():
            entered.set()
            await release.wait()  # the server goes away while this message is in hand
        seen.append(d.data)

    try:
        js = client.jetstream()
        await streams.ensure_all(js, ("testing",), 1)
        task = start(js, consumer(handle, ack_wait=2.0), stop)
        await js.publish("testing.event.n.v1.X", b"held")
        await until(entered.is_set)
        await asyncio.to_thread(server.stop)
        release.set()
        await until(lambda: seen[:1] == [b"held"])
        await asyncio.to_thread(server.start)
        await until(lambda: client.is_connected)
        await js.publish("testing.event.n.v1.X", b"after")
        await until(lambda: b"after" in seen)
        assert not task.done(), "the consumer task died with the connection"
        assert set(seen) == {b"held", b"after"}
        stop.set()
        await asyncio.wait_for(task, 30)
    finally:
        await client.close()
        server.stop()
