"""Versioned, idempotent SQL migrations, one schema per service.

Files live in `deploy/migrations/<set>/NNNN_name.sql`. Every service schema gets the
`eventstore` set first, then its own set if there is one. Each applied file is recorded with
its checksum; a file that changed after it was applied is an error, never silently re-run.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import asyncpg

from services.runtime.paths import deploy_dir

# One migrator at a time across the whole database; concurrent starts wait here.
_LOCK_KEY = 0x46_55_59_55_41_4E  # "FUYUAN"


class MigrationChangedError(RuntimeError):
    """An applied migration file no longer matches its recorded checksum."""


@dataclass(frozen=True)
class Migration:
    name: str
    sql: str

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.sql.encode()).hexdigest()


def migration_set(name: str) -> list[Migration]:
    folder = deploy_dir() / "migrations" / name
    files = sorted(folder.glob("[0-9][0-9][0-9][0-9]_*.sql")) if folder.is_dir() else []
    return [Migration(f"{name}/{f.name}", f.read_text(encoding="utf-8")) for f in files]


def migrations_for(schema: str) -> list[Migration]:
    return migration_set("eventstore") + migration_set(schema)


async def migrate(conn: asyncpg.Connection, schema: str) -> list[str]:
    """Apply what is missing to `schema`; returns the names applied now."""
    async with conn.transaction():
        await conn.execute("SELECT pg_advisory_xact_lock($1)", _LOCK_KEY)
        await conn.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
        await conn.execute(
            f'CREATE TABLE IF NOT EXISTS "{schema}".schema_migrations ('
            "name text PRIMARY KEY, checksum text NOT NULL, "
            "applied_at timestamptz NOT NULL DEFAULT now())"
        )
        rows = await conn.fetch(f'SELECT name, checksum FROM "{schema}".schema_migrations')
        applied = {r["name"]: r["checksum"] for r in rows}
        done: list[str] = []
        await conn.execute(f'SET LOCAL search_path TO "{schema}"')
        for m in migrations_for(schema):
            if m.name in applied:
                if applied[m.name] != m.checksum:
                    raise MigrationChangedError(f"{schema}: {m.name} changed after it was applied")
                continue
            await conn.execute(m.sql)
            await conn.execute(
                "INSERT INTO schema_migrations (name, checksum) VALUES ($1, $2)", m.name, m.checksum
            )
            done.append(m.name)
        return done


async def migrate_all(database_url: str, schemas: tuple[str, ...]) -> dict[str, list[str]]:
    conn = await asyncpg.connect(database_url)
    try:
        return {schema: await migrate(conn, schema) for schema in schemas}
    finally:
        await conn.close()
