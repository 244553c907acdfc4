"""A new court and a new bureau, from the golden samples alone: the samples are one case, and
each command and reply sample of the enforcement context, sent in the order of the case to a real
service with a fresh event id (and, where a sample names something an earlier message created,
the id that message went out with), is taken with an effect its sender sees. The one refusal is
the point of its step: a case resumed under a new number is no longer concluded under its old
one."""

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


COMMANDS_AND_REPLIES = {
    path.name.removeprefix("enforcement.").removesuffix(".v1.json")
    for kind in ("command", "reply")
    for path in GOLDEN.glob(f"enforcement.{kind}.*.json")
}


async def test_every_golden_command_and_reply_is_taken_in_the_order_of_one_case(
    world: World,
) -> None:
    world.silent = expected_bureaus() | {SANCTIONS_BUREAU}  # the samples answer for them
    it = Integrator(world)
    await world.nc.subscribe("enforcement.>", cb=it.heard)
    await it.accepted("command.register_case", "case_registered")
    await it.accepted("command.query_property", "property_query")
    await it.accepted("reply.property_answer", "property_answer_recorded")
    await it.accepted("command.freeze_property", "control_order")
    await it.order_applied()
    await it.accepted("reply.object_to_control", "control_objection")
    await it.accepted("command.answer_objection", "objection_answer")
    await it.accepted("command.renew_control", "control_order")
    await it.order_applied()
    await it.accepted("command.release_excess", "control_order")
    await it.order_applied()
    # the excess released, the freeze holds 10 000 less: the deduction takes what is left
    await it.accepted("command.deduct_funds", "control_order", amount="38210.55")
    await it.order_applied()
    await it.accepted("command.release_control", "control_order")
    await it.order_applied()
    # A listing needs a consumption restriction in force for at least as long: restrict first.
    await it.accepted("command.restrict_consumption", "sanction_imposed")
    await it.accepted("command.grant_restriction_exemption", "restriction_exempted")
    # The applicant asks for a listing; the court refuses it, then lists on its own motion.
    await it.accepted("command.record_listing_request", "listing_requested")
    await it.accepted("command.refuse_listing_request", "listing_request_refused")
    await it.accepted("command.list_dishonest_debtor", "sanction_imposed")
    notice = it.last("sanction", to=SANCTIONS_BUREAU)["notice_id"]
    await it.accepted("reply.sanction_ack", "sanction_acknowledged", notice_id=notice)
    await it.accepted("command.ask_sanction_status", "sanction_status")
    await it.accepted("command.record_credit_repair", "credit_repair_recorded")
    await it.accepted("command.correct_listing", "listing_corrected")
    await it.accepted("command.record_listing_duty", "listing_duty_arose")
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
    await it.accepted("command.resume_enforcement", "enforcement_resumed")
    # The point of this step is the refusal: the resumed case goes on, and ends, under its 执恢
    # number; the case closed by 终本 is no longer performed, suspended or terminated itself.
    await it.refused("command.conclude_case", "data.case_number", "already resumed as")
    sent = {name for name in COMMANDS_AND_REPLIES if sample(name)["envelope"]["event_id"] in it.ids}
    assert COMMANDS_AND_REPLIES - sent == {"command.conclude_case"}
