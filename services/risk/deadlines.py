"""期限 — memo items past their due date and the leading group's meeting are facts too: once one
passes, the office records it and the leading group (and the owner unit) are told, once per
period, on the service's injectable clock. What is due comes from the due projection
(`projections.DUE_STREAMS`, over `domain.next_due`)."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from datetime import datetime

import structlog
from opentelemetry import trace

from contracts.organizations import PLATFORM_CODE
from services.risk import domain
from services.risk.handlers import Handlers, emit, load
from services.risk.projections import Reads
from services.runtime.deadlines import apply_due, continuing, run_ticks
from services.runtime.eventstore import EventStore

log = structlog.get_logger("risk.deadlines")
tracer = trace.get_tracer("fuyuan.risk.deadlines")


class Deadlines:
    """Acts on the streams due at the clock's now; a tick first brings the projection up to
    date, so what was committed before it is seen."""

    def __init__(
        self, store: EventStore, clock: Callable[[], datetime], handlers: Handlers, reads: Reads
    ) -> None:
        self.store, self.clock, self.handlers, self.reads = store, clock, handlers, reads

    def decide(self, state: domain.State, now: datetime) -> list[domain.Out]:
        office = getattr(state, "joint_office", "") or None
        group = self.handlers.leading_group(office) if office else None
        if isinstance(state, domain.Meeting):
            group = state.leading_group
        period = self.handlers.settings.overdue_period_days
        return domain.decide_deadlines(state, now, period, group)

    async def tick(self) -> int:
        """Act on everything due now; returns how many messages were written."""
        await self.reads.projector.catch_up()
        now, written = self.clock(), 0
        for stream_id, causes in sorted((await self.reads.due(now)).items()):
            with continuing(tracer, causes):
                written += await apply_due(
                    self.store,
                    functools.partial(load, self.store, stream_id),
                    stream_id,
                    functools.partial(self.decide, now=now),
                    lambda _state, outs: emit(outs, None, PLATFORM_CODE, self.clock()),
                )
        return written

    async def run(self, stop: asyncio.Event, every: float) -> None:
        await run_ticks(self.tick, stop, every, log)
