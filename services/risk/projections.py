"""This service's read side: `due_streams`, when the deadline runner should next look at each
meeting and each joint office's leading-group meetings (`domain.next_due`), written by the
generic projector (`services.runtime.projector`) through `services.runtime.due`; rebuilt from
position 0 with `fuyuan projections rebuild risk`. Also the one place that names the streams."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg

from services.risk import domain
from services.risk.domain import items
from services.risk.domain.key_items import KeyItemWork
from services.runtime.due import DueStreams, due_table
from services.runtime.eventstore import EventStore
from services.runtime.projector import (
    MemoryProjector,
    MemoryTables,
    PostgresProjector,
    Projection,
    Projector,
)

NAME = "risk"
"""The projector's name: its checkpoint row."""
LINKAGE = "risk-linkage-"
MEETING = "risk-meeting-"
LEADING_GROUP = "risk-leading-group-"
KEY_ITEM = "risk-key-item-"
RISK_CASE = "risk-case-"
GOV_CASE = "risk-gov-case-"
APPEARANCE = "risk-appearance-"
RECONSIDERATION = "risk-reconsideration-"
MEDIATION = "risk-mediation-"
DUE_STREAMS = due_table("due_streams")


def linkage_stream(item_id: UUID) -> str:
    return f"{LINKAGE}{item_id}"


def meeting_stream(meeting_id: UUID) -> str:
    return f"{MEETING}{meeting_id}"


def leading_group_stream(joint_office: str) -> str:
    return f"{LEADING_GROUP}{joint_office}"


def key_item_stream(joint_office: str, item: str) -> str:
    """One key item's work in one joint office's jurisdiction."""
    return f"{KEY_ITEM}{joint_office}-{item}"


def risk_case_stream(case_id: UUID) -> str:
    return f"{RISK_CASE}{case_id}"


def gov_case_stream(case_number: str) -> str:
    return f"{GOV_CASE}{case_number}"


def appearance_stream(case_number: str) -> str:
    return f"{APPEARANCE}{case_number}"


def reconsideration_stream(reconsideration_id: UUID) -> str:
    return f"{RECONSIDERATION}{reconsideration_id}"


def mediation_stream(referral_id: UUID) -> str:
    return f"{MEDIATION}{referral_id}"


def _item_initial(stream_id: str) -> items.ItemState | None:
    if stream_id.startswith(KEY_ITEM):
        office, item = stream_id.removeprefix(KEY_ITEM).split("-", 1)
        return KeyItemWork(item, office)
    starts: dict[str, items.ItemState] = {
        RISK_CASE: items.RiskCaseStream(),
        GOV_CASE: items.GovCaseStream(),
        APPEARANCE: items.AppearanceStream(),
        RECONSIDERATION: items.ReconsiderationStream(),
        MEDIATION: items.ReferralStream(),
    }
    return next((v for prefix, v in starts.items() if stream_id.startswith(prefix)), None)


def initial(stream_id: str) -> domain.State:
    """The state a stream starts from, by its prefix."""
    if (state := _item_initial(stream_id)) is not None:
        return state
    if stream_id.startswith(LINKAGE):
        return domain.LinkageItem()
    if stream_id.startswith(MEETING):
        return domain.Meeting()
    return domain.LeadingGroupMeetings()


def _timed(stream_id: str) -> bool:
    timed = (MEETING, LEADING_GROUP, KEY_ITEM, RISK_CASE, GOV_CASE, RECONSIDERATION, MEDIATION)
    return stream_id.startswith(timed)


class Reads:
    """What the deadline runner reads."""

    def __init__(self, projector: Projector) -> None:
        self.projector = projector

    async def due(self, now: datetime) -> dict[str, list[Any]]:
        """Stream → the stored trace headers of the event that made it due."""
        rows = await self.projector.select(DUE_STREAMS, at_most={"due_at": now})
        return {r["stream_id"]: [r["headers"]] for r in rows}


def projections(store: EventStore, period_days: int) -> Sequence[Projection]:
    due = functools.partial(domain.next_due, period_days=period_days)
    return [DueStreams(store, DUE_STREAMS, _timed, initial, domain.evolve, due)]


def on_postgres(pool: asyncpg.Pool, schema: str, store: EventStore, period_days: int) -> Projector:
    return PostgresProjector(pool, schema, NAME, projections(store, period_days))


def on_memory(store: EventStore, period_days: int, tables: MemoryTables | None = None) -> Projector:
    return MemoryProjector(store, NAME, projections(store, period_days), tables)
