"""Reporting obligations through the real command consumer, in memory: a lead unit and a town
submit on time or late, the office returns a report and the unit submits again, an ad-hoc
notice moves the date and obliges a unit that owes no regular report, and the deadline runner
reminds each unit once per configured day and records an unsubmitted report overdue once."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

from tests.fast.harness import Clock, Published
from tests.fast.reporting_harness import (
    LEAD,
    OFFICE,
    TOWN,
    UNIT,
    ReportingHarness,
    give_back,
    notice,
    submit,
    types,
)


def at(day: int, hour: int = 9, month: int = 11) -> datetime:
    """A moment in Asia/Shanghai (UTC+8), as UTC."""
    return datetime(2026, month, day, hour, tzinfo=UTC) - timedelta(hours=8)


def harness(moment: datetime) -> ReportingHarness:
    return ReportingHarness(Clock(moment))


def of(out: list[Published], name: str, unit: str | None = None) -> list[Published]:
    """The published facts of `name` for November (and `unit`, when given)."""
    return [
        p
        for p in out
        if p.type.split(".")[2] == name
        and p.data.get("period") == {"year": 2026, "month": 11}
        and unit in (None, p.data.get("unit"))
    ]


async def test_a_lead_unit_submits_by_the_25th_on_time_under_its_own_code() -> None:
    h = harness(at(25, 23))
    out = await h.send(submit(), LEAD)
    assert types(out) == ["report_submitted"]
    assert out[0].to == LEAD
    assert out[0].data["due_on"] == "2026-11-25" and out[0].data["on_time"] is True


async def test_a_lead_unit_submitting_after_midnight_in_shanghai_is_late() -> None:
    h = harness(at(26, 0))
    out = await h.send(submit(), LEAD)
    assert out[0].data["on_time"] is False


async def test_a_town_is_due_at_month_end() -> None:
    h = harness(at(30, 23))
    out = await h.send(submit(), TOWN)
    assert out[0].data["due_on"] == "2026-11-30" and out[0].data["on_time"] is True


async def test_the_office_returns_a_report_and_the_unit_submits_again() -> None:
    h = harness(at(24))
    first = uuid.uuid4()
    await h.send(submit(first), LEAD)
    out = await h.send(give_back(first), OFFICE)
    assert types(out) == ["report_returned"]
    assert out[0].to == OFFICE and out[0].data["unit"] == LEAD
    h.clock.advance(timedelta(days=2))
    out = await h.send(submit(), LEAD)
    assert types(out) == ["report_submitted"] and out[0].data["on_time"] is False


async def test_a_notice_obliges_a_unit_and_replaces_the_lead_units_date() -> None:
    h = harness(at(20))
    refused = await h.send(submit(), UNIT)
    assert types(refused) == ["message_rejected"]
    out = await h.send(notice(units=(UNIT, LEAD), due_on=date(2026, 11, 22)), OFFICE)
    assert types(out) == ["reporting_notice_issued"] and out[0].to == OFFICE
    h.clock.now = at(23)
    assert (await h.send(submit(), UNIT))[0].data["due_on"] == "2026-11-22"
    late = await h.send(submit(), LEAD)
    assert late[0].data["due_on"] == "2026-11-22" and late[0].data["on_time"] is False


async def test_the_latest_notice_wins() -> None:
    h = harness(at(20))
    await h.send(notice(units=(LEAD,), due_on=date(2026, 11, 21)), OFFICE)
    await h.send(notice(units=(LEAD,), due_on=date(2026, 11, 28)), OFFICE)
    out = await h.send(submit(), LEAD)
    assert out[0].data["due_on"] == "2026-11-28"


async def test_reminders_go_out_once_each_day_before_the_date_then_overdue_once() -> None:
    h = harness(at(21, 23))
    await h.tick_deadlines()  # October's reports, owed before the test begins
    h.clock.now = at(22, 0)
    out = await h.tick_deadlines()
    assert [p.data["days_before"] for p in of(out, "report_reminded", LEAD)] == [3]
    assert of(out, "report_reminded", LEAD)[0].to == LEAD
    assert of(out, "report_reminded", TOWN) == []  # towns are due a week later
    assert await h.tick_deadlines() == []
    h.clock.now = at(24, 0)
    out = await h.tick_deadlines()
    assert [p.data["days_before"] for p in of(out, "report_reminded", LEAD)] == [1]
    h.clock.now = at(26, 0)
    out = await h.tick_deadlines()
    assert len(of(out, "report_overdue", LEAD)) == 1 and of(out, "report_overdue", TOWN) == []
    assert await h.tick_deadlines() == []


async def test_a_submitted_report_is_neither_reminded_nor_overdue_even_when_returned() -> None:
    h = harness(at(20))
    report = uuid.uuid4()
    await h.send(submit(report), LEAD)
    await h.send(give_back(report), OFFICE)
    for day in (22, 24, 26):
        h.clock.now = at(day, 1)
        out = await h.tick_deadlines()
        assert of(out, "report_reminded", LEAD) == of(out, "report_overdue", LEAD) == []


async def test_a_town_left_silent_is_overdue_on_the_first_of_the_next_month() -> None:
    h = harness(at(30, 23))
    await h.tick_deadlines()
    h.clock.now = at(1, 0, month=12)
    out = await h.tick_deadlines()
    assert len(of(out, "report_overdue", TOWN)) == 1


async def test_a_unit_named_by_a_notice_is_reminded_and_overdue_by_the_notice_date() -> None:
    h = harness(at(10))
    await h.send(notice(units=(UNIT,), due_on=date(2026, 11, 15)), OFFICE)
    h.clock.now = at(16, 0)
    out = await h.tick_deadlines()
    assert [p.data["due_on"] for p in of(out, "report_overdue", UNIT)] == ["2026-11-15"]


async def test_a_redelivered_submission_has_no_second_effect() -> None:
    h = harness(at(20))
    msg = submit()
    event_id = uuid.uuid4()
    assert types(await h.send(msg, LEAD, event_id=event_id)) == ["report_submitted"]
    assert await h.send(msg, LEAD, event_id=event_id) == []
