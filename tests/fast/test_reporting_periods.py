"""The months the deadline runner looks at: the current one in Asia/Shanghai and those before
it, across a year's end, never before the first period owed."""

from __future__ import annotations

from datetime import UTC, datetime

from contracts.reporting.reports import Period
from services.reporting.deadlines import periods


def test_the_month_is_shanghais_not_utcs() -> None:
    # 31 December 17:00 UTC is already 1 January in Shanghai
    assert periods(datetime(2026, 12, 31, 17, tzinfo=UTC), 0) == [Period(year=2027, month=1)]
    assert periods(datetime(2026, 12, 31, 15, tzinfo=UTC), 0) == [Period(year=2026, month=12)]


def test_months_back_cross_the_years_end() -> None:
    assert periods(datetime(2027, 1, 10, tzinfo=UTC), 2) == [
        Period(year=2026, month=11),
        Period(year=2026, month=12),
        Period(year=2027, month=1),
    ]


def test_nothing_before_the_first_period_owed() -> None:
    at = datetime(2027, 1, 10, tzinfo=UTC)
    assert periods(at, 2, since="2026-12") == [
        Period(year=2026, month=12),
        Period(year=2027, month=1),
    ]
    assert periods(at, 2, since="2027-02") == []
