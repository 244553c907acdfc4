"""Record what crosses the system: every message of every context stream, once, in order."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from contracts.registry import peek_envelope
from contracts.subjects import split, stream_name
from services.ledger.domain import Facts, canonical_body
from services.ledger.journal import Journal
from services.runtime.consumer import Delivery


def _trace_id(headers: dict[str, str]) -> str | None:
    parts = headers.get("traceparent", "").split("-")
    return parts[1] if len(parts) == 4 else None


def facts_of(d: Delivery) -> Facts:
    """The journal's view of a delivery; a message with no readable envelope is kept too."""
    body, parsed = canonical_body(d.data)
    env = peek_envelope(parsed) if isinstance(parsed, dict) else None
    subject_type, org = split(d.subject)
    if env is None:
        key = f"nats:{stream_name(d.subject.split('.')[0])}:{d.stream_sequence}"
        return Facts(key, subject_type, d.subject, org, None, None, None, None,
                     _trace_id(d.headers), body)  # fmt: skip
    return Facts(
        message_key=str(env.event_id), type=env.type, subject=d.subject,
        organization=env.organization, case_number=env.case_number,
        event_id=str(env.event_id), correlation_id=str(env.correlation_id),
        causation_id=str(env.causation_id) if env.causation_id else None,
        trace_id=_trace_id(d.headers), body=body,
    )  # fmt: skip


class Recorder:
    """The ledger's handler: one batch, one transaction, one extension of the chain."""

    def __init__(self, journal: Journal, clock: Callable[[], datetime]) -> None:
        self.journal, self.clock = journal, clock

    async def batch(self, deliveries: list[Delivery]) -> None:
        await self.journal.append([facts_of(d) for d in deliveries], self.clock())

    async def one(self, delivery: Delivery) -> None:
        await self.batch([delivery])
