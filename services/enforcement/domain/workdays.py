"""工作日 — deadlines the law counts in working days (e.g. 法释〔2017〕7号 第九条、第十条: delete,
revoke or correct within three working days), on the official calendar (`contracts.workdays`);
and the last day of a period in calendar days, moved past a rest day it falls on (民事诉讼法
第八十五条)."""

from __future__ import annotations

from datetime import date, timedelta

from contracts.workdays import (
    CalendarUnknownError,
    add_working_days,
    add_working_days_at_earliest,
    is_working_day,
    last_day_of_period,
    last_day_of_period_if_known,
    period_end,
)

__all__ = [
    "CalendarUnknownError",
    "add_working_days",
    "add_working_days_at_earliest",
    "days_period_end",
    "is_working_day",
    "last_day_of_period",
    "period_end",
]


def days_period_end(start: date, days: int) -> date:
    """The last day of a period of `days` calendar days from `start` (the start day not counted,
    a rest day moved to the next working day); for a year the calendar does not know yet, the
    day the count ends, unmoved (`last_day_of_period_if_known`)."""
    return last_day_of_period_if_known(start + timedelta(days=days))
