"""Partition owners on a real PostgreSQL: each partition pulled by one instance at a time, a fair
share each, taken over when an instance dies, given back when one joins."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass

import asyncpg
import pytest
from nats.aio.client import Client

from contracts.subjects import commands
from services.runtime.consumer import Consumer
from services.runtime.partitions import Owner, partition_consumers

pytestmark = pytest.mark.integration

PARTITIONS = 8
UNITS = PARTITIONS + 1  # and the consumer of what the stream stored without a partition


async def _nothing(_d: object) -> None:
    return None


@dataclass
class Pulling:
    """Which instance pulls which durable right now, and whether two ever did at once."""

    now: dict[str, str]
    overlaps: list[str]

    def puller(self, instance: str) -> Callable[[Consumer, asyncio.Event], Awaitable[None]]:
        async def pull(c: Consumer, stop: asyncio.Event) -> None:
            if c.durable in self.now:
                self.overlaps.append(f"{c.durable}: {self.now[c.durable]} and {instance}")
            self.now[c.durable] = instance
            try:
                await stop.wait()
            finally:
                if self.now.get(c.durable) == instance:
                    del self.now[c.durable]

        return pull


@dataclass
class Instance:
    owner: Owner
    pool: asyncpg.Pool
    stop: asyncio.Event
    task: asyncio.Task[None]

    async def kill(self) -> None:
        """As a process dies: its sessions end, nothing is given back."""
        self.task.cancel()
        self.pool.terminate()
        with contextlib.suppress(asyncio.CancelledError):
            await self.task


async def until(fact: Callable[[], bool], seconds: float = 20.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if fact():
            return True
        await asyncio.sleep(0.05)
    return fact()


@pytest.fixture
async def start(
    database_url: str, nc: Client
) -> AsyncIterator[Callable[[str, Pulling], Awaitable[Instance]]]:
    started: list[Instance] = []
    consumer = Consumer("testing", "testing_commands", commands("testing"), _nothing)

    async def one(name: str, pulling: Pulling) -> Instance:
        pool = await asyncpg.create_pool(database_url, min_size=1, max_size=3)
        owner = Owner(
            pool,
            nc.jetstream(),
            "testing",
            partition_consumers(consumer, PARTITIONS),
            pulling.puller(name),
            name,
            every=0.2,
        )
        stop = asyncio.Event()
        instance = Instance(owner, pool, stop, asyncio.create_task(owner.run(stop)))
        started.append(instance)
        return instance

    yield one
    for i in started:
        i.stop.set()
    for i in started:
        with contextlib.suppress(Exception, asyncio.CancelledError):
            await asyncio.wait_for(i.task, 10)
        i.pool.terminate()


async def test_three_instances_share_the_partitions_and_take_over_from_one_that_dies(
    start: Callable[[str, Pulling], Awaitable[Instance]],
) -> None:
    pulling = Pulling({}, [])
    a, b, c = [await start(name, pulling) for name in ("a", "b", "c")]

    def shared_fairly(instances: list[Instance]) -> bool:
        share = -(-UNITS // len(instances))
        held = [len(i.owner.held) for i in instances]
        return len(pulling.now) == UNITS and sum(held) == UNITS and max(held) <= share

    assert await until(lambda: shared_fairly([a, b, c])), [i.owner.owned() for i in (a, b, c)]
    of_b = set(b.owner.owned())
    assert of_b, "b has its share"

    await b.kill()
    assert await until(lambda: shared_fairly([a, c])), [i.owner.owned() for i in (a, c)]
    assert of_b <= set(a.owner.owned()) | set(c.owner.owned()), "b's partitions taken over"

    d = await start("d", pulling)
    assert await until(lambda: shared_fairly([a, c, d])), [i.owner.owned() for i in (a, c, d)]
    assert d.owner.owned(), "a newcomer gets its share, given back by the others"
    assert pulling.overlaps == [], "no partition was ever pulled by two instances at once"


async def test_a_single_instance_pulls_every_partition_and_gives_all_back_when_it_stops(
    start: Callable[[str, Pulling], Awaitable[Instance]],
) -> None:
    pulling = Pulling({}, [])
    only = await start("only", pulling)
    assert await until(lambda: len(pulling.now) == UNITS)
    only.stop.set()
    await asyncio.wait_for(only.task, 10)
    assert pulling.now == {} and only.owner.held == {}
    other = await start("other", pulling)
    assert await until(lambda: len(other.owner.held) == UNITS), "the locks were given back"


async def test_an_instance_whose_session_is_cut_stops_pulling_and_takes_its_share_again(
    start: Callable[[str, Pulling], Awaitable[Instance]], database_url: str
) -> None:
    pulling = Pulling({}, [])
    only = await start("only", pulling)
    assert await until(lambda: len(only.owner.held) == UNITS)
    admin = await asyncpg.connect(database_url)
    try:
        cut = await admin.fetchval(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_locks "
            "WHERE locktype = 'advisory' AND pid <> pg_backend_pid()"
        )
    finally:
        await admin.close()
    assert cut >= 1
    assert await until(lambda: not only.owner.held), "it stopped pulling with its locks gone"
    assert await until(lambda: len(only.owner.held) == UNITS), "and took them again"
    assert pulling.overlaps == []
