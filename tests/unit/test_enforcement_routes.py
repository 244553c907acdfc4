"""Every command and reply the enforcement contracts define is taken by a subscriber."""

from __future__ import annotations

from datetime import UTC, datetime

from contracts import catalog
from contracts.organizations import Registry
from services.enforcement import subscribers
from services.enforcement.handlers import Handlers
from services.enforcement.settings import EnforcementSettings
from services.runtime.eventstore.memory import MemoryEventStore
from services.runtime.intake import Intake


def routed_types() -> set[str]:
    handlers = Handlers(MemoryEventStore(), Registry.load(), EnforcementSettings())
    consumers = subscribers.consumers(handlers, lambda: datetime.now(UTC), max_attempts=5)
    intakes = [c.handle for c in consumers if isinstance(c.handle, Intake)]
    return {t for intake in intakes for t in intake.routes}


def test_every_enforcement_command_and_reply_has_a_route() -> None:
    inbound = {
        t for t in catalog.public() if t.startswith(("enforcement.command.", "enforcement.reply."))
    }
    assert inbound - routed_types() == set()
