"""This service's read side: projection tables written from its own typed events by the generic
projector (`services.runtime.projector`), rebuilt from position 0 with `fuyuan projections
rebuild bankruptcy`.

`case_numbers`: the stream of each number a case is known by (破申, then 破), so a step naming
the 破 number finds the case opened under the 破申 number. `due_cases`: when the deadline runner
should next look at each case (`domain.next_due`). `aid_applications`: what each expense-aid fund
approved in a budget year, across cases (the budget is the fund's, not the case's)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

import asyncpg

from contracts.bankruptcy import aid, procedure
from services.bankruptcy import domain
from services.runtime.due import DueStreams, due_table
from services.runtime.eventstore import EventStore
from services.runtime.projector import (
    MemoryProjector,
    MemoryTables,
    PostgresProjector,
    Projected,
    Projection,
    Projector,
    Rows,
    Table,
)

NAME = "bankruptcy"
"""The projector's name: its checkpoint row."""
CASE_STREAM = "bankruptcy-"
"""A case's stream: this prefix and the number it was opened under (the 破申 number)."""

CASE_NUMBERS = Table("case_numbers", key=("number",), columns=("number", "stream_id"))
DUE_CASES = due_table("due_cases")
AID_APPLICATIONS = Table(
    "aid_applications",
    key=("application_id",),
    columns=("application_id", "fund", "budget_year", "approved"),
)


def case_stream(number: str) -> str:
    return f"{CASE_STREAM}{number}"


class CaseNumbers(Projection):
    """Every number of a case → its stream: the petition's (filed or referred) and the 破
    number of the acceptance."""

    tables = (CASE_NUMBERS,)
    NUMBERED = frozenset(
        {
            procedure.BankruptcyPetitionFiled.TYPE,
            procedure.BankruptcyReferredFromEnforcement.TYPE,
            procedure.PetitionAccepted.TYPE,
        }
    )

    def wants(self, stream_id: str, type_: str) -> bool:
        return stream_id.startswith(CASE_STREAM) and type_ in self.NUMBERED

    async def apply(self, event: Projected, rows: Rows) -> None:
        number = event.message.data.case_number
        await rows.put(CASE_NUMBERS, {"number": number, "stream_id": event.stream_id})


class DueCases(DueStreams[domain.BankruptcyCase]):
    """Each case's next due moment (`domain.next_due`), kept by the shared due projection
    (`services.runtime.due.DueStreams`)."""

    def __init__(self, store: EventStore, size: int = 10_000) -> None:
        super().__init__(
            store, DUE_CASES, _is_case, _new_case, domain.evolve, domain.next_due, size
        )


def _is_case(stream_id: str) -> bool:
    return stream_id.startswith(CASE_STREAM)


def _new_case(stream_id: str) -> domain.BankruptcyCase:
    return domain.BankruptcyCase()


class AidApplications(Projection):
    """Each expense-aid application's fund, budget year and the amount approved."""

    tables = (AID_APPLICATIONS,)
    TYPES = frozenset({aid.ExpenseAidRequested.TYPE, aid.ExpenseAidApproved.TYPE})

    def wants(self, stream_id: str, type_: str) -> bool:
        return type_ in self.TYPES

    async def apply(self, event: Projected, rows: Rows) -> None:
        e = event.message.data
        key = (e.application_id,)
        if isinstance(e, aid.ExpenseAidRequested):
            if await rows.get(AID_APPLICATIONS, key) is None:
                row = {"fund": e.fund, "budget_year": e.budget_year, "approved": None}
                await rows.put(AID_APPLICATIONS, {"application_id": e.application_id, **row})
        elif (known := await rows.get(AID_APPLICATIONS, key)) is not None:
            await rows.put(AID_APPLICATIONS, {**known, "approved": e.amount})


class Reads:
    """What the handlers and the deadline runner read from the projections."""

    def __init__(self, projector: Projector) -> None:
        self.projector = projector

    async def stream_of(self, number: str) -> str | None:
        """The stream of the case known by `number`; looked for again after a catch-up when not
        found, so a step right after the acceptance finds the case."""
        for attempt in range(2):
            rows = await self.projector.select(CASE_NUMBERS, equal={"number": number})
            if rows:
                return str(rows[0]["stream_id"])
            if attempt == 0:
                await self.projector.catch_up()
        return None

    async def due(self, now: datetime) -> dict[str, list[Any]]:
        """Case stream → the stored trace headers of the event that made it due."""
        rows = await self.projector.select(DUE_CASES, at_most={"due_at": now})
        return {r["stream_id"]: [r["headers"]] for r in rows}

    async def committed(self, fund: str, budget_year: int) -> Decimal:
        """What the fund approved in the budget year, in every case."""
        rows = await self.projector.select(
            AID_APPLICATIONS, equal={"fund": fund, "budget_year": budget_year}
        )
        return sum((Decimal(r["approved"]) for r in rows if r["approved"] is not None), Decimal(0))


def projections(store: EventStore) -> Sequence[Projection]:
    return [CaseNumbers(), DueCases(store), AidApplications()]


def on_postgres(pool: asyncpg.Pool, schema: str, store: EventStore) -> Projector:
    return PostgresProjector(pool, schema, NAME, projections(store))


def on_memory(store: EventStore, tables: MemoryTables | None = None) -> Projector:
    return MemoryProjector(store, NAME, projections(store), tables)
