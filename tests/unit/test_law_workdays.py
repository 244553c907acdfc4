"""工作日 — deadlines in working days on the official calendar, with its adjusted weekends; and the
last day of a period in calendar days, moved past a rest day it falls on (民事诉讼法 第八十五条)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from contracts.workdays import last_day_of_period_if_known
from services.enforcement.domain.workdays import (
    CalendarUnknownError,
    add_working_days,
    days_period_end,
    is_working_day,
    last_day_of_period,
    period_end,
)

KNOWN = st.dates(min_value=date(2004, 1, 1), max_value=date(2026, 12, 31))
"""Days of the years the pinned calendar knows (2026's last rest days end before 2027)."""


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


# --- the last day of a period (期间届满的最后一日) ------------------------------------------------


@settings(max_examples=500, deadline=None)
@given(KNOWN)
def test_the_last_day_is_the_first_working_day_on_or_after_the_count(day: date) -> None:
    last = last_day_of_period(day)
    assert is_working_day(last)
    assert last >= day
    assert (last == day) is is_working_day(day)
    assert not any(is_working_day(day + timedelta(days=i)) for i in range((last - day).days))


@settings(max_examples=300, deadline=None)
@given(KNOWN, st.integers(min_value=0, max_value=60))
def test_a_period_in_days_does_not_count_its_start_and_ends_on_a_working_day(
    start: date, days: int
) -> None:
    counted = start + timedelta(days=days)
    assume(counted.year <= 2026)
    assert period_end(start, days) == last_day_of_period(counted) == days_period_end(start, days)


def test_a_period_ending_in_the_national_day_holiday_ends_on_the_first_working_day() -> None:
    # 1–7 October 2026 are holidays: fifteen days from 18 September end on Saturday 3 October
    assert period_end(date(2026, 9, 18), 15) == date(2026, 10, 8)
    assert last_day_of_period(date(2026, 10, 3)) == date(2026, 10, 8)


def test_a_period_ending_on_a_saturday_worked_in_lieu_ends_that_day() -> None:
    assert period_end(date(2026, 9, 25), 15) == date(2026, 10, 10)
    assert period_end(date(2026, 9, 5), 15) == date(2026, 9, 20)  # Sunday worked in lieu


def test_a_period_ending_on_a_weekend_ends_on_the_monday() -> None:
    assert period_end(date(2026, 3, 16), 5) == date(2026, 3, 23)  # Saturday 21 → Monday 23
    assert period_end(date(2026, 3, 16), 4) == date(2026, 3, 20)  # a Friday: unmoved


def test_a_period_ending_in_the_spring_festival_ends_after_it() -> None:
    # 15–23 February 2026 are holidays; Saturday 14 and 28 February are worked in lieu
    assert period_end(date(2026, 2, 1), 15) == date(2026, 2, 24)
    assert period_end(date(2026, 2, 1), 13) == date(2026, 2, 14)


def test_a_last_day_in_a_year_the_calendar_does_not_know_is_not_guessed() -> None:
    with pytest.raises(CalendarUnknownError, match="2099"):
        period_end(date(2099, 3, 2), 5)
    # where a fact must carry a last day, the counted day is kept, unmoved
    assert last_day_of_period_if_known(date(2099, 3, 7)) == date(2099, 3, 7)
    assert days_period_end(date(2026, 12, 20), 15) == date(2027, 1, 4)


def test_a_negative_period_is_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        period_end(date(2026, 3, 2), -1)
