"""The journal on a real PostgreSQL: chained batches, no duplicates, no forks, tampering found,
proofs that check offline."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import asyncpg
import pytest

from services.ledger import audit
from services.ledger import journal as journal_module
from services.ledger.checkpoints import Checkpointer
from services.ledger.domain import Facts
from services.ledger.handlers import Recorder
from services.ledger.journal import LOOK_UP_AFTER_REPEAT, Journal
from services.ledger.proofs import check_consistency, check_inclusion
from services.ledger.signing import generate_key, public_key_of
from services.runtime.consumer import Delivery
from services.runtime.eventstore.postgres import PostgresEventStore
from services.runtime.migrations import migrate
from tests.unit.test_ledger_facts import COMMAND, NASTY, REPLY, message

NOTICE = "enforcement.notice.property_query.v1.BANK01"

pytestmark = pytest.mark.integration
KEY = generate_key()
PUBLIC = public_key_of(KEY)
T0 = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def facts(n: int, case: str = "（2026）豫0482执1号") -> Facts:
    body = json.dumps({"n": n}, separators=(",", ":")).encode()
    return Facts(
        f"key-{n}",
        "enforcement.event.noted.v1",
        "enforcement.event.noted.v1.CT410482",
        "CT410482",
        case,
        f"id-{n}",
        "flow-1",
        f"id-{n - 1}" if n > 1 else None,
        "ab" * 16,
        body,
    )


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
    await asyncio.gather(
        *(journal.append([facts(i * 10 + j) for j in range(1, 6)], T0) for i in range(1, 9))
    )
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
        await conn.execute(
            "UPDATE ledger.head SET position = 11, hash = "
            "(SELECT hash FROM ledger.journal WHERE position = 11)"
        )
    report = await audit.verify(journal, store, PUBLIC)
    assert not report.ok
    assert any("checkpoint 12" in p for p in report.problems)


async def test_the_database_refuses_to_change_the_journal(
    ledger: tuple[Journal, PostgresEventStore], pool: asyncpg.Pool
) -> None:
    journal, _ = ledger
    await journal.append([facts(1)], T0)
    for statement in (
        "UPDATE ledger.journal SET type = 'x'",
        "DELETE FROM ledger.journal",
        "TRUNCATE ledger.journal",
    ):
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


def _delivery(data: bytes, sequence: int, subject: str = COMMAND) -> Delivery:
    return Delivery(subject, data, {}, 1, sequence)


async def test_two_messages_with_one_event_id_are_both_journaled_and_a_redelivery_once(
    ledger: tuple[Journal, PostgresEventStore],
) -> None:
    journal, store = ledger
    recorder = Recorder(journal, Clock())
    notice = message("CT410482", uuid.UUID(int=42))
    answer = message("BANK01", uuid.UUID(int=42))  # a bureau answering with the notice's id
    await recorder.batch([_delivery(notice, 1, NOTICE), _delivery(answer, 2, REPLY)])
    await recorder.batch([_delivery(answer, 2, REPLY)])  # the same stream message again
    rows = await journal.find("event_id = $1", str(uuid.UUID(int=42)))
    assert [(r.facts.message_key, r.facts.sender) for r in rows] == [
        ("ENFORCEMENT:1", "FUYUAN"),
        ("ENFORCEMENT:2", "BANK01"),
    ]
    assert (await audit.verify(journal, store, PUBLIC)).entries == 2


async def test_a_forged_sender_is_journaled_as_the_real_sender_with_the_claim(
    ledger: tuple[Journal, PostgresEventStore],
) -> None:
    journal, store = ledger
    await Recorder(journal, Clock()).batch([_delivery(message("CT410102"), 1)])
    [row] = await journal.find("true")
    assert (row.facts.sender, row.facts.organization, row.facts.forgery) == (
        "CT410482",
        "CT410102",
        True,
    )
    assert [r.position for r in await audit.forgeries(journal)] == [1]
    assert (await audit.verify(journal, store, PUBLIC)).ok


async def test_any_bytes_reach_the_journal_and_verify(
    ledger: tuple[Journal, PostgresEventStore],
) -> None:
    journal, store = ledger
    nasty = [*NASTY, b'{"envelope": {"case_number": "\\u0000"}}']
    await Recorder(journal, Clock()).batch([_delivery(data, i + 1) for i, data in enumerate(nasty)])
    assert (await journal.head())[0] == len(nasty)
    assert (await audit.verify(journal, store, PUBLIC)).ok


async def test_a_message_whose_entry_is_refused_is_journaled_raw(
    ledger: tuple[Journal, PostgresEventStore], monkeypatch: pytest.MonkeyPatch
) -> None:
    journal, _ = ledger
    recorder = Recorder(journal, Clock())

    def refused(_d: Delivery) -> Facts:
        return dataclasses.replace(facts(1), message_key="ENFORCEMENT:1", subject="x\x00")

    monkeypatch.setattr("services.ledger.handlers.facts_of", refused)
    await recorder.one(_delivery(b'{"a": 1}', 1))
    [row] = await journal.find("true")
    assert (row.facts.message_key, row.facts.body) == ("ENFORCEMENT:1", b'{"a": 1}')


async def test_entries_of_format_v1_still_verify_beside_v2_and_a_changed_sender_is_found(
    ledger: tuple[Journal, PostgresEventStore], pool: asyncpg.Pool
) -> None:
    journal, store = ledger
    await journal.append([dataclasses.replace(facts(i), version=1) for i in (1, 2)], T0)
    await Recorder(journal, Clock()).batch([_delivery(message("CT410102"), 3)])
    versions = await pool.fetch("SELECT entry_version FROM ledger.journal ORDER BY position")
    assert [r[0] for r in versions] == [1, 1, 2]
    assert (await audit.verify(journal, store, PUBLIC)).ok
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute("SET LOCAL session_replication_role = replica")
        await conn.execute("UPDATE ledger.journal SET sender = 'CT410102' WHERE position = 3")
    report = await audit.verify(journal, store, PUBLIC)
    assert report.broken is not None and report.broken.position == 3


async def test_another_message_at_a_place_already_journaled_is_journaled_under_its_own_key(
    ledger: tuple[Journal, PostgresEventStore],
) -> None:
    journal, store = ledger
    recorder = Recorder(journal, Clock())
    await recorder.batch([_delivery(message(n=1), 1)])
    # The stream was deleted and created again: its sequences start at 1 once more.
    again = message(n=2)
    await recorder.batch([_delivery(again, 1)])
    await recorder.batch([_delivery(again, 1)])  # and that message redelivered
    keys = [r.facts.message_key for r in await journal.find("true")]
    assert keys[0] == "ENFORCEMENT:1" and keys[1].startswith("ENFORCEMENT:1~") and len(keys) == 2
    assert (await audit.verify(journal, store, PUBLIC)).ok


async def test_a_transient_database_error_is_raised_not_journaled_raw(
    ledger: tuple[Journal, PostgresEventStore], monkeypatch: pytest.MonkeyPatch
) -> None:
    journal, _ = ledger

    async def deadlocked(*_args: object) -> None:
        raise asyncpg.DeadlockDetectedError("deadlock detected")

    monkeypatch.setattr(journal, "append", deadlocked)
    with pytest.raises(asyncpg.DeadlockDetectedError):
        await Recorder(journal, Clock()).one(_delivery(b'{"a": 1}', 1))


async def test_an_empty_batch_appends_nothing_and_waits_for_no_lock(
    ledger: tuple[Journal, PostgresEventStore], pool: asyncpg.Pool
) -> None:
    journal, _ = ledger
    await journal.append([facts(1)], T0)
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute("SELECT 1 FROM ledger.head FOR UPDATE")  # another appender's lock
        assert await asyncio.wait_for(journal.append([], T0), 5) == []
    assert (await journal.head())[0] == 1


async def test_a_batch_with_journaled_messages_appends_only_the_new_ones_in_one_chain(
    ledger: tuple[Journal, PostgresEventStore],
) -> None:
    journal, store = ledger
    await journal.append([facts(1), facts(2)], T0)
    other = dataclasses.replace(facts(9), message_key="key-2")  # another message at key-2's place
    mixed = await journal.append([facts(3), facts(2), other, other, facts(1), facts(4)], T0)
    assert [(e.position, e.facts.message_key[:6]) for e in mixed] == [
        (3, "key-3"),
        (4, "key-2~"),
        (5, "key-4"),
    ]
    assert mixed[0].prev_hash == (await journal.hashes(2))[-1]
    assert await journal.append([other, facts(4)], T0) == []  # all recognised, the other too
    later = await journal.append([facts(5), facts(6)], T0)
    assert [e.position for e in later] == [6, 7]
    report = await audit.verify(journal, store, PUBLIC)
    assert report.ok and report.entries == 7


async def test_concurrent_appenders_of_the_same_messages_journal_each_once(
    ledger: tuple[Journal, PostgresEventStore],
) -> None:
    journal, store = ledger
    batch = [facts(i) for i in range(1, 9)]
    results = await asyncio.gather(*(Journal(journal.pool).append(batch, T0) for _ in range(4)))
    assert sorted(len(r) for r in results) == [0, 0, 0, 8]
    report = await audit.verify(journal, store, PUBLIC)
    assert report.ok and report.entries == 8


async def test_a_refused_batch_is_rolled_back_by_the_journal_itself(
    ledger: tuple[Journal, PostgresEventStore],
) -> None:
    journal, store = ledger
    # asyncpg rolls back what a connection's user left open on release, and reports it.
    left_open: list[str] = []
    loop = asyncio.get_running_loop()
    loop.set_exception_handler(lambda _loop, context: left_open.append(context["message"]))
    refused = dataclasses.replace(facts(3), subject="x\x00")
    try:
        with pytest.raises(asyncpg.DataError):  # refused as the batch is first written
            await journal.append([refused], T0)
        await journal.append([facts(1)], T0)
        await journal.append([facts(1), facts(2)], T0)  # key-1 taken: the next batch looks up
        with pytest.raises(asyncpg.DataError):  # refused after its keys were looked up
            await journal.append([facts(2), refused], T0)
    finally:
        loop.set_exception_handler(None)
    assert left_open == []
    assert [e.position for e in await journal.append([facts(4)], T0)] == [3]
    assert (await audit.verify(journal, store, PUBLIC)).ok


async def test_after_a_redelivery_batches_look_their_keys_up_first_for_a_while(
    ledger: tuple[Journal, PostgresEventStore], monkeypatch: pytest.MonkeyPatch
) -> None:
    journal, store = ledger
    looked_up: list[int] = []
    known = journal_module._known

    async def counted(conn: asyncpg.Connection, schema: str, keys: list[str]) -> dict[str, bytes]:
        looked_up.append(len(keys))
        return await known(conn, schema, keys)

    monkeypatch.setattr(journal_module, "_known", counted)
    await journal.append([facts(1)], T0)
    assert looked_up == []  # a new batch goes in without a lookup
    assert len(await journal.append([facts(1), facts(2)], T0)) == 1  # refused, then looked up
    assert looked_up == [2]
    n = 3
    for _ in range(LOOK_UP_AFTER_REPEAT):
        assert len(await journal.append([facts(n)], T0)) == 1
        n += 1
    assert looked_up == [2] + [1] * LOOK_UP_AFTER_REPEAT
    await journal.append([facts(n)], T0)
    assert len(looked_up) == 1 + LOOK_UP_AFTER_REPEAT  # written directly again
    report = await audit.verify(journal, store, PUBLIC)
    assert report.ok and report.entries == n
