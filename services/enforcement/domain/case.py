"""执行案件 — what the service knows of one enforcement case, rebuilt from its stream."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from uuid import UUID

from contracts.base import Payload
from contracts.enforcement import (
    Action,
    CaseClosedWithoutProperty,
    CaseRegistered,
    ControlApplied,
    ControlExpiring,
    ControlLapsed,
    ControlOrdered,
    ControlQueued,
    ControlRefused,
    ControlReleased,
    ControlRenewed,
    ExcessReleased,
    ExcessReleaseOrdered,
    ExcessReleaseOverdue,
    FundsDeducted,
    Holding,
    Party,
    PropertyAnswerRecorded,
    PropertyKind,
    PropertyQueryStarted,
    PropertyResult,
    QueuedControlTookEffect,
    party_id,
)
from contracts.enforcement.aftercare import CaseConcluded, EnforcementResumed
from contracts.enforcement.bankruptcy import (
    DeductedFundsHandedOver,
    EnforcementSuspendedForBankruptcy,
)
from contracts.enforcement.sanctions import SanctionKind
from services.enforcement.domain.objection_state import (
    OBJECTION_TYPES,
    Objection,
    evolve_objections,
)
from services.enforcement.domain.request_state import (
    REQUEST_TYPES,
    ListingRequest,
    evolve_requests,
)
from services.enforcement.domain.sanction_state import (
    SANCTION_TYPES,
    Sanction,
    evolve_sanctions,
)


class ControlState(StrEnum):
    """Where a control stands, as its facts leave it."""

    REQUESTED = "requested"  # its first order is with the bureau
    APPLIED = "applied"  # in effect
    QUEUED = "queued"  # 轮候: registered behind another measure, securing nothing yet
    REFUSED = "refused"  # its first order was refused
    LAPSED = "lapsed"  # expired, or its queue lapsed as the property was disposed of
    RELEASED = "released"  # 解除


SECURING = frozenset({ControlState.REQUESTED, ControlState.APPLIED})
"""States whose controls count towards what a case holds (not queued, not ended)."""


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
class ExcessRelease:
    """A release of the excess (解除超标的部分) ordered, with its last day."""

    order_id: UUID
    amount: Decimal
    release_by: date
    released: bool = False
    escalated: bool = False

    @property
    def open(self) -> bool:
        """Not released and not yet reported overdue."""
        return not self.released and not self.escalated


@dataclass(frozen=True)
class Control:
    """一项控制措施 — one freeze or seizure of one holding, through its orders."""

    control_id: UUID
    bureau: str
    holding: Holding
    amount: Decimal
    status: ControlState
    until: date | None
    pending: dict[UUID, Order] = field(default_factory=dict)
    warned: bool = False
    prior_claims: Decimal | None = None
    term_days: int | None = None
    queued_order: UUID | None = None
    """The order the bureau queued (轮候), which its later report of the queue names."""
    excess: dict[UUID, ExcessRelease] = field(default_factory=dict)
    """Releases of the excess ordered, by order."""
    deducted: dict[UUID, Decimal] = field(default_factory=dict)
    """Money deducted (扣划) to the court's account, by deduction order."""
    release_orders: frozenset[UUID] = frozenset()
    """Every release order given for the control, answered or not."""

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
    bankruptcies: dict[str, EnforcementSuspendedForBankruptcy] = field(default_factory=dict)
    """Debtors whose bankruptcy was accepted, by credit code: the case is suspended for them
    (企业破产法 第十九条)."""
    handed_over: frozenset[UUID] = frozenset()
    """Deduction orders whose money was handed over to the administrator."""
    listing_requests: dict[UUID, ListingRequest] = field(default_factory=dict)
    """Applicants' requests to list a debtor (纳入申请), decided within fifteen days."""

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
        return sum(
            (c.amount for c in self.controls.values() if c.status is ControlState.APPLIED),
            Decimal(0),
        )

    def secured(self) -> Decimal:
        """Total the case holds for the over-seizure test: controls in effect and orders still in
        flight, each at the value it secures. A queued control (轮候) secures nothing until it
        takes effect; an order in flight is counted because it may take effect at once, and
        several sent together must not add up to an over-seizure."""
        return sum(
            (c.secures() for c in self.controls.values() if c.status in SECURING), Decimal(0)
        )


def evolve(case: Case, event: Payload) -> Case:
    if event.TYPE in REQUEST_TYPES:
        case = replace(case, listing_requests=evolve_requests(case.listing_requests, event))
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
        case EnforcementSuspendedForBankruptcy():
            return replace(
                case,
                bankruptcies={**case.bankruptcies, event.credit_code: event},
                requery_stopped=case.requery_stopped or "bankruptcy_suspended",
            )
        case DeductedFundsHandedOver():
            return replace(case, handed_over=case.handed_over | {event.order_id})
        case _ if event.TYPE in CONTROL_TYPES and hasattr(event, "control_id"):
            c = _control(case.controls.get(event.control_id), event)
            if c is None:
                return case
            return replace(case, controls={**case.controls, c.control_id: c})
    return case


def _done(c: Control, order_id: UUID | None, **changes: object) -> Control:
    """The control once the bureau answered `order_id`: no longer pending, with `changes`."""
    pending = {k: v for k, v in c.pending.items() if k != order_id}
    return replace(c, pending=pending, **changes)  # type: ignore[arg-type]


def _control(old: Control | None, e: Payload) -> Control | None:
    """The control after one of its facts (`None`: a fact of a control never ordered)."""
    if isinstance(e, ControlOrdered):
        order = Order(str(e.action), e.amount, e.until)
        if old is None:
            return Control(
                e.control_id,
                e.bureau,
                e.holding,
                e.amount,
                ControlState.REQUESTED,
                e.until,
                {e.order_id: order},
                prior_claims=e.prior_claims,
                term_days=e.term_days,
            )
        released = old.release_orders | ({e.order_id} if e.action is Action.RELEASE else set())
        return replace(old, pending={**old.pending, e.order_id: order}, release_orders=released)
    if old is None:
        return None
    match e:
        case ControlApplied():
            return _done(old, e.order_id, status=ControlState.APPLIED, until=e.until or old.until)
        case ControlQueued():
            return _done(
                old,
                e.order_id,
                status=ControlState.QUEUED,
                until=e.until or old.until,
                queued_order=e.order_id,
            )
        case QueuedControlTookEffect():
            return replace(
                old, status=ControlState.APPLIED, until=e.until or old.until, queued_order=None
            )
        case ControlRefused():
            # a refused renewal, release or deduction leaves the control as it was
            first = old.status is ControlState.REQUESTED and e.order_id == old.control_id
            return _done(old, e.order_id, status=ControlState.REFUSED if first else old.status)
        case ControlRenewed():
            return _done(old, e.order_id, until=e.until, warned=False)
        case ControlExpiring():
            return replace(old, warned=True)
        case ControlLapsed():
            return _done(old, e.order_id, status=ControlState.LAPSED, queued_order=None)
        case ControlReleased():
            return _done(old, e.order_id, status=ControlState.RELEASED)
        case FundsDeducted():
            asked = old.pending.get(e.order_id)
            amount = e.amount if e.amount is not None else asked.amount if asked else Decimal(0)
            deducted = {**old.deducted, e.order_id: amount}
            return _done(old, e.order_id, amount=e.remaining, deducted=deducted)
        case ExcessReleaseOrdered():
            order = Order(str(Action.RELEASE_EXCESS), e.amount, old.until)
            release = ExcessRelease(e.order_id, e.amount, e.release_by)
            return replace(
                old,
                pending={**old.pending, e.order_id: order},
                excess={**old.excess, e.order_id: release},
            )
        case ExcessReleased():
            done = {
                k: replace(r, released=r.released or k == e.order_id) for k, r in old.excess.items()
            }
            return _done(old, e.order_id, amount=e.remaining, excess=done)
        case ExcessReleaseOverdue():
            late = {
                k: replace(r, escalated=r.escalated or k == e.order_id)
                for k, r in old.excess.items()
            }
            return replace(old, excess=late)
    return old


CONTROL_TYPES = frozenset(
    t.TYPE
    for t in (
        ControlOrdered,
        ControlApplied,
        ControlQueued,
        QueuedControlTookEffect,
        ControlRefused,
        ControlRenewed,
        ControlExpiring,
        ControlLapsed,
        ControlReleased,
        FundsDeducted,
        ExcessReleaseOrdered,
        ExcessReleased,
        ExcessReleaseOverdue,
    )
)
"""The facts of a control (`contracts.enforcement.control_facts`)."""
