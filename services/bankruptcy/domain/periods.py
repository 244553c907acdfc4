"""期间 — how the law's periods are counted (民事诉讼法 第八十五条, applied by 企业破产法 第四条). The
day a period starts from is not counted; a period in days ends on the n-th day after it, one in
months on the same day of the n-th month after it, or that month's last day; and a last day that
is a rest day (a weekend day or public holiday, not a weekend worked in lieu) moves to the next
working day (`days_from`, `months_from`). Statutory clocks here are calendar periods; the
bureaus' acknowledgement is counted in working days. Both on the official holiday calendar
(`contracts.workdays`)."""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime, time, timedelta

from contracts.workdays import CalendarUnknownError, add_working_days, last_day_of_period_if_known


def add_days(day: date, n: int) -> date:
    """The day `n` calendar days after `day`, not moved past rest days: a task's due day, which
    is the catalogue's, not the law's."""
    return day + timedelta(days=n)


def add_months(day: date, n: int) -> date:
    """The day a count of `n` months from `day` ends: the same day `n` months on, or the last day
    of that month when it has no such day (31 August + 6 months = 28/29 February)."""
    month = day.month - 1 + n
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def days_from(day: date, n: int) -> date:
    """The last day of a statutory period of `n` days from `day`: the n-th day after it, or the
    next working day when that is a rest day. For a year whose calendar is not published yet the
    n-th day, unmoved (`last_day_of_period_if_known`)."""
    return last_day_of_period_if_known(add_days(day, n))


def months_from(day: date, n: int) -> date:
    """The last day of a statutory period of `n` months from `day` (`add_months`), moved past a
    rest day as `days_from`."""
    return last_day_of_period_if_known(add_months(day, n))


def working_days_or_none(day: date, n: int) -> date | None:
    """`add_working_days`, or None when a year it needs has no published calendar yet."""
    try:
        return add_working_days(day, n)
    except CalendarUnknownError:
        return None


def midnight(day: date) -> datetime:
    """The first moment of `day`, in UTC: when a period that ended the day before has passed."""
    return datetime.combine(day, time(0), tzinfo=UTC)
