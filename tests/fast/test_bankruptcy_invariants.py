"""破产受理的效力, as a property: over random interleavings of a company's cases being registered,
freezes ordered and answered (applied, queued, refused), listings, the court's acceptance of the
company's bankruptcy and redeliveries of any message, through the enforcement service's real
consumers: each open case of the company is suspended exactly once, no control is left in force
on the company once every release is answered, and no new control is ordered after the
acceptance."""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from contracts.enforcement import ControlOutcome, Outcome
from contracts.subjects import subject
from services.enforcement.domain.case import ControlState
from services.enforcement.handlers import load_case
from tests.fast import builders as b
from tests.fast import test_bankruptcy_effects as bankrupt
from tests.fast.builders import BANK, COMPANY, COURT
from tests.fast.harness import Harness, Published, message, of_type

CASES = ("（2026）豫0482执1234号", "（2026）豫0482执1300号")
IN_FORCE = {ControlState.REQUESTED, ControlState.APPLIED, ControlState.QUEUED}
BOSS = b.Person(name="王某", id_number=b.resident("19700301"))

operation = st.one_of(
    st.tuples(st.just("register"), st.integers(0, 1)),
    st.tuples(st.just("freeze"), st.integers(0, 1), st.integers(1, 40)),
    st.tuples(
        st.just("answer"),
        st.integers(0, 20),
        st.sampled_from([Outcome.APPLIED, Outcome.QUEUED, Outcome.REFUSED]),
    ),
    st.tuples(st.just("list"), st.integers(0, 1)),
    st.tuples(st.just("accept")),
    st.tuples(st.just("redeliver"), st.integers(0, 50)),
)


class World:
    """The service, the messages sent so far (for redelivery) and what it published."""

    def __init__(self) -> None:
        self.h = Harness()
        self.sent: list[tuple[str, bytes]] = []
        self.published: list[Published] = []
        self.open_orders: list[Published] = []
        self.accepted_at: int | None = None
        """How many messages were published before the acceptance took effect."""
        self.acceptance = uuid.uuid4()

    async def send(self, payload: Any, sender: str, **more: Any) -> list[Published]:
        msg = message(payload, sender, self.h.clock(), **more)
        return await self.deliver(
            subject(msg.envelope.type, sender), msg.model_dump_json().encode()
        )

    async def deliver(self, subject_name: str, data: bytes) -> list[Published]:
        self.sent.append((subject_name, data))
        out = await self.h.deliver(subject_name, data)
        self.published += out
        self.open_orders += of_type(out, "notice.control_order", BANK)
        return out

    async def answer(self, order: Published, outcome: Outcome) -> None:
        self.open_orders.remove(order)
        if order.data["action"] != "freeze":
            outcome = Outcome.APPLIED  # a bureau carries out a release or deduction
        reply = ControlOutcome(order_id=order.data["order_id"], outcome=outcome)
        await self.send(reply, BANK, case_number=order.data["case_number"])

    async def run(self, op: tuple[Any, ...]) -> None:
        match op:
            case ("register", i):
                await self.send(b.register(CASES[i], COMPANY), COURT)
            case ("freeze", i, amount):
                cmd = b.freeze(str(amount * 100)).model_copy(update={"case_number": CASES[i]})
                await self.send(cmd, COURT)
            case ("answer", i, outcome) if self.open_orders:
                await self.answer(self.open_orders[i % len(self.open_orders)], outcome)
            case ("list", i):
                number = CASES[i]
                restrict = b.restrict(COMPANY, legal_representative=BOSS, case_number=number)
                await self.send(restrict, COURT)
                listing = b.listing(debtor=COMPANY, legal_representative=BOSS)
                await self.send(listing.model_copy(update={"case_number": number}), COURT)
            case ("accept",):
                out = await self.send(bankrupt.accepted(), COURT, event_id=self.acceptance)
                if of_type(out, "event.debtor_bankruptcy_recorded") and self.accepted_at is None:
                    self.accepted_at = len(self.published) - len(out)
            case ("redeliver", i) if self.sent:
                await self.deliver(*self.sent[i % len(self.sent)])

    async def settle(self) -> None:
        """Every order still with the bureau is carried out, until none is left."""
        while self.open_orders:
            await self.answer(self.open_orders[0], Outcome.APPLIED)


async def scenario(ops: list[tuple[Any, ...]]) -> None:
    w = World()
    for op in ops:
        await w.run(op)
    await w.settle()
    registered = {p.data["case_number"] for p in of_type(w.published, "event.case_registered")}
    suspended = Counter(
        p.data["case_number"]
        for p in of_type(w.published, "event.enforcement_suspended_for_bankruptcy")
    )
    if w.accepted_at is None:
        assert suspended == Counter()
        return
    assert suspended == Counter(registered), "exactly one suspension per case of the debtor"
    for number in registered:
        case, _ = await load_case(w.h.store, number)
        left = [c.control_id for c in case.controls.values() if c.status in IN_FORCE]
        assert left == [], f"controls left in force in {number}: {left}"
    after = w.published[w.accepted_at :]
    freezes = [p for p in of_type(after, "event.control_ordered") if p.data["action"] == "freeze"]
    assert freezes == [], "no new control after the acceptance"


@settings(max_examples=80, deadline=None)
@given(st.lists(operation, min_size=1, max_size=30))
def test_one_suspension_per_case_no_control_left_and_none_taken_after_acceptance(
    ops: list[tuple[Any, ...]],
) -> None:
    asyncio.run(scenario([("register", 0), *ops, ("accept",)]))
