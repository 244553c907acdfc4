"""期限 — reminders before a report's due date and the report left overdue are facts too: at each
configured day before the date a reminder, and once the date has passed without a submission
`ReportOverdue`, once; each published under the unit's code, so the unit reads it with its own
permissions. What is owed comes from the schedule (lead units, towns), the units the period's
notices name (`projections.Reads.noticed`) and each obligation's own stream."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from datetime import datetime

import structlog
from opentelemetry import trace

from contracts.organizations import PLATFORM_CODE
from contracts.reporting.reports import Period
from services.reporting.domain import obligations
from services.reporting.domain.obligations import SHANGHAI, Obligation
from services.reporting.handlers import Handlers, Out, emit
from services.reporting.projections import Reads, obligation_stream
from services.runtime.deadlines import apply_due, run_ticks
from services.runtime.eventstore import EventStore

log = structlog.get_logger("reporting.deadlines")
tracer = trace.get_tracer("fuyuan.reporting.deadlines")


def periods(now: datetime, back: int, since: str = "") -> list[Period]:
    """The month of `now` in Asia/Shanghai and the `back` months before it, oldest first,
    none before `since` (`YYYY-MM`, when given)."""
    local = now.astimezone(SHANGHAI)
    months = local.year * 12 + local.month - 1
    found = [Period(year=m // 12, month=m % 12 + 1) for m in range(months - back, months + 1)]
    return [p for p in found if str(p) >= since]


def decide(state: Obligation, now: datetime, handlers: Handlers) -> list[Out]:
    """The reminders whose day has come and the overdue fact, each under the unit."""
    found: list[Out] = [(r, state.unit) for r in obligations.reminders(state, now, handlers.rules)]
    if (late := obligations.overdue(state, now)) is not None:
        found.append((late, state.unit))
    return found


class Deadlines:
    """Acts on the obligations due at the clock's now; a tick first brings the notice
    projection up to date, so a notice committed before it is seen."""

    def __init__(
        self,
        store: EventStore,
        clock: Callable[[], datetime],
        handlers: Handlers,
        reads: Reads,
        back: int,
        since: str = "",
    ) -> None:
        self.store, self.clock, self.handlers, self.reads = store, clock, handlers, reads
        self.back, self.since = back, since

    async def owed(self, period: Period) -> list[str]:
        return sorted({*self.handlers.units.scheduled(), *await self.reads.noticed(period)})

    async def tick(self) -> int:
        """Act on everything due now; returns how many messages were written."""
        await self.reads.projector.catch_up()
        now, written = self.clock(), 0
        with tracer.start_as_current_span("reporting deadlines"):
            for period in periods(now, self.back, self.since):
                for unit in await self.owed(period):
                    written += await apply_due(
                        self.store,
                        functools.partial(self.handlers.obligation, period, unit),
                        obligation_stream(period, unit),
                        functools.partial(decide, now=now, handlers=self.handlers),
                        lambda _state, outs: emit(outs, None, PLATFORM_CODE, self.clock()),
                    )
        return written

    async def run(self, stop: asyncio.Event, every: float) -> None:
        await run_ticks(self.tick, stop, every, log)
