"""中继 — the relay: publishes committed events to JetStream, in order, exactly once.

The event log is the outbox; only the relay publishes. It reads rows written by transactions
older than the oldest one still in progress, in (transaction id, position) order, so a
transaction that commits after a later-numbered one is never passed over and a rolled-back one
is never seen. Each event goes out with `Nats-Msg-Id` = event id; the checkpoint moves only after
JetStream confirmed every message of the batch. After a crash the relay resumes from the
checkpoint; what it sends again is dropped by JetStream's duplicate window.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import asyncpg
import structlog
from nats.js import JetStreamContext
from opentelemetry import trace

from services.runtime.observability import extract_context

log = structlog.get_logger("relay")
tracer = trace.get_tracer("fuyuan.relay")


@dataclass(frozen=True)
class Pending:
    tx: int
    position: int
    event_id: str
    type: str
    subject: str
    message: bytes
    headers: dict[str, str]


def _fetch_sql(schema: str) -> str:
    # pg_snapshot_xmin: every transaction with a smaller id has ended, so the set of rows below
    # it can no longer change. Reading in (tx, position) order from the checkpoint therefore never
    # skips an event that committed late.
    return f"""
        SELECT tx::text::bigint AS tx, position, event_id::text, type, subject,
               convert_to(message::text, 'UTF8') AS message,  -- bytes: no decode and re-encode
               headers->>'traceparent' AS traceparent, headers->>'tracestate' AS tracestate,
               headers - 'traceparent' - 'tracestate' = '{{}}'::jsonb AS trace_only,
               headers::text AS headers
        FROM "{schema}".events
        WHERE (tx, position) > ($1::text::xid8, $2)
          AND tx < pg_snapshot_xmin(pg_current_snapshot())
        ORDER BY events.tx, events.position  -- the columns, not the casts: the index serves it
        LIMIT $3"""


def _headers(r: asyncpg.Record) -> dict[str, str]:
    # Almost every event carries only its trace context: read it without a JSON parse.
    if not r["trace_only"]:
        return dict(json.loads(r["headers"]))
    return {k: r[k] for k in ("traceparent", "tracestate") if r[k] is not None}


class Relay:
    """One relay per service schema; a PostgreSQL advisory lock keeps it the only one."""

    def __init__(
        self, pool: asyncpg.Pool, schema: str, js: JetStreamContext, *,
        batch_size: int = 500, idle_sleep: float = 0.02, name: str = "jetstream",
    ) -> None:  # fmt: skip
        self.pool, self.schema, self.js, self.name = pool, schema, js, name
        self.batch_size, self.idle_sleep = batch_size, idle_sleep
        self._fetch = _fetch_sql(schema)
        self.published = 0

    async def checkpoint(self) -> tuple[int, int]:
        row = await self.pool.fetchrow(
            f'SELECT tx::text::bigint AS tx, position FROM "{self.schema}".relay_checkpoint '
            "WHERE relay = $1",
            self.name,
        )
        return (row["tx"], row["position"]) if row else (0, 0)

    async def pending(self, after: tuple[int, int]) -> list[Pending]:
        rows = await self.pool.fetch(self._fetch, str(after[0]), after[1], self.batch_size)
        return [
            Pending(r["tx"], r["position"], r["event_id"], r["type"], r["subject"],
                    r["message"], _headers(r))
            for r in rows
        ]  # fmt: skip

    async def publish(self, batch: Sequence[Pending]) -> None:
        """Send the whole batch pipelined, then wait for every acknowledgement.

        Each message carries the trace context stored with its event — that of the request that
        caused it — so its consumers continue that trace. The relay's own span covers the batch
        and links to each of those traces (a span per message would cost more than the publish).
        """
        with tracer.start_as_current_span(
            "relay publish", kind=trace.SpanKind.PRODUCER,
            attributes={"messaging.system": "nats", "messaging.batch.message_count": len(batch)},
        ) as span:  # fmt: skip
            if span.is_recording():  # links cost; only when someone records them
                for p in batch:
                    ctx = trace.get_current_span(extract_context(p.headers)).get_span_context()
                    if ctx.is_valid:
                        span.add_link(ctx)
            futures = [await self._send(p) for p in batch]
            acks = await asyncio.gather(*futures)
        self.published += sum(1 for a in acks if not a.duplicate)

    async def _send(self, p: Pending) -> asyncio.Future[Any]:
        headers = {**p.headers, "Nats-Msg-Id": p.event_id, "Fuyuan-Type": p.type}
        return await self.js.publish_async(p.subject, p.message, headers=headers)

    async def save(self, last: Pending) -> None:
        await self.pool.execute(
            f'INSERT INTO "{self.schema}".relay_checkpoint (relay, tx, position) '
            "VALUES ($1, $2::text::xid8, $3) ON CONFLICT (relay) DO UPDATE "
            "SET tx = excluded.tx, position = excluded.position, updated_at = now()",
            self.name, str(last.tx), last.position,
        )  # fmt: skip

    async def step(self, after: tuple[int, int]) -> tuple[tuple[int, int], int]:
        """Publish one batch; returns the new checkpoint and how many were sent."""
        batch = await self.pending(after)
        if not batch:
            return after, 0
        await self.publish(batch)
        await self.save(batch[-1])
        return (batch[-1].tx, batch[-1].position), len(batch)

    async def run(self, stop: asyncio.Event) -> None:
        async with self.pool.acquire() as lock_conn:
            await self._lead(lock_conn, stop)
            if stop.is_set():
                return
            try:
                await self._loop(stop)
            finally:
                await lock_conn.execute("SELECT pg_advisory_unlock($1)", self._lock_key())

    def _lock_key(self) -> int:
        return zlib.crc32(f"relay:{self.schema}:{self.name}".encode())

    async def _lead(self, conn: asyncpg.Connection, stop: asyncio.Event) -> None:
        # Only one relay per schema publishes: a standby waits for the leader's session lock.
        while not stop.is_set():
            if await conn.fetchval("SELECT pg_try_advisory_lock($1)", self._lock_key()):
                log.info("relay leading", schema=self.schema)
                return
            await _sleep_or_stop(stop, 1.0)

    async def _loop(self, stop: asyncio.Event) -> None:
        after = await self.checkpoint()
        failures = 0
        while not stop.is_set():
            try:
                after, sent = await self.step(after)
                failures = 0
            except Exception as exc:  # the checkpoint did not move: the batch is sent again
                failures += 1
                log.warning("relay batch failed, retrying", error=repr(exc), attempt=failures)
                await _sleep_or_stop(stop, min(5.0, 0.1 * 2**failures))
                continue
            if sent < self.batch_size:
                await _sleep_or_stop(stop, self.idle_sleep)


async def _sleep_or_stop(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), seconds)
