"""The composition an event-sourced service's `main.py` shares: its parts built once per start
(a wiring is made once per start), its consumers from the handlers, and the projections and the
deadline runner as supervised loops on the service's own intervals. The service gives how its
parts are built and how its consumers are made; this module knows no service."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, Protocol, TypeVar

from services.runtime.consumer import Consumer
from services.runtime.host import Background, ServiceSpec, Wiring
from services.runtime.supervision import Loop


class Runs(Protocol):
    async def run(self, stop: asyncio.Event, every: float) -> None: ...


class Parts(Protocol):
    """What a service builds once per start: its projector, handlers and deadline runner."""

    @property
    def projector(self) -> Runs: ...

    @property
    def handlers(self) -> Any: ...

    @property
    def deadlines(self) -> Runs: ...


class Intervals(Protocol):
    @property
    def projection_interval(self) -> float: ...

    @property
    def deadline_tick(self) -> float: ...


P = TypeVar("P", bound=Parts)


def now() -> datetime:
    return datetime.now(UTC)


def event_sourced(
    name: str,
    build: Callable[[Wiring, Callable[[], datetime]], P],
    consumers: Callable[[Any, Callable[[], datetime], int], list[Consumer]],
    settings: Callable[[], Intervals],
    clock: Callable[[], datetime] = now,
    contexts: tuple[str, ...] = (),
) -> ServiceSpec:
    """The service, on the given clock (tests pass one they can move): `build` (cached by the
    service, so each part is built once per wiring) gives the parts, `consumers` makes the
    consumers from the handlers, the clock and the wiring's attempts; those keyed by case work
    on `consumer_concurrency` cases at once."""

    def consumers_of(w: Wiring) -> list[Consumer]:
        made = consumers(build(w, clock).handlers, clock, w.settings.max_attempts)
        return [c.tuned(w.settings.consumer_concurrency) for c in made]

    def background(w: Wiring, stop: asyncio.Event) -> list[Background]:
        parts, every = build(w, clock), settings()
        return [
            Loop(
                "projections",
                functools.partial(parts.projector.run, stop, every.projection_interval),
            ),
            Loop("deadlines", functools.partial(parts.deadlines.run, stop, every.deadline_tick)),
        ]

    return ServiceSpec(
        name=name,
        consumers=consumers_of,
        contexts=contexts,
        background=background,
        settings=settings,
    )
