"""期限 — the statutory clocks and the tasks' acknowledgement and completion days are facts too:
once one passes, the court and the joint office (a clock) or the joint office (a task) are told,
once, on the service's injectable clock. The cases due come from the due-cases projection
(`projections.DueCases`, the generic projector over `domain.next_due`)."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

import structlog
from opentelemetry import trace

from contracts.organizations import PLATFORM_CODE
from services.bankruptcy import domain
from services.bankruptcy.handlers import Handlers, emit
from services.bankruptcy.projections import Reads
from services.runtime.eventstore import ConcurrencyError, EventStore, StreamWrite
from services.runtime.observability import extract_context

log = structlog.get_logger("bankruptcy.deadlines")
tracer = trace.get_tracer("fuyuan.bankruptcy.deadlines")


def _stored(headers: str | dict[str, str] | None) -> dict[str, str]:
    # asyncpg gives jsonb as text unless the pool registered a codec for it
    return json.loads(headers) if isinstance(headers, str) else dict(headers or {})


def continuing(causes: list[Any]) -> contextlib.AbstractContextManager[trace.Span]:
    """A span in the trace of the event that set the deadline, so the notice it causes
    continues the request behind it."""
    ctx = extract_context(_stored(causes[0])) if causes else None
    return tracer.start_as_current_span("deadline due", context=ctx)


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
            with continuing(causes):
                written += await self._apply(stream_id, functools.partial(self.decide, now=now))
        return written

    async def _apply(
        self, stream_id: str, decide: Callable[[domain.BankruptcyCase], list[domain.Out]]
    ) -> int:
        case, version = await self.handlers.cases.load(self.store, stream_id)
        outs = decide(case)
        if not outs:
            return 0
        events = emit(outs, None, PLATFORM_CODE, self.clock(), case.number)
        try:
            await self.store.append(StreamWrite(stream_id, version, events))
        except ConcurrencyError:  # the case moved meanwhile; look again next tick
            return 0
        return len(outs)

    async def run(self, stop: asyncio.Event, every: float) -> None:
        while not stop.is_set():
            try:
                async with asyncio.timeout(max(60.0, every * 10)):
                    await self.tick()
            except Exception as exc:
                log.warning("deadline tick failed", error=repr(exc))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), every)
