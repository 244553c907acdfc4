"""法定期限 — each statutory clock runs from its fact, is met by its step, and once past its last
day gives one overdue notice to the court and the joint office; `next_due` is the first moment
that happens. Statutory periods are calendar periods whose last day, on a rest day, moves to the
next working day; a bureau's acknowledgement counts working days on the official calendar."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from contracts.bankruptcy import procedure as p
from contracts.bankruptcy.deadlines import Clock, ProcedureOverdue
from contracts.bankruptcy.parties import PetitionerKind, Procedure
from services.bankruptcy.domain import BankruptcyCase, clocks, decide_deadlines, next_due
from services.bankruptcy.domain.periods import (
    add_months,
    add_working_days,
    days_from,
    months_from,
    working_days_or_none,
)
from tests.unit import test_bankruptcy_builders as b
from tests.unit.test_bankruptcy_builders import CASE, COURT, JOINT_OFFICE, PETITION, at, step


def overdue(case: BankruptcyCase, day: date) -> list[ProcedureOverdue]:
    out = clocks.decide_overdue(case, at(day), JOINT_OFFICE)
    return [fact for fact, _ in out if isinstance(fact, ProcedureOverdue)]


def clock_of(case: BankruptcyCase, clock: Clock) -> clocks.Running:
    return next(r for r in clocks.running(case) if r.clock is clock)


def assert_passes_on(case: BankruptcyCase, clock: Clock, due: date) -> None:
    """On the last day nothing; the day after, one notice to the court and one to the joint
    office; and next_due is that day's midnight."""
    assert clock_of(case, clock).due_on == due
    assert clock not in {f.clock for f in overdue(case, due)}
    after = date.fromordinal(due.toordinal() + 1)
    out = clocks.decide_overdue(case, at(after), JOINT_OFFICE)
    mine = [
        (fact, org)
        for fact, org in out
        if isinstance(fact, ProcedureOverdue) and fact.clock is clock
    ]
    assert [org for _, org in mine] == [COURT, JOINT_OFFICE]
    fact = mine[0][0]
    assert isinstance(fact, ProcedureOverdue)
    assert (fact.due_on, fact.source) == (due, clocks.SOURCES[clock])
    assert clocks.next_due(case) is not None and clocks.next_due(case) <= at(after)


# --- the periods -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "months", "end"),
    [
        (date(2026, 3, 16), 6, date(2026, 9, 16)),
        (date(2026, 8, 31), 6, date(2027, 2, 28)),  # no 31 February: the month's last day
        (date(2027, 8, 31), 6, date(2028, 2, 29)),
        (date(2026, 11, 30), 3, date(2027, 2, 28)),
        (date(2026, 1, 31), 9, date(2026, 10, 31)),
    ],
)
def test_a_period_in_months_ends_on_the_same_day_or_the_months_last(
    start: date, months: int, end: date
) -> None:
    assert add_months(start, months) == end


def test_a_statutory_period_counts_calendar_days_through_the_national_day_holiday() -> None:
    # the 25th day is Sunday 25 October, a rest day: the period ends on Monday 26
    case = step(b.petitioned(), b.accept(on=date(2026, 9, 30)), now=at(date(2026, 9, 30)))[0]
    assert_passes_on(case, Clock.ANNOUNCEMENT, date(2026, 10, 26))


def test_a_statutory_period_ending_in_the_national_day_holiday_ends_after_it() -> None:
    # accepted 8 September: the 25th day is Saturday 3 October, in the holiday (1–7 October)
    case = step(b.petitioned(), b.accept(on=date(2026, 9, 8)), now=at(date(2026, 9, 8)))[0]
    assert_passes_on(case, Clock.ANNOUNCEMENT, date(2026, 10, 8))


def test_a_statutory_period_ending_on_a_saturday_worked_in_lieu_ends_that_day() -> None:
    # accepted 15 September: the 25th day is Saturday 10 October, a working day (调休)
    case = step(b.petitioned(), b.accept(on=date(2026, 9, 15)), now=at(date(2026, 9, 15)))[0]
    assert_passes_on(case, Clock.ANNOUNCEMENT, date(2026, 10, 10))


def test_a_period_in_months_ending_on_a_rest_day_ends_on_the_next_working_day() -> None:
    assert months_from(date(2026, 4, 4), 6) == date(2026, 10, 8)  # Sunday 4 October, holiday
    assert months_from(date(2026, 3, 16), 6) == date(2026, 9, 16)  # a Wednesday: unmoved


def test_a_last_day_in_a_year_without_a_calendar_is_kept_unmoved() -> None:
    # 2027's holidays are not published in the pinned calendar: the 25th day, as counted
    assert days_from(date(2026, 12, 20), 25) == date(2027, 1, 14)
    assert days_from(date(2099, 3, 2), 5) == date(2099, 3, 7)  # a Saturday, not guessed


def test_an_acknowledgement_counts_working_days_over_the_holiday() -> None:
    # 1–7 October 2026 are holidays, Saturday 10 October a working day in lieu
    assert add_working_days(date(2026, 9, 30), 3) == date(2026, 10, 10)
    case = step(b.petitioned(), b.accept(on=date(2026, 9, 30)), now=at(date(2026, 9, 30)))[0]
    assert {t.spec.acknowledge_by for t in case.tasks.values()} == {date(2026, 10, 10)}


def test_no_acknowledgement_day_is_guessed_for_a_year_without_a_calendar() -> None:
    assert working_days_or_none(date(2026, 12, 30), 3) is None


# --- each clock --------------------------------------------------------------------------------


def test_the_ruling_on_a_petition_is_due_in_fifteen_days() -> None:
    assert_passes_on(b.petitioned(), Clock.PETITION_RULING, date(2026, 3, 17))


def test_the_ruling_on_a_creditors_petition_is_due_in_twenty_two_days() -> None:
    assert_passes_on(
        b.petitioned(PetitionerKind.CREDITOR), Clock.PETITION_RULING, date(2026, 3, 24)
    )


def test_an_extension_moves_the_ruling_clock() -> None:
    cmd = p.ExtendRulingPeriod(case_number=PETITION, approved_on=date(2026, 3, 10), reason="x")
    assert_passes_on(step(b.petitioned(), cmd)[0], Clock.PETITION_RULING, date(2026, 4, 1))


def test_a_referral_runs_its_configured_clock() -> None:
    cmd = p.ReferEnforcementToBankruptcy(
        case_number=PETITION,
        referred_on=b.FILED,
        enforcement_case_number="（2025）豫0482执1234号",
        debtor=b.DEBTOR,
        consent_by="debtor",
    )
    case = step(BankruptcyCase(), cmd)[0]
    assert Clock.PETITION_RULING not in {r.clock for r in clocks.running(case)}
    assert_passes_on(case, Clock.REFERRAL_RULING, date(2026, 4, 1))


def test_a_ruling_stops_the_ruling_clock() -> None:
    assert Clock.PETITION_RULING not in {r.clock for r in clocks.running(b.accepted())}


def test_the_announcement_is_due_twenty_five_days_after_acceptance() -> None:
    assert_passes_on(b.accepted(), Clock.ANNOUNCEMENT, date(2026, 4, 10))
    assert Clock.ANNOUNCEMENT not in {r.clock for r in clocks.running(b.announced())}


def test_the_first_meeting_is_due_fifteen_days_after_the_claims_deadline() -> None:
    # the fifteenth day is Saturday 30 May: the last day is Monday 1 June
    assert_passes_on(b.claims_set(), Clock.FIRST_MEETING, date(2026, 6, 1))
    assert Clock.FIRST_MEETING not in {r.clock for r in clocks.running(b.met())}


def test_the_plan_is_due_six_months_after_the_order() -> None:
    case = b.accepted(Procedure.REORGANIZATION)
    assert_passes_on(case, Clock.REORGANIZATION_PLAN, date(2026, 9, 16))


def test_the_plan_is_due_nine_months_after_the_order_when_extended() -> None:
    cmd = p.ExtendPlanPeriod(case_number=CASE, ruled_on=date(2026, 8, 1), reason="x")
    case = step(b.accepted(Procedure.REORGANIZATION), cmd)[0]
    assert_passes_on(case, Clock.REORGANIZATION_PLAN, date(2026, 12, 16))


def test_the_plan_clock_runs_from_a_later_reorganization_order() -> None:
    cmd = p.OrderReorganization(case_number=CASE, ordered_on=date(2026, 5, 20))
    assert_passes_on(step(b.accepted(), cmd)[0], Clock.REORGANIZATION_PLAN, date(2026, 11, 20))


def test_the_vote_is_due_thirty_days_after_the_plan_is_filed() -> None:
    cmd = p.RecordPlanFiling(case_number=CASE, filed_on=date(2026, 6, 1))
    case = step(b.accepted(Procedure.REORGANIZATION), cmd)[0]
    assert Clock.REORGANIZATION_PLAN not in {r.clock for r in clocks.running(case)}
    assert_passes_on(case, Clock.PLAN_VOTE, date(2026, 7, 1))


def test_a_meeting_after_the_plan_meets_the_vote_clock() -> None:
    case = step(
        b.accepted(Procedure.REORGANIZATION),
        p.RecordPlanFiling(case_number=CASE, filed_on=date(2026, 6, 1)),
    )[0]
    case = b.apply(
        case,
        [(p.CreditorsMeetingHeld(held_on=date(2026, 6, 20), ordinal=1, summary="表决"), COURT)],
    )
    assert Clock.PLAN_VOTE not in {r.clock for r in clocks.running(case)}


def test_deregistration_is_due_ten_days_after_termination() -> None:
    case = b.terminated()[0]
    assert_passes_on(case, Clock.DEREGISTRATION, date(2026, 7, 13))  # the 10th day is a Saturday


def test_a_case_dismissed_stops_its_clocks() -> None:
    cmd = p.DismissPetition(
        case_number=CASE, ruled_on=date(2026, 3, 20), served_on=date(2026, 3, 21), reason="x"
    )
    assert clocks.running(step(b.accepted(), cmd)[0]) == []


# --- once, and next_due ------------------------------------------------------------------------


def test_a_passed_clock_is_reported_once() -> None:
    case = b.accepted()
    first = clocks.decide_overdue(case, at(date(2026, 4, 11)), JOINT_OFFICE)
    assert len(first) == 2
    case = b.apply(case, first)
    assert clocks.decide_overdue(case, at(date(2026, 6, 1)), JOINT_OFFICE) == []


def test_next_due_is_the_first_moment_a_clock_or_task_is_late() -> None:
    case = b.accepted()
    # the tasks' acknowledgements (3 working days from 16 March) come before the announcement
    assert next_due(case) == datetime(2026, 3, 20, tzinfo=UTC)
    assert clocks.next_due(case) == datetime(2026, 4, 11, tzinfo=UTC)
    assert decide_deadlines(case, datetime(2026, 3, 19, 23, 59, tzinfo=UTC), JOINT_OFFICE) == []
    assert decide_deadlines(case, datetime(2026, 3, 20, tzinfo=UTC), JOINT_OFFICE) != []


def test_next_due_is_none_when_nothing_runs() -> None:
    assert next_due(BankruptcyCase()) is None
