"""One async function per message: find the case by the number the message names, load it, let
the pure domain decide, append what it decided with the inbox row, in one write."""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from typing import Any

from contracts.bankruptcy import aid as a
from contracts.bankruptcy import procedure as p
from contracts.bankruptcy.funding import ExpenseAidLimits
from contracts.bankruptcy.topics import TopicCatalogue
from contracts.envelope import Envelope, Message
from contracts.ids import parse_case_number
from contracts.organizations import PLATFORM_CODE, Registry
from services.bankruptcy import domain, routing
from services.bankruptcy.domain import aid, course, tasks
from services.bankruptcy.domain.errors import NotTheCourtError, WrongCaseNumberError
from services.bankruptcy.domain.rules import Out, Rules
from services.bankruptcy.projections import Reads, case_stream
from services.bankruptcy.settings import BankruptcySettings
from services.runtime import aggregate
from services.runtime.aggregate import StateCache, load_state
from services.runtime.eventstore import EventStore, InboxEntry, NewEvent

RETRIES = 3

OPENING = (p.FileBankruptcyPetition, p.ReferEnforcementToBankruptcy, p.AcceptPetition)
"""The steps that open a case number."""

Decide = Callable[[domain.BankruptcyCase], list[Out]]
"""A domain decision over the case as loaded: what to append and to whom."""


async def load_case(
    store: EventStore,
    stream_id: str,
    start: tuple[domain.BankruptcyCase, int] = (domain.BankruptcyCase(), 0),
) -> tuple[domain.BankruptcyCase, int]:
    """The case and its version, from `start` (a state known at a version) on."""
    return await load_state(store, stream_id, domain.evolve, start)


class CaseCache(StateCache[domain.BankruptcyCase]):
    """Cases as last loaded by stream (`StateCache`)."""

    def __init__(self, size: int | None = None) -> None:
        super().__init__(domain.BankruptcyCase, domain.evolve, size=size)


def emit(
    outs: list[Out], cause: Envelope | None, actor: str, now: datetime, case_number: str | None
) -> list[NewEvent]:
    """Messages for the log: an event acts as its organization, a notice is sent by `actor` to
    its organization."""
    return aggregate.emit(outs, cause, actor, now, case_number)


def named_number(msg: Message[Any]) -> str:
    """The number the message names: the petition's for an acceptance, else the case number of
    the data or, for a bureau's reply, of the envelope."""
    data = msg.data
    number = (
        data.petition_case_number
        if isinstance(data, p.AcceptPetition)
        else getattr(data, "case_number", None) or msg.envelope.case_number
    )
    if not number:
        raise WrongCaseNumberError("the envelope must name the case", "envelope.case_number")
    return str(number)


class Handlers:
    """The bankruptcy handlers. Built once in `main.py` with the store, the registry, the topic
    catalogue, the expense-aid limits, the settings and the projections' read side."""

    def __init__(
        self,
        store: EventStore,
        registry: Registry,
        settings: BankruptcySettings,
        reads: Reads,
        catalogue: TopicCatalogue | None = None,
        limits: ExpenseAidLimits | None = None,
    ) -> None:
        self.store, self.registry, self.settings, self.reads = store, registry, settings, reads
        self.catalogue = catalogue or TopicCatalogue.load()
        self.limits = limits or ExpenseAidLimits.load()
        self.cases = CaseCache()
        self._rules: dict[str, Rules] = {}

    # -- where the case is heard --------------------------------------------------------------

    def rules(self, court: str) -> Rules:
        """The rules for a case heard by `court`: catalogue, limits, its jurisdiction."""
        if court not in self._rules:
            self._rules[court] = Rules(
                catalogue=self.catalogue,
                limits=self.limits,
                where=routing.jurisdiction(self.registry, court),
                referral_days=self.settings.referral_days,
            )
        return self._rules[court]

    def joint_office(self, court: str | None) -> str:
        return routing.joint_office(self.registry, court) if court else PLATFORM_CODE

    async def stream_of(self, number: str) -> str:
        """The case's stream: the one the number is known by, else a new one under it."""
        return await self.reads.stream_of(number) or case_stream(number)

    async def _act(
        self, msg: Message[Any], inbox: InboxEntry, now: datetime, decide: Decide
    ) -> None:
        """Load → decide → append, again at once if another writer moved the case meanwhile."""
        env = msg.envelope
        number = named_number(msg)
        stream_id = await self.stream_of(number)
        await aggregate.act(
            self.store,
            functools.partial(self.cases.load, self.store, stream_id),
            stream_id,
            lambda case: emit(decide(case), env, env.organization, now, number),
            inbox,
            RETRIES,
        )

    async def _case(self, msg: Message[Any]) -> domain.BankruptcyCase:
        return (await self.cases.load(self.store, await self.stream_of(named_number(msg))))[0]

    # -- the court's procedure ----------------------------------------------------------------

    def court_of_number(self, number: str) -> str:
        """The court whose case code the number carries."""
        return self.registry.court_for_case_code(parse_case_number(number).court_code).code

    async def step(self, msg: Message[Any], now: datetime, inbox: InboxEntry) -> None:
        """Any of the court's steps (`domain.procedure.STEPS`), by the court that sends it. A
        petition, a referral and an acceptance open a number: only the court of that number
        sends them (an acceptance by a higher court comes from the higher court)."""
        court = msg.envelope.organization
        if isinstance(msg.data, OPENING) and self.court_of_number(msg.data.case_number) != court:
            raise NotTheCourtError(f"{msg.data.case_number} is not a case of {court}")
        decide = functools.partial(
            domain.decide_step, msg.data, by=court, now=now, rules=self.rules(court)
        )
        await self._act(msg, inbox, now, decide)

    # -- the administrator --------------------------------------------------------------------

    async def report_deregistration(
        self, msg: Message[Any], now: datetime, inbox: InboxEntry
    ) -> None:
        decide = functools.partial(
            course.decide_deregistration, msg.data, by=msg.envelope.organization, now=now
        )
        await self._act(msg, inbox, now, decide)

    async def publish_employee_claims(
        self, msg: Message[Any], now: datetime, inbox: InboxEntry
    ) -> None:
        decide = functools.partial(
            course.decide_employee_claims, msg.data, by=msg.envelope.organization, now=now
        )
        await self._act(msg, inbox, now, decide)

    async def request_coordination(
        self, msg: Message[Any], now: datetime, inbox: InboxEntry
    ) -> None:
        case = await self._case(msg)
        rules = self.rules(case.court or msg.envelope.organization)
        decide = functools.partial(
            tasks.decide_request, msg.data, by=msg.envelope.organization, now=now, rules=rules
        )
        await self._act(msg, inbox, now, decide)

    # -- tasks --------------------------------------------------------------------------------

    async def acknowledge_task(self, msg: Message[Any], now: datetime, inbox: InboxEntry) -> None:
        decide = functools.partial(
            tasks.decide_acknowledge, msg.data, by=msg.envelope.organization, now=now
        )
        await self._act(msg, inbox, now, decide)

    async def task_progress(self, msg: Message[Any], now: datetime, inbox: InboxEntry) -> None:
        decide = functools.partial(
            tasks.decide_progress, msg.data, by=msg.envelope.organization, now=now
        )
        await self._act(msg, inbox, now, decide)

    async def complete_task(self, msg: Message[Any], now: datetime, inbox: InboxEntry) -> None:
        decide = functools.partial(
            tasks.decide_completion, msg.data, by=msg.envelope.organization, now=now
        )
        await self._act(msg, inbox, now, decide)

    async def task_blocked(self, msg: Message[Any], now: datetime, inbox: InboxEntry) -> None:
        """A blocked task asks the joint office of the case's court for a meeting."""
        case = await self._case(msg)
        decide = functools.partial(
            tasks.decide_blockage,
            msg.data,
            by=msg.envelope.organization,
            now=now,
            joint_office=self.joint_office(case.court),
        )
        await self._act(msg, inbox, now, decide)

    async def waive_task(self, msg: Message[Any], now: datetime, inbox: InboxEntry) -> None:
        case = await self._case(msg)
        decide = functools.partial(
            tasks.decide_waiver,
            msg.data,
            by=msg.envelope.organization,
            now=now,
            joint_office=self.joint_office(case.court),
        )
        await self._act(msg, inbox, now, decide)

    # -- expense aid --------------------------------------------------------------------------

    async def _committed(self, case: domain.BankruptcyCase, application: Any) -> Decimal:
        """What the application's fund approved in its budget year (nothing for an unknown
        application: the domain refuses it)."""
        app = case.applications.get(application)
        return await self.reads.committed(app.fund, app.budget_year) if app else Decimal(0)

    async def apply_expense_aid(self, msg: Message[Any], now: datetime, inbox: InboxEntry) -> None:
        cmd: a.ApplyExpenseAid = msg.data
        fund = self.limits.for_court(parse_case_number(cmd.case_number).court_code)
        decide = functools.partial(
            aid.decide_apply,
            cmd,
            by=msg.envelope.organization,
            now=now,
            limits=self.limits,
            committed=await self.reads.committed(fund.id, cmd.applied_on.year),
        )
        await self._act(msg, inbox, now, decide)

    async def review_expense_aid(self, msg: Message[Any], now: datetime, inbox: InboxEntry) -> None:
        case = await self._case(msg)
        court = case.court or msg.envelope.organization
        decide = functools.partial(
            aid.decide_review,
            msg.data,
            by=msg.envelope.organization,
            now=now,
            higher_court=routing.higher_court(self.registry, court),
            finance=routing.finance(self.registry, court),
            limits=self.limits,
            committed=await self._committed(case, msg.data.application_id),
        )
        await self._act(msg, inbox, now, decide)

    async def expense_aid_decision(
        self, msg: Message[Any], now: datetime, inbox: InboxEntry
    ) -> None:
        case = await self._case(msg)
        court = case.court or msg.envelope.organization
        decide = functools.partial(
            aid.decide_decision,
            msg.data,
            by=msg.envelope.organization,
            now=now,
            finance=routing.finance(self.registry, court),
            limits=self.limits,
            committed=await self._committed(case, msg.data.application_id),
        )
        await self._act(msg, inbox, now, decide)

    async def disburse_expense_aid(
        self, msg: Message[Any], now: datetime, inbox: InboxEntry
    ) -> None:
        case = await self._case(msg)
        court = case.court or msg.envelope.organization
        decide = functools.partial(
            aid.decide_disbursement,
            msg.data,
            by=msg.envelope.organization,
            now=now,
            finance=routing.finance(self.registry, court),
        )
        await self._act(msg, inbox, now, decide)
