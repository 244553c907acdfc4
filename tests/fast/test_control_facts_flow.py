"""A control through the service in memory: the registry's report of a queued freeze, and the
release of an excess with its deadline (D15–D17)."""

from __future__ import annotations

import uuid
from datetime import timedelta

from contracts.enforcement import ControlOutcome, Outcome
from services.enforcement.domain.query import midnight
from tests.fast.builders import (
    BANK,
    CASE,
    COURT,
    TODAY,
    freeze,
    frozen,
    only,
    registered,
    release_excess,
)
from tests.fast.harness import Harness, of_type

SECOND = timedelta(seconds=1)


async def test_a_queued_freeze_takes_effect_on_the_registrys_date_and_its_term_runs_from_it() -> (
    None
):
    h = Harness()
    await registered(h)
    control_id = await frozen(h, freeze(term_days=30), outcome=Outcome.QUEUED)
    assert await h.tick_deadlines() == []  # the platform promotes nothing of itself
    h.clock.advance(timedelta(days=40))
    on = h.clock().date()
    took = ControlOutcome(order_id=control_id, outcome=Outcome.TOOK_EFFECT, effective_on=on)
    out = await h.send(took, BANK, case_number=CASE)
    report = only(out, "notice.control_report", to=COURT)
    assert report.data["status"] == "took_effect"
    assert report.data["until"] == str(on + timedelta(days=29))
    assert [p.type for p in of_type(out, "event.queued_control_took_effect")]


async def test_an_excess_not_released_in_seven_days_goes_to_the_court_and_joint_office_once() -> (
    None
):
    h = Harness()
    await registered(h)
    control_id = await frozen(h)
    order = only(await h.send(release_excess(control_id), COURT), "notice.control_order", to=BANK)
    assert order.data["action"] == "release_excess"
    h.clock.now = midnight(TODAY + timedelta(days=8)) - SECOND
    assert await h.tick_deadlines() == []
    h.clock.advance(SECOND)
    out = await h.tick_deadlines()
    told = of_type(out, "notice.excess_release_overdue")
    assert sorted(n.to[:2] for n in told) == ["CT", "JO"]
    assert all(n.data["release_by"] == str(TODAY + timedelta(days=7)) for n in told)
    assert await h.tick_deadlines() == []
    late = ControlOutcome(order_id=uuid.UUID(order.data["order_id"]), outcome=Outcome.APPLIED)
    report = only(await h.send(late, BANK, case_number=CASE), "notice.control_report", to=COURT)
    assert report.data["status"] == "excess_released"
