"""合法步骤 — which court step is lawful in which stage (企业破产法), which termination ground can
end which stage, and the checks every step makes: the stage, the sender, the case number, the
dates."""

from __future__ import annotations

from datetime import date, datetime

from contracts.bankruptcy import procedure as p
from contracts.bankruptcy.administrator import ReportDeregistration
from contracts.base import Command
from contracts.ids import parse_case_number
from services.bankruptcy.domain import errors
from services.bankruptcy.domain.case import ACCEPTED, OPEN, BankruptcyCase, Stage

S = Stage
LAWFUL: dict[type[Command], frozenset[Stage]] = {
    p.FileBankruptcyPetition: frozenset({S.NONE}),
    p.ReferEnforcementToBankruptcy: frozenset({S.NONE}),
    p.ExtendRulingPeriod: frozenset({S.PETITIONED}),
    p.AcceptPetition: frozenset({S.PETITIONED}),
    p.RejectPetition: frozenset({S.PETITIONED}),
    p.DismissPetition: OPEN,
    p.FileAppeal: frozenset({S.REJECTED, S.DISMISSED}),
    p.DecideAppeal: frozenset({S.APPEALED}),
    p.NotifyCreditors: ACCEPTED,
    p.SetClaimsDeadline: ACCEPTED,
    p.RecordCreditorsMeeting: ACCEPTED,
    p.OrderReorganization: frozenset({S.LIQUIDATION}),
    p.OrderSettlement: frozenset({S.LIQUIDATION}),
    p.ExtendPlanPeriod: frozenset({S.REORGANIZATION}),
    p.RecordPlanFiling: frozenset({S.REORGANIZATION}),
    p.ApproveReorganizationPlan: frozenset({S.REORGANIZATION}),
    p.TerminateReorganization: frozenset({S.REORGANIZATION}),
    p.ApproveSettlement: frozenset({S.SETTLEMENT}),
    p.TerminateSettlement: frozenset({S.SETTLEMENT}),
    p.DeclareBankrupt: frozenset(
        {
            S.LIQUIDATION,
            S.REORGANIZATION_FAILED,
            S.SETTLEMENT_FAILED,
            S.PLAN_APPROVED,
            S.SETTLEMENT_APPROVED,
        }
    ),
    p.RecordDistribution: frozenset({S.DECLARED}),
    p.TerminateProceedings: ACCEPTED,
    ReportDeregistration: frozenset({S.TERMINATED}),
    p.DischargeAdministrator: frozenset({S.TERMINATED, S.DEREGISTERED}),
}
"""Each step and the stages it is lawful in."""

G = p.TerminationGround
BEFORE_DECLARATION = OPEN | {S.REORGANIZATION_FAILED, S.SETTLEMENT_FAILED}
GROUND_STAGES: dict[p.TerminationGround, frozenset[Stage]] = {
    G.NO_FUNDS_FOR_EXPENSES: BEFORE_DECLARATION | {S.DECLARED},  # 第四十三条第四款
    G.NO_PROPERTY: frozenset({S.DECLARED}),  # 第一百二十条第一款
    G.FINAL_DISTRIBUTION: frozenset({S.DECLARED}),  # 第一百二十条第二款
    G.CREDITORS_AGREEMENT: OPEN,  # 第一百零五条
    G.FULL_PAYMENT: BEFORE_DECLARATION,  # 第一百零八条: 破产宣告前
    G.PLAN_PERFORMED: frozenset({S.PLAN_APPROVED}),  # 第九十一条、第九十四条
    G.SETTLEMENT_APPROVED: frozenset({S.SETTLEMENT_APPROVED}),  # 第九十八条
}
"""Each termination ground and the stages it can end."""


def lawful(cmd: Command, case: BankruptcyCase) -> None:
    """Refuse a step the law does not allow from where the case stands."""
    stages = LAWFUL[type(cmd)]
    if case.stage not in stages:
        allowed = ", ".join(sorted(stages))
        raise errors.UnlawfulStepError(
            f"{cmd.TYPE} is not lawful while the case is {case.stage} (lawful when: {allowed})"
        )


def case_type(number: str, wanted: str, field: str = "data.case_number") -> str:
    """The court code of a number of the wanted type (破申, 破, 破终)."""
    parts = parse_case_number(number)
    if parts.case_type != wanted:
        raise errors.NotABankruptcyCaseError(f"{number} is not a {wanted} case", field)
    return parts.court_code


def dated(day: date, now: datetime, field: str, after: date | None = None, what: str = "") -> None:
    if day > now.date():
        raise errors.FutureDateError(f"{day} is after today", field)
    if after is not None and day < after:
        raise errors.DateOrderError(f"{day} is before {what} ({after})", field)


def check(cmd: Command, case: BankruptcyCase, by: str) -> None:
    """Lawful from here, sent by the court hearing the case, naming the case's number."""
    lawful(cmd, case)
    if by != case.court:
        raise errors.NotTheCourtError(f"{by} is not the court hearing the case")
    number = getattr(cmd, "case_number", None)
    if number != case.number:
        raise errors.WrongCaseNumberError(f"the case is {case.number}, not {number}")
