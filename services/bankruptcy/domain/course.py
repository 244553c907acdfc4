"""破产程序的进行 — after acceptance: announcement, claims deadline, creditors' meetings,
reorganization and settlement, declaration, distribution, termination (which generates the
deregistration task after a liquidation), deregistration and the administrator's discharge."""

from __future__ import annotations

from datetime import datetime

from contracts.bankruptcy import procedure as p
from contracts.bankruptcy.administrator import (
    DeregistrationCompleted,
    EmployeeClaimsPublished,
    PublishEmployeeClaims,
    ReportDeregistration,
)
from contracts.bankruptcy.tasks import Trigger
from services.bankruptcy.domain import clocks, errors
from services.bankruptcy.domain.case import ACCEPTED, BankruptcyCase
from services.bankruptcy.domain.closure import with_closure
from services.bankruptcy.domain.evolve import evolve
from services.bankruptcy.domain.rules import Out, Rules
from services.bankruptcy.domain.tasks import generate
from services.bankruptcy.domain.transitions import (
    GROUND_STAGES,
    G,
    check,
    dated,
    lawful,
)

# --- announcement, claims, meetings ------------------------------------------------------------


def notify(cmd: p.NotifyCreditors, case: BankruptcyCase, by: str, now: datetime) -> list[Out]:
    check(cmd, case, by)
    if case.announced_on is not None:
        raise errors.UnlawfulStepError(f"announced already on {case.announced_on}")
    dated(cmd.announced_on, now, "data.announced_on", case.accepted_on, "the acceptance")
    if cmd.first_meeting_on is not None and cmd.first_meeting_on < cmd.announced_on:
        raise errors.DateOrderError(
            "the meeting is before the announcement", "data.first_meeting_on"
        )
    fact = p.CreditorsNotified(announced_on=cmd.announced_on, first_meeting_on=cmd.first_meeting_on)
    return [(fact, by)]


def claims(cmd: p.SetClaimsDeadline, case: BankruptcyCase, by: str, now: datetime) -> list[Out]:
    check(cmd, case, by)
    if case.announced_on is None:
        raise errors.NotAnnouncedError(
            "the claims period counts from the announcement (第四十五条)"
        )
    if case.claims_deadline is not None:
        raise errors.UnlawfulStepError(
            f"the claims deadline is set already ({case.claims_deadline})"
        )
    earliest, latest = clocks.claims_window(case.announced_on)
    if not earliest <= cmd.claims_deadline <= latest:
        raise errors.ClaimsPeriodError(
            f"the claims deadline lies from {earliest} to {latest}: 30 days to three months "
            "after the announcement (第四十五条)"
        )
    fact = p.ClaimsDeadlineSet(
        claims_deadline=cmd.claims_deadline,
        first_meeting_by=clocks.first_meeting_by(cmd.claims_deadline),
    )
    return [(fact, by)]


def meeting(
    cmd: p.RecordCreditorsMeeting, case: BankruptcyCase, by: str, now: datetime
) -> list[Out]:
    check(cmd, case, by)
    if not case.meetings:
        if case.claims_deadline is None:
            raise errors.MeetingTooEarlyError(
                "the first meeting follows the claims deadline: set it first"
            )
        if cmd.held_on <= case.claims_deadline:
            raise errors.MeetingTooEarlyError(
                f"the first meeting comes after the claims deadline {case.claims_deadline} (第六十二条)"
            )
    last = case.meetings[-1] if case.meetings else case.accepted_on
    dated(cmd.held_on, now, "data.held_on", last, "the last meeting")
    fact = p.CreditorsMeetingHeld(
        held_on=cmd.held_on, ordinal=len(case.meetings) + 1, summary=cmd.summary
    )
    return [(fact, by)]


# --- reorganization and settlement -------------------------------------------------------------


def reorganize(
    cmd: p.OrderReorganization, case: BankruptcyCase, by: str, now: datetime
) -> list[Out]:
    check(cmd, case, by)
    dated(cmd.ordered_on, now, "data.ordered_on", case.accepted_on, "the acceptance")
    fact = p.ReorganizationOrdered(
        ordered_on=cmd.ordered_on, plan_due=clocks.plan_due(cmd.ordered_on, extended=False)
    )
    return [(fact, by)]


def extend_plan(cmd: p.ExtendPlanPeriod, case: BankruptcyCase, by: str, now: datetime) -> list[Out]:
    check(cmd, case, by)
    if case.plan_extended:
        raise errors.ExtensionUsedError("the plan period was extended already (three months, once)")
    if case.plan_filed_on is not None:
        raise errors.UnlawfulStepError("the plan is filed already")
    ordered = case.reorganization_on or now.date()
    dated(cmd.ruled_on, now, "data.ruled_on", ordered, "the reorganization order")
    fact = p.PlanPeriodExtended(
        ruled_on=cmd.ruled_on, plan_due=clocks.plan_due(ordered, extended=True), reason=cmd.reason
    )
    return [(fact, by)]


def plan_filed(cmd: p.RecordPlanFiling, case: BankruptcyCase, by: str, now: datetime) -> list[Out]:
    check(cmd, case, by)
    if case.plan_filed_on is not None:
        raise errors.UnlawfulStepError(f"the plan was filed on {case.plan_filed_on}")
    dated(cmd.filed_on, now, "data.filed_on", case.reorganization_on, "the reorganization order")
    fact = p.ReorganizationPlanFiled(filed_on=cmd.filed_on, vote_by=clocks.vote_by(cmd.filed_on))
    return [(fact, by)]


def approve_plan(
    cmd: p.ApproveReorganizationPlan, case: BankruptcyCase, by: str, now: datetime, rules: Rules
) -> list[Out]:
    check(cmd, case, by)
    if case.plan_filed_on is None:
        raise errors.PlanNotFiledError("no plan was filed")
    dated(cmd.approved_on, now, "data.approved_on", case.plan_filed_on, "the plan's filing")
    fact = p.ReorganizationPlanApproved(approved_on=cmd.approved_on, cram_down=cmd.cram_down)
    after = evolve(case, fact)
    return [(fact, by), *generate(after, Trigger.PLAN_APPROVED, cmd.approved_on, rules, by=by)]


def end_reorganization(
    cmd: p.TerminateReorganization, case: BankruptcyCase, by: str, now: datetime
) -> list[Out]:
    check(cmd, case, by)
    dated(cmd.ruled_on, now, "data.ruled_on", case.reorganization_on, "the reorganization order")
    fact = p.ReorganizationTerminated(ruled_on=cmd.ruled_on, ground=cmd.ground)
    return [(fact, by)]


def settle(cmd: p.OrderSettlement, case: BankruptcyCase, by: str, now: datetime) -> list[Out]:
    check(cmd, case, by)
    dated(cmd.ordered_on, now, "data.ordered_on", case.accepted_on, "the acceptance")
    return [(p.SettlementOrdered(ordered_on=cmd.ordered_on), by)]


def approve_settlement(
    cmd: p.ApproveSettlement, case: BankruptcyCase, by: str, now: datetime
) -> list[Out]:
    check(cmd, case, by)
    dated(cmd.approved_on, now, "data.approved_on", case.accepted_on, "the acceptance")
    return [(p.SettlementApproved(approved_on=cmd.approved_on), by)]


def end_settlement(
    cmd: p.TerminateSettlement, case: BankruptcyCase, by: str, now: datetime
) -> list[Out]:
    check(cmd, case, by)
    dated(cmd.ruled_on, now, "data.ruled_on", case.accepted_on, "the acceptance")
    return [(p.SettlementTerminated(ruled_on=cmd.ruled_on, reason=cmd.reason), by)]


# --- declaration, distribution, termination ----------------------------------------------------


def declare(cmd: p.DeclareBankrupt, case: BankruptcyCase, by: str, now: datetime) -> list[Out]:
    check(cmd, case, by)
    dated(cmd.declared_on, now, "data.declared_on", case.accepted_on, "the acceptance")
    return [(p.DebtorDeclaredBankrupt(declared_on=cmd.declared_on), by)]


def distribute(
    cmd: p.RecordDistribution, case: BankruptcyCase, by: str, now: datetime
) -> list[Out]:
    check(cmd, case, by)
    if case.final_distribution:
        raise errors.UnlawfulStepError("the final distribution was made already")
    dated(cmd.made_on, now, "data.made_on", case.declared_on, "the declaration")
    fact = p.DistributionMade(made_on=cmd.made_on, amount=cmd.amount, final=cmd.final)
    return [(fact, by)]


def terminate(
    cmd: p.TerminateProceedings, case: BankruptcyCase, by: str, now: datetime, rules: Rules
) -> list[Out]:
    check(cmd, case, by)
    if case.stage not in GROUND_STAGES[cmd.ground]:
        raise errors.TerminationGroundError(f"{cmd.ground} cannot end a case that is {case.stage}")
    if cmd.ground is G.FINAL_DISTRIBUTION and not case.final_distribution:
        raise errors.TerminationGroundError("no final distribution was made (第一百二十条第二款)")
    dated(
        cmd.terminated_on,
        now,
        "data.terminated_on",
        case.declared_on or case.accepted_on,
        "the last ruling",
    )
    fact = p.ProceedingsTerminated(
        terminated_on=cmd.terminated_on,
        ground=cmd.ground,
        deregister_by=clocks.deregister_by(cmd.terminated_on, cmd.ground),
    )
    after = evolve(case, fact)
    made = generate(after, Trigger.TERMINATION, cmd.terminated_on, rules, by=by, ground=cmd.ground)
    return with_closure(case, [(fact, by), *made], now)


def decide_deregistration(
    cmd: ReportDeregistration, case: BankruptcyCase, *, by: str, now: datetime
) -> list[Out]:
    """The administrator reports the company deregistered (第一百二十一条)."""
    lawful(cmd, case)
    if case.administrator is None or by != case.administrator.code:
        raise errors.NotTheAdministratorError(f"{by} is not the administrator of the case")
    if cmd.case_number != case.number:
        raise errors.WrongCaseNumberError(f"the case is {case.number}")
    if case.deregister_by is None:
        raise errors.TerminationGroundError(
            f"the company goes on after {case.ground}: there is nothing to deregister"
        )
    dated(cmd.deregistered_on, now, "data.deregistered_on", case.terminated_on, "the termination")
    fact = DeregistrationCompleted(deregistered_on=cmd.deregistered_on, authority=cmd.authority)
    return with_closure(case, [(fact, by)], now)


def discharge(
    cmd: p.DischargeAdministrator, case: BankruptcyCase, by: str, now: datetime
) -> list[Out]:
    check(cmd, case, by)
    if case.discharged_on is not None:
        raise errors.UnlawfulStepError(f"discharged already on {case.discharged_on}")
    if case.deregister_by is not None and case.deregistered_on is None:
        raise errors.UnlawfulStepError(
            "the administrator deregisters the company first (第一百二十一条、第一百二十二条)"
        )
    after = case.deregistered_on or case.terminated_on
    dated(cmd.discharged_on, now, "data.discharged_on", after, "the deregistration or termination")
    return [(p.AdministratorDischarged(discharged_on=cmd.discharged_on), by)]


def decide_employee_claims(
    cmd: PublishEmployeeClaims, case: BankruptcyCase, *, by: str, now: datetime
) -> list[Out]:
    """The administrator publishes the employee claim list (第四十八条), while the case runs; a
    corrected list is published again."""
    if case.stage not in ACCEPTED:
        raise errors.UnlawfulStepError(f"no claim list while the case is {case.stage}")
    if case.administrator is None or by != case.administrator.code:
        raise errors.NotTheAdministratorError(f"{by} is not the administrator of the case")
    if cmd.case_number != case.number:
        raise errors.WrongCaseNumberError(f"the case is {case.number}")
    dated(cmd.published_on, now, "data.published_on", case.accepted_on, "the acceptance")
    fact = EmployeeClaimsPublished(
        published_on=cmd.published_on, employees=cmd.employees, total=cmd.total, where=cmd.where
    )
    return [(fact, by)]
