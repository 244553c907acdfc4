"""Composition root: settings → observability → journal, checkpoints → consumers → run."""

from __future__ import annotations

import asyncio
import functools
from datetime import UTC, datetime

from contracts.catalog import CONTEXTS
from services.ledger import subscribers
from services.ledger.checkpoints import Checkpointer
from services.ledger.handlers import Recorder
from services.ledger.journal import Journal
from services.ledger.settings import LedgerSettings
from services.runtime import observability
from services.runtime.consumer import Consumer
from services.runtime.host import Background, ServiceSpec, Wiring, run_service
from services.runtime.supervision import Loop


def now() -> datetime:
    return datetime.now(UTC)


@functools.cache
def settings() -> LedgerSettings:
    return LedgerSettings()


def consumers(w: Wiring) -> list[Consumer]:
    recorder = Recorder(Journal(w.pool), now)
    return subscribers.consumers(recorder, settings().batch_size, w.settings.max_attempts)


def background(w: Wiring, stop: asyncio.Event) -> list[Background]:
    s = settings()
    checkpointer = Checkpointer(
        Journal(w.pool),
        w.store,
        s.signing_key,
        now,
        every=s.checkpoint_every,
        interval=s.checkpoint_interval,
    )
    return [Loop("checkpoints", functools.partial(checkpointer.run, stop))]


SPEC = ServiceSpec(
    name="ledger",
    consumers=consumers,
    contexts=tuple(CONTEXTS),
    background=background,
    settings=settings,
)


def main() -> None:
    observability.setup("ledger")
    asyncio.run(run_service(SPEC))
