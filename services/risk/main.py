"""Composition root: settings → observability → store → projections → handlers → consumers,
deadlines → run. Each part is built once per start, here, from the runtime's wiring."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from contracts import catalog
from contracts.organizations import Registry
from services.risk import projections, subscribers
from services.risk.deadlines import Deadlines
from services.risk.handlers import Handlers
from services.risk.settings import RiskSettings
from services.runtime import observability
from services.runtime.consumer import Consumer
from services.runtime.host import Background, ServiceSpec, Wiring, run_service
from services.runtime.projector import Projector
from services.runtime.supervision import Loop

_ = catalog

SCHEMA = "risk"
"""The service's schema: its event store, inbox and projections."""


def now() -> datetime:
    return datetime.now(UTC)


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
        background=background,
        settings=settings,
        contexts=subscribers.CONTEXTS,
    )


SPEC = spec()


def main() -> None:
    observability.setup("risk")
    asyncio.run(run_service(SPEC))
