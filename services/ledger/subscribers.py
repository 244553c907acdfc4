"""The only module that knows which subjects the ledger reads: everything of every context, and
the DEADLETTER stream (letters set aside, relay alerts, operator actions)."""

from __future__ import annotations

from contracts.catalog import CONTEXTS
from contracts.subjects import DEADLETTER_ROOT
from services.ledger.handlers import Recorder
from services.runtime.consumer import Consumer

OWN = "ledger"
NEVER_SET_ASIDE = 1_000_000_000
"""Attempts of the DEADLETTER consumer: it never sets a letter aside. A letter it failed to
journal would be a new letter on the stream it reads, which it could fail on again, for ever;
instead it keeps trying the same one (its handler keeps raw bytes when an entry is refused, so
only an outage makes it wait)."""


def journaled_contexts() -> tuple[str, ...]:
    """Every context but the ledger's own (its checkpoints are signed, not journaled)."""
    return tuple(c for c in CONTEXTS if c != OWN)


def consumers(recorder: Recorder, batch_size: int, max_attempts: int) -> list[Consumer]:
    streams = [
        Consumer(
            context=context,
            durable=f"ledger_{context}",
            subject=f"{context}.>",
            handle=recorder.one,
            handle_batch=recorder.batch,
            batch_size=batch_size,
            max_attempts=max_attempts,
        )
        for context in journaled_contexts()
    ]
    letters = Consumer(
        context=DEADLETTER_ROOT,
        durable=f"ledger_{DEADLETTER_ROOT}",
        subject=f"{DEADLETTER_ROOT}.>",
        handle=recorder.one,
        handle_batch=recorder.batch,
        batch_size=batch_size,
        max_attempts=NEVER_SET_ASIDE,
    )
    return [*streams, letters]
