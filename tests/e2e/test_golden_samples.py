"""A new court and a new bureau, from the golden samples alone: each command and reply sample of
the enforcement context, sent to a real service with a fresh event id (and, where a sample names
something an earlier message created, that message's id), is accepted with an effect its sender
sees, or refused with a rejection naming the field to change and saying how."""

from __future__ import annotations

import asyncio
import json
import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.world import World, expected_bureaus

pytestmark = pytest.mark.integration

GOLDEN = Path(__file__).parents[1] / "contract" / "golden"
SANCTIONS_BUREAU = "RW410000"


def sample(name: str) -> dict[str, Any]:
    return dict(json.loads((GOLDEN / f"enforcement.{name}.v1.json").read_text()))


@dataclass
class Integrator:
    """Sends golden samples as a court or a bureau would, and reads what comes back."""

    world: World
    seen: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    ids: dict[str, str] = field(default_factory=dict)
    """A sample's event id → the id the accepted message went out with."""

    async def heard(self, raw: Any) -> None:
        self.seen.append((raw.subject, json.loads(raw.data)))

    async def send(self, name: str, **data: Any) -> tuple[str, list[dict[str, str]] | None]:
        """Publish the sample with a fresh event id, earlier samples' ids replaced by those
        they went out with, `data` changed; the first answer: (subject, problems or None)."""
        msg = sample(name)
        old, new = msg["envelope"]["event_id"], str(uuid.uuid4())
        text = json.dumps(msg, ensure_ascii=False)
        for before, after in self.ids.items():
            text = text.replace(before, after)
        msg = json.loads(text)
        msg["envelope"]["event_id"] = msg["envelope"]["correlation_id"] = new
        msg["data"].update(data)
        org = msg["envelope"]["organization"]
        body = json.dumps(msg).encode()
        await self.world.nc.jetstream().publish(f"enforcement.{name}.v1.{org}", body)
        for _ in range(500):
            for subject, body in self.seen:
                answers = (
                    body["envelope"].get("causation_id"),
                    body["data"].get("rejected_event_id"),
                )
                if new in answers:
                    problems = body["data"].get("problems")
                    if problems is None:
                        self.ids[old] = new
                    return subject, problems
            await asyncio.sleep(0.02)
        raise AssertionError(f"no answer to {name}")

    async def accepted(self, name: str, effect: str, **data: Any) -> None:
        """The sample is taken, and one of the messages it leads to is `effect`."""
        _, problems = await self.send(name, **data)
        assert problems is None, f"{name} refused: {problems}"
        new = self.ids[sample(name)["envelope"]["event_id"]]
        for _ in range(500):
            caused = [s for s, b in self.seen if b["envelope"].get("causation_id") == new]
            if any(f".{effect}." in s for s in caused):
                return
            await asyncio.sleep(0.02)
        raise AssertionError(f"{name} led to no {effect}")

    async def refused(self, name: str, at: str, saying: str, **data: Any) -> None:
        _, problems = await self.send(name, **data)
        assert problems is not None, f"{name} accepted"
        assert [(p["field"], saying in p["reason"]) for p in problems] == [(at, True)], problems

    def last(self, name: str, to: str = "") -> dict[str, Any]:
        return [b for s, b in self.seen if f".{name}." in s and s.endswith(to)][-1]["data"]

    async def order_applied(self) -> None:
        """The bureau answers the last control order with the golden outcome."""
        order = self.last("control_order")["order_id"]
        await self.accepted("reply.control_outcome", "control_report", order_id=order)


async def test_every_golden_command_and_reply_is_taken_or_refused_saying_what_to_change(
    world: World,
) -> None:
    world.silent = expected_bureaus() | {SANCTIONS_BUREAU}  # the samples answer for them
    it = Integrator(world)
    await world.nc.subscribe("enforcement.>", cb=it.heard)
    await it.accepted("command.register_case", "case_registered")
    debtor = sample("command.register_case")["data"]["debtors"][0]
    await it.accepted("command.query_property", "property_query")
    await it.accepted("reply.property_answer", "property_answer_recorded")
    await it.accepted("command.freeze_property", "control_order")
    await it.order_applied()
    await it.accepted("command.renew_control", "control_order")
    await it.order_applied()
    await it.accepted("command.deduct_funds", "control_order")
    await it.order_applied()
    await it.accepted("command.release_control", "control_order")
    await it.order_applied()
    # The sanction samples name another debtor than the registration sample's case: the
    # rejection says so, and the court sends its own case's debtor.
    await it.refused("command.restrict_consumption", "data.debtor", "not a debtor of this case")
    await it.accepted("command.restrict_consumption", "sanction_imposed", debtor=debtor)
    await it.refused("command.list_dishonest_debtor", "data.debtor", "not a debtor of this case")
    await it.accepted("command.list_dishonest_debtor", "sanction_imposed", debtor=debtor)
    notice = it.last("sanction", to=SANCTIONS_BUREAU)["notice_id"]
    await it.accepted("reply.sanction_ack", "sanction_acknowledged", notice_id=notice)
    await it.accepted("command.ask_sanction_status", "sanction_status")
    await it.accepted("command.record_credit_repair", "credit_repair_recorded")
    await it.accepted("command.correct_listing", "listing_corrected")
    await it.accepted("command.lift_sanction", "sanction_lifted")
    # 终本 needs a completed query: the silent bureaus are named once its deadline passes.
    world.clock.now += timedelta(hours=72, seconds=1)
    # The bureaus' acknowledgements of the lift may move the case under the tick, which then
    # looks again: tick until it has written, within a bound.
    for _ in range(100):
        if await world.deadlines().tick():
            break
        await asyncio.sleep(0.02)
    await it.accepted("command.close_without_property", "case_closed_without_property")
