"""This service's read side of its own log: `notice_units`, the units each ad-hoc notice names
per period with its due date (the latest notice wins), written by the generic projector
(`services.runtime.projector`). Also the one place that names the streams.

Why no due table like the risk service's: an obligation exists before any event of it (every
lead unit and every town owes a report every month), so the deadline runner finds what is due
from the schedule, the registry and this table, and reads each obligation's own stream."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import asyncpg

from contracts.reporting.reports import Period, ReportingNoticeIssued
from services.runtime.eventstore import EventStore
from services.runtime.projector import (
    MemoryProjector,
    MemoryTables,
    PostgresProjector,
    Projected,
    Projection,
    Projector,
    Rows,
    Table,
)

NAME = "reporting"
"""The projector's name: its checkpoint row."""
NOTICES = "reporting-notices-"
OBLIGATION = "reporting-obligation-"
NOTICE_UNITS = Table(
    "notice_units",
    key=("period", "unit"),
    columns=("period", "unit", "notice_id", "due_on", "position"),
)


def notices_stream(period: Period) -> str:
    """The ad-hoc notices of one period, in the order the office issued them."""
    return f"{NOTICES}{period}"


def obligation_stream(period: Period, unit: str) -> str:
    """One unit's report for one period: submissions, returns, reminders, overdue."""
    return f"{OBLIGATION}{period}-{unit}"


class NoticeUnits(Projection):
    tables = (NOTICE_UNITS,)

    def wants(self, stream_id: str, type_: str) -> bool:
        return stream_id.startswith(NOTICES) and type_ == ReportingNoticeIssued.TYPE

    async def apply(self, event: Projected, rows: Rows) -> None:
        notice: ReportingNoticeIssued = event.message.data
        for unit in notice.units:
            key = (str(notice.period), unit)
            row = await rows.get(NOTICE_UNITS, key)
            if row is not None and row["position"] >= event.position:
                continue  # applied already, or a later notice wins
            await rows.put(
                NOTICE_UNITS,
                {
                    "period": key[0],
                    "unit": unit,
                    "notice_id": notice.notice_id,
                    "due_on": notice.due_on,
                    "position": event.position,
                },
            )


class Reads:
    """What the deadline runner reads."""

    def __init__(self, projector: Projector) -> None:
        self.projector = projector

    async def noticed(self, period: Period) -> list[str]:
        """The units a notice names for the period."""
        rows: list[dict[str, Any]] = await self.projector.select(
            NOTICE_UNITS, equal={"period": str(period)}
        )
        return sorted(r["unit"] for r in rows)


def projections() -> Sequence[Projection]:
    return [NoticeUnits()]


def on_postgres(pool: asyncpg.Pool, schema: str, store: EventStore) -> Projector:
    return PostgresProjector(pool, schema, NAME, projections())


def on_memory(store: EventStore, tables: MemoryTables | None = None) -> Projector:
    return MemoryProjector(store, NAME, projections(), tables)
