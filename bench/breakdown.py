"""Where an append's time goes: `PostgresEventStore.append` taken apart one piece at a time.

Each chained step removes one thing from the chained step before, down to the raw baseline, so
the difference is what that thing costs; side steps measure an alternative beside the chain. The statement is the store's own
(`_insert_sql`), edited as text; each step writes to its own schema so the same events can be
reused and no step's table grows with another's rows. Client CPU (this process) is measured
alongside: the machine's cores are shared by the client and the server.
"""

from __future__ import annotations

import asyncio
import json
import re
import statistics
import time
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import asyncpg

from bench.common import batches, events, service_pool_options
from bench.store import RAW_INSERT_MANY, RAW_INSERT_ONE, RAW_SCHEMA, RAW_TABLE, checkpoint
from services.runtime.eventstore import NewEvent, StreamWrite
from services.runtime.eventstore import postgres as pg_store
from services.runtime.migrations import migrate

Step = Callable[[Sequence[NewEvent], int], Awaitable[None]]


@dataclass
class StepResult:
    label: str
    chained: bool = True
    """Part of the chain (each row one change from the chained row above); else a side
    measurement, left out of the differences."""
    rates: list[float] = field(default_factory=list)
    cpu_us: list[float] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.rates) if self.rates else float("nan")

    @property
    def cpu(self) -> float:
        return statistics.median(self.cpu_us) if self.cpu_us else float("nan")


@dataclass
class Breakdown:
    batch: int
    events_per_round: int
    rounds: int
    steps: list[StepResult]
    note: str = ""
    title: str = ""


@dataclass
class Serialization:
    message_us: float
    headers_us: float
    row_args_us: float


def _without_returning(sql: str) -> str:
    return re.sub(r"\s*RETURNING\s+position\s*$", "", sql)


def _without_version_check(sql: str) -> str:
    """The statement without its expected-version condition: the WHERE that uses $9 (whatever
    its form: a max(version) subquery before, a point lookup for a gap now), up to RETURNING."""
    return re.sub(r"\s*WHERE\b.*?\$9\b.*?(?=\s*RETURNING\b|\s*$)", "", sql, count=1, flags=re.S)


class Steps:
    """The chain of variants, each with its own schema (and its own connection or pool)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.closers: list[Callable[[], Awaitable[None]]] = []
        self.steps: list[tuple[str, Step, bool]] = []

    async def _schema(self, name: str) -> asyncpg.Connection:
        conn = await asyncpg.connect(self.url)
        self.closers.append(conn.close)
        await migrate(conn, name)
        return conn

    async def _pool(self, schema: str, **options: Any) -> asyncpg.Pool:
        pool = await asyncpg.create_pool(self.url, min_size=1, max_size=1, **options)
        self.closers.append(pool.close)
        async with pool.acquire() as conn:
            await migrate(conn, schema)
        return pool

    async def build(self, batch: int) -> None:
        try:
            # One event goes in as scalars, more as arrays: the store's statement for the batch.
            insert: Callable[[str], str] = (
                pg_store._insert_one_sql if batch == 1 else pg_store._insert_sql
            )
            row_args: Callable[[StreamWrite], list[Any]] = (
                pg_store._one_row_args if batch == 1 else pg_store._row_args
            )
            wake_locally = pg_store.wake_locally
        except AttributeError as e:
            raise LookupError(f"the store's internals changed ({e}): breakdown skipped") from e
        no_returning = _without_returning
        no_check = _without_version_check
        if no_returning(insert("x")) == insert("x") or no_check(insert("x")) == insert("x"):
            raise LookupError("the store's insert statement changed shape: breakdown skipped")
        options, described = service_pool_options()

        # 1. The store as the services use it (their pool options, their relay leading in the
        # same process: woken directly, no notification).
        store = pg_store.PostgresEventStore(await self._pool("bench_bd_1", **options), "bench_bd_1")
        self.closers.append(_async(wake_locally(store.pool, "bench_bd_1", _wake)))

        async def s1(evs: Sequence[NewEvent], b: int) -> None:
            await _writes(evs, b, lambda w: store.append(w))

        # Side: the same with the relay leading in another instance: each append notifies.
        store_n = pg_store.PostgresEventStore(
            await self._pool("bench_bd_1n", **options), "bench_bd_1n"
        )

        async def s1n(evs: Sequence[NewEvent], b: int) -> None:
            await _writes(evs, b, lambda w: store_n.append(w))

        # Side: the store on a pool with asyncpg's default reset (a round trip per release).
        store_d = pg_store.PostgresEventStore(await self._pool("bench_bd_1d"), "bench_bd_1d")
        self.closers.append(_async(wake_locally(store_d.pool, "bench_bd_1d", _wake)))

        async def s1d(evs: Sequence[NewEvent], b: int) -> None:
            await _writes(evs, b, lambda w: store_d.append(w))

        # 2. The store's statement alone on a held connection, in autocommit.
        c2 = await self._schema("bench_bd_2")
        sql2 = insert("bench_bd_2")

        async def s2(evs: Sequence[NewEvent], b: int) -> None:
            await _writes(evs, b, lambda w: c2.fetch(sql2, *row_args(w)))

        # Side: the same inside BEGIN ... COMMIT (two more round trips).
        c2t = await self._schema("bench_bd_2t")
        sql2t = insert("bench_bd_2t")

        async def one_tx(w: StreamWrite) -> None:
            async with c2t.transaction():
                await c2t.fetch(sql2t, *row_args(w))

        async def s2t(evs: Sequence[NewEvent], b: int) -> None:
            await _writes(evs, b, one_tx)

        # 3. No RETURNING.
        c3 = await self._schema("bench_bd_3")
        sql3 = no_returning(insert("bench_bd_3"))

        async def s3(evs: Sequence[NewEvent], b: int) -> None:
            await _writes(evs, b, lambda w: c3.execute(sql3, *row_args(w)))

        # 4. No expected-version check: a plain INSERT ... SELECT FROM unnest into the store table.
        c4 = await self._schema("bench_bd_4")
        sql4 = no_check(no_returning(insert("bench_bd_4")))

        async def s4(evs: Sequence[NewEvent], b: int) -> None:
            await _writes(evs, b, lambda w: c4.execute(sql4, *row_args(w)[:8]))

        # 5. The raw table (no `tx` column, no (tx, position) index), same statement: for one
        # event, INSERT ... VALUES, the raw baseline.
        c5 = await asyncpg.connect(self.url)
        self.closers.append(c5.close)
        await c5.execute(RAW_TABLE.format(schema=RAW_SCHEMA, table="events_bd5"))
        sql5 = (RAW_INSERT_ONE if batch == 1 else RAW_INSERT_MANY).format(
            schema=RAW_SCHEMA, table="events_bd5"
        )

        async def s5(evs: Sequence[NewEvent], b: int) -> None:
            if b == 1:
                await _writes(evs, b, lambda w: c5.execute(sql5, *_raw_one_args(w)))
            else:
                await _writes(evs, b, lambda w: c5.execute(sql5, *_raw_args(w)))

        self.steps = [
            (f"PostgresEventStore.append, pool with {described}", s1, True),
            (
                "side: the same, the relay leading in another instance (each append notifies)",
                s1n,
                False,
            ),
            ("side: the same, pool with asyncpg's default reset on release", s1d, False),
            ("− append around the statement: the statement alone on a held connection", s2, True),
            ("side: the statement inside BEGIN ... COMMIT", s2t, False),
            ("− RETURNING position", s3, True),
            ("− expected-version check", s4, True),
            (
                "− tx column and (tx, position) index (raw table"
                + (": INSERT ... VALUES, the raw baseline)" if batch == 1 else ")"),
                s5,
                True,
            ),
        ]

    async def close(self) -> None:
        for close in reversed(self.closers):
            await close()


def _wake() -> None:
    """What the relay's wake-up costs an append: setting an event."""
    _WOKEN.set()


_WOKEN = asyncio.Event()


def _async(fn: Callable[[], None]) -> Callable[[], Awaitable[None]]:
    async def call() -> None:
        fn()

    return call


def _raw_one_args(w: StreamWrite) -> list[Any]:
    (e,) = w.events
    env = e.message.envelope
    return [
        env.event_id,
        w.stream_id,
        w.expected_version + 1,
        env.type,
        e.subject,
        env.occurred_at,
        e.message.model_dump_json(),
        json.dumps(dict(e.headers)),
    ]


def _raw_args(w: StreamWrite) -> list[Any]:
    envs = [e.message.envelope for e in w.events]
    return [
        w.stream_id,
        [env.event_id for env in envs],
        [w.expected_version + i + 1 for i in range(len(envs))],
        [env.type for env in envs],
        [e.subject for e in w.events],
        [env.occurred_at for env in envs],
        [e.message.model_dump_json() for e in w.events],
        [json.dumps(dict(e.headers)) for e in w.events],
    ]


async def _writes(
    evs: Sequence[NewEvent], batch: int, write: Callable[[StreamWrite], Awaitable[Any]]
) -> None:
    stream = f"bd-{uuid.uuid4().hex}"
    version = 0
    for chunk in batches(evs, batch):
        await write(StreamWrite(stream, version, chunk))
        version += len(chunk)


async def run_breakdown(
    url: str, batch: int, *, count: int, rounds: int, log: Callable[[str], None] = print
) -> Breakdown:
    steps = Steps(url)
    try:
        await steps.build(batch)
        results = [StepResult(label, chained=chained) for label, _, chained in steps.steps]
        await steps.steps[0][1](events(max(batch, count // 10 // batch * batch)), batch)  # warm
        for r in range(rounds):
            evs = events(count)
            order = list(range(len(steps.steps)))
            order = order[r % len(order) :] + order[: r % len(order)]
            for i in order:
                await checkpoint(url)
                cpu, wall = time.process_time(), time.perf_counter()
                await steps.steps[i][1](evs, batch)
                wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
                results[i].rates.append(count / wall)
                results[i].cpu_us.append(cpu / count * 1e6)
            log(f"  breakdown round {r + 1}/{rounds} batch {batch:>3} done")
        return Breakdown(batch, count, rounds, results, title=f"append, batch {batch}")
    except LookupError as e:
        return Breakdown(batch, count, rounds, [], note=str(e), title=f"append, batch {batch}")
    finally:
        await steps.close()


def serialization(repeats: int = 7, count: int = 2000) -> Serialization:
    """Client CPU per event for what every contender does: the message's JSON, the headers'
    JSON, and the store's whole argument building (`_row_args`, both included)."""
    evs = events(count)

    def per_event(fn: Callable[[], object]) -> float:
        samples = []
        for _ in range(repeats):
            start = time.perf_counter()
            fn()
            samples.append((time.perf_counter() - start) / count * 1e6)
        return statistics.median(samples)

    def row_args() -> None:
        for chunk in batches(evs, 100):
            pg_store._row_args(StreamWrite("s", 0, chunk))

    return Serialization(
        message_us=per_event(lambda: [e.message.model_dump_json() for e in evs]),
        headers_us=per_event(lambda: [json.dumps(dict(e.headers)) for e in evs]),
        row_args_us=per_event(row_args),
    )
