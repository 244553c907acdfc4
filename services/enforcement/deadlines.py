"""期限 — deadlines are facts too: overdue queries are closed and controls near their last day
are warned about or recorded as lapsed, on the service's injectable clock."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
from collections.abc import Callable
from datetime import date, datetime
from typing import Any
from uuid import UUID

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
from services.enforcement.domain.requery import add_months
from services.enforcement.domain.terms import WARN_AHEAD
from services.enforcement.handlers import Handlers, emit, save
from services.runtime.eventstore import ConcurrencyError, EventStore
from services.runtime.observability import extract_context

log = structlog.get_logger("deadlines")
tracer = trace.get_tracer("fuyuan.deadlines")

# Cases with a query past its deadline and no result yet, or a control whose last day is near
# or past and that was not released or lapsed, or a listing still not deleted, revoked or
# corrected after the last day of a duty to (not yet escalated), or one whose grace period has
# ended and that was not published or lifted, or a bureau's objection unanswered after its fifteen
# days. Reads the service's own log only. Each row also
# carries the trace context stored with the event that set the deadline, so that what the
# deadline causes continues the trace of the request behind it.
_DUE = """
SELECT DISTINCT q.message->'envelope'->>'case_number' AS case_number, q.headers
FROM "{s}".events q
WHERE q.type = 'enforcement.event.property_query_started.v1'
  AND (q.message->'data'->>'respond_by')::timestamptz <= $1
  AND NOT EXISTS (SELECT 1 FROM "{s}".events r
                  WHERE r.stream_id = q.stream_id AND r.type = 'enforcement.notice.property_result.v1'
                    AND r.message->'data'->>'query_id' = q.message->'data'->>'query_id')
UNION
SELECT DISTINCT c.message->'envelope'->>'case_number', c.headers
FROM "{s}".events c
WHERE c.type = 'enforcement.event.control_recorded.v1'
  AND c.message->'data'->>'status' IN ('applied', 'expiring')
  AND (c.message->'data'->>'until')::date <= $2::date
  AND NOT EXISTS (SELECT 1 FROM "{s}".events e
                  WHERE e.stream_id = c.stream_id AND e.type = c.type
                    AND e.message->'data'->>'control_id' = c.message->'data'->>'control_id'
                    AND e.message->'data'->>'status' IN ('released', 'lapsed'))
UNION
SELECT DISTINCT z.message->'envelope'->>'case_number', z.headers
FROM "{s}".events z
WHERE z.type = 'enforcement.event.case_closed_without_property.v1'
  AND (z.message->'data'->>'closed_on')::date BETWEEN $3::date AND $4::date
UNION
SELECT DISTINCT n.message->'envelope'->>'case_number', n.headers
FROM "{s}".events n
WHERE n.type IN ('enforcement.notice.sanction.v1', 'enforcement.notice.sanction_lift.v1')
  AND coalesce(n.message->'data'->>'acknowledge_by',
               n.message->'data'->>'confirm_by')::timestamptz <= $1
  AND NOT EXISTS (SELECT 1 FROM "{s}".events a
                  WHERE a.stream_id = n.stream_id
                    AND a.type IN ('enforcement.event.sanction_acknowledged.v1',
                                   'enforcement.notice.overdue_sanctions.v1')
                    AND (a.message->'data'->>'notice_id' = n.message->'data'->>'notice_id'
                         OR a.message->'data'->'overdue' @> jsonb_build_array(jsonb_build_object(
                                'notice_id', n.message->'data'->>'notice_id')::jsonb)))
UNION
SELECT DISTINCT i.message->'envelope'->>'case_number', i.headers
FROM "{s}".events i
WHERE i.type = 'enforcement.event.sanction_imposed.v1'
  AND (i.message->'data'->>'until')::date < $5::date
  AND NOT EXISTS (SELECT 1 FROM "{s}".events l
                  WHERE l.stream_id = i.stream_id AND l.type = 'enforcement.event.sanction_lifted.v1'
                    AND l.message->'data'->>'sanction_id' = i.message->'data'->>'sanction_id')
UNION
SELECT DISTINCT d.message->'envelope'->>'case_number', d.headers
FROM "{s}".events d
WHERE d.type IN ('enforcement.event.listing_duty_arose.v1', 'enforcement.notice.deletion_due.v1')
  AND (d.message->'data'->>'due_by')::date < $5::date
  AND NOT EXISTS (SELECT 1 FROM "{s}".events x
                  WHERE x.stream_id = d.stream_id
                    AND x.message->'data'->>'sanction_id' = d.message->'data'->>'sanction_id'
                    AND (x.type = 'enforcement.event.sanction_lifted.v1'
                         OR (x.type = 'enforcement.notice.listing_duty_overdue.v1'
                             AND x.message->'data'->>'arose_on' = d.message->'data'->>'arose_on')))
UNION
SELECT DISTINCT g.message->'envelope'->>'case_number', g.headers
FROM "{s}".events g
WHERE g.type = 'enforcement.event.publication_deferred.v1'
  AND (g.message->'data'->>'publish_on')::date <= $5::date
  AND NOT EXISTS (SELECT 1 FROM "{s}".events x
                  WHERE x.stream_id = g.stream_id
                    AND x.type IN ('enforcement.event.sanction_published.v1',
                                   'enforcement.event.sanction_lifted.v1')
                    AND x.message->'data'->>'sanction_id' = g.message->'data'->>'sanction_id')
UNION
SELECT DISTINCT o.message->'envelope'->>'case_number', o.headers
FROM "{s}".events o
WHERE o.type = 'enforcement.event.control_objected.v1'
  AND (o.message->'data'->>'answer_by')::date < $5::date
  AND NOT EXISTS (SELECT 1 FROM "{s}".events x
                  WHERE x.stream_id = o.stream_id
                    AND x.type IN ('enforcement.event.objection_answered.v1',
                                   'enforcement.notice.objection_answer_overdue.v1')
                    AND x.message->'data'->>'objection_id' = o.message->'data'->>'objection_id')
"""


# The first queued control of every holding on which no control is in force any more: it takes
# effect next (轮候), in the order the bureau queued them; with the trace context of its queueing.
_PROMOTIONS = """
WITH latest AS (
    SELECT DISTINCT ON (message->'data'->>'control_id')
           message->'data'->>'control_id' AS control_id,
           message->'envelope'->>'case_number' AS case_number,
           message->'data'->>'bureau' AS bureau,
           message->'data'->'holding'->>'reference' AS reference,
           message->'data'->>'status' AS status, position, headers
    FROM "{s}".events WHERE type = 'enforcement.event.control_recorded.v1'
    ORDER BY message->'data'->>'control_id', position DESC
)
SELECT DISTINCT ON (q.bureau, q.reference) q.case_number, q.control_id, q.headers
FROM latest q
WHERE q.status = 'queued'
  AND NOT EXISTS (SELECT 1 FROM latest a WHERE a.bureau = q.bureau AND a.reference = q.reference
                  AND a.status IN ('applied', 'expiring', 'requested'))
ORDER BY q.bureau, q.reference, q.position
"""


def _promote(case: Case, control_id: UUID, today: date) -> list[Out]:
    # The term of a queued control runs from the day it takes effect, not from its order.
    return controls.decide_promotion(case, control_id, today=today)


def _stored(headers: str | dict[str, str] | None) -> dict[str, str]:
    # asyncpg gives jsonb as text unless the pool registered a codec for it
    return json.loads(headers) if isinstance(headers, str) else dict(headers or {})


def continuing(causes: list[Any]) -> contextlib.AbstractContextManager[trace.Span]:
    """A span in the trace of the first event that set the deadline, linked to the others', so
    a notice or result the deadline causes continues the request behind it (not a new trace)."""
    contexts = [extract_context(_stored(headers)) for headers in causes]
    # a cause stored without trace context (older events) must not hide one stored with it
    contexts.sort(key=lambda ctx: not trace.get_current_span(ctx).get_span_context().is_valid)
    spans = [trace.get_current_span(ctx).get_span_context() for ctx in contexts]
    return tracer.start_as_current_span(
        "deadline due",
        context=contexts[0] if contexts else None,
        links=[trace.Link(span) for span in spans[1:] if span.is_valid],
    )


class Deadlines:
    def __init__(
        self,
        store: EventStore,
        pool: asyncpg.Pool,
        schema: str,
        clock: Callable[[], datetime],
        handlers: Handlers,
    ) -> None:
        self.store, self.pool, self.clock, self.handlers = store, pool, clock, handlers
        self._due = _DUE.format(s=schema)
        self._promotions = _PROMOTIONS.format(s=schema)

    async def due_cases(self, now: datetime) -> list[str]:
        return sorted(await self.due(now))

    async def due(self, now: datetime) -> dict[str, list[Any]]:
        """Case number → the stored trace headers (JSON) of each event that made it due."""
        today = now.date()
        # closed within the re-query period and at least one interval ago
        oldest = add_months(today, -requery.EVERY_MONTHS * requery.TIMES - 1)
        newest = add_months(today, -requery.EVERY_MONTHS)
        rows = await self.pool.fetch(self._due, now, today + WARN_AHEAD, oldest, newest, today)
        causes: dict[str, list[Any]] = {}
        for r in rows:
            if r["case_number"]:
                causes.setdefault(r["case_number"], []).append(r["headers"])
        return causes

    def decide(self, case: Case, now: datetime) -> list[Out]:
        h, court = self.handlers, case.executing_court or ""
        routing = h.routing(court) if case.closed_on else {}
        office = h.joint_office(court) if case.sanctions or case.objections else PLATFORM_CODE
        ack = h.settings.ack_within
        return (
            queries.decide_deadline(case, now)
            + controls.decide_expiry(case, now.date())
            + requery.decide_requery(case, now, routing, h.settings.respond_within)
            + sanctions.decide_expiry(case, now, ack)
            + sanctions.decide_overdue(case, now, office, h.catalogue.on_report())
            + duties.decide_duty_overdue(case, now, office)
            + publication.decide_publication(case, now, ack)
            + objections.decide_objection_overdue(case, now, office)
        )

    async def tick(self) -> int:
        """Act on everything due now; returns how many messages were written."""
        now, written = self.clock(), 0
        for case_number, causes in sorted((await self.due(now)).items()):
            with continuing(causes):
                written += await self._apply(case_number, now, lambda c: self.decide(c, now))
        for row in await self.pool.fetch(self._promotions):
            promote = functools.partial(
                _promote, control_id=UUID(row["control_id"]), today=now.date()
            )
            with continuing([row["headers"]]):
                written += await self._apply(row["case_number"], now, promote)
        return written

    async def _apply(
        self, case_number: str, now: datetime, decide: Callable[[Case], list[Out]]
    ) -> int:
        """Decide and save in the current span: `emit` stores its context with each message."""
        case, version = await self.handlers.cases.load(self.store, case_number)
        outs = decide(case)
        if not outs:
            return 0
        try:
            await save(
                self.store,
                case_number,
                version,
                emit(outs, None, PLATFORM_CODE, now, case_number),
            )
        except ConcurrencyError:  # the case moved meanwhile; look again next tick
            return 0
        return len(outs)

    async def run(self, stop: asyncio.Event, every: float) -> None:
        while not stop.is_set():
            try:
                # A tick stuck on a lost connection is given up, so the timers keep running.
                async with asyncio.timeout(max(60.0, every * 10)):
                    await self.tick()
            except Exception as exc:
                log.warning("deadline tick failed", error=repr(exc))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), every)
