"""Composition root: settings → observability → store → projections → handlers → consumers,
deadlines → run. Each part is built once per start, here, from the runtime's wiring."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from contracts import catalog
from contracts.enforcement.measures import Catalogue
from contracts.organizations import Registry
from services.enforcement import projections, subscribers
from services.enforcement.deadlines import Deadlines
from services.enforcement.handlers import Handlers
from services.enforcement.settings import EnforcementSettings
from services.runtime import observability
from services.runtime.consumer import Consumer
from services.runtime.host import Background, ServiceSpec, Wiring, run_service
from services.runtime.projector import Projector
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

    projector: Projector
    handlers: Handlers
    deadlines: Deadlines


@functools.cache
def build(w: Wiring, clock: Callable[[], datetime]) -> Enforcement:
    """The parts for one start of the service (a wiring is made once per start)."""
    catalogue = Catalogue.load()
    projector = projections.on_postgres(w.pool, SCHEMA, w.store, catalogue.on_report())
    handlers = Handlers(
        w.store,
        Registry.load(),
        settings(),
        catalogue=catalogue,
        sanctions_read=projections.Sanctions(projector),
        debtor_cases=projections.DebtorCasesRead(projector),
    )
    deadlines = Deadlines(w.store, w.pool, SCHEMA, clock, handlers, projector)
    return Enforcement(projector, handlers, deadlines)


def spec(clock: Callable[[], datetime] = now) -> ServiceSpec:
    """The service, on the given clock (tests pass one they can move)."""

    def consumers(w: Wiring) -> list[Consumer]:
        return subscribers.consumers(build(w, clock).handlers, clock, w.settings.max_attempts)

    def background(w: Wiring, stop: asyncio.Event) -> list[Background]:
        parts = build(w, clock)
        return [
            Loop(
                "projections",
                functools.partial(parts.projector.run, stop, settings().projection_interval),
            ),
            Loop(
                "deadlines", functools.partial(parts.deadlines.run, stop, settings().deadline_tick)
            ),
        ]

    return ServiceSpec(
        name=SCHEMA,
        consumers=consumers,
        contexts=subscribers.CONTEXTS,
        background=background,
        settings=settings,
    )


SPEC = spec()


def main() -> None:
    observability.setup("enforcement")
    asyncio.run(run_service(SPEC))
