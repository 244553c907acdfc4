"""The law's deadlines end to end, found by the deadline runner in the service's own log on
PostgreSQL: a listing not deleted three working days after its ground arose is escalated to the
court and the joint office; a restriction with a grace period reaches the bureaus when it ends; a
bureau's objection unanswered for fifteen days is escalated. Real NATS, real PostgreSQL, a clock the
test moves."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest

from contracts.enforcement import FreezeProperty, Measure
from contracts.enforcement.duties import ListingDuty, RecordListingDuty
from contracts.enforcement.objections import ObjectToControl
from contracts.registry import parse_message
from services.bureaus.replies import reply_to
from tests.e2e.test_sanction_flow import listing, person, restriction
from tests.e2e.world import ACCOUNT, COURT, World, registered

pytestmark = pytest.mark.integration

OFFICE = "JO410482"
BANK = "BKICBC410482"


def sent(world: World, name: str, to: str) -> list[dict[str, Any]]:
    return [
        b
        for s, b in world.notices + world.court_inbox
        if f".{name}.v1." in s and s.endswith(f".{to}")
    ]


async def seen(world: World, name: str, to: str, count: int = 1) -> list[dict[str, Any]]:
    """The messages `name` sent to `to`, once there are `count` of them."""
    for _ in range(750):
        if len(found := sent(world, name, to)) >= count:
            return found
        await asyncio.sleep(0.02)
    raise AssertionError(f"fewer than {count} {name} to {to}")


async def tick_until(world: World, name: str, to: str) -> list[dict[str, Any]]:
    """Tick the deadlines until `name` reaches `to` (a tick that meets a case moved under it by a
    bureau's late acknowledgement looks again on the next)."""
    for _ in range(50):
        await world.deadlines().tick()
        if found := sent(world, name, to):
            return found
        await asyncio.sleep(0.05)
    return await seen(world, name, to)


async def test_a_listing_not_deleted_in_three_working_days_is_escalated_once(world: World) -> None:
    world.silent = {OFFICE}
    reg = await registered(world, 6001, debtor=person("19800101"))
    case, debtor, today = reg.data.case_number, reg.data.debtors[0], world.clock.now.date()
    await world.command(restriction(case, debtor, today))
    await world.wait("sanction_imposed")
    msg = await world.command(listing(case, debtor, today, ["ability_refusal"]))
    await world.wait("sanction_imposed", 2)
    duty = RecordListingDuty(
        case_number=case,
        sanction_id=msg.envelope.event_id,
        duty=ListingDuty.DELETE,
        ground="performed",
        ground_arose_on=today,
        detail="被执行人已全部履行",
    )
    await world.command(duty)
    [arose] = await world.wait("listing_duty_arose")
    assert arose["data"]["due_by"] == "2026-11-25"  # Friday 20 November, three working days on
    world.clock.now += timedelta(days=5)  # the last day: still in time
    await world.deadlines().tick()
    assert sent(world, "listing_duty_overdue", OFFICE) == []
    world.clock.now += timedelta(days=1)
    [late] = await tick_until(world, "listing_duty_overdue", OFFICE)
    assert late["data"]["sanction_id"] == str(msg.envelope.event_id)
    await seen(world, "listing_duty_overdue", COURT)
    await world.deadlines().tick()
    await asyncio.sleep(0.3)
    assert len(sent(world, "listing_duty_overdue", OFFICE)) == 1  # once


async def test_a_restriction_in_its_grace_period_reaches_the_bureaus_when_it_ends(
    world: World,
) -> None:
    reg = await registered(world, 6002, debtor=person("19800102"))
    case, debtor, today = reg.data.case_number, reg.data.debtors[0], world.clock.now.date()
    order = restriction(case, debtor, today).model_copy(update={"grace_months": 1})
    msg = await world.command(order)
    [deferred] = await world.wait("publication_deferred")
    assert deferred["data"]["publish_on"] == "2026-12-20"
    await asyncio.sleep(0.3)
    mine = str(msg.envelope.event_id)
    assert not [
        b for s, b in world.notices if ".sanction.v1." in s and b["data"]["sanction_id"] == mine
    ]
    world.clock.now += timedelta(days=30)
    for _ in range(50):
        await world.deadlines().tick()
        if world.received("sanction_published"):
            break
        await asyncio.sleep(0.05)
    await world.wait("sanction_published")
    for _ in range(250):
        told = [
            b for s, b in world.notices if ".sanction.v1." in s and b["data"]["sanction_id"] == mine
        ]
        if len(told) >= len(deferred["data"]["notices"]):
            break
        await asyncio.sleep(0.02)
    assert {b["data"]["bureau"] for b in told} == {n["bureau"] for n in deferred["data"]["notices"]}


async def test_an_objection_unanswered_for_fifteen_days_is_escalated(world: World) -> None:
    world.silent = {OFFICE}
    reg = await registered(world, 6003)
    case = reg.data.case_number
    freeze = FreezeProperty(
        case_number=case,
        bureau=BANK,
        holding=ACCOUNT,
        measure=Measure.FREEZE,
        amount=Decimal("40000"),
        term_days=300,
    )
    msg = await world.command(freeze)
    await world.wait("control_report")
    order = next(b for s, b in world.notices if ".control_order.v1." in s)
    notice = parse_message(order)
    objection = ObjectToControl(control_id=msg.envelope.event_id, reason="户名与被执行人不一致")
    await world.publish(reply_to(notice.envelope, objection, BANK, world.clock()))
    [told] = await seen(world, "control_objection", COURT)
    # the fifteenth day from Friday 20 November is Saturday 5 December: the last day is Monday 7
    assert told["data"]["answer_by"] == "2026-12-07"
    world.clock.now += timedelta(days=18)
    [late] = await tick_until(world, "objection_answer_overdue", OFFICE)
    assert late["data"]["control_id"] == str(msg.envelope.event_id)
