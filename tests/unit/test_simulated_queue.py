"""The simulated bureaus report a queued freeze or seizure (轮候) again later: taken effect on
that day, or lapsed because the authority before it disposed of the property in full; the
simulated courts now and then release the excess of a freeze."""

from __future__ import annotations

import asyncio
import random
import uuid
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from contracts.enforcement import (
    Action,
    ControlOrder,
    ControlReport,
    ControlStatus,
    Holding,
    Outcome,
    PropertyKind,
    ReleaseExcess,
)
from contracts.envelope import Envelope, Message
from contracts.organizations import Registry
from contracts.registry import parse_message
from services.bureaus.simulator import Behaviour, queue_outcome, simulated_handler
from services.cli.simulate import Courts
from tests.fast.harness import message

NOW = datetime(2025, 3, 1, 9, 30, tzinfo=UTC)
BUREAU = "NR410300"


def notice(encumbered: bool) -> Message[ControlOrder]:
    data = ControlOrder(
        order_id=uuid.uuid4(),
        control_id=uuid.uuid4(),
        action=Action.SEIZE,
        case_number="（2025）豫03执12号",
        executing_court="CT410300",
        holding=Holding(
            kind=PropertyKind.REAL_ESTATE,
            reference="豫（2024）洛阳市不动产权第0012345号",
            encumbered=encumbered,
        ),
        amount=Decimal("1000.00"),
        until=date(2026, 3, 1),
    )
    env = Envelope(
        event_id=uuid.uuid4(),
        type=ControlOrder.TYPE,
        occurred_at=NOW,
        organization="FUYUAN",
        correlation_id=uuid.uuid4(),
        case_number=data.case_number,
    )
    return Message[ControlOrder](envelope=env, data=data)


async def test_a_queued_seizure_is_reported_later_taken_effect_that_day_or_lapsed() -> None:
    reported: list[Message[Any]] = []

    async def report(msg: Message[Any]) -> None:
        reported.append(msg)

    async def no_wait(_: float) -> None:
        return None

    behaviour = Behaviour(latency_ms=0, failure_rate=0.0, refusal_rate=0.0, queue_ms=0)
    handle = simulated_handler(
        Registry.load().get(BUREAU), behaviour, clock=lambda: NOW, sleep=no_wait, report=report
    )
    queued = [notice(encumbered=True) for _ in range(40)]
    for n in queued:
        first = await handle(n)
        assert first is not None and first.data.outcome is Outcome.QUEUED
    applied = await handle(notice(encumbered=False))
    assert applied is not None and applied.data.outcome is Outcome.APPLIED
    for _ in range(100):
        if len(reported) == len(queued):
            break
        await asyncio.sleep(0)
    assert sorted(str(m.data.order_id) for m in reported) == sorted(
        str(n.data.order_id) for n in queued
    )
    assert {m.data.outcome for m in reported} == {Outcome.TOOK_EFFECT, Outcome.LAPSED}
    for m in reported:
        took = m.data.outcome is Outcome.TOOK_EFFECT
        assert m.data.effective_on == (NOW.date() if took else None)
        assert took or "整体处置" in (m.data.reason or "")
        assert m.envelope.organization == BUREAU
    assert len({m.envelope.event_id for m in reported}) == len(reported)


def test_what_becomes_of_a_queue_is_a_function_of_the_seed_and_the_order() -> None:
    n = notice(encumbered=True).data
    first = queue_outcome(n, BUREAU, seed=7, disposed_rate=0.25)
    assert all(queue_outcome(n, BUREAU, seed=7, disposed_rate=0.25) == first for _ in range(5))
    assert queue_outcome(n, BUREAU, seed=7, disposed_rate=1.0)[0] is Outcome.LAPSED
    assert queue_outcome(n, BUREAU, seed=7, disposed_rate=0.0) == (Outcome.TOOK_EFFECT, None)


class _Raw:
    def __init__(self, subject: str, data: bytes) -> None:
        self.subject, self.data = subject, data


class _JetStream:
    def __init__(self) -> None:
        self.sent: list[tuple[str, bytes]] = []

    async def publish(self, subject: str, body: bytes, headers: dict[str, str]) -> None:
        self.sent.append((subject, body))


async def test_the_simulated_courts_now_and_then_release_the_excess_of_an_applied_freeze() -> None:
    js = _JetStream()
    courts = Courts(js, random.Random(3), invalid=0.0)
    courts.EXCESS_RATE = 1.0
    court = next(iter(courts.courts.values()))
    case_number = "（2025）豫03执12号"
    control_id = uuid.uuid4()
    courts.frozen[str(control_id)] = (court, case_number, Decimal("50000"))
    report = ControlReport(
        control_id=control_id,
        case_number=case_number,
        status=ControlStatus.APPLIED,
        bureau=BUREAU,
    )
    raw = message(report, "FUYUAN", NOW, case_number=case_number).model_dump_json().encode()
    await courts.on_report(_Raw(f"enforcement.notice.control_report.v1.{court.code}", raw))
    [(subject, body)] = js.sent
    sent = parse_message(body).data
    assert isinstance(sent, ReleaseExcess) and subject.endswith(court.code)
    assert (sent.control_id, sent.amount) == (control_id, Decimal("10000.00"))
    await courts.on_report(_Raw(f"enforcement.notice.control_report.v1.{court.code}", raw))
    assert len(js.sent) == 1  # once per freeze
