"""Reporting obligations: due dates, on time or late in Asia/Shanghai, reminders, returns and
a missing report overdue once."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from contracts.bankruptcy.data import DataError
from contracts.reporting.reports import (
    ConcreteCase,
    IndicatorValue,
    IssueReportingNotice,
    Period,
    ReportBody,
    ReturnReport,
    SubmitReport,
    UnitClass,
)
from contracts.reporting.schedule import load_schedule
from services.reporting.domain import errors
from services.reporting.domain.obligations import (
    SHANGHAI,
    Obligation,
    ReportingRules,
    evolve,
    issue_notice,
    next_due,
    obligation,
    overdue,
    regular_due,
    reminders,
    return_report,
    submit,
)

RULES = ReportingRules(lead_day=25, reminder_days=(3, 1))
MARCH = Period(year=2027, month=3)
UNIT = "LEAD01"
INDICATORS = {"ledger_entries_checked_off"}


def sh(*args: int) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)  # type: ignore[misc]


def body() -> ReportBody:
    return ReportBody(
        progress="本月销号三项",
        problems="一项逾期",
        next_steps="督办",
        indicators=(
            IndicatorValue(
                indicator="ledger_entries_checked_off", value=75.0, catalogue_version="2026-12"
            ),
        ),
        cases=(ConcreteCase(title="某楼盘复工", account="协调复工"),),
    )


def command(period: Period = MARCH) -> SubmitReport:
    return SubmitReport(report_id=uuid.uuid4(), period=period, body=body())


def lead(period: Period = MARCH) -> Obligation:
    return obligation(UNIT, UnitClass.LEAD_UNIT, period, RULES)


@pytest.mark.parametrize(
    ("unit_class", "year", "month", "due"),
    [
        (UnitClass.LEAD_UNIT, 2027, 3, date(2027, 3, 25)),
        (UnitClass.LEAD_UNIT, 2027, 2, date(2027, 2, 25)),
        (UnitClass.TOWN, 2027, 3, date(2027, 3, 31)),
        (UnitClass.TOWN, 2027, 2, date(2027, 2, 28)),
        (UnitClass.TOWN, 2028, 2, date(2028, 2, 29)),
        (UnitClass.TOWN, 2027, 4, date(2027, 4, 30)),
    ],
)
def test_regular_due_dates(unit_class: UnitClass, year: int, month: int, due: date) -> None:
    assert regular_due(unit_class, Period(year=year, month=month), RULES) == due


def test_a_lead_day_past_february_is_its_last_day() -> None:
    rules = ReportingRules(lead_day=30)
    assert regular_due(UnitClass.LEAD_UNIT, Period(year=2027, month=2), rules) == date(2027, 2, 28)


def test_an_ad_hoc_notice_replaces_the_date_for_the_period_and_units_it_names() -> None:
    notice = issue_notice(
        IssueReportingNotice(
            notice_id=uuid.uuid4(),
            period=MARCH,
            units=(UNIT,),
            due_on=date(2027, 3, 18),
            subject="阶段性工作总结",
        )
    )
    assert obligation(UNIT, UnitClass.LEAD_UNIT, MARCH, RULES, [notice]).due_on == date(2027, 3, 18)
    other = obligation("TOWN01", UnitClass.TOWN, MARCH, RULES, [notice])
    assert other.due_on == date(2027, 3, 31)
    april = obligation(UNIT, UnitClass.LEAD_UNIT, Period(year=2027, month=4), RULES, [notice])
    assert april.due_on == date(2027, 4, 25)
    with pytest.raises(errors.NoticeNotForUnitError) as refused:
        evolve(other, notice)
    assert refused.value.field == "data.units"


def test_the_latest_notice_for_the_period_wins() -> None:
    notices = [
        issue_notice(
            IssueReportingNotice(
                notice_id=uuid.uuid4(),
                period=MARCH,
                units=(UNIT, "TOWN01"),
                due_on=day,
                subject="阶段性工作总结",
            )
        )
        for day in (date(2027, 3, 18), date(2027, 3, 12))
    ]
    state = obligation("TOWN01", UnitClass.TOWN, MARCH, RULES, notices)
    assert (state.due_on, state.notice_id) == (date(2027, 3, 12), notices[1].notice_id)
    assert next_due(state, RULES) == sh(2027, 3, 9)


def test_on_time_and_late_across_midnight_in_shanghai() -> None:
    # 23:59 on the 25th in Shanghai is 15:59 UTC: on time.
    last_minute = datetime(2027, 3, 25, 15, 59, tzinfo=UTC)
    assert submit(lead(), command(), UNIT, last_minute, INDICATORS).on_time
    # 00:00 on the 26th in Shanghai is still the 25th in UTC: late.
    past_midnight = datetime(2027, 3, 25, 16, 0, tzinfo=UTC)
    assert not submit(lead(), command(), UNIT, past_midnight, INDICATORS).on_time


def test_submission_refusals_name_the_field() -> None:
    now = sh(2027, 3, 20, 10)
    with pytest.raises(errors.NotTheUnitError) as e1:
        submit(lead(), command(), "OTHER01", now, INDICATORS)
    assert e1.value.field == "envelope.organization"
    with pytest.raises(errors.WrongPeriodError):
        submit(lead(), command(Period(year=2027, month=4)), UNIT, now, INDICATORS)
    with pytest.raises(errors.WrongPeriodError) as e2:
        submit(lead(), command(), UNIT, sh(2027, 2, 28, 10), INDICATORS)
    assert e2.value.field == "data.period"
    with pytest.raises(errors.UnknownIndicatorError) as e3:
        submit(lead(), command(), UNIT, now, set())
    assert e3.value.field == "data.body.indicators.0.indicator"


def test_a_report_needs_an_indicator_value_and_a_case() -> None:
    with pytest.raises(ValueError, match="cases"):
        ReportBody(progress="p", problems="q", next_steps="n", indicators=body().indicators)
    with pytest.raises(ValueError, match="indicators"):
        ReportBody(progress="p", problems="q", next_steps="n", cases=body().cases)


def test_returned_for_more_then_submitted_again() -> None:
    state = lead()
    sent = submit(state, command(), UNIT, sh(2027, 3, 20, 9), INDICATORS)
    state = evolve(state, sent)
    with pytest.raises(errors.AlreadySubmittedError):
        submit(state, command(), UNIT, sh(2027, 3, 21, 9), INDICATORS)
    with pytest.raises(errors.NotSubmittedError) as wrong:
        other = ReturnReport(report_id=uuid.uuid4(), unit=UNIT, period=state.period, reason="补充")
        return_report(state, other, sh(2027, 3, 21))
    assert wrong.value.field == "data.report_id"
    returned = return_report(
        state,
        ReturnReport(
            report_id=sent.report_id, unit=UNIT, period=state.period, reason="补充具体事例"
        ),
        sh(2027, 3, 21, 9),
    )
    state = evolve(state, returned)
    again = submit(state, command(), UNIT, sh(2027, 3, 27, 9), INDICATORS)
    assert not again.on_time
    assert overdue(evolve(state, again), sh(2027, 4, 1)) is None


def test_reminders_before_the_due_date_each_once() -> None:
    state = lead()
    assert reminders(state, sh(2027, 3, 21, 23, 59), RULES) == []
    first = reminders(state, sh(2027, 3, 22), RULES)
    assert [r.days_before for r in first] == [3]
    state = evolve(state, first[0])
    assert reminders(state, sh(2027, 3, 23), RULES) == []
    second = reminders(state, sh(2027, 3, 24, 8), RULES)
    assert [r.days_before for r in second] == [1]
    state = evolve(state, submit(state, command(), UNIT, sh(2027, 3, 24, 9), INDICATORS))
    assert reminders(state, sh(2027, 3, 25), RULES) == []


def test_a_missing_report_is_overdue_once_and_next_due_says_when() -> None:
    state = lead()
    assert next_due(state, RULES) == sh(2027, 3, 22)
    state = evolve(state, reminders(state, sh(2027, 3, 22), RULES)[0])
    state = evolve(state, reminders(state, sh(2027, 3, 24), RULES)[0])
    assert next_due(state, RULES) == sh(2027, 3, 26)
    assert overdue(state, sh(2027, 3, 26) - timedelta(microseconds=1)) is None
    fact = overdue(state, sh(2027, 3, 26))
    assert fact is not None and fact.due_on == date(2027, 3, 25)
    state = evolve(state, fact)
    assert overdue(state, sh(2027, 5, 1)) is None
    assert next_due(state, RULES) is None


@given(
    st.lists(st.integers(min_value=0, max_value=60 * 24 * 15), min_size=1, max_size=30),
    st.sampled_from(list(UnitClass)),
)
def test_a_report_is_overdue_at_most_once_per_period(
    minutes: list[int], unit_class: UnitClass
) -> None:
    """Whenever the decisions run (in any order of moments), at most one overdue fact, and it
    comes only at or after next_due's overdue moment."""
    state = obligation(UNIT, unit_class, MARCH, RULES)
    start = sh(2027, 3, 20)
    found = 0
    for m in sorted(minutes):
        now = start + timedelta(minutes=m)
        for reminder in reminders(state, now, RULES):
            state = evolve(state, reminder)
        if (fact := overdue(state, now)) is not None:
            due_end = sh(2027, 3, 26) if unit_class is UnitClass.LEAD_UNIT else sh(2027, 4, 1)
            assert now >= due_end
            found += 1
            state = evolve(state, fact)
    assert found <= 1


def test_every_refusal_has_a_test_and_names_a_field() -> None:
    """A new `ReportingError` subclass of the domain needs a test here that provokes it. The
    service's own refusals are provoked through its intake: the obligation commands' by the
    fast tier's refusal guard (tests/fast/test_reporting_refusals.py), the snapshot commands'
    by their own tests."""
    here = Path(__file__).parent
    text = "".join(p.read_text(encoding="utf-8") for p in here.glob("test_reporting_*.py"))
    domain = [c for c in errors.ReportingError.__subclasses__() if c.__module__ == errors.__name__]
    assert len(domain) >= 7
    for cls in domain:
        assert f"pytest.raises(errors.{cls.__name__})" in text, cls.__name__
        assert cls.field != "data", cls.__name__


def test_the_schedule_is_data_and_bad_values_are_named(tmp_path: Path) -> None:
    rules = ReportingRules.of(load_schedule())
    assert rules == ReportingRules(lead_day=25, reminder_days=(3, 1))
    bad = tmp_path / "obligations.yaml"
    bad.write_text(
        "version: '2026-12'\nsource_documents: {a: b}\n"
        "source: {document: a, category: c}\nlead_day: 32\nreminder_days: [3, 3]\n",
        encoding="utf-8",
    )
    with pytest.raises(DataError) as refused:
        load_schedule(bad)
    assert "field lead_day" in str(refused.value)
    assert "field reminder_days: Value error, a reminder day appears twice" in str(refused.value)
