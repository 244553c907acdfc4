"""Every refusal the bankruptcy service can give, provoked by a real command or reply through
its consumers, in milliseconds: the sender gets one rejection naming the field and the reason,
and nothing else happens. The refusals are found by walking the class tree of what the intake
refuses, so a new refusal without a scenario here fails the suite."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from contracts.bankruptcy import aid as a
from contracts.bankruptcy import procedure as p
from contracts.bankruptcy import tasks as t
from contracts.bankruptcy.administrator import RequestCoordination
from contracts.bankruptcy.parties import Procedure
from contracts.base import Payload
from services.bankruptcy.domain import BankruptcyCase, Task
from services.bankruptcy.projections import case_stream
from tests.fast.bankruptcy_harness import BankruptcyHarness
from tests.fast.harness import Published
from tests.fast.refusal_guard import RefusalGuard
from tests.unit import test_bankruptcy_builders as b

COURT, HIGHER, OTHER_COURT = "CT410482", "CT410000", "CT410302"
ADMIN, FINANCE, OTHER_FINANCE = "AMRUHE410482", "FN410482", "FN410300"
JOINT_OFFICE, TAX, POLICE = "JO410482", "TX410482", "PS410482"
CASE, PETITION, APPEAL = b.CASE, b.PETITION, "（2026）豫破终2号"
APP = uuid.UUID("3f2b8c1e-6d4a-4e5f-8a7b-9c0d1e2f3a4b")
DOC = t.Document(title="税收债权申报书", issued_on=date(2026, 4, 1))
LATER = date(2026, 12, 1)
"""A day after the harness's today (20 November 2026)."""

NOT_PROVOKED = {
    "BankruptcyError": "the base class: the domain raises only its subclasses, each tested here",
}
"""Refusal classes no message provokes as themselves, and why."""

GUARD = RefusalGuard(BankruptcyHarness, "bankruptcy.rejection.message_rejected.v1", NOT_PROVOKED)
SCENARIOS, REFUSALS = GUARD.scenarios, GUARD.refusals
Scenario = Callable[[BankruptcyHarness], Awaitable[tuple[str, list[Published]]]]


def provokes(error: str, field: str, reason: str) -> Callable[[Scenario], Scenario]:
    """The scenario provokes `error`; the rejection names `field`."""
    return GUARD.provokes(error, reason, field)


# ---- bringing a case to a stage, as the court and the administrator would ----------------------


def administrator(on: date = b.ACCEPTED) -> Any:
    return b.administrator(on).model_copy(update={"code": ADMIN})


def accept(**change: Any) -> p.AcceptPetition:
    cmd = p.AcceptPetition(
        case_number=CASE,
        petition_case_number=PETITION,
        accepted_on=b.ACCEPTED,
        procedure=Procedure.LIQUIDATION,
        administrator=administrator(),
    )
    return cmd.model_copy(update=change)


async def steps(h: BankruptcyHarness, *cmds: Payload, by: str = COURT) -> None:
    for cmd in cmds:
        out = await h.send(cmd, by)
        assert not [x for x in out if ".rejection." in x.type], [x.problems for x in out]


async def petitioned(h: BankruptcyHarness) -> None:
    await steps(h, b.petition())


async def accepted(h: BankruptcyHarness, procedure: Procedure = Procedure.LIQUIDATION) -> None:
    await petitioned(h)
    await steps(h, accept(procedure=procedure))


async def announced(h: BankruptcyHarness) -> None:
    await accepted(h)
    await steps(h, p.NotifyCreditors(case_number=CASE, announced_on=date(2026, 4, 1)))


async def claims_set(h: BankruptcyHarness) -> None:
    await announced(h)
    await steps(h, p.SetClaimsDeadline(case_number=CASE, claims_deadline=date(2026, 5, 15)))


async def declared(h: BankruptcyHarness) -> None:
    await claims_set(h)
    meeting = p.RecordCreditorsMeeting(case_number=CASE, held_on=date(2026, 5, 25), summary="x")
    await steps(h, meeting, p.DeclareBankrupt(case_number=CASE, declared_on=date(2026, 6, 1)))


def termination(ground: p.TerminationGround) -> p.TerminateProceedings:
    return p.TerminateProceedings(case_number=CASE, terminated_on=date(2026, 7, 1), ground=ground)


async def case(h: BankruptcyHarness) -> BankruptcyCase:
    return (await h.handlers.cases.load(h.store, case_stream(PETITION)))[0]


async def task(h: BankruptcyHarness, item: str) -> Task:
    return next(x for x in (await case(h)).tasks.values() if x.spec.item == item)


def ack(x: Task, on: date = date(2026, 3, 18)) -> t.TaskAcknowledgement:
    return t.TaskAcknowledgement(task_id=x.spec.task_id, acknowledged_on=on, handler="张某")


async def reply(h: BankruptcyHarness, payload: Payload, by: str) -> list[Published]:
    return await h.send(payload, by, case_number=CASE)


def application(**change: Any) -> a.ApplyExpenseAid:
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


def review(stage: str, passed: bool = True) -> a.ReviewExpenseAid:
    return a.ReviewExpenseAid(
        case_number=CASE,
        application_id=APP,
        stage=stage,
        reviewed_on=date(2026, 5, 10),
        passed=passed,
        opinion="符合条件",
    )


def decision(amount: str = "50000", fee: str = "30000") -> a.ExpenseAidDecision:
    return a.ExpenseAidDecision(
        application_id=APP,
        decided_on=date(2026, 5, 20),
        approved=True,
        amount=Decimal(amount),
        fee_part=Decimal(fee),
        opinion="同意",
    )


async def applied(h: BankruptcyHarness) -> None:
    await accepted(h)
    await steps(h, application(), by=ADMIN)


async def reviewed(h: BankruptcyHarness) -> None:
    await applied(h)
    await steps(h, review("initial"))
    await steps(h, review("higher"), by=HIGHER)


# ---- the procedure ------------------------------------------------------------------------------


@provokes("NotABankruptcyCaseError", "data.case_number", "is not a 破申 case")
async def _not_po_shen(h: BankruptcyHarness) -> tuple[str, list[Published]]:
    return COURT, await h.send(b.petition().model_copy(update={"case_number": CASE}), COURT)


@provokes("WrongCaseNumberError", "data.case_number", "the case is")
async def _petition_number_after_acceptance(h: BankruptcyHarness) -> tuple[str, list[Published]]:
    await accepted(h)
    cmd = p.NotifyCreditors(case_number=PETITION, announced_on=date(2026, 4, 1))
    return COURT, await h.send(cmd, COURT)


@provokes("NotTheCourtError", "envelope.organization", "is not a case of")
async def _another_court_accepts(h: BankruptcyHarness) -> tuple[str, list[Published]]:
    await petitioned(h)
    return OTHER_COURT, await h.send(accept(), OTHER_COURT)


@provokes("UnlawfulStepError", "type", "is not lawful while the case is petitioned")
async def _declared_before_acceptance(h: BankruptcyHarness) -> tuple[str, list[Published]]:
    await petitioned(h)
    cmd = p.DeclareBankrupt(case_number=PETITION, declared_on=date(2026, 6, 1))
    return COURT, await h.send(cmd, COURT)


@provokes("FutureDateError", "data.filed_on", "after today")
async def _filed_tomorrow(h: BankruptcyHarness) -> tuple[str, list[Published]]:
    return COURT, await h.send(b.petition().model_copy(update={"filed_on": LATER}), COURT)


@provokes("DateOrderError", "data.administrator.appointed_on", "appointed in the acceptance")
async def _appointed_later(h: BankruptcyHarness) -> tuple[str, list[Published]]:
    await petitioned(h)
    cmd = accept(administrator=administrator(date(2026, 3, 20)))
    return COURT, await h.send(cmd, COURT)


@provokes("HigherCourtError", "data.case_number", "neither the court of the petition nor above")
async def _a_lower_court_takes_the_case(h: BankruptcyHarness) -> tuple[str, list[Published]]:
    await petitioned(h)
    return OTHER_COURT, await h.send(accept(case_number="（2026）豫0302破1号"), OTHER_COURT)


@provokes("ExtensionUsedError", "type", "extended already")
async def _extended_twice(h: BankruptcyHarness) -> tuple[str, list[Published]]:
    await petitioned(h)
    cmd = p.ExtendRulingPeriod(case_number=PETITION, approved_on=date(2026, 3, 15), reason="复杂")
    await steps(h, cmd)
    return COURT, await h.send(cmd, COURT)


async def rejected(h: BankruptcyHarness) -> None:
    await petitioned(h)
    cmd = p.RejectPetition(
        case_number=PETITION,
        ruled_on=date(2026, 3, 10),
        served_on=date(2026, 3, 12),
        reason="不符合破产条件",
    )
    await steps(h, cmd)


@provokes("AppealLateError", "data.filed_on", "the last day to appeal")
async def _appeal_late(h: BankruptcyHarness) -> tuple[str, list[Published]]:
    await rejected(h)
    # served 12 March: the tenth day is Sunday 22 March, so the last day is Monday 23
    cmd = p.FileAppeal(case_number=PETITION, appeal_case_number=APPEAL, filed_on=date(2026, 3, 24))
    return COURT, await h.send(cmd, COURT)


@provokes("AppealNumberError", "data.appeal_case_number", "not a case of the higher court")
async def _appeal_at_the_same_court(h: BankruptcyHarness) -> tuple[str, list[Published]]:
    await rejected(h)
    same = "（2026）豫0482破终1号"
    cmd = p.FileAppeal(case_number=PETITION, appeal_case_number=same, filed_on=date(2026, 3, 20))
    return COURT, await h.send(cmd, COURT)


@provokes("ClaimsPeriodError", "data.claims_deadline", "第四十五条")
async def _claims_period_too_short(h: BankruptcyHarness) -> tuple[str, list[Published]]:
    await announced(h)
    cmd = p.SetClaimsDeadline(case_number=CASE, claims_deadline=date(2026, 4, 10))
    return COURT, await h.send(cmd, COURT)


@provokes("NotAnnouncedError", "type", "counts from the announcement")
async def _claims_before_announcement(h: BankruptcyHarness) -> tuple[str, list[Published]]:
    await accepted(h)
    cmd = p.SetClaimsDeadline(case_number=CASE, claims_deadline=date(2026, 5, 15))
    return COURT, await h.send(cmd, COURT)


@provokes("MeetingTooEarlyError", "data.held_on", "after the claims deadline")
async def _meeting_too_early(h: BankruptcyHarness) -> tuple[str, list[Published]]:
    await claims_set(h)
    cmd = p.RecordCreditorsMeeting(case_number=CASE, held_on=date(2026, 5, 15), summary="x")
    return COURT, await h.send(cmd, COURT)


@provokes("PlanNotFiledError", "type", "no plan was filed")
async def _plan_approved_unfiled(h: BankruptcyHarness) -> tuple[str, list[Published]]:
    await accepted(h, Procedure.REORGANIZATION)
    cmd = p.ApproveReorganizationPlan(case_number=CASE, approved_on=date(2026, 6, 1))
    return COURT, await h.send(cmd, COURT)


@provokes("TerminationGroundError", "data.ground", "cannot end a case")
async def _no_property_before_declaration(h: BankruptcyHarness) -> tuple[str, list[Published]]:
    await accepted(h)
    return COURT, await h.send(termination(p.TerminationGround.NO_PROPERTY), COURT)


@provokes("UnknownOrganizationError", "data", "no court with case code")
async def _number_of_no_court(h: BankruptcyHarness) -> tuple[str, list[Published]]:
    cmd = b.petition().model_copy(update={"case_number": "（2026）豫0999破申1号"})
    return COURT, await h.send(cmd, COURT)


# ---- the administrator and the tasks -------------------------------------------------------------


@provokes("NotTheAdministratorError", "envelope.organization", "is not the administrator")
async def _court_applies_for_aid(h: BankruptcyHarness) -> tuple[str, list[Published]]:
    await accepted(h)
    return COURT, await h.send(application(), COURT)


def coordination(**change: Any) -> RequestCoordination:
    cmd = RequestCoordination(
        case_number=CASE, topic="tax", request="补开发票", requested_on=date(2026, 4, 1)
    )
    return cmd.model_copy(update=change)


@provokes("UnknownTopicError", "data.topic", "no topic")
async def _unknown_topic(h: BankruptcyHarness) -> tuple[str, list[Published]]:
    await accepted(h)
    return ADMIN, await h.send(coordination(topic="weather"), ADMIN)


@provokes("UnknownItemError", "data.item", "has no item")
async def _unknown_item(h: BankruptcyHarness) -> tuple[str, list[Published]]:
    await accepted(h)
    return ADMIN, await h.send(coordination(item="weather"), ADMIN)


@provokes("DueDateError", "data.due_on", "comes after the request")
async def _due_before_request(h: BankruptcyHarness) -> tuple[str, list[Published]]:
    await accepted(h)
    return ADMIN, await h.send(coordination(due_on=date(2026, 4, 1)), ADMIN)


@provokes("CaseClosedError", "data.case_number", "closed")
async def _request_after_closure(h: BankruptcyHarness) -> tuple[str, list[Published]]:
    await petitioned(h)
    await steps(h, accept(procedure=Procedure.SETTLEMENT))
    when = date(2026, 7, 1)
    for x in (await case(h)).tasks.values():
        waive = t.WaiveTask(case_number=CASE, task_id=x.spec.task_id, waived_on=when, reason="无需")
        await steps(h, waive, by=JOINT_OFFICE)
    await steps(h, termination(p.TerminationGround.FULL_PAYMENT))
    assert (await case(h)).closed_on is not None
    return ADMIN, await h.send(coordination(requested_on=date(2026, 7, 9)), ADMIN)


@provokes("NotTheLeadUnitError", "envelope.organization", "does not lead")
async def _co_unit_answers(h: BankruptcyHarness) -> tuple[str, list[Published]]:
    await accepted(h)
    return POLICE, await reply(h, ack(await task(h, "tax_claims")), POLICE)


@provokes("UnknownTaskError", "data.task_id", "no task")
async def _unknown_task(h: BankruptcyHarness) -> tuple[str, list[Published]]:
    await accepted(h)
    r = t.TaskAcknowledgement(task_id=uuid.uuid4(), acknowledged_on=date(2026, 3, 18), handler="x")
    return TAX, await reply(h, r, TAX)


@provokes("AlreadyAcknowledgedError", "data.task_id", "acknowledged on")
async def _acknowledged_twice(h: BankruptcyHarness) -> tuple[str, list[Published]]:
    await accepted(h)
    x = await task(h, "tax_claims")
    await reply(h, ack(x), TAX)
    return TAX, await reply(h, ack(x), TAX)


@provokes("NotAcknowledgedError", "data.task_id", "acknowledge the task first")
async def _completed_unacknowledged(h: BankruptcyHarness) -> tuple[str, list[Published]]:
    await accepted(h)
    x = await task(h, "tax_claims")
    done = t.TaskCompletion(
        task_id=x.spec.task_id, completed_on=date(2026, 4, 10), result="已办结", evidence=(DOC,)
    )
    return TAX, await reply(h, done, TAX)


@provokes("TaskClosedError", "data.task_id", "completed or waived")
async def _answer_after_waiver(h: BankruptcyHarness) -> tuple[str, list[Published]]:
    await accepted(h)
    x = await task(h, "tax_claims")
    waive = t.WaiveTask(
        case_number=CASE, task_id=x.spec.task_id, waived_on=date(2026, 4, 1), reason="无需办理"
    )
    await steps(h, waive, by=JOINT_OFFICE)
    return TAX, await reply(h, ack(x), TAX)


@provokes("NotAllowedToWaiveError", "envelope.organization", "neither the court nor the joint")
async def _bureau_waives(h: BankruptcyHarness) -> tuple[str, list[Published]]:
    await accepted(h)
    x = await task(h, "tax_claims")
    waive = t.WaiveTask(
        case_number=CASE, task_id=x.spec.task_id, waived_on=date(2026, 4, 1), reason="无需办理"
    )
    return TAX, await h.send(waive, TAX)


# ---- expense aid ---------------------------------------------------------------------------------


@provokes("EstateCanPayError", "data.estate_value", "can pay")
async def _estate_can_pay(h: BankruptcyHarness) -> tuple[str, list[Published]]:
    await accepted(h)
    return ADMIN, await h.send(application(estate_value=Decimal("50000")), ADMIN)


@provokes("CostsAdvancedError", "data.advance_offered", "advances the costs")
async def _costs_advanced(h: BankruptcyHarness) -> tuple[str, list[Published]]:
    await accepted(h)
    return ADMIN, await h.send(application(advance_offered=True), ADMIN)


@provokes("OverCapError", "data.costs", "per case")
async def _over_cap(h: BankruptcyHarness) -> tuple[str, list[Published]]:
    await accepted(h)
    return ADMIN, await h.send(application(costs=Decimal("70001")), ADMIN)


@provokes("FeeOverCapError", "data.fee_part", "for the fee")
async def _fee_over_cap(h: BankruptcyHarness) -> tuple[str, list[Published]]:
    await accepted(h)
    cmd = application(fee_part=Decimal("50001"), costs=Decimal("0"))
    return ADMIN, await h.send(cmd, ADMIN)


@provokes("OverBudgetError", "data.costs", "budget")
async def _over_budget(h: BankruptcyHarness) -> tuple[str, list[Published]]:
    """Ten cases of the same fund were given 460 000 of its 500 000 this year."""
    for n in range(10):
        petition = b.petition().model_copy(update={"case_number": f"（2026）豫0482破申{30 + n}号"})
        number = f"（2026）豫0482破{30 + n}号"
        await steps(h, petition)
        await steps(h, accept(case_number=number, petition_case_number=petition.case_number))
        app = application(
            case_number=number, application_id=uuid.uuid4(), fee_part=Decimal("26000")
        )
        await steps(h, app, by=ADMIN)
        for stage, by in (("initial", COURT), ("higher", HIGHER)):
            await steps(h, review(stage).model_copy(update=_for(app)), by=by)
        answer = decision(amount="46000", fee="26000").model_copy(update=_id(app))
        out = await h.send(answer, FINANCE, case_number=number)
        assert out[0].type.endswith("expense_aid_approved.v1"), out
    await accepted(h)
    return ADMIN, await h.send(application(), ADMIN)


def _for(app: a.ApplyExpenseAid) -> dict[str, Any]:
    return {"case_number": app.case_number, "application_id": app.application_id}


def _id(app: a.ApplyExpenseAid) -> dict[str, Any]:
    return {"application_id": app.application_id}


@provokes("DuplicateApplicationError", "data.application_id", "exists")
async def _applied_twice(h: BankruptcyHarness) -> tuple[str, list[Published]]:
    await applied(h)
    return ADMIN, await h.send(application(), ADMIN)


@provokes("UnknownApplicationError", "data.application_id", "no application")
async def _review_of_nothing(h: BankruptcyHarness) -> tuple[str, list[Published]]:
    await accepted(h)
    return COURT, await h.send(review("initial"), COURT)


@provokes("NotAReviewerError", "envelope.organization", "review is")
async def _higher_court_reviews_first(h: BankruptcyHarness) -> tuple[str, list[Published]]:
    await applied(h)
    return HIGHER, await h.send(review("initial"), HIGHER)


@provokes("ReviewOrderError", "data.stage", "the next step is")
async def _higher_review_first(h: BankruptcyHarness) -> tuple[str, list[Published]]:
    await applied(h)
    return HIGHER, await h.send(review("higher"), HIGHER)


@provokes("ApplicationClosedError", "data.application_id", "is decided")
async def _review_after_rejection(h: BankruptcyHarness) -> tuple[str, list[Published]]:
    await applied(h)
    await steps(h, review("initial", passed=False))
    return HIGHER, await h.send(review("higher"), HIGHER)


@provokes("NotTheFinanceBureauError", "envelope.organization", "not the finance bureau")
async def _another_finance_bureau(h: BankruptcyHarness) -> tuple[str, list[Published]]:
    await reviewed(h)
    return OTHER_FINANCE, await h.send(decision(), OTHER_FINANCE, case_number=CASE)


@provokes("DecisionAmountError", "data.amount", "at most")
async def _approves_more_than_asked(h: BankruptcyHarness) -> tuple[str, list[Published]]:
    await reviewed(h)
    return FINANCE, await h.send(decision(amount="50000.01"), FINANCE, case_number=CASE)


@provokes("DisbursementAmountError", "data.amount", "the approved amount is")
async def _pays_another_amount(h: BankruptcyHarness) -> tuple[str, list[Published]]:
    await reviewed(h)
    await h.send(decision(), FINANCE, case_number=CASE)
    pay = a.DisburseExpenseAid(
        case_number=CASE, application_id=APP, disbursed_on=date(2026, 5, 25), amount=Decimal(1)
    )
    return FINANCE, await h.send(pay, FINANCE)


# ---- the guard -----------------------------------------------------------------------------------


def test_every_refusal_has_a_scenario_and_every_scenario_a_refusal() -> None:
    GUARD.assert_complete()


@pytest.mark.parametrize("name", GUARD.provokable())
async def test_the_refusal_reaches_the_sender_naming_the_field_and_the_reason(name: str) -> None:
    await GUARD.assert_refused(name)
