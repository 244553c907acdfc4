"""The bureau side of a bankruptcy: a coordination task notice and an expense-aid decision
request are answered like any other notice — by the plain-data handlers (`reply_for`) and by the
simulated bureaus (acknowledge at once, progress, complete with evidence, late or blocked now and
then; the finance bureau decides and pays)."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from contracts.bankruptcy.aid import (
    DisburseExpenseAid,
    ExpenseAidDecision,
    ExpenseAidDecisionRequested,
)
from contracts.bankruptcy.tasks import (
    CoordinationTaskNotice,
    Role,
    TaskAcknowledgement,
    TaskBlockage,
    TaskCompletion,
    TaskProgress,
)
from contracts.envelope import Envelope, Message
from contracts.organizations import Registry
from contracts.registry import parse_message
from services.bureaus.client import reply_for
from services.bureaus.simulator import (
    Behaviour,
    bankruptcy_units,
    contexts_of,
    simulated_bureaus,
    simulated_handler,
)

NOW = datetime(2026, 12, 3, 9, 30, tzinfo=UTC)
TODAY = NOW.date()
LEAD, CO_UNIT, FINANCE = "TX410482", "PS410482", "FN410482"
CASE = "（2026）豫0482破5号"


def _envelope(type_: str) -> Envelope:
    event_id = uuid.uuid4()
    return Envelope(
        event_id=event_id,
        type=type_,
        occurred_at=NOW,
        organization="FUYUAN",
        correlation_id=event_id,
        case_number=CASE,
    )


def task(
    role: Role = Role.LEAD, *, assigned: date = TODAY, due_days: int = 30
) -> Message[CoordinationTaskNotice]:
    data = CoordinationTaskNotice(
        task_id=uuid.uuid4(),
        case_number=CASE,
        role=role,
        topic="tax",
        item="tax_claims",
        debtor_name="汝州市某某建材有限公司",
        debtor_credit_code="91410482MA3X4Y5K2E",
        accepted_on=assigned,
        administrator_name="河南汝河律师事务所",
        administrator_contact="0375-1234567",
        request="申报税收债权",
        legal_basis="国家税务总局公告2019年第48号 第四条",
        lead=LEAD,
        lead_kind="tax",
        co_units=(CO_UNIT,),
        acknowledge_by=assigned + timedelta(days=3),
        due_on=assigned + timedelta(days=due_days),
    )
    return Message[CoordinationTaskNotice](envelope=_envelope(data.TYPE), data=data)


def aid_request(remaining: str = "500000") -> Message[ExpenseAidDecisionRequested]:
    data = ExpenseAidDecisionRequested(
        application_id=uuid.uuid4(),
        case_number=CASE,
        fee_part=Decimal("30000"),
        costs=Decimal("20000"),
        budget_year=2026,
        remaining_budget=Decimal(remaining),
    )
    return Message[ExpenseAidDecisionRequested](envelope=_envelope(data.TYPE), data=data)


# ---- plain data (--exec, --webhook, --dir) ------------------------------------------------------


def test_a_task_notice_is_acknowledged_by_default_and_names_its_task() -> None:
    notice = task()
    reply = reply_for(notice, {"acknowledged_on": "2026-12-03", "handler": "张三"}, LEAD, NOW)
    assert reply is not None and isinstance(reply.data, TaskAcknowledgement)
    assert reply.data.task_id == notice.data.task_id
    assert reply.envelope.causation_id == notice.envelope.event_id
    assert reply.envelope.type == "bankruptcy.reply.task_acknowledgement.v1"


def test_a_task_notice_is_answered_with_the_reply_the_data_names() -> None:
    notice = task()
    done = {
        "reply": "task_completion",
        "completed_on": "2026-12-03",
        "result": "已申报",
        "evidence": [{"title": "税收债权申报书", "issued_on": "2026-12-02"}],
    }
    reply = reply_for(notice, done, LEAD, NOW)
    assert reply is not None and isinstance(reply.data, TaskCompletion)
    stuck = {"reply": "task_blockage", "reported_on": "2026-12-03", "obstacle": "账册缺失"}
    blockage = reply_for(notice, stuck, LEAD, NOW)
    assert blockage is not None and isinstance(blockage.data, TaskBlockage)
    with pytest.raises(ValueError, match="not 'task_refusal'"):
        reply_for(notice, {"reply": "task_refusal"}, LEAD, NOW)


def test_the_finance_bureau_answers_an_expense_aid_request_with_its_decision() -> None:
    notice = aid_request()
    data = {
        "decided_on": "2026-12-03",
        "approved": True,
        "amount": "50000",
        "fee_part": "30000",
        "opinion": "同意",
    }
    reply = reply_for(notice, data, FINANCE, NOW)
    assert reply is not None and isinstance(reply.data, ExpenseAidDecision)
    assert reply.data.application_id == notice.data.application_id


# ---- the simulated bureaus ------------------------------------------------------------------------


async def _run(
    notices: list[Message[Any]], behaviour: Behaviour, org: str = LEAD
) -> tuple[list[Message[Any] | None], list[Message[Any]]]:
    reported: list[Message[Any]] = []

    async def report(msg: Message[Any]) -> None:
        parse_message(msg.model_dump_json().encode())  # what goes out is a valid message
        reported.append(msg)

    async def no_wait(_: float) -> None:
        return None

    handle = simulated_handler(
        Registry.load().get(org), behaviour, clock=lambda: NOW, sleep=no_wait, report=report
    )
    first = [await handle(n) for n in notices]
    for _ in range(200):
        await asyncio.sleep(0)
    return first, reported


QUICK = Behaviour(latency_ms=0, failure_rate=0.0, task_ms=0, late_rate=0.0, blocked_rate=0.0)


async def test_the_lead_acknowledges_at_once_then_reports_progress_and_completes() -> None:
    notices = [task() for _ in range(5)]
    first, reported = await _run(notices, QUICK)
    for notice, ack in zip(notices, first, strict=True):
        assert ack is not None and isinstance(ack.data, TaskAcknowledgement)
        assert ack.data.acknowledged_on == TODAY
        mine = [m.data for m in reported if m.data.task_id == notice.data.task_id]
        assert [type(m) for m in mine] == [TaskProgress, TaskCompletion]
        assert isinstance(mine[1], TaskCompletion) and mine[1].evidence
        assert mine[1].completed_on == TODAY
    assert all(m.envelope.organization == LEAD for m in reported)
    assert len({m.envelope.event_id for m in reported}) == len(reported)


async def test_a_co_unit_has_nothing_to_answer() -> None:
    first, reported = await _run([task(Role.CO_UNIT)], QUICK, org=CO_UNIT)
    assert first == [None] and reported == []


async def test_late_tasks_are_completed_after_their_due_day_and_never_after_today() -> None:
    assigned = TODAY - timedelta(days=60)
    notices = [task(assigned=assigned, due_days=15) for _ in range(5)]
    late = Behaviour(latency_ms=0, failure_rate=0, task_ms=0, late_rate=1.0, blocked_rate=0.0)
    first, reported = await _run(notices, late)
    done = [m.data for m in reported if isinstance(m.data, TaskCompletion)]
    assert len(done) == 5
    for d in done:
        assert assigned + timedelta(days=15) < d.completed_on <= TODAY
    # acknowledged on its acknowledgement day, which has passed: no day after today
    assert {a.data.acknowledged_on for a in first if a is not None} == {
        assigned + timedelta(days=3)
    }


async def test_a_blocked_task_names_what_the_lead_needs_and_is_not_completed() -> None:
    blocking = Behaviour(latency_ms=0, failure_rate=0, task_ms=0, blocked_rate=1.0)
    _, reported = await _run([task()], blocking)
    assert [type(m.data) for m in reported] == [TaskBlockage]
    assert reported[0].data.needs == (CO_UNIT,)


async def test_the_finance_bureau_decides_within_the_budget_and_pays_what_it_approved() -> None:
    notices = [aid_request(), aid_request(remaining="40000")]
    no_refusal = Behaviour(latency_ms=0, failure_rate=0, task_ms=0, aid_refusal_rate=0.0)
    first, reported = await _run(notices, no_refusal, org=FINANCE)
    decisions = [m.data for m in first if m is not None]
    assert [d.approved for d in decisions] == [True, True]
    assert [d.amount for d in decisions] == [Decimal("50000"), Decimal("40000")]
    assert all(d.fee_part <= min(d.amount, Decimal("30000")) for d in decisions)
    paid = sorted(m.data.amount for m in reported if isinstance(m.data, DisburseExpenseAid))
    assert paid == [Decimal("40000"), Decimal("50000")]
    refusing = Behaviour(latency_ms=0, failure_rate=0, task_ms=0, aid_refusal_rate=1.0)
    first, reported = await _run([aid_request()], refusing, org=FINANCE)
    assert first[0] is not None and not first[0].data.approved and first[0].data.amount == 0
    assert reported == []


def test_the_simulation_answers_for_the_units_of_a_bankruptcy_in_its_own_context() -> None:
    registry = Registry.load()
    units = {o.code for o in bankruptcy_units(registry)}
    assert {"TU410482", "JO410300", "FN410300", "TG410482001"} <= units
    assert not units & {"CT410300", "AMLUOPU410300", "FUYUAN", "PR410300"}
    both = ("enforcement", "bankruptcy")
    assert contexts_of(registry.get("NR410300"), both) == ["enforcement", "bankruptcy"]
    assert contexts_of(registry.get("TU410482"), both) == ["bankruptcy"]
    assert contexts_of(registry.get("JO410300"), both) == ["bankruptcy"]
    assert [o.code for o in simulated_bureaus(registry, ["TU410482"])] == ["TU410482"]
    with pytest.raises(ValueError, match="AMLUOPU410300"):
        simulated_bureaus(registry, ["AMLUOPU410300"])


def test_fuyuan_bureau_listen_hears_only_contexts_with_notices_for_bureaus() -> None:
    from typer.testing import CliRunner

    from services.cli.main import app

    args = ["bureau", "listen", "--org", LEAD, "--exec", "cat", "--context", "ledger"]
    got = CliRunner().invoke(app, args, env={"COLUMNS": "200"})
    assert got.exit_code == 2
    assert "not a context with notices for bureaus: ledger" in got.output
