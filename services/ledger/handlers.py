"""Record what crosses the system: every message of every context stream and of the DEADLETTER
stream, keyed by its place in the stream, with the organization that really sent it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import asyncpg
import structlog

from contracts.envelope import Envelope
from contracts.registry import peek_envelope
from contracts.subjects import DEADLETTER_ROOT, split
from services.ledger.domain import Facts, canonical_body
from services.ledger.journal import Journal
from services.ledger.provenance import (
    deadletter_type,
    detail_of,
    is_forgery,
    message_key,
    sender_of,
    storable,
    trace_id_of,
)
from services.runtime.consumer import Delivery
from services.runtime.outages import is_outage

log = structlog.get_logger("ledger")
REFUSED_DATA = (asyncpg.DataError, ValueError, TypeError, UnicodeError)
"""What PostgreSQL or its driver say about the data of an entry (class 22: a character it cannot
hold, a value out of range). Any other error — a deadlock, a lost connection — is not the
message's: it is raised, and the same message is tried again as it is."""


def _envelope(parsed: Any) -> Envelope | None:
    if not isinstance(parsed, dict):
        return None
    try:
        return peek_envelope(parsed)
    except (ValueError, TypeError, RecursionError):  # whatever the bytes, the message is kept
        return None


def facts_of(d: Delivery) -> Facts:
    """The journal's view of a delivery. Never raises: bytes that are not JSON, or JSON with no
    readable envelope, are journaled as they came, under their place in the stream."""
    body, parsed = canonical_body(d.data)
    env = _envelope(parsed)
    subject = storable(d.subject) or ""
    sender = sender_of(subject)
    deadletter = subject.startswith(DEADLETTER_ROOT + ".")
    kind = deadletter_type(subject) if deadletter else None
    claimed = env.organization if env else None
    return Facts(
        message_key=message_key(subject, d.stream_sequence),
        type=kind or (env.type if env else storable(split(subject)[0]) or ""),
        subject=subject,
        organization=claimed,
        case_number=storable(env.case_number) if env else None,
        event_id=str(env.event_id) if env else None,
        correlation_id=str(env.correlation_id) if env else None,
        causation_id=str(env.causation_id) if env and env.causation_id else None,
        trace_id=trace_id_of(d.headers),
        body=body,
        sender=sender,
        forgery=is_forgery(subject, sender, claimed),
        detail=detail_of(d.headers) if deadletter else None,
    )


def raw_facts(d: Delivery) -> Facts:
    """The least the journal keeps of a message: its place, subject, sender and raw bytes."""
    subject = storable(d.subject) or ""
    kind = storable(split(subject)[0]) or ""
    key = message_key(subject, d.stream_sequence)
    return Facts(key, kind, subject, *(None,) * 6, d.data, sender=sender_of(subject))


class Recorder:
    """The ledger's handler: one batch, one transaction, one extension of the chain."""

    def __init__(self, journal: Journal, clock: Callable[[], datetime]) -> None:
        self.journal, self.clock = journal, clock

    async def batch(self, deliveries: list[Delivery]) -> None:
        await self.journal.append([facts_of(d) for d in deliveries], self.clock())

    async def one(self, delivery: Delivery) -> None:
        """A message alone (its batch failed): if even its own entry is refused for something
        in the message, keep its raw bytes rather than let it leave the journal."""
        try:
            await self.batch([delivery])
        except REFUSED_DATA as exc:
            if is_outage(exc):
                raise
            log.error("message journaled raw", subject=delivery.subject, error=repr(exc)[:500])
            await self.journal.append([raw_facts(delivery)], self.clock())
