"""This service's read side: projection tables written from its own typed events by one
projector (`services.runtime.projector`), rebuilt from position 0 with `fuyuan projections
rebuild`. `due_cases`: when the deadline runner should next look at each case; `sanction_parties`:
the sanctions binding each party, for status answers to bureaus; `debtor_cases`: the cases against
each company, for the acceptance of its bankruptcy."""

from __future__ import annotations

from collections.abc import Sequence

import asyncpg

from services.enforcement.projections.debtor_cases import (
    DEBTOR_CASES,
    DebtorCases,
    DebtorCasesRead,
)
from services.enforcement.projections.due_cases import DUE_CASES, DueCases, DueRead
from services.enforcement.projections.sanctions import (
    SANCTION_PARTIES,
    SanctionParties,
    Sanctions,
)
from services.runtime.eventstore import EventStore
from services.runtime.projector import (
    MemoryProjector,
    MemoryTables,
    PostgresProjector,
    Projection,
    Projector,
)

NAME = "enforcement"
"""The projector's name: its checkpoint row."""

__all__ = [
    "DEBTOR_CASES",
    "DUE_CASES",
    "NAME",
    "SANCTION_PARTIES",
    "DebtorCases",
    "DebtorCasesRead",
    "DueCases",
    "DueRead",
    "SanctionParties",
    "Sanctions",
    "on_memory",
    "on_postgres",
    "projections",
]


def projections(store: EventStore, on_report: frozenset[str]) -> Sequence[Projection]:
    """Every projection of the service. `on_report`: the measures a bureau acts on only when
    reported (catalogue interception), never escalated, so never due."""
    return [DueCases(store, on_report), SanctionParties(), DebtorCases()]


def on_postgres(
    pool: asyncpg.Pool, schema: str, store: EventStore, on_report: frozenset[str]
) -> Projector:
    return PostgresProjector(pool, schema, NAME, projections(store, on_report))


def on_memory(
    store: EventStore, on_report: frozenset[str], tables: MemoryTables | None = None
) -> Projector:
    return MemoryProjector(store, NAME, projections(store, on_report), tables)
