"""Composition root: settings → observability → store → projections → handlers → consumers,
deadlines → run. Each part is built once per start, here, from the runtime's wiring."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from contracts import catalog, workdays
from contracts.organizations import Registry
from services.bankruptcy import projections, subscribers
from services.bankruptcy.deadlines import Deadlines
from services.bankruptcy.handlers import Handlers
from services.bankruptcy.settings import BankruptcySettings
from services.runtime import observability
from services.runtime.composition import event_sourced, now
from services.runtime.host import ServiceSpec, Wiring, run_service
from services.runtime.projector import Projector

_ = catalog

SCHEMA = "bankruptcy"
"""The service's schema: its event store, inbox and projections."""


@functools.cache
def settings() -> BankruptcySettings:
    return BankruptcySettings()


@dataclass(frozen=True)
class Bankruptcy:
    """The service's parts, each built once."""

    projector: Projector
    handlers: Handlers
    deadlines: Deadlines


@functools.cache
def build(w: Wiring, clock: Callable[[], datetime]) -> Bankruptcy:
    """The parts for one start of the service (a wiring is made once per start)."""
    workdays.install(w.settings.holiday_calendar)
    projector = projections.on_postgres(w.pool, SCHEMA, w.store)
    reads = projections.Reads(projector)
    handlers = Handlers(w.store, Registry.load(), settings(), reads)
    return Bankruptcy(projector, handlers, Deadlines(w.store, clock, handlers, reads))


def spec(clock: Callable[[], datetime] = now) -> ServiceSpec:
    """The service, on the given clock (tests pass one they can move)."""
    return event_sourced(SCHEMA, build, subscribers.consumers, settings, clock)


SPEC = spec()


def main() -> None:
    observability.setup("bankruptcy")
    asyncio.run(run_service(SPEC))
