"""网络查控 end to end: a court queries, bureaus answer (or stay silent), the court gets one
result; controls are ordered, applied, warned about, lapse and are released. Real NATS, real
PostgreSQL, an injectable clock instead of sleeps."""

from __future__ import annotations

import asyncio
import json
import random
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from nats.aio.client import Client

from contracts.enforcement import (
    ALL_KINDS,
    DeductFunds,
    FreezeProperty,
    Holding,
    Measure,
    Outcome,
    PropertyKind,
    QueryProperty,
    ReleaseControl,
)
from contracts.envelope import Envelope, Message
from contracts.organizations import Capability, Registry
from contracts.registry import parse_message
from contracts.subjects import subject
from services.bureaus.replies import answer, outcome, subject_of
from services.cli.simulate import register_case
from services.enforcement.deadlines import Deadlines
from services.enforcement.main import spec
from services.runtime.host import RunningService, start_service
from services.runtime.settings import RuntimeSettings

pytestmark = pytest.mark.integration
COURT = "CT410482"
T0 = datetime(2026, 11, 20, 1, 0, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now


@dataclass
class World:
    """The court's inbox, the bureaus' behaviour, and the service under test."""

    nc: Client
    service: RunningService
    clock: Clock
    court_inbox: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    notices: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    silent: set[str] = field(default_factory=set)
    holdings: dict[str, list[Holding]] = field(default_factory=dict)
    control_outcome: Outcome = Outcome.APPLIED

    async def publish(self, msg: Message[Any], headers: dict[str, str] | None = None) -> None:
        await self.nc.jetstream().publish(
            subject_of(msg), msg.model_dump_json().encode(),
            headers={**(headers or {}), "Nats-Msg-Id": str(msg.envelope.event_id)},
        )  # fmt: skip

    async def command(
        self, payload: Any, org: str = COURT, headers: dict[str, str] | None = None
    ) -> Message[Any]:
        import uuid

        eid = uuid.uuid4()
        env = Envelope(event_id=eid, type=payload.TYPE, occurred_at=self.clock(), organization=org,
                       correlation_id=eid, case_number=payload.case_number)  # fmt: skip
        msg: Message[Any] = Message[type(payload)](envelope=env, data=payload)  # type: ignore[misc]
        await self.publish(msg, headers)
        return msg

    async def bureau(self, raw: Any) -> None:
        bureau = raw.subject.rsplit(".", 1)[1]
        self.notices.append((raw.subject, json.loads(raw.data)))
        if bureau in self.silent:
            return
        notice = parse_message(raw.data)
        if notice.envelope.type.endswith("property_query.v1"):
            found = [h for h in self.holdings.get(bureau, []) if h.kind in notice.data.kinds]
            await self.publish(answer(notice, found, bureau, self.clock()))
        else:
            await self.publish(outcome(notice, self.control_outcome, bureau, self.clock(),
                                       reference=f"{bureau}-2026-0001",
                                       reason=None if self.control_outcome is Outcome.APPLIED
                                       else "账户已销户"))  # fmt: skip

    async def court(self, raw: Any) -> None:
        self.court_inbox.append((raw.subject, json.loads(raw.data)))

    def received(self, name: str) -> list[dict[str, Any]]:
        return [body for subj, body in self.court_inbox if f".{name}." in subj]

    async def wait(self, name: str, count: int = 1, seconds: float = 15) -> list[dict[str, Any]]:
        for _ in range(int(seconds / 0.02)):
            if len(self.received(name)) >= count:
                return self.received(name)
            await asyncio.sleep(0.02)
        raise AssertionError(f"no {name} for the court; it has {self.court_inbox}")

    def deadlines(self) -> Deadlines:
        w = self.service.wiring
        return Deadlines(w.store, w.pool, "enforcement", self.clock)


@pytest.fixture
async def world(nats_url: str, database_url: str, nc: Client) -> AsyncIterator[World]:
    clock = Clock()
    settings = RuntimeSettings(NATS_URL=nats_url, DATABASE_URL=database_url)
    service = await start_service(spec(clock), settings)
    w = World(nc, service, clock)
    await nc.subscribe("enforcement.notice.*.*.*", cb=_route(w))
    await nc.subscribe(f"enforcement.event.*.*.{COURT}", cb=w.court)
    await nc.subscribe(f"enforcement.rejection.*.*.{COURT}", cb=w.court)
    try:
        yield w
    finally:
        await service.close()


def _route(w: World) -> Any:
    async def route(raw: Any) -> None:
        await (w.court(raw) if raw.subject.endswith(f".{COURT}") else w.bureau(raw))

    return route


async def registered(w: World) -> Message[Any]:
    reg = register_case(random.Random(11), Registry.load().get(COURT), 2001, w.clock())
    reg = reg.model_copy(update={"data": reg.data.model_copy(update={"amount": Decimal("100000")})})
    await w.publish(reg)
    await w.wait("case_registered")
    return reg


def expected_bureaus(kinds: tuple[PropertyKind, ...] = ALL_KINDS) -> set[str]:
    reg = Registry.load()
    where = reg.get(COURT).jurisdiction
    return {b.code for k in kinds for b in reg.handling(Capability(k.value), where)}


HOUSE = Holding(kind=PropertyKind.REAL_ESTATE, reference="豫(2021)汝州市不动产权第0012345号",
                description="汝州市丹阳中路88号", value=Decimal("865000.00"))  # fmt: skip
ACCOUNT = Holding(kind=PropertyKind.DEPOSIT, reference="6222021705001234567",
                  description="活期", value=Decimal("48210.55"))  # fmt: skip


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
    await world.command(QueryProperty(case_number=reg.data.case_number, debtor=reg.data.debtors[0],
                                      kinds=[PropertyKind.VEHICLE]))  # fmt: skip
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


async def test_a_freeze_is_applied_warned_about_lapses_and_a_new_one_is_released(
    world: World,
) -> None:
    reg = await registered(world)
    case = reg.data.case_number
    freeze = await world.command(FreezeProperty(case_number=case, bureau="BKICBC410482",
                                                holding=ACCOUNT, measure=Measure.FREEZE,
                                                amount=Decimal("48210.55"), term_days=365))  # fmt: skip
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
    again = await world.command(FreezeProperty(case_number=case, bureau="BKICBC410482",
                                               holding=ACCOUNT, measure=Measure.FREEZE,
                                               amount=Decimal("48210.55"), term_days=365))  # fmt: skip
    await world.wait("control_report", 4)
    await world.command(ReleaseControl(case_number=case, control_id=again.envelope.event_id,
                                       reason="被执行人已全部履行"))  # fmt: skip
    reports = await world.wait("control_report", 5)
    assert reports[4]["data"]["status"] == "released"
    assert freeze.envelope.event_id != again.envelope.event_id


async def test_freezes_beyond_the_claim_or_the_statutory_term_are_refused(world: World) -> None:
    reg = await registered(world)
    case = reg.data.case_number
    await world.command(FreezeProperty(case_number=case, bureau="NR410482", holding=HOUSE,
                                       measure=Measure.SEIZE, amount=Decimal("865000"),
                                       term_days=365))  # fmt: skip
    await world.command(FreezeProperty(case_number=case, bureau="BKICBC410482", holding=ACCOUNT,
                                       measure=Measure.FREEZE, amount=Decimal("1000"),
                                       term_days=400))  # fmt: skip
    rejections = await world.wait("message_rejected", 2)
    fields = sorted(p["field"] for r in rejections for p in r["data"]["problems"])
    assert fields == ["data.amount", "data.term_days"]
    await world.command(FreezeProperty(case_number=case, bureau="NR410482", holding=HOUSE,
                                       measure=Measure.SEIZE, amount=Decimal("865000"),
                                       term_days=365, excess_reason="唯一可供执行财产，不可分割"))  # fmt: skip
    reports = await world.wait("control_report")
    assert reports[0]["data"]["status"] == "applied"


async def test_frozen_money_is_deducted_to_the_court(world: World) -> None:
    reg = await registered(world)
    case = reg.data.case_number
    freeze = await world.command(FreezeProperty(case_number=case, bureau="BKICBC410482",
                                                holding=ACCOUNT, measure=Measure.FREEZE,
                                                amount=Decimal("48210.55"), term_days=365))  # fmt: skip
    await world.wait("control_report")
    await world.command(DeductFunds(case_number=case, control_id=freeze.envelope.event_id,
                                    amount=Decimal("20000"), court_account="41050166360800000123"))  # fmt: skip
    reports = await world.wait("control_report", 2)
    assert reports[1]["data"]["status"] == "deducted"
