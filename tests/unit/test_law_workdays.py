"""工作日 — deadlines in working days on the official calendar, with its adjusted weekends."""

from __future__ import annotations

from datetime import date

import pytest

from services.enforcement.domain.workdays import (
    CalendarUnknownError,
    add_working_days,
    is_working_day,
)


def test_three_working_days_after_a_monday_is_the_thursday() -> None:
    assert add_working_days(date(2026, 3, 2), 3) == date(2026, 3, 5)


def test_a_weekend_is_skipped() -> None:
    assert add_working_days(date(2026, 3, 5), 3) == date(2026, 3, 10)


def test_the_national_day_holiday_is_skipped() -> None:
    assert not is_working_day(date(2026, 10, 1))
    assert add_working_days(date(2026, 9, 30), 1) == date(2026, 10, 8)


def test_an_adjusted_working_saturday_counts_as_a_working_day() -> None:
    assert date(2026, 10, 10).weekday() == 5
    assert is_working_day(date(2026, 10, 10))
    assert add_working_days(date(2026, 10, 9), 1) == date(2026, 10, 10)


def test_zero_working_days_is_the_day_itself() -> None:
    assert add_working_days(date(2026, 10, 3), 0) == date(2026, 10, 3)


def test_a_year_the_calendar_does_not_know_is_refused_loudly_not_guessed() -> None:
    with pytest.raises(CalendarUnknownError, match="2099"):
        add_working_days(date(2099, 3, 2), 3)
