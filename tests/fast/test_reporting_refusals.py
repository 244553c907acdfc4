"""Every refusal the reporting service's command intake can give, provoked by a real command
through its consumer, in milliseconds: the sender gets one rejection naming the field and the
reason, and nothing else happens. The refusals are found by walking the class tree of what the
intake refuses, so a new refusal without a scenario here fails the suite."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

import pytest

from contracts.reporting.reports import Period
from services.reporting import snapshots
from tests.fast.harness import Clock, Published
from tests.fast.refusal_guard import RefusalGuard, refusals_of
from tests.fast.reporting_harness import (
    LEAD,
    OFFICE,
    UNIT,
    ReportingHarness,
    give_back,
    notice,
    submit,
    types,
)

NOT_PROVOKED = {
    "ReportingError": "the base class: the domain raises only its subclasses, each tested here",
    "NoticeNotForUnitError": "the handlers fold only the notices that name the unit and period",
    "PeriodNotClosedError": "refused by the assessment command (services/reporting/snapshots.py)",
    "SnapshotMismatchError": "refused by the assessment command (services/reporting/snapshots.py)",
}
"""Refusal classes no obligation command provokes, and why."""
NOT_PROVOKED |= {
    name: "refused by the indicator and assessment commands, tested with them"
    for name, cls in refusals_of(ReportingHarness().consumers).items()
    if cls.__module__ == snapshots.__name__
}

REJECTED = "reporting.rejection.message_rejected.v1"
GUARD = RefusalGuard(ReportingHarness, REJECTED, NOT_PROVOKED)
Scenario = Callable[[ReportingHarness], Awaitable[tuple[str, list[Published]]]]


def provokes(error: str, field: str, reason: str) -> Callable[[Scenario], Scenario]:
    return GUARD.provokes(error, reason, field)


@provokes("NotPermittedError", "envelope.organization", "may not send reporting.command.issue")
async def _a_unit_issues_a_notice(h: ReportingHarness) -> tuple[str, list[Published]]:
    return UNIT, await h.send(notice(), UNIT)


@provokes("UnknownUnitError", "data.units.1", "no organization ZZ410482")
async def _a_notice_names_nobody(h: ReportingHarness) -> tuple[str, list[Published]]:
    return OFFICE, await h.send(notice(units=(LEAD, "ZZ410482")), OFFICE)


@provokes("NotTheUnitError", "envelope.organization", "owes no report for 2026-11")
async def _a_unit_without_obligation_submits(h: ReportingHarness) -> tuple[str, list[Published]]:
    return UNIT, await h.send(submit(), UNIT)


@provokes("WrongPeriodError", "data.period", "has not begun")
async def _a_report_for_next_month(h: ReportingHarness) -> tuple[str, list[Published]]:
    return LEAD, await h.send(submit(period=Period(year=2026, month=12)), LEAD)


@provokes("AlreadySubmittedError", "data.report_id", "it was not returned")
async def _a_second_report(h: ReportingHarness) -> tuple[str, list[Published]]:
    assert types(await h.send(submit(), LEAD)) == ["report_submitted"]
    return LEAD, await h.send(submit(), LEAD)


@provokes("NotSubmittedError", "data.report_id", "no report")
async def _a_return_of_nothing(h: ReportingHarness) -> tuple[str, list[Published]]:
    return OFFICE, await h.send(give_back(uuid.uuid4()), OFFICE)


@provokes("UnknownIndicatorError", "data.body.indicators.0.indicator", "no indicator 'nope'")
async def _an_unknown_indicator(h: ReportingHarness) -> tuple[str, list[Published]]:
    return LEAD, await h.send(submit(indicator="nope"), LEAD)


def test_every_refusal_has_a_scenario_and_every_scenario_a_refusal() -> None:
    GUARD.assert_complete()


@pytest.mark.parametrize("name", GUARD.provokable())
async def test_the_refusal_reaches_the_sender_naming_the_field_and_the_reason(name: str) -> None:
    await GUARD.assert_refused(name)


async def test_an_office_returns_only_a_report_of_its_jurisdiction() -> None:
    h = ReportingHarness(Clock(datetime(2026, 11, 20, 1, tzinfo=UTC)))
    report = uuid.uuid4()
    town = "TG410302001"  # a district of the city, not of the county office's county
    assert types(await h.send(submit(report), town)) == ["report_submitted"]
    out = await h.send(give_back(report, unit=town), OFFICE)
    assert types(out) == ["message_rejected"] and out[0].to == OFFICE
    assert out[0].problems == [
        ("envelope.organization", f"{town} is outside the jurisdiction of {OFFICE}")
    ]


async def test_a_unit_returning_its_own_report_is_refused() -> None:
    h = ReportingHarness(Clock(datetime(2026, 11, 20, 1, tzinfo=UTC)))
    report = uuid.uuid4()
    await h.send(submit(report), LEAD)
    out = await h.send(give_back(report), LEAD)
    assert [f for f, _ in out[0].problems] == ["envelope.organization"]


async def test_a_return_naming_an_unknown_unit_is_refused_naming_the_unit() -> None:
    h = ReportingHarness(Clock(datetime(2026, 11, 20, 1, tzinfo=UTC)))
    out = await h.send(give_back(uuid.uuid4(), unit="ZZ410482"), OFFICE)
    assert [f for f, _ in out[0].problems] == ["data.unit"]


async def test_a_notice_naming_a_unit_that_submits_no_report_is_refused_naming_it() -> None:
    h = ReportingHarness(Clock(datetime(2026, 11, 20, 1, tzinfo=UTC)))
    bank = next(o.code for o in h.handlers.registry if o.kind.value == "bank")
    out = await h.send(notice(units=(LEAD, bank)), OFFICE)
    assert types(out) == ["message_rejected"]
    assert out[0].problems == [("data.units.1", "a bank submits no report")]
