"""The reporting read models, kept from the events the service observed.

`catch_up` applies the rows of `observed` not applied yet, with the pure fold of
`services.reporting.domain.readmodel`, and writes the changed rows and the checkpoint in one
transaction. `rebuild` empties the tables and applies `observed` from position 0: the same rows,
so the same `digest`.

Several observers insert into `observed` concurrently, and a row's position is taken when its
INSERT runs, not when it commits: reading "position > checkpoint" alone could pass over a row that
commits after a later-numbered one. `observed` has no transaction id column to read below
`pg_snapshot_xmin` as the projector does with the event store, so the horizon is found the other
way the design allows: a short transaction takes `observed` in SHARE mode, which waits for every
transaction that is inserting into it to end (inserts take ROW EXCLUSIVE, which conflicts), reads
the highest position, and lets go. Every position up to that horizon has committed or rolled back
for good, since a later insert draws a higher position. The lock is held only for that one read.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import asyncpg

from services.reporting.domain import readmodel
from services.reporting.domain.readmodel import Key, Observed, Row

NAME = "readmodel"
_COLUMNS = (
    "position, event_id::text AS event_id, type, occurred_at, organization, "
    "coalesce(case_number, '') AS case_number, coalesce(correlation_id::text, '') AS "
    "correlation_id, body::text AS body"
)


def _q(schema: str) -> str:
    return '"' + schema.replace('"', '""') + '"'


def _observed(r: asyncpg.Record) -> Observed:
    return Observed(
        position=r["position"],
        event_id=r["event_id"],
        type=r["type"],
        occurred_at=r["occurred_at"],
        organization=r["organization"] or "",
        case_number=r["case_number"],
        correlation_id=r["correlation_id"],
        body=json.loads(r["body"]),
    )


async def horizon(pool: asyncpg.Pool, schema: str) -> int:
    """The highest position below which every insert into `observed` has ended."""
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute(f"LOCK TABLE {_q(schema)}.observed IN SHARE MODE")
        # a new statement, so a new snapshot: taken after the lock, it sees every commit
        return int(
            await conn.fetchval(f"SELECT coalesce(max(position), 0) FROM {_q(schema)}.observed")
        )


async def observed(
    pool: asyncpg.Pool | asyncpg.Connection,
    schema: str,
    *,
    after: int = 0,
    upto: int | None = None,
    as_of: datetime | None = None,
    limit: int | None = None,
    types: Sequence[str] | None = None,
) -> list[Observed]:
    """Observed events in position order: after a position, up to one, occurred by a moment,
    of the types given."""
    where, args = ["position > $1"], list[Any]([after])
    if types is not None:
        args.append(list(types))
        where.append(f"type = ANY(${len(args)}::text[])")
    if upto is not None:
        args.append(upto)
        where.append(f"position <= ${len(args)}")
    if as_of is not None:
        args.append(as_of)
        where.append(f"occurred_at <= ${len(args)}")
    tail = ""
    if limit is not None:
        args.append(limit)
        tail = f" LIMIT ${len(args)}"
    sql = (
        f"SELECT {_COLUMNS} FROM {_q(schema)}.observed WHERE {' AND '.join(where)} "
        f"ORDER BY position{tail}"
    )
    return [_observed(r) for r in await pool.fetch(sql, *args)]


async def case_events(pool: asyncpg.Pool, schema: str, case_number: str) -> list[Observed]:
    """Every observed event of the case number, or of a correlation one of them carries."""
    s = _q(schema)
    sql = (
        f"SELECT {_COLUMNS} FROM {s}.observed WHERE case_number = $1 OR correlation_id IN "
        f"(SELECT correlation_id FROM {s}.observed WHERE case_number = $1) ORDER BY position"
    )
    return [_observed(r) for r in await pool.fetch(sql, case_number)]


async def _load(conn: asyncpg.Connection, schema: str, keys: set[Key]) -> dict[Key, Row | None]:
    if not keys:
        return {}
    kinds, names = zip(*sorted(keys), strict=True)
    rows = await conn.fetch(
        f"SELECT kind, key, data::text FROM {_q(schema)}.readmodel "
        "WHERE (kind, key) IN (SELECT * FROM unnest($1::text[], $2::text[]))",
        list(kinds),
        list(names),
    )
    found: dict[Key, Row | None] = dict.fromkeys(keys)
    found.update({(r["kind"], r["key"]): json.loads(r["data"]) for r in rows})
    return found


async def _save(conn: asyncpg.Connection, schema: str, rows: Mapping[Key, Row]) -> None:
    values = []
    for key, row in rows.items():
        unit, key_item, case_number = readmodel.columns(key, row)
        values.append((key[0], key[1], unit, key_item, case_number, json.dumps(row)))
    await conn.executemany(
        f"INSERT INTO {_q(schema)}.readmodel (kind, key, unit, key_item, case_number, data) "
        "VALUES ($1, $2, $3, $4, $5, $6::jsonb) ON CONFLICT (kind, key) DO UPDATE SET "
        "unit = excluded.unit, key_item = excluded.key_item, "
        "case_number = excluded.case_number, data = excluded.data",
        values,
    )


async def _lock(conn: asyncpg.Connection, schema: str) -> None:
    # one applier at a time (the observers' calls, a rebuild); the checkpoint read after it
    await conn.execute("SELECT pg_advisory_xact_lock(hashtext($1))", f"fuyuan.readmodel.{schema}")


async def _step(conn: asyncpg.Connection, schema: str, upto: int, batch: int) -> int:
    s = _q(schema)
    checkpoint = await conn.fetchval(
        f"SELECT position FROM {s}.readmodel_checkpoint WHERE name = $1", NAME
    )
    events = await observed(conn, schema, after=checkpoint or 0, upto=upto, limit=batch)
    if not events:
        return 0
    keys = {k for e in events for k in readmodel.touches(e)}
    rows = await _load(conn, schema, keys)
    changed: dict[Key, Row] = {}
    for e in events:
        update = readmodel.apply(rows, e)
        rows.update(update)
        changed.update(update)
    await _save(conn, schema, changed)
    await conn.execute(
        f"INSERT INTO {s}.readmodel_checkpoint (name, position) VALUES ($1, $2) "
        "ON CONFLICT (name) DO UPDATE SET position = excluded.position",
        NAME,
        events[-1].position,
    )
    return len(events)


async def catch_up(pool: asyncpg.Pool, schema: str, batch: int = 500) -> int:
    """Apply the observed events not applied yet; returns how many were applied."""
    upto, total = await horizon(pool, schema), 0
    while True:
        async with pool.acquire() as conn, conn.transaction():
            await _lock(conn, schema)
            n = await _step(conn, schema, upto, batch)
        total += n
        if n < batch:
            return total


async def rebuild(pool: asyncpg.Pool, schema: str, batch: int = 500) -> int:
    """Empty the read models and apply `observed` from position 0, in one transaction: readers
    see the old rows until the new ones are complete."""
    upto, total = await horizon(pool, schema), 0
    async with pool.acquire() as conn, conn.transaction():
        await _lock(conn, schema)
        await conn.execute(f"DELETE FROM {_q(schema)}.readmodel")
        await conn.execute(f"DELETE FROM {_q(schema)}.readmodel_checkpoint WHERE name = $1", NAME)
        while (n := await _step(conn, schema, upto, batch)) > 0:
            total += n
    return total


async def rows(pool: asyncpg.Pool, schema: str) -> dict[Key, Row]:
    """The read models as they stand."""
    found = await pool.fetch(f"SELECT kind, key, data::text FROM {_q(schema)}.readmodel")
    return {(r["kind"], r["key"]): json.loads(r["data"]) for r in found}


async def digest(pool: asyncpg.Pool, schema: str, as_of: datetime | None = None) -> str:
    """SHA-256 of the canonical rows: as they stand, or folded from the events up to `as_of`."""
    if as_of is None:
        return readmodel.digest(await rows(pool, schema))
    return readmodel.digest(readmodel.fold(await observed(pool, schema, as_of=as_of)))
