"""执行联动 — enforcement rules: pure functions over frozen state; time comes in as an argument."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from contracts.enforcement import CaseRegistered, RegisterCase
from contracts.ids import parse_case_number


class EnforcementError(Exception):
    """A command the rules refuse; `field` names what is at fault."""

    field = "data"


class NotAnEnforcementCaseError(EnforcementError):
    field = "data.case_number"


class NotTheExecutingCourtError(EnforcementError):
    field = "envelope.organization"


class CaseAlreadyRegisteredError(EnforcementError):
    field = "data.case_number"


@dataclass(frozen=True)
class Case:
    """执行案件 — what the service knows of one enforcement case."""

    case_number: str | None = None
    executing_court: str | None = None

    @property
    def registered(self) -> bool:
        return self.case_number is not None


def is_enforcement_case(case_number: str) -> bool:
    return parse_case_number(case_number).case_type.startswith("执")


def decide_register(
    cmd: RegisterCase, case: Case, *, court: str, court_case_code: str | None, now: datetime
) -> list[CaseRegistered]:
    """Register the case if `court` is the executing court the case number names."""
    parts = parse_case_number(cmd.case_number)
    if not is_enforcement_case(cmd.case_number):
        raise NotAnEnforcementCaseError(f"{parts.case_type} is not an enforcement case type (执…)")
    if court_case_code != parts.court_code:
        raise NotTheExecutingCourtError(
            f"{court} is not the court {parts.court_code} named in the case number"
        )
    if case.registered:
        raise CaseAlreadyRegisteredError(f"{cmd.case_number} is already registered")
    return [
        CaseRegistered(
            case_number=cmd.case_number, executing_court=court, filed_on=cmd.filed_on,
            debtors=cmd.debtors, applicants=cmd.applicants, amount=cmd.amount,
        )
    ]  # fmt: skip


def evolve(case: Case, event: object) -> Case:
    if isinstance(event, CaseRegistered):
        return Case(case_number=event.case_number, executing_court=event.executing_court)
    return case
