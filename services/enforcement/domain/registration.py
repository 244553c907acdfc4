"""立案 — registering an enforcement case: only its executing court may."""

from __future__ import annotations

from datetime import datetime

from contracts.enforcement import CaseRegistered, RegisterCase
from contracts.ids import parse_case_number
from contracts.ids.case_types import LEGACY_CASE_TYPES
from services.enforcement.domain.case import Case
from services.enforcement.domain.errors import (
    CaseAlreadyRegisteredError,
    NotAnEnforcementCaseError,
    NotTheExecutingCourtError,
)


def is_enforcement_case(case_number: str) -> bool:
    """执…: an enforcement case type of the current standard (not the legacy 执请)."""
    case_type = parse_case_number(case_number).case_type
    return case_type.startswith("执") and case_type not in LEGACY_CASE_TYPES


def check_court(case_number: str, court: str, court_case_code: str | None) -> None:
    code = parse_case_number(case_number).court_code
    if court_case_code != code:
        raise NotTheExecutingCourtError(f"{court} is not the court {code} named in the case number")


def decide_register(
    cmd: RegisterCase, case: Case, *, court: str, court_case_code: str | None, now: datetime
) -> list[CaseRegistered]:
    """Register the case if `court` is the executing court the case number names."""
    if not is_enforcement_case(cmd.case_number):
        kind = parse_case_number(cmd.case_number).case_type
        raise NotAnEnforcementCaseError(f"{kind} is not an enforcement case type (执…)")
    check_court(cmd.case_number, court, court_case_code)
    if case.registered:
        raise CaseAlreadyRegisteredError(f"{cmd.case_number} is already registered")
    return [
        CaseRegistered(
            case_number=cmd.case_number,
            executing_court=court,
            filed_on=cmd.filed_on,
            debtors=cmd.debtors,
            applicants=cmd.applicants,
            amount=cmd.amount,
        )
    ]
