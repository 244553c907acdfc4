"""报送义务 — who reports by when, on time or late, reminders, returns and overdue reports.

Lead units report by the 25th of each month, towns and streets by month-end; an ad-hoc notice
from the office replaces the regular date for the period and units it names (另有报送通知的以具体
通知为准; the latest notice wins). Dates are calendar dates in Asia/Shanghai: a report is on time
when submitted on or before its due date there. Pure: time is an argument.
"""

from __future__ import annotations

import calendar
from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from uuid import UUID
from zoneinfo import ZoneInfo

from contracts.reporting.reports import (
    IssueReportingNotice,
    Period,
    ReportingNoticeIssued,
    ReportOverdue,
    ReportReminded,
    ReportReturned,
    ReportSubmitted,
    ReturnReport,
    SubmitReport,
    UnitClass,
)
from contracts.reporting.schedule import ObligationSchedule
from services.reporting.domain.errors import (
    AlreadySubmittedError,
    NoticeNotForUnitError,
    NotSubmittedError,
    NotTheUnitError,
    UnknownIndicatorError,
    WrongPeriodError,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")


@dataclass(frozen=True)
class ReportingRules:
    """The configurable part ([U]): the lead units' day and the reminder days before the due
    date. The seeds do not say what happens when the day is a holiday: it stays a calendar
    date."""

    lead_day: int = 25
    reminder_days: tuple[int, ...] = (3, 1)

    @classmethod
    def of(cls, schedule: ObligationSchedule) -> ReportingRules:
        """The rules from the data (`deploy/reporting/obligations.yaml`)."""
        return cls(lead_day=schedule.lead_day, reminder_days=schedule.reminder_days)


def regular_due(unit_class: UnitClass, period: Period, rules: ReportingRules) -> date:
    last = calendar.monthrange(period.year, period.month)[1]
    day = min(rules.lead_day, last) if unit_class is UnitClass.LEAD_UNIT else last
    return date(period.year, period.month, day)


def period_start(period: Period) -> datetime:
    return datetime.combine(date(period.year, period.month, 1), time(), SHANGHAI)


def period_end(period: Period) -> datetime:
    """The first moment after the period (exclusive end), in Asia/Shanghai."""
    last = calendar.monthrange(period.year, period.month)[1]
    return day_start(date(period.year, period.month, last) + timedelta(days=1))


def day_start(day: date) -> datetime:
    return datetime.combine(day, time(), SHANGHAI)


def overdue_moment(due_on: date) -> datetime:
    """The first moment after the due date: a report still missing then is overdue."""
    return day_start(due_on + timedelta(days=1))


def reminder_moment(due_on: date, days_before: int) -> datetime:
    return day_start(due_on - timedelta(days=days_before))


def on_time(submitted_at: datetime, due_on: date) -> bool:
    return submitted_at < overdue_moment(due_on)


@dataclass(frozen=True)
class Obligation:
    """One unit's report for one period, as its events left it."""

    unit: str
    unit_class: UnitClass
    period: Period
    due_on: date
    notice_id: UUID | None = None
    report_id: UUID | None = None
    """The report that stands (submitted and not returned)."""
    submitted_once: bool = False
    reminded: frozenset[int] = frozenset()
    overdue: bool = False


def obligation(
    unit: str,
    unit_class: UnitClass,
    period: Period,
    rules: ReportingRules,
    notices: Sequence[ReportingNoticeIssued] = (),
) -> Obligation:
    """The obligation with its due date: the regular one unless a notice names it."""
    state = Obligation(unit, unit_class, period, regular_due(unit_class, period, rules))
    for notice in notices:
        if notice.period == period and unit in notice.units:
            state = evolve(state, notice)
    return state


def issue_notice(command: IssueReportingNotice) -> ReportingNoticeIssued:
    return ReportingNoticeIssued(**command.model_dump())


def submit(
    state: Obligation,
    command: SubmitReport,
    sender: str,
    now: datetime,
    indicators: Collection[str],
) -> ReportSubmitted:
    if sender != state.unit:
        raise NotTheUnitError(f"the report is owed by {state.unit}, not {sender}")
    if command.period != state.period:
        raise WrongPeriodError(f"the obligation is for {state.period}, not {command.period}")
    if now < period_start(state.period):
        raise WrongPeriodError(f"the period {state.period} has not begun")
    if state.report_id is not None:
        raise AlreadySubmittedError(f"a report for {state.period} stands; it was not returned")
    for n, value in enumerate(command.body.indicators):
        if value.indicator not in indicators:
            raise UnknownIndicatorError(
                f"no indicator {value.indicator!r} in the catalogue",
                f"data.body.indicators.{n}.indicator",
            )
    return ReportSubmitted(
        report_id=command.report_id,
        unit=state.unit,
        period=state.period,
        due_on=state.due_on,
        submitted_at=now,
        on_time=on_time(now, state.due_on),
        body=command.body,
    )


def return_report(state: Obligation, command: ReturnReport, now: datetime) -> ReportReturned:
    if state.report_id is None or state.report_id != command.report_id:
        raise NotSubmittedError(f"no report {command.report_id} stands for {state.period}")
    return ReportReturned(
        report_id=command.report_id,
        unit=state.unit,
        period=state.period,
        reason=command.reason,
        returned_at=now,
    )


def reminders(state: Obligation, now: datetime, rules: ReportingRules) -> list[ReportReminded]:
    """Reminders whose moment has come, each once, none once a report was submitted or the
    report is overdue."""
    if state.submitted_once or state.overdue or now >= overdue_moment(state.due_on):
        return []
    return [
        ReportReminded(unit=state.unit, period=state.period, due_on=state.due_on, days_before=d)
        for d in sorted(set(rules.reminder_days), reverse=True)
        if d not in state.reminded and now >= reminder_moment(state.due_on, d)
    ]


def overdue(state: Obligation, now: datetime) -> ReportOverdue | None:
    """A report never submitted by the end of its due date: recorded once."""
    if state.submitted_once or state.overdue or now < overdue_moment(state.due_on):
        return None
    return ReportOverdue(unit=state.unit, period=state.period, due_on=state.due_on, noted_at=now)


def next_due(state: Obligation, rules: ReportingRules) -> datetime | None:
    """The next moment a decision above would record something (the same thresholds)."""
    if state.submitted_once or state.overdue:
        return None
    moments = [
        reminder_moment(state.due_on, d) for d in rules.reminder_days if d not in state.reminded
    ]
    return min([*moments, overdue_moment(state.due_on)])


Fact = ReportingNoticeIssued | ReportSubmitted | ReportReturned | ReportReminded | ReportOverdue


def evolve(state: Obligation, event: Fact) -> Obligation:
    if isinstance(event, ReportingNoticeIssued):
        if event.period != state.period or state.unit not in event.units:
            raise NoticeNotForUnitError(f"the notice does not name {state.unit} for {state.period}")
        return replace(state, due_on=event.due_on, notice_id=event.notice_id)
    if isinstance(event, ReportSubmitted):
        return replace(state, report_id=event.report_id, submitted_once=True)
    if isinstance(event, ReportReturned):
        return replace(state, report_id=None)
    if isinstance(event, ReportReminded):
        return replace(state, reminded=state.reminded | {event.days_before})
    return replace(state, overdue=True)
