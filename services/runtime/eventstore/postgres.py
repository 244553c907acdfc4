"""The PostgreSQL event store (asyncpg): one schema per service, append-only tables.

A write is one statement per stream: the rows come in as arrays (`unnest`), and the statement
inserts them only if the stream is at the expected version. The common case — one stream, with
or without an inbox row — is a single statement in autocommit: one round trip, atomic by itself.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any
from uuid import UUID

import asyncpg

from services.runtime.eventstore import (
    AlreadyProcessedError,
    ConcurrencyError,
    DuplicateEventError,
    EventStore,
    InboxEntry,
    StoredEvent,
    StreamWrite,
    UnstorableEventError,
)

_COLUMNS = "position, stream_id, version, event_id, type, subject, occurred_at, recorded_at, message, headers"


def _insert_sql(schema: str, guard: str = "") -> str:
    # The version check and the insert are one statement; two writers racing on the same new
    # version are stopped by the UNIQUE (stream_id, version) constraint.
    return f"""
        INSERT INTO "{schema}".events
            (stream_id, version, event_id, type, subject, occurred_at, message, headers)
        SELECT $1, v.version, v.event_id, v.type, v.subject, v.occurred_at,
               v.message::jsonb, v.headers::jsonb
        FROM unnest($2::int[], $3::uuid[], $4::text[], $5::text[], $6::timestamptz[],
                    $7::text[], $8::text[])
             AS v(version, event_id, type, subject, occurred_at, message, headers)
        -- A stale version is stopped by UNIQUE (stream_id, version); this point lookup only
        -- refuses a gap (an expected version the stream never reached).
        WHERE ($9 = 0 OR EXISTS (SELECT 1 FROM "{schema}".events
                                 WHERE stream_id = $1 AND version = $9))
        {guard}
        RETURNING position"""


def _insert_with_inbox_sql(schema: str) -> str:
    # The inbox row is written only if the events were, in the same statement: a stale version
    # writes nothing, and a message already in the inbox from this sender fails the whole
    # statement on the inbox's primary key, taking the events with it. A legacy row (sender '',
    # recorded before senders were kept) cannot collide on the key, so the events are written
    # only if there is none; when nothing is written, `append` tells the two cases apart.
    legacy = f"""AND NOT EXISTS (SELECT 1 FROM "{schema}".inbox
                            WHERE consumer = $10 AND message_id = $11 AND sender = '')"""
    return f"""
        WITH written AS ({_insert_sql(schema, legacy)})
        INSERT INTO "{schema}".inbox (consumer, message_id, sender)
        SELECT $10, $11, $12 WHERE EXISTS (SELECT 1 FROM written)
        RETURNING (SELECT array_agg(position ORDER BY position) FROM written) AS positions"""


def _headers_json(headers: Mapping[str, str]) -> str:
    # Most events carry just the trace context: skip the general encoder for that shape.
    if headers.keys() == {"traceparent"} and headers["traceparent"].isascii():
        tp = headers["traceparent"]
        if '"' not in tp and "\\" not in tp:
            return '{"traceparent": "' + tp + '"}'
    return json.dumps(dict(headers))


def _row_args(write: StreamWrite) -> list[Any]:
    envs = [e.message.envelope for e in write.events]
    return [
        write.stream_id,
        [write.expected_version + i + 1 for i in range(len(envs))],
        [env.event_id for env in envs],
        [env.type for env in envs],
        [e.subject for e in write.events],
        [env.occurred_at for env in envs],
        [e.message.model_dump_json() for e in write.events],
        [_headers_json(e.headers) for e in write.events],
        write.expected_version,
    ]


def _stored(row: asyncpg.Record) -> StoredEvent:
    return StoredEvent(
        position=row["position"],
        stream_id=row["stream_id"],
        version=row["version"],
        event_id=row["event_id"],
        type=row["type"],
        subject=row["subject"],
        occurred_at=row["occurred_at"],
        recorded_at=row["recorded_at"],
        message=json.loads(row["message"]),
        headers=json.loads(row["headers"]),
    )


class PostgresEventStore(EventStore):
    def __init__(self, pool: asyncpg.Pool, schema: str) -> None:
        self.pool, self.schema = pool, schema
        self._insert = _insert_sql(schema)
        self._insert_with_inbox = _insert_with_inbox_sql(schema)

    async def append(self, *writes: StreamWrite, inbox: InboxEntry | None = None) -> list[int]:
        try:
            return await self._append(writes, inbox)
        except (asyncpg.DataError, asyncpg.ProgramLimitExceededError) as e:
            # What the events hold, not the server's state: the same append fails every time.
            raise UnstorableEventError(str(e).split("\n", 1)[0][:300]) from e

    async def append_together(
        self, *writes: StreamWrite, inboxes: Sequence[InboxEntry]
    ) -> list[int]:
        if len(inboxes) <= 1:
            return await self.append(*writes, inbox=inboxes[0] if inboxes else None)
        try:
            return await self._in_transaction(writes, inboxes)
        except (asyncpg.DataError, asyncpg.ProgramLimitExceededError) as e:
            raise UnstorableEventError(str(e).split("\n", 1)[0][:300]) from e

    async def _append(self, writes: tuple[StreamWrite, ...], inbox: InboxEntry | None) -> list[int]:
        if len(writes) == 1 and writes[0].events:
            return await self._append_one(writes[0], inbox)
        return await self._in_transaction(writes, [inbox] if inbox else [])

    async def _in_transaction(
        self, writes: tuple[StreamWrite, ...], inboxes: Sequence[InboxEntry]
    ) -> list[int]:
        async with self.pool.acquire() as conn, conn.transaction():
            for inbox in inboxes:
                await self._record_inbox(conn, inbox)
            positions: list[int] = []
            for write in writes:
                positions += await self._write(conn, write)
            return positions

    async def _append_one(self, write: StreamWrite, inbox: InboxEntry | None) -> list[int]:
        args = _row_args(write)
        try:
            if inbox is None:
                rows = await self.pool.fetch(self._insert, *args)
                positions = [r["position"] for r in rows]
            else:
                found = await self.pool.fetchval(
                    self._insert_with_inbox, *args, inbox.consumer, inbox.message_id, inbox.sender
                )
                positions = list(found or [])
        except asyncpg.UniqueViolationError as e:
            raise self._unique_error(e, write, inbox) from e
        if not positions:
            if inbox and await self._legacy_row(inbox):
                raise AlreadyProcessedError(inbox.consumer, inbox.message_id, inbox.sender)
            raise ConcurrencyError(write.stream_id, write.expected_version)
        return positions

    async def _legacy_row(self, inbox: InboxEntry) -> bool:
        found = await self.pool.fetchval(
            f'SELECT 1 FROM "{self.schema}".inbox '
            "WHERE consumer = $1 AND message_id = $2 AND sender = ''",
            inbox.consumer,
            inbox.message_id,
        )
        return found is not None

    @staticmethod
    def _unique_error(
        e: asyncpg.UniqueViolationError, write: StreamWrite, inbox: InboxEntry | None
    ) -> Exception:
        name = e.constraint_name or ""
        if inbox is not None and name.startswith("inbox"):
            return AlreadyProcessedError(inbox.consumer, inbox.message_id, inbox.sender)
        if "event_id" in name:
            return DuplicateEventError(str(e))
        return ConcurrencyError(write.stream_id, write.expected_version)

    async def _record_inbox(self, conn: asyncpg.Connection, inbox: InboxEntry) -> None:
        # A legacy row (sender '') stops every sender's copy of the id, as in `_append_one`.
        added = await conn.fetchval(
            f'INSERT INTO "{self.schema}".inbox (consumer, message_id, sender) '
            f'SELECT $1, $2, $3 WHERE NOT EXISTS (SELECT 1 FROM "{self.schema}".inbox '
            "WHERE consumer = $1 AND message_id = $2 AND sender = '') "
            "ON CONFLICT DO NOTHING RETURNING 1",
            inbox.consumer,
            inbox.message_id,
            inbox.sender,
        )
        if added is None:
            raise AlreadyProcessedError(inbox.consumer, inbox.message_id, inbox.sender)

    async def _write(self, conn: asyncpg.Connection, write: StreamWrite) -> list[int]:
        if not write.events:
            return []
        try:
            rows = await conn.fetch(self._insert, *_row_args(write))
        except asyncpg.UniqueViolationError as e:
            raise self._unique_error(e, write, None) from e
        if not rows:
            raise ConcurrencyError(write.stream_id, write.expected_version)
        return [r["position"] for r in rows]

    async def load(self, stream_id: str, after_version: int = 0) -> list[StoredEvent]:
        rows = await self.pool.fetch(
            f'SELECT {_COLUMNS} FROM "{self.schema}".events '
            "WHERE stream_id = $1 AND version > $2 ORDER BY version",
            stream_id,
            after_version,
        )
        return [_stored(r) for r in rows]

    async def read_all(self, after_position: int = 0, limit: int = 1000) -> list[StoredEvent]:
        rows = await self.pool.fetch(
            f'SELECT {_COLUMNS} FROM "{self.schema}".events '
            "WHERE position > $1 ORDER BY position LIMIT $2",
            after_position,
            limit,
        )
        return [_stored(r) for r in rows]

    async def has_processed(self, consumer: str, message_id: UUID, sender: str) -> bool:
        found = await self.pool.fetchval(
            f'SELECT 1 FROM "{self.schema}".inbox '
            "WHERE consumer = $1 AND message_id = $2 AND sender IN ($3, '')",
            consumer,
            message_id,
            sender,
        )
        return found is not None

    async def version(self, stream_id: str) -> int:
        v = await self.pool.fetchval(
            f'SELECT coalesce(max(version), 0) FROM "{self.schema}".events WHERE stream_id = $1',
            stream_id,
        )
        return int(v)
