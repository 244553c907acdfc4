"""失信联合惩戒 end to end: a court lists a debtor, every bureau that enforces a measure gets its
notice and acknowledges; silent bureaus are escalated to the joint office; the listing is lifted
and every bureau notified must confirm. Real NATS, real PostgreSQL, an injectable clock."""

from __future__ import annotations

import asyncio
import json
from datetime import date, timedelta
from typing import Any

import pytest

from contracts.enforcement import Organization, Person
from contracts.enforcement.sanctions import (
    AskSanctionStatus,
    ExecutionBasis,
    LiftSanction,
    ListDishonestDebtor,
    Performance,
    RestrictConsumption,
)
from contracts.ids import resident_id_check_character, unmasked
from tests.e2e.world import World, registered

pytestmark = pytest.mark.integration


def person(born: str) -> Person:
    body = f"410482{born}123"
    return Person(name="张伟", id_number=body + resident_id_check_character(body))


def listing(
    case_number: str, debtor: Any, decided_on: date, grounds: list[str] | None = None
) -> ListDishonestDebtor:
    return ListDishonestDebtor(
        case_number=case_number,
        debtor=debtor,
        filed_on=decided_on,
        basis=ExecutionBasis(
            issuing_body="汝州市人民法院", document_number="（2025）豫0482民初1234号"
        ),
        obligations="给付货款人民币86,500元",
        performance=Performance.NONE,
        grounds=grounds or ["evasion"],
        decision_number=case_number.removesuffix("号") + "号之二",
        decided_on=decided_on,
        signed_by="院长 李明",
    )


def restriction(
    case_number: str, debtor: Any, on: date, representative: Person | None = None
) -> RestrictConsumption:
    """The 限制消费令 a listing needs first (法释〔2015〕17号 第一条第二款)."""
    return RestrictConsumption(
        case_number=case_number,
        debtor=debtor,
        legal_representative=representative,
        order_number=case_number.removesuffix("号") + "号之一",
        ordered_on=on,
        items=list(range(1, 10)),
        signed_by="院长 李明",
    )


async def confirmations(world: World, outcome: str, count: int, seconds: float = 15) -> None:
    sql = (
        "SELECT count(*) FROM enforcement.events WHERE type = "
        "'enforcement.event.sanction_acknowledged.v1' AND message->'data'->>'outcome' = $1"
    )
    for _ in range(int(seconds / 0.05)):
        if await world.service.wiring.pool.fetchval(sql, outcome) >= count:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"fewer than {count} {outcome} acknowledgements")


async def notices_of(world: World, name: str, count: int, seconds: float = 15) -> list[Any]:
    for _ in range(int(seconds / 0.02)):
        found = [(s, b) for s, b in world.notices if f".{name}.v1." in s]
        if len(found) >= count:
            return found
        await asyncio.sleep(0.02)
    raise AssertionError(f"fewer than {count} {name} notices: {len(found)}")


async def test_a_listing_reaches_every_enforcing_bureau_and_its_lifting_too(world: World) -> None:
    reg = await registered(world, 4001)
    debtor = reg.data.debtors[0]
    office: list[dict[str, Any]] = []

    async def joint_office(raw: Any) -> None:
        office.append(json.loads(raw.data))

    await world.nc.subscribe("enforcement.notice.overdue_sanctions.v1.*", cb=joint_office)
    rep = person("19750505") if isinstance(debtor, Organization) else None
    await world.command(restriction(reg.data.case_number, debtor, world.clock.now.date(), rep))
    await world.wait("sanction_imposed")
    msg = await world.command(listing(reg.data.case_number, debtor, world.clock.now.date()))
    imposed = (await world.wait("sanction_imposed", 2))[1]
    assert imposed["data"]["until"] is not None  # two years for evasion
    await asyncio.sleep(1.0)
    listed = str(msg.envelope.event_id)
    notices = [
        b for s, b in world.notices if ".sanction.v1." in s and b["data"]["sanction_id"] == listed
    ]
    bureaus = {n["data"]["bureau"] for n in notices}
    assert {"RW410000", "CA410000"} <= bureaus and len(bureaus) >= 6
    assert len(notices) == len(bureaus)  # one notice per bureau
    for n in notices:  # each bureau gets only the parties its measures reach
        reach = {w for m in n["data"]["measures"] for w in m["whom"]}
        assert {b["whom"] for b in n["data"]["bound"]} <= reach

    silent = sorted(bureaus)[0]
    world.silent = {silent}  # this bureau never confirms the lift
    lift = LiftSanction(
        case_number=reg.data.case_number, sanction_id=msg.envelope.event_id, ground="early_deletion"
    )
    await world.command(lift)
    lifts = await notices_of(world, "sanction_lift", len(bureaus))
    assert {b["data"]["bureau"] for _, b in lifts} == bureaus  # acknowledged or not
    await confirmations(world, "lifted", len(bureaus) - 1)
    world.clock.now += timedelta(days=8)
    assert await world.deadlines().tick() == 1
    for _ in range(500):
        if office:
            break
        await asyncio.sleep(0.02)
    overdue = {(o["bureau"], o["lift"]) for n in office for o in n["data"]["overdue"]}
    assert overdue == {(silent, True)}
    assert await world.deadlines().tick() == 0  # escalated once
    late = next(
        b for s_, b in world.notices if ".sanction_lift.v1." in s_ and b["data"]["bureau"] == silent
    )
    world.silent.clear()
    await world.bureau(_Raw(f"enforcement.notice.sanction_lift.v1.{silent}", late))
    await confirmations(world, "lifted", len(bureaus))
    completed = await world.service.wiring.pool.fetchval(
        "SELECT count(*) FROM enforcement.events WHERE type = 'enforcement.event.lift_completed.v1'"
    )
    assert completed == 1


async def test_a_minor_is_never_listed(world: World) -> None:
    minor = person("20150101")
    reg = await registered(world, 4002, debtor=minor)
    await world.command(listing(reg.data.case_number, minor, world.clock.now.date()))
    rejections = await world.wait("message_rejected")
    assert any(
        "minor" in p["reason"] or "未成年" in p["reason"]
        for r in rejections
        for p in r["data"]["problems"]
    )


async def test_a_consumption_restriction_on_an_organization_binds_its_legal_representative(
    world: World,
) -> None:
    reg = await registered(world, 4003)
    org = next((d for d in reg.data.debtors if isinstance(d, Organization)), None)
    if org is None:
        pytest.skip("the generated case has a person debtor")
    rep = person("19750505")
    await world.command(restriction(reg.data.case_number, org, world.clock.now.date(), rep))
    await world.wait("sanction_imposed")
    await notices_of(world, "sanction", 1)
    await asyncio.sleep(0.5)
    notices = [b for s, b in world.notices if ".sanction.v1." in s]
    whom = {b["whom"] for n in notices for b in n["data"]["bound"]}
    assert "legal_representative" in whom


class _Raw:
    """A notice as NATS hands it over, to replay one to the test's bureau."""

    def __init__(self, subject: str, body: dict[str, Any]) -> None:
        self.subject, self.data = subject, json.dumps(body).encode()


async def test_a_bureau_asks_what_is_in_force_and_gets_the_id_masked(world: World) -> None:
    debtor = person("19800101")
    reg = await registered(world, 4004, debtor=debtor)
    await world.command(restriction(reg.data.case_number, debtor, world.clock.now.date()))
    await world.wait("sanction_imposed")
    listed = await world.command(listing(reg.data.case_number, debtor, world.clock.now.date()))
    await world.wait("sanction_imposed", 2)
    asked = await world.command(AskSanctionStatus(party_id=debtor.id_number), org="RW410000")
    [answer] = [b for _, b in await notices_of(world, "sanction_status", 1)]
    data = answer["data"]
    assert data["asked"] == str(asked.envelope.event_id)
    assert unmasked(debtor.id_number) not in json.dumps(answer, ensure_ascii=False)
    assert data["party"].startswith("410482") and "*" in data["party"]
    assert data["in_force"] and {f["whom"] for f in data["in_force"]} == {"person"}
    assert all(f["since"] == str(world.clock.now.date()) for f in data["in_force"])
    await world.command(
        LiftSanction(
            case_number=reg.data.case_number,
            sanction_id=listed.envelope.event_id,
            ground="early_deletion",
        )
    )
    await notices_of(world, "sanction_lift", 1)
    await world.command(AskSanctionStatus(party_id=debtor.id_number), org="RW410000")
    answers = await notices_of(world, "sanction_status", 2)
    left = answers[1][1]["data"]["in_force"]  # the restriction outlives the listing
    assert left and {f["sanction_kind"] for f in left} == {"consumption_restriction"}
