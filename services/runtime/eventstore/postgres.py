"""The PostgreSQL event store (asyncpg): one schema per service, append-only tables.

A write is one statement per stream: the rows come in as arrays (`unnest`), and the statement
inserts them only if the stream is at the expected version. The common case — one stream, with
or without an inbox row — is a single statement in autocommit: one round trip, atomic by itself.
A single event goes in as scalars instead of one-element arrays: the same statement otherwise,
without the arrays' encoding and `unnest`.

An append wakes the relay: directly, after the commit, when the schema's relay leads in this
process (`wake_locally`); otherwise the statement notifies `<schema>_appended`, which PostgreSQL
delivers at commit to the leader listening in another instance. A notifying transaction holds a
database-wide lock through its commit (PostgreSQL keeps notifications in commit order), so
commits that notify are flushed one at a time; the local wake-up costs nothing.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Mapping, Sequence
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

_local_wakes: dict[tuple[int, str], Callable[[], None]] = {}


def appended_channel(schema: str) -> str:
    """The channel on which an append announces its commit, when the relay leads elsewhere."""
    return f"{schema}_appended"


def wake_locally(pool: asyncpg.Pool, schema: str, wake: Callable[[], None]) -> Callable[[], None]:
    """While the relay of `schema` leads in this process, appends through a store on the same
    pool call `wake` after their commit instead of notifying the database. Returns the function
    that takes it back (the relay's step-down): appends notify again from then on."""
    key = (id(pool), schema)
    _local_wakes[key] = wake

    def take_back() -> None:
        if _local_wakes.get(key) is wake:
            del _local_wakes[key]

    return take_back


def _notify_sql(schema: str) -> str:
    channel = appended_channel(schema).replace("'", "''")
    return f"SELECT pg_notify('{channel}', '')"


def _notifying(sql: str, schema: str) -> str:
    # The insert, and a notification once if it wrote anything. A data-modifying statement
    # can only be a top-level WITH, so the insert becomes one.
    return f"""
        WITH written AS ({sql}),
             told AS ({_notify_sql(schema)} FROM written LIMIT 1)
        SELECT position FROM written WHERE (SELECT count(*) FROM told) > 0"""


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


def _insert_one_sql(schema: str, guard: str = "") -> str:
    # `_insert_sql` for a single event, with the same parameters as scalars.
    return f"""
        INSERT INTO "{schema}".events
            (stream_id, version, event_id, type, subject, occurred_at, message, headers)
        SELECT $1, $2::int, $3::uuid, $4::text, $5::text, $6::timestamptz,
               $7::text::jsonb, $8::text::jsonb
        WHERE ($9 = 0 OR EXISTS (SELECT 1 FROM "{schema}".events
                                 WHERE stream_id = $1 AND version = $9))
        {guard}
        RETURNING position"""


def _insert_with_inbox_sql(
    schema: str, insert: Callable[[str, str], str] = _insert_sql, notify: bool = False
) -> str:
    # The inbox row is written only if the events were, in the same statement: a stale version
    # writes nothing, and a message already in the inbox from this sender fails the whole
    # statement on the inbox's primary key, taking the events with it. A legacy row (sender '',
    # recorded before senders were kept) cannot collide on the key, so the events are written
    # only if there is none; when nothing is written, `append` tells the two cases apart.
    legacy = f"""AND NOT EXISTS (SELECT 1 FROM "{schema}".inbox
                            WHERE consumer = $10 AND message_id = $11 AND sender = '')"""
    told, if_told = "", ""
    if notify:
        told = f", told AS ({_notify_sql(schema)} FROM written LIMIT 1)"
        if_told = "AND (SELECT count(*) FROM told) > 0"
    return f"""
        WITH written AS ({insert(schema, legacy)}){told}
        INSERT INTO "{schema}".inbox (consumer, message_id, sender)
        SELECT $10, $11, $12 WHERE EXISTS (SELECT 1 FROM written) {if_told}
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


def _one_row_args(write: StreamWrite) -> list[Any]:
    (e,) = write.events
    env = e.message.envelope
    return [
        write.stream_id,
        write.expected_version + 1,
        env.event_id,
        env.type,
        e.subject,
        env.occurred_at,
        e.message.model_dump_json(),
        _headers_json(e.headers),
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
        # (one event, with an inbox row, notifying) -> the statement
        self._statements = {
            (one, inbox, notify): self._statement(one, inbox, notify)
            for one in (False, True)
            for inbox in (False, True)
            for notify in (False, True)
        }
        self._notify = _notify_sql(schema)

    def _statement(self, one: bool, inbox: bool, notify: bool) -> str:
        insert = _insert_one_sql if one else _insert_sql
        if inbox:
            return _insert_with_inbox_sql(self.schema, insert, notify)
        return _notifying(insert(self.schema), self.schema) if notify else insert(self.schema)

    def _local_wake(self) -> Callable[[], None] | None:
        return _local_wakes.get((id(self.pool), self.schema))

    async def append(self, *writes: StreamWrite, inbox: InboxEntry | None = None) -> list[int]:
        return await self._written(lambda notify: self._append(writes, inbox, notify))

    async def append_together(
        self, *writes: StreamWrite, inboxes: Sequence[InboxEntry]
    ) -> list[int]:
        if len(inboxes) <= 1:
            return await self.append(*writes, inbox=inboxes[0] if inboxes else None)
        return await self._written(lambda notify: self._in_transaction(writes, inboxes, notify))

    async def _written(self, write: Callable[[bool], Awaitable[list[int]]]) -> list[int]:
        """Run a write that notifies unless a relay leading in this process is woken directly,
        after the commit, instead."""
        wake = self._local_wake()
        try:
            positions = await write(wake is None)
        except (asyncpg.DataError, asyncpg.ProgramLimitExceededError) as e:
            # What the events hold, not the server's state: the same append fails every time.
            raise UnstorableEventError(str(e).split("\n", 1)[0][:300]) from e
        if wake is not None and positions:
            wake()
        return positions

    async def _append(
        self, writes: tuple[StreamWrite, ...], inbox: InboxEntry | None, notify: bool
    ) -> list[int]:
        if len(writes) == 1 and writes[0].events:
            return await self._append_one(writes[0], inbox, notify)
        return await self._in_transaction(writes, [inbox] if inbox else [], notify)

    async def _in_transaction(
        self, writes: tuple[StreamWrite, ...], inboxes: Sequence[InboxEntry], notify: bool
    ) -> list[int]:
        async with self.pool.acquire() as conn, conn.transaction():
            if inboxes:
                await self._record_inboxes(conn, inboxes)
            positions: list[int] = []
            for write in writes:
                positions += await self._write(conn, write)
            if notify and positions:
                await conn.execute(self._notify)
            return positions

    async def _append_one(
        self, write: StreamWrite, inbox: InboxEntry | None, notify: bool
    ) -> list[int]:
        one = len(write.events) == 1
        args = _one_row_args(write) if one else _row_args(write)
        sql = self._statements[one, inbox is not None, notify]
        try:
            if inbox is None:
                rows = await self.pool.fetch(sql, *args)
                positions = [r["position"] for r in rows]
            else:
                found = await self.pool.fetchval(
                    sql,
                    *args,
                    inbox.consumer,
                    inbox.message_id,
                    inbox.sender,
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

    async def _record_inboxes(
        self, conn: asyncpg.Connection, inboxes: Sequence[InboxEntry]
    ) -> None:
        """Every row of a group in one statement; AlreadyProcessedError for the first already
        there (or there twice in the group): the caller's transaction then writes nothing."""
        if len(inboxes) == 1:
            return await self._record_inbox(conn, inboxes[0])
        rows = await conn.fetch(
            f'INSERT INTO "{self.schema}".inbox (consumer, message_id, sender) '
            "SELECT v.consumer, v.message_id, v.sender "
            "FROM unnest($1::text[], $2::uuid[], $3::text[]) AS v(consumer, message_id, sender) "
            f'WHERE NOT EXISTS (SELECT 1 FROM "{self.schema}".inbox i WHERE i.consumer = '
            "v.consumer AND i.message_id = v.message_id AND i.sender = '') "
            "ON CONFLICT DO NOTHING RETURNING consumer, message_id, sender",
            [r.consumer for r in inboxes],
            [r.message_id for r in inboxes],
            [r.sender for r in inboxes],
        )
        added = {(r["consumer"], r["message_id"], r["sender"]) for r in rows}
        for inbox in inboxes:
            key = (inbox.consumer, inbox.message_id, inbox.sender)
            if key not in added:
                raise AlreadyProcessedError(inbox.consumer, inbox.message_id, inbox.sender)
            added.discard(key)  # a second copy in the group is a repeat
        return None

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
