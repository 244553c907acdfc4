"""What the simulated courts, administrators and bureaus of `make run` send in a bankruptcy is
lawful: every step, request and answer is taken by the bankruptcy service (in memory), the cases
run to deregistration (or stop at a rejected petition), and the tasks are answered."""

from __future__ import annotations

import asyncio
import json
import random
from datetime import UTC, datetime
from typing import Any

from contracts.bankruptcy.aid import DisburseExpenseAid, ExpenseAidDecisionRequested
from contracts.bankruptcy.tasks import CoordinationTaskNotice
from contracts.enforcement import Organization
from contracts.envelope import Message
from contracts.organizations import Registry
from contracts.registry import parse_message
from services.bureaus.simulator import Behaviour, simulated_handler
from services.cli.simulate import Bankruptcies, Courts, register_case
from tests.fast.bankruptcy_harness import BankruptcyHarness
from tests.fast.harness import Clock, Published

NOW = datetime(2026, 12, 3, 9, 30, tzinfo=UTC)


def read(p: Published) -> Message[Any]:
    return parse_message(json.dumps(p.message).encode())


def courts_with_cases(rng: random.Random) -> Courts:
    courts = Courts(None, rng, invalid=0.0)
    for n, court in enumerate(list(courts.courts.values()) * 3, start=1):
        msg = register_case(rng, court, n, NOW)
        if isinstance(msg.data.debtors[0], Organization):
            courts.cases.append((court, msg.data))
    return courts


async def test_simulated_bankruptcies_are_lawful_and_their_tasks_answered() -> None:
    rng = random.Random(3)
    service = BankruptcyHarness(Clock(NOW))
    registry = Registry.load()
    bankruptcies = Bankruptcies(courts_with_cases(rng), rng)
    behaviour = Behaviour(latency_ms=0, failure_rate=0.0, task_ms=0, seed=5)
    published: list[Published] = []
    answers: list[Message[Any]] = []

    async def report(msg: Message[Any]) -> None:
        answers.append(msg)

    async def no_wait(_: float) -> None:
        return None

    async def deliver(out: list[Published]) -> None:
        published.extend(out)
        for p in out:
            msg = read(p)
            if not isinstance(msg.data, CoordinationTaskNotice | ExpenseAidDecisionRequested):
                continue
            org = p.subject.rsplit(".", 1)[1]
            handle = simulated_handler(
                registry.get(org), behaviour, clock=lambda: NOW, sleep=no_wait, report=report
            )
            reply = await handle(msg)
            if reply is not None:
                answers.append(reply)

    cases = 0
    for _ in range(120):
        msg = bankruptcies.next_message(NOW)
        assert msg is not None
        cases = max(cases, len(bankruptcies.debtors))
        out = await service.send(
            msg.data, msg.envelope.organization, case_number=msg.envelope.case_number
        )
        await deliver(out)
        for _ in range(20):  # the simulated bureaus' later answers, made in the background
            await asyncio.sleep(0)
            while answers:
                await _drain(answers, service, deliver)
    rejected = [p for p in published if ".rejection." in p.subject]
    reasons = [read(p).data for p in rejected]
    over_budget = [r for r in reasons if "budget" in str(r)]
    assert [r for r in reasons if r not in over_budget] == []
    types = {read(p).envelope.type for p in published}
    for expected in (
        "bankruptcy.event.petition_accepted.v1",
        "bankruptcy.event.coordination_task_completed.v1",
        "bankruptcy.event.employee_claims_published.v1",
        "bankruptcy.event.expense_aid_approved.v1",
        "bankruptcy.event.expense_aid_disbursed.v1",
        "bankruptcy.event.deregistration_completed.v1",
        "bankruptcy.event.administrator_discharged.v1",
        "bankruptcy.event.petition_rejected.v1",
    ):
        assert expected in types, expected
    assert cases >= 4


async def _drain(answers: list[Message[Any]], service: BankruptcyHarness, deliver: Any) -> None:
    msg = answers.pop(0)
    out = await service.send(
        msg.data, msg.envelope.organization, case_number=msg.envelope.case_number
    )
    assert isinstance(msg.data, DisburseExpenseAid) or msg.envelope.type.startswith(
        "bankruptcy.reply."
    )
    await deliver(out)
