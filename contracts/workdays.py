"""工作日 — deadlines the law counts in working days (e.g. 法释〔2017〕7号 第九条、第十条: delete,
revoke or correct within three working days), on the official calendar of public holidays and
the adjusted working weekends (调休) the State Council publishes each year.

The calendar is the maintained `chinesecalendar` package, pinned; a new year's calendar arrives
with a new release of it, published after the State Council's notice (usually in November).
Reference data and pure functions, shared by the services' domains (which may not import each
other), as the contracts' other reference data is.
"""

from __future__ import annotations

from datetime import date, timedelta

import chinese_calendar


class CalendarUnknownError(LookupError):
    """The holiday calendar of a year is not known yet: a deadline in working days cannot be
    computed, and guessing one (weekends only) could be wrong by a week around a holiday."""


def is_working_day(day: date) -> bool:
    """Whether `day` is a working day: a weekday that is not a public holiday, or a weekend day
    made a working day in lieu (调休上班).

    Raises `CalendarUnknownError` for a year the pinned calendar does not cover yet, rather than
    guess: update `chinesecalendar` when the State Council publishes that year's holidays."""
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError as e:
        raise CalendarUnknownError(
            f"no official holiday calendar for {day.year} in chinesecalendar "
            f"{chinese_calendar.__version__}: update the package"
        ) from e


def add_working_days(day: date, n: int) -> date:
    """The `n`-th working day after `day` (the day itself is not counted, as in 期间 counting).
    `add_working_days(d, 0)` is `d`. Raises `CalendarUnknownError` when a day it must look at
    lies in a year the calendar does not know."""
    if n < 0:
        raise ValueError("n must not be negative")
    while n:
        day += timedelta(days=1)
        n -= is_working_day(day)
    return day
