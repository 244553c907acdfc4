"""Composition root: settings → observability → store → consumers → run."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from contracts import catalog
from contracts.organizations import Registry
from services.enforcement import subscribers
from services.runtime import observability
from services.runtime.consumer import Consumer
from services.runtime.host import ServiceSpec, Wiring, run_service

_ = catalog


def now() -> datetime:
    return datetime.now(UTC)


def consumers(w: Wiring) -> list[Consumer]:
    return subscribers.consumers(w.store, Registry.load(), now, w.settings.max_attempts)


SPEC = ServiceSpec(name="enforcement", consumers=consumers)


def main() -> None:
    observability.setup("enforcement")
    asyncio.run(run_service(SPEC))
