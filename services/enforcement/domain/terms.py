"""法定期限 — statutory terms of controls: deposits and other money at most one year, movables
(vehicles, equity) two, real estate three."""

from __future__ import annotations

from datetime import date, timedelta

from contracts.enforcement import PropertyKind

TERM_YEARS = {
    PropertyKind.DEPOSIT: 1, PropertyKind.FINANCIAL_PRODUCT: 1, PropertyKind.ONLINE_FUNDS: 1,
    PropertyKind.PROVIDENT_FUND: 1, PropertyKind.SECURITIES: 1,
    PropertyKind.VEHICLE: 2, PropertyKind.EQUITY: 2,
    PropertyKind.REAL_ESTATE: 3,
}  # fmt: skip
MONEY = frozenset({PropertyKind.DEPOSIT, PropertyKind.FINANCIAL_PRODUCT,
                   PropertyKind.ONLINE_FUNDS, PropertyKind.PROVIDENT_FUND})  # fmt: skip
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


def until(start: date, term_days: int) -> date:
    return start + timedelta(days=term_days - 1)


def within_term(kind: PropertyKind, start: date, term_days: int) -> bool:
    return until(start, term_days) <= latest_until(kind, start)


def is_expiring(last_day: date, today: date) -> bool:
    return today <= last_day and last_day - today <= WARN_AHEAD


def has_lapsed(last_day: date, today: date) -> bool:
    return today > last_day
