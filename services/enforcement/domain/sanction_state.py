"""The state of a case's sanctions, rebuilt from its stream."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime
from uuid import UUID

from contracts.enforcement import Party, party_id
from contracts.enforcement.duties import ListingDuty, ListingDutyArose, ListingDutyOverdue
from contracts.enforcement.measures import Whom
from contracts.enforcement.publication import PublicationDeferred, SanctionPublished
from contracts.enforcement.sanctions import (
    AckOutcome,
    DeletionDue,
    LiftCompleted,
    LiftNotice,
    ListingCorrected,
    OverdueSanctions,
    SanctionAcknowledged,
    SanctionImposed,
    SanctionKind,
    SanctionLifted,
    SanctionNotice,
)

SANCTION_TYPES = frozenset(
    cls.TYPE
    for cls in (
        SanctionImposed,
        SanctionNotice,
        LiftNotice,
        SanctionAcknowledged,
        SanctionLifted,
        LiftCompleted,
        OverdueSanctions,
        ListingDutyArose,
        DeletionDue,
        ListingDutyOverdue,
        ListingCorrected,
        PublicationDeferred,
        SanctionPublished,
    )
)


@dataclass(frozen=True)
class Sent:
    bureau: str
    lift: bool
    due: datetime
    measures: frozenset[str] = frozenset()
    """The measures the bureau was told to apply (for a lift notice: those it lifts)."""


@dataclass(frozen=True)
class Duty:
    """应当删除 / 撤销 / 更正 — what the court must do with a listing, by when."""

    duty: ListingDuty
    ground: str | None
    arose_on: date
    due_by: date | None
    escalated: bool = False
    provisional: bool = False
    """`due_by` is the earliest the last day can be: its year's calendar was not known."""

    def same(self, other: ListingDutyOverdue) -> bool:
        return (self.duty, self.ground, self.arose_on) == (other.duty, other.ground, other.arose_on)


@dataclass(frozen=True)
class Sanction:
    sanction_id: UUID
    kind: SanctionKind
    debtor_id: str
    until: date | None
    notices: dict[UUID, Sent] = field(default_factory=dict)
    acks: dict[UUID, AckOutcome] = field(default_factory=dict)
    escalated: frozenset[UUID] = frozenset()
    lifted: bool = False
    lift_completed: bool = False
    since: date | None = None
    lift_ground: str | None = None
    lifted_on: date | None = None
    duties: tuple[Duty, ...] = ()
    corrected_on: date | None = None
    items: frozenset[int] = frozenset(range(1, 10))
    """A restriction order's items (all nine for an order recorded before orders named them)."""
    bound: dict[Whom, Party] = field(default_factory=dict)
    """Role → the party the sanction binds in it."""
    publish_on: date | None = None
    """With a grace period (宽限期): the day it takes effect and the bureaus are told."""
    deferred: tuple[SanctionNotice, ...] = ()
    """The notices kept until then."""
    published: bool = True

    def discharged(self, d: Duty) -> bool:
        """Whether the duty was done: deleted or revoked (a lift ends every duty), or the data
        corrected on or after the day the inaccuracy arose."""
        if self.lifted:
            return True
        return d.duty is ListingDuty.CORRECT and (self.corrected_on or date.min) >= d.arose_on

    def in_force(self, day: date) -> bool:
        """Imposed, not lifted, and `day` within its term."""
        started = self.since is None or self.since <= day
        return started and not self.lifted and (self.until is None or day <= self.until)

    def notified(self) -> list[str]:
        return sorted({s.bureau for s in self.notices.values() if not s.lift})

    def lift_notices(self) -> dict[UUID, Sent]:
        return {n: s for n, s in self.notices.items() if s.lift}


def _measures(s: Sanction, event: SanctionNotice | LiftNotice) -> frozenset[str]:
    if isinstance(event, SanctionNotice):
        return frozenset(m.measure for m in event.measures)
    told = [n.measures for n in s.notices.values() if n.bureau == event.bureau and not n.lift]
    return frozenset().union(*told)


def evolve_sanctions(sanctions: dict[UUID, Sanction], event: object) -> dict[UUID, Sanction]:
    match event:
        case SanctionImposed():
            debtor = next(
                b.party for b in event.bound if b.whom in (Whom.PERSON, Whom.ORGANIZATION)
            )
            items = getattr(event.detail, "items", None) or range(1, 10)
            s = Sanction(
                event.sanction_id,
                event.sanction_kind,
                party_id(debtor),
                event.until,
                since=event.effective_on,
                items=frozenset(items),
                bound={b.whom: b.party for b in event.bound},
            )
            return {**sanctions, s.sanction_id: s}
        case SanctionNotice() | LiftNotice():
            s = sanctions[event.sanction_id]
            lift = isinstance(event, LiftNotice)
            due = event.confirm_by if isinstance(event, LiftNotice) else event.acknowledge_by
            sent = Sent(event.bureau, lift, due, _measures(s, event))
            return {
                **sanctions,
                s.sanction_id: replace(s, notices={**s.notices, event.notice_id: sent}),
            }
        case SanctionAcknowledged():
            s = sanctions[event.sanction_id]
            return {
                **sanctions,
                s.sanction_id: replace(s, acks={**s.acks, event.notice_id: event.outcome}),
            }
        case SanctionLifted():
            s = sanctions[event.sanction_id]
            return {
                **sanctions,
                s.sanction_id: replace(
                    s, lifted=True, lift_ground=event.ground, lifted_on=event.effective_on
                ),
            }
        case LiftCompleted():
            s = sanctions[event.sanction_id]
            return {**sanctions, s.sanction_id: replace(s, lift_completed=True)}
        case OverdueSanctions():
            s = sanctions[event.sanction_id]
            more = frozenset(o.notice_id for o in event.overdue)
            return {**sanctions, s.sanction_id: replace(s, escalated=s.escalated | more)}
        case PublicationDeferred():
            s = sanctions[event.sanction_id]
            later = replace(
                s, publish_on=event.publish_on, deferred=tuple(event.notices), published=False
            )
            return {**sanctions, s.sanction_id: later}
        case SanctionPublished():
            s = sanctions[event.sanction_id]
            return {**sanctions, s.sanction_id: replace(s, published=True, deferred=())}
        case ListingDutyArose() | DeletionDue() | ListingDutyOverdue() | ListingCorrected():
            s = sanctions[event.sanction_id]
            return {**sanctions, s.sanction_id: _duties(s, event)}
    return sanctions


def _duties(
    s: Sanction, event: ListingDutyArose | DeletionDue | ListingDutyOverdue | ListingCorrected
) -> Sanction:
    match event:
        case ListingDutyArose():
            d = Duty(
                event.duty,
                event.ground,
                event.arose_on,
                event.due_by,
                provisional=event.due_by_provisional,
            )
            return replace(s, duties=(*s.duties, d))
        case DeletionDue():
            d = Duty(
                ListingDuty.DELETE,
                event.ground,
                event.arose_on,
                event.due_by,
                provisional=event.due_by_provisional,
            )
            return replace(s, duties=(*s.duties, d))
        case ListingDutyOverdue():
            told = tuple(replace(d, escalated=True) if d.same(event) else d for d in s.duties)
            return replace(s, duties=told)
    return replace(s, corrected_on=event.corrected_on)
