"""执行案件 — what the service knows of one enforcement case, rebuilt from its stream."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from uuid import UUID

from contracts.base import Payload
from contracts.enforcement import (
    CaseClosedWithoutProperty,
    CaseRegistered,
    ControlRecorded,
    Holding,
    Party,
    PropertyAnswerRecorded,
    PropertyKind,
    PropertyQueryStarted,
    PropertyResult,
    party_id,
)
from contracts.enforcement.aftercare import CaseConcluded, EnforcementResumed
from contracts.enforcement.sanctions import SanctionKind
from services.enforcement.domain.objection_state import (
    OBJECTION_TYPES,
    Objection,
    evolve_objections,
)
from services.enforcement.domain.sanction_state import (
    SANCTION_TYPES,
    Sanction,
    evolve_sanctions,
)

SECURING = frozenset({"requested", "applied"})
"""Statuses whose controls count towards what a case holds (not queued, not ended)."""


@dataclass(frozen=True)
class Query:
    """一次查询 — one property query and the answers gathered so far."""

    query_id: UUID
    debtor: Party
    kinds: tuple[PropertyKind, ...]
    asked: dict[str, tuple[PropertyKind, ...]]
    respond_by: datetime
    answers: dict[str, tuple[Holding, ...]] = field(default_factory=dict)
    completed_at: datetime | None = None
    requery: int | None = None

    @property
    def unanswered(self) -> list[str]:
        return sorted(b for b in self.asked if b not in self.answers)


@dataclass(frozen=True)
class Order:
    """An order sent to the bureau and not yet answered."""

    action: str
    amount: Decimal
    until: date | None


@dataclass(frozen=True)
class Control:
    """一项控制措施 — one freeze or seizure of one holding, through its orders."""

    control_id: UUID
    bureau: str
    holding: Holding
    amount: Decimal
    status: str
    until: date | None
    pending: dict[UUID, Order] = field(default_factory=dict)
    warned: bool = False
    prior_claims: Decimal | None = None
    term_days: int | None = None

    def secures(self) -> Decimal:
        """What the control secures: its amount, at most the holding's value net of the claims
        ranking before the court's where that value is known (查封规定 第十九条)."""
        if self.holding.value is None:
            return self.amount
        net = max(self.holding.value - (self.prior_claims or Decimal(0)), Decimal(0))
        return min(self.amount, net)


@dataclass(frozen=True)
class Case:
    case_number: str | None = None
    executing_court: str | None = None
    filed_on: date | None = None
    debtors: tuple[Party, ...] = ()
    amount: Decimal = Decimal(0)
    queries: dict[UUID, Query] = field(default_factory=dict)
    controls: dict[UUID, Control] = field(default_factory=dict)
    closed_on: date | None = None
    sanctions: dict[UUID, Sanction] = field(default_factory=dict)
    applicants: tuple[Party, ...] = ()
    requery_stopped: str | None = None
    """Why re-queries after 终本 stopped: resumed as a 执恢 case, performed, suspended, ended."""
    objections: dict[UUID, Objection] = field(default_factory=dict)
    """Bureaus' written objections to control orders (协助执行异议)."""

    @property
    def registered(self) -> bool:
        return self.case_number is not None

    def debtor(self, identifier: str) -> Party | None:
        return next((d for d in self.debtors if party_id(d) == identifier), None)

    def restricted(self, debtor_id: str, day: date) -> bool:
        """Whether a consumption restriction (限制消费令) is in force on the debtor on `day`."""
        return any(
            s.kind == SanctionKind.CONSUMPTION_RESTRICTION
            and s.debtor_id == debtor_id
            and s.in_force(day)
            for s in self.sanctions.values()
        )

    def secured_effective(self) -> Decimal:
        """Total the case holds under controls in effect: queued or asked-for controls secure
        nothing yet."""
        return sum((c.amount for c in self.controls.values() if c.status == "applied"), Decimal(0))

    def secured(self) -> Decimal:
        """Total the case holds for the over-seizure test: controls in effect and orders still in
        flight, each at the value it secures. A queued control (轮候) secures nothing until it
        takes effect; an order in flight is counted because it may take effect at once, and
        several sent together must not add up to an over-seizure."""
        return sum(
            (c.secures() for c in self.controls.values() if c.status in SECURING), Decimal(0)
        )


def evolve(case: Case, event: Payload) -> Case:
    if event.TYPE in SANCTION_TYPES:
        return replace(case, sanctions=evolve_sanctions(case.sanctions, event))
    if event.TYPE in OBJECTION_TYPES:
        return replace(case, objections=evolve_objections(case.objections, event))
    match event:
        case CaseRegistered():
            return Case(
                event.case_number,
                event.executing_court,
                event.filed_on,
                tuple(event.debtors),
                event.amount,
                applicants=tuple(event.applicants),
            )
        case PropertyQueryStarted():
            q = Query(
                event.query_id,
                event.debtor,
                tuple(event.kinds),
                {a.bureau: tuple(a.kinds) for a in event.asked},
                event.respond_by,
                requery=event.requery,
            )
            return replace(case, queries={**case.queries, q.query_id: q})
        case PropertyAnswerRecorded():
            q = case.queries[event.query_id]
            q = replace(q, answers={**q.answers, event.bureau: tuple(event.holdings)})
            return replace(case, queries={**case.queries, q.query_id: q})
        case PropertyResult() if event.query_id in case.queries:
            q = replace(case.queries[event.query_id], completed_at=event.completed_at)
            return replace(case, queries={**case.queries, q.query_id: q})
        case CaseClosedWithoutProperty():
            return replace(case, closed_on=event.closed_on)
        case EnforcementResumed():
            return replace(case, requery_stopped=f"resumed as {event.resumed_case_number}")
        case CaseConcluded():
            return replace(case, requery_stopped=str(event.conclusion))
        case ControlRecorded():
            return replace(
                case, controls={**case.controls, event.control_id: _control(case, event)}
            )
    return case


def _control(case: Case, e: ControlRecorded) -> Control:
    old = case.controls.get(e.control_id)
    order = Order(str(e.action), e.amount, e.until)
    if old is None:
        return Control(
            e.control_id,
            e.bureau,
            e.holding,
            e.amount,
            e.status,
            e.until,
            {e.order_id: order} if e.order_id else {},
            prior_claims=e.prior_claims,
            term_days=e.term_days,
        )
    pending = dict(old.pending)
    if e.status == "requested" and e.order_id:
        pending[e.order_id] = order
        return replace(old, pending=pending)
    if e.order_id:
        pending.pop(e.order_id, None)
    status, until = _after(old, e)
    amount = e.amount if e.status == "deducted" else old.amount
    return replace(
        old,
        status=status,
        until=until,
        pending=pending,
        amount=amount,
        warned=old.warned or e.status == "expiring",
    )


def _after(old: Control, e: ControlRecorded) -> tuple[str, date | None]:
    if e.status == "refused" and old.status != "requested":
        return old.status, old.until  # a refused renewal or release leaves the control as it was
    if e.status == "expiring":
        return old.status, old.until
    if e.status == "deducted":
        return old.status, old.until
    return e.status, e.until if e.until is not None else old.until
