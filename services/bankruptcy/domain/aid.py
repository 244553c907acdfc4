"""破产费用保障资金 — expense aid for a case without assets. Refused when the estate can pay, when
someone advances the costs, over the jurisdiction's cap per case or for the fee part, or over the
year's budget. The chain runs in order: the panel of the court hearing the case, the higher
court's panel, the finance bureau's decision, the disbursement (Chongqing's 渝高法〔2020〕20号 as
the model; the caps and budget are data, `deploy/bankruptcy/expense_aid.yaml`).

`committed` is what the fund has approved already in the budget year, in every case: the caller
keeps that sum from the approvals."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from uuid import UUID

from contracts.bankruptcy import aid as a
from contracts.bankruptcy.funding import ExpenseAidLimits, Fund
from contracts.ids import parse_case_number
from services.bankruptcy.domain import errors
from services.bankruptcy.domain.case import ACCEPTED, Application, BankruptcyCase, Stage
from services.bankruptcy.domain.rules import Out


def fund(case: BankruptcyCase, limits: ExpenseAidLimits) -> Fund:
    """The fund serving the court of the case."""
    return limits.for_court(parse_case_number(case.number or "").court_code)


def _dated(day: date, now: datetime, field: str, after: date | None) -> None:
    if day > now.date():
        raise errors.FutureDateError(f"{day} is after today", field)
    if after is not None and day < after:
        raise errors.DateOrderError(f"{day} is before {after}", field)


def _within_budget(j: Fund, committed: Decimal, amount: Decimal, field: str) -> None:
    left = j.yearly_budget - committed
    if amount > left:
        raise errors.OverBudgetError(
            f"{j.name}: the year's budget has {left} yuan left, {amount} asked", field
        )


def decide_apply(
    cmd: a.ApplyExpenseAid,
    case: BankruptcyCase,
    *,
    by: str,
    now: datetime,
    limits: ExpenseAidLimits,
    committed: Decimal,
) -> list[Out]:
    """The administrator's application, checked against the estate, the caps and the budget."""
    if case.administrator is None or by != case.administrator.code:
        raise errors.NotTheAdministratorError(f"{by} is not the administrator of the case")
    if case.stage not in ACCEPTED | {Stage.TERMINATED} or case.closed_on is not None:
        raise errors.UnlawfulStepError(f"no expense aid while the case is {case.stage}")
    if cmd.case_number != case.number:
        raise errors.WrongCaseNumberError(f"the case is {case.number}")
    if cmd.application_id in case.applications:
        raise errors.DuplicateApplicationError(f"application {cmd.application_id} exists")
    _dated(cmd.applied_on, now, "data.applied_on", case.accepted_on)
    amount = cmd.fee_part + cmd.costs
    if cmd.advance_offered:
        raise errors.CostsAdvancedError("someone advances the costs: the fund is for no one")
    if cmd.estate_value >= amount:
        raise errors.EstateCanPayError(f"the estate ({cmd.estate_value}) can pay {amount}")
    j = fund(case, limits)
    earlier = sum((x.amount for x in case.applications.values() if not x.rejected), Decimal(0))
    cap = j.cap(cmd.complex_case)
    if earlier + amount > cap:
        raise errors.OverCapError(
            f"{j.name} gives at most {cap} per case; {earlier} asked before, {amount} now"
        )
    if cmd.fee_part > j.fee_cap:
        raise errors.FeeOverCapError(f"{j.name} gives at most {j.fee_cap} for the fee")
    _within_budget(j, committed, amount, "data.costs")
    fact = a.ExpenseAidRequested(
        application_id=cmd.application_id,
        applied_on=cmd.applied_on,
        fee_part=cmd.fee_part,
        costs=cmd.costs,
        estate_value=cmd.estate_value,
        complex_case=cmd.complex_case,
        fund=j.id,
        budget_year=cmd.applied_on.year,
    )
    return [(fact, by)]


def _pending(case: BankruptcyCase, application_id: UUID) -> Application:
    app = case.applications.get(application_id)
    if app is None:
        raise errors.UnknownApplicationError(f"no application {application_id} in this case")
    if app.rejected or app.approved is not None:
        raise errors.ApplicationClosedError(f"application {application_id} is decided")
    return app


def decide_review(
    cmd: a.ReviewExpenseAid,
    case: BankruptcyCase,
    *,
    by: str,
    now: datetime,
    higher_court: str,
    finance: str,
    limits: ExpenseAidLimits,
    committed: Decimal,
) -> list[Out]:
    """A court panel's review, in order: the court hearing the case, then the higher court. The
    higher court's pass asks the finance bureau to decide."""
    app = _pending(case, cmd.application_id)
    expected = a.ReviewStage.INITIAL if not app.reviews else a.ReviewStage.HIGHER
    if len(app.reviews) >= 2 or cmd.stage is not expected:
        raise errors.ReviewOrderError(f"the next step is {_next(app)}")
    reviewer = case.court if expected is a.ReviewStage.INITIAL else higher_court
    if by != reviewer:
        raise errors.NotAReviewerError(f"the {expected} review is {reviewer}'s")
    _dated(cmd.reviewed_on, now, "data.reviewed_on", case.accepted_on)
    fact = a.ExpenseAidReviewed(
        application_id=cmd.application_id,
        stage=cmd.stage,
        reviewed_on=cmd.reviewed_on,
        passed=cmd.passed,
        opinion=cmd.opinion,
        reviewer=by,
    )
    if not cmd.passed:
        no = a.ExpenseAidRejected(
            application_id=cmd.application_id,
            decided_on=cmd.reviewed_on,
            rejected_by=by,
            opinion=cmd.opinion,
        )
        return [(fact, by), (no, by)]
    if expected is a.ReviewStage.INITIAL:
        return [(fact, by)]
    j = fund(case, limits)
    ask = a.ExpenseAidDecisionRequested(
        application_id=cmd.application_id,
        case_number=case.number or "",
        fee_part=app.fee_part,
        costs=app.costs,
        budget_year=app.budget_year,
        remaining_budget=max(j.yearly_budget - committed, Decimal(0)),
    )
    return [(fact, by), (ask, finance)]


def _next(app: Application) -> str:
    if len(app.reviews) == 0:
        return "the initial review"
    if len(app.reviews) == 1:
        return "the higher court's review"
    return "the finance bureau's decision"


def decide_decision(
    r: a.ExpenseAidDecision,
    case: BankruptcyCase,
    *,
    by: str,
    now: datetime,
    finance: str,
    limits: ExpenseAidLimits,
    committed: Decimal,
) -> list[Out]:
    """The finance bureau approves at most what was asked, within the caps and the budget, or
    rejects; only after both reviews passed."""
    if by != finance:
        raise errors.NotTheFinanceBureauError(f"{by} is not the finance bureau of the fund")
    app = _pending(case, r.application_id)
    if len(app.reviews) < 2:
        raise errors.ReviewOrderError(f"the next step is {_next(app)}", "type")
    _dated(r.decided_on, now, "data.decided_on", case.accepted_on)
    if not r.approved:
        if r.amount or r.fee_part:
            raise errors.DecisionAmountError("a rejection approves nothing: amount 0")
        no = a.ExpenseAidRejected(
            application_id=r.application_id,
            decided_on=r.decided_on,
            rejected_by=by,
            opinion=r.opinion,
        )
        return [(no, by)]
    j = fund(case, limits)
    if not 0 < r.amount <= app.amount:
        raise errors.DecisionAmountError(f"approve more than 0 and at most the {app.amount} asked")
    if r.fee_part > min(r.amount, app.fee_part, j.fee_cap):
        raise errors.FeeOverCapError(
            f"the fee part is at most {min(r.amount, app.fee_part, j.fee_cap)}", "data.fee_part"
        )
    _within_budget(j, committed, r.amount, "data.amount")
    yes = a.ExpenseAidApproved(
        application_id=r.application_id,
        decided_on=r.decided_on,
        amount=r.amount,
        fee_part=r.fee_part,
        budget_year=app.budget_year,
        opinion=r.opinion,
    )
    return [(yes, by)]


def decide_disbursement(
    cmd: a.DisburseExpenseAid, case: BankruptcyCase, *, by: str, now: datetime, finance: str
) -> list[Out]:
    """The finance bureau pays the approved amount, once."""
    if by != finance:
        raise errors.NotTheFinanceBureauError(f"{by} is not the finance bureau of the fund")
    app = case.applications.get(cmd.application_id)
    if app is None:
        raise errors.UnknownApplicationError(f"no application {cmd.application_id} in this case")
    if app.approved is None or app.disbursed:
        raise errors.ReviewOrderError("only an approved application is paid, once", "type")
    if cmd.amount != app.approved:
        raise errors.DisbursementAmountError(f"the approved amount is {app.approved}")
    _dated(cmd.disbursed_on, now, "data.disbursed_on", case.accepted_on)
    fact = a.ExpenseAidDisbursed(
        application_id=cmd.application_id, disbursed_on=cmd.disbursed_on, amount=cmd.amount
    )
    return [(fact, by)]
