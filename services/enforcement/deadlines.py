"""期限 — deadlines are facts too: overdue queries are closed and controls near their last day
are warned about or recorded as lapsed, on the service's injectable clock. The cases due come
from the due-cases projection (`projections.due_cases`): each area's rule is written once, in
the domain, and the projection keeps the earliest moment per case."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from datetime import datetime
from typing import Any

import asyncpg
import structlog
from opentelemetry import trace

from contracts.organizations import PLATFORM_CODE
from services.enforcement.domain import (
    Case,
    duties,
    objections,
    publication,
    requery,
    sanctions,
)
from services.enforcement.domain import control as controls
from services.enforcement.domain import query as queries
from services.enforcement.domain.query import Out
from services.enforcement.handlers import Handlers, case_stream, emit
from services.enforcement.projections import DueRead, on_postgres
from services.runtime.deadlines import apply_due, continuing, run_ticks
from services.runtime.eventstore import EventStore, NewEvent
from services.runtime.projector import Projector

log = structlog.get_logger("deadlines")
tracer = trace.get_tracer("fuyuan.deadlines")


class Deadlines:
    """Acts on the cases due at the clock's now. Given no projector, it reads the service's
    projections in PostgreSQL (`pool`, `schema`); a tick first brings them up to date, so
    what was committed before it is seen."""

    def __init__(
        self,
        store: EventStore,
        pool: asyncpg.Pool | None,
        schema: str,
        clock: Callable[[], datetime],
        handlers: Handlers,
        projector: Projector | None = None,
    ) -> None:
        self.store, self.pool, self.clock, self.handlers = store, pool, clock, handlers
        if projector is None:
            if pool is None:
                raise ValueError("the deadlines need a projector or a PostgreSQL pool")
            projector = on_postgres(pool, schema, store, handlers.catalogue.on_report())
        self.projector, self._read = projector, DueRead(projector)

    async def due_cases(self, now: datetime) -> list[str]:
        return sorted(await self.due(now))

    async def due(self, now: datetime) -> dict[str, list[Any]]:
        """Case number → the stored trace headers of the event that made it due."""
        return await self._read.due(now)

    def decide(self, case: Case, now: datetime) -> list[Out]:
        h, court = self.handlers, case.executing_court or ""
        routing = h.routing(court) if case.closed_on else {}
        escalates = (
            case.sanctions
            or case.objections
            or case.listing_requests
            or controls.excess_pending(case)
        )
        office = h.joint_office(court) if escalates else PLATFORM_CODE
        ack = h.settings.ack_within
        return (
            queries.decide_deadline(case, now)
            + controls.decide_expiry(case, now.date())
            + requery.decide_requery(case, now, routing, h.settings.respond_within)
            + sanctions.decide_expiry(case, now, ack)
            + sanctions.decide_overdue(case, now, office, h.catalogue.on_report())
            + duties.decide_duty_overdue(case, now, office)
            + duties.decide_request_overdue(case, now, office)
            + publication.decide_publication(case, now, ack)
            + objections.decide_objection_overdue(case, now, office)
            + controls.decide_excess_overdue(case, now.date(), office)
        )

    async def tick(self) -> int:
        """Act on everything due now; returns how many messages were written."""
        await self.projector.catch_up()
        now, written = self.clock(), 0
        for case_number, causes in sorted((await self.due(now)).items()):
            with continuing(tracer, causes):
                written += await apply_due(
                    self.store,
                    functools.partial(self.handlers.cases.load, self.store, case_number),
                    case_stream(case_number),
                    lambda c: self.decide(c, now),
                    functools.partial(self.emit, case_number, now),
                )
        return written

    def emit(self, case_number: str, now: datetime, case: Case, outs: list[Out]) -> list[NewEvent]:
        """The platform's messages of a due decision on the case."""
        return emit(outs, None, PLATFORM_CODE, now, case_number)

    async def run(self, stop: asyncio.Event, every: float) -> None:
        await run_ticks(self.tick, stop, every, log)
