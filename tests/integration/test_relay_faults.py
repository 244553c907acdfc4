"""The relay under faults, against a real PostgreSQL and a real JetStream that the tests stop,
restart and cut off: lost acknowledgements, outages, restarts, events the server will not take.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path

import asyncpg
import nats
import pytest
from nats.aio.client import Client
from nats.js import JetStreamContext

from chaos.proxy import Proxy
from services.runtime import streams
from services.runtime.devstack import EmbeddedNats, EmbeddedPostgres
from services.runtime.eventstore import StreamWrite
from services.runtime.eventstore.postgres import PostgresEventStore
from services.runtime.migrations import migrate
from services.runtime.relay import Relay
from tests.integration.test_event_store import note

pytestmark = pytest.mark.integration


async def eventually(fact: Callable[[], Awaitable[bool]], within: float = 30.0) -> None:
    """Wait for `fact` to hold, polling, for at most `within` seconds."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        with contextlib.suppress(Exception):
            if await fact():
                return
        await asyncio.sleep(0.05)
    raise AssertionError(f"not within {within}s: {fact.__qualname__}")


@pytest.fixture(scope="module")
def restartable_postgres(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedPostgres]:
    """A PostgreSQL server of this module's own, so that its tests may stop and restart it."""
    pg = EmbeddedPostgres(tmp_path_factory.mktemp("restartable"), durable=False).start()
    try:
        yield pg
    finally:
        pg.stop()


@pytest.fixture
async def pg_pool(restartable_postgres: EmbeddedPostgres) -> AsyncIterator[asyncpg.Pool]:
    # Not dropped afterwards: the server is this module's own, and a restart ends any admin
    # session that would be kept for it.
    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(restartable_postgres.url)
    await admin.execute(f'CREATE DATABASE "{name}"')
    await admin.close()
    p = await asyncpg.create_pool(
        restartable_postgres.url.rpartition("/")[0] + f"/{name}", min_size=1, max_size=20
    )
    async with p.acquire() as conn:
        await migrate(conn, "testing")
    try:
        yield p
    finally:
        with contextlib.suppress(Exception):
            await asyncio.wait_for(p.close(), 5)


@pytest.fixture
def nats_server(tmp_path: Path) -> Iterator[EmbeddedNats]:
    server = EmbeddedNats(tmp_path / "nats").start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
async def admin(nats_server: EmbeddedNats) -> AsyncIterator[JetStreamContext]:
    """A connection of the test's own, straight to the server, to look at the streams."""
    nc = await nats.connect(nats_server.url, max_reconnect_attempts=-1, reconnect_time_wait=0.2)
    js = nc.jetstream()
    await streams.ensure(js, streams.context_stream("testing", 1))
    await streams.ensure(js, streams.deadletter_stream(1))
    try:
        yield js
    finally:
        await nc.close()


def connector(url: str) -> Callable[[], Awaitable[Client]]:
    async def connect() -> Client:
        return await nats.connect(url, allow_reconnect=False, connect_timeout=1)

    return connect


async def own_relay(pool: asyncpg.Pool, url: str, **options: float) -> Relay:
    connect = connector(url)
    first = await connect()
    kwargs = {"batch_size": 20, "ack_timeout": 1.0, "database_timeout": 3.0, "campaign_every": 0.2}
    return Relay(pool, "testing", first.jetstream(), connect=connect, **{**kwargs, **options})  # type: ignore[arg-type]


async def append(pool: asyncpg.Pool, stream: str, count: int) -> list[str]:
    events = [note(i) for i in range(count)]
    await PostgresEventStore(pool, "testing").append(StreamWrite(stream, 0, events))
    return [str(e.message.envelope.event_id) for e in events]


async def message_ids(js: JetStreamContext, stream: str = "TESTING") -> list[str]:
    info = await js.stream_info(stream)
    ids = []
    for seq in range(info.state.first_seq, info.state.last_seq + 1):
        if info.state.messages:
            ids.append((await js.get_msg(stream, seq)).headers["Nats-Msg-Id"])  # type: ignore[index]
    return ids


async def stored(js: JetStreamContext, count: int) -> bool:
    return (await js.stream_info("TESTING")).state.messages >= count


@contextlib.asynccontextmanager
async def running(*relays: Relay) -> AsyncIterator[asyncio.Event]:
    stop = asyncio.Event()
    tasks = [asyncio.create_task(r.run(stop)) for r in relays]
    try:
        yield stop
    finally:
        stop.set()
        done, late = await asyncio.wait(tasks, timeout=15)
        assert not late, "a relay did not stop within 15 s"
        for t in done:
            t.result()


async def test_lost_acknowledgements_are_published_again_on_a_fresh_connection(
    pg_pool: asyncpg.Pool, nats_server: EmbeddedNats, admin: JetStreamContext
) -> None:
    proxy = await Proxy.to(nats_server.url).start()
    relay = await own_relay(pg_pool, proxy.url, batch_size=50)
    try:
        async with running(relay):
            first = await append(pg_pool, "a", 5)
            await eventually(lambda: stored(admin, 5))
            proxy.drop_replies()  # the server stores what it gets; its answers are lost
            later = await append(pg_pool, "b", 30)
            await eventually(lambda: stored(admin, 35))  # stored, never acknowledged
            await eventually(lambda: _true(relay.ack_timeouts >= 1))
            proxy.resume()
            await eventually(lambda: _checkpoint_at_end(pg_pool))
        assert relay.reconnects >= 1
        ids = await message_ids(admin)
        assert sorted(ids) == sorted(first + later)  # every event exactly once
    finally:
        await proxy.stop()


async def _true(value: bool) -> bool:
    return value


async def _checkpoint_at_end(pool: asyncpg.Pool) -> bool:
    last = await pool.fetchval("SELECT max(position) FROM testing.events")
    at = await pool.fetchval("SELECT position FROM testing.relay_checkpoint")
    return bool(at == last)


async def test_a_relay_whose_connections_are_reset_goes_on_without_losing_or_doubling(
    pg_pool: asyncpg.Pool, nats_server: EmbeddedNats, admin: JetStreamContext
) -> None:
    proxy = await Proxy.to(nats_server.url).start()
    relay = await own_relay(pg_pool, proxy.url)
    ids: list[str] = []
    try:
        async with running(relay):
            for n in range(6):
                ids += await append(pg_pool, f"s{n}", 15)
                proxy.reset()
            await eventually(lambda: _checkpoint_at_end(pg_pool))
        assert sorted(await message_ids(admin)) == sorted(ids)
    finally:
        await proxy.stop()


async def test_an_event_too_large_with_its_headers_is_set_aside_and_the_relay_goes_on(
    pg_pool: asyncpg.Pool, nats_server: EmbeddedNats, admin: JetStreamContext
) -> None:
    relay = await own_relay(pg_pool, nats_server.url)
    limit = relay.nc.max_payload
    before = await append(pg_pool, "a", 2)
    # The body alone fits; with its headers (Nats-Msg-Id, Fuyuan-Type) it does not.
    await pg_pool.execute(
        "INSERT INTO testing.events (stream_id, version, event_id, type, subject, occurred_at,"
        " message) VALUES ('big', 1, gen_random_uuid(), 'testing.event.big.v1',"
        " 'testing.event.big.v1.X', now(), jsonb_build_object('x', repeat('a', $1::int)))",
        limit - len('{"x": ""}') - 10,
    )
    big = await pg_pool.fetchrow(
        "SELECT position, event_id::text FROM testing.events WHERE stream_id = 'big'"
    )
    after = await append(pg_pool, "c", 2)
    async with running(relay):
        await eventually(lambda: _checkpoint_at_end(pg_pool))
    assert await message_ids(admin) == before + after
    row = await pg_pool.fetchrow("SELECT * FROM testing.relay_set_aside")
    assert (row["position"], str(row["event_id"])) == (big["position"], big["event_id"])
    assert row["size"] > limit and "too large" in row["reason"]
    alert = await admin.get_last_msg("DEADLETTER", "deadletter.testing.relay")
    body = json.loads(alert.data or b"")
    assert body["event_id"] == big["event_id"] and body["size"] == row["size"]
    assert alert.headers == {
        "Fuyuan-Kind": "relay",
        "Nats-Msg-Id": f"relay-testing-{big['position']}",
    }
    assert len(alert.data or b"") < 1000  # the alert carries no payload


async def test_an_event_the_server_refuses_is_set_aside_after_bounded_tries(
    pg_pool: asyncpg.Pool, nats_server: EmbeddedNats, admin: JetStreamContext
) -> None:
    # A stream that refuses messages over 4 KiB: the server answers such a publish with an error.
    config = dataclasses.replace(streams.context_stream("testing", 1), max_msg_size=4096)
    await admin.update_stream(config)
    relay = await own_relay(pg_pool, nats_server.url, max_attempts=2)
    small = await append(pg_pool, "a", 3)
    await pg_pool.execute(
        "INSERT INTO testing.events (stream_id, version, event_id, type, subject, occurred_at,"
        " message) VALUES ('big', 1, gen_random_uuid(), 'testing.event.big.v1',"
        " 'testing.event.big.v1.X', now(), jsonb_build_object('x', repeat('a', 8000)))"
    )
    more = await append(pg_pool, "c", 3)
    async with running(relay):
        await eventually(lambda: _checkpoint_at_end(pg_pool))
    assert sorted(await message_ids(admin)) == sorted(small + more)
    reason = await pg_pool.fetchval("SELECT reason FROM testing.relay_set_aside")
    assert "refused by the server" in reason and "2 tries" in reason


async def test_an_event_whose_header_cannot_be_sent_is_set_aside_and_the_rest_go_out(
    pg_pool: asyncpg.Pool, nats_server: EmbeddedNats, admin: JetStreamContext
) -> None:
    relay = await own_relay(pg_pool, nats_server.url, max_attempts=2)
    before = await append(pg_pool, "a", 3)
    await pg_pool.execute(
        "INSERT INTO testing.events (stream_id, version, event_id, type, subject, occurred_at,"
        " message, headers) VALUES ('odd', 1, gen_random_uuid(), 'testing.event.odd.v1',"
        " 'testing.event.odd.v1.X', now(), '{}', '{\"a key: with a colon\": \"x\"}')"
    )
    after = await append(pg_pool, "c", 3)
    async with running(relay):
        await eventually(lambda: _checkpoint_at_end(pg_pool))
    assert sorted(await message_ids(admin)) == sorted(before + after)
    reason = await pg_pool.fetchval("SELECT reason FROM testing.relay_set_aside")
    assert "cannot be sent" in reason and "BadHeaderError" in reason


async def test_a_stale_relay_cannot_move_the_checkpoint_back(
    pg_pool: asyncpg.Pool, nats_server: EmbeddedNats, admin: JetStreamContext
) -> None:
    await append(pg_pool, "a", 10)
    ahead = await own_relay(pg_pool, nats_server.url)
    batch = await ahead.pending((0, 0))
    await ahead.save(batch[-1])
    await ahead.save(batch[2])  # a relay that fell behind saves an older place
    assert await ahead.checkpoint() == (batch[-1].tx, batch[-1].position)
    await ahead.close()


async def test_a_postgres_outage_pauses_the_relay_which_resumes_by_itself(
    restartable_postgres: EmbeddedPostgres,
    pg_pool: asyncpg.Pool,
    nats_server: EmbeddedNats,
    admin: JetStreamContext,
) -> None:
    relay = await own_relay(pg_pool, nats_server.url)
    async with running(relay):
        first = await append(pg_pool, "a", 5)
        await eventually(lambda: stored(admin, 5))
        restartable_postgres.stop()
        await eventually(lambda: _true(relay.pause.reason is not None))
        assert relay.pause.reason is not None and relay.pause.reason.startswith("database")
        restartable_postgres.start()
        later = await append_when_up(pg_pool, "b", 5)
        await eventually(lambda: stored(admin, 10))
        await eventually(lambda: _true(relay.pause.reason is None and relay.leading))
    assert sorted(await message_ids(admin)) == sorted(first + later)
    assert relay.set_aside == 0
    assert await pg_pool.fetchval("SELECT count(*) FROM testing.relay_set_aside") == 0


async def append_when_up(pool: asyncpg.Pool, stream: str, count: int) -> list[str]:
    """Append once the server answers again (the pool's old connections died with it)."""
    deadline = time.monotonic() + 30
    while True:
        try:
            return await append(pool, stream, count)
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError):
            if time.monotonic() > deadline:
                raise
            await asyncio.sleep(0.1)


async def test_after_a_postgres_restart_the_relay_leads_again_and_publishes(
    restartable_postgres: EmbeddedPostgres,
    pg_pool: asyncpg.Pool,
    nats_server: EmbeddedNats,
    admin: JetStreamContext,
) -> None:
    relay = await own_relay(pg_pool, nats_server.url)
    async with running(relay):
        first = await append(pg_pool, "a", 5)
        await eventually(lambda: stored(admin, 5))
        restartable_postgres.stop()
        restartable_postgres.start()
        later = await append_when_up(pg_pool, "b", 5)
        await eventually(lambda: stored(admin, 10))
        # The lock was taken again on a new session: it is held by exactly one session.
        holders = await pg_pool.fetchval(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = $1::bigint::oid",
            relay._lock_key(),
        )
        assert holders == 1 and relay.leading
    assert sorted(await message_ids(admin)) == sorted(first + later)


async def test_two_relays_after_a_database_restart_hand_over_when_the_leader_stops(
    restartable_postgres: EmbeddedPostgres,
    pg_pool: asyncpg.Pool,
    nats_server: EmbeddedNats,
    admin: JetStreamContext,
) -> None:
    one, two = [await own_relay(pg_pool, nats_server.url) for _ in range(2)]
    stop_one, stop_two = asyncio.Event(), asyncio.Event()
    task_one = asyncio.create_task(one.run(stop_one))
    task_two = asyncio.create_task(two.run(stop_two))
    relays = {one: (stop_one, task_one), two: (stop_two, task_two)}
    seen: list[int] = []
    watcher = asyncio.create_task(watch_checkpoint(pg_pool, seen))
    try:
        ids = await append(pg_pool, "a", 10)
        await eventually(lambda: stored(admin, 10))
        restartable_postgres.stop()
        restartable_postgres.start()
        ids += await append_when_up(pg_pool, "b", 10)
        await eventually(lambda: stored(admin, 20))
        await eventually(lambda: _true(one.leading != two.leading))  # one leader, not two
        leader = one if one.leading else two
        standby = two if leader is one else one
        relays[leader][0].set()
        await asyncio.wait_for(relays[leader][1], 15)
        await eventually(lambda: _true(standby.leading))
        ids += await append(pg_pool, "c", 10)
        await eventually(lambda: _checkpoint_at_end(pg_pool))
        published = await message_ids(admin)
        assert len(published) == len(set(published)) == 30  # exactly once: no double, no gap
        assert sorted(published) == sorted(ids)
        assert one.published + two.published == 30  # not even a repeat JetStream had to drop
        assert seen and seen == sorted(seen)  # the checkpoint never moved back
    finally:
        watcher.cancel()
        for stop, task in relays.values():
            stop.set()
            await asyncio.wait_for(task, 15)


async def watch_checkpoint(pool: asyncpg.Pool, seen: list[int]) -> None:
    """Every position the checkpoint takes, as often as it can be read."""
    while True:
        # Any failure to read (the server restarting under it) is a read missed, never the end
        # of the watch: a watcher that died would leave `seen` empty and the test failing.
        with contextlib.suppress(Exception):
            at = await pool.fetchval("SELECT position FROM testing.relay_checkpoint")
            if at is not None and (not seen or seen[-1] != at):
                seen.append(at)
        await asyncio.sleep(0.02)


async def test_after_nats_is_killed_and_restarted_the_relay_publishes_what_came_meanwhile(
    pg_pool: asyncpg.Pool, nats_server: EmbeddedNats, admin: JetStreamContext
) -> None:
    relay = await own_relay(pg_pool, nats_server.url)
    async with running(relay):
        first = await append(pg_pool, "a", 5)
        await eventually(lambda: stored(admin, 5))
        assert nats_server.proc is not None
        nats_server.proc.kill()
        nats_server.proc.wait(10)
        later = await append(pg_pool, "b", 5)
        await eventually(lambda: _true(relay.pause.reason is not None))
        nats_server.start()
        await eventually(lambda: stored(admin, 10))
        await eventually(lambda: _checkpoint_at_end(pg_pool))
    assert sorted(await message_ids(admin)) == sorted(first + later)
