"""Composition root: settings → observability → store → projections → handlers → consumers,
deadlines → run. Each part is built once per start, here, from the runtime's wiring."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from contracts import catalog, workdays
from contracts.enforcement.measures import Catalogue
from contracts.organizations import Registry
from services.enforcement import projections, subscribers
from services.enforcement.deadlines import Deadlines
from services.enforcement.handlers import Handlers
from services.enforcement.settings import EnforcementSettings
from services.runtime import observability
from services.runtime.composition import event_sourced, now
from services.runtime.host import ServiceSpec, Wiring, run_service
from services.runtime.projector import Projector

_ = catalog

SCHEMA = "enforcement"
"""The service's schema: its event store, inbox and projections."""


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
    workdays.install(w.settings.holiday_calendar)
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
    return event_sourced(
        SCHEMA, build, subscribers.consumers, settings, clock, contexts=subscribers.CONTEXTS
    )


SPEC = spec()


def main() -> None:
    observability.setup("enforcement")
    asyncio.run(run_service(SPEC))
