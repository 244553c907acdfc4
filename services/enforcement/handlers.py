"""One async function per message: load the case, let the domain decide, append."""

from __future__ import annotations

import functools
from collections import OrderedDict
from datetime import datetime
from typing import Any

from contracts.enforcement import ALL_KINDS, HELD_BY, MessageRejected, Person
from contracts.enforcement.measures import Applicable, Catalogue
from contracts.enforcement.sanctions import MeasureFor
from contracts.envelope import Envelope, Message
from contracts.ids import unmasked
from contracts.organizations import PLATFORM_CODE, Capability, OrgKind, Registry
from contracts.registry import FieldError, parse_message
from contracts.subjects import subject
from services.enforcement import domain
from services.enforcement.domain import (
    closing,
    conclusion,
    duties,
    exemptions,
    objections,
    orders,
    sanctions,
)
from services.enforcement.domain import control as controls
from services.enforcement.domain import query as queries
from services.enforcement.domain.errors import MissingCaseNumberError
from services.enforcement.domain.query import Out, Routing
from services.enforcement.projections import Sanctions
from services.enforcement.settings import EnforcementSettings
from services.runtime.eventstore import (
    ConcurrencyError,
    EventStore,
    InboxEntry,
    NewEvent,
    StreamWrite,
)
from services.runtime.messaging import follow, outgoing, rejection

RETRIES = 3
COMMANDS = "enforcement_commands"
REPLIES = "enforcement_replies"


def case_stream(case_number: str) -> str:
    return f"case-{case_number}"


async def load_case(
    store: EventStore, case_number: str, start: tuple[domain.Case, int] = (domain.Case(), 0)
) -> tuple[domain.Case, int]:
    """The case and its version, from `start` (a state known at a version) on."""
    case, version = start
    for stored in await store.load(case_stream(case_number), after_version=version):
        case = domain.evolve(case, parse_message(stored.message).data)
        version = stored.version
    return case, version


class CaseCache:
    """Cases as last loaded, so a load reads only the events after them instead of replaying
    the whole stream. Safe because states are immutable and only committed events are read:
    whatever another writer appended since is read on the next load."""

    def __init__(self, size: int = 10_000) -> None:
        self.size, self._cases = size, OrderedDict[str, tuple[domain.Case, int]]()

    async def load(self, store: EventStore, case_number: str) -> tuple[domain.Case, int]:
        known = self._cases.pop(case_number, (domain.Case(), 0))
        loaded = await load_case(store, case_number, known)
        self._cases[case_number] = loaded
        if len(self._cases) > self.size:
            self._cases.popitem(last=False)
        return loaded


def emit(
    outs: list[Out], cause: Envelope | None, actor: str, now: datetime, case_number: str
) -> list[NewEvent]:
    """Messages for the log: an event acts as its subject's organization, a notice is sent by
    `actor` to its subject's organization, a rejection by the platform, as the intake's are."""
    out = []
    for payload, org in outs:
        kind = payload.kind()
        acting = org if kind == "event" else PLATFORM_CODE if kind == "rejection" else actor
        msg = follow(cause, payload, organization=acting, now=now, case_number=case_number)
        out.append(outgoing(msg, org))
    return out


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
    consumer: str | None,
    cause: Envelope | None,
) -> None:
    # The intake has checked that the envelope's organization is the subject's sender.
    inbox = InboxEntry(consumer, cause.event_id, cause.organization) if consumer and cause else None
    await store.append(StreamWrite(case_stream(case_number), version, events), inbox=inbox)


class Handlers:
    """The enforcement handlers, with what they need: store, registry, catalogue, settings."""

    def __init__(
        self,
        store: EventStore,
        registry: Registry,
        settings: EnforcementSettings,
        catalogue: Catalogue | None = None,
        sanctions_read: Sanctions | None = None,
    ) -> None:
        self.store, self.registry, self.settings = store, registry, settings
        self.catalogue = catalogue or Catalogue.load()
        self.sanctions_read = sanctions_read
        self.cases = CaseCache()
        self.online_deduction = frozenset(
            o.code for o in registry if Capability.ONLINE_DEDUCTION in o.handles
        )

    async def _act(self, msg: Message[Any], consumer: str, now: datetime, decide: Any) -> None:
        env = msg.envelope
        case_number = getattr(msg.data, "case_number", None) or env.case_number
        if not case_number:
            raise MissingCaseNumberError("the envelope must name the case (case_number)")
        for attempt in range(1, RETRIES + 1):
            case, version = await self.cases.load(self.store, case_number)
            outs = decide(case)
            try:
                await save(
                    self.store,
                    case_number,
                    version,
                    emit(outs, env, env.organization, now, case_number),
                    consumer,
                    env,
                )
                return
            except ConcurrencyError:
                # The commands and the replies consumers may write one case at once: load it
                # again and decide again at once, rather than waiting for a redelivery.
                if attempt == RETRIES:
                    raise

    async def register_case(self, msg: Message[Any], now: datetime) -> None:
        court = self.registry.get(msg.envelope.organization)
        await self._act(
            msg,
            COMMANDS,
            now,
            lambda case: [
                (e, court.code)
                for e in domain.decide_register(
                    msg.data, case, court=court.code, court_case_code=court.case_code, now=now
                )
            ],
        )

    async def close_without_property(self, msg: Message[Any], now: datetime) -> None:
        await self._act(
            msg,
            COMMANDS,
            now,
            lambda case: closing.decide_close(msg.data, case, court=msg.envelope.organization),
        )

    async def resume_enforcement(self, msg: Message[Any], now: datetime) -> None:
        court = msg.envelope.organization
        decide = functools.partial(conclusion.decide_resume, msg.data, court=court, now=now)
        await self._act(msg, COMMANDS, now, decide)

    async def conclude_case(self, msg: Message[Any], now: datetime) -> None:
        court = msg.envelope.organization
        decide = functools.partial(conclusion.decide_conclude, msg.data, court=court, now=now)
        await self._act(msg, COMMANDS, now, decide)

    def routing(self, court: str, kinds: Any = ALL_KINDS) -> Routing:
        where = self.registry.get(court).jurisdiction
        asked: dict[str, list[Any]] = {}
        for kind in kinds:
            for bureau in self.registry.handling(HELD_BY[kind], where):
                asked.setdefault(bureau.code, []).append(kind)
        return {b: tuple(k) for b, k in asked.items()}

    async def query_property(self, msg: Message[Any], now: datetime) -> None:
        court = msg.envelope.organization
        routing = self.routing(court, msg.data.kinds)
        await self._act(
            msg,
            COMMANDS,
            now,
            lambda case: queries.decide_query(
                msg.data,
                case,
                court=court,
                query_id=msg.envelope.event_id,
                routing=routing,
                now=now,
                respond_within=self.settings.respond_within,
                cache_window=self.settings.cache_window,
            ),
        )

    async def property_answer(self, msg: Message[Any], now: datetime) -> None:
        bureau = msg.envelope.organization
        await self._act(
            msg,
            REPLIES,
            now,
            lambda case: [
                *queries.decide_answer(msg.data, case, bureau=bureau, now=now),
                *not_taken(msg, queries.not_taken(msg.data, case, bureau=bureau), now),
            ],
        )

    async def freeze_property(self, msg: Message[Any], now: datetime) -> None:
        await self._act(
            msg,
            COMMANDS,
            now,
            lambda case: orders.decide_freeze(
                msg.data,
                case,
                court=msg.envelope.organization,
                control_id=msg.envelope.event_id,
                now=now,
                tolerance=self.settings.over_seizure_tolerance,
                require_documents=self.settings.require_court_documents,
            ),
        )

    async def renew_control(self, msg: Message[Any], now: datetime) -> None:
        await self._act(
            msg,
            COMMANDS,
            now,
            lambda case: orders.decide_renew(
                msg.data,
                case,
                court=msg.envelope.organization,
                order_id=msg.envelope.event_id,
                now=now,
                require_documents=self.settings.require_court_documents,
            ),
        )

    async def release_control(self, msg: Message[Any], now: datetime) -> None:
        await self._act(
            msg,
            COMMANDS,
            now,
            lambda case: orders.decide_release(
                msg.data,
                case,
                court=msg.envelope.organization,
                order_id=msg.envelope.event_id,
                require_documents=self.settings.require_court_documents,
            ),
        )

    async def deduct_funds(self, msg: Message[Any], now: datetime) -> None:
        await self._act(
            msg,
            COMMANDS,
            now,
            lambda case: orders.decide_deduct(
                msg.data,
                case,
                court=msg.envelope.organization,
                order_id=msg.envelope.event_id,
                online=self.online_deduction,
                require_documents=self.settings.require_court_documents,
            ),
        )

    async def control_outcome(self, msg: Message[Any], now: datetime) -> None:
        await self._act(
            msg,
            REPLIES,
            now,
            lambda case: controls.decide_outcome(msg.data, case, bureau=msg.envelope.organization),
        )

    async def object_to_control(self, msg: Message[Any], now: datetime) -> None:
        decide = functools.partial(
            objections.decide_objection,
            msg.data,
            bureau=msg.envelope.organization,
            objection_id=msg.envelope.event_id,
            now=now,
        )
        await self._act(msg, REPLIES, now, decide)

    async def answer_objection(self, msg: Message[Any], now: datetime) -> None:
        decide = functools.partial(
            objections.decide_answer_objection, msg.data, court=msg.envelope.organization, now=now
        )
        await self._act(msg, COMMANDS, now, decide)

    def sanction_plan(self, court: str, applicable: list[Applicable]) -> sanctions.Plan:
        """Bureau → the measures it applies, for the bureaus that enforce them where the court is."""
        where = self.registry.get(court).jurisdiction
        bureaus = self.registry.handling(Capability.CREDIT_SANCTION, where)
        wanted: dict[str, dict[str, list[str]]] = {}
        for a in applicable:
            kinds = set(self.catalogue.enforcers(a.measure))
            for b in bureaus:
                if b.kind in kinds:
                    wanted.setdefault(b.code, {}).setdefault(a.measure.id, []).append(str(a.whom))
        return {
            b: [MeasureFor(measure=m, whom=sorted(set(w))) for m, w in sorted(ms.items())]
            for b, ms in wanted.items()
        }

    def joint_office(self, court: str) -> str:
        """联席办 of the court's jurisdiction, or of the nearest level above it."""
        offices = {o.jurisdiction: o.code for o in self.registry if o.kind == OrgKind.JOINT_OFFICE}
        for place in self.registry.ancestors(self.registry.get(court).jurisdiction):
            if place.code in offices:
                return offices[place.code]
        return PLATFORM_CODE

    def _applicable(self, cmd: Any) -> list[Applicable]:
        return self.catalogue.for_party(
            "person" if isinstance(cmd.debtor, Person) else "organization"
        )

    async def list_dishonest_debtor(self, msg: Message[Any], now: datetime) -> None:
        court = msg.envelope.organization
        plan = self.sanction_plan(court, self._applicable(msg.data))
        await self._act(
            msg,
            COMMANDS,
            now,
            lambda case: sanctions.decide_list(
                msg.data,
                case,
                court=court,
                sanction_id=msg.envelope.event_id,
                now=now,
                plan=plan,
                catalogue=self.catalogue,
                ack_within=self.settings.ack_within,
                grace_months=self.settings.grace_months,
            ),
        )

    async def restrict_consumption(self, msg: Message[Any], now: datetime) -> None:
        court = msg.envelope.organization
        restricted = {
            m.id
            for m in self.catalogue.consumption_restrictions()
            if m.restriction_item in msg.data.items
        }
        applicable = [a for a in self._applicable(msg.data) if a.measure.id in restricted]
        plan = self.sanction_plan(court, applicable)
        await self._act(
            msg,
            COMMANDS,
            now,
            lambda case: sanctions.decide_restrict(
                msg.data,
                case,
                court=court,
                sanction_id=msg.envelope.event_id,
                now=now,
                plan=plan,
                ack_within=self.settings.ack_within,
                grace_months=self.settings.grace_months,
            ),
        )

    async def lift_sanction(self, msg: Message[Any], now: datetime) -> None:
        await self._act(
            msg,
            COMMANDS,
            now,
            lambda case: sanctions.decide_lift(
                msg.data,
                case,
                court=msg.envelope.organization,
                now=now,
                catalogue=self.catalogue,
                confirm_within=self.settings.ack_within,
            ),
        )

    async def correct_listing(self, msg: Message[Any], now: datetime) -> None:
        await self._act(
            msg,
            COMMANDS,
            now,
            lambda case: sanctions.decide_correct(
                msg.data, case, court=msg.envelope.organization, now=now
            ),
        )

    async def grant_restriction_exemption(self, msg: Message[Any], now: datetime) -> None:
        decide = functools.partial(
            exemptions.decide_exempt,
            msg.data,
            court=msg.envelope.organization,
            exemption_id=msg.envelope.event_id,
            now=now,
            catalogue=self.catalogue,
        )
        await self._act(msg, COMMANDS, now, decide)

    async def record_listing_duty(self, msg: Message[Any], now: datetime) -> None:
        court = msg.envelope.organization
        decide = functools.partial(
            duties.decide_record_duty, msg.data, court=court, now=now, catalogue=self.catalogue
        )
        await self._act(msg, COMMANDS, now, decide)

    async def record_credit_repair(self, msg: Message[Any], now: datetime) -> None:
        await self._act(
            msg,
            COMMANDS,
            now,
            lambda case: sanctions.decide_credit_repair(
                msg.data, case, court=msg.envelope.organization
            ),
        )

    async def sanction_ack(self, msg: Message[Any], now: datetime) -> None:
        await self._act(
            msg,
            REPLIES,
            now,
            lambda case: sanctions.decide_ack(
                msg.data, case, bureau=msg.envelope.organization, now=now
            ),
        )

    def applicable_by_role(self) -> dict[str, dict[str, set[str]]]:
        """Sanction kind → role → the measures such a sanction puts on that role."""
        restricted = {m.id for m in self.catalogue.consumption_restrictions()}
        out: dict[str, dict[str, set[str]]] = {"listing": {}, "consumption_restriction": {}}
        for kind in ("person", "organization"):
            for a in self.catalogue.for_party(kind):
                out["listing"].setdefault(str(a.whom), set()).add(a.measure.id)
                if a.measure.id in restricted:
                    out["consumption_restriction"].setdefault(str(a.whom), set()).add(a.measure.id)
        return out

    async def ask_sanction_status(self, msg: Message[Any], now: datetime) -> None:
        env, q = msg.envelope, msg.data
        if self.sanctions_read is None:
            raise RuntimeError("no sanctions read model wired")
        party = unmasked(q.party_id)
        imposed = await self.sanctions_read.in_force(party, now.date())
        items_of = {
            m.id: m.restriction_item or 0 for m in self.catalogue.consumption_restrictions()
        }
        answer = sanctions.status(
            env.event_id, party, q.measure, imposed, self.applicable_by_role(), now, items_of
        )
        reply = follow(env, answer, organization=PLATFORM_CODE, now=now)
        await self.store.append(
            StreamWrite(f"status-{env.event_id}", 0, [outgoing(reply, env.organization)]),
            inbox=InboxEntry(COMMANDS, env.event_id, env.organization),
        )
