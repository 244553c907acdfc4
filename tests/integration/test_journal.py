"""The journal on a real PostgreSQL: chained batches, no duplicates, no forks, tampering found,
proofs that check offline."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import asyncpg
import pytest

from services.ledger import audit
from services.ledger.checkpoints import Checkpointer
from services.ledger.domain import Facts
from services.ledger.journal import Journal
from services.ledger.proofs import check_consistency, check_inclusion
from services.ledger.signing import generate_key, public_key_of
from services.runtime.eventstore.postgres import PostgresEventStore
from services.runtime.migrations import migrate

pytestmark = pytest.mark.integration
KEY = generate_key()
PUBLIC = public_key_of(KEY)
T0 = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def facts(n: int, case: str = "（2026）豫0482执1号") -> Facts:
    body = json.dumps({"n": n}, separators=(",", ":")).encode()
    return Facts(f"key-{n}", "enforcement.event.noted.v1", "enforcement.event.noted.v1.CT410482",
                 "CT410482", case, f"id-{n}", "flow-1", f"id-{n - 1}" if n > 1 else None,
                 "ab" * 16, body)  # fmt: skip


@pytest.fixture
async def ledger(pool: asyncpg.Pool) -> AsyncIterator[tuple[Journal, PostgresEventStore]]:
    async with pool.acquire() as conn:
        await migrate(conn, "ledger")
    yield Journal(pool), PostgresEventStore(pool, "ledger")


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=1)
        return self.now


async def test_batches_extend_one_chain_and_a_repeat_is_not_appended(
    ledger: tuple[Journal, PostgresEventStore],
) -> None:
    journal, store = ledger
    first = await journal.append([facts(1), facts(2)], T0)
    again = await journal.append([facts(2), facts(3), facts(3)], T0)
    assert [e.position for e in first + again] == [1, 2, 3]
    assert again[0].prev_hash == first[-1].hash
    report = await audit.verify(journal, store, PUBLIC)
    assert report.ok and report.entries == 3


async def test_concurrent_appenders_never_fork_the_chain(
    ledger: tuple[Journal, PostgresEventStore],
) -> None:
    journal, store = ledger
    await asyncio.gather(*(journal.append([facts(i * 10 + j) for j in range(1, 6)], T0)
                           for i in range(1, 9)))  # fmt: skip
    report = await audit.verify(journal, store, PUBLIC)
    assert report.ok and report.entries == 40


async def _filled(journal: Journal, store: PostgresEventStore, n: int = 12) -> Checkpointer:
    await journal.append([facts(i) for i in range(1, n + 1)], T0)
    cp = Checkpointer(journal, store, KEY, Clock(), every=5)
    await cp.load()
    await cp.step()
    return cp


async def test_a_row_changed_by_the_superuser_is_found_at_its_position(
    ledger: tuple[Journal, PostgresEventStore], pool: asyncpg.Pool
) -> None:
    journal, store = ledger
    await _filled(journal, store)
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute("SET LOCAL session_replication_role = replica")  # triggers off
        await conn.execute("UPDATE ledger.journal SET body = '{\"n\":999}' WHERE position = 5")
    report = await audit.verify(journal, store, PUBLIC)
    assert report.broken is not None and report.broken.position == 5
    assert "digest" in report.broken.reason


async def test_a_row_deleted_by_the_superuser_is_found_at_its_position(
    ledger: tuple[Journal, PostgresEventStore], pool: asyncpg.Pool
) -> None:
    journal, store = ledger
    await _filled(journal, store)
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute("SET LOCAL session_replication_role = replica")
        await conn.execute("DELETE FROM ledger.journal WHERE position = 7")
    report = await audit.verify(journal, store, PUBLIC)
    assert report.broken is not None and report.broken.position == 7
    assert "missing" in report.broken.reason


async def test_the_last_row_deleted_and_the_chain_rewritten_is_caught_by_the_checkpoint(
    ledger: tuple[Journal, PostgresEventStore], pool: asyncpg.Pool
) -> None:
    journal, store = ledger
    await _filled(journal, store)
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute("SET LOCAL session_replication_role = replica")
        await conn.execute("DELETE FROM ledger.journal WHERE position = 12")
        await conn.execute("UPDATE ledger.head SET position = 11, hash = "
                           "(SELECT hash FROM ledger.journal WHERE position = 11)")  # fmt: skip
    report = await audit.verify(journal, store, PUBLIC)
    assert not report.ok
    assert any("checkpoint 12" in p for p in report.problems)


async def test_the_database_refuses_to_change_the_journal(
    ledger: tuple[Journal, PostgresEventStore], pool: asyncpg.Pool
) -> None:
    journal, _ = ledger
    await journal.append([facts(1)], T0)
    for statement in ("UPDATE ledger.journal SET type = 'x'", "DELETE FROM ledger.journal",
                      "TRUNCATE ledger.journal"):  # fmt: skip
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            await pool.execute(statement)


async def test_an_inclusion_proof_checks_offline_and_fails_when_tampered(
    ledger: tuple[Journal, PostgresEventStore],
) -> None:
    journal, store = ledger
    await _filled(journal, store)
    proof = await audit.prove(journal, store, "id-4")
    assert all(c.ok for c in check_inclusion(proof, PUBLIC))
    forged = json.loads(json.dumps(proof))
    forged["entry"]["message"] = '{"n":5}'
    assert not all(c.ok for c in check_inclusion(forged, PUBLIC))
    assert not all(c.ok for c in check_inclusion(proof, public_key_of(generate_key())))


async def test_a_later_checkpoint_is_proved_consistent_with_an_earlier_one(
    ledger: tuple[Journal, PostgresEventStore],
) -> None:
    journal, store = ledger
    cp = await _filled(journal, store, n=7)
    await journal.append([facts(i) for i in range(8, 20)], T0)
    await cp.step()
    proof = await audit.consistency(journal, store, None, None)
    assert (proof["old"]["tree_size"], proof["new"]["tree_size"]) == (7, 19)
    assert all(c.ok for c in check_consistency(proof, PUBLIC))
    proof["old"]["root_hash"] = "00" * 32
    assert not all(c.ok for c in check_consistency(proof, PUBLIC))


async def test_a_case_history_gathers_its_whole_flow(
    ledger: tuple[Journal, PostgresEventStore],
) -> None:
    journal, _ = ledger
    await journal.append([facts(1), facts(2, case=None), facts(3)], T0)  # type: ignore[arg-type]
    rows = await audit.history(journal, "（2026）豫0482执1号")
    assert [r.position for r in rows] == [1, 2, 3]
