"""工作日 — deadlines the law counts in working days (e.g. 法释〔2017〕7号 第九条、第十条: delete,
revoke or correct within three working days), on the official calendar of public holidays and
the adjusted working weekends (调休) the State Council publishes each year; and the last day of a
period counted in calendar days or months, which moves past the rest days it falls on (民事诉讼法
第八十五条, 第八十二条 before 2024: "期间届满的最后一日是法定休假日的，以法定休假日后的第一日为期间届满的日期").

The calendar is the maintained `chinesecalendar` package, pinned; a new year's calendar arrives
with a new release of it, published after the State Council's notice (usually in November).
Until that release, an operator loads the notice as data: a file named by the setting
`FUYUAN_HOLIDAY_CALENDAR` (`load_calendar`), installed once at a service's start (`install`),
wins for each year it names. Reference data and pure functions, shared by the services' domains
(which may not import each other), as the contracts' other reference data is.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import chinese_calendar
import yaml


class CalendarUnknownError(LookupError):
    """The holiday calendar of a year is not known yet: a deadline in working days cannot be
    computed, and guessing one (weekends only) could be wrong by a week around a holiday."""


class CalendarFileError(ValueError):
    """A holiday calendar file an operator gave is not a calendar: the message names the entry."""


@dataclass(frozen=True)
class YearCalendar:
    """One year's official calendar, as the State Council's notice gives it: its public holidays
    (with the weekend days inside a holiday) and the weekend days worked in lieu (调休上班)."""

    holidays: frozenset[date]
    workdays: frozenset[date]

    def is_working_day(self, day: date) -> bool:
        return day in self.workdays or (day.weekday() < 5 and day not in self.holidays)


_loaded: Mapping[int, YearCalendar] = {}
"""The years of the operator's file, installed at start (`install`); they win over the package."""


def is_working_day(day: date) -> bool:
    """Whether `day` is a working day: a weekday that is not a public holiday, or a weekend day
    made a working day in lieu (调休上班).

    Raises `CalendarUnknownError` for a year neither the installed calendar file nor the pinned
    package covers, rather than guess: load that year's notice (`FUYUAN_HOLIDAY_CALENDAR`) when
    the State Council publishes it, and update `chinesecalendar` when a release has it."""
    year = _loaded.get(day.year)
    if year is not None:
        return year.is_working_day(day)
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError as e:
        raise CalendarUnknownError(
            f"no official holiday calendar for {day.year} in chinesecalendar "
            f"{chinese_calendar.__version__} nor in FUYUAN_HOLIDAY_CALENDAR: load the State "
            "Council's notice for that year, or update the package"
        ) from e


def package_years() -> range:
    """The years the pinned `chinesecalendar` knows."""
    days = chinese_calendar.holidays
    return range(min(days).year, max(days).year + 1)


def known_years() -> list[int]:
    """Every year with an official calendar: the package's and the installed file's."""
    return sorted({*package_years(), *_loaded})


def install(path: Path | None) -> list[int]:
    """Load the calendar file at `path` (`load_calendar`) and let its years win over the
    package's from now on; None leaves the package alone. Called once at a service's start,
    from its settings. Returns the years the file named."""
    global _loaded
    _loaded = load_calendar(path) if path is not None else {}
    return sorted(_loaded)


def load_calendar(path: Path) -> dict[int, YearCalendar]:
    """The years of a calendar file (YAML, or JSON, which YAML reads as well)::

        2099:
          holidays: [2099-01-01, 2099-01-26..2099-02-01]   # a day, or a range first..last
          workdays: [2099-01-24]                          # weekend days worked in lieu

    Strict: a year that is not a year, a key other than these two, a day that is not a date or
    lies outside its year, a range that runs backwards, a day both holiday and workday, a
    weekday listed as a workday (only a weekend day is worked in lieu), or a year without a
    holiday fails, naming the entry."""
    try:
        raw: Any = yaml.safe_load(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as e:
        raise CalendarFileError(f"holiday calendar {path}: cannot read it: {e}") from e
    if not isinstance(raw, dict) or not raw:
        raise CalendarFileError(f"holiday calendar {path}: not a mapping of years")
    years: dict[int, YearCalendar] = {}
    for key, entry in raw.items():
        year, cal = _year(path, key, entry)
        if year in years:
            raise CalendarFileError(f"holiday calendar {path}: {key!r}: {year} named twice")
        years[year] = cal
    return years


def _year(path: Path, key: object, entry: object) -> tuple[int, YearCalendar]:
    def bad(where: str, why: str) -> CalendarFileError:
        return CalendarFileError(f"holiday calendar {path}: {where}: {why}")

    if isinstance(key, bool) or not str(key).isdigit() or not 1900 <= int(str(key)) <= 9999:
        raise bad(repr(key), "not a year")
    year = int(str(key))
    if not isinstance(entry, dict):
        raise bad(str(year), "not a mapping with holidays and workdays")
    extra = set(map(str, entry)) - {"holidays", "workdays"}
    if extra:
        raise bad(f"{year}.{sorted(extra)[0]}", "not holidays or workdays")
    days: dict[str, set[date]] = {}
    for kind in ("holidays", "workdays"):
        items = entry.get(kind) or []
        if not isinstance(items, list):
            raise bad(f"{year}.{kind}", "not a list")
        days[kind] = set()
        for i, item in enumerate(items):
            where = f"{year}.{kind}[{i}] {item!s}"
            try:
                first, last = _days(item)
            except ValueError as e:
                raise bad(where, f"not a date or range first..last ({e})") from None
            if first > last:
                raise bad(where, "the range runs backwards")
            if first.year != year or last.year != year:
                raise bad(where, f"outside {year}")
            span = {first + timedelta(days=n) for n in range((last - first).days + 1)}
            weekdays = sorted(d for d in span if d.weekday() < 5)
            if kind == "workdays" and weekdays:
                raise bad(
                    where, f"{weekdays[0]} is a weekday: only a weekend day is worked in lieu"
                )
            days[kind] |= span
    if not days["holidays"]:
        raise bad(f"{year}.holidays", "no holiday: every year has its public holidays")
    both = days["holidays"] & days["workdays"]
    if both:
        raise bad(str(year), f"{min(both)} is both a holiday and a workday")
    return year, YearCalendar(frozenset(days["holidays"]), frozenset(days["workdays"]))


def _days(item: object) -> tuple[date, date]:
    if isinstance(item, date):
        return item, item
    if not isinstance(item, str):
        raise ValueError(type(item).__name__)
    first, _, last = item.partition("..")
    return date.fromisoformat(first.strip()), date.fromisoformat((last or first).strip())


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


def add_working_days_at_earliest(day: date, n: int) -> tuple[date, bool]:
    """`add_working_days`, and False; or, when a day it must look at lies in a year whose
    calendar is not known yet, the earliest the law's day can be, and True (provisional): each
    such day is counted as a working day. (Counting weekends only would not do: a weekend worked
    in lieu can bring the law's day earlier, as Saturday 8 February 2025 did.) A duty is then
    recorded with a last day never after the law's, so an overdue notice can come early, never
    late."""
    if n < 0:
        raise ValueError("n must not be negative")
    provisional = False
    while n:
        day += timedelta(days=1)
        try:
            n -= is_working_day(day)
        except CalendarUnknownError:
            provisional, n = True, n - 1
    return day, provisional


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
