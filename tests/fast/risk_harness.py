"""An in-memory risk service for the fast tier: the real consumers of `services.risk.subscribers`,
their intake, the handlers, the due projection and the deadline runner, over the memory event
store, on a clock the test moves. The delivery, the relay and the clock are the enforcement
harness's (`tests.fast.harness`)."""

from __future__ import annotations

import itertools
import uuid

from contracts.base import Payload
from contracts.envelope import Message
from contracts.organizations import Registry
from contracts.subjects import subject
from services.risk import projections, subscribers
from services.risk.deadlines import Deadlines
from services.risk.handlers import Handlers
from services.risk.settings import RiskSettings
from services.runtime.consumer import Consumer, Delivery
from services.runtime.consumer import _handle as consume
from services.runtime.eventstore.memory import MemoryEventStore
from tests.fast.harness import Clock, Published, _matches, message
from tests.fast.harness import reference_data as enforcement_reference_data


def registry() -> Registry:
    return enforcement_reference_data()[0]


class RiskHarness:
    """The risk service as `main.py` composes it, with memory adapters."""

    def __init__(self, clock: Clock | None = None, settings: RiskSettings | None = None) -> None:
        self.clock = clock or Clock()
        self.settings = settings or RiskSettings()
        self.store = MemoryEventStore()
        self.projector = projections.on_memory(self.store, self.settings.overdue_period_days)
        self.handlers = Handlers(self.store, registry(), self.settings)
        self.consumers: list[Consumer] = subscribers.consumers(
            self.handlers, self.clock, max_attempts=5
        )
        self.deadlines = Deadlines(
            self.store, self.clock, self.handlers, projections.Reads(self.projector)
        )
        self._sequence = itertools.count(1)
        self._relayed = 0

    async def send(
        self, payload: Payload, sender: str, *, event_id: uuid.UUID | None = None
    ) -> list[Published]:
        """`sender` sends `payload` on its own subject; what the relay publishes after it."""
        msg = message(payload, sender, self.clock(), event_id=event_id)
        return await self.deliver(msg, subject(msg.envelope.type, sender))

    async def deliver(self, msg: Message[Payload], name: str) -> list[Published]:
        """`msg` arrives on the subject `name` (another service's notice, addressed there)."""
        found = [c for c in self.consumers if _matches(c.subject, name)]
        assert len(found) == 1, f"{name} is taken by {len(found)} consumers"
        delivery = Delivery(
            subject=name,
            data=msg.model_dump_json().encode(),
            headers={},
            attempt=1,
            stream_sequence=next(self._sequence),
        )
        await consume(found[0], delivery)
        return await self.relay()

    async def relay(self) -> list[Published]:
        """What was committed since the last look, in position order, as the relay publishes."""
        out = []
        while batch := await self.store.read_all(after_position=self._relayed):
            out += [Published(e.subject, e.message, e.headers) for e in batch]
            self._relayed = batch[-1].position
        return out

    async def tick_deadlines(self) -> list[Published]:
        """One tick of the deadline runner at the harness's clock; what it published."""
        await self.deadlines.tick()
        return await self.relay()
