"""Append throughput: the Fuyuan event store against a raw asyncpg insert and `eventsourcing`.

Every contender writes the same pre-built events (typed pydantic messages) to one stream per
round, sequentially, from one connection, `batch` events per transaction, and turns each message
into JSON itself (`model_dump_json`) inside the timed loop, so all pay the same serialization.
"""

from __future__ import annotations

import asyncio
import json
import math
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol
from urllib.parse import urlsplit

import asyncpg

from bench.common import Samples, batches, events, ratio, service_pool_options
from services.runtime.eventstore import NewEvent, StreamWrite
from services.runtime.eventstore.postgres import PostgresEventStore, wake_locally
from services.runtime.migrations import migrate

STORE_SCHEMA = "bench_store"
RAW_ONE = "raw asyncpg INSERT"
"""The raw single-row insert, one transaction each: the run's fsync-bound commit rate."""
RAW_SCHEMA = "bench_raw"
ES_SCHEMA = "bench_es"

# The same columns and constraints as the event store's table, minus what only the relay needs
# (the `tx` column and its index): the cost of storing an event, written by hand.
# One table per raw method, since every contender writes the same events.
RAW_TABLE = """
    CREATE SCHEMA IF NOT EXISTS {schema};
    CREATE TABLE IF NOT EXISTS {schema}.{table} (
        position    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        id          uuid        NOT NULL UNIQUE,
        stream      text        NOT NULL,
        version     integer     NOT NULL,
        type        text        NOT NULL,
        subject     text        NOT NULL,
        occurred_at timestamptz NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now(),
        data        jsonb       NOT NULL,
        headers     jsonb       NOT NULL,
        UNIQUE (stream, version)
    )"""

RAW_INSERT_ONE = """
    INSERT INTO {schema}.{table} (id, stream, version, type, subject, occurred_at, data, headers)
    VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8::jsonb)"""

RAW_INSERT_MANY = """
    INSERT INTO {schema}.{table} (id, stream, version, type, subject, occurred_at, data, headers)
    SELECT v.id, $1, v.version, v.type, v.subject, v.occurred_at, v.data::jsonb, v.headers::jsonb
    FROM unnest($2::uuid[], $3::int[], $4::text[], $5::text[], $6::timestamptz[],
                $7::text[], $8::text[])
         AS v(id, version, type, subject, occurred_at, data, headers)"""


class Contender(Protocol):
    name: str

    async def round(self, evs: Sequence[NewEvent], batch: int) -> float:
        """Append all events to one new stream, `batch` per transaction; returns seconds."""
        ...

    async def close(self) -> None: ...


class FuyuanStore:
    """`PostgresEventStore.append`, one StreamWrite per call, from a pool of one connection
    created with the options the services use, and, as in a service whose relay leads in the
    same process, that relay's wake-up registered: each append sets it after the commit."""

    name = "fuyuan store"

    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool
        self.store = PostgresEventStore(pool, STORE_SCHEMA)
        self.take_back = wake_locally(pool, STORE_SCHEMA, asyncio.Event().set)

    @classmethod
    async def open(cls, url: str) -> FuyuanStore:
        options, _ = service_pool_options()
        pool = await asyncpg.create_pool(url, min_size=1, max_size=1, **options)
        async with pool.acquire() as conn:
            await migrate(conn, STORE_SCHEMA)
        return cls(pool)

    async def round(self, evs: Sequence[NewEvent], batch: int) -> float:
        stream = f"store-{uuid.uuid4().hex}"
        chunks = batches(evs, batch)
        append = self.store.append
        start = time.perf_counter()
        version = 0
        for chunk in chunks:
            await append(StreamWrite(stream, version, chunk))
            version += len(chunk)
        return time.perf_counter() - start

    async def close(self) -> None:
        self.take_back()
        await self.pool.close()


class RawInsert:
    """Hand-written asyncpg on one connection, each statement its own transaction (autocommit:
    one round trip and one commit per batch). Batch 1: INSERT ... VALUES. Batch N: either one
    INSERT ... SELECT FROM unnest(arrays) or one binary COPY (`copy_records_to_table`)."""

    COLUMNS = ("id", "stream", "version", "type", "subject", "occurred_at", "data", "headers")

    def __init__(self, conn: asyncpg.Connection, method: str) -> None:
        self.conn, self.method = conn, method
        self.name = f"raw asyncpg {method}"
        self.table = f"events_{method.lower()}"
        names = {"schema": RAW_SCHEMA, "table": self.table}
        self.insert_one = RAW_INSERT_ONE.format(**names)
        self.insert_many = RAW_INSERT_MANY.format(**names)

    @classmethod
    async def open(cls, url: str, method: str) -> RawInsert:
        if method not in ("INSERT", "unnest", "COPY"):
            raise ValueError(f"unknown raw insert method {method!r}")
        conn = await asyncpg.connect(url)
        contender = cls(conn, method)
        await conn.execute(RAW_TABLE.format(schema=RAW_SCHEMA, table=contender.table))
        return contender

    async def round(self, evs: Sequence[NewEvent], batch: int) -> float:
        stream = f"raw-{uuid.uuid4().hex}"
        chunks = batches(evs, batch)
        conn, method = self.conn, self.method
        dumps = json.dumps
        start = time.perf_counter()
        version = 0
        for chunk in chunks:
            if method == "INSERT":
                for e in chunk:
                    env = e.message.envelope
                    version += 1
                    await conn.execute(
                        self.insert_one,
                        env.event_id,
                        stream,
                        version,
                        env.type,
                        e.subject,
                        env.occurred_at,
                        e.message.model_dump_json(),
                        dumps(dict(e.headers)),
                    )
                continue
            envs = [e.message.envelope for e in chunk]
            if method == "unnest":
                await conn.execute(
                    self.insert_many,
                    stream,
                    [env.event_id for env in envs],
                    list(range(version + 1, version + len(chunk) + 1)),
                    [env.type for env in envs],
                    [e.subject for e in chunk],
                    [env.occurred_at for env in envs],
                    [e.message.model_dump_json() for e in chunk],
                    [dumps(dict(e.headers)) for e in chunk],
                )
            else:
                records = [
                    (
                        env.event_id,
                        stream,
                        version + i + 1,
                        env.type,
                        e.subject,
                        env.occurred_at,
                        e.message.model_dump_json(),
                        dumps(dict(e.headers)),
                    )
                    for i, (env, e) in enumerate(zip(envs, chunk, strict=True))
                ]
                await conn.copy_records_to_table(
                    self.table, schema_name=RAW_SCHEMA, columns=self.COLUMNS, records=records
                )
            version += len(chunk)
        return time.perf_counter() - start

    async def close(self) -> None:
        await self.conn.close()


class EventsourcingRecorder:
    """`eventsourcing` 9.5.6: PostgresApplicationRecorder.insert_events with StoredEvent objects
    (one aggregate, `batch` events per call), the library's defaults otherwise: a pool of one
    psycopg 3 connection, the table lock and NOTIFY that give its notification log its order."""

    name = "eventsourcing"

    def __init__(self, url: str) -> None:
        from eventsourcing.postgres import PostgresApplicationRecorder, PostgresDatastore

        parts = urlsplit(url)
        self.datastore = PostgresDatastore(
            dbname=parts.path.lstrip("/"),
            host=parts.hostname or "127.0.0.1",
            port=parts.port or 5432,
            user=parts.username or "postgres",
            password=parts.password or "",
            pool_size=1,
            schema=ES_SCHEMA,
        )
        self.recorder = PostgresApplicationRecorder(self.datastore)

    @classmethod
    async def open(cls, url: str) -> EventsourcingRecorder:
        conn = await asyncpg.connect(url)
        try:
            await conn.execute(f"CREATE SCHEMA IF NOT EXISTS {ES_SCHEMA}")
        finally:
            await conn.close()
        contender = cls(url)
        contender.recorder.create_table()
        return contender

    async def round(self, evs: Sequence[NewEvent], batch: int) -> float:
        from eventsourcing.persistence import StoredEvent

        # The library is synchronous (psycopg 3): called directly, nothing else runs meanwhile.
        originator = uuid.uuid4()
        chunks = batches(evs, batch)
        insert = self.recorder.insert_events
        start = time.perf_counter()
        version = 0
        for chunk in chunks:
            stored = []
            for e in chunk:
                version += 1
                stored.append(
                    StoredEvent(
                        originator,
                        version,
                        e.message.envelope.type,
                        e.message.model_dump_json().encode(),
                    )
                )
            insert(stored)
        return time.perf_counter() - start

    async def close(self) -> None:
        self.datastore.close()


@dataclass
class AppendResult:
    batch: int
    events_per_round: int
    rounds: int
    samples: dict[str, Samples] = field(default_factory=dict)
    paired: dict[str, list[float]] = field(default_factory=dict)
    """Per-round ratios `fuyuan store / contender`, measured back to back in the same round."""

    def median_ratio(self, other: str) -> float:
        values = sorted(self.paired.get(other, []))
        if not values:
            return float("nan")
        mid = len(values) // 2
        return values[mid] if len(values) % 2 else (values[mid - 1] + values[mid]) / 2


def choose_events_per_round(rates: Sequence[float], batch: int, target: float, cap: float) -> int:
    """About `target` seconds for the typical contender, at most `cap` for the slowest."""
    typical = math.exp(sum(math.log(r) for r in rates) / len(rates))
    n = min(target * typical, cap * min(rates))
    return max(10 * batch, int(n) // batch * batch)


async def checkpoint(url: str) -> None:
    """Flush dirty pages so no contender pays for the one before it."""
    conn = await asyncpg.connect(url)
    try:
        await conn.execute("CHECKPOINT")
    finally:
        await conn.close()


async def run_append(
    url: str,
    batch: int,
    *,
    rounds: int,
    warmup: int,
    target: float,
    cap: float,
    fixed_events: int | None = None,
    log: Callable[[str], None] = print,
) -> AppendResult:
    say = log
    raw_methods = ["INSERT"] if batch == 1 else ["unnest", "COPY"]
    contenders: list[Contender] = [
        await FuyuanStore.open(url),
        *[await RawInsert.open(url, m) for m in raw_methods],
    ]
    try:
        contenders.append(await EventsourcingRecorder.open(url))
    except ImportError as e:  # a dev extra: `make bench` installs it
        say(f"  eventsourcing not run: {e}")
    try:
        warm_rates = []
        for c in contenders:
            n = max(batch, warmup // batch * batch)
            seconds = await c.round(events(n), batch)
            warm_rates.append(n / seconds)
            say(f"  warm-up {c.name:<14} batch {batch:>3}: {n / seconds:>9,.0f} events/s")
        n = fixed_events or choose_events_per_round(warm_rates, batch, target, cap)
        result = AppendResult(batch, n, rounds)
        result.samples = {c.name: Samples(c.name) for c in contenders}
        for r in range(rounds):
            evs = events(n)
            order = contenders[r % len(contenders) :] + contenders[: r % len(contenders)]
            this_round: dict[str, float] = {}
            for c in order:
                await checkpoint(url)
                seconds = await c.round(evs, batch)
                result.samples[c.name].add(n, seconds)
                this_round[c.name] = n / seconds
            store = this_round[FuyuanStore.name]
            for name, rate in this_round.items():
                if name != FuyuanStore.name:
                    result.paired.setdefault(name, []).append(ratio(store, rate))
            say(
                f"  round {r + 1}/{rounds} batch {batch:>3}, {n:,} events: "
                + ", ".join(f"{k} {v:,.0f}/s" for k, v in this_round.items())
            )
        return result
    finally:
        for c in contenders:
            await c.close()
