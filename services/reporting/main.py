"""Composition root: settings → observability → store → projections → handlers → consumers
(commands and the observer), deadlines → run. Each part is built once per start, here, from
the runtime's wiring."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from contracts import catalog
from contracts.organizations import Registry
from contracts.registry import PAYLOADS
from contracts.reporting.indicators import load_indicators
from contracts.reporting.schedule import load_schedule
from contracts.risk.key_items import KeyItemCatalogue
from services.reporting import projections, readmodels, snapshots, subscribers
from services.reporting.deadlines import Deadlines
from services.reporting.domain.obligations import ReportingRules
from services.reporting.handlers import Handlers, Units
from services.reporting.observed import Observer
from services.reporting.settings import ReportingSettings
from services.reporting.subscribers import Edges
from services.runtime import observability
from services.runtime.composition import event_sourced, now
from services.runtime.eventstore import EventStore
from services.runtime.host import ServiceSpec, Wiring, run_service
from services.runtime.projector import Projector

_ = catalog

SCHEMA = "reporting"
"""The service's schema: its event store, inbox, projections, observed events, read models."""


@functools.cache
def settings() -> ReportingSettings:
    return ReportingSettings()


@dataclass(frozen=True)
class Reporting:
    """The service's parts, each built once."""

    projector: Projector
    handlers: Edges
    deadlines: Deadlines


def handlers(store: EventStore, registry: Registry | None = None) -> Handlers:
    """The handlers over the reference data (the registry, the key items, the schedule and
    the indicator catalogue)."""
    registry = registry or Registry.load()
    units = Units.of(registry, KeyItemCatalogue.load())
    rules = ReportingRules.of(load_schedule())
    indicators = [i.id for i in load_indicators(PAYLOADS).indicators]
    return Handlers(store, registry, units, rules, indicators)


@functools.cache
def build(w: Wiring, clock: Callable[[], datetime]) -> Reporting:
    """The parts for one start of the service (a wiring is made once per start)."""
    projector = projections.on_postgres(w.pool, SCHEMA, w.store)
    h = handlers(w.store)
    edges = Edges(
        h,
        Observer(w.pool, SCHEMA, readmodels.catch_up),
        snapshots.routes(w.store, w.pool, SCHEMA, clock),
        snapshots.REFUSALS,
        settings().observe_batch,
    )
    reads = projections.Reads(projector)
    deadlines = Deadlines(w.store, clock, h, reads, settings().periods_back, settings().since)
    return Reporting(projector, edges, deadlines)


def spec(clock: Callable[[], datetime] = now) -> ServiceSpec:
    """The service, on the given clock (tests pass one they can move)."""
    return event_sourced(
        SCHEMA, build, subscribers.consumers, settings, clock, subscribers.OBSERVED
    )


SPEC = spec()


def main() -> None:
    observability.setup("reporting")
    asyncio.run(run_service(SPEC))
