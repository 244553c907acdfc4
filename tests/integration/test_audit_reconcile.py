"""`reconcile` by content: every stream message at its place in the journal with the same
digest, naming what is missing, what differs, what only the journal holds, and the events a
relay set aside; an older database without the set-aside table is tolerated; what aged out of a
stream is counted apart, while a gap inside what it holds still fails."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import replace

import asyncpg
import pytest
from nats.aio.client import Client

from services.ledger.handlers import Recorder
from services.ledger.journal import Journal
from services.ledger.reconcile import check_service, check_stream, relay_set_aside
from services.ledger.streams import messages
from services.runtime.consumer import Delivery
from services.runtime.eventstore import StreamWrite
from services.runtime.eventstore.postgres import PostgresEventStore
from services.runtime.migrations import migrate
from services.runtime.streams import context_stream, deadletter_stream, ensure
from tests.integration.test_event_store import note
from tests.integration.test_journal import Clock
from tests.unit.test_ledger_facts import COMMAND, message

pytestmark = pytest.mark.integration


@pytest.fixture
async def journal(pool: asyncpg.Pool) -> AsyncIterator[Journal]:
    async with pool.acquire() as conn:
        await migrate(conn, "ledger")
        await migrate(conn, "testing")  # the schema of the events `note` makes
    yield Journal(pool)


async def published(nc: Client, count: int) -> list[Delivery]:
    js = nc.jetstream()
    await ensure(js, context_stream("enforcement", 1))
    for n in range(count):
        await js.publish(COMMAND, message(n=n))
    return [
        Delivery(m.subject, m.data, m.headers, 1, m.sequence)
        async for m in messages(nc, "ENFORCEMENT")
    ]


async def test_every_stream_message_is_found_at_its_place_with_its_content(
    journal: Journal, nc: Client
) -> None:
    sent = await published(nc, 3)
    await Recorder(journal, Clock()).batch(sent)
    report = await check_stream(journal, nc, "ENFORCEMENT")
    assert (report.messages, report.clean) == (3, True)


async def test_missing_changed_and_invented_entries_are_named(
    journal: Journal, nc: Client, pool: asyncpg.Pool
) -> None:
    sent = await published(nc, 4)
    invented = Delivery(COMMAND, message(), {}, 1, 99)
    await Recorder(journal, Clock()).batch([sent[0], sent[1], sent[3], invented])
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute("SET LOCAL session_replication_role = replica")  # triggers off
        await conn.execute(
            "UPDATE ledger.journal SET body = '{}', message_sha256 = sha256('{}') "
            "WHERE message_key = 'ENFORCEMENT:2'"
        )
    report = await check_stream(journal, nc, "ENFORCEMENT")
    assert report.missing == ["ENFORCEMENT:3"]
    assert report.differs == ["ENFORCEMENT:2"]
    assert report.journal_only == ["ENFORCEMENT:99"]


async def test_a_stream_the_server_lacks_leaves_every_entry_of_it_journal_only(
    journal: Journal, nc: Client
) -> None:
    await Recorder(journal, Clock()).batch(
        [Delivery("risk.command.x.v1.CT410482", b"{}", {}, 1, 1)]
    )
    report = await check_stream(journal, nc, "RISK")
    assert (report.messages, report.journal_only) == (0, ["RISK:1"])


async def test_the_service_log_is_compared_by_digest_and_set_aside_events_named_apart(
    journal: Journal, pool: asyncpg.Pool
) -> None:
    store = PostgresEventStore(pool, "testing")
    await store.append(StreamWrite("s", 0, [note(1), note(2)]))
    [one, two] = await store.load("s")
    await pool.execute(
        "CREATE TABLE IF NOT EXISTS testing.relay_set_aside (position bigint PRIMARY KEY, "
        "event_id uuid NOT NULL, subject text NOT NULL, size integer NOT NULL, "
        "reason text NOT NULL, set_aside_at timestamptz NOT NULL DEFAULT now())"
    )
    await pool.execute(
        "INSERT INTO testing.relay_set_aside (position, event_id, subject, size, reason) "
        "VALUES ($1, $2, $3, 9000000, 'too large for the server')",
        two.position,
        two.event_id,
        two.subject,
    )
    changed = {**one.message, "data": {**one.message["data"], "forged": True}}
    await Recorder(journal, Clock()).batch(
        [Delivery(one.subject, json.dumps(changed).encode(), {}, 1, 1)]
    )
    report = await check_service(pool, "testing")
    assert report.differs == [str(one.event_id)]
    assert report.missing_from_journal == []
    assert [a.event_id for a in report.set_aside] == [str(two.event_id)]
    assert report.set_aside[0].reason == "too large for the server"


async def test_a_database_without_the_set_aside_table_has_nothing_set_aside(
    journal: Journal, pool: asyncpg.Pool
) -> None:
    await pool.execute('CREATE SCHEMA "older"')
    assert await relay_set_aside(pool, "older") == []


async def test_a_dead_letter_removed_after_an_operator_s_action_is_not_a_gap(
    journal: Journal, nc: Client
) -> None:
    js = nc.jetstream()
    await ensure(js, deadletter_stream(1))
    letter = await js.publish("deadletter.enforcement.enforcement_commands", b"{}")
    forgotten = await js.publish("deadletter.enforcement.enforcement_commands", b"[]")
    action = {"sequence": letter.seq, "reason": "handled", "operator": "ops"}
    await js.publish("deadletter.actions.dropped", json.dumps(action).encode())
    await Recorder(journal, Clock()).batch(
        [
            Delivery(m.subject, m.data, m.headers, 1, m.sequence)
            async for m in messages(nc, "DEADLETTER")
        ]
    )
    await js.delete_msg("DEADLETTER", letter.seq)
    await js.delete_msg("DEADLETTER", forgotten.seq)  # removed with no action on record
    report = await check_stream(journal, nc, "DEADLETTER")
    assert report.removed == [f"DEADLETTER:{letter.seq}"]
    assert report.journal_only == [f"DEADLETTER:{forgotten.seq}"]


async def test_a_service_that_never_ran_has_an_empty_log(
    journal: Journal, pool: asyncpg.Pool
) -> None:
    report = await check_service(pool, "bankruptcy")
    assert report.clean and report.set_aside == []


async def test_a_stream_created_again_is_reconciled_under_the_other_keys(
    journal: Journal, nc: Client
) -> None:
    old = Delivery(COMMAND, message(n=99), {}, 1, 1)
    sent = await published(nc, 2)
    await Recorder(journal, Clock()).batch([old])
    await Recorder(journal, Clock()).batch(sent)
    report = await check_stream(journal, nc, "ENFORCEMENT")
    assert (report.messages, report.clean) == (2, True)


async def _journal_what_the_stream_holds(journal: Journal, nc: Client, stream: str) -> None:
    await Recorder(journal, Clock()).batch(
        [Delivery(m.subject, m.data, m.headers, 1, m.sequence) async for m in messages(nc, stream)]
    )


async def test_entries_older_than_the_stream_s_first_message_aged_out_and_a_gap_still_fails(
    journal: Journal, nc: Client
) -> None:
    js = nc.jetstream()
    # A stream that keeps its last 3 messages stands for one that keeps 30 days of them.
    await ensure(js, replace(context_stream("enforcement", 1), max_msgs=3))
    for n in range(3):
        await js.publish(COMMAND, message(n=n))
    await _journal_what_the_stream_holds(journal, nc, "ENFORCEMENT")
    for n in range(3, 7):
        await js.publish(COMMAND, message(n=n))
    await _journal_what_the_stream_holds(journal, nc, "ENFORCEMENT")
    # The 4th message aged out before the ledger read it: the journal never had it.
    assert (await js.stream_info("ENFORCEMENT")).state.first_seq == 5
    report = await check_stream(journal, nc, "ENFORCEMENT")
    assert (report.messages, report.aged_out, report.first, report.clean) == (3, 3, 5, True)
    await js.delete_msg("ENFORCEMENT", 6)  # a gap inside what the stream holds
    report = await check_stream(journal, nc, "ENFORCEMENT")
    assert report.journal_only == ["ENFORCEMENT:6"]
    assert (report.messages, report.aged_out, report.clean) == (2, 3, False)


async def test_a_stream_without_limits_has_nothing_aged_out_before_its_first_message(
    journal: Journal, nc: Client
) -> None:
    js = nc.jetstream()
    await ensure(js, deadletter_stream(1))  # no age or size limit: letters stay
    for n in range(3):
        await js.publish("deadletter.enforcement.enforcement_commands", f"[{n}]".encode())
    await _journal_what_the_stream_holds(journal, nc, "DEADLETTER")
    await js.delete_msg("DEADLETTER", 1)  # removed with no action on record
    report = await check_stream(journal, nc, "DEADLETTER")
    assert (report.aged_out, report.journal_only) == (0, ["DEADLETTER:1"])
