"""追责问责与表扬表彰 — accountability and commendation, recorded by the joint office, each citing
what it rests on: accountability only on an overdue memo item (or, with the key items' ledger, a
failed reconciliation); commendation on a memo item accepted done (the seed: 分管不负责、归口不办
理、拖拉搪塞 are held to account; marked results are commended; both feed 政府督查 and 法治政府建设
考核)."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from uuid import UUID

from contracts.bankruptcy.parties import Text
from contracts.base import Command, Contract, Event, OrgCode
from contracts.registry import register


class Ground(StrEnum):
    """追责情形 — the seed's three grounds."""

    IN_CHARGE_NOT_ACTING = "in_charge_not_acting"  # 分管不负责
    UNIT_NOT_HANDLING = "unit_not_handling"  # 归口不办理
    STALLING = "stalling"  # 拖拉搪塞


class BasisKind(StrEnum):
    """What a record rests on."""

    OVERDUE_MEMO_ITEM = "overdue_memo_item"  # 备忘事项逾期 (accountability)
    ACCEPTED_MEMO_ITEM = "accepted_memo_item"  # 备忘事项已办结 (commendation)


class Basis(Contract):
    """依据 — the fact cited."""

    kind: BasisKind
    """overdue_memo_item · accepted_memo_item."""
    meeting_id: UUID
    """会商编号."""
    item_id: UUID
    """备忘事项编号."""


@register
class RaiseAccountability(Command):
    """追责问责 — the joint office holds a unit to account, citing an overdue memo item."""

    TYPE = "risk.command.raise_accountability.v1"
    record_id: UUID
    """记录编号."""
    basis: Basis
    """依据 — the overdue item."""
    unit: OrgCode
    """被问责单位 — the item's owner unit."""
    ground: Ground
    """追责情形."""
    measures: Text
    """问责方式 — e.g. 约谈、通报批评, and to whom it goes (督查, 考核)."""
    decided_on: date
    """决定日期."""


@register
class AccountabilityRaised(Event):
    """已追责问责."""

    TYPE = "risk.event.accountability_raised.v1"
    record_id: UUID
    """记录编号."""
    basis: Basis
    """依据."""
    overdue_period: int
    """the overdue period cited (0 for the first)."""
    unit: OrgCode
    """被问责单位."""
    ground: Ground
    """追责情形."""
    measures: str
    """问责方式."""
    decided_on: date
    """决定日期."""


@register
class GrantCommendation(Command):
    """表扬表彰 — the joint office commends a unit, citing a memo item accepted done."""

    TYPE = "risk.command.grant_commendation.v1"
    record_id: UUID
    """记录编号."""
    basis: Basis
    """依据 — the accepted item."""
    unit: OrgCode
    """受表扬单位."""
    reasons: Text
    """表扬事由."""
    granted_on: date
    """日期."""


@register
class CommendationGranted(Event):
    """已表扬表彰."""

    TYPE = "risk.event.commendation_granted.v1"
    record_id: UUID
    """记录编号."""
    basis: Basis
    """依据."""
    unit: OrgCode
    """受表扬单位."""
    reasons: str
    """表扬事由."""
    granted_on: date
    """日期."""


__all__ = [
    "AccountabilityRaised",
    "Basis",
    "BasisKind",
    "CommendationGranted",
    "GrantCommendation",
    "Ground",
    "RaiseAccountability",
]
