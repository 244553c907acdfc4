"""The ledger reads every context stream and the DEADLETTER stream, and never makes a dead
letter of a dead letter."""

from __future__ import annotations

from datetime import UTC, datetime

from services.ledger.handlers import Recorder
from services.ledger.subscribers import consumers, journaled_contexts


def recorder() -> Recorder:
    return Recorder(None, lambda: datetime.now(UTC))  # type: ignore[arg-type]


def test_every_context_stream_and_the_deadletter_stream_are_read() -> None:
    subjects = [c.subject for c in consumers(recorder(), 256, 5)]
    assert subjects == [*(f"{c}.>" for c in journaled_contexts()), "deadletter.>"]


def test_the_deadletter_consumer_never_sets_a_letter_aside() -> None:
    [*streams, letters] = consumers(recorder(), 256, 5)
    assert letters.durable == "ledger_deadletter"
    assert letters.max_attempts >= 1_000_000_000
    assert all(c.max_attempts == 5 for c in streams)
