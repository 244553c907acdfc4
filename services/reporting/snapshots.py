"""Indicator snapshots and unit assessment on command.

`ComputeIndicators` → one `IndicatorComputed` per catalogue indicator, for the period and scope;
`AssessUnits` → one `UnitAssessed` per unit, for a closed period. Both read the facts of the
events observed that occurred by the command's "as of" (the period's end when absent; never
after the moment the command is handled), so asking again with the same "as of" gives the same
values and digests. The snapshots go to the period's indicator stream, the assessments to the
period's assessment stream, acting as the office that asked.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from functools import partial
from typing import Any

import asyncpg

from contracts.envelope import Message
from contracts.organizations.kinds import OrgKind
from contracts.organizations.registry import Registry
from contracts.registry import PAYLOADS
from contracts.reporting import roles
from contracts.reporting.indicators import (
    AssessmentScheme,
    IndicatorCatalogue,
    load_assessment,
    load_indicators,
)
from contracts.reporting.reports import (
    IndicatorComputed,
    Period,
    ReportOverdue,
    UnitAssessed,
)
from contracts.reporting.snapshots import AssessUnits, ComputeIndicators
from services.reporting import facts, readmodels
from services.reporting.domain.assessment import assess, closed
from services.reporting.domain.errors import (
    PeriodNotClosedError,
    ReportingError,
    WrongPeriodError,
)
from services.reporting.domain.indicators import Fact, compute
from services.reporting.domain.obligations import period_end, period_start
from services.reporting.domain.readmodel import Observed
from services.runtime.aggregate import act, emit, load_state
from services.runtime.eventstore import EventStore, InboxEntry
from services.runtime.intake import Route

REFUSALS: tuple[type[Exception], ...] = (ReportingError,)

INDICATORS = "reporting-indicators-"
ASSESSMENTS = "reporting-assessment-"
_SUPPORT = ("risk.event.memo_issued.v1",)
"""Events no formula counts but whose facts name a subject's unit."""


def indicators_stream(period: Period, scope: str) -> str:
    return f"{INDICATORS}{period}-{scope}"


def assessment_stream(period: Period) -> str:
    return f"{ASSESSMENTS}{period}"


def cutoff(period: Period, as_of: datetime | None, now: datetime) -> datetime:
    """The last moment read: "as of", else the period's end; never later than now."""
    if period_start(period) > now:
        raise WrongPeriodError(f"the period {period} has not begun")
    moment = min(as_of or period_end(period), period_end(period), now)
    if moment < period_start(period):
        raise WrongPeriodError(f"as_of {moment.isoformat()} is before the period", "data.as_of")
    return moment


def snapshots(
    catalogue: IndicatorCatalogue,
    found: Sequence[Fact],
    period: Period,
    scope: str,
    moment: datetime,
    only: Sequence[str] | None = None,
) -> list[IndicatorComputed]:
    """Every catalogue indicator (or those named) for the period and scope."""
    return [
        compute(definition, catalogue.version, found, period, scope, moment)
        for definition in catalogue.indicators
        if only is None or definition.id in only
    ]


def units_of(found: Sequence[Fact], period: Period, moment: datetime) -> list[str]:
    """Every unit a fact of the period names."""
    start = period_start(period)
    return sorted({f.scope for f in found if start <= f.at < moment and f.scope})


class NotTheOfficeError(ReportingError):
    """Only the joint office asks for indicators and assessments (the platform's own schedule
    may ask for indicators too)."""

    field = "envelope.organization"


Reader = Callable[[datetime, Sequence[str]], Awaitable[list[Observed]]]
"""The observed events of the given types that occurred by a moment, in position order."""


def observed_reader(pool: asyncpg.Pool, schema: str) -> Reader:
    async def read(moment: datetime, types: Sequence[str]) -> list[Observed]:
        return await readmodels.observed(pool, schema, as_of=moment, types=types)

    return read


class Snapshots:
    """The two command handlers over the observed events."""

    def __init__(
        self,
        store: EventStore,
        read: Reader,
        catalogue: IndicatorCatalogue,
        scheme: AssessmentScheme,
        registry: Registry,
    ) -> None:
        self.store, self.read, self.registry = store, read, registry
        self.catalogue, self.scheme = catalogue, scheme
        types = {t for i in catalogue.indicators for t in i.formula.event_types}
        self.types = tuple(sorted(types | set(_SUPPORT)))

    def permitted(self, msg: Message[Any]) -> None:
        code, type_ = msg.envelope.organization, msg.envelope.type
        kind = self.registry.get(code).kind if code in self.registry else None
        system = kind is OrgKind.PLATFORM and type_ == ComputeIndicators.TYPE
        if kind is None or not (roles.may_publish(type_, kind) or system):
            raise NotTheOfficeError(f"{code} is not a joint office and may not send {type_}")

    async def facts(self, moment: datetime) -> list[Fact]:
        return facts.facts(await self.read(moment, self.types))

    async def compute(self, msg: Message[Any], now: datetime, inbox: InboxEntry) -> None:
        self.permitted(msg)
        command: ComputeIndicators = msg.data
        moment = cutoff(command.period, command.as_of, now)
        found = await self.facts(moment)
        made = snapshots(self.catalogue, found, command.period, command.scope, moment)
        await self._append(indicators_stream(command.period, command.scope), msg, made, now, inbox)

    async def assess(self, msg: Message[Any], now: datetime, inbox: InboxEntry) -> None:
        self.permitted(msg)
        command: AssessUnits = msg.data
        if not closed(command.period, now):
            raise PeriodNotClosedError(f"the period {command.period} is not closed yet")
        moment = cutoff(command.period, command.as_of, now)
        found = await self.facts(moment)
        overdue = [
            ReportOverdue.model_validate(e.body)
            for e in await self.read(moment, (ReportOverdue.TYPE,))
        ]
        weighted = [w.indicator for w in self.scheme.weights]
        made = []
        for unit in command.units or units_of(found, command.period, moment):
            snaps = snapshots(self.catalogue, found, command.period, unit, moment, weighted)
            given = {s.indicator: s for s in snaps}
            made.append(
                assess(self.scheme, self.catalogue, unit, command.period, given, overdue, now)
            )
        await self._append(assessment_stream(command.period), msg, made, now, inbox)

    async def _append(
        self,
        stream_id: str,
        msg: Message[Any],
        made: Sequence[IndicatorComputed | UnitAssessed],
        now: datetime,
        inbox: InboxEntry,
    ) -> None:
        office = msg.envelope.organization
        events = emit([(p, office) for p in made], msg.envelope, office, now, None)
        await act(
            self.store,
            partial(load_state, self.store, stream_id, _keep, (None, 0)),
            stream_id,
            lambda _: events,
            inbox,
        )


def _keep(state: None, event: object) -> None:
    return state


def routes(
    store: EventStore, pool: asyncpg.Pool, schema: str, clock: Callable[[], datetime]
) -> dict[str, Route]:
    """The command routes of the indicator and assessment commands."""
    catalogue = load_indicators(PAYLOADS)
    scheme, registry = load_assessment(catalogue), Registry.load()
    handlers = Snapshots(store, observed_reader(pool, schema), catalogue, scheme, registry)
    return {ComputeIndicators.TYPE: handlers.compute, AssessUnits.TYPE: handlers.assess}
