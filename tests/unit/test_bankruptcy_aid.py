"""破产费用保障资金 — expense aid: refused when the estate can pay, when someone advances the costs,
over the cap, over the fee cap or over the year's budget; reviewed in order (the court hearing
the case, the higher court, the finance bureau), then paid once."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from uuid import UUID

import pytest

from contracts.bankruptcy import aid as a
from services.bankruptcy.domain import BankruptcyCase, errors
from services.bankruptcy.domain import aid as rules
from tests.unit import test_bankruptcy_builders as b
from tests.unit.test_bankruptcy_builders import (
    ADMIN,
    CASE,
    COURT,
    FINANCE,
    HIGHER,
    LIMITS,
    NOW,
    of_type,
)

APP = UUID("3f2b8c1e-6d4a-4e5f-8a7b-9c0d1e2f3a4b")
NOTHING = Decimal(0)


def application(**change: object) -> a.ApplyExpenseAid:
    cmd = a.ApplyExpenseAid(
        case_number=CASE,
        application_id=APP,
        applied_on=date(2026, 5, 1),
        fee_part=Decimal("30000"),
        costs=Decimal("20000"),
        estate_value=Decimal("3000"),
        reason="无财产可供清偿破产费用",
    )
    return cmd.model_copy(update=change)


def applied(committed: Decimal = NOTHING) -> BankruptcyCase:
    case = b.accepted()
    return b.apply(
        case,
        rules.decide_apply(
            application(), case, by=ADMIN, now=NOW, limits=LIMITS, committed=committed
        ),
    )


def review(
    case: BankruptcyCase, stage: str, passed: bool = True, by: str | None = None
) -> list[b.Out]:
    cmd = a.ReviewExpenseAid(
        case_number=CASE,
        application_id=APP,
        stage=stage,
        reviewed_on=date(2026, 5, 10),
        passed=passed,
        opinion="符合条件",
    )
    who = by or (COURT if stage == "initial" else HIGHER)
    return rules.decide_review(
        cmd,
        case,
        by=who,
        now=NOW,
        higher_court=HIGHER,
        finance=FINANCE,
        limits=LIMITS,
        committed=NOTHING,
    )


def reviewed() -> BankruptcyCase:
    case = applied()
    case = b.apply(case, review(case, "initial"))
    return b.apply(case, review(case, "higher"))


def decision(
    amount: str = "50000", fee: str = "30000", approved: bool = True
) -> a.ExpenseAidDecision:
    return a.ExpenseAidDecision(
        application_id=APP,
        decided_on=date(2026, 5, 20),
        approved=approved,
        amount=Decimal(amount),
        fee_part=Decimal(fee),
        opinion="同意",
    )


def decide(
    case: BankruptcyCase, r: a.ExpenseAidDecision, committed: Decimal = NOTHING, by: str = FINANCE
) -> list[b.Out]:
    return rules.decide_decision(
        r, case, by=by, now=NOW, finance=FINANCE, limits=LIMITS, committed=committed
    )


def test_an_application_is_recorded_against_the_fund_of_the_court() -> None:
    case = b.accepted()
    out = rules.decide_apply(
        application(), case, by=ADMIN, now=NOW, limits=LIMITS, committed=NOTHING
    )
    fact = out[0][0]
    assert isinstance(fact, a.ExpenseAidRequested)
    assert (fact.fund, fact.budget_year) == ("pingdingshan", 2026)  # 豫0482 is under 豫04


@pytest.mark.parametrize(
    ("change", "committed", "error", "field"),
    [
        (
            {"estate_value": Decimal("50000")},
            NOTHING,
            errors.EstateCanPayError,
            "data.estate_value",
        ),
        ({"advance_offered": True}, NOTHING, errors.CostsAdvancedError, "data.advance_offered"),
        ({"costs": Decimal("70001")}, NOTHING, errors.OverCapError, "data.costs"),
        (
            {"fee_part": Decimal("50001"), "costs": Decimal("0")},
            NOTHING,
            errors.FeeOverCapError,
            "data.fee_part",
        ),
        ({}, Decimal("450001"), errors.OverBudgetError, "data.costs"),
        (
            {"case_number": "（2026）豫0482破6号"},
            NOTHING,
            errors.WrongCaseNumberError,
            "data.case_number",
        ),
        ({"applied_on": date(2026, 12, 1)}, NOTHING, errors.FutureDateError, "data.applied_on"),
    ],
)
def test_an_application_is_refused_naming_the_field(
    change: dict, committed: Decimal, error: type, field: str
) -> None:
    with pytest.raises(error) as e:
        rules.decide_apply(
            application(**change),
            b.accepted(),
            by=ADMIN,
            now=NOW,
            limits=LIMITS,
            committed=committed,
        )
    assert e.value.field == field


def test_a_complex_case_has_the_higher_cap() -> None:
    cmd = application(costs=Decimal("100000"), complex_case=True)
    out = rules.decide_apply(cmd, b.accepted(), by=ADMIN, now=NOW, limits=LIMITS, committed=NOTHING)
    assert out[0][0].costs == Decimal("100000")  # type: ignore[attr-defined]


def test_the_cap_counts_every_application_of_the_case() -> None:
    case = applied()
    second = application(application_id=b.new_id(), fee_part=Decimal("0"), costs=Decimal("50001"))
    with pytest.raises(errors.OverCapError):
        rules.decide_apply(second, case, by=ADMIN, now=NOW, limits=LIMITS, committed=NOTHING)


def test_only_the_administrator_applies() -> None:
    with pytest.raises(errors.NotTheAdministratorError):
        rules.decide_apply(
            application(), b.accepted(), by=COURT, now=NOW, limits=LIMITS, committed=NOTHING
        )


def test_an_application_is_not_made_twice() -> None:
    with pytest.raises(errors.DuplicateApplicationError):
        rules.decide_apply(
            application(), applied(), by=ADMIN, now=NOW, limits=LIMITS, committed=NOTHING
        )


def test_the_reviews_go_in_order_each_by_its_court() -> None:
    case = applied()
    with pytest.raises(errors.ReviewOrderError) as e:
        review(case, "higher")
    assert e.value.field == "data.stage"
    with pytest.raises(errors.NotAReviewerError):
        review(case, "initial", by=HIGHER)
    case = b.apply(case, review(case, "initial"))
    with pytest.raises(errors.NotAReviewerError):
        review(case, "higher", by=COURT)
    out = review(case, "higher")
    ((ask, org),) = of_type(out, a.ExpenseAidDecisionRequested)
    assert org == FINANCE and ask.remaining_budget == Decimal("500000")  # type: ignore[attr-defined]


def test_a_review_that_fails_rejects_the_application() -> None:
    case = applied()
    out = review(case, "initial", passed=False)
    assert [type(f) for f, _ in out] == [a.ExpenseAidReviewed, a.ExpenseAidRejected]
    case = b.apply(case, out)
    with pytest.raises(errors.ApplicationClosedError):
        review(case, "higher")


def test_the_finance_bureau_decides_only_after_both_reviews() -> None:
    case = b.apply(applied(), review(applied(), "initial"))
    with pytest.raises(errors.ReviewOrderError):
        decide(case, decision())
    with pytest.raises(errors.NotTheFinanceBureauError):
        decide(reviewed(), decision(), by="FNOTHER")


@pytest.mark.parametrize(
    ("r", "committed", "error"),
    [
        (decision(amount="50000.01"), NOTHING, errors.DecisionAmountError),
        (decision(amount="40000", fee="35000"), NOTHING, errors.FeeOverCapError),
        (decision(), Decimal("460000"), errors.OverBudgetError),
        (decision(approved=False), NOTHING, errors.DecisionAmountError),
    ],
)
def test_a_decision_outside_the_rules_is_refused(
    r: a.ExpenseAidDecision, committed: Decimal, error: type
) -> None:
    with pytest.raises(error):
        decide(reviewed(), r, committed)


def test_an_approval_is_paid_once_in_full() -> None:
    case = reviewed()
    case = b.apply(case, decide(case, decision(amount="45000")))
    assert case.applications[APP].approved == Decimal("45000")
    pay = a.DisburseExpenseAid(
        case_number=CASE, application_id=APP, disbursed_on=date(2026, 6, 1), amount=Decimal("50000")
    )
    with pytest.raises(errors.DisbursementAmountError):
        rules.decide_disbursement(pay, case, by=FINANCE, now=NOW, finance=FINANCE)
    pay = pay.model_copy(update={"amount": Decimal("45000")})
    case = b.apply(case, rules.decide_disbursement(pay, case, by=FINANCE, now=NOW, finance=FINANCE))
    assert case.applications[APP].disbursed
    with pytest.raises(errors.ReviewOrderError):
        rules.decide_disbursement(pay, case, by=FINANCE, now=NOW, finance=FINANCE)


def test_a_rejection_by_the_finance_bureau_is_recorded_and_nothing_is_paid() -> None:
    case = reviewed()
    case = b.apply(case, decide(case, decision(amount="0", fee="0", approved=False)))
    assert case.applications[APP].rejected
    pay = a.DisburseExpenseAid(
        case_number=CASE, application_id=APP, disbursed_on=date(2026, 6, 1), amount=Decimal("0")
    )
    with pytest.raises(errors.ReviewOrderError):
        rules.decide_disbursement(pay, case, by=FINANCE, now=NOW, finance=FINANCE)


def test_a_review_of_an_unknown_application_is_refused() -> None:
    with pytest.raises(errors.UnknownApplicationError) as e:
        review(b.accepted(), "initial")
    assert e.value.field == "data.application_id"
