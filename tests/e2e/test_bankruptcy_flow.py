"""A bankruptcy through the running service, on real NATS and PostgreSQL, on a clock the test
moves: the court's procedure from the petition to the administrator's discharge; the tasks of
the acceptance acknowledged and completed by their bureaus, and one left unacknowledged escalated
once to the joint office; expense aid from the application to the payment, and an application
over the cap refused; the coordination case closed only once the proceedings are terminated and
every task is done."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from nats.aio.client import Client

from contracts.bankruptcy import aid as a
from contracts.bankruptcy import procedure as p
from contracts.bankruptcy import tasks as t
from contracts.bankruptcy.administrator import ReportDeregistration
from contracts.bankruptcy.parties import (
    Administrator,
    AdministratorKind,
    Debtor,
    PetitionerKind,
    Procedure,
)
from contracts.base import Payload
from contracts.envelope import Envelope, Message
from contracts.registry import parse_message
from services.bankruptcy.main import build, spec
from services.bureaus.replies import reply_to, subject_of
from services.runtime.host import RunningService
from tests.e2e.world import Clock, Heard, served

pytestmark = pytest.mark.integration

COURT, HIGHER, ADMIN = "CT410482", "CT410000", "AMRUHE410482"
JOINT_OFFICE, FINANCE, TAX = "JO410482", "FN410482", "TX410482"
PETITION, CASE = "（2026）豫0482破申21号", "（2026）豫0482破21号"
DEBTOR = Debtor(
    name="汝州市某某陶瓷有限公司", credit_code="91410482MA3X4Y5K2E", legal_representative="赵某"
)
DOC = t.Document(title="办结报告", issued_on=date(2026, 11, 20))


@dataclass
class Bankruptcy(Heard):
    """The organizations around one bankruptcy: what each received, and how they send."""

    nc: Client
    service: RunningService
    clock: Clock

    async def send(self, payload: Payload, org: str, cause: Envelope | None = None) -> Message[Any]:
        if cause is not None:
            msg = reply_to(cause, payload, org, self.clock())
        else:
            eid = uuid.uuid4()
            env = Envelope(
                event_id=eid,
                type=payload.TYPE,
                occurred_at=self.clock(),
                organization=org,
                correlation_id=eid,
                case_number=getattr(payload, "case_number", None),
            )
            msg = Message[type(payload)](envelope=env, data=payload)  # type: ignore[misc,operator]
        await self.nc.jetstream().publish(
            subject_of(msg),
            msg.model_dump_json().encode(),
            headers={"Nats-Msg-Id": str(msg.envelope.event_id)},
        )
        return msg

    async def step(self, payload: Payload, fact: str, org: str = COURT) -> dict[str, Any]:
        """Send a step and wait for its fact."""
        before = len(self.received(fact))
        await self.send(payload, org)
        return (await self.wait(fact, before + 1))[-1]

    async def tick(self) -> int:
        """One tick of the service's own deadline runner, at the test's clock."""
        return await build(self.service.wiring, self.clock).deadlines.tick()


@pytest.fixture
async def world(nats_url: str, database_url: str, nc: Client) -> AsyncIterator[Bankruptcy]:
    async with served(spec, nats_url, database_url) as (service, clock):
        w = Bankruptcy(nc, service, clock)
        await nc.subscribe("bankruptcy.>", cb=w.take)
        yield w


def administrator(on: date) -> Administrator:
    return Administrator(
        code=ADMIN,
        name="河南汝河律师事务所",
        kind=AdministratorKind.LAW_FIRM,
        lead_person="李某",
        contact="0375-1234567",
        appointed_on=on,
    )


async def accepted(w: Bankruptcy, filed: date, on: date) -> dict[str, Any]:
    petition = p.FileBankruptcyPetition(
        case_number=PETITION,
        filed_on=filed,
        debtor=DEBTOR,
        petitioner=PetitionerKind.DEBTOR,
        petitioner_name=DEBTOR.name,
    )
    await w.step(petition, "event.bankruptcy_petition_filed")
    accept = p.AcceptPetition(
        case_number=CASE,
        petition_case_number=PETITION,
        accepted_on=on,
        procedure=Procedure.LIQUIDATION,
        administrator=administrator(on),
    )
    return await w.step(accept, "event.petition_accepted")


def notice_for(w: Bankruptcy, item: str) -> Message[Any]:
    """The task notice of a catalogue item as its lead unit got it."""
    for subj, body in w.seen:
        data = body["data"]
        lead = ".notice.coordination_task." in subj and data["role"] == "lead"
        if lead and data["item"] == item:
            return parse_message(json.dumps(body).encode())
    raise AssertionError(f"no task notice for {item}")


async def test_the_procedure_runs_from_petition_to_discharge_and_the_case_closes_last(
    world: Bankruptcy,
) -> None:
    w = world
    fact = await accepted(w, date(2026, 9, 1), date(2026, 9, 10))
    assert fact["envelope"]["organization"] == COURT and fact["data"]["court"] == COURT
    assert fact["data"]["announce_by"] == "2026-10-08"  # 25 days end in the National Day holiday
    assigned = await w.wait("event.coordination_task_assigned")
    notices = await w.wait("notice.coordination_task")
    assert {n["data"]["lead"] for n in notices} >= {TAX}
    for payload, name in [
        (p.NotifyCreditors(case_number=CASE, announced_on=date(2026, 9, 20)), "creditors_notified"),
        (
            p.SetClaimsDeadline(case_number=CASE, claims_deadline=date(2026, 10, 25)),
            "claims_deadline_set",
        ),
        (
            p.RecordCreditorsMeeting(case_number=CASE, held_on=date(2026, 11, 1), summary="通过"),
            "creditors_meeting_held",
        ),
        (
            p.DeclareBankrupt(case_number=CASE, declared_on=date(2026, 11, 5)),
            "debtor_declared_bankrupt",
        ),
        (
            p.RecordDistribution(
                case_number=CASE, made_on=date(2026, 11, 10), amount=Decimal("80000"), final=True
            ),
            "distribution_made",
        ),
    ]:
        await w.step(payload, f"event.{name}")
    # An unlawful step is refused, naming the field (the step's type) and the reason.
    await w.send(p.DeclareBankrupt(case_number=CASE, declared_on=date(2026, 11, 6)), COURT)
    (refused,) = await w.wait("rejection.message_rejected", to=COURT)
    assert refused["data"]["problems"][0]["field"] == "type"
    terminate = p.TerminateProceedings(
        case_number=CASE,
        terminated_on=date(2026, 11, 12),
        ground=p.TerminationGround.FINAL_DISTRIBUTION,
    )
    ended = await w.step(terminate, "event.proceedings_terminated")
    assert ended["data"]["deregister_by"] == "2026-11-23"  # the tenth day is a Sunday
    dereg_task = await w.wait("event.coordination_task_assigned", len(assigned) + 1)
    assert dereg_task[-1]["data"]["task"]["topic"] == "change_deregistration"
    report = ReportDeregistration(
        case_number=CASE, deregistered_on=date(2026, 11, 15), authority="汝州市市场监督管理局"
    )
    await w.step(report, "event.deregistration_completed", ADMIN)
    await w.step(
        p.DischargeAdministrator(case_number=CASE, discharged_on=date(2026, 11, 16)),
        "event.administrator_discharged",
    )
    # Terminated, but the tasks are open: the coordination case stays open until the last is
    # waived by the joint office.
    tasks = await w.wait("event.coordination_task_assigned", len(assigned) + 1)
    ids = [x["data"]["task"]["task_id"] for x in tasks]
    for n, task_id in enumerate(ids):
        waive = t.WaiveTask(
            case_number=CASE, task_id=task_id, waived_on=date(2026, 11, 18), reason="程序已终结"
        )
        await w.step(waive, "event.coordination_task_waived", JOINT_OFFICE)
        if n < len(ids) - 1:
            assert w.received("event.coordination_case_closed") == []
    (closed,) = await w.wait("event.coordination_case_closed")
    assert closed["data"]["tasks_waived"] == len(ids)


async def test_tasks_are_answered_by_their_bureaus_and_one_not_acknowledged_is_escalated_once(
    world: Bankruptcy,
) -> None:
    w = world
    today = w.clock().date()
    await accepted(w, today - timedelta(days=5), today)
    await w.wait("event.coordination_task_assigned", 5)
    tax = notice_for(w, "tax_claims")
    task_id = tax.data.task_id
    ack = t.TaskAcknowledgement(task_id=task_id, acknowledged_on=today, handler="张某")
    await w.send(ack, TAX, tax.envelope)
    await w.wait("event.coordination_task_acknowledged")
    progress = t.TaskProgress(task_id=task_id, reported_on=today, progress="已申报部分税款")
    await w.send(progress, TAX, tax.envelope)
    await w.wait("event.coordination_task_progressed")
    done = t.TaskCompletion(task_id=task_id, completed_on=today, result="已申报", evidence=(DOC,))
    await w.send(done, TAX, tax.envelope)
    completed = await w.wait("event.coordination_task_completed")
    assert completed[0]["envelope"]["organization"] == TAX
    # Nothing is late yet.
    assert await w.tick() == 0
    # Past the acknowledgement day of the others: each goes to the joint office once.
    unacked = [
        n["data"]
        for n in w.received("notice.coordination_task")
        if n["data"]["task_id"] != str(task_id) and n["data"]["role"] == "lead"
    ]
    first_late = min(
        date.fromisoformat(x["acknowledge_by"]) for x in unacked if x["acknowledge_by"]
    )
    w.clock.now = w.clock.now + (first_late - today) + timedelta(days=1)
    await w.tick()  # (or the service's own runner, whichever looks first)
    overdue = await w.wait("notice.coordination_task_overdue", to=JOINT_OFFICE)
    assert {o["data"]["lateness"] for o in overdue} == {"not_acknowledged"}
    assert str(task_id) not in {o["data"]["task_id"] for o in overdue}
    count = len(overdue)
    assert await w.tick() == 0
    await asyncio.sleep(0.3)
    assert len(w.received("notice.coordination_task_overdue")) == count
    # A blocked task asks the joint office for a meeting.
    other = notice_for(w, "wage_arrears")
    lead = other.data.lead
    await w.send(
        t.TaskAcknowledgement(task_id=other.data.task_id, acknowledged_on=today, handler="x"),
        lead,
        other.envelope,
    )
    await w.wait("event.coordination_task_acknowledged", 2)
    blocked = t.TaskBlockage(
        task_id=other.data.task_id, reported_on=today, obstacle="职工名册缺失", needs=()
    )
    await w.send(blocked, lead, other.envelope)
    (meeting,) = await w.wait("notice.coordination_meeting_requested", to=JOINT_OFFICE)
    assert meeting["data"]["lead"] == lead


async def test_expense_aid_from_application_to_payment_and_over_the_cap_refused(
    world: Bankruptcy,
) -> None:
    w = world
    today = w.clock().date()
    await accepted(w, date(2026, 10, 1), date(2026, 10, 10))
    over = a.ApplyExpenseAid(
        case_number=CASE,
        application_id=uuid.uuid4(),
        applied_on=today,
        fee_part=Decimal("30000"),
        costs=Decimal("70001"),
        estate_value=Decimal("3000"),
        reason="无财产可供清偿破产费用",
    )
    await w.send(over, ADMIN)
    (refused,) = await w.wait("rejection.message_rejected", to=ADMIN)
    assert [x["field"] for x in refused["data"]["problems"]] == ["data.costs"]
    assert "per case" in refused["data"]["problems"][0]["reason"]
    app_id = uuid.uuid4()
    apply = over.model_copy(update={"application_id": app_id, "costs": Decimal("20000")})
    requested = await w.step(apply, "event.expense_aid_requested", ADMIN)
    assert requested["data"]["fund"] == "pingdingshan"

    def review(stage: str) -> a.ReviewExpenseAid:
        return a.ReviewExpenseAid(
            case_number=CASE,
            application_id=app_id,
            stage=stage,
            reviewed_on=today,
            passed=True,
            opinion="符合条件",
        )

    await w.step(review("initial"), "event.expense_aid_reviewed", COURT)
    await w.step(review("higher"), "event.expense_aid_reviewed", HIGHER)
    (asked,) = await w.wait("notice.expense_aid_decision_requested", to=FINANCE)
    assert asked["data"]["remaining_budget"] == "500000"
    decision = a.ExpenseAidDecision(
        application_id=app_id,
        decided_on=today,
        approved=True,
        amount=Decimal("50000"),
        fee_part=Decimal("30000"),
        opinion="同意",
    )
    await w.send(decision, FINANCE, parse_message(json.dumps(asked).encode()).envelope)
    (approved,) = await w.wait("event.expense_aid_approved")
    assert approved["envelope"]["organization"] == FINANCE
    pay = a.DisburseExpenseAid(
        case_number=CASE, application_id=app_id, disbursed_on=today, amount=Decimal("50000")
    )
    paid = await w.step(pay, "event.expense_aid_disbursed", FINANCE)
    assert paid["data"]["amount"] == "50000"
