"""The only module that knows which subjects the ledger reads: everything of every context."""

from __future__ import annotations

from contracts.catalog import CONTEXTS
from services.ledger.handlers import Recorder
from services.runtime.consumer import Consumer

OWN = "ledger"


def journaled_contexts() -> tuple[str, ...]:
    """Every context but the ledger's own (its checkpoints are signed, not journaled)."""
    return tuple(c for c in CONTEXTS if c != OWN)


def consumers(recorder: Recorder, batch_size: int, max_attempts: int) -> list[Consumer]:
    return [
        Consumer(
            context=context, durable=f"ledger_{context}", subject=f"{context}.>",
            handle=recorder.one, handle_batch=recorder.batch, batch_size=batch_size,
            max_attempts=max_attempts,
        )
        for context in journaled_contexts()
    ]  # fmt: skip
