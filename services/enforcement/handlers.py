"""One async function per message: load the case, let the domain decide, append."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from contracts.enforcement import (
    ALL_KINDS,
    ControlOutcome,
    MessageRejected,
    Organization,
    PropertyAnswer,
    PropertyKind,
    party_id,
)
from contracts.enforcement.bankruptcy import DebtorBankruptcyRecorded
from contracts.enforcement.measures import Applicable, Catalogue
from contracts.enforcement.objections import ObjectToControl
from contracts.enforcement.sanctions import SanctionAck
from contracts.envelope import Envelope, Message
from contracts.ids import unmasked
from contracts.organizations import PLATFORM_CODE, Registry
from contracts.registry import FieldError
from contracts.subjects import subject
from services.enforcement import domain
from services.enforcement.domain import (
    bankruptcy,
    closing,
    conclusion,
    duties,
    exemptions,
    objections,
    orders,
    routing,
    sanctions,
)
from services.enforcement.domain import query as queries
from services.enforcement.domain.errors import MissingCaseNumberError
from services.enforcement.domain.query import Out, Routing
from services.enforcement.projections import DebtorCasesRead, Sanctions
from services.enforcement.settings import EnforcementSettings
from services.runtime import aggregate
from services.runtime.aggregate import StateCache, load_state
from services.runtime.eventstore import (
    ConcurrencyError,
    EventStore,
    InboxEntry,
    NewEvent,
    StreamWrite,
)
from services.runtime.messaging import follow, outgoing, rejection

RETRIES = 3

Decide = Callable[[domain.Case], list[Out]]
"""A domain decision over the case as loaded: what to append and to whom."""


def case_stream(case_number: str) -> str:
    return f"case-{case_number}"


async def load_debtor(store: EventStore, credit_code: str) -> tuple[bankruptcy.Debtor, int]:
    """What the service recorded of the company's bankruptcy, and its stream's version."""
    start = (bankruptcy.Debtor(), 0)
    return await load_state(store, bankruptcy.stream(credit_code), bankruptcy.evolve_debtor, start)


async def load_case(
    store: EventStore, case_number: str, start: tuple[domain.Case, int] = (domain.Case(), 0)
) -> tuple[domain.Case, int]:
    """The case and its version, from `start` (a state known at a version) on."""
    return await load_state(store, case_stream(case_number), domain.evolve, start)


class CaseCache(StateCache[domain.Case]):
    """Cases as last loaded by case number (`StateCache`)."""

    def __init__(self, size: int | None = None) -> None:
        super().__init__(domain.Case, domain.evolve, case_stream, size)


def emit(
    outs: list[Out], cause: Envelope | None, actor: str, now: datetime, case_number: str | None
) -> list[NewEvent]:
    """Messages for the log: an event acts as its subject's organization, a notice is sent by
    `actor` to its subject's organization, a rejection by the platform, as the intake's are."""
    return aggregate.emit(outs, cause, actor, now, case_number, rejecting=PLATFORM_CODE)


def not_taken(msg: Message[Any], refused: list[queries.NotTaken], now: datetime) -> list[Out]:
    """The part of a reply not taken, as a rejection to its sender naming each field, recorded
    in the same write as the part taken, so the sender is told or nothing is recorded. Its
    digest and excerpt are of the reply as the service read it (re-encoded); its
    `rejected_event_id` names the reply."""
    if not refused:
        return []
    org = msg.envelope.organization
    errors = [FieldError(n.field, n.reason) for n in refused]
    received = msg.model_dump_json().encode()
    told = rejection(MessageRejected, received, subject(msg.envelope.type, org), errors, now)
    return [(told.data, org)]


async def save(
    store: EventStore,
    case_number: str,
    version: int,
    events: list[NewEvent],
    inbox: InboxEntry | None = None,
) -> None:
    """Append to the case's stream at `version`, with the inbox row of the message acted on."""
    await store.append(StreamWrite(case_stream(case_number), version, events), inbox=inbox)


class Handlers:
    """The enforcement handlers: each reads the case, lets a pure domain function decide, and
    appends what it decided with the inbox row the intake gives it, in one write. Built once in
    `main.py` with what they need: store, registry, catalogue, settings, sanctions read side."""

    def __init__(
        self,
        store: EventStore,
        registry: Registry,
        settings: EnforcementSettings,
        catalogue: Catalogue | None = None,
        sanctions_read: Sanctions | None = None,
        debtor_cases: DebtorCasesRead | None = None,
    ) -> None:
        self.store, self.registry, self.settings = store, registry, settings
        self.catalogue = catalogue or Catalogue.load()
        self.sanctions_read = sanctions_read
        projector = getattr(sanctions_read, "projector", None)
        if debtor_cases is None and projector is not None:
            # the projector that answers about sanctions answers about debtors' cases too
            debtor_cases = DebtorCasesRead(projector)
        self.debtor_cases = debtor_cases
        self.cases = CaseCache()
        self.online_deduction = routing.online_deduction(registry)
        self.by_role = routing.measures_by_role(self.catalogue)
        self.items_of = {
            m.id: m.restriction_item or 0 for m in self.catalogue.consumption_restrictions()
        }

    async def _by_court(
        self,
        msg: Message[Any],
        inbox: InboxEntry,
        now: datetime,
        decide: Callable[..., list[Out]],
        **rest: Any,
    ) -> None:
        """A court's command decided on the case by `decide(data, case, court=, now=, **rest)`."""
        court = msg.envelope.organization
        await self._act(
            msg, inbox, now, functools.partial(decide, msg.data, court=court, now=now, **rest)
        )

    async def _act(
        self, msg: Message[Any], inbox: InboxEntry, now: datetime, decide: Decide
    ) -> None:
        """Load → decide → append, again at once if another writer moved the case meanwhile."""
        env = msg.envelope
        number = _case_number(msg)
        await aggregate.act(
            self.store,
            functools.partial(self.cases.load, self.store, number),
            case_stream(number),
            lambda case: emit(decide(case), env, env.organization, now, number),
            inbox,
            RETRIES,
            functools.partial(self.cases.appended, number),
        )

    # -- the case ---------------------------------------------------------------------------

    async def register_case(self, msg: Message[Any], now: datetime, inbox: InboxEntry) -> None:
        court = self.registry.get(msg.envelope.organization)
        companies = {party_id(d) for d in msg.data.debtors if isinstance(d, Organization)}
        debtors = {c: (await load_debtor(self.store, c))[0] for c in sorted(companies)}
        decide = functools.partial(
            _registered,
            msg.data,
            court=court.code,
            court_case_code=court.case_code,
            now=now,
            debtors=debtors,
        )
        await self._act(msg, inbox, now, decide)
        for credit in sorted(companies):
            # An acceptance recorded while this registration was in flight found no such case:
            # the case is suspended now (once: the domain suspends a case once).
            recorded = (await load_debtor(self.store, credit))[0].first()
            if recorded is not None and recorded.bankruptcy_case_number not in {
                a.bankruptcy_case_number for a in debtors[credit].accepted.values()
            }:
                await self.suspend(recorded, msg.data.case_number, msg.envelope, now)

    async def suspend(
        self, recorded: DebtorBankruptcyRecorded, case_number: str, cause: Envelope, now: datetime
    ) -> None:
        """Suspend one case for a recorded acceptance, outside the write that recorded it."""
        await aggregate.act(
            self.store,
            functools.partial(self.cases.load, self.store, case_number),
            case_stream(case_number),
            lambda case: emit(
                bankruptcy.decide_suspend(recorded, case, now),
                cause,
                cause.organization,
                now,
                case_number,
            ),
            None,
            RETRIES,
        )

    async def bankruptcy_accepted(
        self, msg: Message[Any], now: datetime, inbox: InboxEntry
    ) -> None:
        """企业破产法 第十九条: the acceptance recorded on the debtor and each open case of the
        debtor suspended, in one write with the inbox row, so a redelivery has no effect."""
        accepted = msg.data
        credit = accepted.debtor.credit_code
        if self.debtor_cases is None:
            raise RuntimeError("no debtor_cases read model wired")
        for attempt in range(1, RETRIES + 1):
            debtor, version = await load_debtor(self.store, credit)
            numbers = await self.debtor_cases.open_cases(credit)
            recorded = bankruptcy.decide_record(accepted, debtor, numbers)
            # recorded now, or (nothing to record) recorded before
            fact = recorded[0] if recorded else debtor.accepted[accepted.case_number]
            writes = []
            if recorded:
                outs: list[Out] = [(e, accepted.court) for e in recorded]
                events = emit(outs, msg.envelope, msg.envelope.organization, now, None)
                writes.append(StreamWrite(bankruptcy.stream(credit), version, events))
            for number in numbers:
                case, case_version = await self.cases.load(self.store, number)
                suspended = bankruptcy.decide_suspend(fact, case, now)
                if suspended:
                    events = emit(suspended, msg.envelope, msg.envelope.organization, now, number)
                    writes.append(StreamWrite(case_stream(number), case_version, events))
            try:
                await self.store.append(*writes, inbox=inbox)
                break
            except ConcurrencyError:
                if attempt == RETRIES:
                    raise
        # A case whose registration was in flight while the cases were read: suspended now.
        for number in await self.debtor_cases.open_cases(credit):
            if number not in numbers:
                await self.suspend(fact, number, msg.envelope, now)

    async def close_without_property(
        self, msg: Message[Any], now: datetime, inbox: InboxEntry
    ) -> None:
        decide = functools.partial(closing.decide_close, msg.data, court=msg.envelope.organization)
        await self._act(msg, inbox, now, decide)

    async def resume_enforcement(self, msg: Message[Any], now: datetime, inbox: InboxEntry) -> None:
        await self._by_court(msg, inbox, now, conclusion.decide_resume)

    async def conclude_case(self, msg: Message[Any], now: datetime, inbox: InboxEntry) -> None:
        await self._by_court(msg, inbox, now, conclusion.decide_conclude)

    # -- property query and control -----------------------------------------------------------

    def routing(self, court: str, kinds: Iterable[PropertyKind] = ALL_KINDS) -> Routing:
        return routing.query_routing(self.registry, court, kinds)

    def joint_office(self, court: str) -> str:
        return routing.joint_office(self.registry, court)

    async def query_property(self, msg: Message[Any], now: datetime, inbox: InboxEntry) -> None:
        court = msg.envelope.organization
        decide = functools.partial(
            _query,
            msg.data,
            court=court,
            query_id=msg.envelope.event_id,
            routing=self.routing(court, msg.data.kinds),
            now=now,
            respond_within=self.settings.respond_within,
            cache_window=self.settings.cache_window,
        )
        await self._act(msg, inbox, now, decide)

    async def property_answer(self, msg: Message[Any], now: datetime, inbox: InboxEntry) -> None:
        await self._act(msg, inbox, now, self.reply_decision(msg, now))

    def reply_decision(self, msg: Message[Any], now: datetime) -> Decide:
        """What a bureau's reply decides on its case: an answer to a query, a control's outcome,
        a sanction's acknowledgement, an objection to a control."""
        bureau, data = msg.envelope.organization, msg.data
        if isinstance(data, PropertyAnswer):
            return functools.partial(_answer_and_what_was_not_taken, msg, bureau=bureau, now=now)
        if isinstance(data, ControlOutcome):
            return functools.partial(bankruptcy.decide_outcome, data, bureau=bureau, now=now)
        if isinstance(data, SanctionAck):
            return functools.partial(sanctions.decide_ack, data, bureau=bureau, now=now)
        if isinstance(data, ObjectToControl):
            return functools.partial(
                objections.decide_objection,
                data,
                bureau=bureau,
                objection_id=msg.envelope.event_id,
                now=now,
            )
        raise TypeError(f"{msg.envelope.type} is not a reply decided on a case")

    async def replies_together(
        self, msgs: list[Message[Any]], inboxes: list[InboxEntry], now: datetime
    ) -> None:
        """Several bureaus' replies on one case (the answers to one query arriving together),
        in order: decided against one load of the case — each on the case as the ones before it
        left it, as one by one — and appended in one write with the inbox row of each, so a
        redelivery of any has no effect. Raises what one of them would raise alone (a refusal,
        a redelivery): the consumer then handles them one by one, the bad one refused by name."""
        numbers = {_case_number(m) for m in msgs}
        if len(numbers) != 1:
            raise ValueError(f"replies on {len(numbers)} cases cannot be decided together")
        (number,) = numbers
        decisions = [(m, self.reply_decision(m, now)) for m in msgs]
        for attempt in range(1, RETRIES + 1):
            loaded, version = await self.cases.load(self.store, number)
            case, events = loaded, list[NewEvent]()
            for m, decide in decisions:
                outs = decide(case)
                for payload, _ in outs:
                    case = domain.evolve(case, payload)
                env = m.envelope
                events += emit(outs, env, env.organization, now, number)
            try:
                write = StreamWrite(case_stream(number), version, events)
                await self.store.append_together(write, inboxes=inboxes)
                self.cases.appended(number, loaded, version, events)
                return
            except ConcurrencyError:
                if attempt == RETRIES:
                    raise

    async def freeze_property(self, msg: Message[Any], now: datetime, inbox: InboxEntry) -> None:
        await self._by_court(
            msg,
            inbox,
            now,
            _freeze,
            control_id=msg.envelope.event_id,
            tolerance=self.settings.over_seizure_tolerance,
            require_documents=self.settings.require_court_documents,
        )

    async def renew_control(self, msg: Message[Any], now: datetime, inbox: InboxEntry) -> None:
        await self._by_court(
            msg,
            inbox,
            now,
            _renew,
            order_id=msg.envelope.event_id,
            require_documents=self.settings.require_court_documents,
        )

    async def release_control(self, msg: Message[Any], now: datetime, inbox: InboxEntry) -> None:
        decide = functools.partial(
            orders.decide_release,
            msg.data,
            court=msg.envelope.organization,
            order_id=msg.envelope.event_id,
            require_documents=self.settings.require_court_documents,
        )
        await self._act(msg, inbox, now, decide)

    async def release_excess(self, msg: Message[Any], now: datetime, inbox: InboxEntry) -> None:
        await self._by_court(
            msg,
            inbox,
            now,
            orders.decide_release_excess,
            order_id=msg.envelope.event_id,
            require_documents=self.settings.require_court_documents,
        )

    async def deduct_funds(self, msg: Message[Any], now: datetime, inbox: InboxEntry) -> None:
        await self._by_court(
            msg,
            inbox,
            now,
            _deduct,
            order_id=msg.envelope.event_id,
            online=self.online_deduction,
            require_documents=self.settings.require_court_documents,
        )

    async def control_outcome(self, msg: Message[Any], now: datetime, inbox: InboxEntry) -> None:
        await self._act(msg, inbox, now, self.reply_decision(msg, now))

    async def object_to_control(self, msg: Message[Any], now: datetime, inbox: InboxEntry) -> None:
        await self._act(msg, inbox, now, self.reply_decision(msg, now))

    async def answer_objection(self, msg: Message[Any], now: datetime, inbox: InboxEntry) -> None:
        await self._by_court(msg, inbox, now, objections.decide_answer_objection)

    # -- joint sanctions ----------------------------------------------------------------------

    def sanction_plan(self, court: str, measures: list[Applicable]) -> sanctions.Plan:
        return routing.sanction_plan(self.registry, self.catalogue, court, measures)

    async def list_dishonest_debtor(
        self, msg: Message[Any], now: datetime, inbox: InboxEntry
    ) -> None:
        court = msg.envelope.organization
        decide = functools.partial(
            sanctions.decide_list,
            msg.data,
            court=court,
            sanction_id=msg.envelope.event_id,
            now=now,
            plan=self.sanction_plan(court, routing.applicable(self.catalogue, msg.data.debtor)),
            catalogue=self.catalogue,
            ack_within=self.settings.ack_within,
            grace_months=self.settings.grace_months,
        )
        await self._act(msg, inbox, now, decide)

    async def restrict_consumption(
        self, msg: Message[Any], now: datetime, inbox: InboxEntry
    ) -> None:
        court = msg.envelope.organization
        measures = routing.restriction_measures(self.catalogue, msg.data.debtor, msg.data.items)
        decide = functools.partial(
            sanctions.decide_restrict,
            msg.data,
            court=court,
            sanction_id=msg.envelope.event_id,
            now=now,
            plan=self.sanction_plan(court, measures),
            ack_within=self.settings.ack_within,
            grace_months=self.settings.grace_months,
        )
        await self._act(msg, inbox, now, decide)

    async def lift_sanction(self, msg: Message[Any], now: datetime, inbox: InboxEntry) -> None:
        await self._by_court(
            msg,
            inbox,
            now,
            sanctions.decide_lift,
            catalogue=self.catalogue,
            confirm_within=self.settings.ack_within,
        )

    async def correct_listing(self, msg: Message[Any], now: datetime, inbox: InboxEntry) -> None:
        await self._by_court(msg, inbox, now, sanctions.decide_correct)

    async def grant_restriction_exemption(
        self, msg: Message[Any], now: datetime, inbox: InboxEntry
    ) -> None:
        await self._by_court(
            msg,
            inbox,
            now,
            exemptions.decide_exempt,
            exemption_id=msg.envelope.event_id,
            catalogue=self.catalogue,
        )

    async def record_listing_duty(
        self, msg: Message[Any], now: datetime, inbox: InboxEntry
    ) -> None:
        await self._by_court(msg, inbox, now, duties.decide_record_duty, catalogue=self.catalogue)

    async def record_listing_request(
        self, msg: Message[Any], now: datetime, inbox: InboxEntry
    ) -> None:
        await self._by_court(
            msg, inbox, now, duties.decide_record_request, request_id=msg.envelope.event_id
        )

    async def refuse_listing_request(
        self, msg: Message[Any], now: datetime, inbox: InboxEntry
    ) -> None:
        await self._by_court(msg, inbox, now, duties.decide_refuse_request)

    async def record_credit_repair(
        self, msg: Message[Any], now: datetime, inbox: InboxEntry
    ) -> None:
        decide = functools.partial(
            sanctions.decide_credit_repair, msg.data, court=msg.envelope.organization
        )
        await self._act(msg, inbox, now, decide)

    async def sanction_ack(self, msg: Message[Any], now: datetime, inbox: InboxEntry) -> None:
        await self._act(msg, inbox, now, self.reply_decision(msg, now))

    async def ask_sanction_status(
        self, msg: Message[Any], now: datetime, inbox: InboxEntry
    ) -> None:
        """Not a case write: the answer, from the sanctions read side, on a stream of its own."""
        env, q = msg.envelope, msg.data
        if self.sanctions_read is None:
            raise RuntimeError("no sanctions read model wired")
        party = unmasked(q.party_id)
        imposed = await self.sanctions_read.in_force(party, now.date())
        answer = sanctions.status(
            env.event_id, party, q.measure, imposed, self.by_role, now, self.items_of
        )
        reply = follow(env, answer, organization=PLATFORM_CODE, now=now)
        await self.store.append(
            StreamWrite(f"status-{env.event_id}", 0, [outgoing(reply, env.organization)]),
            inbox=inbox,
        )


def _case_number(msg: Message[Any]) -> str:
    """The case a message acts on: its data's case number, else its envelope's."""
    case_number = getattr(msg.data, "case_number", None) or msg.envelope.case_number
    if not case_number:
        raise MissingCaseNumberError("the envelope must name the case (case_number)")
    return str(case_number)


def _registered(
    cmd: Any,
    case: domain.Case,
    *,
    court: str,
    court_case_code: str | None,
    now: datetime,
    debtors: dict[str, bankruptcy.Debtor],
) -> list[Out]:
    """The registration, recorded as the court's own fact; against a company whose bankruptcy
    was accepted, suspended with it."""
    events = domain.decide_register(
        cmd, case, court=court, court_case_code=court_case_code, now=now
    )
    after = case
    for e in events:
        after = domain.evolve(after, e)
    return [*((e, court) for e in events), *bankruptcy.on_registration(after, debtors, now)]


def _query(cmd: Any, case: domain.Case, *, now: datetime, **rest: Any) -> list[Out]:
    """A query, refused against a debtor whose bankruptcy was accepted."""
    outs = queries.decide_query(cmd, case, now=now, **rest)
    bankruptcy.check_query(cmd, case, now)
    return outs


def _freeze(cmd: Any, case: domain.Case, *, now: datetime, **rest: Any) -> list[Out]:
    """A freeze or seizure, refused on property of a debtor whose bankruptcy was accepted."""
    outs = orders.decide_freeze(cmd, case, now=now, **rest)
    bankruptcy.check_freeze(cmd, case, now)
    return outs


def _renew(cmd: Any, case: domain.Case, *, now: datetime, **rest: Any) -> list[Out]:
    """A renewal, refused on a control of a debtor whose bankruptcy was accepted."""
    bankruptcy.check_control(cmd.control_id, case, now)
    return orders.decide_renew(cmd, case, now=now, **rest)


def _deduct(cmd: Any, case: domain.Case, *, now: datetime, **rest: Any) -> list[Out]:
    """A deduction, refused on a control of a debtor whose bankruptcy was accepted."""
    bankruptcy.check_control(cmd.control_id, case, now)
    return orders.decide_deduct(cmd, case, **rest)


def _answer_and_what_was_not_taken(
    msg: Message[Any], case: domain.Case, *, bureau: str, now: datetime
) -> list[Out]:
    """A bureau's answer: what is taken, and a rejection naming each part not taken, in the same
    write."""
    taken = queries.decide_answer(msg.data, case, bureau=bureau, now=now)
    return [*taken, *not_taken(msg, queries.not_taken(msg.data, case, bureau=bureau), now)]
