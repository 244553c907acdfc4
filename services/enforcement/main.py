"""Composition root: settings → observability → store → handlers → consumers, deadlines → run.
Each part is built once per start, here, from the runtime's wiring."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from contracts import catalog
from contracts.enforcement.measures import Catalogue
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

SCHEMA = "enforcement"
"""The service's schema: its event store, inbox and projections."""


def now() -> datetime:
    return datetime.now(UTC)


@functools.cache
def settings() -> EnforcementSettings:
    return EnforcementSettings()


@dataclass(frozen=True)
class Enforcement:
    """The service's parts, each built once."""

    handlers: Handlers
    deadlines: Deadlines


@functools.cache
def build(w: Wiring, clock: Callable[[], datetime]) -> Enforcement:
    """The parts for one start of the service (a wiring is made once per start)."""
    handlers = Handlers(
        w.store,
        Registry.load(),
        settings(),
        catalogue=Catalogue.load(),
        sanctions_read=Sanctions(w.pool, SCHEMA),
    )
    return Enforcement(handlers, Deadlines(w.store, w.pool, SCHEMA, clock, handlers))


def spec(clock: Callable[[], datetime] = now) -> ServiceSpec:
    """The service, on the given clock (tests pass one they can move)."""

    def consumers(w: Wiring) -> list[Consumer]:
        return subscribers.consumers(build(w, clock).handlers, clock, w.settings.max_attempts)

    def background(w: Wiring, stop: asyncio.Event) -> list[Background]:
        deadlines = build(w, clock).deadlines
        return [Loop("deadlines", functools.partial(deadlines.run, stop, settings().deadline_tick))]

    return ServiceSpec(name=SCHEMA, consumers=consumers, background=background, settings=settings)


SPEC = spec()


def main() -> None:
    observability.setup("enforcement")
    asyncio.run(run_service(SPEC))
