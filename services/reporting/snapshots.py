"""Indicator snapshots and unit assessment on command.

`ComputeIndicators` → one `IndicatorComputed` per catalogue indicator, for the period and scope;
`AssessUnits` → one `UnitAssessed` per unit, for a closed period. Both read the facts of the
events observed that occurred by the command's "as of" (the period's end when absent; never
after the moment the command is handled), so asking again with the same "as of" gives the same
values and digests. The snapshots go to the period's indicator stream, the assessments to the
period's assessment stream, acting as the office that asked.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from functools import partial
from typing import Any

import asyncpg

from contracts.envelope import Message
from contracts.registry import PAYLOADS
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
from services.reporting.domain.assessment import assess
from services.reporting.domain.errors import ReportingError, WrongPeriodError
from services.reporting.domain.indicators import Fact, compute
from services.reporting.domain.obligations import period_end, period_start
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


class Snapshots:
    """The two command handlers over the observed events of one schema."""

    def __init__(
        self,
        store: EventStore,
        pool: asyncpg.Pool,
        schema: str,
        catalogue: IndicatorCatalogue,
        scheme: AssessmentScheme,
    ) -> None:
        self.store, self.pool, self.schema = store, pool, schema
        self.catalogue, self.scheme = catalogue, scheme
        types = {t for i in catalogue.indicators for t in i.formula.event_types}
        self.types = tuple(sorted(types | set(_SUPPORT)))

    async def facts(self, moment: datetime) -> list[Fact]:
        found = await readmodels.observed(self.pool, self.schema, as_of=moment, types=self.types)
        return facts.facts(found)

    async def compute(self, msg: Message[Any], now: datetime, inbox: InboxEntry) -> None:
        command: ComputeIndicators = msg.data
        moment = cutoff(command.period, command.as_of, now)
        found = await self.facts(moment)
        made = snapshots(self.catalogue, found, command.period, command.scope, moment)
        await self._append(indicators_stream(command.period, command.scope), msg, made, now, inbox)

    async def assess(self, msg: Message[Any], now: datetime, inbox: InboxEntry) -> None:
        command: AssessUnits = msg.data
        moment = cutoff(command.period, command.as_of, now)
        found = await self.facts(moment)
        overdue = await self.overdue_reports(moment)
        weighted = [w.indicator for w in self.scheme.weights]
        made = []
        for unit in command.units or units_of(found, command.period, moment):
            snaps = snapshots(self.catalogue, found, command.period, unit, moment, weighted)
            given = {s.indicator: s for s in snaps}
            scored = assess(self.scheme, self.catalogue, unit, command.period, given, overdue, now)
            made.append(scored)
        await self._append(assessment_stream(command.period), msg, made, now, inbox)

    async def overdue_reports(self, moment: datetime) -> list[ReportOverdue]:
        found = await readmodels.observed(
            self.pool, self.schema, as_of=moment, types=(ReportOverdue.TYPE,)
        )
        return [ReportOverdue.model_validate(e.body) for e in found]

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
    handlers = Snapshots(store, pool, schema, catalogue, load_assessment(catalogue))
    return {ComputeIndicators.TYPE: handlers.compute, AssessUnits.TYPE: handlers.assess}
