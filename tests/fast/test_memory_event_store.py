"""The in-memory event store passes the shared store suite, with no server."""

from __future__ import annotations

import pytest

from services.runtime.eventstore import EventStore
from services.runtime.eventstore.memory import MemoryEventStore
from tests.suites.event_store import EventStoreSuite


class TestMemoryEventStore(EventStoreSuite):
    @pytest.fixture
    def store(self) -> EventStore:
        return MemoryEventStore()
