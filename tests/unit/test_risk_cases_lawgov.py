"""重大风险, the special item 涉党政机关未履行生效判决, and the law-based-government task: each
rule decided on its own, with the field a refusal names."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from contracts.enforcement.aftercare import CaseConcluded, Conclusion
from contracts.risk import cases as r
from contracts.risk import lawgov as g
from contracts.risk import special as s
from services.risk.domain import item_errors as errors
from services.risk.domain import lawgov, risk_cases, special

OFFICE, HOUSING, GOV, COURT, BODY, MEDIATOR = (
    "JOCITY01",
    "HCCITY01",
    "GVCITY01",
    "CT410482",
    "JB410482",
    "PMCITY01",
)
NOW = datetime(2026, 12, 3, 9, tzinfo=UTC)
TODAY = NOW.date()
EXEC, ADMIN = "（2026）豫0482执1234号", "（2026）豫0482行初12号"
S = r.RiskStatus


def fold(evolve: Any, state: Any, outs: list[Any]) -> Any:
    for fact, _ in outs:
        state = evolve(state, fact)
    return state


# --- risk cases ---------------------------------------------------------------------------------


def project(**change: Any) -> r.RegisterRiskCase:
    fields: dict[str, Any] = {
        "case_id": uuid.uuid4(),
        "category": r.RiskKind.PROBLEM_PROJECT,
        "title": "某府二期",
        "level": r.RiskLevel.MAJOR,
        "lead": HOUSING,
        "deadline": date(2027, 6, 30),
        "listed_on": date(2026, 9, 1),
        "project": r.ProblemProject(
            name="某府二期",
            developer="91410482MA3X4Y5K2E",
            location="某路1号",
            units_sold=420,
            buyers_affected=398,
        ),
        "linked_cases": [EXEC],
    }
    return r.RegisterRiskCase(**(fields | change))


def registered() -> risk_cases.RiskCase:
    c = project()
    case = fold(
        risk_cases.evolve,
        None,
        risk_cases.decide_register(c, None, by=OFFICE, now=NOW, office=OFFICE),
    )
    assert case is not None
    return case


def step(case: risk_cases.RiskCase, status: r.RiskStatus, by: str = HOUSING) -> risk_cases.RiskCase:
    c = r.ChangeRiskStatus(case_id=case.case_id, status=status, changed_on=TODAY, reason="复工令")
    new = fold(risk_cases.evolve, case, risk_cases.decide_status(c, case, by=by, now=NOW))
    assert new is not None
    return new


def test_a_problem_project_goes_from_listed_to_certificates_issued_one_step_at_a_time() -> None:
    case = registered()
    with pytest.raises(errors.StatusStepError) as refused:
        step(case, r.RiskStatus.DELIVERED)
    assert refused.value.field == "data.status"
    for status in S.WORK_RESUMED, S.DELIVERED, S.CERTIFICATES_ISSUED:
        case = step(case, status)
    case = step(case, S.CLOSED, by=OFFICE)
    assert case.status is S.CLOSED
    with pytest.raises(errors.NotTheLeadUnitError):
        step(registered(), S.WORK_RESUMED, by="FNCITY01")


def test_only_the_office_registers_and_a_project_names_its_project_only_when_it_is_one() -> None:
    with pytest.raises(errors.NotTheOfficeError):
        risk_cases.decide_register(project(), None, by=HOUSING, now=NOW, office=OFFICE)
    for bad in (project(project=None), project(category=r.RiskKind.FINANCIAL)):
        with pytest.raises(errors.ProjectMismatchError):
            risk_cases.decide_register(bad, None, by=OFFICE, now=NOW, office=OFFICE)


def test_a_risk_links_a_case_once_and_is_overdue_once_after_its_deadline() -> None:
    case = registered()
    with pytest.raises(errors.CaseAlreadyLinkedError):
        risk_cases.decide_link(
            r.LinkCaseToRisk(case_id=case.case_id, case_number=EXEC),
            case,
            by=OFFICE,
            now=NOW,
        )
    due = risk_cases.next_due(case)
    assert due == datetime(2027, 7, 1, tzinfo=UTC)
    assert risk_cases.decide_overdue(case, due - timedelta(seconds=1)) == []
    outs = risk_cases.decide_overdue(case, due)
    assert [type(f) for f, _ in outs] == [r.RiskCaseOverdue]
    assert risk_cases.decide_overdue(fold(risk_cases.evolve, case, outs), due) == []


# --- the special item -------------------------------------------------------------------------------


def assigned(deadline: date = date(2027, 3, 31)) -> special.GovJudgmentCase:
    c = s.AssignGovJudgmentCase(
        case_number=EXEC,
        debtor_organ="某镇人民政府",
        responsible_government=GOV,
        amount=Decimal("1200000.00"),
        assigned_on=date(2026, 10, 1),
        deadline=deadline,
    )
    case = fold(
        special.evolve, None, special.decide_assign(c, None, by=OFFICE, now=NOW, office=OFFICE)
    )
    assert case is not None
    return case


def concluded(conclusion: Conclusion) -> CaseConcluded:
    return CaseConcluded(case_number=EXEC, conclusion=conclusion, concluded_on=TODAY)


def test_the_enforcement_fact_of_performance_closes_the_case_and_nothing_else_does() -> None:
    case = assigned()
    for other in (Conclusion.TERMINATED, Conclusion.BANKRUPTCY_SUSPENDED):
        [(fact, by)] = special.decide_case_concluded(concluded(other), case)
        assert isinstance(fact, s.GovJudgmentEnforcementEnded) and by == OFFICE
        assert fold(special.evolve, case, [(fact, by)]).performed_on is None
    outs = special.decide_case_concluded(concluded(Conclusion.PERFORMED), case)
    [(fact, _)] = outs
    assert isinstance(fact, s.GovJudgmentPerformed)
    assert fact.ground is s.PerformanceGround.ENFORCEMENT and not fact.late
    closed = fold(special.evolve, case, outs)
    assert special.decide_case_concluded(concluded(Conclusion.PERFORMED), closed) == []
    assert special.decide_case_concluded(concluded(Conclusion.PERFORMED), None) == []
    assert special.next_due(closed) is None


def test_performance_on_evidence_by_the_responsible_government_only() -> None:
    case = assigned()
    report = s.ReportGovJudgmentPerformed(
        case_number=EXEC, performed_on=TODAY, evidence=["付款凭证"]
    )
    with pytest.raises(errors.NotTheResponsibleGovernmentError):
        special.decide_report(report, case, by=HOUSING, now=NOW)
    [(fact, _)] = special.decide_report(report, case, by=GOV, now=NOW)
    assert isinstance(fact, s.GovJudgmentPerformed) and fact.ground is s.PerformanceGround.EVIDENCE


def test_only_an_enforcement_case_is_assigned_and_an_unperformed_one_is_overdue_once() -> None:
    c = s.AssignGovJudgmentCase(
        case_number=ADMIN,
        debtor_organ="某局",
        responsible_government=GOV,
        amount=Decimal(1),
        assigned_on=TODAY,
        deadline=TODAY,
    )
    with pytest.raises(errors.NotAnEnforcementCaseError):
        special.decide_assign(c, None, by=OFFICE, now=NOW, office=OFFICE)
    case = assigned(deadline=date(2026, 11, 30))
    outs = special.decide_overdue(case, NOW)
    assert [type(f) for f, _ in outs] == [s.GovJudgmentCaseOverdue]
    assert special.decide_overdue(fold(special.evolve, case, outs), NOW) == []


# --- heads appearing in court ----------------------------------------------------------------------


def summoned(served: date = date(2026, 11, 20)) -> lawgov.Appearance:
    c = g.SummonHead(
        case_number=ADMIN,
        defendant=HOUSING,
        served_on=served,
        hearing_on=date(2026, 11, 23),
        mandatory=True,
    )
    case = fold(lawgov.evolve_appearance, None, lawgov.decide_summon(c, None, by=COURT, now=NOW))
    assert case is not None
    return case


def appear(**change: Any) -> g.RecordAppearance:
    fields: dict[str, Any] = {
        "case_number": ADMIN,
        "hearing_on": date(2026, 11, 23),
        "outcome": g.AppearanceOutcome.APPEARED,
        "person": "王五",
        "role": g.HeadRole.DEPUTY,
    }
    return g.RecordAppearance(**(fields | change))


def test_the_summons_is_served_at_least_three_days_before_the_hearing_by_a_court() -> None:
    with pytest.raises(errors.SummonsTooLateError) as refused:
        summoned(served=date(2026, 11, 21))
    assert refused.value.field == "data.hearing_on"
    assert summoned(served=date(2026, 11, 20)).defendant == HOUSING


def test_only_a_head_counts_and_once_per_level() -> None:
    case = summoned()
    [(fact, _)] = lawgov.decide_appearance(
        appear(role=g.HeadRole.LOWER_ORGAN_HEAD), case, by=COURT, now=NOW
    )
    assert isinstance(fact, g.HeadAppeared) and not fact.counts
    outs = lawgov.decide_appearance(appear(), case, by=COURT, now=NOW)
    [(fact, _)] = outs
    assert isinstance(fact, g.HeadAppeared) and fact.counts
    again = fold(lawgov.evolve_appearance, case, outs)
    [(fact, _)] = lawgov.decide_appearance(appear(), again, by=COURT, now=NOW)
    assert isinstance(fact, g.HeadAppeared) and not fact.counts


def test_an_excuse_needs_proof_and_a_recommendation_follows_only_an_unexcused_absence() -> None:
    case = summoned()
    excused = appear(
        outcome=g.AppearanceOutcome.EXCUSED, person=None, role=None, excuse=g.Excuse.ACCIDENT
    )
    with pytest.raises(errors.AppearanceDetailError) as refused:
        lawgov.decide_appearance(excused, case, by=COURT, now=NOW)
    assert refused.value.field == "data.proof"
    with_proof = excused.model_copy(update={"proof": ["医院证明（盖章）"]})
    case = fold(
        lawgov.evolve_appearance,
        case,
        lawgov.decide_appearance(with_proof, case, by=COURT, now=NOW),
    )
    send = g.SendJudicialRecommendation(case_number=ADMIN, recipients=[GOV], sent_on=TODAY)
    with pytest.raises(errors.NoRecommendationGroundError):
        lawgov.decide_recommendation(send, case, by=COURT, now=NOW)
    absent = appear(outcome=g.AppearanceOutcome.ABSENT, person=None, role=None)
    case = fold(
        lawgov.evolve_appearance, case, lawgov.decide_appearance(absent, case, by=COURT, now=NOW)
    )
    outs = lawgov.decide_recommendation(send, case, by=COURT, now=NOW)
    assert [type(f) for f, _ in outs] == [g.JudicialRecommendationSent]
    with pytest.raises(errors.NoRecommendationGroundError):
        lawgov.decide_recommendation(
            send, fold(lawgov.evolve_appearance, case, outs), by=COURT, now=NOW
        )


# --- reconsideration and mediation -------------------------------------------------------------------


def test_reconsideration_deadlines_and_one_extension_in_the_ordinary_procedure() -> None:
    rid = uuid.uuid4()
    c = g.FileReconsideration(
        reconsideration_id=rid,
        respondent=HOUSING,
        act_known_on=date(2026, 8, 1),
        filed_on=date(2026, 10, 5),
    )
    outs = lawgov.decide_file(c, None, by=BODY, now=NOW)
    [(fact, _)] = outs
    assert isinstance(fact, g.ReconsiderationFiled)
    assert fact.late and fact.admission_due == date(2026, 10, 10)
    assert fact.decision_due == date(2026, 12, 4)
    rec = fold(lawgov.evolve_reconsideration, None, outs)
    ext = lawgov.decide_extend(
        g.ExtendReconsideration(reconsideration_id=rid, days=30), rec, by=BODY, now=NOW
    )
    rec = fold(lawgov.evolve_reconsideration, rec, ext)
    assert rec.decision_due == date(2027, 1, 3)
    with pytest.raises(errors.ExtensionError):
        lawgov.decide_extend(
            g.ExtendReconsideration(reconsideration_id=rid, days=1), rec, by=BODY, now=NOW
        )
    decide = g.DecideReconsideration(
        reconsideration_id=rid, outcome=g.CaseOutcome.LOST, decided_on=TODAY
    )
    [(fact, _)] = lawgov.decide_decision(decide, rec, by=BODY, now=NOW)
    assert isinstance(fact, g.ReconsiderationDecided) and not fact.late


def referred(channel: g.MediationChannel, agreed_on: date) -> lawgov.Referral:
    rid = uuid.uuid4()
    c = g.ReferToMediation(
        referral_id=rid,
        channel=channel,
        mediator=MEDIATOR,
        dispute="物业费",
        referred_on=date(2026, 9, 1),
    )
    ref = fold(lawgov.evolve_referral, None, lawgov.decide_refer(c, None, by=COURT, now=NOW))
    result = g.RecordMediationResult(referral_id=rid, agreed=True, on=agreed_on)
    return fold(
        lawgov.evolve_referral, ref, lawgov.decide_result(result, ref, by=MEDIATOR, now=NOW)
    )


def test_judicial_confirmation_is_applied_for_within_thirty_days_of_the_agreement() -> None:
    ref = referred(g.MediationChannel.PEOPLE, date(2026, 10, 1))
    late = g.ApplyForConfirmation(referral_id=ref.referral_id, applied_on=date(2026, 11, 1))
    with pytest.raises(errors.ConfirmationLateError) as refused:
        lawgov.decide_apply(late, ref, by=COURT, now=NOW)
    assert refused.value.field == "data.applied_on"
    ok = late.model_copy(update={"applied_on": date(2026, 10, 31)})
    ref = fold(lawgov.evolve_referral, ref, lawgov.decide_apply(ok, ref, by=COURT, now=NOW))
    grant = g.GrantConfirmation(referral_id=ref.referral_id, granted_on=TODAY)
    assert [type(f) for f, _ in lawgov.decide_grant(grant, ref, by=COURT, now=NOW)] == [
        g.JudicialConfirmationGranted
    ]
    judicial = referred(g.MediationChannel.JUDICIAL, date(2026, 10, 1))
    assert judicial.confirm_by is None
    with pytest.raises(errors.NoConfirmationNeededError):
        lawgov.decide_apply(
            ok.model_copy(update={"referral_id": judicial.referral_id}), judicial, by=COURT, now=NOW
        )
