"""失信联合惩戒 — listing, consumption restriction, the notices each bureau gets, their
acknowledgements, lifting, and the overdue list for the joint office.

Invariants: a bureau is told once to apply a sanction and once to lift it; every bureau told to
apply one is told to lift it when it ends, acknowledged or not.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any
from uuid import UUID

from contracts.enforcement import Person, party_id
from contracts.enforcement.duties import ListingDuty
from contracts.enforcement.measures import (
    Catalogue,
    DeletionGround,
    EndOutcome,
    LiftingGround,
    ListingTerm,
    UnknownEntryError,
    Whom,
)
from contracts.enforcement.publication import PublicationDeferred
from contracts.enforcement.sanctions import (
    AckOutcome,
    Bound,
    CorrectListing,
    CreditRepairRecorded,
    InForce,
    LiftCompleted,
    LiftNotice,
    LiftSanction,
    ListDishonestDebtor,
    ListingCorrected,
    MeasureFor,
    Overdue,
    OverdueSanctions,
    RecordCreditRepair,
    RestrictConsumption,
    SanctionAck,
    SanctionAcknowledged,
    SanctionImposed,
    SanctionKind,
    SanctionLifted,
    SanctionNotice,
    SanctionStatus,
)
from contracts.ids import age_on, mask_id
from services.enforcement.domain import errors
from services.enforcement.domain.query import Out, check_case_court, midnight
from services.enforcement.domain.requery import add_months
from services.enforcement.domain.sanction_state import Sanction, Sent
from services.enforcement.domain.terms import add_years
from services.enforcement.domain.workdays import add_working_days_at_earliest

if TYPE_CHECKING:
    from services.enforcement.domain.case import Case

Plan = dict[str, list[MeasureFor]]
"""Bureau code → the measures it applies (from the catalogue and the registry)."""
_IDS = uuid.UUID("8a4e6c1d-2b3f-4e5a-9c7d-1f2e3d4c5b6a")


def bound_parties(cmd: ListDishonestDebtor | RestrictConsumption) -> list[Bound]:
    whom = Whom.PERSON if isinstance(cmd.debtor, Person) else Whom.ORGANIZATION
    out = [Bound(whom=whom, party=cmd.debtor)]
    if cmd.legal_representative is not None:
        out.append(Bound(whom=Whom.LEGAL_REPRESENTATIVE, party=cmd.legal_representative))
    if cmd.actual_controller is not None:
        out.append(Bound(whom=Whom.ACTUAL_CONTROLLER, party=cmd.actual_controller))
    return out


def notice_id(sanction_id: UUID, bureau: str, lift: bool) -> UUID:
    """Deterministic: the same decision taken twice names the same notice."""
    return uuid.uuid5(_IDS, f"{sanction_id}/{bureau}/{'lift' if lift else 'apply'}")


def _check_subject(
    case_debtor: object,
    cmd: ListDishonestDebtor | RestrictConsumption,
    sanctions: dict[UUID, Sanction],
    kind: SanctionKind,
    today: date,
    sanction_id: UUID,
) -> None:
    if sanction_id in sanctions:
        raise errors.AlreadySanctionedError(f"{sanction_id} is already recorded")
    if case_debtor is None:
        raise errors.NotADebtorError("the party is not a debtor of this case")
    if isinstance(cmd.debtor, Person) and age_on(cmd.debtor.id_number, today) < 18:
        raise errors.MinorError("a minor is never listed or restricted (未成年人不得纳入)")
    active = [
        s
        for s in sanctions.values()
        if s.kind == kind and not s.lifted and s.debtor_id == party_id(cmd.debtor)
    ]
    if active:
        raise errors.AlreadySanctionedError(f"already in force as {active[0].sanction_id}")


def _notices(
    sanction_id: UUID,
    kind: SanctionKind,
    case_number: str,
    court: str,
    bound: list[Bound],
    plan: Plan,
    effective: date,
    until: date | None,
    due: datetime,
) -> list[Out]:
    out: list[Out] = []
    roles = {b.whom for b in bound}
    for bureau, measures in sorted(plan.items()):
        mine = [
            MeasureFor(measure=m.measure, whom=[w for w in m.whom if w in roles])
            for m in measures
            if roles.intersection(m.whom)
        ]
        if not mine:
            continue
        reach = {w for m in mine for w in m.whom}
        notice = SanctionNotice(
            notice_id=notice_id(sanction_id, bureau, False),
            bureau=bureau,
            sanction_id=sanction_id,
            sanction_kind=kind,
            case_number=case_number,
            executing_court=court,
            measures=mine,
            bound=[b for b in bound if b.whom in reach],
            effective_on=effective,
            until=until,
            acknowledge_by=due,
        )
        out.append((notice, bureau))
    return out


APPLICANT_REQUEST = "applicant_request"
"""第十条第一款第（三）项: deleted at the applicant's written request; the applicant may not have
the debtor listed again within six months (第十条)."""
RELIST_AFTER_MONTHS = 6
TERM_EXPIRED = "term_expired"
PERIOD_ENDED = "period_ended"
DUE_WITHIN_WORKING_DAYS = 3
"""Delete, revoke or correct within three working days (第九条、第十条)."""


def _check_decision(cmd: ListDishonestDebtor, case: Case, today: date) -> None:
    """第五条: the listing is a decision (决定书), effective the day it is made."""
    if cmd.decided_on > today:
        raise errors.DecisionDateError(f"decided on {cmd.decided_on}, after today ({today})")
    if case.filed_on is not None and cmd.decided_on < case.filed_on:
        raise errors.DecisionDateError(f"decided on {cmd.decided_on}, before the case was filed")


def _check_extension(cmd: ListDishonestDebtor, open_ended: bool, catalogue: Catalogue) -> None:
    """第二条: 1–3 more years only for obstruction by violence or threats in a serious case, or
    for several dishonest acts; an open-ended listing has no term to extend."""
    if not cmd.extension_years:
        return
    rule = catalogue.term_extension
    if open_ended:
        raise errors.ExtensionNotAllowedError("a listing without a fixed term cannot be extended")
    if rule.for_ground not in cmd.grounds and len(set(cmd.grounds)) < rule.for_several:
        raise errors.ExtensionNotAllowedError(
            f"an extension needs the ground {rule.for_ground} or {rule.for_several} grounds or "
            "more (第二条: 暴力、威胁方法妨碍、抗拒执行情节严重或具有多项失信行为)"
        )
    if not (cmd.extension_reason or "").strip():
        raise errors.ExtensionReasonError("an extended term needs its reason (情节严重)")


def _check_exclusion(cmd: ListDishonestDebtor, case: Case, catalogue: Catalogue) -> None:
    """第三条第（二）项: no listing for refusing while able when the property already frozen
    (in effect, not queued) is enough to pay, unless the court states why."""
    refusing = [g for g in cmd.grounds if catalogue.ground(g).term_years is None]
    covered = case.amount > 0 and case.secured_effective() >= case.amount
    if refusing and covered and not (cmd.frozen_property_reason or "").strip():
        raise errors.FrozenPropertyCoversDebtError(
            f"property frozen in effect ({case.secured_effective()}) covers the {case.amount} "
            f"to be enforced: {refusing[0]} does not apply (第三条); state frozen_property_reason"
        )


def _check_relisting(cmd: ListDishonestDebtor, case: Case) -> None:
    """第十条: an applicant who had the listing deleted may not have it renewed within six
    months of that deletion."""
    if not cmd.on_applicant_request:
        return
    debtor = party_id(cmd.debtor)
    for s in case.sanctions.values():
        deleted = s.lifted_on
        if (
            s.kind == SanctionKind.LISTING
            and s.debtor_id == debtor
            and s.lift_ground == APPLICANT_REQUEST
            and deleted is not None
            and cmd.decided_on < add_months(deleted, RELIST_AFTER_MONTHS)
        ):
            raise errors.RelistingTooSoonError(
                f"deleted at the applicant's request on {deleted}: the applicant may ask again "
                f"from {add_months(deleted, RELIST_AFTER_MONTHS)}"
            )


def _check_restricted(
    cmd: ListDishonestDebtor, case: Case, until: date | None, today: date
) -> None:
    """法释〔2015〕17号 第一条第二款: a listed debtor is under a consumption restriction. The
    restriction is a document of its own, signed by the president (第五条), so the listing is
    refused until one is in force for at least as long as the listing."""
    debtor = party_id(cmd.debtor)
    for s in case.sanctions.values():
        if (
            s.kind == SanctionKind.CONSUMPTION_RESTRICTION
            and s.debtor_id == debtor
            and s.in_force(today)
            and (s.until is None or (until is not None and s.until >= until))
        ):
            return
    raise errors.ListingWithoutRestrictionError(
        "no consumption restriction (限制消费令) in force on the debtor for the listing's whole "
        "term: order it first (法释〔2015〕17号 第一条第二款)"
    )


def listing_until(
    cmd: ListDishonestDebtor, catalogue: Catalogue, start: date | None = None
) -> date | None:
    """The last day of the listing: its start (decided_on, or the end of a grace period) + the
    term (+ extension) − 1 day; None when every ground is open-ended (第一条第（一）项 only)."""
    terms = [catalogue.ground(g).term_years for g in cmd.grounds]
    fixed = [t for t in terms if t is not None]
    if not fixed:
        return None
    first = start or cmd.decided_on
    return add_years(first, max(fixed) + cmd.extension_years) - timedelta(days=1)


def grace_of(cmd: ListDishonestDebtor | RestrictConsumption, default: int) -> int:
    """宽限期 in months: the command's, else the service's setting."""
    return default if cmd.grace_months is None else cmd.grace_months


def decide_list(
    cmd: ListDishonestDebtor,
    case: Case,
    *,
    court: str,
    sanction_id: UUID,
    now: datetime,
    plan: Plan,
    catalogue: Catalogue,
    ack_within: timedelta,
    grace_months: int = 0,
) -> list[Out]:
    """List the debtor, by the court's decision (决定书): effective the day it is decided, or
    when a grace period (宽限期) ends, its term running from then. The term is 2 years plus any
    extension; a listing only for refusing to perform while able (第一条第（一）项) has none and
    lasts until it is deleted."""
    check_case_court(case, court)
    _check_subject(
        case.debtor(party_id(cmd.debtor)),
        cmd,
        case.sanctions,
        SanctionKind.LISTING,
        now.date(),
        sanction_id,
    )
    known = {g.id for g in catalogue.grounds}
    if unknown := [g for g in cmd.grounds if g not in known]:
        raise errors.UnknownGroundError(f"not a statutory ground: {', '.join(unknown)}")
    _check_decision(cmd, case, now.date())
    grace = grace_of(cmd, grace_months)
    start = add_months(cmd.decided_on, grace)
    until = listing_until(cmd, catalogue, start)
    _check_extension(cmd, until is None, catalogue)
    _check_exclusion(cmd, case, catalogue)
    _check_relisting(cmd, case)
    _check_restricted(cmd, case, until, max(now.date(), start))
    return _impose(
        cmd,
        case.case_number or "",
        court,
        sanction_id,
        SanctionKind.LISTING,
        start,
        until,
        plan,
        now + ack_within,
        grace,
    )


def decide_restrict(
    cmd: RestrictConsumption,
    case: Case,
    *,
    court: str,
    sanction_id: UUID,
    now: datetime,
    plan: Plan,
    ack_within: timedelta,
    grace_months: int = 0,
) -> list[Out]:
    """限制消费令 — effective the day it is ordered (or when a grace period ends), for the period
    it states (none: until the obligations are performed), on the items it names (第五条)."""
    check_case_court(case, court)
    _check_subject(
        case.debtor(party_id(cmd.debtor)),
        cmd,
        case.sanctions,
        SanctionKind.CONSUMPTION_RESTRICTION,
        now.date(),
        sanction_id,
    )
    if not isinstance(cmd.debtor, Person) and cmd.legal_representative is None:
        raise errors.BoundPartyMissingError(
            "an organization's restriction binds its legal representative: name them"
        )
    if cmd.ordered_on > now.date():
        raise errors.OrderDateError(f"ordered on {cmd.ordered_on}, after today ({now.date()})")
    if case.filed_on is not None and cmd.ordered_on < case.filed_on:
        raise errors.OrderDateError(f"ordered on {cmd.ordered_on}, before the case was filed")
    grace = grace_of(cmd, grace_months)
    start = add_months(cmd.ordered_on, grace)
    if cmd.until is not None and cmd.until < start:
        raise errors.RestrictionPeriodError(f"the period ends on {cmd.until}, before it starts")
    return _impose(
        cmd,
        case.case_number or "",
        court,
        sanction_id,
        SanctionKind.CONSUMPTION_RESTRICTION,
        start,
        cmd.until,
        plan,
        now + ack_within,
        grace,
    )


def _impose(
    cmd: ListDishonestDebtor | RestrictConsumption,
    case_number: str,
    court: str,
    sanction_id: UUID,
    kind: SanctionKind,
    start: date,
    until: date | None,
    plan: Plan,
    due: datetime,
    grace: int = 0,
) -> list[Out]:
    """The sanction and its notices; with a grace period the notices are kept until it ends."""
    bound = bound_parties(cmd)
    imposed = SanctionImposed(
        sanction_id=sanction_id,
        sanction_kind=kind,
        case_number=case_number,
        bound=bound,
        effective_on=start,
        until=until,
        detail=cmd,
    )
    notices = _notices(sanction_id, kind, case_number, court, bound, plan, start, until, due)
    if not grace:
        return [(imposed, court), *notices]
    kept = [n for n, _ in notices if isinstance(n, SanctionNotice)]
    deferred = PublicationDeferred(
        sanction_id=sanction_id, grace_months=grace, publish_on=start, notices=kept
    )
    return [(imposed, court), (deferred, court)]


def _sanction(case: Case, sanction_id: UUID) -> Sanction:
    s = case.sanctions.get(sanction_id)
    if s is None:
        raise errors.UnknownSanctionError(f"no listing or restriction {sanction_id} in this case")
    return s


def lift_all(
    s: Sanction,
    case_number: str,
    ground: str,
    shield: bool,
    now: datetime,
    confirm_within: timedelta,
    outcome: EndOutcome = EndOutcome.DELETE,
    due_by: date | None = None,
    due_by_provisional: bool = False,
) -> list[Out]:
    """End a sanction: every bureau ever notified is told to lift, acknowledged or not."""
    lifted = SanctionLifted(
        sanction_id=s.sanction_id,
        ground=ground,
        shield=shield,
        effective_on=now.date(),
        outcome=outcome,
        due_by=due_by,
        due_by_provisional=due_by_provisional,
    )
    out: list[Out] = [(lifted, "")]
    for bureau in s.notified():
        out.append(
            (
                LiftNotice(
                    notice_id=notice_id(s.sanction_id, bureau, True),
                    bureau=bureau,
                    sanction_id=s.sanction_id,
                    case_number=case_number,
                    ground=ground,
                    effective_on=now.date(),
                    confirm_by=now + confirm_within,
                    outcome=outcome,
                ),
                bureau,
            )
        )
    if not s.notified():
        out.append((LiftCompleted(sanction_id=s.sanction_id, completed_at=now), ""))
    return out


def deletion_ground(
    ground_id: str, s: Sanction, catalogue: Catalogue, today: date
) -> DeletionGround:
    """The deletion ground, if it applies to this listing (第十条第二款: the 第十条第一款 grounds
    do not apply to a listing with a term)."""
    try:
        ground = catalogue.deletion_ground(ground_id)
    except UnknownEntryError:
        raise errors.UnknownDeletionGroundError(f"not a deletion ground: {ground_id}") from None
    open_ended = s.until is None
    if ground.applies_to_listing is ListingTerm.OPEN_ENDED and not open_ended:
        raise errors.GroundNotForListingError(
            f"{ground_id} ends only a listing without a term; this one runs until {s.until}: "
            "it ends at expiry, or by early_deletion (第十条第二款, 第二条第二款)"
        )
    if ground.applies_to_listing is ListingTerm.FIXED_TERM and open_ended:
        raise errors.GroundNotForListingError(f"{ground_id} ends only a listing with a term")
    if ground.id == TERM_EXPIRED and s.until is not None and today <= s.until:
        raise errors.TermNotExpiredError(f"the term runs until {s.until}")
    return ground


def deletion_due(arose_on: date) -> tuple[date, bool]:
    """The last day to delete, revoke or correct: three working days after the ground arose; and
    whether it is provisional. A court's command is never refused for want of next year's
    holiday calendar: the day is then the earliest the law's can be (each day of the unknown year
    counted as a working day), never after it (`add_working_days_at_earliest`)."""
    return add_working_days_at_earliest(arose_on, DUE_WITHIN_WORKING_DAYS)


def term_deletion_due(last_day: date) -> tuple[date, bool]:
    """纳入期限届满后三个工作日内: the last day to delete a listing whose term ended on
    `last_day`, and whether it is provisional: while that year's holiday calendar is unknown it
    is the earliest the law's can be (`add_working_days_at_earliest`), never after it."""
    return add_working_days_at_earliest(last_day, DUE_WITHIN_WORKING_DAYS)


def _lifting_ground(
    cmd: LiftSanction, s: Sanction, case: Case, catalogue: Catalogue, today: date
) -> LiftingGround:
    """A restriction order's own lifting ground (法释〔2015〕17号 第九条); never while a listing
    of the same debtor is in force (第一条第二款)."""
    try:
        ground = catalogue.lifting_ground(cmd.ground)
    except UnknownEntryError:
        raise errors.UnknownDeletionGroundError(
            f"not a ground for lifting a consumption restriction: {cmd.ground}"
        ) from None
    listed = [
        x
        for x in case.sanctions.values()
        if x.kind == SanctionKind.LISTING and x.debtor_id == s.debtor_id and x.in_force(today)
    ]
    if listed:
        raise errors.RestrictionHeldByListingError(
            f"the debtor is listed ({listed[0].sanction_id}): a listed debtor stays restricted"
        )
    if ground.id == PERIOD_ENDED and (s.until is None or today <= s.until):
        raise errors.TermNotExpiredError(f"the period runs until {s.until or 'performance'}")
    return ground


def decide_lift(
    cmd: LiftSanction,
    case: Case,
    *,
    court: str,
    now: datetime,
    catalogue: Catalogue,
    confirm_within: timedelta,
) -> list[Out]:
    """删除 / 撤销 a listing on a deletion ground that applies to it, or 解除 a restriction on
    one of its own lifting grounds."""
    check_case_court(case, court)
    s = _sanction(case, cmd.sanction_id)
    if s.lifted:
        raise errors.SanctionEndedError(f"{cmd.sanction_id} is already lifted")
    ground: DeletionGround | LiftingGround
    if s.kind == SanctionKind.LISTING:
        ground = deletion_ground(cmd.ground, s, catalogue, now.date())
        outcome = ground.outcome
    else:
        ground = _lifting_ground(cmd, s, case, catalogue, now.date())
        outcome = EndOutcome.LIFT
    due: tuple[date, bool] | None = None
    if cmd.ground_arose_on is not None and not ground.discretionary:
        due = deletion_due(cmd.ground_arose_on)
    recorded = [
        (d.due_by, d.provisional)
        for d in s.duties
        if d.due_by and d.duty is not ListingDuty.CORRECT
    ]
    due = due or min(recorded, default=None)
    out = lift_all(
        s,
        case.case_number or "",
        cmd.ground,
        cmd.shield,
        now,
        confirm_within,
        outcome,
        *(due or (None, False)),
    )
    return [(p, org or court) for p, org in out]


def decide_ack(reply: SanctionAck, case: Case, *, bureau: str, now: datetime) -> list[Out]:
    sanctions: dict[UUID, Sanction] = case.sanctions
    found = [s for s in sanctions.values() if reply.notice_id in s.notices]
    if not found:
        raise errors.UnknownNoticeError(f"no notice {reply.notice_id} in this case")
    s = found[0]
    sent = s.notices[reply.notice_id]
    if sent.bureau != bureau:
        raise errors.WrongBureauError(f"notice {reply.notice_id} went to {sent.bureau}")
    if reply.notice_id in s.acks:
        raise errors.DuplicateAckError(f"notice {reply.notice_id} is already acknowledged")
    if sent.lift != (reply.outcome is AckOutcome.LIFTED):
        raise errors.UnknownNoticeError(
            "a lift notice is confirmed with `lifted`, a sanction "
            "notice with `applied` or `refused`"
        )
    ack = SanctionAcknowledged(
        sanction_id=s.sanction_id,
        notice_id=reply.notice_id,
        outcome=reply.outcome,
        bureau_reference=reply.bureau_reference,
        reason=reply.reason,
    )
    out: list[Out] = [(ack, bureau)]
    confirmed = {n for n in s.lift_notices() if n in s.acks} | {reply.notice_id}
    if sent.lift and confirmed >= set(s.lift_notices()):
        out.append((LiftCompleted(sanction_id=s.sanction_id, completed_at=now), bureau))
    return out


def escalates(sent: Sent, on_report: frozenset[str]) -> bool:
    """Whether a silent bureau is escalated: not when every measure it was told of is one it can
    act on only when reported (interception `on_report`): it has no checkpoint to confirm."""
    return not (sent.measures and sent.measures <= on_report)


def escalation_due(
    s: Sanction, notice: UUID, sent: Sent, on_report: frozenset[str]
) -> datetime | None:
    """When a silent bureau is escalated for the notice: its due time, unless it answered, was
    escalated already, the sanction it applies was lifted meanwhile, or it acts only on report."""
    if notice in s.acks or notice in s.escalated or not escalates(sent, on_report):
        return None
    return sent.due if sent.lift or not s.lifted else None


def expiry_due(s: Sanction) -> date | None:
    """The day after the last day of a fixed term, on which `decide_expiry` ends the sanction,
    while it is not lifted."""
    return None if s.lifted or s.until is None else s.until + timedelta(days=1)


def next_due(case: Case, on_report: frozenset[str] = frozenset()) -> datetime | None:
    """The first moment `decide_overdue` or `decide_expiry` writes for the case, or None."""
    times = [
        d
        for s in case.sanctions.values()
        for n, sent in s.notices.items()
        if (d := escalation_due(s, n, sent, on_report))
    ]
    ends = [e for s in case.sanctions.values() if (e := expiry_due(s))]
    return min([*times, *(midnight(e) for e in ends)], default=None)


def decide_overdue(
    case: Case, now: datetime, joint_office: str, on_report: frozenset[str] = frozenset()
) -> list[Out]:
    """Escalate, once each, the notices not answered by their due time, except those whose
    measures the bureau can act on only when reported (`on_report`: catalogue interception)."""
    out: list[Out] = []
    for s in case.sanctions.values():
        late = [
            Overdue(bureau=sent.bureau, notice_id=n, due=sent.due, lift=sent.lift)
            for n, sent in sorted(s.notices.items(), key=lambda kv: kv[1].bureau)
            if (due := escalation_due(s, n, sent, on_report)) is not None and now >= due
        ]
        if late:
            out.append(
                (
                    OverdueSanctions(
                        sanction_id=s.sanction_id, case_number=case.case_number or "", overdue=late
                    ),
                    joint_office,
                )
            )
    return out


def decide_expiry(case: Case, now: datetime, confirm_within: timedelta) -> list[Out]:
    """A listing whose term has run out is deleted on the ground `term_expired` (the day after
    its last day, well within the three working days of 第十条第二款); a restriction whose
    period has ended is lifted on `period_ended`."""
    out: list[Out] = []
    court = case.executing_court or ""
    for s in case.sanctions.values():
        due = expiry_due(s)
        if due is not None and s.until is not None and now.date() >= due:
            listing = s.kind == SanctionKind.LISTING
            ground = TERM_EXPIRED if listing else PERIOD_ENDED
            outcome = EndOutcome.DELETE if listing else EndOutcome.LIFT
            due, provisional = term_deletion_due(s.until) if listing else (None, False)
            out += [
                (p, org or court)
                for p, org in lift_all(
                    s,
                    case.case_number or "",
                    ground,
                    False,
                    now,
                    confirm_within,
                    outcome,
                    due,
                    provisional,
                )
            ]
    return out


def decide_correct(cmd: CorrectListing, case: Case, *, court: str, now: datetime) -> list[Out]:
    """更正 (第九条) — its own outcome: the listing stays in force with corrected data."""
    check_case_court(case, court)
    s = _sanction(case, cmd.sanction_id)
    if s.kind != SanctionKind.LISTING:
        raise errors.NotAListingError(f"{cmd.sanction_id} is a consumption restriction")
    if s.lifted:
        raise errors.SanctionEndedError(f"{cmd.sanction_id} is already deleted or revoked")
    due, provisional = (
        deletion_due(cmd.ground_arose_on) if cmd.ground_arose_on is not None else (None, False)
    )
    return [
        (
            ListingCorrected(
                sanction_id=s.sanction_id,
                correction=cmd.correction,
                corrected_on=now.date(),
                due_by=due,
                due_by_provisional=provisional,
            ),
            court,
        )
    ]


def decide_credit_repair(cmd: RecordCreditRepair, case: Case, *, court: str) -> list[Out]:
    """信用承诺 / 信用修复: recorded with the listing's history."""
    check_case_court(case, court)
    s = _sanction(case, cmd.sanction_id)
    return [
        (
            CreditRepairRecorded(
                sanction_id=s.sanction_id, repair_kind=cmd.repair_kind, statement=cmd.statement
            ),
            court,
        )
    ]


def _named(data: dict[str, Any], items_of: dict[str, int]) -> set[str] | None:
    """The measures a restriction order names by its items; None when all apply (a listing, or
    an order recorded before orders named their items)."""
    items = data.get("detail", {}).get("items")
    if data["sanction_kind"] != SanctionKind.CONSUMPTION_RESTRICTION or not items:
        return None
    return {m for m, item in items_of.items() if item in items}


def status(
    asked: UUID,
    party: str,
    measure: str | None,
    imposed: list[tuple[dict[str, Any], str]],
    applicable: dict[str, dict[str, set[str]]],
    now: datetime,
    items_of: dict[str, int] | None = None,
) -> SanctionStatus:
    """What is in force on `party` now. `imposed` holds (SanctionImposed data, court) still in
    force; `applicable[kind][role]` the measures a sanction of that kind puts on that role;
    `items_of` the restriction item (1–9) of each consumption measure, so a restriction order
    answers only for the items it names."""
    found = []
    for data, court in imposed:
        if date.fromisoformat(str(data["effective_on"])) > now.date():
            continue  # in its grace period (宽限期): not yet in effect, not published
        roles = {
            b["whom"]
            for b in data["bound"]
            if party in (b["party"].get("id_number"), b["party"].get("credit_code"))
        }
        named = _named(data, items_of or {})
        for role in sorted(roles):
            for m in sorted(applicable.get(data["sanction_kind"], {}).get(role, set())):
                if measure in (None, m) and (named is None or m in named):
                    found.append(
                        InForce(
                            measure=m,
                            whom=role,
                            sanction_id=data["sanction_id"],
                            sanction_kind=data["sanction_kind"],
                            since=data["effective_on"],
                            until=data["until"],
                            case_number=data["case_number"],
                            executing_court=court,
                        )
                    )
    return SanctionStatus(
        asked=asked, party=mask_id(party), measure=measure, in_force=found, as_of=now
    )
