"""The joint mechanism through the running risk service, on real NATS and PostgreSQL, on a clock
the test moves: a linkage item through the leading group's approval to its close, with an
implementation before the approval refused; a meeting requested, convened, held, its memo items
owned, progress reported, one accepted and one running late — overdue once, escalated to the
leading group, accountability raised citing it; a unit convening a meeting refused naming the
field; a blocked bankruptcy task arriving as a meeting request."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from nats.aio.client import Client

from contracts.bankruptcy import tasks as bankruptcy_tasks
from contracts.base import Payload
from contracts.envelope import Envelope, Message
from contracts.subjects import subject
from services.risk import main as risk_main
from services.risk.main import build, spec
from services.runtime.host import RunningService
from tests.e2e.world import Clock, Heard, served
from tests.fast import risk_builders as b

pytestmark = pytest.mark.integration


@dataclass
class Mechanism(Heard):
    """The units, the office and the leading group: what each received, and how they send."""

    nc: Client
    service: RunningService
    clock: Clock

    async def publish(self, payload: Payload, org: str, to: str | None = None) -> None:
        """`org` sends `payload` on its own subject, or (a notice) on `to`'s."""
        eid = uuid.uuid4()
        env = Envelope(
            event_id=eid,
            type=payload.TYPE,
            occurred_at=self.clock(),
            organization=org,
            correlation_id=eid,
        )
        msg = Message[type(payload)](envelope=env, data=payload)  # type: ignore[misc,operator]
        await self.nc.jetstream().publish(
            subject(payload.TYPE, to or org),
            msg.model_dump_json().encode(),
            headers={"Nats-Msg-Id": str(eid)},
        )

    async def step(self, payload: Payload, fact: str, org: str) -> dict[str, Any]:
        """Send a command and wait for its fact (or a rejection naming what was wrong)."""
        before = len(self.received(fact))
        await self.publish(payload, org)
        return (await self.wait(fact, before + 1))[-1]

    async def tick(self) -> int:
        """One tick of the service's own deadline runner, at the test's clock."""
        return await build(self.service.wiring, self.clock).deadlines.tick()


@pytest.fixture
async def mechanism(nats_url: str, database_url: str, nc: Client) -> AsyncIterator[Mechanism]:
    risk_main.settings.cache_clear()
    async with served(spec, nats_url, database_url) as (service, clock):
        w = Mechanism(nc, service, clock)
        await nc.subscribe("risk.>", cb=w.take)
        yield w


async def test_a_linkage_item_through_approval_to_close(mechanism: Mechanism) -> None:
    w = mechanism
    await w.step(b.submit(), "event.linkage_item_submitted", b.UNIT)
    await w.step(b.review(), "event.linkage_item_reviewed", b.OFFICE)

    refused = await w.step(b.implement(), "rejection.message_rejected", b.NEEDED)
    assert refused["data"]["problems"][0]["field"] == "data.item_id"
    assert "before the leading group's approval" in refused["data"]["problems"][0]["reason"]
    assert w.received("rejection.message_rejected", to=b.NEEDED)

    approved = await w.step(b.decide(), "event.linkage_item_approved", b.GROUP)
    assert approved["envelope"]["organization"] == b.GROUP
    await w.step(b.implement(), "event.linkage_item_implemented", b.NEEDED)
    await w.step(b.report(), "event.linkage_item_reported", b.UNIT)
    closed = await w.step(b.close(), "event.linkage_item_closed", b.OFFICE)
    assert closed["data"]["item_id"] == str(b.ITEM)


async def test_a_meeting_its_memo_items_and_one_late_item_held_to_account(
    mechanism: Mechanism,
) -> None:
    w = mechanism
    await w.step(b.request(), "event.coordination_meeting_requested", b.UNIT)

    refused = await w.step(b.convene(), "rejection.message_rejected", b.UNIT)
    assert refused["data"]["problems"][0]["field"] == "envelope.organization"
    assert (
        "may not send risk.command.convene_meeting.v1" in refused["data"]["problems"][0]["reason"]
    )

    await w.step(b.convene(), "event.meeting_convened", b.OFFICE)
    await w.step(b.hold(), "event.meeting_held", b.OFFICE)
    memo = await w.step(b.memo(), "event.memo_issued", b.OFFICE)
    owners = {(i["owner_unit"], i["owner_person"], i["due_on"]) for i in memo["data"]["items"]}
    assert owners == {
        (b.OWNER, "张三 副局长", str(b.DUE_A)),
        (b.OWNER2, "张三 副局长", str(b.DUE_B)),
    }
    await w.step(b.progress(), "event.memo_item_progress_reported", b.OWNER)
    await w.step(b.claim(b.MEMO_B), "event.memo_item_completion_claimed", b.OWNER2)
    await w.step(b.accept(b.MEMO_B), "event.memo_item_accepted", b.OFFICE)

    w.clock.now += timedelta(days=12)  # item A was due on 30 November
    for _ in range(3):  # however often the runner looks, once per period
        await w.tick()
    overdue = await w.wait("event.memo_item_overdue", to=b.OFFICE)
    await w.wait("notice.memo_item_escalated", to=b.GROUP)
    await w.wait("notice.memo_item_escalated", to=b.OWNER)
    assert [o["data"]["item_id"] for o in overdue] == [str(b.MEMO_A)]
    await asyncio.sleep(0.3)
    assert len(w.received("event.memo_item_overdue")) == 1

    raised = await w.step(
        b.accountability(decided_on=w.clock().date()), "event.accountability_raised", b.OFFICE
    )
    assert raised["data"]["basis"] == {
        "kind": "overdue_memo_item",
        "meeting_id": str(b.MEETING),
        "item_id": str(b.MEMO_A),
        "key_item": None,
        "entry_id": None,
        "reconciled_on": None,
    }
    assert raised["data"]["overdue_period"] == 0


async def test_a_blocked_bankruptcy_task_arrives_as_a_meeting_request(
    mechanism: Mechanism,
) -> None:
    w = mechanism
    task = uuid.uuid4()
    notice = bankruptcy_tasks.CoordinationMeetingRequested(
        task_id=task,
        case_number="（2026）豫0482破5号",
        topic="tax",
        lead=b.OWNER2,
        obstacle="欠税滞纳金核销无依据",
        needs=(b.OWNER,),
    )
    await w.publish(notice, b.OWNER2, to=b.OFFICE)
    requested = (await w.wait("event.coordination_meeting_requested"))[-1]
    assert requested["data"]["bankruptcy_task"] == str(task)
    assert requested["data"]["joint_office"] == b.OFFICE
    await w.step(
        b.convene().model_copy(update={"meeting_id": uuid.UUID(requested["data"]["meeting_id"])}),
        "event.meeting_convened",
        b.OFFICE,
    )
