"""演进 — a bankruptcy case after one of its facts."""

from __future__ import annotations

from dataclasses import replace

from contracts.bankruptcy import procedure as p
from contracts.bankruptcy import tasks as t
from contracts.bankruptcy.administrator import DeregistrationCompleted, EmployeeClaimsPublished
from contracts.bankruptcy.aid import (
    ExpenseAidApproved,
    ExpenseAidDisbursed,
    ExpenseAidRejected,
    ExpenseAidRequested,
    ExpenseAidReviewed,
)
from contracts.bankruptcy.deadlines import ProcedureOverdue
from contracts.base import Payload
from services.bankruptcy.domain.case import FOLLOWING, Application, BankruptcyCase, Stage, Task


def evolve(case: BankruptcyCase, event: Payload) -> BankruptcyCase:
    """The case after `event`; a fact of another context leaves it as it was."""
    for step in (_petition, _course, _end, _task, _aid):
        after = step(case, event)
        if after is not None:
            return after
    return case


def _petition(case: BankruptcyCase, e: Payload) -> BankruptcyCase | None:
    match e:
        case p.BankruptcyPetitionFiled():
            return BankruptcyCase(
                stage=Stage.PETITIONED,
                petition_number=e.case_number,
                court=e.court,
                debtor=e.debtor,
                petitioner=e.petitioner,
                filed_on=e.filed_on,
                ruling_due=e.ruling_due,
            )
        case p.BankruptcyReferredFromEnforcement():
            return BankruptcyCase(
                stage=Stage.PETITIONED,
                petition_number=e.case_number,
                court=e.court,
                debtor=e.debtor,
                petitioner=e.consent_by,
                referred_from=e.enforcement_case_number,
                filed_on=e.referred_on,
                ruling_due=e.ruling_due,
            )
        case p.RulingPeriodExtended():
            return replace(case, ruling_due=e.ruling_due, ruling_extended=True)
        case p.PetitionAccepted():
            return replace(
                case,
                stage=FOLLOWING[e.procedure],
                case_number=e.case_number,
                court=e.court,
                accepted_on=e.accepted_on,
                procedure=e.procedure,
                administrator=e.administrator,
                reorganization_on=e.accepted_on
                if e.procedure is p.Procedure.REORGANIZATION
                else None,
            )
        case p.PetitionRejected():
            return replace(
                case, stage=Stage.REJECTED, ruled_against_on=e.ruled_on, appeal_by=e.appeal_by
            )
        case p.PetitionDismissed():
            return replace(
                case,
                stage=Stage.DISMISSED,
                before_dismissal=case.stage,
                ruled_against_on=e.ruled_on,
                appeal_by=e.appeal_by,
            )
        case p.AppealFiled():
            return replace(
                case,
                stage=Stage.APPEALED,
                appealed_from=case.stage,
                appeal_number=e.appeal_case_number,
            )
        case p.AppealDecided():
            stage = _after_appeal(case, e.outcome)
            # A refusal reversed: the higher court orders acceptance; the first ruling clock is
            # spent, so none runs on.
            due = None if stage is Stage.PETITIONED else case.ruling_due
            return replace(case, stage=stage, appeal_decided=True, ruling_due=due)
    return None


def _after_appeal(case: BankruptcyCase, outcome: p.AppealOutcome) -> Stage:
    was = case.appealed_from or Stage.REJECTED
    if outcome is p.AppealOutcome.UPHELD:
        return was
    if was is Stage.DISMISSED:
        return case.before_dismissal or Stage.LIQUIDATION
    return Stage.PETITIONED


def _course(case: BankruptcyCase, e: Payload) -> BankruptcyCase | None:
    match e:
        case p.CreditorsNotified():
            return replace(case, announced_on=e.announced_on)
        case p.ClaimsDeadlineSet():
            return replace(case, claims_deadline=e.claims_deadline)
        case p.CreditorsMeetingHeld():
            return replace(case, meetings=(*case.meetings, e.held_on))
        case EmployeeClaimsPublished():
            return replace(case, employee_claims_on=e.published_on)
        case p.ReorganizationOrdered():
            return replace(case, stage=Stage.REORGANIZATION, reorganization_on=e.ordered_on)
        case p.PlanPeriodExtended():
            return replace(case, plan_extended=True)
        case p.ReorganizationPlanFiled():
            return replace(case, plan_filed_on=e.filed_on)
        case p.ReorganizationPlanApproved():
            return replace(case, stage=Stage.PLAN_APPROVED, plan_settled=True)
        case p.ReorganizationTerminated():
            return replace(case, stage=Stage.REORGANIZATION_FAILED, plan_settled=True)
        case p.SettlementOrdered():
            return replace(case, stage=Stage.SETTLEMENT)
        case p.SettlementApproved():
            return replace(case, stage=Stage.SETTLEMENT_APPROVED)
        case p.SettlementTerminated():
            return replace(case, stage=Stage.SETTLEMENT_FAILED)
    return None


def _end(case: BankruptcyCase, e: Payload) -> BankruptcyCase | None:
    match e:
        case p.DebtorDeclaredBankrupt():
            return replace(case, stage=Stage.DECLARED, declared_on=e.declared_on)
        case p.DistributionMade():
            return replace(case, final_distribution=case.final_distribution or e.final)
        case p.ProceedingsTerminated():
            return replace(
                case,
                stage=Stage.TERMINATED,
                terminated_on=e.terminated_on,
                ground=e.ground,
                deregister_by=e.deregister_by,
            )
        case DeregistrationCompleted():
            return replace(case, stage=Stage.DEREGISTERED, deregistered_on=e.deregistered_on)
        case p.AdministratorDischarged():
            return replace(case, discharged_on=e.discharged_on)
        case ProcedureOverdue():
            return replace(case, escalated=case.escalated | {e.clock})
        case t.CoordinationCaseClosed():
            return replace(case, closed_on=e.closed_on)
    return None


def _task(case: BankruptcyCase, e: Payload) -> BankruptcyCase | None:
    if isinstance(e, t.CoordinationTaskAssigned):
        task = Task(e.task, e.trigger, e.assigned_on)
        return replace(case, tasks={**case.tasks, e.task.task_id: task})
    task_id = getattr(e, "task_id", None)
    old = case.tasks.get(task_id) if task_id is not None else None
    if old is None:
        return None
    match e:
        case t.CoordinationTaskAcknowledged():
            new = replace(old, acknowledged_on=e.acknowledged_on)
        case t.CoordinationTaskProgressed():
            new = replace(old, progress=old.progress + 1, blocked=False)
        case t.CoordinationTaskBlocked():
            new = replace(old, blocked=True)
        case t.CoordinationTaskCompleted():
            new = replace(old, completed_on=e.completed_on, blocked=False)
        case t.CoordinationTaskWaived():
            new = replace(old, waived_on=e.waived_on, blocked=False)
        case t.CoordinationTaskOverdue():
            new = replace(old, escalated=True)
        case _:
            return None
    return replace(case, tasks={**case.tasks, new.spec.task_id: new})


def _aid(case: BankruptcyCase, e: Payload) -> BankruptcyCase | None:
    if isinstance(e, ExpenseAidRequested):
        a = Application(e.application_id, e.fee_part, e.costs, e.fund, e.budget_year)
        return replace(case, applications={**case.applications, a.application_id: a})
    app_id = getattr(e, "application_id", None)
    old = case.applications.get(app_id) if app_id is not None else None
    if old is None:
        return None
    match e:
        case ExpenseAidReviewed():
            new = replace(old, reviews=(*old.reviews, e.stage))
        case ExpenseAidApproved():
            new = replace(old, approved=e.amount, approved_fee=e.fee_part)
        case ExpenseAidRejected():
            new = replace(old, rejected=True)
        case ExpenseAidDisbursed():
            new = replace(old, disbursed=True)
        case _:
            return None
    return replace(case, applications={**case.applications, new.application_id: new})
