"""涉党政机关未履行生效判决 — the special item's cases: the joint office assigns an enforcement
case against a party or government organ to the responsible government with a deadline; it is
closed on the evidence of performance (reported by that government or the office), or on the
enforcement service's own fact that the case was performed. Termination or suspension of the
enforcement case is not performance: the case stays open and the fact is recorded so the office
sees it. Not performed by the deadline: overdue, once."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from contracts.base import Payload
from contracts.enforcement.aftercare import CaseConcluded, Conclusion
from contracts.ids.case_number import parse_case_number
from contracts.risk import special as s
from services.risk.domain import item_errors as errors
from services.risk.domain.item_rules import Out, midnight, not_before, not_future


@dataclass(frozen=True)
class GovJudgmentCase:
    case_number: str
    joint_office: str
    government: str
    assigned_on: date
    deadline: date
    performed_on: date | None = None
    overdue: bool = False


def decide_assign(
    c: s.AssignGovJudgmentCase,
    case: GovJudgmentCase | None,
    *,
    by: str,
    now: datetime,
    office: str,
) -> list[Out]:
    if by != office:
        raise errors.NotTheOfficeError(f"only the joint office ({office}) assigns a case")
    if not parse_case_number(c.case_number).case_type.startswith("执"):
        raise errors.NotAnEnforcementCaseError(f"{c.case_number} is not an enforcement case")
    if case is not None:
        raise errors.GovCaseAssignedError(f"assigned to {case.government} on {case.assigned_on}")
    not_future(c.assigned_on, now, "data.assigned_on")
    not_before(c.deadline, c.assigned_on, "the assignment", "data.deadline")
    fact = s.GovJudgmentCaseAssigned(
        case_number=c.case_number,
        joint_office=office,
        debtor_organ=c.debtor_organ,
        responsible_government=c.responsible_government,
        amount=c.amount,
        assigned_on=c.assigned_on,
        deadline=c.deadline,
    )
    return [(fact, by)]


def _open(case: GovJudgmentCase | None, number: str) -> GovJudgmentCase:
    if case is None:
        raise errors.UnknownGovCaseError(f"{number} is not a special-item case")
    if case.performed_on is not None:
        raise errors.GovCaseClosedError(f"performed on {case.performed_on}")
    return case


def decide_report(
    c: s.ReportGovJudgmentPerformed, case: GovJudgmentCase | None, *, by: str, now: datetime
) -> list[Out]:
    known = _open(case, c.case_number)
    if by not in (known.government, known.joint_office):
        raise errors.NotTheResponsibleGovernmentError(
            f"{by} is neither the responsible government nor the joint office"
        )
    not_future(c.performed_on, now, "data.performed_on")
    fact = s.GovJudgmentPerformed(
        case_number=c.case_number,
        performed_on=c.performed_on,
        ground=s.PerformanceGround.EVIDENCE,
        evidence=c.evidence,
        late=c.performed_on > known.deadline,
    )
    return [(fact, by)]


def decide_case_concluded(e: CaseConcluded, case: GovJudgmentCase | None) -> list[Out]:
    """The enforcement service's fact: performed closes the case; otherwise it is recorded and
    the case stays open. A case not on the special list, or already closed, is left alone."""
    if case is None or case.performed_on is not None:
        return []
    fact: Payload
    if e.conclusion is Conclusion.PERFORMED:
        evidence = [f"{e.case_number} {e.conclusion}", *filter(None, [e.document_number])]
        fact = s.GovJudgmentPerformed(
            case_number=e.case_number,
            performed_on=e.concluded_on,
            ground=s.PerformanceGround.ENFORCEMENT,
            evidence=evidence,
            late=e.concluded_on > case.deadline,
        )
    else:
        fact = s.GovJudgmentEnforcementEnded(
            case_number=e.case_number, conclusion=e.conclusion, concluded_on=e.concluded_on
        )
    return [(fact, case.joint_office)]


def _overdue_from(case: GovJudgmentCase | None) -> date | None:
    if case is None or case.overdue or case.performed_on is not None:
        return None
    return case.deadline + timedelta(days=1)


def next_due(case: GovJudgmentCase | None) -> datetime | None:
    day = _overdue_from(case)
    return midnight(day) if day else None


def decide_overdue(case: GovJudgmentCase | None, now: datetime) -> list[Out]:
    day = _overdue_from(case)
    if case is None or day is None or now.date() < day:
        return []
    fact = s.GovJudgmentCaseOverdue(
        case_number=case.case_number,
        responsible_government=case.government,
        deadline=case.deadline,
    )
    return [(fact, case.joint_office)]


def evolve(case: GovJudgmentCase | None, event: Payload) -> GovJudgmentCase | None:
    match event:
        case s.GovJudgmentCaseAssigned():
            return GovJudgmentCase(
                event.case_number,
                event.joint_office,
                event.responsible_government,
                event.assigned_on,
                event.deadline,
            )
        case s.GovJudgmentPerformed() if case:
            return replace(case, performed_on=event.performed_on)
        case s.GovJudgmentCaseOverdue() if case:
            return replace(case, overdue=True)
    return case
