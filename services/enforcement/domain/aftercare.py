"""终本后 — what the re-queries after a case closed for lack of property (终本) mean: their result is
told to the applicant (终本规定 第九条); two network queries that find nothing is deletion ground
(四) of 法释〔2017〕7号 第十条第一款, due within three working days, for an open-ended listing only
(第十条第二款)."""

from __future__ import annotations

from datetime import datetime

from contracts.enforcement import PropertyResult, party_id
from contracts.enforcement.aftercare import RequeryForApplicant
from contracts.enforcement.sanctions import DeletionDue, SanctionKind
from services.enforcement.domain.case import Case
from services.enforcement.domain.workdays import add_working_days_at_earliest

NO_PROPERTY_FOUND = "no_property_found"
EMPTY_QUERIES = 2
"""两次以上: the second empty query after 终本 makes the ground arise."""
DUE_WITHIN_WORKING_DAYS = 3
"""第十条第一款: deleted within three working days of the ground arising."""


def _empty_after_closing(case: Case, debtor_id: str) -> int:
    """Queries of the debtor since 终本 that every bureau asked answered, finding nothing."""
    closed = case.closed_on
    return sum(
        1
        for q in case.queries.values()
        if closed is not None
        and q.completed_at is not None
        and q.completed_at.date() >= closed
        and party_id(q.debtor) == debtor_id
        and q.asked
        and not q.unanswered
        and not any(q.answers.values())
    )


def decide_deletion_due(case: Case, result: PropertyResult, now: datetime) -> list[DeletionDue]:
    """After `result` (not yet in `case`): when it is the second empty query of the debtor since
    终本, tell the court each open-ended listing of the debtor in force is due for deletion."""
    if case.closed_on is None or now.date() < case.closed_on or result.from_cache:
        return []
    if not (result.complete and result.answers) or any(a.holdings for a in result.answers):
        return []  # a query some bureau did not answer, or that no bureau was asked, searched nothing
    debtor = party_id(result.debtor)
    if _empty_after_closing(case, debtor) + 1 != EMPTY_QUERIES:
        return []
    # The notice never waits for the calendar: in a year not known yet its last day is the
    # earliest the law's can be, marked provisional.
    due, provisional = add_working_days_at_earliest(now.date(), DUE_WITHIN_WORKING_DAYS)
    return [
        DeletionDue(
            sanction_id=s.sanction_id,
            case_number=case.case_number or "",
            ground=NO_PROPERTY_FOUND,
            arose_on=now.date(),
            due_by=due,
            due_by_provisional=provisional,
        )
        for s in sorted(case.sanctions.values(), key=lambda s: str(s.sanction_id))
        if s.kind == SanctionKind.LISTING
        and s.debtor_id == debtor
        and s.until is None
        and s.in_force(now.date())
    ]


def decide_applicant_notice(case: Case, result: PropertyResult) -> list[RequeryForApplicant]:
    """终本规定 第九条: the result of a re-query after 终本 is told to the applicant, not only the
    court — whether or not anything was found."""
    if result.requery is None or not case.applicants:
        return []
    told = RequeryForApplicant(
        case_number=case.case_number or "",
        applicants=list(case.applicants),
        debtor=result.debtor,
        requery=result.requery,
        newly_found=result.newly_found,
        complete=result.complete,
        completed_at=result.completed_at,
    )
    return [told]
