"""Reporting obligations through the running reporting service, on real NATS and PostgreSQL, on
a clock the test moves: each golden command sample taken end to end; a town submits, the office
returns its report and it submits again; a lead unit is reminded three days and one day before
the 25th, recorded overdue once, and submits late; a unit that owes nothing is refused naming
the field; the observer keeps the facts, not the commands."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from nats.aio.client import Client

from contracts.base import Payload
from contracts.envelope import Envelope, Message
from contracts.subjects import subject
from services.reporting import main as reporting_main
from services.reporting.main import build, spec
from services.runtime.host import RunningService
from tests.e2e.world import Clock, Heard, served
from tests.fast.reporting_harness import LEAD, OFFICE, TOWN, UNIT, give_back, submit

pytestmark = pytest.mark.integration

GOLDEN = Path(__file__).parents[1] / "contract" / "golden"


def shanghai(day: int, hour: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, tzinfo=UTC) - timedelta(hours=8)


@dataclass
class Office(Heard):
    """The units and the office: what each received, and how they send."""

    nc: Client
    service: RunningService
    clock: Clock

    async def send(self, msg: dict[str, Any]) -> None:
        org = msg["envelope"]["organization"]
        await self.nc.jetstream().publish(
            subject(msg["envelope"]["type"], org),
            json.dumps(msg, ensure_ascii=False).encode(),
            headers={"Nats-Msg-Id": msg["envelope"]["event_id"]},
        )

    async def publish(self, payload: Payload, org: str) -> str:
        eid = uuid.uuid4()
        env = Envelope(
            event_id=eid,
            type=payload.TYPE,
            occurred_at=self.clock(),
            organization=org,
            correlation_id=eid,
        )
        msg = Message[type(payload)](envelope=env, data=payload)  # type: ignore[misc,operator]
        await self.send(json.loads(msg.model_dump_json()))
        return str(eid)

    async def step(self, payload: Payload, fact: str, org: str) -> dict[str, Any]:
        """Send a command and wait for what it caused (a fact, or a rejection)."""
        eid = await self.publish(payload, org)
        return await self.answer(eid, fact)

    async def answer(self, eid: str, fact: str) -> dict[str, Any]:
        for _ in range(1000):
            for subj, body in self.seen:
                caused = eid in (
                    body["envelope"].get("causation_id"),
                    body["data"].get("rejected_event_id"),
                )
                if caused:
                    assert f".{fact}." in f".{subj}", (subj, body["data"])
                    return body
            await asyncio.sleep(0.02)
        raise AssertionError(f"no answer to {eid}")

    async def tick(self) -> int:
        """One tick of the service's own deadline runner, at the test's clock."""
        return await build(self.service.wiring, self.clock).deadlines.tick()

    def november(self, name: str, to: str) -> list[dict[str, Any]]:
        return [
            b
            for b in self.received(f"event.{name}", to)
            if b["data"]["period"] == {"year": 2026, "month": 11}
        ]

    async def until_november(self, name: str, to: str, count: int) -> list[dict[str, Any]]:
        for _ in range(1000):
            if len(found := self.november(name, to)) >= count:
                return found
            await asyncio.sleep(0.02)
        raise AssertionError(f"no {count} November {name} for {to}")


@pytest.fixture
async def office(nats_url: str, database_url: str, nc: Client) -> AsyncIterator[Office]:
    reporting_main.settings.cache_clear()
    async with served(spec, nats_url, database_url) as (service, clock):
        w = Office(nc, service, clock)
        await nc.subscribe("reporting.>", cb=w.take)
        yield w


async def test_every_golden_reporting_command_is_taken_with_its_effect(office: Office) -> None:
    w = office
    names = sorted(p.name for p in GOLDEN.glob("reporting.command.*.json"))
    effects = {
        "issue_reporting_notice": ("event.reporting_notice_issued", None),
        "submit_report": ("event.report_submitted", None),
        "return_report": ("event.report_returned", None),
        # the period closed: its indicators, then its units' assessment
        "compute_indicators": ("event.indicator_computed", shanghai(30) + timedelta(days=2)),
        "assess_units": ("event.unit_assessed", None),
    }
    assert names == sorted(f"reporting.command.{name}.v1.json" for name in effects)
    for name, (effect, moment) in effects.items():  # the order of one period
        w.clock.now = moment or w.clock.now
        msg = json.loads((GOLDEN / f"reporting.command.{name}.v1.json").read_text("utf-8"))
        eid = str(uuid.uuid4())
        msg["envelope"]["event_id"] = msg["envelope"]["correlation_id"] = eid
        msg["envelope"]["occurred_at"] = w.clock().isoformat()
        await w.send(msg)
        await w.answer(eid, effect)


async def test_reports_returned_resubmitted_reminded_overdue_and_late(office: Office) -> None:
    w = office
    town_report = uuid.uuid4()
    first = await w.step(submit(town_report), "event.report_submitted", TOWN)
    assert first["data"]["on_time"] is True and first["envelope"]["organization"] == TOWN
    returned = await w.step(give_back(town_report, unit=TOWN), "event.report_returned", OFFICE)
    assert returned["data"]["unit"] == TOWN
    again = await w.step(submit(), "event.report_submitted", TOWN)
    assert again["data"]["due_on"] == "2026-11-30"

    refused = await w.step(submit(), "rejection.message_rejected", UNIT)
    assert [p["field"] for p in refused["data"]["problems"]] == ["envelope.organization"]

    w.clock.now = shanghai(21, 23)
    await w.tick()  # October's reports, owed before the test begins
    for day, count in ((22, 1), (24, 2)):
        w.clock.now = shanghai(day)
        await w.tick()
        await w.until_november("report_reminded", LEAD, count)
    reminded = w.november("report_reminded", LEAD)
    assert [r["data"]["days_before"] for r in reminded] == [3, 1]
    assert w.november("report_reminded", TOWN) == []  # submitted: never reminded
    w.clock.now = shanghai(26)
    for _ in range(3):  # however often the runner looks, once
        await w.tick()
    await w.until_november("report_overdue", LEAD, 1)
    await asyncio.sleep(0.3)
    assert len(w.november("report_overdue", LEAD)) == 1
    assert len(w.november("report_reminded", LEAD)) == 2

    late = await w.step(submit(), "event.report_submitted", LEAD)
    assert late["data"]["on_time"] is False and late["data"]["due_on"] == "2026-11-25"

    pool = w.service.wiring.pool
    for _ in range(500):
        rows = await pool.fetch(
            "SELECT type, organization FROM reporting.observed WHERE type LIKE 'reporting.%'"
        )
        if ("reporting.event.report_submitted.v1", LEAD) in [tuple(r) for r in rows]:
            break
        await asyncio.sleep(0.02)
    kinds = {r["type"].split(".")[1] for r in rows}
    assert kinds == {"event"}, kinds  # no command, no rejection
    assert ("reporting.event.report_submitted.v1", LEAD) in [tuple(r) for r in rows]
