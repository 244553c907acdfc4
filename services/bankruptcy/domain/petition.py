"""破产申请 — the petition and its review: filing, referral from enforcement, the ruling's
extension, acceptance with the administrator (which opens the coordination case and generates
its tasks), rejection, dismissal, appeal (破终)."""

from __future__ import annotations

from datetime import datetime

from contracts.bankruptcy import procedure as p
from contracts.bankruptcy.tasks import Trigger
from contracts.ids import parse_case_number
from services.bankruptcy.domain import clocks, errors
from services.bankruptcy.domain.case import BankruptcyCase
from services.bankruptcy.domain.evolve import evolve
from services.bankruptcy.domain.periods import days_from
from services.bankruptcy.domain.rules import Out, Rules
from services.bankruptcy.domain.tasks import generate
from services.bankruptcy.domain.transitions import (
    case_type,
    check,
    dated,
    lawful,
)

# --- petition ----------------------------------------------------------------------------------


def file(cmd: p.FileBankruptcyPetition, case: BankruptcyCase, by: str, now: datetime) -> list[Out]:
    lawful(cmd, case)
    case_type(cmd.case_number, "破申")
    dated(cmd.filed_on, now, "data.filed_on")
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


def refer(
    cmd: p.ReferEnforcementToBankruptcy, case: BankruptcyCase, by: str, now: datetime, rules: Rules
) -> list[Out]:
    lawful(cmd, case)
    case_type(cmd.case_number, "破申")
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
    dated(cmd.referred_on, now, "data.referred_on")
    fact = p.BankruptcyReferredFromEnforcement(
        case_number=cmd.case_number,
        court=by,
        referred_on=cmd.referred_on,
        enforcement_case_number=cmd.enforcement_case_number,
        debtor=cmd.debtor,
        consent_by=cmd.consent_by,
        ruling_due=days_from(cmd.referred_on, rules.referral_days),
    )
    return [(fact, by)]


def extend_ruling(
    cmd: p.ExtendRulingPeriod, case: BankruptcyCase, by: str, now: datetime
) -> list[Out]:
    check(cmd, case, by)
    if case.ruling_extended:
        raise errors.ExtensionUsedError("the ruling period was extended already (once, 第十条)")
    dated(cmd.approved_on, now, "data.approved_on", case.filed_on, "the filing")
    due = days_from(case.ruling_due or now.date(), clocks.RULING_EXTENSION_DAYS)
    fact = p.RulingPeriodExtended(approved_on=cmd.approved_on, ruling_due=due, reason=cmd.reason)
    return [(fact, by)]


def accept(
    cmd: p.AcceptPetition, case: BankruptcyCase, by: str, now: datetime, rules: Rules
) -> list[Out]:
    lawful(cmd, case)
    if cmd.petition_case_number != case.petition_number:
        raise errors.WrongCaseNumberError(
            f"the petition is {case.petition_number}", "data.petition_case_number"
        )
    court = case_type(cmd.case_number, "破")
    petition_court = case_type(cmd.petition_case_number, "破申", "data.petition_case_number")
    if not petition_court.startswith(court):
        raise errors.HigherCourtError(f"{court} is neither the court of the petition nor above it")
    if court == petition_court and by != case.court:
        raise errors.NotTheCourtError(f"{by} is not the court hearing the case")
    dated(cmd.accepted_on, now, "data.accepted_on", case.filed_on, "the filing")
    if cmd.administrator.appointed_on != cmd.accepted_on:
        raise errors.DateOrderError(
            "the administrator is appointed in the acceptance (第十三条)",
            "data.administrator.appointed_on",
        )
    assert case.debtor is not None, "lawful() accepts only a filed petition"
    fact = p.PetitionAccepted(
        case_number=cmd.case_number,
        petition_case_number=cmd.petition_case_number,
        court=by,
        debtor=case.debtor,
        accepted_on=cmd.accepted_on,
        procedure=cmd.procedure,
        administrator=cmd.administrator,
        announce_by=clocks.announce_by(cmd.accepted_on),
    )
    after = evolve(case, fact)
    return [(fact, by), *generate(after, Trigger.ACCEPTANCE, cmd.accepted_on, rules, by=by)]


def reject(cmd: p.RejectPetition, case: BankruptcyCase, by: str, now: datetime) -> list[Out]:
    check(cmd, case, by)
    dated(cmd.ruled_on, now, "data.ruled_on", case.filed_on, "the filing")
    dated(cmd.served_on, now, "data.served_on", cmd.ruled_on, "the ruling")
    fact = p.PetitionRejected(
        ruled_on=cmd.ruled_on,
        served_on=cmd.served_on,
        appeal_by=clocks.appeal_by(cmd.served_on),
        reason=cmd.reason,
    )
    return [(fact, by)]


def dismiss(cmd: p.DismissPetition, case: BankruptcyCase, by: str, now: datetime) -> list[Out]:
    check(cmd, case, by)
    dated(cmd.ruled_on, now, "data.ruled_on", case.accepted_on, "the acceptance")
    dated(cmd.served_on, now, "data.served_on", cmd.ruled_on, "the ruling")
    fact = p.PetitionDismissed(
        ruled_on=cmd.ruled_on,
        served_on=cmd.served_on,
        appeal_by=clocks.appeal_by(cmd.served_on),
        reason=cmd.reason,
    )
    return [(fact, by)]


def appeal(cmd: p.FileAppeal, case: BankruptcyCase, by: str, now: datetime) -> list[Out]:
    check(cmd, case, by)
    if case.appeal_decided:
        raise errors.UnlawfulStepError("the appeal was decided: the ruling is final")
    higher(cmd.appeal_case_number, case)
    dated(cmd.filed_on, now, "data.filed_on", case.ruled_against_on, "the ruling")
    if case.appeal_by is not None and cmd.filed_on > case.appeal_by:
        raise errors.AppealLateError(f"the last day to appeal was {case.appeal_by} (第十二条)")
    fact = p.AppealFiled(appeal_case_number=cmd.appeal_case_number, filed_on=cmd.filed_on)
    return [(fact, by)]


def higher(appeal_number: str, case: BankruptcyCase) -> None:
    court = case_type(appeal_number, "破终", "data.appeal_case_number")
    own = parse_case_number(case.number or "").court_code
    if court == own or not own.startswith(court):
        raise errors.AppealNumberError(f"{appeal_number} is not a case of the higher court")


def decide_appeal(cmd: p.DecideAppeal, case: BankruptcyCase, by: str, now: datetime) -> list[Out]:
    lawful(cmd, case)
    if cmd.case_number != case.number:
        raise errors.WrongCaseNumberError(f"the case is {case.number}")
    if cmd.appeal_case_number != case.appeal_number:
        raise errors.AppealNumberError(f"the appeal is {case.appeal_number}")
    if by == case.court:
        raise errors.NotTheCourtError("the higher court decides the appeal")
    dated(cmd.decided_on, now, "data.decided_on", case.ruled_against_on, "the ruling")
    fact = p.AppealDecided(
        appeal_case_number=cmd.appeal_case_number, decided_on=cmd.decided_on, outcome=cmd.outcome
    )
    return [(fact, by)]
