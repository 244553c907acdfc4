"""删除期限 — the court must delete a listing within three working days of a mandatory deletion
ground arising or of its term ending (法释〔2017〕7号 第十条), and revoke or correct it within three
working days (第九条). The day a ground arose is recorded as a fact with its last day; a duty still
open after its last day is escalated, once, to the court and the joint office.

Grounds arise in three ways: the court records one (`RecordListingDuty`); the service notices
ground (四) itself after 终本 (`DeletionDue`, see `aftercare`); a case concluded by performance,
suspension for bankruptcy or termination raises the matching ground for every open-ended listing
in force (see `conclusion`). A term that ends is deleted by the service itself the day after the
last day (`sanctions.decide_expiry`), well inside its three working days.

纳入申请 — an applicant may ask the court to list a debtor, and the court decides within fifteen
days of receiving the request (第五条): the court records the request (`RecordListingRequest`);
listing the debtor at the applicant's request (`ListDishonestDebtor` with `on_applicant_request`)
or refusing it (`RefuseListingRequest`) decides it; undecided after the fifteen days, the court
and the joint office are told, once.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from uuid import UUID

from contracts.enforcement import party_id
from contracts.enforcement.duties import (
    ListingDuty,
    ListingDutyArose,
    ListingDutyOverdue,
    ListingRequested,
    ListingRequestOverdue,
    ListingRequestRefused,
    RecordListingDuty,
    RecordListingRequest,
    RefuseListingRequest,
)
from contracts.enforcement.measures import Catalogue
from contracts.enforcement.sanctions import SanctionKind
from services.enforcement.domain import errors
from services.enforcement.domain.case import Case
from services.enforcement.domain.query import Out, check_case_court, midnight
from services.enforcement.domain.request_state import ListingRequest
from services.enforcement.domain.sanction_state import Duty, Sanction
from services.enforcement.domain.sanctions import deletion_due, deletion_ground
from services.enforcement.domain.workdays import days_period_end

REVOCATION = "error_corrected"
"""The catalogue's ground for a revocation (撤销, 第九条)."""


def _listing(case: Case, cmd: RecordListingDuty) -> Sanction:
    s = case.sanctions.get(cmd.sanction_id)
    if s is None:
        raise errors.UnknownSanctionError(f"no listing {cmd.sanction_id} in this case")
    if s.kind != SanctionKind.LISTING:
        raise errors.NotAListingError(f"{cmd.sanction_id} is a consumption restriction")
    if s.lifted:
        raise errors.SanctionEndedError(f"{cmd.sanction_id} is already deleted or revoked")
    return s


def _ground(cmd: RecordListingDuty, s: Sanction, catalogue: Catalogue, today: date) -> str | None:
    """The ground the duty rests on: for a deletion a mandatory ground that applies to this
    listing (D1), for a revocation `error_corrected`, for a correction none."""
    if cmd.duty is ListingDuty.CORRECT:
        return None
    if cmd.duty is ListingDuty.REVOKE:
        return REVOCATION
    if cmd.ground is None:
        raise errors.DutyGroundError("a deletion names its ground (catalogue deletion_grounds)")
    ground = deletion_ground(cmd.ground, s, catalogue, today)
    if ground.discretionary or ground.id == REVOCATION:
        raise errors.DutyGroundError(
            f"{cmd.ground} is no duty to delete: the court may delete early at its discretion; a "
            "wrongful listing is a revocation (duty revoke)"
        )
    return ground.id


def decide_record_duty(
    cmd: RecordListingDuty, case: Case, *, court: str, now: datetime, catalogue: Catalogue
) -> list[Out]:
    """Record that a duty to delete, revoke or correct arose, with its last day."""
    check_case_court(case, court)
    s = _listing(case, cmd)
    if cmd.ground_arose_on > now.date():
        raise errors.DutyDateError(f"the ground arose on {cmd.ground_arose_on}, after today")
    ground = _ground(cmd, s, catalogue, now.date())
    if [d for d in s.duties if d.duty is cmd.duty and not s.discharged(d)]:
        raise errors.DutyAlreadyRecordedError(f"a duty to {cmd.duty} this listing is open already")
    due, provisional = deletion_due(cmd.ground_arose_on)
    arose = ListingDutyArose(
        sanction_id=s.sanction_id,
        duty=cmd.duty,
        ground=ground,
        arose_on=cmd.ground_arose_on,
        due_by=due,
        due_by_provisional=provisional,
        detail=cmd.detail,
    )
    return [(arose, court)]


def overdue_from(s: Sanction, d: Duty) -> date | None:
    """The first day the duty is overdue (the day after its last day), while it is open and
    not yet escalated."""
    if d.due_by is None or d.escalated or s.discharged(d):
        return None
    return d.due_by + timedelta(days=1)


def is_overdue(s: Sanction, d: Duty, today: date) -> bool:
    """Open after its last day, and not yet escalated."""
    first = overdue_from(s, d)
    return first is not None and today >= first


def next_due(case: Case) -> datetime | None:
    """The first moment `decide_duty_overdue` escalates one of the case's duties, or None."""
    days = [f for s in case.sanctions.values() for d in s.duties if (f := overdue_from(s, d))]
    return midnight(min(days)) if days else None


def decide_duty_overdue(case: Case, now: datetime, joint_office: str) -> list[Out]:
    """Tell the court and the joint office, once each duty, that a listing was not deleted,
    revoked or corrected by its last day."""
    court, out = case.executing_court or "", list[Out]()
    for s in sorted(case.sanctions.values(), key=lambda s: str(s.sanction_id)):
        for d in s.duties:
            if is_overdue(s, d, now.date()) and d.due_by is not None:
                late = ListingDutyOverdue(
                    sanction_id=s.sanction_id,
                    case_number=case.case_number or "",
                    duty=d.duty,
                    ground=d.ground,
                    arose_on=d.arose_on,
                    due_by=d.due_by,
                    due_by_provisional=d.provisional,
                )
                out += [(late, court), (late, joint_office)]
    return out


DECIDE_WITHIN_DAYS = 15
"""十五日 (第五条): calendar days, as the interpretation says (not 工作日), counted from the day after
the request was received (期间); a last day on a rest day moves to the next working day
(民事诉讼法 第八十五条, `days_period_end`)."""


def decide_record_request(
    cmd: RecordListingRequest, case: Case, *, court: str, request_id: UUID, now: datetime
) -> list[Out]:
    """Record an applicant's request to list a debtor, with the last day to decide it."""
    check_case_court(case, court)
    debtor = party_id(cmd.debtor)
    if case.debtor(debtor) is None:
        raise errors.NotADebtorError("the party is not a debtor of this case")
    if party_id(cmd.applicant) not in {party_id(a) for a in case.applicants}:
        raise errors.NotAnApplicantError("the party is not an applicant of this case")
    if cmd.received_on > now.date():
        raise errors.RequestDateError(f"received on {cmd.received_on}, after today")
    if case.filed_on is not None and cmd.received_on < case.filed_on:
        raise errors.RequestDateError(f"received on {cmd.received_on}, before the case was filed")
    if [r for r in case.listing_requests.values() if r.debtor_id == debtor and not r.decided]:
        raise errors.ListingRequestOpenError(
            "a request to list this debtor awaits the court's decision"
        )
    requested = ListingRequested(
        request_id=request_id,
        debtor=cmd.debtor,
        applicant=cmd.applicant,
        received_on=cmd.received_on,
        decide_by=days_period_end(cmd.received_on, DECIDE_WITHIN_DAYS),
        detail=cmd.detail,
    )
    return [(requested, court)]


def decide_refuse_request(
    cmd: RefuseListingRequest, case: Case, *, court: str, now: datetime
) -> list[Out]:
    """The court's refusal to list the debtor, with its reasons."""
    check_case_court(case, court)
    r = case.listing_requests.get(cmd.request_id)
    if r is None:
        raise errors.UnknownListingRequestError(f"no request {cmd.request_id} in this case")
    if r.decided:
        raise errors.ListingRequestDecidedError(f"request {cmd.request_id} is decided already")
    if cmd.decided_on > now.date():
        raise errors.DecisionDateError(f"decided on {cmd.decided_on}, after today ({now.date()})")
    if cmd.decided_on < r.received_on:
        raise errors.DecisionDateError(
            f"decided on {cmd.decided_on}, before the request was received ({r.received_on})"
        )
    refused = ListingRequestRefused(
        request_id=r.request_id,
        decision_number=cmd.decision_number,
        decided_on=cmd.decided_on,
        reasons=cmd.reasons,
        late=cmd.decided_on > r.decide_by,
    )
    return [(refused, court)]


def request_overdue_from(r: ListingRequest) -> date | None:
    """The first day the request is overdue (the day after its fifteen days), while it is
    undecided and not yet escalated."""
    return None if r.decided or r.escalated else r.decide_by + timedelta(days=1)


def request_next_due(case: Case) -> datetime | None:
    """The first moment `decide_request_overdue` escalates one of the case's requests."""
    days = [d for r in case.listing_requests.values() if (d := request_overdue_from(r))]
    return midnight(min(days)) if days else None


def decide_request_overdue(case: Case, now: datetime, joint_office: str) -> list[Out]:
    """Tell the court and the joint office, once each request, that an applicant's request to
    list a debtor was not decided within its fifteen days."""
    court, out = case.executing_court or "", list[Out]()
    for r in sorted(case.listing_requests.values(), key=lambda r: str(r.request_id)):
        first = request_overdue_from(r)
        if first is None or now.date() < first:
            continue
        late = ListingRequestOverdue(
            request_id=r.request_id,
            case_number=case.case_number or "",
            received_on=r.received_on,
            decide_by=r.decide_by,
        )
        out += [(late, court), (late, joint_office)]
    return out
