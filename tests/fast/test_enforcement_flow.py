"""The enforcement service in memory: a court's command, a bureau's answer, the court's result."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from contracts.enforcement import ControlOutcome, Holding, Outcome, PropertyAnswer, PropertyKind
from contracts.enforcement.sanctions import AckOutcome, SanctionAck
from tests.fast.builders import (
    BANK,
    CASE,
    COURT,
    DEBTOR,
    freeze,
    only,
    query,
    registered,
    restrict,
)
from tests.fast.harness import Harness, of_type


async def test_a_query_goes_to_the_banks_and_their_answers_reach_the_court() -> None:
    h = Harness()
    await registered(h)
    notices = of_type(
        await h.send(query(DEBTOR, PropertyKind.DEPOSIT), COURT), "notice.property_query"
    )
    asked = {n.to for n in notices}
    assert asked and all(bureau.startswith("BK") for bureau in asked)
    found = Holding(kind=PropertyKind.DEPOSIT, reference="6222 0217", value=1200)
    for n in notices:
        answer = PropertyAnswer(
            query_id=n.data["query_id"], holdings=[found] if n.to == "BKICBC410482" else []
        )
        out = await h.send(answer, n.to, case_number=CASE)
        assert of_type(out, "rejection.message_rejected") == []
    result = only(out, "notice.property_result", to=COURT)
    assert result.data["complete"] is True
    assert [a["bureau"] for a in result.data["answers"] if a["holdings"]] == ["BKICBC410482"]


async def test_a_redelivered_command_has_no_second_effect() -> None:
    h = Harness()
    await registered(h)
    msg_id = uuid.uuid4()
    first = await h.send(query(DEBTOR), COURT, event_id=msg_id)
    assert of_type(first, "notice.property_query")
    assert await h.send(query(DEBTOR), COURT, event_id=msg_id) == []


async def test_the_service_runs_on_the_clock_the_test_moves() -> None:
    h = Harness()
    h.clock.advance(timedelta(days=3))
    out = await h.send(query(DEBTOR), COURT)
    rejected = only(out, "rejection.message_rejected", to=COURT)
    assert datetime.fromisoformat(rejected.message["envelope"]["occurred_at"]) == h.clock()


async def test_a_deadline_tick_with_nothing_due_publishes_nothing() -> None:
    assert await Harness().tick_deadlines() == []


async def test_a_freeze_goes_to_the_bank_and_its_outcome_reaches_the_court() -> None:
    h = Harness()
    await registered(h)
    order = only(await h.send(freeze("50000"), COURT), "notice.control_order", to=BANK)
    assert order.data["action"] == "freeze"
    reply = ControlOutcome(order_id=order.data["order_id"], outcome=Outcome.APPLIED)
    report = only(await h.send(reply, BANK, case_number=CASE), "notice.control_report", to=COURT)
    assert (report.data["status"], report.data["bureau"]) == ("applied", BANK)


async def test_a_restriction_reaches_every_enforcing_bureau_and_each_acknowledges() -> None:
    h = Harness()
    await registered(h)
    out = await h.send(restrict(), COURT)
    notices = of_type(out, "notice.sanction")
    assert len({n.to for n in notices}) == len(notices) > 1
    for n in notices:
        ack = SanctionAck(notice_id=n.data["notice_id"], outcome=AckOutcome.APPLIED)
        only(await h.send(ack, n.to, case_number=CASE), "event.sanction_acknowledged")


async def test_what_the_service_sends_carries_its_trace_context() -> None:
    h = Harness()
    await registered(h)
    notices = of_type(await h.send(query(DEBTOR), COURT), "notice.property_query")
    assert notices and all(n.headers["traceparent"].startswith("00-") for n in notices)
