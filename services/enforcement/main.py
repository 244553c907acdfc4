"""Composition root: settings → observability → store → handlers → consumers, deadlines → run."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from datetime import UTC, datetime

from contracts import catalog
from contracts.organizations import Registry
from services.enforcement import subscribers
from services.enforcement.deadlines import Deadlines
from services.enforcement.handlers import Handlers
from services.enforcement.projections import Sanctions
from services.enforcement.settings import EnforcementSettings
from services.runtime import observability
from services.runtime.consumer import Consumer
from services.runtime.host import Background, ServiceSpec, Wiring, run_service
from services.runtime.supervision import Loop

_ = catalog


def now() -> datetime:
    return datetime.now(UTC)


@functools.cache
def settings() -> EnforcementSettings:
    return EnforcementSettings()


def spec(clock: Callable[[], datetime] = now) -> ServiceSpec:
    """The service, on the given clock (tests pass one they can move)."""

    def consumers(w: Wiring) -> list[Consumer]:
        handlers = Handlers(
            w.store, Registry.load(), settings(), sanctions_read=Sanctions(w.pool, "enforcement")
        )
        return subscribers.consumers(handlers, clock, w.settings.max_attempts)

    def background(w: Wiring, stop: asyncio.Event) -> list[Background]:
        handlers = Handlers(w.store, Registry.load(), settings())
        deadlines = Deadlines(w.store, w.pool, "enforcement", clock, handlers)
        return [Loop("deadlines", functools.partial(deadlines.run, stop, settings().deadline_tick))]

    return ServiceSpec(
        name="enforcement", consumers=consumers, background=background, settings=settings
    )


SPEC = spec()


def main() -> None:
    observability.setup("enforcement")
    asyncio.run(run_service(SPEC))
