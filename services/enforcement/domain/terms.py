"""法定期限 — statutory terms of controls (民诉法解释 第四百八十五条): deposits and other money at
most one year, movables (vehicles) two, real estate and other property rights (equity, securities)
three. The table, with the basis per kind, is `contracts.enforcement.terms.STATUTORY_TERMS`."""

from __future__ import annotations

from datetime import date, timedelta

from contracts.enforcement import PropertyKind
from contracts.enforcement.terms import STATUTORY_TERMS

TERM_YEARS = {t.kind: t.years for t in STATUTORY_TERMS}
"""The longest term of a control, in years, by kind."""
MONEY = frozenset(
    {
        PropertyKind.DEPOSIT,
        PropertyKind.FINANCIAL_PRODUCT,
        PropertyKind.ONLINE_FUNDS,
        PropertyKind.PROVIDENT_FUND,
        PropertyKind.SECURITIES_CASH,
    }
)
"""Kinds from which frozen money can be deducted (扣划) without a sale."""
WARN_AHEAD = timedelta(days=30)
"""The court is warned this long before a control expires."""


def add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def latest_until(kind: PropertyKind, start: date) -> date:
    """The last day a control that starts on `start` may run."""
    return add_years(start, TERM_YEARS[kind]) - timedelta(days=1)


def renewal_start(last_day: date) -> date:
    """续行 — a renewal runs on from the day after the old last day, so no day is lost or
    counted twice (CSDC: the new last day minus the old one is at most the statutory term)."""
    return last_day + timedelta(days=1)


def until(start: date, term_days: int) -> date:
    return start + timedelta(days=term_days - 1)


def within_term(kind: PropertyKind, start: date, term_days: int) -> bool:
    return until(start, term_days) <= latest_until(kind, start)


def warn_on(last_day: date) -> date:
    """The first day the court is warned that a control ending on `last_day` expires."""
    return last_day - WARN_AHEAD


def lapses_on(last_day: date) -> date:
    """The first day a control ending on `last_day` no longer holds."""
    return last_day + timedelta(days=1)


def is_expiring(last_day: date, today: date) -> bool:
    return warn_on(last_day) <= today < lapses_on(last_day)


def has_lapsed(last_day: date, today: date) -> bool:
    return today >= lapses_on(last_day)
