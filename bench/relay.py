"""Relay throughput: `Relay.step` against raw nats-py JetStream publishing of the same messages.

M events are appended to the store once. Each round starts from a fresh JetStream stream (so
the duplicate window is empty) and times publishing all M with every acknowledgement received:
- the relay: `step` from the start of the log until all M are out (batch_size 500: read 500 rows,
  publish them pipelined, wait for every ack, save the checkpoint; the next 500 are read
  meanwhile);
- raw: the same payloads and headers (`Nats-Msg-Id`, `Fuyuan-Type`, `traceparent`) held in
  memory, `js.publish_async` in windows of 500, each window's acks awaited before the next.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field

import asyncpg
import nats
from nats.js import JetStreamContext
from nats.js.errors import NotFoundError
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider

from bench.breakdown import Breakdown, StepResult
from bench.common import Samples, batches, events, ratio
from contracts.subjects import stream_name
from services.runtime import relay as relay_module
from services.runtime import streams
from services.runtime.eventstore import StreamWrite
from services.runtime.eventstore.postgres import PostgresEventStore
from services.runtime.migrations import migrate
from services.runtime.relay import Pending, Relay

RELAY_SCHEMA = "bench_relay"
CONTEXT = "bench"
STREAM = stream_name(CONTEXT)
WINDOW = 500
EVENTS_PER_STREAM = 100

RELAY = "fuyuan relay"
RAW = "raw nats-py"

Outgoing = tuple[str, bytes, dict[str, str]]


@dataclass
class RelayResult:
    events_per_round: int
    rounds: int
    samples: dict[str, Samples] = field(default_factory=dict)
    paired: list[float] = field(default_factory=list)
    """Per-round ratios relay / raw, measured back to back in the same round."""


async def fresh_stream(js: JetStreamContext) -> None:
    with contextlib.suppress(NotFoundError):
        await js.delete_stream(STREAM)
    await streams.ensure(js, streams.context_stream(CONTEXT, 1))


async def stored_count(js: JetStreamContext) -> int:
    return int((await js.stream_info(STREAM)).state.messages)


async def fill(store: PostgresEventStore, count: int) -> None:
    """Append `count` events, WINDOW per transaction, EVENTS_PER_STREAM per stream."""
    evs = events(count)
    n = 0
    for window in batches(evs, WINDOW):
        writes = []
        for chunk in batches(window, EVENTS_PER_STREAM):
            writes.append(StreamWrite(f"relay-{n}", 0, chunk))
            n += 1
        await store.append(*writes)


async def outgoing(pool: asyncpg.Pool) -> list[Outgoing]:
    """What the relay sends, read back from the store: the message bytes as PostgreSQL returns
    them and the same headers."""
    rows = await pool.fetch(
        f"SELECT event_id::text, type, subject, message::text, headers::text "
        f'FROM "{RELAY_SCHEMA}".events ORDER BY tx, position'
    )
    out = []
    for r in rows:
        headers = {"Nats-Msg-Id": r["event_id"], "Fuyuan-Type": r["type"]}
        headers.update(json.loads(r["headers"]))
        out.append((r["subject"], r["message"].encode(), headers))
    return out


def new_relay(pool: asyncpg.Pool, js: JetStreamContext) -> Relay:
    return Relay(pool, RELAY_SCHEMA, js, batch_size=WINDOW)


async def relay_round(relay: Relay, count: int) -> float:
    """Publish the first `count` events of the log (from the start, whatever the checkpoint)."""
    after, done = (0, 0), 0
    start = time.perf_counter()
    while done < count:
        after, sent = await relay.step(after)
        if not sent:
            raise RuntimeError(f"the relay stopped after {done} of {count} events")
        done += sent
    return time.perf_counter() - start


async def raw_round(js: JetStreamContext, messages: list[Outgoing]) -> float:
    start = time.perf_counter()
    for window in batches(messages, WINDOW):
        futures = [await js.publish_async(s, p, headers=h) for s, p, h in window]
        acks = await asyncio.gather(*futures)
        if any(a.duplicate for a in acks):
            raise RuntimeError("JetStream reported a duplicate in a fresh stream")
    return time.perf_counter() - start


async def timed(
    name: str, pool: asyncpg.Pool, js: JetStreamContext, messages: list[Outgoing], count: int
) -> float:
    await fresh_stream(js)
    if name == RELAY:
        seconds = await relay_round(new_relay(pool, js), count)
    else:
        seconds = await raw_round(js, messages[:count])
    stored = await stored_count(js)
    if stored != count:
        raise RuntimeError(f"{name}: the stream holds {stored} messages, expected {count}")
    return seconds


async def run_relay(
    postgres_url: str,
    nats_url: str,
    *,
    count: int,
    rounds: int,
    warmup: int,
    log: Callable[[str], None] = print,
) -> RelayResult:
    # As the services run: an SDK tracer provider (spans are made), no exporter.
    trace.set_tracer_provider(TracerProvider())
    pool = await asyncpg.create_pool(postgres_url, min_size=1, max_size=2)
    nc = await nats.connect(nats_url)
    try:
        async with pool.acquire() as conn:
            await migrate(conn, RELAY_SCHEMA)
        store = PostgresEventStore(pool, RELAY_SCHEMA)
        await fill(store, count)
        messages = await outgoing(pool)
        js = nc.jetstream()
        # Warm-up: the first `warmup` events of the log, both ways.
        for name in (RELAY, RAW):
            n = min(count, max(WINDOW, warmup // WINDOW * WINDOW))
            await fresh_stream(js)
            seconds = (
                await relay_round(new_relay(pool, js), n)
                if name == RELAY
                else await raw_round(js, messages[:n])
            )
            log(f"  warm-up {name:<13}: {n / seconds:>9,.0f} events/s")
        result = RelayResult(count, rounds, {RELAY: Samples(RELAY), RAW: Samples(RAW)})
        for r in range(rounds):
            this_round: dict[str, float] = {}
            for name in (RELAY, RAW) if r % 2 == 0 else (RAW, RELAY):
                seconds = await timed(name, pool, js, messages, count)
                result.samples[name].add(count, seconds)
                this_round[name] = count / seconds
            result.paired.append(ratio(this_round[RELAY], this_round[RAW]))
            log(
                f"  round {r + 1}/{rounds}, {count:,} events: "
                + ", ".join(f"{k} {v:,.0f}/s" for k, v in this_round.items())
            )
        return result
    finally:
        await nc.close()
        await pool.close()


# --- Where the relay's time goes -------------------------------------------------------------


def qualified_order_fetch(schema: str) -> str | None:
    """The relay's fetch with ORDER BY naming the table's columns: `ORDER BY tx` alone names the
    output column `tx::text::bigint AS tx`, which no index can serve. None if already so."""
    fetch_sql = getattr(relay_module, "_fetch_sql", None)
    sql = fetch_sql(schema) if callable(fetch_sql) else ""
    if "ORDER BY tx, position" not in sql:
        return None
    return sql.replace("ORDER BY tx, position", "ORDER BY events.tx, events.position")


class WhatIfRelay(Relay):
    """Diagnostics only: the relay with its fetch ordered by the indexed columns (`fix_order`)
    and/or publishing without any span or link (`bare`: the stored trace headers go out as
    they are, with Nats-Msg-Id and Fuyuan-Type)."""

    def __init__(
        self, pool: asyncpg.Pool, js: JetStreamContext, *, fix_order: bool, bare: bool
    ) -> None:
        super().__init__(pool, RELAY_SCHEMA, js, batch_size=WINDOW)
        if fix_order:
            self._fetch = qualified_order_fetch(RELAY_SCHEMA) or self._fetch
        self.bare = bare

    async def publish(self, batch: Sequence[Pending]) -> None:
        if not self.bare:
            return await super().publish(batch)
        futures = []
        for p in batch:
            headers = {**p.headers, "Nats-Msg-Id": p.event_id, "Fuyuan-Type": p.type}
            futures.append(
                await self.js.publish_async(p.subject, bytes(p.message), headers=headers)
            )
        acks = await asyncio.gather(*futures)
        self.published += sum(1 for a in acks if not a.duplicate)
        return None


async def _reads_only(relay: Relay, count: int) -> float:
    start = time.perf_counter()
    after, done = (0, 0), 0
    while done < count:
        batch = await relay.pending(after)
        if not batch:
            raise RuntimeError("the relay's read stopped early")
        after, done = (batch[-1].tx, batch[-1].position), done + len(batch)
    return time.perf_counter() - start


Round = Callable[[], Awaitable[float]]


async def run_relay_breakdown(
    postgres_url: str,
    nats_url: str,
    *,
    count: int,
    rounds: int,
    log: Callable[[str], None] = print,
) -> Breakdown:
    """Run after `run_relay` (same schema and events, tracer provider already installed)."""
    pool = await asyncpg.create_pool(postgres_url, min_size=1, max_size=2)
    nc = await nats.connect(nats_url)
    try:
        js = nc.jetstream()
        messages = await outgoing(pool)
        count = min(count, len(messages))
        needs_fix = qualified_order_fetch(RELAY_SCHEMA) is not None
        as_is = new_relay(pool, js)
        fixed = WhatIfRelay(pool, js, fix_order=True, bare=False)
        bare = WhatIfRelay(pool, js, fix_order=True, bare=True)
        fix_text = "fetch ordered by the indexed columns, " if needs_fix else ""
        # (label, in the chain, one timed round)
        steps: list[tuple[str, bool, Round]] = [
            (
                "Relay.step as is (read, publish, acks, checkpoint)",
                True,
                lambda: relay_round(as_is, count),
            ),
            ("side: reads only (Relay.pending as is)", False, lambda: _reads_only(as_is, count)),
        ]
        if needs_fix:
            steps += [
                (
                    "what-if: fetch ORDER BY events.tx, events.position (index scan)",
                    True,
                    lambda: relay_round(fixed, count),
                ),
                ("side: reads only, ORDER BY fixed", False, lambda: _reads_only(fixed, count)),
            ]
        steps += [
            (
                f"what-if: {fix_text}no span or links (stored trace headers passed through)",
                True,
                lambda: relay_round(bare, count),
            ),
            (RAW + " (same run)", True, lambda: raw_round(js, messages[:count])),
        ]
        results = [StepResult(label, chained=chained) for label, chained, _ in steps]
        for r in range(rounds):
            order = list(range(len(steps)))
            order = order[r % len(order) :] + order[: r % len(order)]
            for i in order:
                await fresh_stream(js)
                cpu = time.process_time()
                wall = await steps[i][2]()
                cpu = time.process_time() - cpu
                results[i].rates.append(count / wall)
                results[i].cpu_us.append(cpu / count * 1e6)
            log(f"  relay breakdown round {r + 1}/{rounds} done")
        return Breakdown(
            WINDOW,
            count,
            rounds,
            results,
            title=f"relay, batch {WINDOW}, {len(messages):,} events in the table",
        )
    finally:
        await nc.close()
        await pool.close()
