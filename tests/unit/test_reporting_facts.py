"""Facts for the indicators: every event type a catalogue formula names gives facts from its
real payload (the golden samples), and later events of a subject take its first event's unit."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

import contracts.catalog  # noqa: F401  (registers every context's messages)
from contracts.registry import PAYLOADS
from contracts.reporting.indicators import load_indicators
from contracts.reporting.reports import Period
from services.reporting.domain.indicators import compute
from services.reporting.domain.obligations import SHANGHAI
from services.reporting.domain.readmodel import Observed
from services.reporting.facts import facts
from tests.unit.test_reporting_readmodel import golden_events

CATALOGUE = load_indicators(PAYLOADS)
TYPES = sorted({t for i in CATALOGUE.indicators for t in i.formula.event_types})


@pytest.mark.parametrize("type_", TYPES)
def test_each_formula_event_type_gives_a_fact_from_its_golden_sample(type_: str) -> None:
    sample = [e for e in golden_events() if e.type == type_]
    assert sample, f"no golden sample of {type_}"
    found = facts(sample)
    assert found and all(f.type == type_ and f.subject and f.scope for f in found)


def at(day: int) -> datetime:
    return datetime(2027, 3, day, 10, tzinfo=SHANGHAI)


def ev(n: int, type_: str, day: int, org: str, **body: Any) -> Observed:
    return Observed(n, f"00000000-0000-4000-8000-{n:012d}", type_, at(day), org, "", "", body)


MEMO = {
    "meeting_id": "m",
    "memo_number": "1",
    "issued_on": "2027-03-01",
    "items": [{"item_id": "i1", "owner_unit": "HB410482"}, {"item_id": "i2", "owner_unit": "HR1"}],
}


def test_an_accepted_memo_item_counts_for_its_owner_unit_not_the_office() -> None:
    events = [
        ev(1, "risk.event.memo_issued.v1", 1, "JO410482", **MEMO),
        ev(2, "risk.event.memo_item_accepted.v1", 5, "JO410482", item_id="i1"),
    ]
    (accepted,) = facts(events)
    assert (accepted.subject, accepted.scope) == ("memo:i1", "HB410482")


def test_a_bureau_query_gives_one_fact_per_bureau_asked_and_a_ratio_per_bureau() -> None:
    asked = [{"bureau": "BK1"}, {"bureau": "RE1"}]
    events = [
        ev(1, "enforcement.event.property_query_started.v1", 1, "C1", query_id="q", asked=asked),
        ev(
            2, "enforcement.event.property_answer_recorded.v1", 3, "BK1", query_id="q", bureau="BK1"
        ),
        ev(
            3,
            "enforcement.event.property_answer_recorded.v1",
            20,
            "RE1",
            query_id="q",
            bureau="RE1",
        ),
    ]
    snap = compute(
        CATALOGUE.by_id("query_answers_within_deadline"),
        CATALOGUE.version,
        facts(events),
        Period(year=2027, month=3),
        "*",
    )
    assert snap.values == {"BK1": 100.0, "RE1": 0.0}


def test_a_sanction_acknowledged_by_a_bureau_counts_for_the_court_that_imposed_it() -> None:
    events = [
        ev(1, "enforcement.event.sanction_imposed.v1", 1, "C1", sanction_id="s"),
        ev(2, "enforcement.event.sanction_acknowledged.v1", 2, "BK1", sanction_id="s"),
    ]
    snap = compute(
        CATALOGUE.by_id("sanctions_applied_within_deadline"),
        CATALOGUE.version,
        facts(events),
        Period(year=2027, month=3),
        "C1",
    )
    assert snap.values == {"": 100.0}


def test_outcomes_of_concluded_cases_are_kept_for_the_loss_rate() -> None:
    events = [
        ev(
            n,
            "risk.event.admin_case_concluded.v1",
            2,
            "C1",
            case_number=f"c{n}",
            defendant="D1",
            outcome=o,
        )
        for n, o in enumerate(("lost", "upheld", "mediated", "lost"), start=1)
    ]
    snap = compute(
        CATALOGUE.by_id("loss_rate"),
        CATALOGUE.version,
        facts(events),
        Period(year=2027, month=3),
        "D1",
    )
    assert snap.values == {"": 50.0}
