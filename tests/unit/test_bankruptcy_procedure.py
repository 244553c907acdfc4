"""破产程序 — the court's steps: each lawful only from the stages the law allows, each refusal
naming the field and the reason."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from contracts.bankruptcy import procedure as p
from contracts.bankruptcy.administrator import (
    DeregistrationCompleted,
    PublishEmployeeClaims,
    ReportDeregistration,
)
from contracts.bankruptcy.parties import PetitionerKind, Procedure
from contracts.base import Command
from services.bankruptcy.domain import BankruptcyCase, Stage, errors
from services.bankruptcy.domain.course import decide_employee_claims
from services.bankruptcy.domain.procedure import LAWFUL, decide_deregistration, lawful
from tests.unit import test_bankruptcy_builders as b
from tests.unit.test_bankruptcy_builders import (
    ACCEPTED,
    ADMIN,
    APPEAL,
    CASE,
    COURT,
    HIGHER,
    PETITION,
    at,
    step,
)

D = date(2026, 6, 10)
G = p.TerminationGround


def rejected() -> BankruptcyCase:
    cmd = p.RejectPetition(
        case_number=PETITION, ruled_on=date(2026, 3, 10), served_on=date(2026, 3, 12), reason="x"
    )
    return step(b.petitioned(), cmd)[0]


def dismissed() -> BankruptcyCase:
    cmd = p.DismissPetition(case_number=CASE, ruled_on=D, served_on=D, reason="不符合第二条")
    return step(b.accepted(), cmd)[0]


def appealed() -> BankruptcyCase:
    cmd = p.FileAppeal(case_number=PETITION, appeal_case_number=APPEAL, filed_on=date(2026, 3, 20))
    return step(rejected(), cmd)[0]


def plan_filed() -> BankruptcyCase:
    return step(
        b.accepted(Procedure.REORGANIZATION), p.RecordPlanFiling(case_number=CASE, filed_on=D)
    )[0]


def plan_approved() -> BankruptcyCase:
    return step(plan_filed(), p.ApproveReorganizationPlan(case_number=CASE, approved_on=D))[0]


def reorganization_failed() -> BankruptcyCase:
    cmd = p.TerminateReorganization(case_number=CASE, ruled_on=D, ground="plan_not_adopted")
    return step(b.accepted(Procedure.REORGANIZATION), cmd)[0]


def settlement_approved() -> BankruptcyCase:
    cmd = p.ApproveSettlement(case_number=CASE, approved_on=D)
    return step(b.accepted(Procedure.SETTLEMENT), cmd)[0]


def settlement_failed() -> BankruptcyCase:
    cmd = p.TerminateSettlement(case_number=CASE, ruled_on=D, reason="和解协议草案未获通过")
    return step(b.accepted(Procedure.SETTLEMENT), cmd)[0]


def deregistered() -> BankruptcyCase:
    case = b.terminated()[0]
    cmd = ReportDeregistration(
        case_number=CASE, deregistered_on=date(2026, 7, 5), authority="汝州市市场监督管理局"
    )
    return b.apply(case, decide_deregistration(cmd, case, by=ADMIN, now=b.NOW))


REACH: dict[Stage, Callable[[], BankruptcyCase]] = {
    Stage.NONE: BankruptcyCase,
    Stage.PETITIONED: b.petitioned,
    Stage.REJECTED: rejected,
    Stage.DISMISSED: dismissed,
    Stage.APPEALED: appealed,
    Stage.LIQUIDATION: b.accepted,
    Stage.REORGANIZATION: lambda: b.accepted(Procedure.REORGANIZATION),
    Stage.SETTLEMENT: lambda: b.accepted(Procedure.SETTLEMENT),
    Stage.PLAN_APPROVED: plan_approved,
    Stage.REORGANIZATION_FAILED: reorganization_failed,
    Stage.SETTLEMENT_APPROVED: settlement_approved,
    Stage.SETTLEMENT_FAILED: settlement_failed,
    Stage.DECLARED: b.declared,
    Stage.TERMINATED: lambda: b.terminated()[0],
    Stage.DEREGISTERED: deregistered,
}

SAMPLES: dict[type[Command], Command] = {
    p.FileBankruptcyPetition: b.petition(),
    p.ReferEnforcementToBankruptcy: p.ReferEnforcementToBankruptcy(
        case_number=PETITION,
        referred_on=b.FILED,
        enforcement_case_number="（2025）豫0482执1234号",
        debtor=b.DEBTOR,
        consent_by="creditor",
    ),
    p.ExtendRulingPeriod: p.ExtendRulingPeriod(case_number=PETITION, approved_on=D, reason="x"),
    p.AcceptPetition: b.accept(),
    p.RejectPetition: p.RejectPetition(case_number=PETITION, ruled_on=D, served_on=D, reason="x"),
    p.DismissPetition: p.DismissPetition(case_number=CASE, ruled_on=D, served_on=D, reason="x"),
    p.FileAppeal: p.FileAppeal(case_number=CASE, appeal_case_number=APPEAL, filed_on=D),
    p.DecideAppeal: p.DecideAppeal(
        case_number=PETITION, appeal_case_number=APPEAL, decided_on=D, outcome="upheld"
    ),
    p.NotifyCreditors: p.NotifyCreditors(case_number=CASE, announced_on=D),
    p.SetClaimsDeadline: p.SetClaimsDeadline(case_number=CASE, claims_deadline=D),
    p.RecordCreditorsMeeting: p.RecordCreditorsMeeting(case_number=CASE, held_on=D, summary="x"),
    p.OrderReorganization: p.OrderReorganization(case_number=CASE, ordered_on=D),
    p.OrderSettlement: p.OrderSettlement(case_number=CASE, ordered_on=D),
    p.ExtendPlanPeriod: p.ExtendPlanPeriod(case_number=CASE, ruled_on=D, reason="x"),
    p.RecordPlanFiling: p.RecordPlanFiling(case_number=CASE, filed_on=D),
    p.ApproveReorganizationPlan: p.ApproveReorganizationPlan(case_number=CASE, approved_on=D),
    p.TerminateReorganization: p.TerminateReorganization(
        case_number=CASE, ruled_on=D, ground="plan_not_filed"
    ),
    p.ApproveSettlement: p.ApproveSettlement(case_number=CASE, approved_on=D),
    p.TerminateSettlement: p.TerminateSettlement(case_number=CASE, ruled_on=D, reason="x"),
    p.DeclareBankrupt: p.DeclareBankrupt(case_number=CASE, declared_on=D),
    p.RecordDistribution: p.RecordDistribution(case_number=CASE, made_on=D, amount="10.00"),
    p.TerminateProceedings: p.TerminateProceedings(
        case_number=CASE, terminated_on=D, ground="no_funds_for_expenses"
    ),
    ReportDeregistration: ReportDeregistration(case_number=CASE, deregistered_on=D, authority="x"),
    p.DischargeAdministrator: p.DischargeAdministrator(case_number=CASE, discharged_on=D),
}


S = Stage
BEFORE_DECLARATION = {S.LIQUIDATION, S.REORGANIZATION, S.SETTLEMENT}
ACCEPTED_NOT_ENDED = BEFORE_DECLARATION | {
    S.PLAN_APPROVED,
    S.REORGANIZATION_FAILED,
    S.SETTLEMENT_APPROVED,
    S.SETTLEMENT_FAILED,
    S.DECLARED,
}
LAW: dict[type[Command], set[Stage]] = {
    p.FileBankruptcyPetition: {S.NONE},  # 申请
    p.ReferEnforcementToBankruptcy: {S.NONE},  # 执转破
    p.ExtendRulingPeriod: {S.PETITIONED},  # 第十条第三款
    p.AcceptPetition: {S.PETITIONED},  # 申请 → 受理
    p.RejectPetition: {S.PETITIONED},  # 不予受理
    p.DismissPetition: BEFORE_DECLARATION,  # 受理后至破产宣告前 (第十二条第二款)
    p.FileAppeal: {S.REJECTED, S.DISMISSED},  # 破终 (第十二条)
    p.DecideAppeal: {S.APPEALED},
    p.NotifyCreditors: ACCEPTED_NOT_ENDED,
    p.SetClaimsDeadline: ACCEPTED_NOT_ENDED,
    p.RecordCreditorsMeeting: ACCEPTED_NOT_ENDED,
    p.OrderReorganization: {S.LIQUIDATION},  # 清算 → 重整 before the declaration (第七十条)
    p.OrderSettlement: {S.LIQUIDATION},  # 清算 → 和解 before the declaration (第九十五条)
    p.ExtendPlanPeriod: {S.REORGANIZATION},
    p.RecordPlanFiling: {S.REORGANIZATION},
    p.ApproveReorganizationPlan: {S.REORGANIZATION},
    p.TerminateReorganization: {S.REORGANIZATION},
    p.ApproveSettlement: {S.SETTLEMENT},
    p.TerminateSettlement: {S.SETTLEMENT},
    # 宣告: in liquidation, after a failed reorganization or settlement, or a plan or agreement
    # not performed (第九十三条、第一百零四条)
    p.DeclareBankrupt: {
        S.LIQUIDATION,
        S.REORGANIZATION_FAILED,
        S.SETTLEMENT_FAILED,
        S.PLAN_APPROVED,
        S.SETTLEMENT_APPROVED,
    },
    p.RecordDistribution: {S.DECLARED},
    p.TerminateProceedings: ACCEPTED_NOT_ENDED,  # the ground decides further
    ReportDeregistration: {S.TERMINATED},  # 终结 → 注销
    p.DischargeAdministrator: {S.TERMINATED, S.DEREGISTERED},  # 第一百二十二条
}
"""The transitions as the law states them (docs/BANKRUPTCY.md), written apart from the code."""


def test_every_step_has_its_lawful_stages_and_a_sample() -> None:
    assert set(SAMPLES) == set(LAWFUL) == set(LAW)
    assert set(REACH) == set(Stage)


@pytest.mark.parametrize("kind", list(LAW), ids=lambda k: k.__name__)
def test_the_code_allows_each_step_where_the_law_does(kind: type[Command]) -> None:
    assert set(LAWFUL[kind]) == LAW[kind]


@pytest.mark.parametrize("stage", list(Stage), ids=str)
def test_the_builders_reach_each_stage(stage: Stage) -> None:
    assert REACH[stage]().stage is stage


@pytest.mark.parametrize("kind", list(LAWFUL), ids=lambda k: k.__name__)
@pytest.mark.parametrize("stage", list(Stage), ids=str)
def test_a_step_is_refused_exactly_outside_its_lawful_stages(
    kind: type[Command], stage: Stage
) -> None:
    case = REACH[stage]()
    if stage in LAW[kind]:
        lawful(SAMPLES[kind], case)
        return
    with pytest.raises(errors.UnlawfulStepError) as e:
        lawful(SAMPLES[kind], case)
    assert e.value.field == "type"
    assert f"while the case is {stage}" in str(e.value)


@pytest.mark.parametrize("stage", [s for s in Stage if s not in LAW[p.DeclareBankrupt]])
def test_an_unlawful_declaration_is_refused_by_the_decider(stage: Stage) -> None:
    with pytest.raises(errors.UnlawfulStepError):
        step(REACH[stage](), SAMPLES[p.DeclareBankrupt])


# --- petition ----------------------------------------------------------------------------------


def test_a_petition_records_its_ruling_day_fifteen_days_on() -> None:
    case, out = step(BankruptcyCase(), b.petition())
    ((fact, org),) = out
    assert isinstance(fact, p.BankruptcyPetitionFiled) and org == COURT
    assert fact.ruling_due == date(2026, 3, 17)
    assert case.stage is Stage.PETITIONED and case.court == COURT


def test_a_creditors_petition_allows_five_seven_and_ten_days() -> None:
    case = b.petitioned(PetitionerKind.CREDITOR)
    assert case.ruling_due == date(2026, 3, 24)


def test_the_ruling_period_is_extended_once_by_fifteen_days() -> None:
    cmd = p.ExtendRulingPeriod(
        case_number=PETITION, approved_on=date(2026, 3, 15), reason="案情复杂"
    )
    case, _ = step(b.petitioned(), cmd)
    assert case.ruling_due == date(2026, 4, 1)
    with pytest.raises(errors.ExtensionUsedError):
        step(case, cmd)


def test_a_petition_must_be_a_po_shen_case() -> None:
    cmd = b.petition().model_copy(update={"case_number": CASE})
    with pytest.raises(errors.NotABankruptcyCaseError) as e:
        step(BankruptcyCase(), cmd)
    assert e.value.field == "data.case_number"


def test_a_creditor_cannot_petition_for_settlement() -> None:
    cmd = b.petition(PetitionerKind.CREDITOR).model_copy(update={"procedure": Procedure.SETTLEMENT})
    with pytest.raises(errors.UnlawfulStepError) as e:
        step(BankruptcyCase(), cmd)
    assert e.value.field == "data.procedure"


def test_a_petition_dated_tomorrow_is_refused() -> None:
    cmd = b.petition().model_copy(update={"filed_on": date(2026, 12, 1)})
    with pytest.raises(errors.FutureDateError) as e:
        step(BankruptcyCase(), cmd)
    assert e.value.field == "data.filed_on"


def test_a_referral_needs_an_enforcement_case_and_a_party_consenting() -> None:
    good = SAMPLES[p.ReferEnforcementToBankruptcy]
    case, _ = step(BankruptcyCase(), good)
    assert case.referred_from == "（2025）豫0482执1234号"
    assert case.ruling_due == date(2026, 4, 1)  # 30 days, configured
    bad = good.model_copy(update={"enforcement_case_number": "（2025）豫0482民初1号"})
    with pytest.raises(errors.NotABankruptcyCaseError) as e:
        step(BankruptcyCase(), bad)
    assert e.value.field == "data.enforcement_case_number"
    nobody = good.model_copy(update={"consent_by": PetitionerKind.LIQUIDATION_RESPONSIBLE})
    with pytest.raises(errors.UnlawfulStepError) as e:
        step(BankruptcyCase(), nobody)
    assert e.value.field == "data.consent_by"


# --- acceptance --------------------------------------------------------------------------------


def test_acceptance_names_the_administrator_and_the_day_to_announce() -> None:
    case, out = step(b.petitioned(), b.accept())
    fact = out[0][0]
    assert isinstance(fact, p.PetitionAccepted)
    assert fact.administrator.code == ADMIN and fact.announce_by == date(2026, 4, 10)
    assert case.stage is Stage.LIQUIDATION and case.case_number == CASE


@pytest.mark.parametrize(
    ("procedure", "stage"),
    [
        (Procedure.LIQUIDATION, Stage.LIQUIDATION),
        (Procedure.REORGANIZATION, Stage.REORGANIZATION),
        (Procedure.SETTLEMENT, Stage.SETTLEMENT),
    ],
)
def test_acceptance_opens_the_procedure_asked(procedure: Procedure, stage: Stage) -> None:
    assert b.accepted(procedure).stage is stage


def test_the_accepted_case_keeps_a_po_number_of_its_own() -> None:
    cmd = b.accept().model_copy(update={"case_number": PETITION})
    with pytest.raises(errors.NotABankruptcyCaseError):
        step(b.petitioned(), cmd)


def test_another_court_of_the_same_level_cannot_take_the_case() -> None:
    cmd = b.accept().model_copy(update={"case_number": "（2026）豫0402破1号"})
    with pytest.raises(errors.HigherCourtError) as e:
        step(b.petitioned(), cmd)
    assert e.value.field == "data.case_number"


def test_the_higher_court_may_take_the_case() -> None:
    cmd = b.accept().model_copy(update={"case_number": "（2026）豫04破1号"})
    case, _ = step(b.petitioned(), cmd, by=HIGHER)
    assert case.court == HIGHER


def test_another_court_cannot_accept_for_the_court_of_the_petition() -> None:
    with pytest.raises(errors.NotTheCourtError) as e:
        step(b.petitioned(), b.accept(), by="CTOTHER")
    assert e.value.field == "envelope.organization"


def test_the_administrator_is_appointed_in_the_acceptance() -> None:
    cmd = b.accept().model_copy(update={"administrator": b.administrator(date(2026, 3, 20))})
    with pytest.raises(errors.DateOrderError) as e:
        step(b.petitioned(), cmd)
    assert e.value.field == "data.administrator.appointed_on"


def test_acceptance_before_the_filing_is_refused() -> None:
    cmd = b.accept(on=date(2026, 2, 1))
    with pytest.raises(errors.DateOrderError) as e:
        step(b.petitioned(), cmd)
    assert e.value.field == "data.accepted_on"


def test_a_step_naming_the_petition_after_acceptance_is_refused() -> None:
    cmd = p.NotifyCreditors(case_number=PETITION, announced_on=date(2026, 4, 1))
    with pytest.raises(errors.WrongCaseNumberError):
        step(b.accepted(), cmd)


# --- rejection, dismissal, appeal --------------------------------------------------------------


def test_a_rejection_may_be_appealed_within_ten_days_of_service() -> None:
    case = rejected()
    # served Thursday 12 March: the tenth day is Sunday 22 March, so the last day is Monday 23
    assert case.appeal_by == date(2026, 3, 23)
    on_time = p.FileAppeal(
        case_number=PETITION, appeal_case_number=APPEAL, filed_on=date(2026, 3, 23)
    )
    assert step(case, on_time)[0].stage is Stage.APPEALED
    late = on_time.model_copy(update={"filed_on": date(2026, 3, 24)})
    with pytest.raises(errors.AppealLateError) as e:
        step(case, late)
    assert e.value.field == "data.filed_on"


def test_the_appeal_is_a_po_zhong_case_of_the_higher_court() -> None:
    same = p.FileAppeal(
        case_number=PETITION, appeal_case_number="（2026）豫0482破终1号", filed_on=date(2026, 3, 20)
    )
    with pytest.raises(errors.AppealNumberError) as e:
        step(rejected(), same)
    assert e.value.field == "data.appeal_case_number"
    not_an_appeal = same.model_copy(update={"appeal_case_number": "（2026）豫04破1号"})
    with pytest.raises(errors.NotABankruptcyCaseError):
        step(rejected(), not_an_appeal)


def test_a_refusal_reversed_on_appeal_goes_back_to_be_accepted() -> None:
    cmd = p.DecideAppeal(
        case_number=PETITION,
        appeal_case_number=APPEAL,
        decided_on=date(2026, 4, 1),
        outcome="reversed",
    )
    case, _ = step(appealed(), cmd, by=HIGHER)
    assert case.stage is Stage.PETITIONED and case.ruling_due is None
    assert step(case, b.accept(on=date(2026, 4, 5)))[0].stage is Stage.LIQUIDATION


def test_a_refusal_upheld_on_appeal_is_final() -> None:
    cmd = p.DecideAppeal(
        case_number=PETITION,
        appeal_case_number=APPEAL,
        decided_on=date(2026, 4, 1),
        outcome="upheld",
    )
    case, _ = step(appealed(), cmd, by=HIGHER)
    assert case.stage is Stage.REJECTED
    again = p.FileAppeal(
        case_number=PETITION, appeal_case_number=APPEAL, filed_on=date(2026, 3, 21)
    )
    with pytest.raises(errors.UnlawfulStepError):
        step(case, again)


def test_the_court_of_the_case_does_not_decide_its_own_appeal() -> None:
    cmd = p.DecideAppeal(
        case_number=PETITION,
        appeal_case_number=APPEAL,
        decided_on=date(2026, 4, 1),
        outcome="upheld",
    )
    with pytest.raises(errors.NotTheCourtError):
        step(appealed(), cmd, by=COURT)


def test_a_dismissal_reversed_restores_the_procedure() -> None:
    case = b.accepted(Procedure.REORGANIZATION)
    cmd = p.DismissPetition(case_number=CASE, ruled_on=D, served_on=D, reason="x")
    case = step(case, cmd)[0]
    case = step(case, p.FileAppeal(case_number=CASE, appeal_case_number=APPEAL, filed_on=D))[0]
    decide = p.DecideAppeal(
        case_number=CASE, appeal_case_number=APPEAL, decided_on=D, outcome="reversed"
    )
    assert step(case, decide, by=HIGHER)[0].stage is Stage.REORGANIZATION


# --- announcement, claims, meetings ------------------------------------------------------------


@pytest.mark.parametrize(
    ("deadline", "ok"),
    [
        (date(2026, 4, 30), False),  # 29 days after the announcement
        (date(2026, 5, 1), True),  # 30 days
        (date(2026, 7, 1), True),  # three months
        (date(2026, 7, 2), False),  # three months and a day
    ],
)
def test_the_claims_period_is_thirty_days_to_three_months(deadline: date, ok: bool) -> None:
    cmd = p.SetClaimsDeadline(case_number=CASE, claims_deadline=deadline)
    if ok:
        assert step(b.announced(), cmd)[0].claims_deadline == deadline
        return
    with pytest.raises(errors.ClaimsPeriodError) as e:
        step(b.announced(), cmd)
    assert e.value.field == "data.claims_deadline"
    assert "第四十五条" in str(e.value)


def test_the_claims_deadline_waits_for_the_announcement() -> None:
    with pytest.raises(errors.NotAnnouncedError):
        step(b.accepted(), p.SetClaimsDeadline(case_number=CASE, claims_deadline=D))


def test_the_announcement_is_made_once() -> None:
    with pytest.raises(errors.UnlawfulStepError):
        b.announced(b.announced())


def test_the_first_meeting_comes_after_the_claims_deadline() -> None:
    cmd = p.RecordCreditorsMeeting(case_number=CASE, held_on=date(2026, 5, 15), summary="x")
    with pytest.raises(errors.MeetingTooEarlyError) as e:
        step(b.claims_set(), cmd)
    assert e.value.field == "data.held_on"
    with pytest.raises(errors.MeetingTooEarlyError):
        step(b.announced(), cmd)


def test_meetings_are_numbered() -> None:
    cmd = p.RecordCreditorsMeeting(case_number=CASE, held_on=date(2026, 6, 20), summary="x")
    fact = step(b.met(), cmd)[1][0][0]
    assert isinstance(fact, p.CreditorsMeetingHeld) and fact.ordinal == 2


# --- reorganization, settlement ----------------------------------------------------------------


def test_liquidation_turns_to_reorganization_before_the_declaration_only() -> None:
    cmd = p.OrderReorganization(case_number=CASE, ordered_on=date(2026, 6, 5))
    case, out = step(b.accepted(), cmd)
    assert case.stage is Stage.REORGANIZATION
    assert out[0][0] == p.ReorganizationOrdered(
        ordered_on=date(2026, 6, 5), plan_due=date(2026, 12, 7)
    )  # six months end on Saturday 5 December: the last day is Monday 7
    with pytest.raises(errors.UnlawfulStepError):
        step(b.declared(), cmd)


def test_the_plan_period_is_extended_once_by_three_months() -> None:
    cmd = p.ExtendPlanPeriod(case_number=CASE, ruled_on=date(2026, 8, 1), reason="投资人谈判")
    case, out = step(b.accepted(Procedure.REORGANIZATION), cmd)
    assert out[0][0].plan_due == date(2026, 12, 16)  # type: ignore[attr-defined]
    with pytest.raises(errors.ExtensionUsedError):
        step(case, cmd)


def test_a_plan_is_approved_only_once_filed() -> None:
    cmd = p.ApproveReorganizationPlan(case_number=CASE, approved_on=D)
    with pytest.raises(errors.PlanNotFiledError):
        step(b.accepted(Procedure.REORGANIZATION), cmd)


def test_a_failed_reorganization_leads_to_the_declaration() -> None:
    case = step(reorganization_failed(), p.DeclareBankrupt(case_number=CASE, declared_on=D))[0]
    assert case.stage is Stage.DECLARED


def test_an_approved_plan_not_performed_leads_to_the_declaration() -> None:
    case = step(plan_approved(), p.DeclareBankrupt(case_number=CASE, declared_on=D))[0]
    assert case.stage is Stage.DECLARED


# --- termination, deregistration, discharge ----------------------------------------------------


@pytest.mark.parametrize(
    ("ground", "stage", "ok"),
    [
        (G.NO_PROPERTY, Stage.DECLARED, True),
        (G.NO_PROPERTY, Stage.LIQUIDATION, False),
        (G.NO_FUNDS_FOR_EXPENSES, Stage.LIQUIDATION, True),
        (G.CREDITORS_AGREEMENT, Stage.DECLARED, False),
        (G.FULL_PAYMENT, Stage.REORGANIZATION, True),
        (G.PLAN_PERFORMED, Stage.PLAN_APPROVED, True),
        (G.PLAN_PERFORMED, Stage.LIQUIDATION, False),
        (G.SETTLEMENT_APPROVED, Stage.SETTLEMENT_APPROVED, True),
        (G.FINAL_DISTRIBUTION, Stage.DECLARED, False),  # no final distribution yet
    ],
)
def test_a_termination_ground_fits_the_stage(ground: G, stage: Stage, ok: bool) -> None:
    case = REACH[stage]()
    if ok:
        assert b.terminated(ground, case)[0].stage is Stage.TERMINATED
        return
    with pytest.raises(errors.TerminationGroundError) as e:
        b.terminated(ground, case)
    assert e.value.field == "data.ground"


def test_the_final_distribution_allows_termination() -> None:
    cmd = p.RecordDistribution(
        case_number=CASE, made_on=date(2026, 6, 20), amount="5000.00", final=True
    )
    case = step(b.declared(), cmd)[0]
    assert b.terminated(G.FINAL_DISTRIBUTION, case)[0].stage is Stage.TERMINATED
    with pytest.raises(errors.UnlawfulStepError):
        step(case, cmd)


def test_a_liquidation_ended_is_deregistered_within_ten_days() -> None:
    _, out = b.terminated(G.NO_PROPERTY)
    # the tenth day is Saturday 11 July: the last day is Monday 13
    assert out[0][0].deregister_by == date(2026, 7, 13)  # type: ignore[attr-defined]


def test_a_company_that_goes_on_is_not_deregistered() -> None:
    case, _ = b.terminated(G.PLAN_PERFORMED, plan_approved())
    assert case.deregister_by is None
    cmd = ReportDeregistration(case_number=CASE, deregistered_on=date(2026, 7, 5), authority="x")
    with pytest.raises(errors.TerminationGroundError):
        decide_deregistration(cmd, case, by=ADMIN, now=b.NOW)


def test_only_the_administrator_reports_the_deregistration() -> None:
    case = b.terminated()[0]
    cmd = ReportDeregistration(case_number=CASE, deregistered_on=date(2026, 7, 5), authority="x")
    with pytest.raises(errors.NotTheAdministratorError) as e:
        decide_deregistration(cmd, case, by=COURT, now=b.NOW)
    assert e.value.field == "envelope.organization"
    out = decide_deregistration(cmd, case, by=ADMIN, now=b.NOW)
    assert isinstance(out[0][0], DeregistrationCompleted)


def test_the_administrator_is_discharged_after_the_deregistration() -> None:
    cmd = p.DischargeAdministrator(case_number=CASE, discharged_on=date(2026, 7, 6))
    with pytest.raises(errors.UnlawfulStepError):
        step(b.terminated()[0], cmd)
    case = step(deregistered(), cmd)[0]
    assert case.discharged_on == date(2026, 7, 6)
    with pytest.raises(errors.UnlawfulStepError):
        step(case, cmd)


def test_nothing_happens_after_deregistration_but_the_discharge() -> None:
    allowed = [k for k, stages in LAWFUL.items() if Stage.DEREGISTERED in stages]
    assert allowed == [p.DischargeAdministrator]


def test_only_the_court_hearing_the_case_takes_its_steps() -> None:
    cmd = p.DeclareBankrupt(case_number=CASE, declared_on=D)
    with pytest.raises(errors.NotTheCourtError):
        step(b.met(), cmd, by=HIGHER)


def test_a_declaration_is_dated_no_earlier_than_the_acceptance() -> None:
    cmd = p.DeclareBankrupt(case_number=CASE, declared_on=date(2026, 3, 1))
    with pytest.raises(errors.DateOrderError) as e:
        step(b.met(), cmd)
    assert e.value.field == "data.declared_on"
    assert ACCEPTED.isoformat() in str(e.value)


def test_a_fact_of_today_is_accepted_at_nine() -> None:
    cmd = p.DeclareBankrupt(case_number=CASE, declared_on=date(2026, 6, 1))
    assert step(b.met(), cmd, now=at(date(2026, 6, 1)))[0].stage is Stage.DECLARED


def test_the_administrator_publishes_the_employee_claim_list_while_the_case_runs() -> None:
    cmd = PublishEmployeeClaims(
        case_number=CASE,
        published_on=date(2026, 4, 1),
        employees=86,
        total="1280000.00",
        where="公司厂区公告栏",
    )
    case = b.apply(b.accepted(), decide_employee_claims(cmd, b.accepted(), by=ADMIN, now=b.NOW))
    assert case.employee_claims_on == date(2026, 4, 1)
    with pytest.raises(errors.NotTheAdministratorError):
        decide_employee_claims(cmd, b.accepted(), by=COURT, now=b.NOW)
    with pytest.raises(errors.UnlawfulStepError):
        decide_employee_claims(cmd, b.petitioned(), by=ADMIN, now=b.NOW)
    early = cmd.model_copy(update={"published_on": date(2026, 3, 1)})
    with pytest.raises(errors.DateOrderError) as e:
        decide_employee_claims(early, b.accepted(), by=ADMIN, now=b.NOW)
    assert e.value.field == "data.published_on"
