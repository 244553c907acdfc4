"""读取 — the reporting service's read models (services/reporting/views.py), as the screens
ask for them. `Reads` is the port over the pool; the fast tests subclass it with nothing in it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any, TypeVar

import asyncpg

from services.reporting import views
from services.reporting.workbench.audit import Audit

T = TypeVar("T")


class Reads:
    def __init__(
        self,
        pool: asyncpg.Pool | None,
        schema: str = "reporting",
        audit: Audit | None = None,
        public_key: str = "",
    ) -> None:
        self.pool, self.schema = pool, schema
        self.audit = audit or Audit()
        self.public_key = public_key
        """The ledger's Ed25519 public key (base64) checkpoints are checked against."""

    async def _call(self, query: Callable[..., Awaitable[list[T]]], *args: Any) -> list[T]:
        return await query(self.pool, self.schema, *args)

    async def due_items(self, unit: str, now: datetime) -> list[views.Item]:
        return await self._call(views.due_items, unit, now)

    async def ledger(self, unit: str | None, now: datetime) -> list[views.Item]:
        return await self._call(views.ledger, None, unit, None, now)

    async def linkage_items(self, unit: str | None) -> list[views.Item]:
        return await self._call(views.linkage_items, unit)

    async def memo_items(self, unit: str | None) -> list[views.Item]:
        return await self._call(views.memo_items, unit)

    async def meetings(self) -> list[views.Meeting]:
        return await self._call(views.meetings)

    async def risk_cases(self, unit: str | None) -> list[views.Item]:
        return await self._call(views.risk_cases, unit)

    async def bankruptcy_cases(self) -> list[views.BankruptcyCase]:
        return await self._call(views.bankruptcy_cases)

    async def bankruptcy_tasks(self, case_number: str) -> list[views.Item]:
        return await self._call(views.bankruptcy_tasks, case_number)

    async def reports(self) -> list[views.ReportStatus]:
        return await self._call(views.reports)

    async def indicator_series(self, indicator: str) -> list[views.IndicatorPoint]:
        return await self._call(views.indicator_series, indicator)

    async def assessments(self) -> list[views.Assessment]:
        return await self._call(views.assessments)

    async def timeline(self, case_number: str) -> list[views.TimelineEntry]:
        return await self._call(views.timeline, case_number)

    async def overdue(self) -> list[views.OverdueEntry]:
        return await self._call(views.overdue)
