"""Indicator snapshots and unit assessment on command, through the real intake over an in-memory
event store and observed events held in memory: one `IndicatorComputed` per indicator, the same
values and digests when asked again as of the same moment, a `UnitAssessed` per unit of a closed
period, and each refusal answered with a rejection naming its field."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import pytest

import contracts.catalog  # noqa: F401  (registers every context's messages)
from contracts.base import Payload
from contracts.organizations.registry import Registry
from contracts.registry import PAYLOADS
from contracts.reporting.indicators import load_assessment, load_indicators
from contracts.reporting.rejections import MessageRejected
from contracts.reporting.reports import Period
from contracts.reporting.snapshots import AssessUnits, ComputeIndicators
from contracts.subjects import subject
from services.reporting.domain.obligations import SHANGHAI
from services.reporting.domain.readmodel import Observed
from services.reporting.snapshots import REFUSALS, Snapshots
from services.runtime.consumer import Delivery
from services.runtime.eventstore.memory import MemoryEventStore
from services.runtime.intake import Intake
from services.runtime.messaging import follow

OFFICE, BANK = "JO410482", "BKABC410300"
MARCH = Period(year=2027, month=3)
CATALOGUE = load_indicators(PAYLOADS)
NOW = datetime(2027, 4, 2, 9, tzinfo=SHANGHAI)


def at(day: int, month: int = 3) -> datetime:
    return datetime(2027, month, day, 10, tzinfo=SHANGHAI)


def ev(n: int, type_: str, when: datetime, org: str, **body: Any) -> Observed:
    return Observed(n, f"00000000-0000-4000-8000-{n:012d}", type_, when, org, "", "", body)


def march_events() -> list[Observed]:
    entry = dict(item="wage_arrears", lead="HR410482", stock="new")
    return [
        ev(1, "risk.event.ledger_entry_added.v1", at(1), OFFICE, entry_id="e1", **entry),
        ev(2, "risk.event.ledger_entry_added.v1", at(2), OFFICE, entry_id="e2", **entry),
        ev(3, "risk.event.ledger_entry_closed.v1", at(10), OFFICE, entry_id="e1"),
        ev(
            4,
            "risk.event.head_appeared.v1",
            at(5),
            "C410482",
            case_number="c1",
            hearing_on="2027-03-05",
            defendant="HR410482",
        ),
    ]


class Service:
    """The snapshot routes behind the real intake, over memory."""

    def __init__(self, events: Sequence[Observed], now: datetime = NOW) -> None:
        self.events, self.now, self.sequence = list(events), now, 0
        self.store = MemoryEventStore()
        scheme = load_assessment(CATALOGUE)
        handlers = Snapshots(self.store, self.read, CATALOGUE, scheme, Registry.load())
        routes = {ComputeIndicators.TYPE: handlers.compute, AssessUnits.TYPE: handlers.assess}
        self.intake = Intake(
            self.store, "reporting-commands", routes, MessageRejected, REFUSALS, lambda: self.now
        )

    async def read(self, moment: datetime, types: Sequence[str]) -> list[Observed]:
        return [e for e in self.events if e.occurred_at <= moment and e.type in types]

    async def send(self, payload: Payload, org: str = OFFICE) -> list[dict[str, Any]]:
        """Deliver the command; what the store holds after it, as JSON."""
        before = len(await self.store.read_all(limit=100_000))
        msg = follow(None, payload, organization=org, now=self.now)
        await self.deliver(msg.model_dump_json().encode(), subject(payload.TYPE, org))
        return [e.message for e in (await self.store.read_all(limit=100_000))[before:]]

    async def deliver(self, data: bytes, to: str) -> None:
        self.sequence += 1
        await self.intake(Delivery(to, data, {}, 1, self.sequence))


def of_type(messages: list[dict[str, Any]], name: str) -> list[dict[str, Any]]:
    return [m["data"] for m in messages if m["envelope"]["type"].split(".")[2] == name]


async def test_each_catalogue_indicator_gets_one_snapshot_with_its_inputs() -> None:
    service = Service(march_events())
    made = of_type(await service.send(ComputeIndicators(period=MARCH)), "indicator_computed")
    assert sorted(s["indicator"] for s in made) == sorted(i.id for i in CATALOGUE.indicators)
    by_id = {s["indicator"]: s for s in made}
    assert by_id["ledger_entries_checked_off"]["values"] == {"": 50.0}
    assert by_id["ledger_entries_checked_off"]["inputs"]["count"] == 3
    assert by_id["heads_appearance_rate"]["values"] == {"": 100.0}
    assert by_id["loss_rate"]["values"] == {"": None}


async def test_asked_again_as_of_the_same_moment_the_values_and_digests_are_the_same() -> None:
    service = Service(march_events())
    command = ComputeIndicators(period=MARCH, scope="HR410482", as_of=at(20))
    first = of_type(await service.send(command), "indicator_computed")
    service.events.append(ev(9, "risk.event.ledger_entry_closed.v1", at(25), OFFICE, entry_id="e2"))
    again = of_type(await service.send(command), "indicator_computed")
    assert [(s["values"], s["inputs"]) for s in first] == [
        (s["values"], s["inputs"]) for s in again
    ]
    later = of_type(await service.send(ComputeIndicators(period=MARCH)), "indicator_computed")
    closed = next(s for s in later if s["indicator"] == "ledger_entries_checked_off")
    assert closed["values"] == {"": 100.0}


async def test_a_redelivered_command_has_no_second_effect() -> None:
    service = Service(march_events())
    msg = follow(None, ComputeIndicators(period=MARCH), organization=OFFICE, now=NOW)
    data, to = msg.model_dump_json().encode(), subject(ComputeIndicators.TYPE, OFFICE)
    await service.deliver(data, to)
    await service.deliver(data, to)
    assert len(await service.store.read_all(limit=1000)) == len(CATALOGUE.indicators)


async def test_units_of_a_closed_period_are_assessed_each_citing_its_snapshots() -> None:
    service = Service(march_events())
    made = of_type(await service.send(AssessUnits(period=MARCH)), "unit_assessed")
    assert [a["unit"] for a in made] == ["HR410482"]
    (hr,) = made
    assert hr["score"] == 75.0  # ledger 50 and appearance 100, equal weights
    assert hr["verdict"] == "none"
    assert all(len(p["snapshot_sha256"]) in (0, 64) for p in hr["parts"])


async def test_a_report_left_overdue_calls_for_accountability() -> None:
    overdue = ev(
        8,
        "reporting.event.report_overdue.v1",
        at(26),
        "FUYUAN",
        unit="HR410482",
        period={"year": 2027, "month": 3},
        due_on="2027-03-25",
        noted_at=at(26).isoformat(),
    )
    service = Service([*march_events(), overdue])
    (hr,) = of_type(
        await service.send(AssessUnits(period=MARCH, units=("HR410482",))), "unit_assessed"
    )
    assert hr["verdict"] == "accountability"
    assert any("overdue" in line for line in hr["basis"])


def problems(messages: list[dict[str, Any]]) -> list[tuple[str, str]]:
    (rejected,) = of_type(messages, "message_rejected")
    return [(p["field"], p["reason"]) for p in rejected["problems"]]


@pytest.mark.parametrize(
    ("payload", "sender", "field", "reason"),
    [
        (AssessUnits(period=Period(year=2027, month=4)), OFFICE, "data.period", "not closed"),
        (ComputeIndicators(period=Period(year=2027, month=5)), OFFICE, "data.period", "not begun"),
        (
            ComputeIndicators(period=MARCH, as_of=at(20, 2)),
            OFFICE,
            "data.as_of",
            "before the period",
        ),
        (ComputeIndicators(period=MARCH), BANK, "envelope.organization", "not a joint office"),
        (AssessUnits(period=MARCH), "FUYUAN", "envelope.organization", "not a joint office"),
    ],
)
async def test_each_refusal_names_its_field(
    payload: Payload, sender: str, field: str, reason: str
) -> None:
    found = problems(await Service(march_events()).send(payload, sender))
    assert [f for f, _ in found] == [field]
    assert reason in found[0][1]


async def test_a_closed_period_with_nothing_to_assess_records_nothing_and_refuses_nothing() -> None:
    service = Service([])
    assert await service.send(AssessUnits(period=MARCH)) == []
