"""期间 — how the law's periods are counted. The day a period starts from is not counted; a period
in days ends on the n-th day after it, one in months on the same day of the n-th month after it,
or that month's last day (民事诉讼法 on 期间, applied by 企业破产法 第四条). Statutory clocks
here are calendar periods; the bureaus' acknowledgement is counted in working days, on the
official holiday calendar (`contracts.workdays`)."""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime, time, timedelta

from contracts.workdays import CalendarUnknownError, add_working_days


def add_days(day: date, n: int) -> date:
    """The last day of a period of `n` days from `day`."""
    return day + timedelta(days=n)


def add_months(day: date, n: int) -> date:
    """The last day of a period of `n` months from `day`: the same day `n` months on, or the
    last day of that month when it has no such day (31 August + 6 months = 28/29 February)."""
    month = day.month - 1 + n
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def working_days_or_none(day: date, n: int) -> date | None:
    """`add_working_days`, or None when a year it needs has no published calendar yet."""
    try:
        return add_working_days(day, n)
    except CalendarUnknownError:
        return None


def midnight(day: date) -> datetime:
    """The first moment of `day`, in UTC: when a period that ended the day before has passed."""
    return datetime.combine(day, time(0), tzinfo=UTC)
