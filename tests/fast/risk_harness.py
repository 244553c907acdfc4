"""An in-memory risk service for the fast tier: the real consumers of `services.risk.subscribers`,
their intake, the handlers, the due projection and the deadline runner, over the memory event
store, on a clock the test moves. The delivery, the relay and the clock are the shared harness
base's (`tests.fast.harness.Delivering`)."""

from __future__ import annotations

from contracts.base import Payload
from contracts.envelope import Message
from contracts.organizations import Registry
from services.risk import projections, subscribers
from services.risk.deadlines import Deadlines
from services.risk.handlers import Handlers
from services.risk.settings import RiskSettings
from tests.fast.harness import Clock, Delivering, Published
from tests.fast.harness import reference_data as enforcement_reference_data


def registry() -> Registry:
    return enforcement_reference_data()[0]


class RiskHarness(Delivering):
    """The risk service as `main.py` composes it, with memory adapters."""

    def __init__(self, clock: Clock | None = None, settings: RiskSettings | None = None) -> None:
        super().__init__(clock)
        self.settings = settings or RiskSettings()
        self.projector = projections.on_memory(self.store, self.settings.overdue_period_days)
        self.handlers = Handlers(self.store, registry(), self.settings)
        self.consumers = subscribers.consumers(self.handlers, self.clock, max_attempts=5)
        self.deadlines = Deadlines(
            self.store, self.clock, self.handlers, projections.Reads(self.projector)
        )

    async def deliver(
        self,
        subject_name: str | Message[Payload],
        data: bytes | str,
        headers: dict[str, str] | None = None,
    ) -> list[Published]:
        """As the base delivers; or `deliver(msg, name)`: `msg` arrives on the subject `name`
        (another service's notice, addressed there)."""
        if isinstance(subject_name, Message):
            assert isinstance(data, str)
            return await super().deliver(data, subject_name.model_dump_json().encode(), headers)
        assert isinstance(data, bytes)
        return await super().deliver(subject_name, data, headers)

    async def tick_deadlines(self) -> list[Published]:
        """One tick of the deadline runner at the harness's clock; what it published."""
        await self.deadlines.tick()
        return await self.relay()
