"""Days and moments: a period that ended the day before has passed at midnight (UTC, as the
other services count); months are calendar months."""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime, time


def midnight(day: date) -> datetime:
    """The first moment of `day`."""
    return datetime.combine(day, time(0), tzinfo=UTC)


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or the month's last day when it has none (31 → 30)."""
    total = day.year * 12 + day.month - 1 + months
    year, month = divmod(total, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))
