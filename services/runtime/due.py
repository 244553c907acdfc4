"""到期 — what a service's deadline runner reads: one row per stream with the next moment its
deadline decisions write (`due_at`), kept by the generic projector from the stream's own events.

A service gives the stream prefix, its initial state per stream, its `evolve` and its `next_due`;
`DueStreams` keeps the states it saw (or reads the stream up to the event when it did not) and
writes the row, remembering the version so applying an event again changes nothing. The trace
headers of the event that set the moment are kept, so what the runner writes continues it."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from datetime import datetime
from typing import Any, Generic, TypeVar

from contracts.registry import parse_message
from services.runtime.eventstore import EventStore
from services.runtime.projector import Projected, Projection, Rows, Table

S = TypeVar("S")


def due_table(name: str) -> Table:
    """The due table's shape: stream_id, due_at (NULL: nothing pending), headers, version."""
    return Table(
        name,
        key=("stream_id",),
        columns=("stream_id", "due_at", "headers", "version"),
        json=frozenset({"headers"}),
    )


class DueStreams(Projection, Generic[S]):
    def __init__(
        self,
        store: EventStore,
        table: Table,
        wanted: Callable[[str], bool],
        initial: Callable[[str], S],
        evolve: Callable[[S, Any], S],
        next_due: Callable[[S], datetime | None],
        size: int = 10_000,
    ) -> None:
        self.store, self.table, self.size = store, table, size
        self.tables = (table,)
        self.wanted, self.initial, self.evolve, self.next_due = wanted, initial, evolve, next_due
        self._states = OrderedDict[str, tuple[S, int]]()

    def wants(self, stream_id: str, type_: str) -> bool:
        return self.wanted(stream_id)

    def reset(self) -> None:
        self._states.clear()

    async def apply(self, event: Projected, rows: Rows) -> None:
        row = await rows.get(self.table, (event.stream_id,))
        if row is not None and row["version"] >= event.version:
            return  # applied already
        due = self.next_due(await self._state(event))
        same = row is not None and row["due_at"] == due
        await rows.put(
            self.table,
            {
                "stream_id": event.stream_id,
                "due_at": due,
                "headers": row["headers"] if same and row else event.headers,
                "version": event.version,
            },
        )

    async def _state(self, event: Projected) -> S:
        state, version = self._states.pop(event.stream_id, (self.initial(event.stream_id), 0))
        if version == event.version - 1:
            state = self.evolve(state, event.message.data)
        else:  # not kept, or kept at another version: read the stream up to this event
            state = self.initial(event.stream_id)
            for stored in await self.store.load(event.stream_id):
                if stored.version > event.version:
                    break
                state = self.evolve(state, parse_message(stored.message).data)
        self._states[event.stream_id] = (state, event.version)
        if len(self._states) > self.size:
            self._states.popitem(last=False)
        return state


__all__ = ["DueStreams", "due_table"]
