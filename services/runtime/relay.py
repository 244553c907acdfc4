"""中继 — the relay: publishes committed events to JetStream, in order, exactly once.

The event log is the outbox; only the relay publishes. It reads rows written by transactions
older than the oldest one still in progress, in (transaction id, position) order, so a
transaction that commits after a later-numbered one is never passed over and a rolled-back one
is never seen. Each event goes out with `Nats-Msg-Id` = event id; the checkpoint moves only after
JetStream confirmed every message of the batch. After a crash the relay resumes from the
checkpoint; what it sends again is dropped by JetStream's duplicate window.

Nothing here waits without a deadline: a batch whose acknowledgements do not all come in time is
published again on a fresh connection; an event the server will never take (too large, refused)
is set aside with its reason and the relay goes on; an outage pauses the relay, logged once.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import re
import zlib
from collections.abc import Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import asyncpg
import structlog
from nats.aio.client import Client
from nats.errors import BadHeaderError, BadSubjectError, MaxPayloadError
from nats.js import JetStreamContext
from nats.js.errors import APIError, NoStreamResponseError, TooManyStalledMsgsError
from opentelemetry import trace

from contracts.subjects import deadletter
from services.runtime.eventstore.postgres import appended_channel, wake_locally
from services.runtime.observability import extract_context
from services.runtime.outages import is_outage
from services.runtime.supervision import Pause, reason, sleep_or_stop

log = structlog.get_logger("relay")
tracer = trace.get_tracer("fuyuan.relay")

Connect = Callable[[], Awaitable[Client]]

# JetStream errors that say the server is in trouble, not that it refuses this one message:
# 503 unavailable, 10008 cluster not available, 10023 insufficient resources, 10047 storage
# exceeded, 10077 store failed.
_SERVER_TROUBLE = {10008, 10023, 10047, 10077}
# Raised by nats-py before anything is sent, because of the event itself.
_UNSENDABLE = (BadHeaderError, BadSubjectError, MaxPayloadError, UnicodeEncodeError)


@dataclass(frozen=True)
class Pending:
    tx: int
    position: int
    event_id: str
    type: str
    subject: str
    message: bytes
    headers: dict[str, str]

    def outgoing_headers(self) -> dict[str, str]:
        return {**self.headers, "Nats-Msg-Id": self.event_id, "Fuyuan-Type": self.type}

    def wire_size(self) -> int:
        """What the server counts against `max_payload`: the message and its headers, encoded
        as nats-py encodes them (`NATS/1.0`, `key: value` lines, a blank line)."""
        lines = 0
        for k, v in self.outgoing_headers().items():
            v = v.strip()
            # ASCII (trace context, ids, types): as many bytes as characters, no encoding.
            lines += (len(k) if k.isascii() else len(k.encode())) + 4
            lines += len(v) if v.isascii() else len(v.encode())
        return len(self.message) + len(b"NATS/1.0\r\n\r\n") + lines


HELD_WAIT = 0.002
"""Seconds the relay first idles when committed events wait behind a transaction in progress."""


class AckTimeoutError(Exception):
    """Not every acknowledgement of a batch came within the deadline."""


class LeadershipLostError(Exception):
    """The relay's advisory lock (or the session that held it) is gone."""


@dataclass(frozen=True)
class Refusal:
    event: Pending
    reason: str


class RefusedError(Exception):
    """The server answered some events of a batch with an error about the event itself."""

    def __init__(self, refusals: list[Refusal]) -> None:
        super().__init__("; ".join(f"position {r.event.position}: {r.reason}" for r in refusals))
        self.refusals = refusals


def _fetch_sql(schema: str) -> str:
    # pg_snapshot_xmin: every transaction with a smaller id has ended, so the set of rows below
    # it can no longer change. Reading in (tx, position) order from the checkpoint therefore never
    # skips an event that committed late. One more row, all NULL, when committed events wait
    # above that horizon (behind a transaction still in progress): the relay then looks again
    # soon instead of waiting for the next announced commit.
    return f"""
        WITH visible AS (
            SELECT tx::text::bigint AS tx, position, event_id::text, type, subject,
                   convert_to(message::text, 'UTF8') AS message,  -- bytes: no decode and re-encode
                   headers->>'traceparent' AS traceparent, headers->>'tracestate' AS tracestate,
                   headers - 'traceparent' - 'tracestate' = '{{}}'::jsonb AS trace_only,
                   headers::text AS headers
            FROM "{schema}".events
            WHERE (tx, position) > ($1::text::xid8, $2)
              AND tx < pg_snapshot_xmin(pg_current_snapshot())
            ORDER BY events.tx, events.position  -- the columns, not the casts: the index serves it
            LIMIT $3
        )
        SELECT * FROM (
            SELECT * FROM visible
            UNION ALL
            SELECT NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL
            WHERE EXISTS (
                SELECT 1 FROM "{schema}".events
                WHERE (tx, position) > ($1::text::xid8, $2)
                  AND tx >= pg_snapshot_xmin(pg_current_snapshot())
            )
        ) rows
        ORDER BY position IS NULL, tx, position"""


def _save_sql(schema: str, guarded: bool) -> str:
    # Monotonic: a relay that lost its leadership without knowing can never move the checkpoint
    # back. Guarded (the leader's own session): written only while this session holds the
    # advisory lock, checked in the same statement, so no round trip is added per batch.
    held = (
        " WHERE EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted"
        " AND pid = pg_backend_pid() AND classid = 0 AND objid = $4::bigint::oid"
        " AND objsubid = 1)"
        if guarded
        else ""
    )
    # Committed without waiting for its WAL flush (`synchronous_commit` off for this statement
    # alone): a database crash may lose the last moves, and the relay then sends those batches
    # again, which JetStream drops as repeats, as after a relay crash before its save.
    return (
        "WITH unflushed AS (SELECT set_config('synchronous_commit', 'off', true)) "
        f'INSERT INTO "{schema}".relay_checkpoint (relay, tx, position) '
        f"SELECT $1, $2::text::xid8, $3 FROM unflushed{held} ON CONFLICT (relay) DO UPDATE "
        "SET tx = excluded.tx, position = excluded.position, updated_at = now() "
        "WHERE (relay_checkpoint.tx, relay_checkpoint.position) < (excluded.tx, excluded.position) "
        "RETURNING 1"
    )


def _set_aside_sql(schema: str) -> str:
    return (
        f'INSERT INTO "{schema}".relay_set_aside (position, event_id, subject, size, reason) '
        "VALUES ($1, $2::uuid, $3, $4, $5) ON CONFLICT (position) DO NOTHING"
    )


def _headers(r: asyncpg.Record) -> dict[str, str]:
    # Almost every event carries only its trace context: read it without a JSON parse.
    if not r["trace_only"]:
        return dict(json.loads(r["headers"]))
    traceparent, tracestate = r["traceparent"], r["tracestate"]
    if tracestate is None:
        return {} if traceparent is None else {"traceparent": traceparent}
    return {k: r[k] for k in ("traceparent", "tracestate") if r[k] is not None}


# The W3C trace context as the services store it (version 00, no tracestate): read without the
# propagator, which would make a context and a span around each of a batch's links.
_TRACEPARENT = re.compile(r"00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})")


MAX_LINKS = 128
"""Links per batch span: OpenTelemetry's default span link limit (the SDK drops the rest)."""


def _links(batch: Sequence[Pending]) -> Iterator[trace.SpanContext]:
    """The distinct trace contexts of a batch (the events of one request share theirs), at
    most MAX_LINKS of them."""
    seen: set[tuple[str | None, str | None]] = set()
    for p in batch:
        key = (p.headers.get("traceparent"), p.headers.get("tracestate"))
        if key in seen or key[0] is None:
            continue
        seen.add(key)
        if (ctx := _linked(p.headers)) is not None:
            yield ctx
            if len(seen) >= MAX_LINKS:
                return


def _linked(headers: dict[str, str]) -> trace.SpanContext | None:
    """The span context an event's stored trace headers carry, if a valid one."""
    if "tracestate" not in headers and (
        m := _TRACEPARENT.fullmatch(headers.get("traceparent", ""))
    ):
        ctx = trace.SpanContext(int(m[1], 16), int(m[2], 16), True, trace.TraceFlags(int(m[3], 16)))
    else:
        ctx = trace.get_current_span(extract_context(headers)).get_span_context()
    return ctx if ctx.is_valid else None


def _refusal(exc: BaseException, others_acked: bool) -> str | None:
    """The reason if the server refused the event itself; None if the server is in trouble."""
    if isinstance(exc, _UNSENDABLE):
        return f"cannot be sent: {reason(exc)}"
    if isinstance(exc, APIError):
        if exc.code == 503 or exc.err_code in _SERVER_TROUBLE:
            return None
        return f"refused by the server: {exc.description or exc} (err_code {exc.err_code})"
    if isinstance(exc, NoStreamResponseError) and others_acked:
        # JetStream answered the rest of the batch: no stream takes this subject.
        return "refused by the server: no stream takes this subject"
    return None


def _messaging_trouble(exc: BaseException) -> bool:
    return is_outage(exc) or isinstance(
        exc, TimeoutError | TooManyStalledMsgsError | NoStreamResponseError | APIError | OSError
    )


class Relay:
    """One relay per service schema; a PostgreSQL advisory lock keeps it the only one.

    `connect` makes the relay's own NATS connection; with it, a connection whose
    acknowledgements went missing is dropped and a fresh one made. Without it the relay
    publishes on `js` as given (tests, benchmarks).
    """

    def __init__(
        self,
        pool: asyncpg.Pool,
        schema: str,
        js: JetStreamContext,
        *,
        batch_size: int = 500,
        idle_sleep: float = 0.25,
        name: str = "jetstream",
        connect: Connect | None = None,
        ack_timeout: float = 5.0,
        max_attempts: int = 3,
        database_timeout: float = 10.0,
        campaign_every: float = 1.0,
    ) -> None:
        self.pool, self.schema, self.js, self.name = pool, schema, js, name
        self.nc: Client = js._nc
        self.batch_size, self.idle_sleep = batch_size, idle_sleep
        self.connect, self.ack_timeout, self.max_attempts = connect, ack_timeout, max_attempts
        self.database_timeout, self.campaign_every = database_timeout, campaign_every
        self._fetch = _fetch_sql(schema)
        self._db: asyncpg.Pool | asyncpg.Connection = pool
        self._guarded = False
        self._fresh_needed = False
        self.careful = False
        """Publish one event at a time (after missing acknowledgements, until a batch passes)."""
        self.attempts: dict[int, int] = {}
        self.pause = Pause(f"relay-{schema}")
        self.published = self.set_aside = self.ack_timeouts = self.reconnects = 0
        self.leading = False
        self.appended = asyncio.Event()
        """Set when a commit that appended events is announced on the leader's session."""
        self.held_back = False
        """The last read saw committed events above the visible horizon, behind a transaction
        still in progress (one that may announce nothing when it ends)."""
        self._ahead: tuple[tuple[int, int], asyncio.Future[list[Pending]]] | None = None
        """The batch after the last full one, being read: (where it starts, the read)."""

    # --- one batch -------------------------------------------------------------------------

    async def checkpoint(self) -> tuple[int, int]:
        with self._database():
            row = await self._db.fetchrow(
                f'SELECT tx::text::bigint AS tx, position FROM "{self.schema}".relay_checkpoint '
                "WHERE relay = $1",
                self.name,
                timeout=self.database_timeout,
            )
        return (row["tx"], row["position"]) if row else (0, 0)

    async def pending(self, after: tuple[int, int]) -> list[Pending]:
        with self._database():
            return await self._read(self._db, after)

    async def _read(
        self, db: asyncpg.Pool | asyncpg.Connection, after: tuple[int, int]
    ) -> list[Pending]:
        rows = await db.fetch(
            self._fetch, str(after[0]), after[1], self.batch_size, timeout=self.database_timeout
        )
        self.held_back = bool(rows) and rows[-1]["position"] is None
        return [
            Pending(
                r["tx"],
                r["position"],
                r["event_id"],
                r["type"],
                r["subject"],
                r["message"],
                _headers(r),
            )
            for r in rows
            if r["position"] is not None
        ]

    async def publish(self, batch: Sequence[Pending]) -> None:
        """Send the whole batch pipelined, then wait for every acknowledgement, for at most
        `ack_timeout` seconds (AckTimeoutError); events the server refused raise RefusedError
        once all the others were acknowledged.

        Each message carries the trace context stored with its event — that of the request that
        caused it — so its consumers continue that trace. The relay's own span covers the batch
        and links to each of those traces (a span per message would cost more than the publish).
        """
        with tracer.start_as_current_span(
            "relay publish",
            kind=trace.SpanKind.PRODUCER,
            attributes={"messaging.system": "nats", "messaging.batch.message_count": len(batch)},
        ) as span:
            if span.is_recording():  # links cost; only when someone records them
                for ctx in _links(batch):
                    span.add_link(ctx)
            js = await self._jetstream()
            send = self._send_each if self.careful else self._send_all
            futures = await send(js, batch)
        acked = [f.result() for f in futures if f.exception() is None]
        self.published += sum(1 for a in acked if not a.duplicate)
        refusals = []
        for p, f in zip(batch, futures, strict=True):
            if (exc := f.exception()) is not None:
                if (why := _refusal(exc, bool(acked))) is None:
                    raise exc
                refusals.append(Refusal(p, why))
        if refusals:
            raise RefusedError(refusals)

    async def _send_all(self, js: JetStreamContext, batch: Sequence[Pending]) -> list[Any]:
        futures: list[asyncio.Future[Any]] = []
        try:
            # One deadline for the batch: nats-py's futures never fail when the connection
            # drops, so without it a lost acknowledgement would hold the relay for ever.
            async with asyncio.timeout(self.ack_timeout):
                for p in batch:
                    futures.append(await self._send(js, p))
                if futures:
                    await asyncio.wait(futures)
        except TimeoutError as exc:
            missing = sum(1 for f in futures if not f.done()) + len(batch) - len(futures)
            raise AckTimeoutError(
                f"{missing} of {len(batch)} acknowledgements missing after {self.ack_timeout}s"
            ) from exc
        finally:
            for f in futures:
                f.cancel()  # frees nats-py's slot for a future that will never complete
        return futures

    async def _send_each(self, js: JetStreamContext, batch: Sequence[Pending]) -> list[Any]:
        """After acknowledgements went missing: one request per event, each with its deadline.

        Slower, but it tells a refusal from a loss: nats-py 2.16 raises a refusal inside its
        reply callback instead of failing the `publish_async` future, which then never ends."""
        futures = []
        for p in batch:
            f: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
            try:
                f.set_result(
                    await js.publish(
                        p.subject, p.message, timeout=self.ack_timeout, headers=p.outgoing_headers()
                    )
                )
            except TimeoutError as exc:
                raise AckTimeoutError(
                    f"no acknowledgement for position {p.position} after {self.ack_timeout}s"
                ) from exc
            except Exception as exc:
                f.set_exception(exc)
            futures.append(f)
        return futures

    async def _send(self, js: JetStreamContext, p: Pending) -> asyncio.Future[Any]:
        # No wait_stall: with one, nats-py wraps every publish in a wait_for (a task per
        # message, half the relay's speed). The batch deadline around it bounds the wait.
        try:
            return await js.publish_async(p.subject, p.message, headers=p.outgoing_headers())
        except _UNSENDABLE as exc:  # this event's fault: the others of the batch still go
            failed: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
            failed.set_exception(exc)
            return failed

    async def save(self, last: Pending) -> None:
        with self._database():
            saved = await self._db.fetchval(
                _save_sql(self.schema, self._guarded),
                self.name,
                str(last.tx),
                last.position,
                *((self._lock_key(),) if self._guarded else ()),
                timeout=self.database_timeout,
            )
        if self._guarded and saved is None:
            # Either the lock is gone or another relay is ahead: this one is not the leader.
            raise LeadershipLostError("the checkpoint was not saved: the lock is not held here")

    async def step(self, after: tuple[int, int]) -> tuple[tuple[int, int], int]:
        """Publish one batch; returns the new checkpoint and how many were sent.

        A full batch has more behind it: the next is read (on a pooled connection) while this
        one is published and acknowledged, and used by the next step if it starts where this
        one ended. Rows below the visible horizon never change, so reading early reads the
        same; the next batch is still published only after this one's checkpoint is saved."""
        batch = await self._ahead_or_pending(after)
        if not batch:
            return after, 0
        last = (batch[-1].tx, batch[-1].position)
        if len(batch) >= self.batch_size:
            self._ahead = (last, asyncio.ensure_future(self._read(self.pool, last)))
        await self._publish_or_set_aside(batch)
        await self.save(batch[-1])
        self.attempts.clear()
        return last, len(batch)

    async def _ahead_or_pending(self, after: tuple[int, int]) -> list[Pending]:
        ahead, self._ahead = self._ahead, None
        if ahead is not None:
            if ahead[0] == after:
                try:
                    # Bounded: a pool busy with the consumers must not hold the relay.
                    return await asyncio.wait_for(ahead[1], self.database_timeout)
                except Exception as exc:  # read again on the relay's own session
                    log.debug("relay read-ahead failed", schema=self.schema, error=reason(exc))
            else:
                _drop(ahead[1])
        return await self.pending(after)

    def _drop_ahead(self) -> None:
        if self._ahead is not None:
            _drop(self._ahead[1])
            self._ahead = None

    async def _publish_or_set_aside(self, batch: Sequence[Pending]) -> None:
        limit, fits = self.nc.max_payload, []
        for p in batch:
            # Checked before sending: the server closes the connection of a client that sends
            # more than max_payload, which would fail the whole batch again and again.
            if (size := p.wire_size()) > limit:
                await self._set_aside(
                    p, f"too large: {size} bytes with its headers, the server accepts {limit}"
                )
            else:
                fits.append(p)
        try:
            if fits:
                await self.publish(fits)
        except RefusedError as refused:
            retry = []
            for r in refused.refusals:
                tries = self.attempts[r.event.position] = self.attempts.get(r.event.position, 0) + 1
                if tries >= self.max_attempts:
                    await self._set_aside(r.event, f"{r.reason} ({tries} tries)")
                else:
                    retry.append(r)
            if retry:
                raise RefusedError(retry) from refused

    async def _set_aside(self, p: Pending, why: str) -> None:
        size = p.wire_size()
        with self._database():
            await self._db.execute(
                _set_aside_sql(self.schema),
                p.position,
                p.event_id,
                p.subject,
                size,
                why,
                timeout=self.database_timeout,
            )
        sha256 = hashlib.sha256(p.message).hexdigest()
        alert = {
            "event_id": p.event_id,
            "position": p.position,
            "subject": p.subject,
            "size": size,
            "reason": why,
            "sha256": sha256,
        }
        await self._alert(alert, p.position)
        self.set_aside += 1
        log.error(
            "event set aside: the relay cannot publish it",
            schema=self.schema,
            event_id=p.event_id,
            position=p.position,
            subject=p.subject,
            size=size,
            reason=why,
            sha256=sha256,
        )

    async def _alert(self, alert: dict[str, Any], position: int) -> None:
        headers = {"Fuyuan-Kind": "relay", "Nats-Msg-Id": f"relay-{self.schema}-{position}"}
        try:
            js = await self._jetstream()
            await js.publish(
                deadletter(self.schema, "relay"),
                json.dumps(alert).encode(),
                timeout=self.ack_timeout,
                headers=headers,
            )
        except Exception as exc:
            if _refusal(exc, others_acked=True) is None:
                raise  # an outage: the batch is tried again, the alert with it
            # The row in relay_set_aside is the record; the alert is only the operator's bell.
            log.error("relay alert not published", position=position, error=reason(exc))

    # --- connections -----------------------------------------------------------------------

    async def _jetstream(self) -> JetStreamContext:
        if self._fresh_needed and self.connect is not None:
            nc = await asyncio.wait_for(self.connect(), self.ack_timeout)
            self.nc, self.js, self._fresh_needed = nc, nc.jetstream(), False
            self.reconnects += 1
        return self.js

    async def _renew(self) -> None:
        """Drop the connection whose acknowledgements went missing; the next batch makes a
        fresh one (with `connect`; otherwise it publishes again on the same one)."""
        if self.connect is None:
            return
        self._fresh_needed = True
        await _close_quietly(self.nc)

    async def close(self) -> None:
        """Close the relay's own connection (if it made one)."""
        self._drop_ahead()
        if self.connect is not None:
            await _close_quietly(self.nc)

    @contextlib.contextmanager
    def _database(self) -> Iterator[None]:
        try:
            yield
        except Exception as exc:
            # The leader works on the session that holds its lock: if that session failed, the
            # lock may be gone with it, so it steps down rather than publish without it.
            if self._guarded:
                raise LeadershipLostError(reason(exc)) from exc
            raise

    # --- leadership --------------------------------------------------------------------------

    async def run(self, stop: asyncio.Event) -> None:
        try:
            while not stop.is_set():
                conn = await self._campaign(stop)
                if conn is None:
                    return
                lost = True
                try:
                    await self._lead(conn, stop)
                    lost = False
                except LeadershipLostError as exc:
                    log.warning(
                        "relay lost its leadership, campaigning again",
                        schema=self.schema,
                        reason=str(exc),
                    )
                finally:
                    await self._step_down(conn, lost)
                await sleep_or_stop(stop, self.campaign_every if lost else 0)
        finally:
            await self.close()

    def _lock_key(self) -> int:
        return zlib.crc32(f"relay:{self.schema}:{self.name}".encode())

    async def _campaign(self, stop: asyncio.Event) -> asyncpg.Connection | None:
        # Only one relay per schema publishes: a standby tries the leader's session lock until
        # it gets it, through any error (a database restart must not end its campaign).
        failures = 0
        while not stop.is_set():
            try:
                conn = await self._try_lock()
            except Exception as exc:
                failures += 1
                if is_outage(exc) or isinstance(exc, TimeoutError):
                    self.pause.begin(f"database: {reason(exc)}")
                else:
                    log.warning("relay campaign failed", schema=self.schema, error=reason(exc))
                await sleep_or_stop(stop, min(5.0, 0.2 * 2**failures))
                continue
            if conn is not None:
                self.pause.end()
                log.info("relay leading", schema=self.schema)
                return conn
            failures = 0
            self.pause.end()
            await sleep_or_stop(stop, self.campaign_every)
        return None

    async def _try_lock(self) -> asyncpg.Connection | None:
        # A connection of its own for the term: the lock lives and dies with this session.
        conn = await self.pool.acquire(timeout=self.database_timeout)
        try:
            got = await conn.fetchval(
                "SELECT pg_try_advisory_lock($1)", self._lock_key(), timeout=self.database_timeout
            )
        except BaseException:
            _terminate(conn)
            await _release_quietly(self.pool, conn, self.database_timeout)
            raise
        if got:
            return conn
        await _release_quietly(self.pool, conn, self.database_timeout)
        return None

    async def _lead(self, conn: asyncpg.Connection, stop: asyncio.Event) -> None:
        self._db, self._guarded, self.leading = conn, True, True
        # Appends in this process wake the leader directly (and notify nothing); those of other
        # instances notify the channel it listens on.
        take_back = wake_locally(self.pool, self.schema, self._on_appended)
        try:
            with self._database():
                await conn.add_listener(appended_channel(self.schema), self._on_appended)
            try:
                await self._publish_while_leading(stop)
            finally:
                with contextlib.suppress(Exception):
                    await conn.remove_listener(appended_channel(self.schema), self._on_appended)
        finally:
            take_back()

    def _on_appended(self, *_: object) -> None:
        self.appended.set()

    async def _publish_while_leading(self, stop: asyncio.Event) -> None:
        after = await self.checkpoint()
        failures = held = 0
        while not stop.is_set():
            # Cleared before reading: a commit after this point wakes the wait below.
            self.appended.clear()
            try:
                after, sent = await self.step(after)
            except LeadershipLostError:
                raise
            except Exception as exc:  # the checkpoint did not move: the batch is sent again
                failures += 1
                await self._failed(exc, failures)
                await sleep_or_stop(stop, min(5.0, 0.05 * 2**failures))
                continue
            failures, self.careful = 0, False
            self.pause.end()
            if sent < self.batch_size:
                held = held + 1 if self.held_back else 0
                await self._idle(stop, self._held_wait(held))

    def _held_wait(self, held: int) -> float:
        """How long to idle: `idle_sleep`, or while events wait behind a transaction in
        progress, from `HELD_WAIT` doubling with each read that still found them held, up to
        `idle_sleep` (the transaction holding them may end without announcing anything: the
        projector's step, a heartbeat, another service's writes)."""
        if not held:
            return self.idle_sleep
        return min(self.idle_sleep, HELD_WAIT * 2 ** (held - 1))

    async def _idle(self, stop: asyncio.Event, seconds: float | None = None) -> None:
        """Until a commit is announced, or `seconds` (`idle_sleep`) passed: the fallback for
        what sends no notification (a transaction that held back the visible horizon)."""
        stopping = asyncio.ensure_future(stop.wait())
        woken = asyncio.ensure_future(self.appended.wait())
        try:
            await asyncio.wait(
                {stopping, woken},
                timeout=self.idle_sleep if seconds is None else seconds,
                return_when="FIRST_COMPLETED",
            )
        finally:
            stopping.cancel()
            woken.cancel()

    async def _failed(self, exc: Exception, failures: int) -> None:
        if isinstance(exc, AckTimeoutError):
            self.ack_timeouts, self.careful = self.ack_timeouts + 1, True
            if failures == 1:
                log.warning(
                    "acknowledgements missing, publishing the batch again on a fresh connection",
                    schema=self.schema,
                    reason=str(exc),
                )
            else:  # still none after a fresh connection: the server is out of reach
                self.pause.begin(f"messaging: {exc}")
            await self._renew()
        elif isinstance(exc, RefusedError):
            log.warning(
                "events refused by the server, trying again",
                schema=self.schema,
                reason=str(exc),
                attempt=failures,
            )
        elif _messaging_trouble(exc):
            self.pause.begin(f"messaging: {reason(exc)}")
            await self._renew()
        else:
            log.warning(
                "relay batch failed, retrying",
                schema=self.schema,
                error=reason(exc),
                attempt=failures,
            )

    async def _step_down(self, conn: asyncpg.Connection, lost: bool) -> None:
        self._db, self._guarded, self.leading = self.pool, False, False
        self._drop_ahead()
        if not lost:
            try:
                await conn.execute(
                    "SELECT pg_advisory_unlock($1)", self._lock_key(), timeout=self.database_timeout
                )
            except Exception:
                lost = True
        if lost:
            # A session we cannot trust is ended: its lock, if the server still has it, goes too.
            _terminate(conn)
        await _release_quietly(self.pool, conn, self.database_timeout)


def _drop(read: asyncio.Future[Any]) -> None:
    """A read-ahead no longer wanted: cancelled, and its outcome, if any, taken."""
    if read.done():
        if not read.cancelled():
            read.exception()
    else:
        read.cancel()
        read.add_done_callback(lambda f: f.cancelled() or f.exception())


def _terminate(conn: asyncpg.Connection) -> None:
    # The pool takes back a connection whose server went away by itself; then there is
    # nothing left to end.
    with contextlib.suppress(asyncpg.InterfaceError):
        conn.terminate()


async def _close_quietly(nc: Client) -> None:
    with contextlib.suppress(Exception):
        await asyncio.wait_for(nc.close(), 2.0)


async def _release_quietly(pool: asyncpg.Pool, conn: asyncpg.Connection, seconds: float) -> None:
    with contextlib.suppress(Exception):
        await pool.release(conn, timeout=seconds)
