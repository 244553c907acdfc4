"""重大风险 — a risk case's life: registered by the joint office with its lead unit and deadline;
moved on a status at a time, with the reason, by its lead unit or the office (a problem project
from listed to work resumed, delivered, certificates issued and closed; another risk from listed
to contained, resolved and closed); court cases linked; overdue once when not closed in time."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from contracts.base import Payload
from contracts.risk import cases as r
from services.risk.domain import item_errors as errors
from services.risk.domain.item_rules import Out, midnight, not_before, not_future

S = r.RiskStatus
PATHS: dict[r.RiskKind, tuple[S, ...]] = {
    r.RiskKind.PROBLEM_PROJECT: (
        S.LISTED,
        S.WORK_RESUMED,
        S.DELIVERED,
        S.CERTIFICATES_ISSUED,
        S.CLOSED,
    ),
    r.RiskKind.FINANCIAL: (S.LISTED, S.CONTAINED, S.RESOLVED, S.CLOSED),
    r.RiskKind.MASS_DISPUTE: (S.LISTED, S.CONTAINED, S.RESOLVED, S.CLOSED),
}
"""Each kind's statuses in order; a risk moves to the next one."""


@dataclass(frozen=True)
class RiskCase:
    case_id: uuid.UUID
    joint_office: str
    category: r.RiskKind
    lead: str
    deadline: date
    status: r.RiskStatus
    since: date
    linked: frozenset[str]
    overdue: bool = False


def next_status(case: RiskCase) -> r.RiskStatus | None:
    path = PATHS[case.category]
    i = path.index(case.status)
    return path[i + 1] if i + 1 < len(path) else None


def decide_register(
    c: r.RegisterRiskCase, case: RiskCase | None, *, by: str, now: datetime, office: str
) -> list[Out]:
    if by != office:
        raise errors.NotTheOfficeError(f"only the joint office ({office}) registers a risk")
    if case is not None:
        raise errors.DuplicateRiskCaseError(f"risk {c.case_id} is registered")
    if (c.project is None) == (c.category is r.RiskKind.PROBLEM_PROJECT):
        raise errors.ProjectMismatchError("a problem project, and only one, names its project")
    not_future(c.listed_on, now, "data.listed_on")
    not_before(c.deadline, c.listed_on, "the listing", "data.deadline")
    fact = r.RiskCaseRegistered(
        case_id=c.case_id,
        joint_office=office,
        category=c.category,
        title=c.title,
        level=c.level,
        lead=c.lead,
        deadline=c.deadline,
        listed_on=c.listed_on,
        project=c.project,
        linked_cases=list(dict.fromkeys(c.linked_cases)),
    )
    return [(fact, by)]


def _known(case: RiskCase | None, case_id: uuid.UUID, by: str) -> RiskCase:
    if case is None:
        raise errors.UnknownRiskCaseError(f"no risk {case_id}")
    if by not in (case.lead, case.joint_office):
        raise errors.NotTheLeadUnitError(f"{by} neither leads the risk nor is the joint office")
    return case


def decide_status(
    c: r.ChangeRiskStatus, case: RiskCase | None, *, by: str, now: datetime
) -> list[Out]:
    known = _known(case, c.case_id, by)
    step = next_status(known)
    if c.status is not step:
        raise errors.StatusStepError(f"from {known.status} the next status is {step or 'none'}")
    not_future(c.changed_on, now, "data.changed_on")
    not_before(c.changed_on, known.since, "the last status", "data.changed_on")
    fact = r.RiskStatusChanged(
        case_id=c.case_id,
        previous=known.status,
        status=c.status,
        changed_on=c.changed_on,
        reason=c.reason,
    )
    return [(fact, by)]


def decide_link(c: r.LinkCaseToRisk, case: RiskCase | None, *, by: str, now: datetime) -> list[Out]:
    known = _known(case, c.case_id, by)
    if c.case_number in known.linked:
        raise errors.CaseAlreadyLinkedError(f"{c.case_number} is linked already")
    return [(r.CaseLinkedToRisk(case_id=c.case_id, case_number=c.case_number), by)]


def _overdue_from(case: RiskCase | None) -> date | None:
    if case is None or case.overdue or case.status is S.CLOSED:
        return None
    return case.deadline + timedelta(days=1)


def next_due(case: RiskCase | None) -> datetime | None:
    day = _overdue_from(case)
    return midnight(day) if day else None


def decide_overdue(case: RiskCase | None, now: datetime) -> list[Out]:
    day = _overdue_from(case)
    if case is None or day is None or now.date() < day:
        return []
    fact = r.RiskCaseOverdue(case_id=case.case_id, lead=case.lead, deadline=case.deadline)
    return [(fact, case.joint_office)]


def evolve(case: RiskCase | None, event: Payload) -> RiskCase | None:
    match event:
        case r.RiskCaseRegistered():
            return RiskCase(
                event.case_id,
                event.joint_office,
                event.category,
                event.lead,
                event.deadline,
                S.LISTED,
                event.listed_on,
                frozenset(event.linked_cases),
            )
        case r.RiskStatusChanged() if case:
            return replace(case, status=event.status, since=event.changed_on)
        case r.CaseLinkedToRisk() if case:
            return replace(case, linked=case.linked | {event.case_number})
        case r.RiskCaseOverdue() if case:
            return replace(case, overdue=True)
    return case
