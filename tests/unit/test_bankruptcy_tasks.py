"""协调事项 — tasks come from the topic catalogue on acceptance, an approved plan, a liquidation's
end, or an ad hoc request; the lead acknowledges, reports, completes with evidence or says it is
blocked; the court or the joint office waives with a reason; a late task is escalated once; the
coordination case closes when the court terminated and every task is done."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError

from contracts.bankruptcy import procedure as p
from contracts.bankruptcy import tasks as t
from contracts.bankruptcy.administrator import RequestCoordination
from contracts.bankruptcy.parties import Procedure
from contracts.organizations.kinds import PLATFORM_CODE
from services.bankruptcy.domain import BankruptcyCase, Task, errors
from services.bankruptcy.domain import tasks as rules
from services.bankruptcy.domain.closure import closable
from tests.unit import test_bankruptcy_builders as b
from tests.unit.test_bankruptcy_builders import (
    ADMIN,
    CASE,
    COURT,
    JOINT_OFFICE,
    NOW,
    RULES,
    at,
    of_type,
    step,
)

DOC = t.Document(
    title="职工债权清单核实意见", number="汝人社〔2026〕12号", issued_on=date(2026, 4, 10)
)


def task(case: BankruptcyCase, item: str) -> Task:
    return next(x for x in case.tasks.values() if x.spec.item == item)


def acknowledged(case: BankruptcyCase, item: str, on: date = date(2026, 3, 18)) -> BankruptcyCase:
    x = task(case, item)
    r = t.TaskAcknowledgement(
        task_id=x.spec.task_id, acknowledged_on=on, handler="张某 0375-7654321"
    )
    return b.apply(case, rules.decide_acknowledge(r, case, by=x.spec.lead, now=NOW))


def complete(case: BankruptcyCase, x: Task, on: date = date(2026, 4, 10)) -> list[b.Out]:
    r = t.TaskCompletion(task_id=x.spec.task_id, completed_on=on, result="已办结", evidence=(DOC,))
    return rules.decide_completion(r, case, by=x.spec.lead, now=NOW)


def waive(case: BankruptcyCase, x: Task, by: str = JOINT_OFFICE) -> list[b.Out]:
    cmd = t.WaiveTask(
        case_number=CASE, task_id=x.spec.task_id, waived_on=date(2026, 7, 2), reason="无需办理"
    )
    return rules.decide_waiver(cmd, case, by=by, now=NOW, joint_office=JOINT_OFFICE)


def finish_all(case: BankruptcyCase) -> BankruptcyCase:
    """Acknowledge and complete every open task."""
    for x in list(case.tasks.values()):
        if x.done:
            continue
        if x.acknowledged_on is None:
            case = acknowledged(case, x.spec.item, x.assigned_on)
        case = b.apply(
            case, complete(case, case.tasks[x.spec.task_id], case.tasks[x.spec.task_id].assigned_on)
        )
    return case


# --- generation --------------------------------------------------------------------------------


def test_acceptance_generates_the_catalogues_acceptance_items() -> None:
    case, out = step(b.petitioned(), b.accept())
    wanted = [(topic.id, item.id) for topic, item in b.TOPICS.generated_on(t.Trigger.ACCEPTANCE)]
    assigned = [f for f, _ in of_type(out, t.CoordinationTaskAssigned)]
    assert [(a.task.topic, a.task.item) for a in assigned] == wanted  # type: ignore[attr-defined]
    assert {"livelihood_employees", "social_stability", "property_takeover", "tax"} <= {
        w[0] for w in wanted
    }
    assert all(a.trigger is t.Trigger.ACCEPTANCE for a in assigned)  # type: ignore[attr-defined]
    assert len(case.tasks) == len(wanted)


def test_a_task_goes_to_the_lead_of_the_courts_level_with_its_co_units() -> None:
    case, out = step(b.petitioned(), b.accept())
    wages = task(case, "wage_arrears")
    assert (wages.spec.lead, wages.spec.lead_kind) == ("HRRUZHOU", "human_resources")
    accounts = task(case, "administrator_accounts")
    assert accounts.spec.co_units == ("BKICBCRUZHOU", "BKABCRUZHOU")
    notices = [
        (f, org)
        for f, org in of_type(out, t.CoordinationTaskNotice)
        if f.task_id == accounts.spec.task_id
    ]  # type: ignore[attr-defined]
    assert [(org, f.role) for f, org in notices] == [  # type: ignore[attr-defined]
        ("FRRUZHOU", t.Role.LEAD),
        ("BKICBCRUZHOU", t.Role.CO_UNIT),
        ("BKABCRUZHOU", t.Role.CO_UNIT),
    ]


def test_the_joint_office_leads_where_the_jurisdiction_has_no_such_unit() -> None:
    case = b.accepted()
    stability = task(case, "risk_assessment")
    assert stability.spec.lead == JOINT_OFFICE
    assert stability.spec.lead_kind == "political_legal_committee"
    _, out = step(b.petitioned(), b.accept())
    held = [f for f, org in of_type(out, t.CoordinationTaskNotice) if org == JOINT_OFFICE]
    assert [(f.item, f.lead_kind) for f in held] == [  # type: ignore[attr-defined]
        ("risk_assessment", "political_legal_committee"),
        ("secure_premises", "town_government"),
    ]


def test_a_task_notice_holds_only_what_the_bureau_needs() -> None:
    _, out = step(b.petitioned(), b.accept())
    notice = next(f for f, org in of_type(out, t.CoordinationTaskNotice) if org == "TXRUZHOU")
    assert isinstance(notice, t.CoordinationTaskNotice)
    assert notice.debtor_credit_code == b.DEBTOR.credit_code
    assert notice.accepted_on == b.ACCEPTED and notice.administrator_contact == "0375-1234567"
    assert notice.due_on == date(2026, 4, 15)  # 30 days from acceptance
    assert set(type(notice).model_fields) == set(t.CoordinationTaskNotice.model_fields)
    assert "legal_representative" not in notice.model_dump()


def test_an_approved_plan_generates_one_credit_repair_task_per_registry() -> None:
    case = step(
        b.accepted(Procedure.REORGANIZATION),
        p.RecordPlanFiling(case_number=CASE, filed_on=date(2026, 6, 1)),
    )[0]
    case, out = step(
        case, p.ApproveReorganizationPlan(case_number=CASE, approved_on=date(2026, 7, 1))
    )
    repair = [f.task for f, _ in of_type(out, t.CoordinationTaskAssigned)]  # type: ignore[attr-defined]
    assert {x.topic for x in repair} == {"credit_repair"}
    assert {x.lead for x in repair} == {COURT, "MRRUZHOU", "CRPINGDINGSHAN", "TXRUZHOU", "DRRUZHOU"}


def test_a_liquidations_end_generates_the_deregistration_task_due_in_ten_days() -> None:
    _, out = b.terminated(p.TerminationGround.NO_PROPERTY)
    ((fact, org),) = of_type(out, t.CoordinationTaskAssigned)
    assert isinstance(fact, t.CoordinationTaskAssigned) and org == PLATFORM_CODE
    assert (fact.task.item, fact.task.lead) == ("deregistration", "MRRUZHOU")
    assert fact.task.due_on == date(2026, 7, 11)
    assert fact.task.co_units == ("TXRUZHOU", "HRRUZHOU")


def test_an_end_after_full_payment_generates_no_deregistration() -> None:
    _, out = b.terminated(p.TerminationGround.FULL_PAYMENT, b.accepted())
    assert of_type(out, t.CoordinationTaskAssigned) == []


def test_generation_is_once_per_fact() -> None:
    case = b.accepted()
    assert rules.generate(case, t.Trigger.ACCEPTANCE, b.ACCEPTED, RULES, by=COURT) == []


def test_the_administrator_asks_for_any_topic_ad_hoc() -> None:
    case = b.accepted()
    cmd = RequestCoordination(
        case_number=CASE,
        topic="asset_disposal",
        request="厂房过户登记",
        requested_on=date(2026, 4, 2),
        due_on=date(2026, 4, 30),
    )
    out = rules.decide_request(cmd, case, by=ADMIN, now=NOW, rules=RULES)
    fact = out[0][0]
    assert isinstance(fact, t.CoordinationTaskAssigned) and fact.trigger is t.Trigger.AD_HOC
    assert (fact.task.lead, fact.task.due_on, fact.requested_by) == (
        "NRRUZHOU",
        date(2026, 4, 30),
        ADMIN,
    )
    second = rules.decide_request(cmd, b.apply(case, out), by=ADMIN, now=NOW, rules=RULES)
    assert second[0][0].task.task_id != fact.task.task_id  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("change", "error", "field"),
    [
        ({"topic": "weather"}, errors.UnknownTopicError, "data.topic"),
        ({"item": "weather"}, errors.UnknownItemError, "data.item"),
        ({"due_on": date(2026, 4, 1)}, errors.DueDateError, "data.due_on"),
        ({"requested_on": date(2026, 12, 1)}, errors.FutureDateError, "data.requested_on"),
    ],
)
def test_an_ad_hoc_request_is_refused_naming_the_field(
    change: dict, error: type, field: str
) -> None:
    cmd = RequestCoordination(
        case_number=CASE, topic="tax", request="x", requested_on=date(2026, 4, 2)
    ).model_copy(update=change)
    with pytest.raises(error) as e:
        rules.decide_request(cmd, b.accepted(), by=ADMIN, now=NOW, rules=RULES)
    assert e.value.field == field


def test_a_bureau_cannot_ask_for_coordination() -> None:
    cmd = RequestCoordination(
        case_number=CASE, topic="tax", request="x", requested_on=date(2026, 4, 2)
    )
    with pytest.raises(errors.NotTheAdministratorError):
        rules.decide_request(cmd, b.accepted(), by="TXRUZHOU", now=NOW, rules=RULES)


# --- the task's life ---------------------------------------------------------------------------


def test_the_lead_acknowledges_once() -> None:
    case = acknowledged(b.accepted(), "wage_arrears")
    x = task(case, "wage_arrears")
    assert x.acknowledged_on == date(2026, 3, 18)
    with pytest.raises(errors.AlreadyAcknowledgedError):
        acknowledged(case, "wage_arrears")


def test_a_co_unit_does_not_answer_for_the_task() -> None:
    case = b.accepted()
    x = task(case, "administrator_accounts")
    r = t.TaskAcknowledgement(
        task_id=x.spec.task_id, acknowledged_on=date(2026, 3, 18), handler="x"
    )
    with pytest.raises(errors.NotTheLeadUnitError) as e:
        rules.decide_acknowledge(r, case, by="BKICBCRUZHOU", now=NOW)
    assert e.value.field == "envelope.organization"


def test_progress_and_completion_follow_the_acknowledgement() -> None:
    case = b.accepted()
    x = task(case, "wage_arrears")
    with pytest.raises(errors.NotAcknowledgedError):
        complete(case, x)
    case = acknowledged(case, "wage_arrears")
    r = t.TaskProgress(task_id=x.spec.task_id, reported_on=date(2026, 3, 25), progress="已核实80人")
    case = b.apply(case, rules.decide_progress(r, case, by="HRRUZHOU", now=NOW))
    case = b.apply(case, complete(case, task(case, "wage_arrears")))
    done = task(case, "wage_arrears")
    assert done.progress == 1 and done.completed_on == date(2026, 4, 10) and done.done
    with pytest.raises(errors.TaskClosedError):
        complete(case, done)


def test_completion_needs_evidence() -> None:
    with pytest.raises(ValidationError) as e:
        t.TaskCompletion(task_id=b.new_id(), completed_on=date(2026, 4, 1), result="x", evidence=())
    assert e.value.errors()[0]["loc"] == ("evidence",)


def test_an_answer_dated_before_the_assignment_is_refused() -> None:
    with pytest.raises(errors.DateOrderError) as e:
        acknowledged(b.accepted(), "wage_arrears", date(2026, 3, 1))
    assert e.value.field == "data.acknowledged_on"


def test_a_blocked_task_asks_the_joint_office_for_a_meeting() -> None:
    case = acknowledged(b.accepted(), "tax_claims")
    x = task(case, "tax_claims")
    r = t.TaskBlockage(
        task_id=x.spec.task_id,
        reported_on=date(2026, 3, 20),
        obstacle="账簿缺失",
        needs=("PSRUZHOU",),
    )
    out = rules.decide_blockage(r, case, by="TXRUZHOU", now=NOW, joint_office=JOINT_OFFICE)
    ((ask, org),) = of_type(out, t.CoordinationMeetingRequested)
    assert org == JOINT_OFFICE and ask.needs == ("PSRUZHOU",)  # type: ignore[attr-defined]
    assert task(b.apply(case, out), "tax_claims").blocked


def test_the_court_or_the_joint_office_waives_with_a_reason() -> None:
    case = b.accepted()
    x = task(case, "wage_arrears")
    with pytest.raises(errors.NotAllowedToWaiveError):
        waive(case, x, by="HRRUZHOU")
    out = waive(case, x, by=COURT)
    fact = out[0][0]
    assert isinstance(fact, t.CoordinationTaskWaived) and fact.reason == "无需办理"
    assert task(b.apply(case, out), "wage_arrears").done


# --- escalation --------------------------------------------------------------------------------


def test_an_unacknowledged_task_is_escalated_once_after_its_acknowledgement_day() -> None:
    case = b.accepted()
    x = task(case, "wage_arrears")
    assert x.spec.acknowledge_by == date(2026, 3, 19)
    assert rules.decide_escalation(case, at(date(2026, 3, 19)), JOINT_OFFICE) == []
    out = rules.decide_escalation(case, at(date(2026, 3, 20)), JOINT_OFFICE)
    assert {org for _, org in out} == {JOINT_OFFICE}
    assert len(out) == len(case.tasks)
    late = next(f for f, _ in out if f.task_id == x.spec.task_id)  # type: ignore[attr-defined]
    assert (late.lateness, late.due_on) == (t.Lateness.NOT_ACKNOWLEDGED, date(2026, 3, 19))  # type: ignore[attr-defined]
    case = b.apply(case, out)
    assert rules.decide_escalation(case, at(date(2026, 6, 1)), JOINT_OFFICE) == []
    assert rules.next_due(case) is None


def test_an_acknowledged_task_not_completed_is_escalated_after_its_due_day() -> None:
    case = acknowledged(b.accepted(), "wage_arrears")
    x = task(case, "wage_arrears")
    late = [
        f
        for f, _ in rules.decide_escalation(case, at(date(2026, 4, 16)), JOINT_OFFICE)
        if f.task_id == x.spec.task_id
    ]  # type: ignore[attr-defined]
    assert [(f.lateness, f.due_on) for f in late] == [(t.Lateness.NOT_COMPLETED, date(2026, 4, 15))]  # type: ignore[attr-defined]
    early = rules.decide_escalation(case, at(date(2026, 4, 15)), JOINT_OFFICE)
    assert x.spec.task_id not in {f.task_id for f, _ in early}  # type: ignore[attr-defined]


def test_a_done_task_is_never_escalated() -> None:
    case = b.accepted()
    case = b.apply(case, waive(case, task(case, "wage_arrears")))
    out = rules.decide_escalation(case, at(date(2026, 12, 1)), JOINT_OFFICE)
    assert task(case, "wage_arrears").spec.task_id not in {f.task_id for f, _ in out}  # type: ignore[attr-defined]


# --- closure -----------------------------------------------------------------------------------


def test_the_case_does_not_close_while_a_task_is_open() -> None:
    case = finish_all(b.declared())
    case, out = b.terminated(p.TerminationGround.NO_PROPERTY, case)
    assert of_type(out, t.CoordinationCaseClosed) == []
    assert not closable(case)


def test_the_case_closes_when_terminated_and_every_task_is_done() -> None:
    case = finish_all(b.declared())
    case, _ = b.terminated(p.TerminationGround.NO_PROPERTY, case)
    x = task(case, "deregistration")
    case = acknowledged(case, "deregistration", date(2026, 7, 2))
    out = complete(case, task(case, "deregistration"), date(2026, 7, 8))
    ((closed, org),) = of_type(out, t.CoordinationCaseClosed)
    assert isinstance(closed, t.CoordinationCaseClosed) and org == PLATFORM_CODE
    assert closed.tasks_completed == len(case.tasks) and closed.tasks_waived == 0
    case = b.apply(case, out)
    assert case.closed_on == NOW.date() and x.spec.task_id in case.tasks
    cmd = RequestCoordination(
        case_number=CASE, topic="tax", request="x", requested_on=date(2026, 7, 9)
    )
    with pytest.raises(errors.CaseClosedError):
        rules.decide_request(cmd, case, by=ADMIN, now=NOW, rules=RULES)


def test_a_waived_task_counts_as_done_for_closure() -> None:
    case = finish_all(b.declared())
    case, _ = b.terminated(p.TerminationGround.NO_PROPERTY, case)
    out = waive(case, task(case, "deregistration"))
    ((closed, _),) = of_type(out, t.CoordinationCaseClosed)
    assert closed.tasks_waived == 1  # type: ignore[attr-defined]


def test_the_case_does_not_close_before_termination() -> None:
    case = finish_all(b.declared())
    assert not closable(case)


def test_an_end_with_every_task_done_closes_at_once() -> None:
    case = finish_all(b.accepted())
    _, out = b.terminated(p.TerminationGround.FULL_PAYMENT, case)
    assert len(of_type(out, t.CoordinationCaseClosed)) == 1


def test_an_answer_about_an_unknown_task_is_refused() -> None:
    r = t.TaskAcknowledgement(task_id=b.new_id(), acknowledged_on=date(2026, 3, 18), handler="x")
    with pytest.raises(errors.UnknownTaskError) as e:
        rules.decide_acknowledge(r, b.accepted(), by="HRRUZHOU", now=NOW)
    assert e.value.field == "data.task_id"
