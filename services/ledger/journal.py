"""The journal on PostgreSQL: batched, chained appends and ordered reads."""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import AsyncIterator, Sequence
from dataclasses import replace
from datetime import datetime

import asyncpg

from services.ledger.domain import Entry, Facts, StoredRow, extend

COLUMNS = (
    "position", "message_key", "event_id", "type", "subject", "organization", "case_number",
    "correlation_id", "causation_id", "trace_id", "body", "message_sha256", "recorded_at",
    "prev_hash", "hash",
)  # fmt: skip
PROVENANCE = ("sender", "forgery", "detail", "entry_version")
"""Columns of format v2 (migration ledger/0002): who sent it, a forgery flag, a detail line."""
ALL_COLUMNS = COLUMNS + PROVENANCE
_SELECT = ", ".join(ALL_COLUMNS)
LOOK_UP_AFTER_REPEAT = 16
"""Batches that look their keys up before they write, after one met a message journaled before
(redeliveries come in runs: a failed first write costs about as much as the write itself)."""


def _record(e: Entry) -> tuple[object, ...]:
    f = e.facts
    return (
        e.position,
        f.message_key,
        f.event_id,
        f.type,
        f.subject,
        f.organization,
        f.case_number,
        f.correlation_id,
        f.causation_id,
        f.trace_id,
        f.body,
        e.message_sha256,
        e.recorded_at,
        e.prev_hash,
        e.hash,
        f.sender,
        f.forgery,
        f.detail,
        f.version,
    )


def stored(r: asyncpg.Record) -> StoredRow:
    facts = Facts(
        message_key=r["message_key"],
        type=r["type"],
        subject=r["subject"],
        organization=r["organization"],
        case_number=r["case_number"],
        event_id=r["event_id"],
        correlation_id=r["correlation_id"],
        causation_id=r["causation_id"],
        trace_id=r["trace_id"],
        body=bytes(r["body"]),
        sender=r["sender"],
        forgery=r["forgery"],
        detail=r["detail"],
        version=r["entry_version"],
    )
    return StoredRow(
        r["position"],
        facts,
        r["recorded_at"],
        bytes(r["message_sha256"]),
        bytes(r["prev_hash"]),
        bytes(r["hash"]),
    )


def other_place(key: str, digest: bytes) -> str:
    """The key of a different message found at a place already journaled — a stream deleted
    and created again starts its sequences at 1 — so it is journaled too: the place, `~`, and
    the first 16 hex characters of the message's SHA-256."""
    return f"{key}~{digest.hex()[:16]}"


def _digest(f: Facts) -> bytes:
    return hashlib.sha256(f.body).digest()


def _collisions(facts: Sequence[Facts], known: dict[str, bytes]) -> list[str]:
    """Keys other messages would take: for each fact whose place holds another message."""
    return [
        other_place(f.message_key, _digest(f))
        for f in facts
        if f.message_key in known and known[f.message_key] != _digest(f)
    ]


def _unique(facts: Sequence[Facts], known: dict[str, bytes]) -> list[Facts]:
    """The facts not journaled yet, each under a key of its own; the same message again (same
    place, same digest) is recognised and left out. A digest is computed only where a key is
    met twice: `domain.extend` hashes every message anyway."""
    taken: dict[str, Facts] = {}  # keys this batch takes, and the message under each
    out = []
    for f in facts:
        key = f.message_key
        if key in known or key in taken:
            digest = _digest(f)
            if (known[key] if key in known else _digest(taken[key])) != digest:
                key = other_place(key, digest)
            if key in known or key in taken:
                continue
        taken[key] = f
        out.append(f if key == f.message_key else replace(f, message_key=key))
    return out


async def _known(conn: asyncpg.Connection, schema: str, keys: list[str]) -> dict[str, bytes]:
    rows = await conn.fetch(
        f'SELECT message_key, message_sha256 FROM "{schema}".journal WHERE message_key = any($1)',
        keys,
    )
    return {r["message_key"]: bytes(r["message_sha256"]) for r in rows}


@contextlib.asynccontextmanager
async def _transaction(conn: asyncpg.Connection) -> AsyncIterator[None]:
    """BEGIN, and ROLLBACK if the block raises; the block commits itself, in its last statement
    (one round trip fewer than asyncpg's `transaction()`, which sends COMMIT alone)."""
    await conn.execute("BEGIN")
    try:
        yield
    except BaseException:
        if not conn.is_closed() and conn.is_in_transaction():
            await conn.execute("ROLLBACK")
        raise
    if conn.is_in_transaction():
        await conn.execute("ROLLBACK")
        raise RuntimeError("a journal transaction was left open")


class Journal:
    def __init__(self, pool: asyncpg.Pool, schema: str = "ledger") -> None:
        self.pool, self.schema = pool, schema
        self._look_ups = 0
        """Batches left to look up first: LOOK_UP_AFTER_REPEAT once a batch met a message
        journaled before (a redelivery, a replay), one less for each lookup that finds none."""

    async def append(self, facts: Sequence[Facts], recorded_at: datetime) -> list[Entry]:
        """Append what is new (a message already journaled is recognised by its key and digest).

        One transaction locks the head row, chains the new facts after it and writes them. The
        journal's unique message key finds a message journaled before: a batch first goes in as
        it is (its own repeats left out), and only if a key is taken already is it written
        again, in a new transaction, after a lookup of its keys. Once a batch met such keys,
        the next ones look up first, until LOOK_UP_AFTER_REPEAT lookups in a row found none."""
        if not facts:
            return []
        async with self.pool.acquire() as conn:
            if not self._look_ups:
                try:
                    return await self._append(conn, facts, recorded_at, look_up=False)
                except asyncpg.UniqueViolationError:
                    self._look_ups = LOOK_UP_AFTER_REPEAT
            return await self._append(conn, facts, recorded_at, look_up=True)

    async def _append(
        self, conn: asyncpg.Connection, facts: Sequence[Facts], recorded_at: datetime, look_up: bool
    ) -> list[Entry]:
        schema = self.schema
        async with _transaction(conn):
            head = await conn.fetchrow(f'SELECT position, hash FROM "{schema}".head FOR UPDATE')
            known: dict[str, bytes] = {}
            if look_up:  # after the lock: a concurrent appender's entries are seen
                known = await _known(conn, schema, [f.message_key for f in facts])
                # Rare (a stream created again): a second lookup only then, for the other keys.
                if others := _collisions(facts, known):
                    known |= await _known(conn, schema, others)
                self._look_ups = LOOK_UP_AFTER_REPEAT if known else max(self._look_ups - 1, 0)
            entries = extend(
                head["position"], bytes(head["hash"]), _unique(facts, known), recorded_at
            )
            if not entries:
                await conn.execute("COMMIT")
                return entries
            await conn.copy_records_to_table(
                "journal", schema_name=schema, columns=ALL_COLUMNS, records=map(_record, entries)
            )
            # Literals (an integer, hexadecimal digits): the update and COMMIT in one round trip.
            last = entries[-1]
            await conn.execute(
                f'UPDATE "{schema}".head SET position = {int(last.position)}, '
                f"hash = decode('{last.hash.hex()}', 'hex'); COMMIT"
            )
            return entries

    async def head(self) -> tuple[int, bytes]:
        row = await self.pool.fetchrow(f'SELECT position, hash FROM "{self.schema}".head')
        return row["position"], bytes(row["hash"])

    async def rows(self, start: int = 1, batch: int = 5000) -> AsyncIterator[StoredRow]:
        """Every entry from `start` in position order, read in pages."""
        after = start - 1
        while True:
            page = await self.pool.fetch(
                f'SELECT {_SELECT} FROM "{self.schema}".journal WHERE position > $1 '
                "ORDER BY position LIMIT $2",
                after,
                batch,
            )
            for r in page:
                yield stored(r)
            if len(page) < batch:
                return
            after = page[-1]["position"]

    async def hashes(self, upto: int | None = None) -> list[bytes]:
        """Entry hashes in position order (the Merkle leaves)."""
        rows = await self.pool.fetch(
            f'SELECT hash FROM "{self.schema}".journal WHERE position <= $1 ORDER BY position',
            upto if upto is not None else 2**62,
        )
        return [bytes(r["hash"]) for r in rows]

    async def digests(self, keys: Sequence[str]) -> dict[str, bytes]:
        """Message key → SHA-256 of the journaled message, for the keys that are journaled."""
        rows = await self.pool.fetch(
            f'SELECT message_key, message_sha256 FROM "{self.schema}".journal '
            "WHERE message_key = any($1)",
            list(keys),
        )
        return {r["message_key"]: bytes(r["message_sha256"]) for r in rows}

    async def keys_like(self, prefix: str) -> dict[str, bytes]:
        """Message key → digest of every entry whose key starts with `prefix` (a stream's)."""
        rows = await self.pool.fetch(
            f'SELECT message_key, message_sha256 FROM "{self.schema}".journal '
            "WHERE starts_with(message_key, $1)",
            prefix,
        )
        return {r["message_key"]: bytes(r["message_sha256"]) for r in rows}

    async def find(self, where: str, *args: object) -> list[StoredRow]:
        rows = await self.pool.fetch(
            f'SELECT {_SELECT} FROM "{self.schema}".journal WHERE {where} ORDER BY position', *args
        )
        return [stored(r) for r in rows]
