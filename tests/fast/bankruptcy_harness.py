"""An in-memory bankruptcy service for the fast tier: the real consumers of
`services.bankruptcy.subscribers`, their intake, the handlers, the projections and the deadline
runner, over the memory event store, on a clock the test moves. The delivery, the relay and the
clock are the enforcement harness's (`tests.fast.harness`)."""

from __future__ import annotations

import functools
import itertools
import uuid

from contracts.bankruptcy.funding import ExpenseAidLimits
from contracts.bankruptcy.topics import TopicCatalogue
from contracts.base import Payload
from contracts.organizations import Registry
from contracts.subjects import subject
from services.bankruptcy import projections, subscribers
from services.bankruptcy.deadlines import Deadlines
from services.bankruptcy.handlers import Handlers
from services.bankruptcy.settings import BankruptcySettings
from services.runtime.consumer import Consumer, Delivery
from services.runtime.consumer import _handle as consume
from services.runtime.eventstore.memory import MemoryEventStore
from tests.fast.harness import Clock, Published, _matches, message


@functools.cache
def reference_data() -> tuple[Registry, TopicCatalogue, ExpenseAidLimits]:
    """The registry, the topic catalogue and the expense-aid limits, read once."""
    return Registry.load(), TopicCatalogue.load(), ExpenseAidLimits.load()


class BankruptcyHarness:
    """The bankruptcy service as `main.py` composes it, with memory adapters."""

    def __init__(self, clock: Clock | None = None) -> None:
        self.clock = clock or Clock()
        self.store = MemoryEventStore()
        self.registry, catalogue, limits = reference_data()
        self.projector = projections.on_memory(self.store)
        self.reads = projections.Reads(self.projector)
        self.handlers = Handlers(
            self.store,
            self.registry,
            BankruptcySettings(),
            self.reads,
            catalogue=catalogue,
            limits=limits,
        )
        self.consumers: list[Consumer] = subscribers.consumers(
            self.handlers, self.clock, max_attempts=5
        )
        self.deadlines = Deadlines(self.store, self.clock, self.handlers, self.reads)
        self._sequence = itertools.count(1)
        self._relayed = 0

    async def send(
        self,
        payload: Payload,
        sender: str,
        *,
        case_number: str | None = None,
        event_id: uuid.UUID | None = None,
    ) -> list[Published]:
        """`sender` sends `payload` on its own subject; what the relay publishes after it."""
        msg = message(payload, sender, self.clock(), case_number=case_number, event_id=event_id)
        name = subject(msg.envelope.type, sender)
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
