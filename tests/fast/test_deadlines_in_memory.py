"""The deadline runner and the sanction status answers in memory: the service's own `Deadlines`
and projections over the memory event store, on a clock the test moves, in milliseconds."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from contracts.enforcement.sanctions import AskSanctionStatus
from services.enforcement.domain.due import next_due
from services.enforcement.domain.query import midnight
from services.enforcement.projections import DUE_CASES, SANCTION_PARTIES
from tests.fast.builders import (
    BANK,
    CASE,
    COURT,
    DEBTOR,
    TODAY,
    closed,
    duty,
    freeze,
    frozen,
    imposed,
    lift,
    listing,
    object_to,
    only,
    query,
    registered,
    restrict,
)
from tests.fast.harness import Harness, of_type

SECOND = timedelta(seconds=1)


async def test_a_query_past_its_deadline_is_closed_once() -> None:
    h = Harness()
    await registered(h)
    asked = of_type(await h.send(query(DEBTOR), COURT), "notice.property_query")
    assert asked
    h.clock.advance(timedelta(hours=72) - SECOND)
    assert await h.tick_deadlines() == []  # not due yet
    h.clock.advance(SECOND)
    result = only(await h.tick_deadlines(), "notice.property_result", to=COURT)
    assert result.data["complete"] is False
    assert sorted(result.data["unanswered"]) == sorted(n.to for n in asked)
    assert await h.tick_deadlines() == []  # closed once


async def test_a_control_near_its_last_day_is_warned_about_once() -> None:
    h = Harness()
    await registered(h)
    await frozen(h, freeze(term_days=40))  # last day: 39 days on; warned 30 days before it
    h.clock.now = midnight(TODAY + timedelta(days=9)) - SECOND
    assert await h.tick_deadlines() == []
    h.clock.advance(SECOND)
    report = only(await h.tick_deadlines(), "notice.control_report", to=COURT)
    assert report.data["status"] == "expiring"
    assert await h.tick_deadlines() == []


async def test_an_unacknowledged_sanction_notice_escalates_to_the_joint_office_once() -> None:
    h = Harness()
    await registered(h)
    sanction_id = await imposed(h, restrict())
    h.clock.advance(timedelta(days=7) - SECOND)
    assert await h.tick_deadlines() == []
    h.clock.advance(SECOND)
    [overdue] = of_type(await h.tick_deadlines(), "notice.overdue_sanctions")
    assert overdue.to.startswith("JO")
    assert overdue.data["sanction_id"] == str(sanction_id)
    assert await h.tick_deadlines() == []


async def test_what_is_due_follows_the_case_and_carries_the_trace_of_what_set_it() -> None:
    h = Harness()
    await registered(h)
    await h.send(query(DEBTOR), COURT)
    await h.projector.catch_up()
    [row] = await h.projector.select(DUE_CASES)
    assert row["case_number"] == CASE
    assert row["due_at"] == h.clock() + timedelta(hours=72)
    assert row["headers"]["traceparent"]
    h.clock.advance(timedelta(hours=72))
    await h.tick_deadlines()
    await h.projector.catch_up()
    [row] = await h.projector.select(DUE_CASES)
    assert row["due_at"] is None


async def status(h: Harness) -> list[dict[str, Any]]:
    out = await h.send(AskSanctionStatus(party_id=DEBTOR.id_number), BANK, case_number=CASE)
    return list(only(out, "notice.sanction_status", to=BANK).data["in_force"])


async def test_sanction_status_is_answered_from_the_memory_projection() -> None:
    h = Harness()
    await registered(h)
    assert await status(h) == []
    sanction_id = await imposed(h, restrict())
    in_force = await status(h)
    assert in_force
    assert {i["sanction_id"] for i in in_force} == {str(sanction_id)}
    await h.send(lift(sanction_id, "performed"), COURT)
    assert await status(h) == []


async def test_the_projections_rebuilt_from_position_zero_hold_the_same_rows() -> None:
    h = Harness()
    await registered(h)
    await h.send(query(DEBTOR), COURT)
    await frozen(h)
    await imposed(h, restrict())
    await h.projector.catch_up()
    before = {t.name: await h.projector.select(t) for t in (DUE_CASES, SANCTION_PARTIES)}
    assert all(before.values())
    assert await h.projector.rebuild() > 0
    after = {t.name: await h.projector.select(t) for t in (DUE_CASES, SANCTION_PARTIES)}
    assert after == before


async def walk(h: Harness) -> int:
    """Move the clock from one due moment to the next: just before it no deadline decision
    writes anything for the case, at it one does. Returns how many moments there were."""
    on_report = h.handlers.catalogue.on_report()
    for step in range(100):
        case, _ = await h.handlers.cases.load(h.store, CASE)
        due = next_due(case, on_report)
        if due is None:
            return step
        h.clock.now = max(h.clock(), due - timedelta(microseconds=1))
        if h.clock() < due:
            assert h.deadline_runner.decide(case, h.clock()) == [], f"early at step {step}"
        h.clock.now = due
        assert await h.tick_deadlines(), f"nothing written when due at step {step} ({due})"
    raise AssertionError("still due after 100 moments")


async def test_a_case_is_due_exactly_when_a_deadline_decision_writes_for_it() -> None:
    h = Harness()
    await registered(h)
    await h.send(query(DEBTOR), COURT)
    control = await frozen(h, freeze(term_days=40))
    await h.send(object_to(control), BANK, case_number=CASE)
    await imposed(h, restrict())
    # the query closes, notices escalate, the objection escalates, the control is warned of and
    # lapses
    assert await walk(h) >= 5


async def test_after_zhongben_requeries_grace_periods_and_duties_fall_due_as_decided() -> None:
    h = Harness()
    await closed(h)
    listed = await imposed(h, listing(grace_months=1))
    await h.send(duty(listed), COURT)
    # the grace period ends, a correction is overdue, ten re-queries every six months close
    assert await walk(h) >= 12
