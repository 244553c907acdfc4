"""所见 — the reporting service keeps every event and notice of every context in its table
`observed`, as received, keyed by its place in its stream and its event id, so a redelivery is
not kept twice; the read models (`services.reporting.readmodels.catch_up`) fold them after each
committed batch. Commands, replies and rejections are not kept: they are requests, not facts.

Bytes that are not a valid message are never a dead letter here: their own service already
answered them with a rejection, so they are skipped with the reason logged and counted."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg
import structlog
from opentelemetry import metrics

from contracts.registry import InvalidMessageError, parse_message
from contracts.subjects import stream_name
from services.runtime.consumer import Delivery
from services.runtime.outages import is_outage

log = structlog.get_logger("reporting.observed")
meter = metrics.get_meter("fuyuan.reporting")
skipped_counter = meter.create_counter(
    "reporting.observed.skipped", description="Messages the observer skipped, by reason"
)
KEPT_KINDS = frozenset({"event", "notice"})
NOT_KEPT = "not an event or a notice"
REFUSED_DATA = (asyncpg.DataError, ValueError, TypeError, UnicodeError)
"""What PostgreSQL or its driver say about a row's data (a value out of range): the message is
skipped. Any other error (a lost connection, a deadlock) is raised, so it is tried again."""

CatchUp = Callable[[asyncpg.Pool, str], Awaitable[int]]


@dataclass(frozen=True)
class Row:
    stream: str
    stream_seq: int
    event_id: UUID
    type: str
    context: str
    occurred_at: datetime
    organization: str
    case_number: str | None
    correlation_id: UUID
    body: str
    message: str

    def values(self) -> tuple[Any, ...]:
        return tuple(self.__dict__.values())


def _subject_kind(subject_name: str) -> str | None:
    tokens = subject_name.split(".")
    return tokens[1] if len(tokens) == 5 else None


def row_of(context: str, d: Delivery) -> Row | str:
    """The row to keep, or why the message is not kept. On a command's, reply's or rejection's
    subject nothing is read (an organization's bad command is its service's to answer); on
    any other, the parsed message's own kind decides."""
    if _subject_kind(d.subject) not in (*KEPT_KINDS, None):
        return NOT_KEPT
    try:
        msg = parse_message(d.data)
    except InvalidMessageError as e:
        return f"not a valid message: {e}"
    env = msg.envelope
    if env.type.split(".")[1] not in KEPT_KINDS:
        return NOT_KEPT
    raw = json.loads(d.data)  # valid, so JSON: kept as received (an old version stays old)
    return Row(
        stream=stream_name(context),
        stream_seq=d.stream_sequence,
        event_id=env.event_id,
        type=raw["envelope"]["type"],
        context=context,
        occurred_at=env.occurred_at,
        organization=env.organization,
        case_number=env.case_number,
        correlation_id=env.correlation_id,
        body=json.dumps(raw["data"], ensure_ascii=False),
        message=d.data.decode("utf-8"),
    )


class Observer:
    """Keeps the messages of one context's stream; one transaction per batch."""

    def __init__(self, pool: asyncpg.Pool, schema: str, catch_up: CatchUp) -> None:
        self.pool, self.schema, self.catch_up = pool, schema, catch_up
        self.skipped: Counter[tuple[str, str]] = Counter()
        """Messages skipped, by context and reason (what the log says, countable)."""
        self.sql = (
            f'INSERT INTO "{schema}".observed (stream, stream_seq, event_id, type, context, '
            "occurred_at, organization, case_number, correlation_id, body, message) "
            "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb, $11::jsonb) "
            # either key already there: the same message again (redelivered, or kept by an
            # earlier run), never a second row
            "ON CONFLICT DO NOTHING"
        )

    def _rows(self, context: str, deliveries: list[Delivery]) -> list[Row]:
        rows = []
        for d in deliveries:
            found = row_of(context, d)
            if isinstance(found, Row):
                rows.append(found)
            elif found != NOT_KEPT:
                self._skip(context, d, found)
        return rows

    def _skip(self, context: str, d: Delivery, reason: str) -> None:
        self.skipped[(context, reason.split(":")[0])] += 1
        skipped_counter.add(1, {"context": context})
        log.warning("message skipped", context=context, seq=d.stream_sequence, reason=reason)

    async def batch(self, context: str, deliveries: list[Delivery]) -> None:
        """Keep a batch in one transaction, then let the read models catch up."""
        rows = self._rows(context, deliveries)
        if rows:
            async with self.pool.acquire() as conn, conn.transaction():
                await conn.executemany(self.sql, [r.values() for r in rows])
        await self._caught_up()

    async def one(self, context: str, d: Delivery) -> None:
        """One message (a batch that failed is handled so): a row the database refuses for
        its data is skipped with the reason; any other error is raised, to be tried again."""
        try:
            await self.batch(context, [d])
        except REFUSED_DATA as e:
            if is_outage(e):
                raise
            self._skip(context, d, f"refused by the database: {type(e).__name__}")

    async def _caught_up(self) -> None:
        # The rows are committed: a failure of the read models is theirs, not the message's.
        # It is logged, and the next batch (or the next start) catches up again.
        try:
            await self.catch_up(self.pool, self.schema)
        except Exception as e:
            log.warning("read models did not catch up", error=repr(e))
