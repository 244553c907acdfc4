"""破产程序 — the court's steps, accepted only from the stages the law allows them in, each
recording one fact with the dates the clocks need. Acceptance, an approved plan and a liquidation's
termination generate the coordination tasks of the topic catalogue.

Lawful transitions (企业破产法): 申请 → 受理 (清算 | 重整 | 和解) or 不予受理; 受理 → 驳回 before the
declaration (第十二条); 不予受理 / 驳回 → 上诉 (破终); 清算 → 重整 or 和解 before the declaration
(第七十条、第九十五条); 重整 or 和解 fails → 宣告 (第七十九条、第八十八条、第九十九条); an approved plan
or agreement not performed → 宣告 (第九十三条、第一百零四条); 宣告 → 终结 (第一百二十条) → 注销
(第一百二十一条); nothing after 注销 but the administrator's discharge (第一百二十二条).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from contracts.bankruptcy import procedure as p
from contracts.bankruptcy.administrator import DeregistrationCompleted, ReportDeregistration
from contracts.bankruptcy.tasks import Trigger
from contracts.base import Command
from contracts.ids import parse_case_number
from services.bankruptcy.domain import clocks, errors
from services.bankruptcy.domain.case import ACCEPTED, OPEN, BankruptcyCase, Stage
from services.bankruptcy.domain.closure import with_closure
from services.bankruptcy.domain.evolve import evolve
from services.bankruptcy.domain.periods import add_days
from services.bankruptcy.domain.rules import Out, Rules
from services.bankruptcy.domain.tasks import generate

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


def _case_type(number: str, wanted: str, field: str = "data.case_number") -> str:
    """The court code of a number of the wanted type (破申, 破, 破终)."""
    parts = parse_case_number(number)
    if parts.case_type != wanted:
        raise errors.NotABankruptcyCaseError(f"{number} is not a {wanted} case", field)
    return parts.court_code


def _dated(day: date, now: datetime, field: str, after: date | None = None, what: str = "") -> None:
    if day > now.date():
        raise errors.FutureDateError(f"{day} is after today", field)
    if after is not None and day < after:
        raise errors.DateOrderError(f"{day} is before {what} ({after})", field)


def _check(cmd: Command, case: BankruptcyCase, by: str) -> None:
    """Lawful from here, sent by the court hearing the case, naming the case's number."""
    lawful(cmd, case)
    if by != case.court:
        raise errors.NotTheCourtError(f"{by} is not the court hearing the case")
    number = getattr(cmd, "case_number", None)
    if number != case.number:
        raise errors.WrongCaseNumberError(f"the case is {case.number}, not {number}")


# --- petition ----------------------------------------------------------------------------------


def _file(cmd: p.FileBankruptcyPetition, case: BankruptcyCase, by: str, now: datetime) -> list[Out]:
    lawful(cmd, case)
    _case_type(cmd.case_number, "破申")
    _dated(cmd.filed_on, now, "data.filed_on")
    if cmd.petitioner is p.PetitionerKind.CREDITOR and cmd.procedure is p.Procedure.SETTLEMENT:
        raise errors.UnlawfulStepError(
            "a creditor petitions for liquidation or reorganization (第七条)", "data.procedure"
        )
    fact = p.BankruptcyPetitionFiled(
        case_number=cmd.case_number,
        court=by,
        filed_on=cmd.filed_on,
        debtor=cmd.debtor,
        petitioner=cmd.petitioner,
        petitioner_name=cmd.petitioner_name,
        procedure=cmd.procedure,
        ruling_due=clocks.ruling_due(cmd.filed_on, cmd.petitioner),
    )
    return [(fact, by)]


def _refer(
    cmd: p.ReferEnforcementToBankruptcy, case: BankruptcyCase, by: str, now: datetime, rules: Rules
) -> list[Out]:
    lawful(cmd, case)
    _case_type(cmd.case_number, "破申")
    kind = parse_case_number(cmd.enforcement_case_number).case_type
    if kind not in ("执", "执恢", "执保"):
        raise errors.NotABankruptcyCaseError(
            f"{cmd.enforcement_case_number} is not an enforcement case",
            "data.enforcement_case_number",
        )
    if cmd.consent_by is p.PetitionerKind.LIQUIDATION_RESPONSIBLE:
        raise errors.UnlawfulStepError(
            "a referral needs an applicant's or the debtor's consent", "data.consent_by"
        )
    _dated(cmd.referred_on, now, "data.referred_on")
    fact = p.BankruptcyReferredFromEnforcement(
        case_number=cmd.case_number,
        court=by,
        referred_on=cmd.referred_on,
        enforcement_case_number=cmd.enforcement_case_number,
        debtor=cmd.debtor,
        consent_by=cmd.consent_by,
        ruling_due=add_days(cmd.referred_on, rules.referral_days),
    )
    return [(fact, by)]


def _extend_ruling(
    cmd: p.ExtendRulingPeriod, case: BankruptcyCase, by: str, now: datetime
) -> list[Out]:
    _check(cmd, case, by)
    if case.ruling_extended:
        raise errors.ExtensionUsedError("the ruling period was extended already (once, 第十条)")
    _dated(cmd.approved_on, now, "data.approved_on", case.filed_on, "the filing")
    due = add_days(case.ruling_due or now.date(), clocks.RULING_EXTENSION_DAYS)
    fact = p.RulingPeriodExtended(approved_on=cmd.approved_on, ruling_due=due, reason=cmd.reason)
    return [(fact, by)]


def _accept(
    cmd: p.AcceptPetition, case: BankruptcyCase, by: str, now: datetime, rules: Rules
) -> list[Out]:
    lawful(cmd, case)
    if cmd.petition_case_number != case.petition_number:
        raise errors.WrongCaseNumberError(
            f"the petition is {case.petition_number}", "data.petition_case_number"
        )
    court = _case_type(cmd.case_number, "破")
    petition_court = _case_type(cmd.petition_case_number, "破申", "data.petition_case_number")
    if not petition_court.startswith(court):
        raise errors.HigherCourtError(f"{court} is neither the court of the petition nor above it")
    if court == petition_court and by != case.court:
        raise errors.NotTheCourtError(f"{by} is not the court hearing the case")
    _dated(cmd.accepted_on, now, "data.accepted_on", case.filed_on, "the filing")
    if cmd.administrator.appointed_on != cmd.accepted_on:
        raise errors.DateOrderError(
            "the administrator is appointed in the acceptance (第十三条)",
            "data.administrator.appointed_on",
        )
    fact = p.PetitionAccepted(
        case_number=cmd.case_number,
        petition_case_number=cmd.petition_case_number,
        court=by,
        accepted_on=cmd.accepted_on,
        procedure=cmd.procedure,
        administrator=cmd.administrator,
        announce_by=clocks.announce_by(cmd.accepted_on),
    )
    after = evolve(case, fact)
    return [(fact, by), *generate(after, Trigger.ACCEPTANCE, cmd.accepted_on, rules, by=by)]


def _reject(cmd: p.RejectPetition, case: BankruptcyCase, by: str, now: datetime) -> list[Out]:
    _check(cmd, case, by)
    _dated(cmd.ruled_on, now, "data.ruled_on", case.filed_on, "the filing")
    _dated(cmd.served_on, now, "data.served_on", cmd.ruled_on, "the ruling")
    fact = p.PetitionRejected(
        ruled_on=cmd.ruled_on,
        served_on=cmd.served_on,
        appeal_by=clocks.appeal_by(cmd.served_on),
        reason=cmd.reason,
    )
    return [(fact, by)]


def _dismiss(cmd: p.DismissPetition, case: BankruptcyCase, by: str, now: datetime) -> list[Out]:
    _check(cmd, case, by)
    _dated(cmd.ruled_on, now, "data.ruled_on", case.accepted_on, "the acceptance")
    _dated(cmd.served_on, now, "data.served_on", cmd.ruled_on, "the ruling")
    fact = p.PetitionDismissed(
        ruled_on=cmd.ruled_on,
        served_on=cmd.served_on,
        appeal_by=clocks.appeal_by(cmd.served_on),
        reason=cmd.reason,
    )
    return [(fact, by)]


def _appeal(cmd: p.FileAppeal, case: BankruptcyCase, by: str, now: datetime) -> list[Out]:
    _check(cmd, case, by)
    if case.appeal_decided:
        raise errors.UnlawfulStepError("the appeal was decided: the ruling is final")
    _higher(cmd.appeal_case_number, case)
    _dated(cmd.filed_on, now, "data.filed_on", case.ruled_against_on, "the ruling")
    if case.appeal_by is not None and cmd.filed_on > case.appeal_by:
        raise errors.AppealLateError(f"the last day to appeal was {case.appeal_by} (第十二条)")
    fact = p.AppealFiled(appeal_case_number=cmd.appeal_case_number, filed_on=cmd.filed_on)
    return [(fact, by)]


def _higher(appeal_number: str, case: BankruptcyCase) -> None:
    court = _case_type(appeal_number, "破终", "data.appeal_case_number")
    own = parse_case_number(case.number or "").court_code
    if court == own or not own.startswith(court):
        raise errors.AppealNumberError(f"{appeal_number} is not a case of the higher court")


def _decide_appeal(cmd: p.DecideAppeal, case: BankruptcyCase, by: str, now: datetime) -> list[Out]:
    lawful(cmd, case)
    if cmd.case_number != case.number:
        raise errors.WrongCaseNumberError(f"the case is {case.number}")
    if cmd.appeal_case_number != case.appeal_number:
        raise errors.AppealNumberError(f"the appeal is {case.appeal_number}")
    if by == case.court:
        raise errors.NotTheCourtError("the higher court decides the appeal")
    _dated(cmd.decided_on, now, "data.decided_on", case.ruled_against_on, "the ruling")
    fact = p.AppealDecided(
        appeal_case_number=cmd.appeal_case_number, decided_on=cmd.decided_on, outcome=cmd.outcome
    )
    return [(fact, by)]


# --- announcement, claims, meetings ------------------------------------------------------------


def _notify(cmd: p.NotifyCreditors, case: BankruptcyCase, by: str, now: datetime) -> list[Out]:
    _check(cmd, case, by)
    if case.announced_on is not None:
        raise errors.UnlawfulStepError(f"announced already on {case.announced_on}")
    _dated(cmd.announced_on, now, "data.announced_on", case.accepted_on, "the acceptance")
    if cmd.first_meeting_on is not None and cmd.first_meeting_on < cmd.announced_on:
        raise errors.DateOrderError(
            "the meeting is before the announcement", "data.first_meeting_on"
        )
    fact = p.CreditorsNotified(announced_on=cmd.announced_on, first_meeting_on=cmd.first_meeting_on)
    return [(fact, by)]


def _claims(cmd: p.SetClaimsDeadline, case: BankruptcyCase, by: str, now: datetime) -> list[Out]:
    _check(cmd, case, by)
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


def _meeting(
    cmd: p.RecordCreditorsMeeting, case: BankruptcyCase, by: str, now: datetime
) -> list[Out]:
    _check(cmd, case, by)
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
    _dated(cmd.held_on, now, "data.held_on", last, "the last meeting")
    fact = p.CreditorsMeetingHeld(
        held_on=cmd.held_on, ordinal=len(case.meetings) + 1, summary=cmd.summary
    )
    return [(fact, by)]


# --- reorganization and settlement -------------------------------------------------------------


def _reorganize(
    cmd: p.OrderReorganization, case: BankruptcyCase, by: str, now: datetime
) -> list[Out]:
    _check(cmd, case, by)
    _dated(cmd.ordered_on, now, "data.ordered_on", case.accepted_on, "the acceptance")
    fact = p.ReorganizationOrdered(
        ordered_on=cmd.ordered_on, plan_due=clocks.plan_due(cmd.ordered_on, extended=False)
    )
    return [(fact, by)]


def _extend_plan(
    cmd: p.ExtendPlanPeriod, case: BankruptcyCase, by: str, now: datetime
) -> list[Out]:
    _check(cmd, case, by)
    if case.plan_extended:
        raise errors.ExtensionUsedError("the plan period was extended already (three months, once)")
    if case.plan_filed_on is not None:
        raise errors.UnlawfulStepError("the plan is filed already")
    ordered = case.reorganization_on or now.date()
    _dated(cmd.ruled_on, now, "data.ruled_on", ordered, "the reorganization order")
    fact = p.PlanPeriodExtended(
        ruled_on=cmd.ruled_on, plan_due=clocks.plan_due(ordered, extended=True), reason=cmd.reason
    )
    return [(fact, by)]


def _plan_filed(cmd: p.RecordPlanFiling, case: BankruptcyCase, by: str, now: datetime) -> list[Out]:
    _check(cmd, case, by)
    if case.plan_filed_on is not None:
        raise errors.UnlawfulStepError(f"the plan was filed on {case.plan_filed_on}")
    _dated(cmd.filed_on, now, "data.filed_on", case.reorganization_on, "the reorganization order")
    fact = p.ReorganizationPlanFiled(filed_on=cmd.filed_on, vote_by=clocks.vote_by(cmd.filed_on))
    return [(fact, by)]


def _approve_plan(
    cmd: p.ApproveReorganizationPlan, case: BankruptcyCase, by: str, now: datetime, rules: Rules
) -> list[Out]:
    _check(cmd, case, by)
    if case.plan_filed_on is None:
        raise errors.PlanNotFiledError("no plan was filed")
    _dated(cmd.approved_on, now, "data.approved_on", case.plan_filed_on, "the plan's filing")
    fact = p.ReorganizationPlanApproved(approved_on=cmd.approved_on, cram_down=cmd.cram_down)
    after = evolve(case, fact)
    return [(fact, by), *generate(after, Trigger.PLAN_APPROVED, cmd.approved_on, rules, by=by)]


def _end_reorganization(
    cmd: p.TerminateReorganization, case: BankruptcyCase, by: str, now: datetime
) -> list[Out]:
    _check(cmd, case, by)
    _dated(cmd.ruled_on, now, "data.ruled_on", case.reorganization_on, "the reorganization order")
    fact = p.ReorganizationTerminated(ruled_on=cmd.ruled_on, ground=cmd.ground)
    return [(fact, by)]


def _settle(cmd: p.OrderSettlement, case: BankruptcyCase, by: str, now: datetime) -> list[Out]:
    _check(cmd, case, by)
    _dated(cmd.ordered_on, now, "data.ordered_on", case.accepted_on, "the acceptance")
    return [(p.SettlementOrdered(ordered_on=cmd.ordered_on), by)]


def _approve_settlement(
    cmd: p.ApproveSettlement, case: BankruptcyCase, by: str, now: datetime
) -> list[Out]:
    _check(cmd, case, by)
    _dated(cmd.approved_on, now, "data.approved_on", case.accepted_on, "the acceptance")
    return [(p.SettlementApproved(approved_on=cmd.approved_on), by)]


def _end_settlement(
    cmd: p.TerminateSettlement, case: BankruptcyCase, by: str, now: datetime
) -> list[Out]:
    _check(cmd, case, by)
    _dated(cmd.ruled_on, now, "data.ruled_on", case.accepted_on, "the acceptance")
    return [(p.SettlementTerminated(ruled_on=cmd.ruled_on, reason=cmd.reason), by)]


# --- declaration, distribution, termination ----------------------------------------------------


def _declare(cmd: p.DeclareBankrupt, case: BankruptcyCase, by: str, now: datetime) -> list[Out]:
    _check(cmd, case, by)
    _dated(cmd.declared_on, now, "data.declared_on", case.accepted_on, "the acceptance")
    return [(p.DebtorDeclaredBankrupt(declared_on=cmd.declared_on), by)]


def _distribute(
    cmd: p.RecordDistribution, case: BankruptcyCase, by: str, now: datetime
) -> list[Out]:
    _check(cmd, case, by)
    if case.final_distribution:
        raise errors.UnlawfulStepError("the final distribution was made already")
    _dated(cmd.made_on, now, "data.made_on", case.declared_on, "the declaration")
    fact = p.DistributionMade(made_on=cmd.made_on, amount=cmd.amount, final=cmd.final)
    return [(fact, by)]


def _terminate(
    cmd: p.TerminateProceedings, case: BankruptcyCase, by: str, now: datetime, rules: Rules
) -> list[Out]:
    _check(cmd, case, by)
    if case.stage not in GROUND_STAGES[cmd.ground]:
        raise errors.TerminationGroundError(f"{cmd.ground} cannot end a case that is {case.stage}")
    if cmd.ground is G.FINAL_DISTRIBUTION and not case.final_distribution:
        raise errors.TerminationGroundError("no final distribution was made (第一百二十条第二款)")
    _dated(
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
    _dated(cmd.deregistered_on, now, "data.deregistered_on", case.terminated_on, "the termination")
    fact = DeregistrationCompleted(deregistered_on=cmd.deregistered_on, authority=cmd.authority)
    return with_closure(case, [(fact, by)], now)


def _discharge(
    cmd: p.DischargeAdministrator, case: BankruptcyCase, by: str, now: datetime
) -> list[Out]:
    _check(cmd, case, by)
    if case.discharged_on is not None:
        raise errors.UnlawfulStepError(f"discharged already on {case.discharged_on}")
    if case.deregister_by is not None and case.deregistered_on is None:
        raise errors.UnlawfulStepError(
            "the administrator deregisters the company first (第一百二十一条、第一百二十二条)"
        )
    after = case.deregistered_on or case.terminated_on
    _dated(cmd.discharged_on, now, "data.discharged_on", after, "the deregistration or termination")
    return [(p.AdministratorDischarged(discharged_on=cmd.discharged_on), by)]


Decider = Callable[..., list[Out]]
STEPS: dict[type[Command], tuple[Decider, bool]] = {
    p.FileBankruptcyPetition: (_file, False),
    p.ReferEnforcementToBankruptcy: (_refer, True),
    p.ExtendRulingPeriod: (_extend_ruling, False),
    p.AcceptPetition: (_accept, True),
    p.RejectPetition: (_reject, False),
    p.DismissPetition: (_dismiss, False),
    p.FileAppeal: (_appeal, False),
    p.DecideAppeal: (_decide_appeal, False),
    p.NotifyCreditors: (_notify, False),
    p.SetClaimsDeadline: (_claims, False),
    p.RecordCreditorsMeeting: (_meeting, False),
    p.OrderReorganization: (_reorganize, False),
    p.ExtendPlanPeriod: (_extend_plan, False),
    p.RecordPlanFiling: (_plan_filed, False),
    p.ApproveReorganizationPlan: (_approve_plan, True),
    p.TerminateReorganization: (_end_reorganization, False),
    p.OrderSettlement: (_settle, False),
    p.ApproveSettlement: (_approve_settlement, False),
    p.TerminateSettlement: (_end_settlement, False),
    p.DeclareBankrupt: (_declare, False),
    p.RecordDistribution: (_distribute, False),
    p.TerminateProceedings: (_terminate, True),
    p.DischargeAdministrator: (_discharge, False),
}
"""The court's steps: each with its decider and whether it needs the rules (it generates tasks
or counts a configured period)."""


def decide_step(
    cmd: Command, case: BankruptcyCase, *, by: str, now: datetime, rules: Rules
) -> list[Out]:
    """Decide one of the court's steps, sent by `by` at `now`."""
    decider, needs_rules = STEPS[type(cmd)]
    args: list[Any] = [cmd, case, by, now]
    return decider(*args, rules) if needs_rules else decider(*args)
