"""网络查控 end to end: a court queries, bureaus answer (or stay silent), the court gets one
result; controls are ordered, applied, warned about, lapse and are released. Real NATS, real
PostgreSQL, an injectable clock instead of sleeps."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest

from contracts.enforcement import (
    CloseWithoutProperty,
    DeductFunds,
    FreezeProperty,
    Measure,
    PropertyKind,
    QueryProperty,
    ReleaseControl,
    ReleaseGround,
)
from contracts.organizations import Capability, Registry
from contracts.registry import parse_message
from contracts.subjects import subject
from services.bureaus.replies import answer
from tests.e2e.world import ACCOUNT, COURT, HOUSE, World, expected_bureaus, registered

pytestmark = pytest.mark.integration


async def test_a_query_reaches_every_bureau_and_the_court_gets_one_result(world: World) -> None:
    reg = await registered(world)
    bureaus = expected_bureaus()
    registry = Registry.load()
    real_estate = next(b for b in bureaus if Capability.REAL_ESTATE in registry.get(b).handles)
    world.holdings = {real_estate: [HOUSE]}
    await world.command(QueryProperty(case_number=reg.data.case_number, debtor=reg.data.debtors[0]))
    [result] = await world.wait("property_result")
    asked = {s.rsplit(".", 1)[1] for s, _ in world.notices if "property_query" in s}
    assert asked == bureaus and len(bureaus) >= 8
    data = result["data"]
    assert data["complete"] is True and data["unanswered"] == []
    found = {a["bureau"]: a["holdings"] for a in data["answers"]}
    assert found[real_estate][0]["reference"] == HOUSE.reference
    assert {a["bureau"] for a in data["answers"]} == bureaus


async def test_silent_bureaus_are_named_when_the_deadline_passes(world: World) -> None:
    reg = await registered(world)
    world.silent = {b for b in expected_bureaus() if b.startswith("BK")}
    await world.command(QueryProperty(case_number=reg.data.case_number, debtor=reg.data.debtors[0]))
    await asyncio.sleep(1.0)
    assert world.received("property_result") == []
    assert await world.deadlines().tick() == 0  # not due yet
    world.clock.now += timedelta(hours=72, seconds=1)
    assert await world.deadlines().tick() == 1
    [result] = await world.wait("property_result")
    assert set(result["data"]["unanswered"]) == world.silent
    assert result["data"]["complete"] is False
    assert await world.deadlines().tick() == 0  # closed once


async def test_a_repeated_query_within_the_window_gets_the_result_in_hand(world: World) -> None:
    reg = await registered(world)
    query = QueryProperty(case_number=reg.data.case_number, debtor=reg.data.debtors[0])
    await world.command(query)
    await world.wait("property_result")
    asked = len(world.notices)
    world.clock.now += timedelta(minutes=10)
    await world.command(query)
    results = await world.wait("property_result", 2)
    assert results[1]["data"]["from_cache"] is True
    assert len(world.notices) == asked


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"debtor": "someone else"}, "data.debtor"),
        ({"kinds": ["gold_bars"]}, "data.kinds.0"),
    ],
)
async def test_a_bad_query_is_rejected_naming_the_field(
    world: World, change: dict[str, Any], field: str
) -> None:
    reg = await registered(world)
    query = QueryProperty(case_number=reg.data.case_number, debtor=reg.data.debtors[0])
    msg = await world.command(query)
    await world.wait("property_result")
    raw = json.loads(msg.model_dump_json())
    if "debtor" in change:
        raw["data"]["debtor"] = json.loads(reg.data.applicants[0].model_dump_json())
    else:
        raw["data"].update(change)
    raw["envelope"]["event_id"] = "00000000-0000-4000-8000-000000000001"
    await world.nc.jetstream().publish(subject(QueryProperty.TYPE, COURT), json.dumps(raw).encode())
    [rejection] = await world.wait("message_rejected")
    assert field in [p["field"] for p in rejection["data"]["problems"]]


async def test_answers_from_a_bureau_not_asked_or_after_the_result_are_rejected(
    world: World,
) -> None:
    reg = await registered(world)
    await world.command(
        QueryProperty(
            case_number=reg.data.case_number,
            debtor=reg.data.debtors[0],
            kinds=[PropertyKind.VEHICLE],
        )
    )
    await world.wait("property_result")
    [(subj, body)] = [(s, b) for s, b in world.notices if "property_query" in s]
    notice = parse_message(body)
    rejections: list[dict[str, Any]] = []

    async def took(raw: Any) -> None:
        rejections.append(json.loads(raw.data))

    await world.nc.subscribe("enforcement.rejection.*.*.*", cb=took)
    asked = subj.rsplit(".", 1)[1]
    await world.publish(answer(notice, [], asked, world.clock()))  # after the result closed
    await world.publish(answer(notice, [], "NR410300", world.clock()))  # never asked
    for _ in range(500):
        if len(rejections) >= 2:
            break
        await asyncio.sleep(0.02)
    reasons = sorted(p["reason"] for r in rejections for p in r["data"]["problems"])
    assert any("already closed" in r for r in reasons)
    assert any("was not asked" in r for r in reasons)


async def test_holdings_of_a_kind_not_asked_are_left_out_and_the_bureau_is_told_which(
    world: World,
) -> None:
    reg = await registered(world)
    registry = Registry.load()
    near = expected_bureaus((PropertyKind.REAL_ESTATE,))
    bureau = sorted(b for b in near if Capability.REAL_ESTATE in registry.get(b).handles)[0]
    world.silent = {bureau}
    told: list[dict[str, Any]] = []

    async def rejected(raw: Any) -> None:
        told.append(json.loads(raw.data))

    await world.nc.subscribe(f"enforcement.rejection.*.*.{bureau}", cb=rejected)
    case, debtor = reg.data.case_number, reg.data.debtors[0]
    await world.command(QueryProperty(case_number=case, debtor=debtor, kinds=["real_estate"]))
    for _ in range(500):
        if any(s.endswith(f"property_query.v1.{bureau}") for s, _ in world.notices):
            break
        await asyncio.sleep(0.02)
    [body] = [b for s, b in world.notices if s.endswith(f"property_query.v1.{bureau}")]
    sent = answer(parse_message(body), [HOUSE, ACCOUNT], bureau, world.clock())
    await world.publish(sent)
    [result] = await world.wait("property_result")
    found = {a["bureau"]: a["holdings"] for a in result["data"]["answers"]}
    assert [h["reference"] for h in found[bureau]] == [HOUSE.reference]
    for _ in range(500):
        if told:
            break
        await asyncio.sleep(0.02)
    [rejection] = told
    assert rejection["data"]["rejected_event_id"] == str(sent.envelope.event_id)
    assert rejection["envelope"]["organization"] == "FUYUAN"
    [problem] = rejection["data"]["problems"]
    assert problem["field"] == "data.holdings.1.kind"
    assert "did not ask for deposit" in problem["reason"]
    assert "the other holdings were recorded" in problem["reason"]


async def test_a_freeze_is_applied_warned_about_lapses_and_a_new_one_is_released(
    world: World,
) -> None:
    reg = await registered(world)
    case = reg.data.case_number
    freeze = await world.command(
        FreezeProperty(
            case_number=case,
            bureau="BKICBC410482",
            holding=ACCOUNT,
            measure=Measure.FREEZE,
            amount=Decimal("48210.55"),
            term_days=365,
        )
    )
    reports = await world.wait("control_report")
    assert reports[0]["data"]["status"] == "applied"
    world.clock.now += timedelta(days=340)
    assert await world.deadlines().tick() == 2
    reports = await world.wait("control_report", 2)
    assert reports[1]["data"]["status"] == "expiring"
    world.clock.now += timedelta(days=30)
    await world.deadlines().tick()
    reports = await world.wait("control_report", 3)
    assert reports[2]["data"]["status"] == "lapsed"
    again = await world.command(
        FreezeProperty(
            case_number=case,
            bureau="BKICBC410482",
            holding=ACCOUNT,
            measure=Measure.FREEZE,
            amount=Decimal("48210.55"),
            term_days=365,
        )
    )
    await world.wait("control_report", 4)
    await world.command(
        ReleaseControl(
            case_number=case,
            control_id=again.envelope.event_id,
            ground=ReleaseGround.DEBT_PAID,
            reason="被执行人已全部履行",
        )
    )
    reports = await world.wait("control_report", 5)
    assert reports[4]["data"]["status"] == "released"
    assert freeze.envelope.event_id != again.envelope.event_id


async def test_freezes_beyond_the_claim_or_the_statutory_term_are_refused(world: World) -> None:
    reg = await registered(world)
    case = reg.data.case_number
    await world.command(
        FreezeProperty(
            case_number=case,
            bureau="NR410482",
            holding=HOUSE,
            measure=Measure.SEIZE,
            amount=Decimal("865000"),
            term_days=365,
        )
    )
    await world.command(
        FreezeProperty(
            case_number=case,
            bureau="BKICBC410482",
            holding=ACCOUNT,
            measure=Measure.FREEZE,
            amount=Decimal("1000"),
            term_days=400,
        )
    )
    rejections = await world.wait("message_rejected", 2)
    fields = sorted(p["field"] for r in rejections for p in r["data"]["problems"])
    assert fields == ["data.amount", "data.term_days"]
    await world.command(
        FreezeProperty(
            case_number=case,
            bureau="NR410482",
            holding=HOUSE,
            measure=Measure.SEIZE,
            amount=Decimal("865000"),
            term_days=365,
            excess_reason="唯一可供执行财产，不可分割",
        )
    )
    reports = await world.wait("control_report")
    assert reports[0]["data"]["status"] == "applied"


async def test_frozen_money_is_deducted_to_the_court(world: World) -> None:
    reg = await registered(world)
    case = reg.data.case_number
    freeze = await world.command(
        FreezeProperty(
            case_number=case,
            bureau="BKICBC410482",
            holding=ACCOUNT,
            measure=Measure.FREEZE,
            amount=Decimal("48210.55"),
            term_days=365,
        )
    )
    await world.wait("control_report")
    await world.command(
        DeductFunds(
            case_number=case,
            control_id=freeze.envelope.event_id,
            amount=Decimal("20000"),
            court_account="41050166360800000123",
        )
    )
    reports = await world.wait("control_report", 2)
    assert reports[1]["data"]["status"] == "deducted"


async def test_after_closing_for_no_property_the_debtor_is_requeried_and_new_property_reported(
    world: World,
) -> None:
    reg = await registered(world)
    case = reg.data.case_number
    await world.command(QueryProperty(case_number=case, debtor=reg.data.debtors[0]))
    [first] = await world.wait("property_result")
    assert all(a["holdings"] == [] for a in first["data"]["answers"])
    world.clock.now += timedelta(days=100)  # 终本 only more than three months after filing
    await world.command(
        CloseWithoutProperty(
            case_number=case,
            closed_on=world.clock.now.date(),
            approved_by="院长 李明",
            execution_notice_on=reg.data.filed_on,
            applicant_interviewed_on=world.clock.now.date(),
        )
    )
    await world.wait("case_closed_without_property")
    world.clock.now += timedelta(days=100)
    assert await world.deadlines().tick() == 0  # not six months yet
    registry = Registry.load()
    real_estate = next(
        b for b in expected_bureaus() if Capability.REAL_ESTATE in registry.get(b).handles
    )
    world.holdings = {real_estate: [HOUSE]}
    world.clock.now += timedelta(days=90)
    assert await world.deadlines().tick() > 0
    results = await world.wait("property_result", 2)
    requery = results[1]["data"]
    assert requery["requery"] == 1
    assert [n["bureau"] for n in requery["newly_found"]] == [real_estate]
    assert requery["newly_found"][0]["holdings"][0]["reference"] == HOUSE.reference
    assert await world.deadlines().tick() == 0  # the next one is due six months later


async def test_a_queued_seizure_takes_effect_when_the_registry_reports_the_one_before_released(
    world: World,
) -> None:
    first, second = await registered(world, 3001), await registered(world, 3002)
    orders = []
    for reg in (first, second):
        orders.append(
            await world.command(
                FreezeProperty(
                    case_number=reg.data.case_number,
                    bureau="NR410482",
                    holding=HOUSE,
                    measure=Measure.SEIZE,
                    amount=Decimal("90000"),
                    term_days=365,
                )
            )
        )
    reports = await world.wait("control_report", 2)
    assert [r["data"]["status"] for r in reports] == ["applied", "queued"]
    assert await world.deadlines().tick() == 0  # the first is still in force
    await world.command(
        ReleaseControl(
            case_number=first.data.case_number,
            control_id=orders[0].envelope.event_id,
            ground=ReleaseGround.DEBT_PAID,
            reason="已履行",
        )
    )
    # The registry reports the queued seizure in effect (轮候生效) from today: its term runs
    # from now, not from its order. The platform infers nothing.
    reports = await world.wait("control_report", 4)
    assert [r["data"]["status"] for r in reports[2:]] == ["released", "took_effect"]
    assert reports[3]["data"]["control_id"] == str(orders[1].envelope.event_id)
    today = world.clock().date()
    assert reports[3]["data"]["until"] == str(today + timedelta(days=364))
    assert await world.deadlines().tick() == 0
