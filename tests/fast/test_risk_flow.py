"""The risk service's workflows through its consumers and its deadline runner, in memory: a
linkage item from submission to close, a meeting from request to accepted memo items with one
running late (overdue once per period, escalated, accountability citing it), a blocked
bankruptcy task arriving as a meeting request, the leading group's six-monthly meeting."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from contracts.bankruptcy import tasks as bankruptcy_tasks
from contracts.subjects import subject
from services.risk.settings import RiskSettings
from tests.fast import risk_builders as b
from tests.fast.harness import Clock, message
from tests.fast.risk_harness import RiskHarness


async def test_a_linkage_item_from_submission_to_close() -> None:
    h = RiskHarness()
    steps = [
        (b.submit(), b.UNIT, "linkage_item_submitted"),
        (b.review(), b.OFFICE, "linkage_item_reviewed"),
        (b.decide(), b.GROUP, "linkage_item_approved"),
        (b.implement(), b.NEEDED, "linkage_item_implemented"),
        (b.implement(action="已办理施工许可"), b.UNIT, "linkage_item_implemented"),
        (b.report(), b.UNIT, "linkage_item_reported"),
        (b.close(), b.OFFICE, "linkage_item_closed"),
    ]
    for cmd, by, name in steps:
        out = await h.send(cmd, by)
        assert [p.type for p in out] == [f"risk.event.{name}.v1"], [
            (p.type, p.problems) for p in out
        ]
        assert out[0].to == by


async def test_a_rejected_item_is_never_carried_out() -> None:
    h = RiskHarness()
    b.assert_effect(await h.send(b.submit(), b.UNIT))
    b.assert_effect(await h.send(b.review(), b.OFFICE))
    assert [p.type for p in await h.send(b.decide(approved=False), b.GROUP)] == [
        "risk.event.linkage_item_rejected.v1"
    ]
    out = await h.send(b.implement(), b.NEEDED)
    assert out[0].problems[0][0] == "data.item_id"


async def test_a_late_memo_item_is_overdue_once_per_period_escalated_and_held_to_account() -> None:
    h = RiskHarness()
    await b.memo_issued(h)
    b.assert_effect(await h.send(b.progress(), b.OWNER))
    b.assert_effect(await h.send(b.claim(b.MEMO_B), b.OWNER2))
    b.assert_effect(await h.send(b.accept(b.MEMO_B), b.OFFICE))
    assert await h.tick_deadlines() == []  # item A is due on 30 November

    h.clock.advance(timedelta(days=11))  # 1 December: the first overdue period
    out = await h.tick_deadlines()
    assert [(p.type, p.to) for p in out] == [
        ("risk.event.memo_item_overdue.v1", b.OFFICE),
        ("risk.notice.memo_item_escalated.v1", b.GROUP),
        ("risk.notice.memo_item_escalated.v1", b.OWNER),
    ]
    assert out[0].data["item_id"] == str(b.MEMO_A) and out[0].data["period"] == 0
    h.clock.advance(timedelta(days=29))  # still the first period
    assert await h.tick_deadlines() == []

    out = await h.send(b.accountability(decided_on=date(2026, 12, 2)), b.OFFICE)
    assert [p.type for p in out] == ["risk.event.accountability_raised.v1"]
    assert out[0].data["basis"]["item_id"] == str(b.MEMO_A)
    again = await h.send(b.accountability(decided_on=date(2026, 12, 2)), b.OFFICE)
    assert again[0].problems[0][0] == "data.basis"

    h.clock.advance(timedelta(days=1))  # 31 December: the second period
    out = await h.tick_deadlines()
    assert [p.data["period"] for p in out if p.type.endswith("overdue.v1")] == [1]

    b.assert_effect(await h.send(b.claim(), b.OWNER))
    b.assert_effect(await h.send(b.accept(), b.OFFICE))
    h.clock.advance(timedelta(days=90))
    assert await h.tick_deadlines() == []  # accepted: no more chasing


async def test_the_overdue_period_is_a_setting() -> None:
    h = RiskHarness(settings=RiskSettings(overdue_period_days=7))
    await b.memo_issued(h, b.memo_item())
    periods = []
    for _ in range(30):
        h.clock.advance(timedelta(days=1))
        periods += [p.data["period"] for p in await h.tick_deadlines() if "overdue" in p.type]
    assert periods == [0, 1, 2]  # 1, 8 and 15 December, up to 20 December


async def test_a_blocked_bankruptcy_task_arrives_as_a_meeting_request_once() -> None:
    h = RiskHarness()
    notice = bankruptcy_tasks.CoordinationMeetingRequested(
        task_id=uuid.uuid4(),
        case_number="（2026）豫0482破5号",
        topic="tax",
        lead=b.OWNER2,
        obstacle="欠税滞纳金核销无依据",
        needs=(b.OWNER,),
    )
    sent = message(notice, b.OWNER2, h.clock())
    msg = sent.model_copy(
        update={"envelope": sent.envelope.model_copy(update={"case_number": None})}
    )
    name = subject(notice.TYPE, b.OFFICE)
    out = await h.deliver(msg, name)
    assert [p.type for p in out] == ["risk.event.coordination_meeting_requested.v1"]
    assert out[0].data["matter"] == "bankruptcy_task"
    assert out[0].data["joint_office"] == b.OFFICE
    assert out[0].data["bankruptcy_task"] == str(notice.task_id)
    assert (
        out[0].message["envelope"]["case_number"] == notice.case_number
    )  # the envelope names the case: the trace finds it
    assert await h.deliver(msg, name) == []  # a redelivery: no second request


async def test_the_leading_group_meets_every_six_months_or_is_told() -> None:
    h = RiskHarness(Clock())
    out = await h.send(b.leading_group_meeting(date(2026, 6, 1)), b.OFFICE)
    assert out[0].data["next_due_on"] == "2026-12-01"
    h.clock.advance(timedelta(days=11))
    assert await h.tick_deadlines() == []
    h.clock.advance(timedelta(days=1))  # 2 December
    out = await h.tick_deadlines()
    assert sorted((p.type, p.to) for p in out) == [
        ("risk.notice.leading_group_meeting_overdue.v1", b.OFFICE),
        ("risk.notice.leading_group_meeting_overdue.v1", b.GROUP),
    ]
    h.clock.advance(timedelta(days=5))
    assert await h.tick_deadlines() == []
