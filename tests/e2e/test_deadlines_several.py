"""Deadlines with several instances: every instance's runner ticks, and a due fact is still
written once — each decision is appended at the version its stream was loaded at."""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta

import pytest

from contracts.enforcement.query import QueryProperty
from tests.e2e.world import World, expected_bureaus, registered

pytestmark = pytest.mark.integration


async def test_two_instances_ticking_at_once_close_an_overdue_query_once(world: World) -> None:
    reg = await registered(world)
    world.silent = expected_bureaus()  # nobody answers: the query runs out
    await world.command(QueryProperty(case_number=reg.data.case_number, debtor=reg.data.debtors[0]))
    pool, stream = world.service.wiring.pool, f"case-{reg.data.case_number}"
    deadline = time.monotonic() + 15
    while not await pool.fetchval(
        "SELECT count(*) FROM enforcement.events WHERE stream_id = $1 AND type LIKE $2",
        stream,
        "%property_query_started%",
    ):
        assert time.monotonic() < deadline, "the query was not started"
        await asyncio.sleep(0.05)
    world.clock.now += timedelta(hours=72, seconds=1)
    one, other = world.deadlines(), world.deadlines()  # as two instances have them
    written = await asyncio.gather(one.tick(), other.tick(), one.tick(), other.tick())
    assert sum(written) == 1, written
    results = await pool.fetchval(
        "SELECT count(*) FROM enforcement.events WHERE stream_id = $1 AND type LIKE $2",
        stream,
        "%property_result%",
    )
    assert results == 1
