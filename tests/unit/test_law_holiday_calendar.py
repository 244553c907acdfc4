"""The official holiday calendar of a year the pinned `chinesecalendar` does not have yet, loaded
as data (`FUYUAN_HOLIDAY_CALENDAR`): each year the file names wins, the package's other years stay
as they were, and a bad file is refused naming its entry. A deadline reaching a year neither
knows is the earliest the law's can be, provisional, never later than it."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import chinese_calendar
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from contracts import workdays
from contracts.workdays import (
    CalendarFileError,
    CalendarUnknownError,
    add_working_days,
    add_working_days_at_earliest,
    is_working_day,
)
from services.runtime.settings import RuntimeSettings, setting_error

EXAMPLE = Path(__file__).parents[2] / "docs" / "holiday-calendar.example.yaml"
"""The documented example: 2099, a year no real calendar will need before long."""


@pytest.fixture
def example() -> Iterator[None]:
    workdays.install(EXAMPLE)
    try:
        yield
    finally:
        workdays.install(None)


def days_of(year: int) -> list[date]:
    first = date(year, 1, 1)
    return [first + timedelta(days=n) for n in range((date(year + 1, 1, 1) - first).days)]


def written(text: str) -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "calendar.yaml"
        path.write_text(text, "utf-8")
        yield path


def test_the_example_year_is_read_as_its_notice_says(example: None) -> None:
    assert not is_working_day(date(2099, 1, 1))  # 元旦, a Thursday
    assert is_working_day(date(2099, 1, 2))
    assert is_working_day(date(2099, 1, 17))  # a Saturday worked in lieu
    assert not is_working_day(date(2099, 1, 18))  # the Sunday after it
    assert not is_working_day(date(2099, 1, 23))  # a Friday inside 春节
    # Friday 16 January: the Saturday worked counts, then 春节 (20–27 January) does not.
    assert add_working_days(date(2099, 1, 16), 3) == date(2099, 1, 28)
    assert 2099 in workdays.known_years() and 2026 in workdays.known_years()


def test_without_a_file_the_year_is_unknown_as_before() -> None:
    with pytest.raises(CalendarUnknownError, match="FUYUAN_HOLIDAY_CALENDAR"):
        is_working_day(date(2099, 1, 2))
    assert 2099 not in workdays.known_years()


YEARS = st.integers(min_value=2090, max_value=2099)


@st.composite
def calendars(draw: st.DrawFn) -> tuple[int, set[date], set[date]]:
    year = draw(YEARS)
    days = days_of(year)
    holidays = draw(st.sets(st.sampled_from(days), min_size=1, max_size=40))
    weekends = [d for d in days if d.weekday() >= 5 and d not in holidays]
    return year, holidays, draw(st.sets(st.sampled_from(weekends), max_size=10))


@settings(max_examples=40, deadline=None)
@given(calendars())
def test_with_a_file_for_a_year_every_day_is_as_the_file_says(
    cal: tuple[int, set[date], set[date]],
) -> None:
    year, holidays, worked = cal
    text = yaml.safe_dump({year: {"holidays": sorted(holidays), "workdays": sorted(worked)}})
    for path in written(text):
        try:
            assert workdays.install(path) == [year]
            for day in days_of(year):
                expected = day in worked or (day.weekday() < 5 and day not in holidays)
                assert is_working_day(day) is expected, day
        finally:
            workdays.install(None)


def test_the_file_wins_for_the_years_it_names_and_leaves_the_others_alone() -> None:
    # A file naming 2026 (here: only 1 January off) replaces the package's 2026; 2025 and 2024
    # stay the package's, day by day.
    for path in written("2026:\n  holidays: [2026-01-01]\n"):
        try:
            workdays.install(path)
            assert is_working_day(date(2026, 10, 1))  # a weekday the file does not give off
            assert not is_working_day(date(2026, 1, 1))
            for day in days_of(2025) + days_of(2024):
                assert is_working_day(day) is bool(chinese_calendar.is_workday(day)), day
        finally:
            workdays.install(None)
    assert not is_working_day(date(2026, 10, 1))  # uninstalled: the package's again


def test_a_range_first_to_last_holds_both_ends() -> None:
    for path in written("2099:\n  holidays: ['2099-10-01..2099-10-03']\n"):
        cal = workdays.load_calendar(path)[2099]
    assert cal.holidays == {date(2099, 10, 1), date(2099, 10, 2), date(2099, 10, 3)}


BAD = [
    ("- 2099-01-01\n", "not a mapping of years"),
    ("99x:\n  holidays: [2099-01-01]\n", "'99x': not a year"),
    ("2099: [2099-01-01]\n", "2099: not a mapping"),
    ("2099:\n  holidays: [2099-01-01]\n  weekends: []\n", "2099.weekends: not holidays"),
    ("2099:\n  holidays: 2099-01-01\n", "2099.holidays: not a list"),
    ("2099:\n  holidays: [2099-01-01, 2098-12-31]\n", "2099.holidays[1] 2098-12-31: outside 2099"),
    (
        "2099:\n  holidays: ['2099-12-30..2100-01-02']\n",
        "holidays[0] 2099-12-30..2100-01-02: outside",
    ),
    (
        "2099:\n  holidays: ['2099-10-07..2099-10-01']\n",
        "holidays[0] 2099-10-07..2099-10-01: the range",
    ),
    ("2099:\n  holidays: [2099-01-01, 'soon']\n", "2099.holidays[1] soon: not a date"),
    (
        "2099:\n  holidays: [2099-01-01]\n  workdays: [2099-01-17, 2099-01-19]\n",
        "workdays[1] 2099-01-19: 2099-01-19 is a weekday",
    ),
    (
        "2099:\n  holidays: ['2099-01-17..2099-01-18']\n  workdays: [2099-01-17]\n",
        "2099: 2099-01-17 is both a holiday and a workday",
    ),
    ("2099:\n  workdays: [2099-01-17]\n", "2099.holidays: no holiday"),
    ("2099:\n  holidays: [2099-01-01]\n'2099':\n  holidays: [2099-01-02]\n", "2099 named twice"),
    ("2099: {holidays: [2099-01-01\n", "cannot read it"),
]


@pytest.mark.parametrize(("text", "says"), BAD)
def test_a_bad_file_is_refused_naming_the_entry(text: str, says: str) -> None:
    for path in written(text):
        with pytest.raises(CalendarFileError) as refused:
            workdays.install(path)
        assert says in str(refused.value) and str(path) in str(refused.value)
    with pytest.raises(CalendarUnknownError):
        is_working_day(date(2099, 1, 2))  # nothing of a bad file is installed


def test_a_bad_file_is_a_bad_setting_naming_it() -> None:
    weekday = next(text for text, says in BAD if "is a weekday" in says)
    for path in written(weekday):
        with pytest.raises(ValidationError) as refused:
            RuntimeSettings(
                NATS_URL="nats://x", DATABASE_URL="postgresql://x", holiday_calendar=path
            )
        line = setting_error(refused.value)
        assert "FUYUAN_HOLIDAY_CALENDAR" in line and "2099-01-19 is a weekday" in line
    assert RuntimeSettings(NATS_URL="n", DATABASE_URL="d", holiday_calendar=EXAMPLE)


# --- the earliest last day, while a year is unknown ---------------------------------------------

KNOWN = st.dates(min_value=date(2004, 1, 1), max_value=date(2026, 12, 20))


@settings(max_examples=300, deadline=None)
@given(KNOWN, st.integers(min_value=0, max_value=5))
def test_in_a_known_year_the_earliest_day_is_the_law_s_day_itself(day: date, n: int) -> None:
    assert add_working_days_at_earliest(day, n) == (add_working_days(day, n), False)


@settings(max_examples=300, deadline=None)
@given(st.dates(min_value=date(2099, 1, 1), max_value=date(2099, 12, 20)), st.integers(1, 5))
def test_in_an_unknown_year_the_earliest_day_is_never_after_the_law_s(day: date, n: int) -> None:
    earliest, provisional = add_working_days_at_earliest(day, n)
    assert provisional
    workdays.install(EXAMPLE)  # the notice arrives afterwards: the law's day is known
    try:
        law = add_working_days(day, n)
    finally:
        workdays.install(None)
    assert earliest <= law


def test_counting_weekends_only_would_be_late_after_a_saturday_worked_in_lieu() -> None:
    # Thursday 6 February 2025; Saturday 8 February was worked in lieu: the law's third working
    # day is Monday the 10th, a count of weekdays only would give Tuesday the 11th.
    assert add_working_days(date(2025, 2, 6), 3) == date(2025, 2, 10)
