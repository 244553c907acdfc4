"""Read models on PostgreSQL: observed rows inserted directly, caught up in batches, rebuilt from
position 0 with the same digest as the pure fold; an insert that commits after a later-numbered
one is not passed over; the views read what the fold wrote."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Sequence
from datetime import date, datetime

import asyncpg
import pytest
from typer.testing import CliRunner

from contracts.reporting.reports import Period
from services.cli.main import app
from services.reporting import readmodels, views
from services.reporting.domain import readmodel
from services.reporting.domain.readmodel import Observed
from services.runtime.migrations import migrate
from tests.conftest import fresh_database, fresh_pool
from tests.integration.test_relay_faults import eventually
from tests.unit.test_reporting_readmodel import (
    ENTRY,
    E,
    added,
    at,
    ev,
    golden_events,
    memo,
    overdue_entry,
    query,
)

pytestmark = pytest.mark.integration
SCHEMA = "reporting"


@pytest.fixture
async def db(postgres_server: str) -> AsyncIterator[asyncpg.Pool]:
    async with fresh_pool(postgres_server) as pool:
        async with pool.acquire() as conn:
            await migrate(conn, SCHEMA)
        yield pool


INSERT = (
    "INSERT INTO reporting.observed (stream, stream_seq, event_id, type, context, occurred_at, "
    "organization, case_number, correlation_id, body, message) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb, '{}'::jsonb) RETURNING position"
)


async def insert(conn: asyncpg.Connection | asyncpg.Pool, e: Observed) -> int:
    return int(
        await conn.fetchval(
            INSERT,
            e.context.upper(),
            e.position,
            e.event_id,
            e.type,
            e.context,
            e.occurred_at,
            e.organization,
            e.case_number or None,
            e.correlation_id or None,
            json.dumps(dict(e.body)),
        )
    )


async def insert_all(pool: asyncpg.Pool, events: Sequence[Observed]) -> None:
    for e in events:
        await insert(pool, e)


async def test_caught_up_in_batches_and_rebuilt_the_rows_have_the_folds_digest(
    db: asyncpg.Pool,
) -> None:
    events = golden_events()
    await insert_all(db, events[:60])
    assert await readmodels.catch_up(db, SCHEMA, batch=7) == 60
    await insert_all(db, events[60:])
    assert await readmodels.catch_up(db, SCHEMA, batch=7) == len(events) - 60
    assert await readmodels.catch_up(db, SCHEMA) == 0
    stored = await readmodels.observed(db, SCHEMA)
    expected = readmodel.digest(readmodel.fold(stored))
    assert await readmodels.digest(db, SCHEMA) == expected
    assert await readmodels.rebuild(db, SCHEMA) == len(events)
    assert await readmodels.digest(db, SCHEMA) == expected
    assert len(await readmodels.rows(db, SCHEMA)) == len(readmodel.fold(stored))


async def test_an_insert_committed_after_a_later_numbered_one_is_not_passed_over(
    db: asyncpg.Pool,
) -> None:
    first, second = added(1), overdue_entry(2)
    async with db.acquire() as slow:
        tx = slow.transaction()
        await tx.start()
        low = await insert(slow, first)
        high = await insert(db, second)  # commits at once, numbered after the open one
        assert high > low
        applying = asyncio.create_task(readmodels.catch_up(db, SCHEMA))
        await wait_for_a_waiting_lock(db)
        await tx.commit()
    assert await applying == 2
    row = (await readmodels.rows(db, SCHEMA))[("item", f"ledger_entry:{ENTRY}")]
    assert row["unit"] == "HR410482" and row["overdue_since"] == "2027-03-21"


async def wait_for_a_waiting_lock(db: asyncpg.Pool) -> None:
    """Until the catch-up waits for the open insert (a lock not granted)."""

    async def waiting() -> bool:
        return bool(await db.fetchval("SELECT count(*) FROM pg_locks WHERE NOT granted"))

    await eventually(waiting, within=10)


async def test_concurrent_inserts_while_catching_up_are_all_applied(db: asyncpg.Pool) -> None:
    events = golden_events()

    async def writer(part: Sequence[Observed]) -> None:
        for e in part:
            await insert(db, e)

    async def applier(done: asyncio.Event) -> None:
        while not done.is_set():
            await readmodels.catch_up(db, SCHEMA, batch=5)

    done = asyncio.Event()
    running = asyncio.create_task(applier(done))
    await asyncio.gather(*(writer(events[n::4]) for n in range(4)))
    done.set()
    await running
    await readmodels.catch_up(db, SCHEMA)
    stored = await readmodels.observed(db, SCHEMA)
    assert len(stored) == len(events)
    assert await readmodels.digest(db, SCHEMA) == readmodel.digest(readmodel.fold(stored))


async def test_the_views_read_the_ledger_due_items_overdue_and_responses(
    db: asyncpg.Pool,
) -> None:
    await insert_all(db, [added(1), memo(2), *query(3, {"BK000001": at(3)}), overdue_entry(6)])
    await readmodels.catch_up(db, SCHEMA)
    due = await views.due_items(db, SCHEMA, "HR410482", at(15))
    assert [(i.kind, i.status, i.due) for i in due] == [
        ("ledger_entry", "overdue", date(2027, 3, 20))
    ]
    ledger = await views.ledger(db, SCHEMA, key_item="wage_arrears", as_of=at(20))
    assert [(i.id, i.status, i.overdue_since) for i in ledger] == [(ENTRY, "due_soon", None)]
    assert [(o.unit, o.item) for o in await views.overdue(db, SCHEMA)] == [("HR410482", ENTRY)]
    assert await views.overdue(db, SCHEMA, as_of=at(20)) == []
    memos = await views.memo_items(db, SCHEMA, unit="HB410482")
    assert [m.title for m in memos] == ["协调复工"]
    times = await views.bureau_response_times(db, SCHEMA, Period(year=2027, month=3))
    assert [(t.bureau, t.answered, t.median_days, t.within_deadline_share) for t in times] == [
        ("BK000001", 1, 2.0, 100.0),
        ("RE000001", 0, None, 0.0),
    ]
    assert [m.memo_number for m in await views.meetings(db, SCHEMA)] == ["联席办备忘〔2027〕1号"]


async def test_a_timeline_holds_the_case_and_its_correlations_in_order(db: asyncpg.Pool) -> None:
    case = "（2027）豫0482执1号"
    first = Observed(
        1,
        "00000000-0000-4000-8000-000000000101",
        "enforcement.event.case_registered.v1",
        at(1),
        "C1",
        case,
        "00000000-0000-4000-8000-0000000000c1",
        {},
    )
    related = Observed(
        2,
        "00000000-0000-4000-8000-000000000102",
        "enforcement.notice.property_query.v1",
        at(2),
        "C1",
        "",
        "00000000-0000-4000-8000-0000000000c1",
        {},
    )
    other = Observed(
        3,
        "00000000-0000-4000-8000-000000000103",
        "enforcement.event.case_registered.v1",
        at(3),
        "C1",
        "（2027）豫0482执2号",
        "00000000-0000-4000-8000-0000000000c2",
        {},
    )
    await insert_all(db, [first, related, other])
    found = await views.timeline(db, SCHEMA, case)
    assert [t.event_id for t in found] == [first.event_id, related.event_id]
    assert isinstance(found[0].occurred_at, datetime)


async def test_the_command_line_rebuilds_and_prints_the_digest_before_and_after(
    postgres_server: str,
) -> None:
    async with fresh_database(postgres_server) as url:
        pool = await asyncpg.create_pool(url, min_size=1, max_size=4)
        try:
            async with pool.acquire() as conn:
                await migrate(conn, SCHEMA)
            await insert_all(pool, [added(1), overdue_entry(2)])
            await readmodels.catch_up(pool, SCHEMA)
            current = await readmodels.digest(pool, SCHEMA)
            before_overdue = await readmodels.digest(pool, SCHEMA, at(20))
        finally:
            await pool.close()
        env = {"DATABASE_URL": url}
        rebuilt = await asyncio.to_thread(
            CliRunner().invoke, app, ["reporting", "rebuild"], env=env
        )
        assert rebuilt.exit_code == 0, rebuilt.output
        assert f"before: {current}" in rebuilt.output
        assert f"after:  {current}  (same)" in rebuilt.output
        as_of = ["reporting", "digest", "--as-of", "2027-03-20"]
        printed = await asyncio.to_thread(CliRunner().invoke, app, as_of, env=env)
        assert printed.output.strip() == before_overdue != current


async def test_sanction_and_lift_answers_are_timed_per_bureau_against_their_due(
    db: asyncpg.Pool,
) -> None:
    sid = "55555555-5555-4555-8555-555555555555"
    imposed = ev(1, E + "sanction_imposed.v1", at(1), "CT410482", sanction_id=sid)
    lifted = ev(
        2, E + "sanction_lifted.v1", at(9), "CT410482", sanction_id=sid, due_by="2027-03-12"
    )
    notices = [
        ev(
            3 + n,
            "enforcement.notice.sanction.v1",
            at(1),
            "CT410482",
            sanction_id=sid,
            bureau=b,
            acknowledge_by=at(6).isoformat(),
        )
        for n, b in enumerate(("BK000001", "RE000001"))
    ]
    acks = [
        ev(
            5, E + "sanction_acknowledged.v1", at(3), "BK000001", sanction_id=sid, outcome="applied"
        ),
        ev(
            6, E + "sanction_acknowledged.v1", at(8), "RE000001", sanction_id=sid, outcome="applied"
        ),
        ev(
            7, E + "sanction_acknowledged.v1", at(13), "BK000001", sanction_id=sid, outcome="lifted"
        ),
    ]
    await insert_all(db, [imposed, lifted, *notices, *acks])
    await readmodels.catch_up(db, SCHEMA)
    times = await views.bureau_response_times(db, SCHEMA, Period(year=2027, month=3))
    assert [(t.kind, t.bureau, t.median_days, t.within_deadline_share) for t in times] == [
        ("lift", "BK000001", 4.0, 0.0),
        ("sanction", "BK000001", 2.0, 100.0),
        ("sanction", "RE000001", 7.0, 0.0),
    ]
