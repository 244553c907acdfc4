"""Checkpoints outlive the database: a journal rewritten by a superuser, with the checkpoint rows
deleted too, still fails `verify` against the checkpoints on the LEDGER stream and in a file a
witness countersigned; with no external checkpoint `verify` warns and does not pass."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest
from nats.aio.client import Client

from services.ledger import audit
from services.ledger.domain import extend
from services.ledger.journal import Journal
from services.ledger.outside import STREAM_SOURCE, gather
from services.ledger.signing import generate_key, key_id, public_key_of
from services.ledger.streams import published_checkpoints
from services.ledger.witness import CheckpointFile, countersign, exported, witnessed
from services.runtime.eventstore.postgres import PostgresEventStore
from services.runtime.migrations import migrate
from services.runtime.streams import context_stream, ensure
from tests.integration.test_journal import PUBLIC, T0, _filled

pytestmark = pytest.mark.integration
WITNESS = generate_key()


@pytest.fixture
async def ledger(database_url: str) -> AsyncIterator[tuple[Journal, PostgresEventStore]]:
    pool = await asyncpg.create_pool(database_url, min_size=1, max_size=4)
    async with pool.acquire() as conn:
        await migrate(conn, "ledger")
    try:
        yield Journal(pool), PostgresEventStore(pool, "ledger")
    finally:
        await pool.close()


async def publish_checkpoints(nc: Client, store: PostgresEventStore) -> None:
    """What the ledger's relay does with each checkpoint event of its log."""
    js = nc.jetstream()
    await ensure(js, context_stream("ledger", 1))
    for e in await store.load("checkpoints"):
        await js.publish(
            e.subject, json.dumps(e.message).encode(), headers={"Nats-Msg-Id": str(e.event_id)}
        )


async def rewrite_as_superuser(journal: Journal, position: int) -> None:
    """Change one message, recompute every hash after it, move the head, and delete the
    checkpoints from the ledger's own log: the chain is consistent again."""
    rows = [r async for r in journal.rows()]
    before = rows[position - 2]
    changed = [
        rows[position - 1].facts.__class__(
            **{**vars(rows[position - 1].facts), "body": b'{"n":999}'}
        )
    ]
    new = extend(before.position, before.hash, changed + [r.facts for r in rows[position:]], T0)
    async with journal.pool.acquire() as conn, conn.transaction():
        await conn.execute("SET LOCAL session_replication_role = replica")  # triggers off
        for e in new:
            await conn.execute(
                "UPDATE ledger.journal SET body = $2, message_sha256 = $3, prev_hash = $4, "
                "hash = $5 WHERE position = $1",
                e.position,
                e.facts.body,
                e.message_sha256,
                e.prev_hash,
                e.hash,
            )
        await conn.execute("UPDATE ledger.head SET hash = $1", new[-1].hash)
        await conn.execute("DELETE FROM ledger.events WHERE stream_id = 'checkpoints'")


async def test_a_rewritten_journal_without_its_checkpoint_rows_fails_against_the_stream(
    ledger: tuple[Journal, PostgresEventStore], nc: Client, nats_url: str
) -> None:
    journal, store = ledger
    await _filled(journal, store)
    await publish_checkpoints(nc, store)
    await rewrite_as_superuser(journal, 5)

    alone = await audit.verify(journal, store, PUBLIC)
    assert alone.ok and alone.checkpoints == 0  # what the database alone says: fooled

    outside = await gather(nats_url, [], None)
    assert [h.checkpoint.tree_size for h in outside.held] == [12]
    report = await audit.verify(journal, store, PUBLIC, outside.held)
    assert not report.ok and report.external == 1
    assert report.problems == [
        f"checkpoint 12 ({STREAM_SOURCE}): the journal's root differs from the signed root"
    ]


async def test_the_stream_gives_back_only_real_checkpoints(
    ledger: tuple[Journal, PostgresEventStore], nc: Client
) -> None:
    journal, store = ledger
    await _filled(journal, store)
    await publish_checkpoints(nc, store)
    await nc.jetstream().publish("ledger.event.checkpoint_signed.v1.FUYUAN", b"[" * 10_000)
    assert [c.tree_size for c in await published_checkpoints(nc)] == [12]


async def test_a_countersigned_file_catches_the_rewrite_from_the_command_line(
    ledger: tuple[Journal, PostgresEventStore], database_url: str, tmp_path: Path
) -> None:
    journal, store = ledger
    await _filled(journal, store)
    file = tmp_path / "checkpoints.json"
    exported(await audit.own_checkpoints(store)).write(file)
    kept = CheckpointFile.read(file)
    assert countersign(kept, WITNESS, PUBLIC, T0) == (1, [])
    kept.write(file)
    assert witnessed(kept.checkpoints[0], CheckpointFile.read(file), public_key_of(WITNESS))

    intact = await fuyuan(
        "verify",
        "--checkpoints",
        str(file),
        "--witness-key",
        public_key_of(WITNESS),
        database_url=database_url,
    )
    assert intact[0] == 0, intact[1]

    await rewrite_as_superuser(journal, 5)
    code, out = await fuyuan(
        "verify",
        "--checkpoints",
        str(file),
        "--witness-key",
        public_key_of(WITNESS),
        database_url=database_url,
    )
    assert code == 1
    assert (
        f"checkpoint 12 (file checkpoints.json, countersigned by witness "
        f"{key_id(public_key_of(WITNESS))}): the journal's root differs"
    ) in out


async def test_a_file_checkpoint_the_witness_did_not_sign_does_not_count(
    ledger: tuple[Journal, PostgresEventStore], tmp_path: Path
) -> None:
    journal, store = ledger
    await _filled(journal, store)
    file = tmp_path / "checkpoints.json"
    exported(await audit.own_checkpoints(store)).write(file)
    outside = await gather(None, [file], public_key_of(WITNESS))
    assert outside.held == []
    assert outside.problems and "not countersigned" in outside.problems[0]


async def test_verify_with_no_external_checkpoint_warns_and_does_not_pass(
    ledger: tuple[Journal, PostgresEventStore], database_url: str
) -> None:
    journal, store = ledger
    await _filled(journal, store)
    code, out = await fuyuan("verify", database_url=database_url)
    assert code == 3
    assert "WARNING: no checkpoint held outside the ledger's tables" in out


async def fuyuan(*args: str, database_url: str) -> tuple[int, str]:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "FUYUAN_LEDGER_PUBLIC_KEY": PUBLIC,
        "COLUMNS": "400",
    }
    env.pop("NATS_URL", None)
    env.pop("FUYUAN_LEDGER_SIGNING_KEY", None)
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "services.cli.main",
        "audit",
        *args,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    out, _ = await asyncio.wait_for(proc.communicate(), 60)
    assert proc.returncode is not None
    return proc.returncode, out.decode()


async def test_export_countersign_and_verify_from_the_command_line(
    ledger: tuple[Journal, PostgresEventStore], database_url: str, tmp_path: Path
) -> None:
    journal, store = ledger
    await _filled(journal, store)
    file = tmp_path / "kept.json"
    code, out = await fuyuan("checkpoints", "export", str(file), database_url=database_url)
    assert code == 0 and "1 checkpoints written" in out
    code, out = await fuyuan("countersign", str(file), "--key", WITNESS, database_url=database_url)
    assert code == 0 and public_key_of(WITNESS) in out
    code, out = await fuyuan(
        "verify",
        "--checkpoints",
        str(file),
        "--witness-key",
        public_key_of(WITNESS),
        database_url=database_url,
    )
    assert code == 0 and "1 held outside" in out
