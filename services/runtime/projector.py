"""投影 — tables written from a service's own typed events, for what must be found fast.

A projector reads the service's log in commit order from its checkpoint, hands each event it
wants, parsed into its contract type, to its projections, and writes their rows and the new
checkpoint in one transaction. On PostgreSQL it reads the way the relay does: only rows written by
transactions older than the oldest one still in progress (`pg_snapshot_xmin`), in (transaction
id, position) order, so an event whose transaction commits after a later-numbered one is never
passed over. Re-applying an event changes nothing; `rebuild` empties the tables and replays the
log from position 0. The in-memory adapter has the same interface, for the fast tier.
"""

from __future__ import annotations

import abc
import asyncio
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import asyncpg
import structlog

from contracts.envelope import Message
from contracts.registry import parse_message
from services.runtime.eventstore import EventStore, StoredEvent
from services.runtime.supervision import sleep_or_stop

log = structlog.get_logger("projector")

Key = tuple[Any, ...]
Row = dict[str, Any]


@dataclass(frozen=True)
class Table:
    """A projection table: its key columns, all its columns, and those holding JSON."""

    name: str
    key: tuple[str, ...]
    columns: tuple[str, ...]
    json: frozenset[str] = frozenset()

    def key_of(self, row: Mapping[str, Any]) -> Key:
        return tuple(row[k] for k in self.key)


@dataclass(frozen=True)
class Projected:
    """One committed event as a projection gets it: typed, with its place in the log."""

    position: int
    stream_id: str
    version: int
    message: Message[Any]
    headers: dict[str, str] = field(default_factory=dict)


class Rows(abc.ABC):
    """The projection tables inside the transaction that applies a batch: what a projection
    wrote earlier in the batch is read back."""

    @abc.abstractmethod
    async def get(self, table: Table, key: Key) -> Row | None: ...

    @abc.abstractmethod
    async def find(self, table: Table, **equal: Any) -> list[Row]: ...

    @abc.abstractmethod
    async def put(self, table: Table, row: Row) -> None:
        """Insert, or replace the row with the same key."""


class Projection(abc.ABC):
    """Rows from events. `apply` must be idempotent: applying an event again changes nothing."""

    tables: tuple[Table, ...] = ()

    @abc.abstractmethod
    def wants(self, stream_id: str, type_: str) -> bool:
        """Whether the event concerns this projection (decided before it is parsed)."""

    @abc.abstractmethod
    async def apply(self, event: Projected, rows: Rows) -> None: ...

    def reset(self) -> None:  # noqa: B027 - most projections keep nothing between events
        """Forget what is kept in memory between events: the tables are rebuilt from 0."""


class Projector(abc.ABC):
    """Keeps a set of projections current; `select` is the read side of their tables."""

    def __init__(self, name: str, projections: Sequence[Projection]) -> None:
        self.name, self.projections = name, tuple(projections)

    @property
    def tables(self) -> tuple[Table, ...]:
        return tuple(t for p in self.projections for t in p.tables)

    @abc.abstractmethod
    async def catch_up(self, batch: int = 500) -> int:
        """Apply everything committed since the checkpoint; returns how many events were read."""

    @abc.abstractmethod
    async def rebuild(self, batch: int = 500) -> int:
        """Empty the tables, set the checkpoint to 0 and replay the log; returns events read."""

    @abc.abstractmethod
    async def lag(self) -> int:
        """How many committed events the projections have not read yet."""

    @abc.abstractmethod
    async def select(
        self,
        table: Table,
        *,
        equal: Mapping[str, Any] | None = None,
        at_most: Mapping[str, Any] | None = None,
    ) -> list[Row]:
        """Rows whose columns equal `equal` and are at most `at_most` (NULL never is)."""

    async def _apply(self, stored: StoredEvent, rows: Rows) -> None:
        wanting = [p for p in self.projections if p.wants(stored.stream_id, stored.type)]
        if not wanting:
            return
        event = Projected(
            stored.position,
            stored.stream_id,
            stored.version,
            parse_message(stored.message),
            dict(stored.headers),
        )
        for p in wanting:
            await p.apply(event, rows)

    def _reset(self) -> None:
        for p in self.projections:
            p.reset()

    async def run(self, stop: asyncio.Event, every: float) -> None:
        """Catch up, then again every `every` seconds, until `stop`."""
        while not stop.is_set():
            try:
                async with asyncio.timeout(max(60.0, every * 10)):
                    await self.catch_up()
            except Exception as exc:
                log.warning("projection catch-up failed", projector=self.name, error=repr(exc))
            await sleep_or_stop(stop, every)


# ---- PostgreSQL ---------------------------------------------------------------------------------


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _fetch_sql(schema: str) -> str:
    # As the relay reads: below pg_snapshot_xmin every transaction has ended, so reading in
    # (tx, position) order from the checkpoint never passes over an event that committed late.
    return f"""
        SELECT tx::text AS tx, position, stream_id, version, event_id, type, subject,
               occurred_at, recorded_at, message::text AS message, headers::text AS headers
        FROM {_ident(schema)}.events
        WHERE (tx, position) > ($1::text::xid8, $2)
          AND tx < pg_snapshot_xmin(pg_current_snapshot())
        ORDER BY events.tx, events.position
        LIMIT $3"""


def _stored(r: asyncpg.Record) -> StoredEvent:
    return StoredEvent(
        position=r["position"],
        stream_id=r["stream_id"],
        version=r["version"],
        event_id=r["event_id"],
        type=r["type"],
        subject=r["subject"],
        occurred_at=r["occurred_at"],
        recorded_at=r["recorded_at"],
        message=json.loads(r["message"]),
        headers=json.loads(r["headers"]),
    )


def _encode(table: Table, row: Mapping[str, Any]) -> list[Any]:
    return [json.dumps(row.get(c)) if c in table.json else row.get(c) for c in table.columns]


def _decode(table: Table, r: asyncpg.Record) -> Row:
    return {
        c: (json.loads(r[c]) if c in table.json and r[c] is not None else r[c])
        for c in table.columns
    }


class _PostgresRows(Rows):
    """The rows of one step's transaction: each row read once (by key) and kept, what is put
    kept and written at the end of the step in one statement per table (the last row put for
    a key), before the checkpoint. A `find` writes what is pending first, so it sees it. The
    projector's lock is held meanwhile, so nothing else writes these tables."""

    def __init__(self, conn: asyncpg.Connection, schema: str) -> None:
        self.conn, self.schema = conn, schema
        self._known: dict[tuple[str, Key], Row | None] = {}
        self._pending: dict[str, tuple[Table, dict[Key, Row]]] = {}

    def _name(self, table: Table) -> str:
        return f"{_ident(self.schema)}.{_ident(table.name)}"

    async def get(self, table: Table, key: Key) -> Row | None:
        place = (table.name, tuple(key))
        if place not in self._known:
            found = await _select(
                self.conn, self._name(table), table, dict(zip(table.key, key, strict=True)), {}
            )
            self._known[place] = found[0] if found else None
        row = self._known[place]
        return _copied(table, row) if row is not None else None

    async def find(self, table: Table, **equal: Any) -> list[Row]:
        await self.flush()
        return await _select(self.conn, self._name(table), table, equal, {})

    async def put(self, table: Table, row: Row) -> None:
        kept = _copied(table, {c: row.get(c) for c in table.columns})
        key = table.key_of(kept)
        self._known[(table.name, key)] = kept
        self._pending.setdefault(table.name, (table, {}))[1][key] = kept

    async def flush(self) -> None:
        """Write the rows put since the last flush: one statement per table."""
        pending, self._pending = self._pending, {}
        for table, rows in pending.values():
            await self.conn.executemany(
                self._upsert(table), [_encode(table, r) for r in rows.values()]
            )

    def _upsert(self, table: Table) -> str:
        cols = ", ".join(_ident(c) for c in table.columns)
        args = ", ".join(f"${i}" for i in range(1, len(table.columns) + 1))
        rest = [c for c in table.columns if c not in table.key]
        update = ", ".join(f"{_ident(c)} = excluded.{_ident(c)}" for c in rest)
        conflict = ", ".join(_ident(k) for k in table.key)
        then = f"DO UPDATE SET {update}" if update else "DO NOTHING"
        return (
            f"INSERT INTO {self._name(table)} ({cols}) VALUES ({args}) "
            f"ON CONFLICT ({conflict}) {then}"
        )


def _copied(table: Table, row: Row) -> Row:
    """A row as PostgreSQL would give it back: its JSON columns copies, with JSON's types."""
    return {c: _copy(v) if c in table.json and v is not None else v for c, v in row.items()}


async def _select(
    conn: asyncpg.Connection | asyncpg.Pool,
    name: str,
    table: Table,
    equal: Mapping[str, Any],
    at_most: Mapping[str, Any],
) -> list[Row]:
    where, args = [], list[Any]()
    for op, given in (("=", equal), ("<=", at_most)):
        for column, value in given.items():
            if column not in table.columns:
                raise KeyError(f"{table.name} has no column {column}")
            args.append(value)
            where.append(f"{_ident(column)} {op} ${len(args)}")
    cols = ", ".join(_ident(c) for c in table.columns)
    condition = f" WHERE {' AND '.join(where)}" if where else ""
    order = ", ".join(_ident(k) for k in table.key)
    rows = await conn.fetch(f"SELECT {cols} FROM {name}{condition} ORDER BY {order}", *args)
    return [_decode(table, r) for r in rows]


class PostgresProjector(Projector):
    """Projections in the service's schema; the checkpoint in `projection_checkpoint`."""

    def __init__(
        self, pool: asyncpg.Pool, schema: str, name: str, projections: Sequence[Projection]
    ) -> None:
        super().__init__(name, projections)
        self.pool, self.schema = pool, schema
        self._fetch = _fetch_sql(schema)
        s = _ident(schema)
        self._checkpoint = (
            f"SELECT tx::text AS tx, position FROM {s}.projection_checkpoint WHERE projector = $1"
        )
        self._save = (
            f"INSERT INTO {s}.projection_checkpoint (projector, tx, position) "
            "VALUES ($1, $2::text::xid8, $3) ON CONFLICT (projector) DO UPDATE "
            "SET tx = excluded.tx, position = excluded.position, updated_at = now()"
        )
        self._forget = f"DELETE FROM {s}.projection_checkpoint WHERE projector = $1"
        self._lag = (
            f"SELECT count(*) FROM {s}.events "
            "WHERE (tx, position) > (coalesce($1::text, '0')::xid8, coalesce($2::bigint, 0))"
        )

    async def _lock(self, conn: asyncpg.Connection) -> None:
        # One projector of this name applies at a time (the service's loop, a deadline tick, a
        # rebuild); the lock assigns no transaction id, so the first read sees every transaction
        # that ended before it. Committed without waiting for the WAL flush (`synchronous_commit`
        # off for this transaction alone): a database crash may lose the last steps, which are
        # then applied again from the log (applying is idempotent), as after a crash of the
        # service before its commit; what was committed is visible to every reader at once.
        key = f"fuyuan.projector.{self.schema}.{self.name}"
        await conn.execute(
            "SELECT pg_advisory_xact_lock(hashtext($1)), "
            "set_config('synchronous_commit', 'off', true)",
            key,
        )

    async def _step(self, conn: asyncpg.Connection, batch: int) -> int:
        row = await conn.fetchrow(self._checkpoint, self.name)
        tx, position = (row["tx"], row["position"]) if row else ("0", 0)
        events = await conn.fetch(self._fetch, tx, position, batch)
        rows = _PostgresRows(conn, self.schema)
        for r in events:
            await self._apply(_stored(r), rows)
        await rows.flush()
        if events:
            await conn.execute(self._save, self.name, events[-1]["tx"], events[-1]["position"])
        return len(events)

    async def catch_up(self, batch: int = 500) -> int:
        total = 0
        while True:
            async with self.pool.acquire() as conn, conn.transaction():
                await self._lock(conn)
                n = await self._step(conn, batch)
            total += n
            if n < batch:
                return total

    async def rebuild(self, batch: int = 500) -> int:
        """In one transaction: readers see the old rows until the new ones are complete."""
        async with self.pool.acquire() as conn, conn.transaction():
            await self._lock(conn)
            for t in self.tables:
                await conn.execute(f"DELETE FROM {_ident(self.schema)}.{_ident(t.name)}")
            await conn.execute(self._forget, self.name)
            self._reset()
            total = 0
            while (n := await self._step(conn, batch)) > 0:
                total += n
        return total

    async def lag(self) -> int:
        row = await self.pool.fetchrow(self._checkpoint, self.name)
        tx, position = (row["tx"], row["position"]) if row else (None, None)
        return int(await self.pool.fetchval(self._lag, tx, position))

    async def select(
        self,
        table: Table,
        *,
        equal: Mapping[str, Any] | None = None,
        at_most: Mapping[str, Any] | None = None,
    ) -> list[Row]:
        name = f"{_ident(self.schema)}.{_ident(table.name)}"
        return await _select(self.pool, name, table, equal or {}, at_most or {})


# ---- memory -------------------------------------------------------------------------------------


class _MemoryRows(Rows):
    """Writes staged over the committed tables, kept only if the whole batch applies."""

    def __init__(self, tables: dict[str, dict[Key, Row]]) -> None:
        self.committed, self.staged = tables, dict[str, dict[Key, Row]]()

    def _view(self, table: Table) -> dict[Key, Row]:
        return {**self.committed.get(table.name, {}), **self.staged.get(table.name, {})}

    async def get(self, table: Table, key: Key) -> Row | None:
        row = self._view(table).get(tuple(key))
        return dict(row) if row is not None else None

    async def find(self, table: Table, **equal: Any) -> list[Row]:
        return _matching(table, self._view(table), equal, {})

    async def put(self, table: Table, row: Row) -> None:
        kept = {c: _copy(row.get(c)) if c in table.json else row.get(c) for c in table.columns}
        self.staged.setdefault(table.name, {})[table.key_of(kept)] = kept

    def commit(self) -> None:
        for name, rows in self.staged.items():
            self.committed.setdefault(name, {}).update(rows)


def _copy(value: Any) -> Any:
    # what PostgreSQL gives back from a JSON column: a copy, with JSON's types
    return json.loads(json.dumps(value))


def _matching(
    table: Table, rows: Mapping[Key, Row], equal: Mapping[str, Any], at_most: Mapping[str, Any]
) -> list[Row]:
    for column in (*equal, *at_most):
        if column not in table.columns:
            raise KeyError(f"{table.name} has no column {column}")
    return [
        dict(row)
        for _, row in sorted(rows.items(), key=lambda kv: tuple(str(k) for k in kv[0]))
        if all(row.get(c) == v for c, v in equal.items())
        and all(row.get(c) is not None and row[c] <= v for c, v in at_most.items())
    ]


@dataclass
class MemoryTables:
    """The tables and the checkpoint of memory projectors; projectors given the same one share
    them, as PostgreSQL projectors of one name share a schema."""

    rows: dict[str, dict[Key, Row]] = field(default_factory=dict)
    position: int = 0
    busy: asyncio.Lock = field(default_factory=asyncio.Lock)


class MemoryProjector(Projector):
    """The same projections over any event store, their tables in memory."""

    def __init__(
        self,
        store: EventStore,
        name: str,
        projections: Sequence[Projection],
        tables: MemoryTables | None = None,
    ) -> None:
        super().__init__(name, projections)
        self.store, self.state = store, tables or MemoryTables()

    async def catch_up(self, batch: int = 500) -> int:
        total, state = 0, self.state
        async with state.busy:
            while events := await self.store.read_all(after_position=state.position, limit=batch):
                rows = _MemoryRows(state.rows)
                for e in events:
                    await self._apply(e, rows)
                rows.commit()
                state.position = events[-1].position
                total += len(events)
        return total

    async def rebuild(self, batch: int = 500) -> int:
        async with self.state.busy:
            self.state.rows.clear()
            self.state.position = 0
            self._reset()
        return await self.catch_up(batch)

    async def lag(self) -> int:
        behind = 0
        while events := await self.store.read_all(after_position=self.state.position + behind):
            behind += len(events)
        return behind

    async def select(
        self,
        table: Table,
        *,
        equal: Mapping[str, Any] | None = None,
        at_most: Mapping[str, Any] | None = None,
    ) -> list[Row]:
        return _matching(table, self.state.rows.get(table.name, {}), equal or {}, at_most or {})
