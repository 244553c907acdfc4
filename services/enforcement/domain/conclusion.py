"""恢复执行与结案 — what ends the re-queries after 终本: resumption under a new 执恢 case number
(立案结案意见 第六条), performance in full, suspension because a bankruptcy application was
accepted (企业破产法 第十九条), termination. Performance, suspension and termination are also
mandatory deletion grounds of an open-ended listing (法释〔2017〕7号 第十条第一款 (一), (五), (七)):
each listing of the kind in force owes its deletion within three working days."""

from __future__ import annotations

from datetime import date, datetime

from contracts.enforcement.aftercare import (
    CaseConcluded,
    ConcludeCase,
    Conclusion,
    EnforcementResumed,
    ResumeEnforcement,
)
from contracts.enforcement.duties import ListingDuty, ListingDutyArose
from contracts.enforcement.sanctions import SanctionKind
from contracts.ids import parse_case_number
from services.enforcement.domain import errors
from services.enforcement.domain.case import Case
from services.enforcement.domain.query import Out, check_case_court
from services.enforcement.domain.sanctions import term_deletion_due

RESUMED = "执恢"
DELETION_GROUND = {
    Conclusion.PERFORMED: "performed",
    Conclusion.BANKRUPTCY_SUSPENDED: "execution_suspended",
    Conclusion.TERMINATED: "enforcement_terminated",
}
"""The deletion ground each conclusion is, for an open-ended listing."""


def _check_open(case: Case) -> None:
    if case.requery_stopped is not None:
        raise errors.CaseConcludedError(f"the case is already {case.requery_stopped}")


def decide_resume(cmd: ResumeEnforcement, case: Case, *, court: str, now: datetime) -> list[Out]:
    """Resume a 终本 case under its new 执恢 number; its re-queries stop."""
    check_case_court(case, court)
    if case.closed_on is None:
        raise errors.NotClosedError("only a case closed for lack of property (终本) is resumed")
    _check_open(case)
    new, old = parse_case_number(cmd.resumed_case_number), parse_case_number(cmd.case_number)
    if new.case_type != RESUMED or new.court_code != old.court_code:
        raise errors.ResumptionNumberError(
            f"a resumed case has a number of type {RESUMED} of the court {old.court_code}, "
            f"not {new.case_type} of {new.court_code}"
        )
    if not case.closed_on <= cmd.resumed_on <= now.date():
        raise errors.ResumptionDateError(
            f"resumed on {cmd.resumed_on}: after the closing ({case.closed_on}) and not after today"
        )
    resumed = EnforcementResumed(
        case_number=cmd.case_number,
        resumed_case_number=cmd.resumed_case_number,
        resumed_on=cmd.resumed_on,
        reason=cmd.reason,
    )
    return [(resumed, court)]


def deletion_duties(
    case: Case, ground: str, on: date, detail: str, debtor_id: str | None = None
) -> list[ListingDutyArose]:
    """The deletion each open-ended listing in force on `on` owes (of `debtor_id` only, if
    given), due within three working days."""
    due, provisional = term_deletion_due(on)
    return [
        ListingDutyArose(
            sanction_id=s.sanction_id,
            duty=ListingDuty.DELETE,
            ground=ground,
            arose_on=on,
            due_by=due,
            due_by_provisional=provisional,
            detail=detail,
        )
        for s in sorted(case.sanctions.values(), key=lambda s: str(s.sanction_id))
        if s.kind == SanctionKind.LISTING
        and s.until is None
        and s.in_force(on)
        and debtor_id in (None, s.debtor_id)
    ]


def _duties(case: Case, cmd: ConcludeCase) -> list[ListingDutyArose]:
    """The deletion each open-ended listing in force now owes."""
    ground = DELETION_GROUND[cmd.conclusion]
    return deletion_duties(case, ground, cmd.concluded_on, f"case {cmd.conclusion}")


def decide_conclude(cmd: ConcludeCase, case: Case, *, court: str, now: datetime) -> list[Out]:
    """Record that the case was performed, suspended for bankruptcy or terminated: re-queries
    stop, and open-ended listings owe their deletion."""
    check_case_court(case, court)
    _check_open(case)
    if cmd.concluded_on > now.date() or (case.filed_on and cmd.concluded_on < case.filed_on):
        raise errors.ConclusionDateError(
            f"concluded on {cmd.concluded_on}: not after today, not before filing"
        )
    concluded = CaseConcluded(
        case_number=cmd.case_number,
        conclusion=cmd.conclusion,
        concluded_on=cmd.concluded_on,
        document_number=cmd.document_number,
    )
    return [(concluded, court), *((d, court) for d in _duties(case, cmd))]
