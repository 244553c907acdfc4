"""The in-memory projector passes the shared projector suite, with no server."""

from __future__ import annotations

import pytest

from services.runtime.eventstore import EventStore
from services.runtime.eventstore.memory import MemoryEventStore
from services.runtime.projector import MemoryProjector, MemoryTables, Projection
from tests.suites.projector import Make, ProjectorSuite


class TestMemoryProjector(ProjectorSuite):
    @pytest.fixture
    def store(self) -> EventStore:
        return MemoryEventStore()

    @pytest.fixture
    def projector(self, store: EventStore) -> Make:
        tables = MemoryTables()

        def make(projections: list[Projection]) -> MemoryProjector:
            return MemoryProjector(store, "testing", projections, tables)

        return make
