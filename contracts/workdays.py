"""工作日 — deadlines the law counts in working days (e.g. 法释〔2017〕7号 第九条、第十条: delete,
revoke or correct within three working days), on the official calendar of public holidays and
the adjusted working weekends (调休) the State Council publishes each year; and the last day of a
period counted in calendar days or months, which moves past the rest days it falls on (民事诉讼法
第八十五条, 第八十二条 before 2024: "期间届满的最后一日是法定休假日的，以法定休假日后的第一日为期间届满的日期").

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


def last_day_of_period(day: date) -> date:
    """The last day of a period whose count ends on `day`: `day` itself when it is a working
    day, else the first working day after it (民事诉讼法 第八十五条). A rest day (法定休假日) is a
    weekend day or a public holiday; a weekend day worked in lieu (调休上班) is a working day, so a
    period ending on it ends there. Raises `CalendarUnknownError` when a day it must look at lies
    in a year the calendar does not know."""
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def period_end(start: date, days: int) -> date:
    """The last day of a period of `days` calendar days from `start`: the start day is not
    counted (期间开始的日不计算在期间内), so the count ends `days` days on, and a rest day there
    moves it to the next working day (`last_day_of_period`). Raises `CalendarUnknownError` as
    `last_day_of_period` does."""
    if days < 0:
        raise ValueError("days must not be negative")
    return last_day_of_period(start + timedelta(days=days))


def last_day_of_period_if_known(day: date) -> date:
    """`last_day_of_period`, or `day` unmoved when a year it must look at has no published
    calendar yet: a fact must carry its last day, and the unmoved day is never after the law's,
    so around an unknown holiday a step can be called late a day or two early, never missed."""
    try:
        return last_day_of_period(day)
    except CalendarUnknownError:
        return day
