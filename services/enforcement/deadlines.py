"""期限 — deadlines are facts too: overdue queries are closed and controls near their last day
are warned about or recorded as lapsed, on the service's injectable clock."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from datetime import datetime

import asyncpg
import structlog

from contracts.organizations import PLATFORM_CODE
from services.enforcement.domain import control as controls
from services.enforcement.domain import query as queries
from services.enforcement.domain.terms import WARN_AHEAD
from services.enforcement.handlers import emit, load_case, save
from services.runtime.eventstore import ConcurrencyError, EventStore

log = structlog.get_logger("deadlines")

# Cases with a query past its deadline and no result yet, or a control whose last day is near
# or past and that was not released or lapsed. Reads the service's own log only.
_DUE = """
SELECT DISTINCT q.message->'envelope'->>'case_number' AS case_number
FROM "{s}".events q
WHERE q.type = 'enforcement.event.property_query_started.v1'
  AND (q.message->'data'->>'respond_by')::timestamptz <= $1
  AND NOT EXISTS (SELECT 1 FROM "{s}".events r
                  WHERE r.stream_id = q.stream_id AND r.type = 'enforcement.notice.property_result.v1'
                    AND r.message->'data'->>'query_id' = q.message->'data'->>'query_id')
UNION
SELECT DISTINCT c.message->'envelope'->>'case_number'
FROM "{s}".events c
WHERE c.type = 'enforcement.event.control_recorded.v1'
  AND c.message->'data'->>'status' IN ('applied', 'expiring')
  AND (c.message->'data'->>'until')::date <= $2::date
  AND NOT EXISTS (SELECT 1 FROM "{s}".events e
                  WHERE e.stream_id = c.stream_id AND e.type = c.type
                    AND e.message->'data'->>'control_id' = c.message->'data'->>'control_id'
                    AND e.message->'data'->>'status' IN ('released', 'lapsed'))
"""


class Deadlines:
    def __init__(self, store: EventStore, pool: asyncpg.Pool, schema: str,
                 clock: Callable[[], datetime]) -> None:  # fmt: skip
        self.store, self.pool, self.clock = store, pool, clock
        self._due = _DUE.format(s=schema)

    async def due_cases(self, now: datetime) -> list[str]:
        rows = await self.pool.fetch(self._due, now, now.date() + WARN_AHEAD)
        return sorted(r["case_number"] for r in rows if r["case_number"])

    async def tick(self) -> int:
        """Act on everything due now; returns how many messages were written."""
        now, written = self.clock(), 0
        for case_number in await self.due_cases(now):
            case, version = await load_case(self.store, case_number)
            outs = queries.decide_deadline(case, now) + controls.decide_expiry(case, now.date())
            if not outs:
                continue
            try:
                await save(self.store, case_number, version,
                           emit(outs, None, PLATFORM_CODE, now, case_number), None, None)  # fmt: skip
            except ConcurrencyError:  # the case moved meanwhile; look again next tick
                continue
            written += len(outs)
        return written

    async def run(self, stop: asyncio.Event, every: float) -> None:
        while not stop.is_set():
            try:
                await self.tick()
            except Exception as exc:
                log.warning("deadline tick failed", error=repr(exc))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), every)
