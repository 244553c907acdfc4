"""期限 — the statutory clocks and the tasks' acknowledgement and completion days are facts too:
once one passes, the court and the joint office (a clock) or the joint office (a task) are told,
once, on the service's injectable clock. The cases due come from the due-cases projection
(`projections.DueCases`, the generic projector over `domain.next_due`)."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from datetime import datetime

import structlog
from opentelemetry import trace

from contracts.organizations import PLATFORM_CODE
from services.bankruptcy import domain
from services.bankruptcy.handlers import Handlers, emit
from services.bankruptcy.projections import Reads
from services.runtime.deadlines import apply_due, continuing, run_ticks
from services.runtime.eventstore import EventStore

log = structlog.get_logger("bankruptcy.deadlines")
tracer = trace.get_tracer("fuyuan.bankruptcy.deadlines")


class Deadlines:
    """Acts on the cases due at the clock's now; a tick first brings the projections up to
    date, so what was committed before it is seen."""

    def __init__(
        self, store: EventStore, clock: Callable[[], datetime], handlers: Handlers, reads: Reads
    ) -> None:
        self.store, self.clock, self.handlers, self.reads = store, clock, handlers, reads

    def decide(self, case: domain.BankruptcyCase, now: datetime) -> list[domain.Out]:
        return domain.decide_deadlines(case, now, self.handlers.joint_office(case.court))

    async def tick(self) -> int:
        """Act on everything due now; returns how many messages were written."""
        await self.reads.projector.catch_up()
        now, written = self.clock(), 0
        for stream_id, causes in sorted((await self.reads.due(now)).items()):
            with continuing(tracer, causes):
                written += await apply_due(
                    self.store,
                    functools.partial(self.handlers.cases.load, self.store, stream_id),
                    stream_id,
                    functools.partial(self.decide, now=now),
                    lambda case, outs: emit(outs, None, PLATFORM_CODE, self.clock(), case.number),
                )
        return written

    async def run(self, stop: asyncio.Event, every: float) -> None:
        await run_ticks(self.tick, stop, every, log)
