"""Composition root: settings → observability → store → projections → handlers → consumers,
deadlines → run. Each part is built once per start, here, from the runtime's wiring."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from contracts import catalog
from contracts.organizations import Registry
from services.risk import projections, subscribers
from services.risk.deadlines import Deadlines
from services.risk.handlers import Handlers
from services.risk.settings import RiskSettings
from services.runtime import observability
from services.runtime.composition import event_sourced, now
from services.runtime.host import ServiceSpec, Wiring, run_service
from services.runtime.projector import Projector

_ = catalog

SCHEMA = "risk"
"""The service's schema: its event store, inbox and projections."""


@functools.cache
def settings() -> RiskSettings:
    return RiskSettings()


@dataclass(frozen=True)
class Risk:
    """The service's parts, each built once."""

    projector: Projector
    handlers: Handlers
    deadlines: Deadlines


@functools.cache
def build(w: Wiring, clock: Callable[[], datetime]) -> Risk:
    """The parts for one start of the service (a wiring is made once per start)."""
    projector = projections.on_postgres(w.pool, SCHEMA, w.store, settings().overdue_period_days)
    handlers = Handlers(w.store, Registry.load(), settings())
    reads = projections.Reads(projector)
    return Risk(projector, handlers, Deadlines(w.store, clock, handlers, reads))


def spec(clock: Callable[[], datetime] = now) -> ServiceSpec:
    """The service, on the given clock (tests pass one they can move)."""
    return event_sourced(
        SCHEMA, build, subscribers.consumers, settings, clock, subscribers.CONTEXTS
    )


SPEC = spec()


def main() -> None:
    observability.setup("risk")
    asyncio.run(run_service(SPEC))
