"""到期案件 — one row per case: when the deadline runner should next look at it
(`domain.due.next_due`, the minimum over the areas), and the trace context stored with the event
that set that moment, so what the deadline causes continues the request behind it."""

from __future__ import annotations

from collections import OrderedDict
from datetime import datetime
from typing import Any

from contracts.registry import parse_message
from services.enforcement import domain
from services.enforcement.domain.due import next_due
from services.runtime.aggregate import KEPT_STATES
from services.runtime.eventstore import EventStore
from services.runtime.projector import Projected, Projection, Projector, Rows, Table

DUE_CASES = Table(
    "due_cases",
    key=("case_number",),
    columns=("case_number", "due_at", "headers", "version"),
    json=frozenset({"headers"}),
)
CASE_STREAM = "case-"


class DueCases(Projection):
    """Keeps each case's state (evolved event by event, or loaded from the store up to the
    event's version when not kept) and writes its next due moment. Applying an event again
    changes nothing: the row remembers the version it was written at."""

    tables = (DUE_CASES,)

    def __init__(
        self, store: EventStore, on_report: frozenset[str], size: int = KEPT_STATES
    ) -> None:
        self.store, self.on_report, self.size = store, on_report, size
        self._cases = OrderedDict[str, tuple[domain.Case, int]]()

    def wants(self, stream_id: str, type_: str) -> bool:
        return stream_id.startswith(CASE_STREAM)

    def reset(self) -> None:
        self._cases.clear()

    async def apply(self, event: Projected, rows: Rows) -> None:
        case_number = event.stream_id.removeprefix(CASE_STREAM)
        row = await rows.get(DUE_CASES, (case_number,))
        if row is not None and row["version"] >= event.version:
            return  # applied already
        case = await self._state(case_number, event)
        due = next_due(case, self.on_report)
        # the event after which the case fell due at this moment is the one that set it
        same = row is not None and row["due_at"] == due
        await rows.put(
            DUE_CASES,
            {
                "case_number": case_number,
                "due_at": due,
                "headers": row["headers"] if same and row else event.headers,
                "version": event.version,
            },
        )

    async def _state(self, case_number: str, event: Projected) -> domain.Case:
        case, version = self._cases.pop(case_number, (domain.Case(), 0))
        if version == event.version - 1:
            case = domain.evolve(case, event.message.data)
        else:  # not kept, or kept at another version: read the stream up to this event
            case = domain.Case()
            for stored in await self.store.load(event.stream_id):
                if stored.version > event.version:
                    break
                case = domain.evolve(case, parse_message(stored.message).data)
        self._cases[case_number] = (case, event.version)
        if len(self._cases) > self.size:
            self._cases.popitem(last=False)
        return case


class DueRead:
    """The cases due at a moment, from the projection."""

    def __init__(self, projector: Projector) -> None:
        self.projector = projector

    async def due(self, now: datetime) -> dict[str, list[Any]]:
        """Case number → the stored trace headers of the event that made it due."""
        rows = await self.projector.select(DUE_CASES, at_most={"due_at": now})
        return {r["case_number"]: [r["headers"]] for r in rows}
