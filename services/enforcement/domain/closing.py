"""终结本次执行程序 (终本) — closing a case for lack of property, only when the law allows it.

终本规定 (法〔2016〕373号) 第一条 asks for all of: an execution notice and a property report order;
a consumption restriction order issued and eligible debtors listed; the property investigation
exhausted; more than three months since filing; a missing debtor searched for. 民诉法解释
第五百一十七条 adds that the applicant signs to confirm, or a collegial panel reviews and the
president approves. The service checks what it can see: the filing date, a completed network query
of every debtor, a restriction in force on every natural-person debtor, the approver named, and the
days the execution notice and property report order were served and the applicant interviewed
(约谈), given as fields of the close.
"""

from __future__ import annotations

from datetime import date, timedelta

from contracts.enforcement import CaseClosedWithoutProperty, CloseWithoutProperty, Person, party_id
from contracts.ids import mask_id
from services.enforcement.domain.case import Case, Query
from services.enforcement.domain.errors import (
    ApproverMissingError,
    CloseTooEarlyError,
    ExecutionNoticeMissingError,
    InterviewMissingError,
    PropertyNotQueriedError,
    RestrictionMissingError,
)
from services.enforcement.domain.query import Out, check_case_court
from services.enforcement.domain.requery import add_months

MONTHS_AFTER_FILING = 3
"""终本 only when more than three months have passed since the case was filed."""


def earliest_close(filed_on: date) -> date:
    """The first day a case filed on `filed_on` may be closed: the day after three months."""
    return add_months(filed_on, MONTHS_AFTER_FILING) + timedelta(days=1)


def _open(q: Query) -> str:
    silent = ", ".join(q.unanswered) or "none"
    return (
        f"the property query of {mask_id(party_id(q.debtor))} is still open until "
        f"{q.respond_by.isoformat(timespec='minutes')} (not answered yet: {silent}): close "
        "after its result"
    )


def _unqueried(case: Case) -> list[str]:
    """Why the debtors no completed network query has covered are not yet queried: a query
    still open (asked, waiting for bureaus until its deadline), or none made."""
    done = {party_id(q.debtor) for q in case.queries.values() if q.completed_at is not None}
    pending = {party_id(q.debtor): q for q in case.queries.values() if q.completed_at is None}
    waiting = [d for d in case.debtors if party_id(d) not in done]
    never = [mask_id(party_id(d)) for d in waiting if party_id(d) not in pending]
    why = [_open(pending[party_id(d)]) for d in waiting if party_id(d) in pending]
    if never:
        why.append(f"no completed property query of {', '.join(never)}: query before closing")
    return why


def decide_close(cmd: CloseWithoutProperty, case: Case, *, court: str) -> list[Out]:
    """Close the case for lack of property, or refuse naming the condition that fails."""
    check_case_court(case, court)
    if case.filed_on is not None and cmd.closed_on < earliest_close(case.filed_on):
        raise CloseTooEarlyError(
            f"filed on {case.filed_on}: 终本 only after more than three months, "
            f"from {earliest_close(case.filed_on)}"
        )
    if why := _unqueried(case):
        raise PropertyNotQueriedError("; ".join(why))
    unrestricted = [
        mask_id(party_id(d))
        for d in case.debtors
        if isinstance(d, Person) and not case.restricted(party_id(d), cmd.closed_on)
    ]
    if unrestricted:
        raise RestrictionMissingError(
            f"no consumption restriction (限制消费令) in force on {', '.join(unrestricted)}"
        )
    if not cmd.approved_by.strip():
        raise ApproverMissingError("name who approved the closing (院长批准 / 申请执行人签字)")
    _check_steps(cmd, case)
    closed = CaseClosedWithoutProperty(
        case_number=cmd.case_number,
        closed_on=cmd.closed_on,
        approved_by=cmd.approved_by,
        execution_notice_on=cmd.execution_notice_on,
        applicant_interviewed_on=cmd.applicant_interviewed_on,
    )
    return [(closed, court)]


def _within(day: date | None, case: Case, cmd: CloseWithoutProperty) -> bool:
    after_filing = case.filed_on is None or (day is not None and day >= case.filed_on)
    return day is not None and after_filing and day <= cmd.closed_on


def _check_steps(cmd: CloseWithoutProperty, case: Case) -> None:
    """终本规定 第一条第（一）项 and the interview of the applicant: each done, between filing and
    closing. Recorded as fields of the close: the court's case management holds the documents,
    the service holds their dates."""
    if not _within(cmd.execution_notice_on, case, cmd):
        raise ExecutionNoticeMissingError(
            "give the day the execution notice and the property report order were served "
            "(执行通知书、报告财产令), between filing and closing"
        )
    if not _within(cmd.applicant_interviewed_on, case, cmd):
        raise InterviewMissingError(
            "give the day the applicant was interviewed (约谈申请执行人), between filing and closing"
        )
