"""失信/限消在册 — one row per sanction and party it binds, written from SanctionImposed and
SanctionLifted, found by party id; whether a row is in force on a day is the domain's one rule
(`Sanction.in_force`), applied here in Python."""

from __future__ import annotations

from datetime import date
from typing import Any

from contracts.enforcement import party_id
from contracts.enforcement.sanctions import SanctionImposed, SanctionKind, SanctionLifted
from services.enforcement.domain.sanction_state import Sanction
from services.runtime.projector import Projected, Projection, Projector, Row, Rows, Table

SANCTION_PARTIES = Table(
    "sanction_parties",
    key=("sanction_id", "party_id"),
    columns=(
        "sanction_id",
        "party_id",
        "case_number",
        "court",
        "kind",
        "since",
        "until",
        "lifted_on",
        "data",
        "position",
    ),
    json=frozenset({"data"}),
)


class SanctionParties(Projection):
    tables = (SANCTION_PARTIES,)
    TYPES = frozenset({SanctionImposed.TYPE, SanctionLifted.TYPE})

    def wants(self, stream_id: str, type_: str) -> bool:
        return type_ in self.TYPES

    async def apply(self, event: Projected, rows: Rows) -> None:
        data = event.message.data
        if isinstance(data, SanctionImposed):
            for party in sorted({party_id(b.party) for b in data.bound}):
                if await rows.get(SANCTION_PARTIES, (data.sanction_id, party)) is not None:
                    continue  # applied already: an imposition never changes
                await rows.put(
                    SANCTION_PARTIES,
                    {
                        "sanction_id": data.sanction_id,
                        "party_id": party,
                        "case_number": data.case_number,
                        "court": event.message.envelope.organization,
                        "kind": str(data.sanction_kind),
                        "since": data.effective_on,
                        "until": data.until,
                        "lifted_on": None,
                        "data": data.model_dump(mode="json"),
                        "position": event.position,
                    },
                )
        elif isinstance(data, SanctionLifted):
            for row in await rows.find(SANCTION_PARTIES, sanction_id=data.sanction_id):
                if row["lifted_on"] is None:
                    await rows.put(SANCTION_PARTIES, {**row, "lifted_on": data.effective_on})


def sanction(row: Row) -> Sanction:
    """The sanction as far as the row tells it: enough for the domain's `in_force`."""
    return Sanction(
        row["sanction_id"],
        SanctionKind(row["kind"]),
        row["party_id"],
        row["until"],
        since=row["since"],
        lifted=row["lifted_on"] is not None,
        lifted_on=row["lifted_on"],
    )


class Sanctions:
    """The sanctions in force on a party, for status answers to bureaus."""

    def __init__(self, projector: Projector) -> None:
        self.projector = projector

    async def in_force(self, party_id: str, today: date) -> list[tuple[dict[str, Any], str]]:
        """(SanctionImposed data, court) for each sanction binding the party in force today, in
        the order they were imposed. The projection is first brought up to date, so an answer
        reflects every sanction committed before the question."""
        await self.projector.catch_up()
        rows = await self.projector.select(SANCTION_PARTIES, equal={"party_id": party_id})
        rows.sort(key=lambda r: r["position"])
        return [(r["data"], r["court"]) for r in rows if sanction(r).in_force(today)]
