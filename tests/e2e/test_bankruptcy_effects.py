"""破产受理对执行的效力 end to end, on real NATS and PostgreSQL: a company's enforcement case with
an applied freeze and a listing; the court files and accepts the company's bankruptcy through the
bankruptcy service, whose relay publishes the acceptance; the enforcement service suspends the
case, orders the bank to release the freeze (which it does), makes the listing owe its deletion and
refuses a new freeze; `fuyuan trace <case number>` shows it all in one history from the ledger's
journal."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from collections.abc import AsyncIterator
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest

from contracts.bankruptcy import procedure as p
from contracts.bankruptcy.parties import (
    Administrator,
    AdministratorKind,
    Debtor,
    PetitionerKind,
    Procedure,
)
from contracts.enforcement import FreezeProperty, Organization, PropertyKind
from contracts.enforcement.control import Measure
from services.bankruptcy.main import spec as bankruptcy_spec
from services.ledger.main import SPEC as LEDGER
from services.ledger.signing import generate_key
from services.runtime.host import RunningService, start_service
from services.runtime.settings import RuntimeSettings
from tests.e2e.test_sanction_flow import listing, person, restriction
from tests.e2e.world import ACCOUNT, World, expected_bureaus, registered

pytestmark = pytest.mark.integration

ADMIN = "AMRUHE410482"
PETITION, BANKRUPTCY_CASE = "（2026）豫0482破申31号", "（2026）豫0482破31号"
COMPANY = Organization(
    name="汝州市某某陶瓷有限公司", credit_code="91410482MA3X4Y5K2E", legal_representative="赵某"
)
KEY = generate_key()


@pytest.fixture
async def around(
    world: World, nats_url: str, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[tuple[RunningService, RunningService]]:
    """The bankruptcy service on the world's clock, and the ledger journaling every stream."""
    monkeypatch.setenv("FUYUAN_LEDGER_SIGNING_KEY", KEY)
    settings = RuntimeSettings(NATS_URL=nats_url, DATABASE_URL=database_url)
    bankruptcy = await start_service(bankruptcy_spec(world.clock), settings)
    ledger = await start_service(LEDGER, settings)
    try:
        yield bankruptcy, ledger
    finally:
        await ledger.close()
        await bankruptcy.close()


def freeze(case_number: str, bank: str) -> FreezeProperty:
    return FreezeProperty(
        case_number=case_number,
        bureau=bank,
        holding=ACCOUNT,
        measure=Measure.FREEZE,
        amount=Decimal("40000"),
        term_days=365,
    )


async def accepted(world: World) -> None:
    """The court files the company's petition and accepts it, through the bankruptcy service."""
    today = world.clock().date()
    debtor = Debtor(name=COMPANY.name, credit_code=COMPANY.credit_code, legal_representative="赵某")
    petition = p.FileBankruptcyPetition(
        case_number=PETITION,
        filed_on=today - timedelta(days=10),
        debtor=debtor,
        petitioner=PetitionerKind.DEBTOR,
        petitioner_name=COMPANY.name,
    )
    await world.command(petition)
    await world.command(
        p.AcceptPetition(
            case_number=BANKRUPTCY_CASE,
            petition_case_number=PETITION,
            accepted_on=today,
            procedure=Procedure.LIQUIDATION,
            administrator=Administrator(
                code=ADMIN,
                name="河南汝河律师事务所",
                kind=AdministratorKind.LAW_FIRM,
                lead_person="李某",
                contact="0375-1234567",
                appointed_on=today,
            ),
        )
    )
    await world.wait("enforcement_suspended_for_bankruptcy", seconds=30)


async def trace(case_number: str, database_url: str) -> list[dict[str, Any]]:
    env = {**os.environ, "DATABASE_URL": database_url, "COLUMNS": "400"}
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "services.cli.main",
        "trace",
        case_number,
        "--json",
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(proc.communicate(), 60)
    assert proc.returncode == 0, err.decode()
    return [json.loads(line) for line in out.decode().splitlines() if line.strip()]


def types(docs: list[dict[str, Any]]) -> list[str]:
    return [d["message"]["envelope"]["type"] for d in docs]


async def test_acceptance_suspends_the_case_releases_the_freeze_and_refuses_a_new_one(
    world: World, around: tuple[RunningService, RunningService], database_url: str
) -> None:
    bank = sorted(expected_bureaus((PropertyKind.DEPOSIT,)))[0]
    reg = await registered(world, 3101, debtor=COMPANY)
    number = reg.data.case_number
    await world.command(freeze(number, bank))
    await world.wait("control_report")
    boss = person("19700301")
    await world.command(restriction(number, COMPANY, world.clock().date(), boss))
    await world.wait("sanction_imposed")
    await world.command(listing(number, COMPANY, world.clock().date(), ["ability_refusal"]))
    await world.wait("sanction_imposed", 2)

    await accepted(world)
    suspended = world.received("enforcement_suspended_for_bankruptcy")
    assert len(suspended) == 1
    assert suspended[0]["data"]["bankruptcy_case_number"] == BANKRUPTCY_CASE
    reports = await world.wait("control_report", 2)
    assert reports[-1]["data"]["status"] == "released"
    releases = [
        body
        for subj, body in world.notices
        if ".control_order." in subj and body["data"]["action"] == "release"
    ]
    assert [(r["data"]["ground"], r["data"]["case_number"]) for r in releases] == [
        ("bankruptcy_accepted", number)
    ]
    duties = await world.wait("listing_duty_arose")
    assert duties[-1]["data"]["ground"] == "execution_suspended"

    other = ACCOUNT.model_copy(update={"reference": "6222021705009999999"})
    await world.command(freeze(number, bank).model_copy(update={"holding": other}))
    refused = await world.wait("message_rejected")
    assert refused[-1]["data"]["problems"][0]["field"] == "data.holding"

    wanted = {
        "bankruptcy.event.petition_accepted.v1",
        "enforcement.event.enforcement_suspended_for_bankruptcy.v1",
        "enforcement.notice.control_order.v1",
        "enforcement.reply.control_outcome.v1",
        "enforcement.event.control_released.v1",
        "enforcement.event.listing_duty_arose.v1",
        "enforcement.rejection.message_rejected.v1",
    }
    history: list[dict[str, Any]] = []
    for _ in range(100):
        history = await trace(number, database_url)
        if wanted <= set(types(history)):
            break
        await asyncio.sleep(0.2)
    assert wanted <= set(types(history)), types(history)
    assert types(history).index("bankruptcy.event.petition_accepted.v1") < types(history).index(
        "enforcement.event.control_released.v1"
    )
