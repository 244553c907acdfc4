"""期限 — memo items past their due date and the leading group's meeting are facts too: once one
passes, the office records it and the leading group (and the owner unit) are told, once per
period, on the service's injectable clock. What is due comes from the due projection
(`projections.DUE_STREAMS`, over `domain.next_due`)."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

import structlog
from opentelemetry import trace

from contracts.organizations import PLATFORM_CODE
from services.risk import domain
from services.risk.handlers import Handlers, emit, load
from services.risk.projections import Reads
from services.runtime.eventstore import ConcurrencyError, EventStore, StreamWrite
from services.runtime.observability import extract_context

log = structlog.get_logger("risk.deadlines")
tracer = trace.get_tracer("fuyuan.risk.deadlines")


def _stored(headers: str | dict[str, str] | None) -> dict[str, str]:
    # asyncpg gives jsonb as text unless the pool registered a codec for it
    return json.loads(headers) if isinstance(headers, str) else dict(headers or {})


def continuing(causes: list[Any]) -> contextlib.AbstractContextManager[trace.Span]:
    ctx = extract_context(_stored(causes[0])) if causes else None
    return tracer.start_as_current_span("deadline due", context=ctx)


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
            with continuing(causes):
                written += await self._apply(stream_id, now)
        return written

    async def _apply(self, stream_id: str, now: datetime) -> int:
        state, version = await load(self.store, stream_id)
        outs = self.decide(state, now)
        if not outs:
            return 0
        events = emit(outs, None, PLATFORM_CODE, self.clock())
        try:
            await self.store.append(StreamWrite(stream_id, version, events))
        except ConcurrencyError:  # the stream moved meanwhile; look again next tick
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
