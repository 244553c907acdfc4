"""One async function per command: check who sends it, load the obligation (the period's
notices, then the unit's own stream), let the pure domain decide, append what it decided with
the inbox row, in one write."""

from __future__ import annotations

import functools
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from contracts.base import Payload
from contracts.envelope import Envelope, Message
from contracts.organizations import OrgKind, Registry
from contracts.registry import parse_message
from contracts.reporting import roles
from contracts.reporting.reports import (
    IssueReportingNotice,
    Period,
    ReportingNoticeIssued,
    ReturnReport,
    SubmitReport,
    UnitClass,
)
from contracts.risk.key_items import KeyItemCatalogue
from services.reporting.domain import obligations
from services.reporting.domain.errors import NotTheUnitError, ReportingError
from services.reporting.domain.obligations import Obligation, ReportingRules
from services.reporting.projections import notices_stream, obligation_stream
from services.runtime import aggregate
from services.runtime.aggregate import load_state
from services.runtime.eventstore import EventStore, InboxEntry, NewEvent

Out = tuple[Payload, str]
"""A fact and the organization it is published under."""


class NotPermittedError(ReportingError):
    """The sender's kind may not send this command (`contracts/reporting/roles.py`), or the
    joint office acts outside its jurisdiction."""

    field = "envelope.organization"


class UnknownUnitError(ReportingError):
    """A notice or a return names an organization the registry does not know."""

    field = "data.units"


@dataclass(frozen=True)
class Units:
    """Who owes a report every month: the lead units of the key items (by the 25th) and the
    towns and streets (by month-end); a unit may be both, and then reports as a town."""

    lead: frozenset[str]
    towns: frozenset[str]

    @classmethod
    def of(cls, registry: Registry, key_items: KeyItemCatalogue) -> Units:
        """Per joint office, the unit of each key item's lead kind in its jurisdiction (the one
        that leads first, as the risk service finds it)."""
        kinds = {k.value for k in OrgKind}
        lead: set[str] = set()
        for office in (o for o in registry if o.kind is OrgKind.JOINT_OFFICE):
            for item in key_items.items:
                if item.lead.value in kinds:
                    found = registry.of_kind(OrgKind(item.lead.value), office.jurisdiction)
                    lead.update(o.code for o in found[:1])
        towns = {o.code for o in registry if o.kind is OrgKind.TOWN_GOVERNMENT}
        return cls(frozenset(lead - towns), frozenset(towns))

    def scheduled(self) -> list[str]:
        return sorted(self.lead | self.towns)

    def unit_class(self, code: str) -> UnitClass | None:
        if code in self.towns:
            return UnitClass.TOWN
        return UnitClass.LEAD_UNIT if code in self.lead else None


def emit(outs: Iterable[Out], cause: Envelope | None, actor: str, now: datetime) -> list[NewEvent]:
    """Messages for the log, each event under the organization it names."""
    return aggregate.emit(outs, cause, actor, now, None)


class Handlers:
    """The reporting handlers. Built once in `main.py` with the store, the registry, the rules
    and the indicator catalogue's ids."""

    def __init__(
        self,
        store: EventStore,
        registry: Registry,
        units: Units,
        rules: ReportingRules,
        indicators: Collection[str],
    ) -> None:
        self.store, self.registry, self.units = store, registry, units
        self.rules, self.indicators = rules, frozenset(indicators)

    # -- loading ------------------------------------------------------------------------------

    async def notices(self, period: Period) -> tuple[list[ReportingNoticeIssued], int]:
        """The period's ad-hoc notices, in the order issued, and the stream's version."""
        stored = await self.store.load(notices_stream(period))
        found = [parse_message(s.message).data for s in stored]
        return found, stored[-1].version if stored else 0

    def unit_class(self, code: str) -> UnitClass:
        """A unit's class by the schedule; one only a notice names reports by the notice's date,
        so its class does not count (a town's kind still makes it a town)."""
        if known := self.units.unit_class(code):
            return known
        town = code in self.registry and self.registry.get(code).kind is OrgKind.TOWN_GOVERNMENT
        return UnitClass.TOWN if town else UnitClass.LEAD_UNIT

    def owes(self, unit: str, period: Period, notices: list[ReportingNoticeIssued]) -> bool:
        named = any(n.period == period and unit in n.units for n in notices)
        return named or self.units.unit_class(unit) is not None

    async def obligation(self, period: Period, unit: str) -> tuple[Obligation, int]:
        """The unit's obligation for the period and its stream's version. A notice issued
        while this decision is made is not seen by it: the notice's own due date then applies
        to every later decision (a submission already made stays as it was judged)."""
        notices, _ = await self.notices(period)
        start = obligations.obligation(unit, self.unit_class(unit), period, self.rules, notices)
        stream = obligation_stream(period, unit)
        return await load_state(self.store, stream, obligations.evolve, (start, 0))

    # -- who ----------------------------------------------------------------------------------

    def permitted(self, msg: Message[Any]) -> str:
        """The sender, once its kind may send the command."""
        sender = msg.envelope.organization
        if sender not in self.registry:
            raise NotPermittedError(f"no organization {sender} in the registry")
        kind = self.registry.get(sender).kind
        if not roles.may_publish(msg.envelope.type, kind):
            raise NotPermittedError(f"a {kind.value} may not send {msg.envelope.type}")
        return sender

    def covering(self, office: str, unit: str) -> None:
        """The joint office acts on a unit of its own jurisdiction (or one below it)."""
        place = self.registry.get(office).jurisdiction
        if not self.registry.within(self.registry.get(unit).jurisdiction, place):
            raise NotPermittedError(f"{unit} is outside the jurisdiction of {office}")

    # -- commands -----------------------------------------------------------------------------

    async def _act(
        self,
        msg: Message[Any],
        inbox: InboxEntry,
        now: datetime,
        stream_id: str,
        load: Callable[[], Any],
        decide: Callable[[Any], list[Out]],
    ) -> None:
        env = msg.envelope
        await aggregate.act(
            self.store,
            load,
            stream_id,
            lambda state: emit(decide(state), env, env.organization, now),
            inbox,
        )

    async def issue_notice(self, msg: Message[Any], now: datetime, inbox: InboxEntry) -> None:
        """另行报送通知: recorded on the period's notices, under the office."""
        command: IssueReportingNotice = msg.data
        office = self.permitted(msg)
        for n, unit in enumerate(command.units):
            if unit not in self.registry:
                raise UnknownUnitError(f"no organization {unit}", f"data.units.{n}")
            kind = self.registry.get(unit).kind
            if not roles.may_publish(SubmitReport.TYPE, kind):
                raise NotPermittedError(f"a {kind.value} submits no report", f"data.units.{n}")
            self.covering(office, unit)
        stream = notices_stream(command.period)
        event = obligations.issue_notice(command)
        load = functools.partial(self.notices, command.period)
        await self._act(msg, inbox, now, stream, load, lambda _: [(event, office)])

    async def submit(self, msg: Message[Any], now: datetime, inbox: InboxEntry) -> None:
        """报送: the unit's own report, on time or late against the date in force."""
        command: SubmitReport = msg.data
        unit = self.permitted(msg)
        notices, _ = await self.notices(command.period)
        if not self.owes(unit, command.period, notices):
            raise NotTheUnitError(f"{unit} owes no report for {command.period}")

        def decide(state: Obligation) -> list[Out]:
            event = obligations.submit(state, command, unit, now, self.indicators)
            return [(event, unit)]

        load = functools.partial(self.obligation, command.period, unit)
        stream = obligation_stream(command.period, unit)
        await self._act(msg, inbox, now, stream, load, decide)

    async def return_report(self, msg: Message[Any], now: datetime, inbox: InboxEntry) -> None:
        """退回补充: the office returns a report that stands, under the office."""
        command: ReturnReport = msg.data
        office = self.permitted(msg)
        if command.unit not in self.registry:
            raise UnknownUnitError(f"no organization {command.unit}", "data.unit")
        self.covering(office, command.unit)

        def decide(state: Obligation) -> list[Out]:
            return [(obligations.return_report(state, command, now), office)]

        load = functools.partial(self.obligation, command.period, command.unit)
        stream = obligation_stream(command.period, command.unit)
        await self._act(msg, inbox, now, stream, load, decide)
