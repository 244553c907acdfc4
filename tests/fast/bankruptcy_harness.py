"""An in-memory bankruptcy service for the fast tier: the real consumers of
`services.bankruptcy.subscribers`, their intake, the handlers, the projections and the deadline
runner, over the memory event store, on a clock the test moves. The delivery, the relay and the
clock are the fast tier's (`tests.fast.harness.Delivering`)."""

from __future__ import annotations

import functools

from contracts.bankruptcy.funding import ExpenseAidLimits
from contracts.bankruptcy.topics import TopicCatalogue
from contracts.organizations import Registry
from services.bankruptcy import projections, subscribers
from services.bankruptcy.deadlines import Deadlines
from services.bankruptcy.handlers import Handlers
from services.bankruptcy.settings import BankruptcySettings
from tests.fast.harness import Clock, Delivering, Published


@functools.cache
def reference_data() -> tuple[Registry, TopicCatalogue, ExpenseAidLimits]:
    """The registry, the topic catalogue and the expense-aid limits, read once."""
    return Registry.load(), TopicCatalogue.load(), ExpenseAidLimits.load()


class BankruptcyHarness(Delivering):
    """The bankruptcy service as `main.py` composes it, with memory adapters."""

    def __init__(self, clock: Clock | None = None) -> None:
        super().__init__(clock)
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
        self.consumers = subscribers.consumers(self.handlers, self.clock, max_attempts=5)
        self.deadlines = Deadlines(self.store, self.clock, self.handlers, self.reads)

    async def tick_deadlines(self) -> list[Published]:
        """One tick of the deadline runner at the harness's clock; what it published."""
        await self.deadlines.tick()
        return await self.relay()
